package iam

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// sealer encrypts access-key secrets with AES-256-GCM. The additional data
// binds a sealed secret to its key ID, account and user ID, so a secret
// cannot be moved to another row, and a key orphaned by a deleted user does
// not authenticate a later user of the same name.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("new cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("new gcm: %w", err)
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(secret string, ad []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	_, _ = rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, []byte(secret), ad)
}

func (s *sealer) open(sealed, ad []byte) (string, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("open secret: too short")
	}
	b, err := s.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return "", fmt.Errorf("open secret: %w", err)
	}
	return string(b), nil
}

// keyAD is the additional data of an access key's sealed secret.
func keyAD(acct, keyID, userID string) []byte {
	return []byte(acct + "\x00" + keyID + "\x00" + userID)
}
