package daemon

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// rootCredentials are the bootstrap account's root access key.
type rootCredentials struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

const credentialsFile = "root-credentials.json"

// loadRootCredentials returns the root key: preset, stored, or new. It
// reports whether the key was generated now (so it is printed once).
func loadRootCredentials(dataDir string, preset rootCredentials) (rootCredentials, bool, error) {
	path := filepath.Join(dataDir, credentialsFile)
	if preset.AccessKeyID != "" {
		return preset, false, writeSecretJSON(path, preset)
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var rc rootCredentials
		if err := json.Unmarshal(b, &rc); err != nil || rc.AccessKeyID == "" || rc.SecretAccessKey == "" {
			return rootCredentials{}, false, fmt.Errorf("read %s: malformed credentials file", credentialsFile)
		}
		return rc, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return rootCredentials{}, false, fmt.Errorf("read root credentials: %w", err)
	}
	rc := rootCredentials{AccessKeyID: "AKIA" + randomString(16, upperAlnum), SecretAccessKey: randomString(40, secretAlphabet)}
	return rc, true, writeSecretJSON(path, rc)
}

const (
	upperAlnum     = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("read random bytes: %v", err)) // crypto/rand never fails on Linux
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// writeSecretJSON writes v to path with mode 0600, atomically.
func writeSecretJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
