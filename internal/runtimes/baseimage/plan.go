package baseimage

import (
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// kind is the type of an image entry.
type kind int

const (
	kindDir kind = iota
	kindFile
	kindSymlink
)

// entry is one path of an image.
type entry struct {
	kind   kind
	target string      // symlink target, as read
	src    string      // host path of a file's content
	info   fs.FileInfo // of src
}

// maxHops bounds the symlinks followed to resolve one path (Linux: 40).
const maxHops = 40

// plan is the content of an image: absolute paths inside the image, which
// are the host's paths.
type plan struct {
	host    string // the host's root; "/" outside tests
	entries map[string]*entry
	elfDone map[string]bool // ELF objects whose dependencies were added
	search  []string        // /etc/ld.so.conf's directories
	missing []string        // dependencies not found, for the log
}

func newPlan(host string) *plan {
	return &plan{host: host, entries: map[string]*entry{}, elfDone: map[string]bool{}, search: ldSoConf(host)}
}

// hostPath is where image path p is on the host.
func (pl *plan) hostPath(p string) string { return filepath.Join(pl.host, filepath.FromSlash(p)) }

// put records an entry; a path already recorded keeps its first entry.
func (pl *plan) put(p string, e *entry) {
	if _, ok := pl.entries[p]; !ok {
		pl.entries[p] = e
	}
}

// add puts path p in the image the way the host resolves it: every
// directory on the way, every symlink met as a symlink (then its target in
// turn), and at the end a directory (empty unless added to) or a regular
// file. It returns the resolved path, without symlinks, and its info.
func (pl *plan) add(p string) (string, fs.FileInfo, error) {
	p = path.Clean("/" + p)
	for range maxHops {
		next, info, done, err := pl.walk(p)
		if err != nil || done {
			return next, info, err
		}
		p = next
	}
	return "", nil, fmt.Errorf("%s: %w", p, syscall.ELOOP)
}

// walk goes down p one component at a time. At the first symlink it
// records the link and returns the path with the link replaced by its
// target (done == false); otherwise it records the final directory or file
// and returns it (done == true).
func (pl *plan) walk(p string) (string, fs.FileInfo, bool, error) {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	cur := "/"
	for i, name := range parts {
		next := path.Join(cur, name)
		info, err := os.Lstat(pl.hostPath(next))
		if err != nil {
			return "", nil, false, err
		}
		last := i == len(parts)-1
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(pl.hostPath(next))
			if err != nil {
				return "", nil, false, err
			}
			pl.put(next, &entry{kind: kindSymlink, target: target})
			if !path.IsAbs(target) {
				target = path.Join(cur, target)
			}
			return path.Join(append([]string{target}, parts[i+1:]...)...), nil, false, nil
		case info.IsDir():
			pl.put(next, &entry{kind: kindDir})
		case last && info.Mode().IsRegular():
			pl.put(next, &entry{kind: kindFile, src: pl.hostPath(next), info: info})
		default:
			return "", nil, false, fmt.Errorf("%s: not a directory or regular file", next)
		}
		if last {
			return next, info, true, nil
		}
		cur = next
	}
	return "", nil, false, fmt.Errorf("%q: empty path", p) // unreachable: Split gives one part at least
}

// addTree adds directory p and everything below it except the entries
// skip rejects (given the path relative to p). Symlinks inside are added
// as symlinks, with their targets: a regular file (Debian's
// sitecustomize.py → /etc/python3.X/), or an empty directory.
func (pl *plan) addTree(p string, skip func(rel string) bool) error {
	root, info, err := pl.add(p)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s: not a directory", p)
	}
	hostRoot := pl.hostPath(root)
	return filepath.WalkDir(hostRoot, func(hp string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(hostRoot, hp)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		if skip != nil && skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		ip := path.Join(root, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			pl.put(ip, &entry{kind: kindDir})
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(hp)
			if err != nil {
				return err
			}
			pl.put(ip, &entry{kind: kindSymlink, target: target})
			// Best effort: a dangling link stays dangling, as on the host.
			_, _, _ = pl.add(ip)
		case info.Mode().IsRegular():
			pl.put(ip, &entry{kind: kindFile, src: hp, info: info})
		}
		return nil
	})
}

// addELF adds p and, when it is an ELF object, its loader and the
// libraries it needs, recursively.
func (pl *plan) addELF(p string) error {
	real, info, err := pl.add(p)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() || pl.elfDone[real] {
		return nil
	}
	pl.elfDone[real] = true
	d, ok, err := readDeps(pl.hostPath(real), real)
	if err != nil || !ok {
		return err
	}
	if d.interp != "" {
		if err := pl.addELF(d.interp); err != nil {
			return fmt.Errorf("%s: interpreter: %w", real, err)
		}
	}
	for _, lib := range d.needed {
		found := pl.findLib(lib, d)
		if found == "" {
			pl.missing = append(pl.missing, real+": "+lib)
			continue
		}
		if err := pl.addELF(found); err != nil {
			return fmt.Errorf("%s: %s: %w", real, lib, err)
		}
	}
	return nil
}

// findLib returns the image path of library name, needed by an object
// with dependencies d, searched the way the dynamic loader searches:
// the object's run path, ld.so.conf's directories (the cache), then the
// loader's built-in directories. "" when not found.
func (pl *plan) findLib(name string, d deps) string {
	if strings.Contains(name, "/") {
		return ""
	}
	dirs := append(append(append([]string{}, d.dirs...), pl.search...), defaultDirs(d.machine)...)
	for _, dir := range dirs {
		p := path.Join(dir, name)
		if matches(pl.hostPath(p), d.class, d.machine) {
			return p
		}
	}
	return ""
}

// addLib adds a library by name, searched in the loader's directories for
// an object of the given class and machine; absent libraries are skipped.
func (pl *plan) addLib(name string, class elf.Class, machine elf.Machine) error {
	found := pl.findLib(name, deps{class: class, machine: machine})
	if found == "" {
		return nil
	}
	return pl.addELF(found)
}

// addOptional adds p when it exists on the host.
func (pl *plan) addOptional(p string) error {
	if _, err := os.Lstat(pl.hostPath(p)); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	_, _, err := pl.add(p)
	return err
}

// libDirs lists the directories of the image holding shared libraries.
func (pl *plan) libDirs() []string {
	seen := map[string]bool{}
	var dirs []string
	for p, e := range pl.entries {
		if e.kind == kindFile && pl.elfDone[p] && strings.Contains(path.Base(p), ".so") {
			if d := path.Dir(p); !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}
