package artifact

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Extract unpacks a package into dir, which must exist and be empty.
//
// It runs every check of Inspect itself, before writing anything, and
// charges the decompression budget again while writing, so it never relies
// on an earlier Inspect. All writes go through an os.Root opened on dir, so
// no path, symlink or concurrent rename can place a file outside dir.
// Directories are created first, then regular files (with O_EXCL, so nothing
// is ever written through an existing name), then symlinks; no write
// therefore resolves through a symlink from the package.
//
// Regular files get mode 0755 when the zip gives them any execute bit and
// 0644 otherwise; directories get 0755, whatever the umask. Modification
// times are not kept. On any error dir is emptied again before Extract
// returns.
func Extract(zip []byte, dir string, l Limits) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("open extraction dir: %w", err)
	}
	defer root.Close()
	if err := requireEmpty(root); err != nil {
		return err
	}
	p, err := scan(zip, l)
	if err != nil {
		return err
	}
	if err := p.write(root); err != nil {
		if cerr := removeContents(root); cerr != nil {
			return errors.Join(err, cerr)
		}
		return err
	}
	return nil
}

func (p *plan) write(root *os.Root) error {
	for _, d := range p.dirs {
		if err := mkdir(root, d); err != nil {
			return err
		}
	}
	for _, e := range p.entries {
		if e.kind != nodeFile {
			continue
		}
		if err := p.writeFile(root, e); err != nil {
			return err
		}
	}
	for _, e := range p.entries {
		if e.kind != nodeLink {
			continue
		}
		if err := root.Symlink(e.target, e.name); err != nil {
			return fmt.Errorf("create symlink: %w", err)
		}
	}
	return nil
}

// mkdir creates one directory with mode 0755. Its parent already exists:
// dirs come parents first.
func mkdir(root *os.Root, name string) error {
	if err := root.Mkdir(name, 0o755); err != nil {
		return fmt.Errorf("create dir: %w", err)
	}
	d, err := root.Open(name)
	if err != nil {
		return fmt.Errorf("open dir: %w", err)
	}
	err = d.Chmod(0o755) // undo the umask, on the descriptor, not the name
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("chmod dir: %w", err)
	}
	return nil
}

func (p *plan) writeFile(root *os.Root, e entry) error {
	f, err := root.OpenFile(e.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create file: %w", err)
	}
	err = p.inf.copy(f, e.f)
	if err == nil {
		err = f.Chmod(e.mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write file: %w", err)
	}
	return nil
}

func requireEmpty(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return fmt.Errorf("open extraction dir: %w", err)
	}
	defer d.Close()
	names, err := d.Readdirnames(1)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read extraction dir: %w", err)
	}
	if len(names) > 0 {
		return fmt.Errorf("extraction dir %s is not empty", root.Name())
	}
	return nil
}

// removeContents empties the root after a failed extraction.
func removeContents(root *os.Root) error {
	d, err := root.Open(".")
	if err != nil {
		return fmt.Errorf("open extraction dir: %w", err)
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("read extraction dir: %w", err)
	}
	for _, n := range names {
		if err := root.RemoveAll(n); err != nil {
			return fmt.Errorf("clean extraction dir: %w", err)
		}
	}
	return nil
}
