package lambdaapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock"
)

// CodeURLSigner issues and checks the short-lived download URLs that
// GetFunction returns as Code.Location. A URL names one package of one
// account and expires; it is authenticated with an HMAC key derived from
// the server's master key, so it needs no SigV4 signature.
type CodeURLSigner struct {
	key     []byte
	base    string // e.g. http://127.0.0.1:9000
	clock   clock.Clock
	ttl     time.Duration
	content artifacts
}

// NewCodeURLSigner derives its key from masterKey.
func NewCodeURLSigner(masterKey []byte, baseURL string, c clock.Clock, content artifacts) *CodeURLSigner {
	m := hmac.New(sha256.New, masterKey)
	m.Write([]byte("lambent code download URL v1"))
	return &CodeURLSigner{key: m.Sum(nil), base: strings.TrimSuffix(baseURL, "/"), clock: c, ttl: 10 * time.Minute, content: content}
}

type codeToken struct {
	Account string `json:"a"`
	Digest  string `json:"d"`
	Expires int64  `json:"e"`
}

// URL returns a download URL for the package digest of acct.
func (s *CodeURLSigner) URL(acct account.ID, digest string) string {
	payload, _ := json.Marshal(codeToken{Account: string(acct), Digest: digest, Expires: s.clock.Now().Add(s.ttl).Unix()})
	p := base64.RawURLEncoding.EncodeToString(payload)
	return s.base + "/code/" + p + "." + base64.RawURLEncoding.EncodeToString(s.mac(p))
}

func (s *CodeURLSigner) mac(p string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(p))
	return m.Sum(nil)
}

// ServeHTTP serves GET /code/{token}.
func (s *CodeURLSigner) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tok, ok := s.check(strings.TrimPrefix(r.URL.Path, "/code/"))
	if !ok {
		http.Error(w, "AccessDenied: the URL is invalid or has expired", http.StatusForbidden)
		return
	}
	data, err := s.content.Get(tok.Digest)
	if err != nil {
		http.Error(w, "NoSuchKey: the package no longer exists", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
}

func (s *CodeURLSigner) check(token string) (codeToken, bool) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return codeToken{}, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac(p)) {
		return codeToken{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return codeToken{}, false
	}
	var t codeToken
	if json.Unmarshal(raw, &t) != nil || s.clock.Now().Unix() > t.Expires {
		return codeToken{}, false
	}
	return t, true
}
