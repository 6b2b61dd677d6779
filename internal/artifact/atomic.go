package artifact

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeFileAtomic makes dir/name hold data, or leaves it untouched: it
// writes a temp file in dir (mode 0600), fsyncs it, moves it into place and
// fsyncs dir. With noReplace it moves by link(2), which fails with
// fs.ErrExist when name exists, instead of rename(2), which replaces it.
func writeFileAtomic(dir, name string, data []byte, noReplace bool) error {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("create temp file: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once renamed
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write temp file: %w", err)
	}
	dst := filepath.Join(dir, name)
	if noReplace {
		err = os.Link(tmpName, dst)
	} else {
		err = os.Rename(tmpName, dst)
	}
	if err != nil {
		return fmt.Errorf("move temp file into place: %w", err)
	}
	return syncDir(dir)
}

// syncDir makes a rename, link or unlink in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open dir for sync: %w", err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync dir: %w", err)
	}
	return nil
}
