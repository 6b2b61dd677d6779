package sts

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// tokenPrefix names the token format and the key generation.
const tokenPrefix = "LMT1."

// claims are what a session token carries (docs iam.md §5.3). Verification
// is stateless: the server opens the token and trusts what it sealed.
type claims struct {
	AccessKeyID string `json:"k"`
	Secret      string `json:"s"`
	Account     string `json:"a"`
	// Type is "role" for AssumeRole sessions and "user"/"root" for
	// GetSessionToken.
	Type           string   `json:"t"`
	Name           string   `json:"n"`            // role or user name
	EntityID       string   `json:"i"`            // AROA… or AIDA…
	RoleARN        string   `json:"r,omitempty"`  // with path
	SessionName    string   `json:"sn,omitempty"` // RoleSessionName
	Issued         int64    `json:"iat"`
	Expires        int64    `json:"exp"`
	Policy         string   `json:"p,omitempty"`
	PolicyARNs     []string `json:"pa,omitempty"`
	Chained        bool     `json:"c,omitempty"`
	SourceIdentity string   `json:"si,omitempty"`
	SourceFunction string   `json:"sf,omitempty"`
	Tags           []Tag    `json:"tg,omitempty"`
	Transitive     []string `json:"tt,omitempty"`
}

// sealer seals and opens tokens with AES-256-GCM under a key derived from
// the server's master key.
type sealer struct{ aead cipher.AEAD }

var errBadToken = errors.New("session token does not open")

func newSealer(master []byte) (*sealer, error) {
	key, err := hkdf.Key(sha256.New, master, nil, "lambent sts session tokens v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive token key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(c *claims) (string, error) {
	plain, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := s.aead.Seal(nonce, nonce, plain, []byte(tokenPrefix))
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(sealed), nil
}

func (s *sealer) open(token string) (*claims, error) {
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || strings.ContainsAny(rest, "\r\n") {
		return nil, errBadToken
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return nil, errBadToken
	}
	plain, err := s.aead.Open(nil, raw[:s.aead.NonceSize()], raw[s.aead.NonceSize():], []byte(tokenPrefix))
	if err != nil {
		return nil, errBadToken
	}
	var c claims
	if err := json.Unmarshal(plain, &c); err != nil || c.AccessKeyID == "" || c.Secret == "" {
		return nil, errBadToken
	}
	return &c, nil
}

func (c *claims) expiration() time.Time { return time.Unix(c.Expires, 0).UTC() }
