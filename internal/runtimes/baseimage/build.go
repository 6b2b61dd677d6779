package baseimage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// format is part of every fingerprint: a change to what images hold or
// how they are laid out makes new ones.
const format = "1"

// Build makes the image of r from the host's files in a new directory
// under dir, unless an identical one is already there, and returns it.
// Dependencies the loader would not find either are logged, not fatal.
func Build(dir string, r Recipe, log *slog.Logger) (string, error) {
	return build(dir, "/", r, log)
}

func build(dir, host string, r Recipe, log *slog.Logger) (string, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pl, err := planFor(r, host)
	if err != nil {
		return "", err
	}
	for _, m := range pl.missing {
		log.Warn("base image: shared library not found on the host", "image", r.Name, "needed", m)
	}
	final := filepath.Join(dir, r.Name+"-"+pl.fingerprint())
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return "", fmt.Errorf("base image: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "."+r.Name+"-")
	if err != nil {
		return "", fmt.Errorf("base image: %w", err)
	}
	err = pl.materialize(tmp)
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		if lerr := ldconfig(tmp, pl.libDirs()); lerr != nil {
			log.Warn("base image: no ld.so.cache; the loader searches its default directories only", "image", r.Name, "err", lerr)
		}
		err = os.Rename(tmp, final)
		if err != nil && exists(final) { // built concurrently by another store
			err = nil
		}
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return "", fmt.Errorf("base image %s: %w", r.Name, err)
	}
	return final, nil
}

// fingerprint identifies the plan's content: paths, kinds, link targets,
// and each file's source, inode, size, mode and modification time.
func (pl *plan) fingerprint() string {
	h := sha256.New()
	io.WriteString(h, format+"\x00")
	for _, p := range slices.Sorted(maps.Keys(pl.entries)) {
		e := pl.entries[p]
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00", p, e.kind, e.target)
		if e.kind == kindFile {
			var ino, dev uint64
			if st, ok := e.info.Sys().(*syscall.Stat_t); ok {
				ino, dev = st.Ino, st.Dev
			}
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00%o\x00%d\x00", e.src, ino, dev, e.info.Size(), e.info.Mode(), e.info.ModTime().UnixNano())
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// materialize writes the plan into the empty directory dir, through an
// os.Root so that nothing lands outside it. Parents sort before children.
func (pl *plan) materialize(dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	link := true
	for _, p := range slices.Sorted(maps.Keys(pl.entries)) {
		e := pl.entries[p]
		rel := strings.TrimPrefix(p, "/")
		if rel == "" {
			continue
		}
		switch e.kind {
		case kindDir:
			err = root.MkdirAll(rel, 0o755)
			if err == nil {
				err = root.Chmod(rel, 0o755)
			}
		case kindSymlink:
			err = root.Symlink(e.target, rel)
		case kindFile:
			err = placeFile(root, rel, e, &link)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

// placeFile hard-links a root-owned file that only root can write, and
// copies anything else or when the image is on another file system.
// Copies keep the permission bits without set-id bits or write access
// for others.
func placeFile(root *os.Root, rel string, e *entry, link *bool) error {
	if *link && hardlinkable(e.info) {
		d, err := root.Open(path.Dir(rel))
		if err != nil {
			return err
		}
		err = unix.Linkat(unix.AT_FDCWD, e.src, int(d.Fd()), path.Base(rel), 0)
		d.Close()
		if err == nil {
			return nil
		}
		if errors.Is(err, unix.EXDEV) {
			*link = false
		}
	}
	src, err := os.OpenFile(e.src, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer src.Close()
	perm := e.info.Mode().Perm() &^ 0o022
	dst, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Chmod(rel, perm)
	}
	return err
}

// hardlinkable: a regular file owned by root that nobody else can write,
// so sharing its inode gives no one a way to change the image.
func hardlinkable(info fs.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0 && info.Mode().IsRegular() && info.Mode().Perm()&0o022 == 0
}

// ldconfig builds etc/ld.so.cache for the image with the host's
// ldconfig, from an etc/ld.so.conf listing libDirs (removed afterwards:
// the loader reads only the cache), so that the loader inside finds
// libraries outside its default directories and probes fewer paths.
func ldconfig(dir string, libDirs []string) error {
	slices.Sort(libDirs)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := root.MkdirAll("etc", 0o755); err != nil {
		return err
	}
	if err := root.WriteFile("etc/ld.so.conf", []byte(strings.Join(libDirs, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	defer root.Remove("etc/ld.so.conf")
	bin := ""
	for _, d := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		if p := filepath.Join(d, "ldconfig"); exists(p) {
			bin = p
			break
		}
	}
	if bin == "" {
		return errors.New("ldconfig not found in the system directories")
	}
	out, err := exec.Command(bin, "-X", "-r", dir).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", bin, err, out)
	}
	if err := root.Chmod("etc/ld.so.cache", 0o644); err != nil {
		return fmt.Errorf("ldconfig wrote no cache: %w", err)
	}
	return nil
}
