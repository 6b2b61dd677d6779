package baseimage

import (
	"bufio"
	"debug/elf"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// deps is what the dynamic loader needs to load one ELF object.
type deps struct {
	class   elf.Class
	machine elf.Machine
	interp  string   // PT_INTERP; "" when none
	needed  []string // DT_NEEDED
	dirs    []string // DT_RPATH (ignored when DT_RUNPATH exists) then DT_RUNPATH, $ORIGIN expanded
}

// readDeps reads the dependencies of the ELF object at host path p, found
// in the image at imagePath. A file that is not ELF returns ok == false.
func readDeps(p, imagePath string) (d deps, ok bool, err error) {
	f, err := elf.Open(p)
	if err != nil {
		var fe *elf.FormatError
		if errors.As(err, &fe) {
			return deps{}, false, nil
		}
		return deps{}, false, err
	}
	defer f.Close()
	d = deps{class: f.Class, machine: f.Machine}
	for _, prog := range f.Progs {
		if prog.Type != elf.PT_INTERP {
			continue
		}
		b := make([]byte, prog.Filesz)
		if _, err := prog.ReadAt(b, 0); err != nil {
			return deps{}, false, err
		}
		d.interp = strings.TrimRight(string(b), "\x00")
	}
	if f.Section(".dynamic") == nil {
		return d, true, nil // static
	}
	if d.needed, err = f.DynString(elf.DT_NEEDED); err != nil {
		return deps{}, false, err
	}
	runpath, _ := f.DynString(elf.DT_RUNPATH)
	search := runpath
	if len(runpath) == 0 {
		search, _ = f.DynString(elf.DT_RPATH)
	}
	origin := path.Dir(imagePath)
	for _, list := range search {
		for _, dir := range strings.Split(list, ":") {
			dir = strings.NewReplacer("${ORIGIN}", origin, "$ORIGIN", origin).Replace(dir)
			if path.IsAbs(dir) {
				d.dirs = append(d.dirs, path.Clean(dir))
			}
		}
	}
	return d, true, nil
}

// matches reports whether the ELF object at host path p can satisfy a
// dependency of an object of class and machine (a 32-bit library in
// /usr/lib cannot satisfy a 64-bit program).
func matches(p string, class elf.Class, machine elf.Machine) bool {
	f, err := elf.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	return f.Class == class && f.Machine == machine && f.Type == elf.ET_DYN
}

// multiarch is the Debian multiarch triplet of machine, or "".
func multiarch(machine elf.Machine) string {
	switch machine {
	case elf.EM_X86_64:
		return "x86_64-linux-gnu"
	case elf.EM_AARCH64:
		return "aarch64-linux-gnu"
	}
	return ""
}

// defaultDirs are the dynamic loader's built-in directories for machine:
// the multiarch ones of Debian's glibc, then the upstream ones.
func defaultDirs(machine elf.Machine) []string {
	var dirs []string
	if t := multiarch(machine); t != "" {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	return append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib")
}

// ldSoConf lists the directories of host/etc/ld.so.conf and of the files
// it includes, in order. A missing file is an empty list.
func ldSoConf(host string) []string {
	var dirs []string
	seen := map[string]bool{}
	var read func(name string, depth int)
	read = func(name string, depth int) {
		if depth > 8 || seen[name] {
			return
		}
		seen[name] = true
		f, err := os.Open(filepath.Join(host, name))
		if err != nil {
			return
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line, _, _ := strings.Cut(sc.Text(), "#")
			fields := strings.Fields(line)
			switch {
			case len(fields) == 0 || fields[0] == "hwcap":
			case fields[0] == "include" && len(fields) > 1:
				for _, pattern := range fields[1:] {
					if !path.IsAbs(pattern) {
						pattern = path.Join(path.Dir(name), pattern)
					}
					matches, _ := filepath.Glob(filepath.Join(host, pattern))
					for _, m := range matches {
						rel, err := filepath.Rel(host, m)
						if err == nil {
							read("/"+filepath.ToSlash(rel), depth+1)
						}
					}
				}
			default:
				for _, dir := range fields {
					if path.IsAbs(dir) {
						dirs = append(dirs, path.Clean(dir))
					}
				}
			}
		}
	}
	read("/etc/ld.so.conf", 0)
	return dirs
}
