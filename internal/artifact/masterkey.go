package artifact

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// MasterKeySize is the length of the master key in bytes (AES-256).
const MasterKeySize = 32

// LoadOrCreateMasterKey reads the raw 32-byte master key at path, or creates
// it from crypto/rand with mode 0600 when path does not exist. Creation is
// atomic and never replaces an existing file: when several processes race,
// all of them end up with the key that reached the disk first.
//
// It refuses a key file that is not a regular file, that grants any
// permission to group or others (0640 and 0604 are refused, not only 0644),
// or whose length is not MasterKeySize. The parent directory must exist.
func LoadOrCreateMasterKey(path string) ([]byte, error) {
	key, err := readMasterKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key = randomBytes(MasterKeySize)
	err = writeFileAtomic(filepath.Dir(path), filepath.Base(path), key, true)
	if errors.Is(err, fs.ErrExist) { // another process won the race
		return readMasterKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("create master key: %w", err)
	}
	return key, nil
}

func readMasterKey(path string) ([]byte, error) {
	// Stat first so that a FIFO planted at path cannot block the open.
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("stat master key: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("master key %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open master key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat() // the file actually opened
	if err != nil {
		return nil, fmt.Errorf("stat master key: %w", err)
	}
	if perm := fi.Mode().Perm(); !fi.Mode().IsRegular() || perm&0o077 != 0 {
		return nil, fmt.Errorf("master key %s has mode %v: want a regular file without group or other permissions (0600)", path, fi.Mode())
	}
	key, err := io.ReadAll(io.LimitReader(f, MasterKeySize+1))
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}
	if len(key) != MasterKeySize {
		return nil, fmt.Errorf("master key %s has the wrong length: want %d bytes", path, MasterKeySize)
	}
	return key, nil
}
