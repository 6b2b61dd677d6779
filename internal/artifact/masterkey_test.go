package artifact

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestMasterKeyCreateAndLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	key, err := LoadOrCreateMasterKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != MasterKeySize || bytes.Equal(key, make([]byte, MasterKeySize)) {
		t.Fatalf("key = %x", key)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", fi.Mode(), err)
	}
	again, err := LoadOrCreateMasterKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("reload = %x, %v; want %x", again, err, key)
	}
	if names := dirNames(t, filepath.Dir(path)); len(names) != 1 {
		t.Fatalf("dir holds %q, want the key file only", names)
	}
}

func TestMasterKeyRefusals(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{"mode 0644", make([]byte, 32), 0o644},
		{"mode 0640", make([]byte, 32), 0o640},
		{"mode 0604", make([]byte, 32), 0o604},
		{"mode 0602", make([]byte, 32), 0o602},
		{"short", make([]byte, 31), 0o600},
		{"long", make([]byte, 33), 0o600},
		{"empty", nil, 0o600},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "master.key")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			if key, err := LoadOrCreateMasterKey(path); err == nil {
				t.Fatalf("accepted %x", key)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, tc.data) {
				t.Fatal("refused key file was modified")
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		if _, err := LoadOrCreateMasterKey(t.TempDir()); err == nil {
			t.Fatal("accepted a directory")
		}
	})
	t.Run("missing parent", func(t *testing.T) {
		if _, err := LoadOrCreateMasterKey(filepath.Join(t.TempDir(), "no", "key")); err == nil {
			t.Fatal("created a key in a missing directory")
		}
	})
}

// Processes racing to create the key all end up with the one on disk.
func TestMasterKeyConcurrentCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	keys := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, err := LoadOrCreateMasterKey(path)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if !bytes.Equal(k, onDisk) {
			t.Fatalf("caller %d got %x, disk holds %x", i, k, onDisk)
		}
	}
}
