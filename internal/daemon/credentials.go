package daemon

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"lambent/internal/awsid"
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
	rc := rootCredentials{AccessKeyID: awsid.AccessKeyID(awsid.AccessKey), SecretAccessKey: awsid.SecretKey()}
	return rc, true, writeSecretJSON(path, rc)
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
