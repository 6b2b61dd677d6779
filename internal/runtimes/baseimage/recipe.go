package baseimage

import (
	"debug/elf"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"lambent/internal/runtimes"
)

// Recipe says what an image holds besides what every image holds (the
// core libraries, /bin/sh and the CA certificates).
type Recipe struct {
	// Name prefixes the image's directory: "provided", "python3.11".
	Name string
	// Execs are host executables added with their shared-library closure.
	Execs []string
	// Trees are host directories added whole, except what Skip rejects,
	// with the closure of every ELF object in them.
	Trees []Tree
}

// Tree is a directory of a Recipe.
type Tree struct {
	Path string
	// Skip rejects an entry by its slash-separated path relative to Path;
	// nil keeps everything.
	Skip func(rel string) bool
}

// coreLibs are glibc's libraries and the C++ and unwinder runtimes a
// function's own executable may need, by soname. Absent ones are skipped.
// libnss_* and libgcc_s are loaded with dlopen, so no DT_NEEDED names them.
var coreLibs = []string{
	"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libresolv.so.2",
	"libnss_files.so.2", "libnss_dns.so.2", "libgcc_s.so.1", "libstdc++.so.6",
}

// shell is in every image: it is small, runs with the function's own
// privileges, and subprocess(shell=True), os.system and child_process.exec
// need it. No other command is (no coreutils).
const shell = "/bin/sh"

// caBundles are the CA bundle paths Go's crypto/x509 looks for; every one
// the host has is added. caCompat gets a link to the first when absent:
// Amazon Linux's path, which code built for Lambda may expect.
var (
	caBundles = []string{
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/cert.pem",
	}
	caCompat = "/etc/pki/tls/certs/ca-bundle.crt"
)

// opensslPaths are the OpenSSL directories' bundle, certificate directory
// and configuration links of Debian and Red Hat hosts, for the host's
// libssl (Python's ssl module).
var opensslPaths = []string{
	"/usr/lib/ssl/cert.pem", "/usr/lib/ssl/certs", "/usr/lib/ssl/openssl.cnf",
	"/etc/ssl/openssl.cnf", "/etc/pki/tls/cert.pem", "/etc/pki/tls/openssl.cnf",
}

// Provided is the recipe of provided.al2 and provided.al2023: what every
// image holds, nothing more.
func Provided() Recipe { return Recipe{Name: "provided"} }

// For returns the recipe of a runtime of the catalog.
func For(rt runtimes.Runtime) (Recipe, error) {
	switch rt.Family {
	case runtimes.FamilyProvided:
		return Provided(), nil
	case runtimes.FamilyNode:
		return Recipe{Name: rt.Name, Execs: []string{rt.Interpreter}}, nil
	case runtimes.FamilyPython:
		lib, err := pythonStdlib(rt.Interpreter, "/")
		if err != nil {
			return Recipe{}, err
		}
		r := Recipe{Name: rt.Name, Execs: []string{rt.Interpreter}, Trees: []Tree{{Path: lib, Skip: skipPython}}}
		// The zipped standard library, on sys.path when it exists.
		if zip := path.Join(path.Dir(lib), "python"+strings.ReplaceAll(path.Base(lib)[len("python"):], ".", "")+".zip"); exists(zip) {
			r.Execs = append(r.Execs, zip)
		}
		return r, nil
	}
	return Recipe{}, fmt.Errorf("base image: no recipe for runtime family %q", rt.Family)
}

// pythonStdlib finds the standard library of the interpreter at exe the
// way Python's getpath does: <prefix>/lib/python3.X (or lib64, Red Hat's
// platlibdir) holding os.py, where prefix is the parent of exe's
// directory, exe resolved first (a distribution's python3 → python3.11
// link, a pyenv version's bin/).
func pythonStdlib(exe, host string) (string, error) {
	real, err := filepath.EvalSymlinks(filepath.Join(host, exe))
	if err != nil {
		return "", fmt.Errorf("base image: resolve %s: %w", exe, err)
	}
	base := filepath.Base(real) // python3.11
	if !strings.HasPrefix(base, "python3.") {
		return "", fmt.Errorf("base image: %s is not a python3.X executable", real)
	}
	prefix := filepath.Dir(filepath.Dir(real))
	for _, lib := range []string{"lib", "lib64"} {
		dir := filepath.Join(prefix, lib, base)
		if exists(filepath.Join(dir, "os.py")) {
			rel, err := filepath.Rel(filepath.Clean(host), dir)
			if err != nil {
				return "", err
			}
			return "/" + filepath.ToSlash(rel), nil
		}
	}
	return "", fmt.Errorf("base image: no standard library for %s under %s", real, prefix)
}

// skipPython leaves out the host's installed packages, the standard
// library's own test suite and the build configuration (libpython.a).
func skipPython(rel string) bool {
	name := path.Base(rel)
	if name == "site-packages" || name == "dist-packages" {
		return true
	}
	top := !strings.Contains(rel, "/")
	return top && (name == "test" || strings.HasPrefix(name, "config-"))
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// planFor collects the content of the image of r from host.
func planFor(r Recipe, host string) (*plan, error) {
	pl := newPlan(host)
	execs := append([]string{shell}, r.Execs...)
	var class elf.Class
	var machine elf.Machine
	for _, e := range execs {
		if e == shell && !exists(pl.hostPath(e)) {
			continue
		}
		if err := pl.addELF(e); err != nil {
			return nil, fmt.Errorf("base image %s: %s: %w", r.Name, e, err)
		}
		if class == elf.ELFCLASSNONE {
			class, machine = elfKind(pl.hostPath(e))
		}
	}
	if class == elf.ELFCLASSNONE {
		class, machine = nativeKind()
	}
	for _, lib := range coreLibs {
		if err := pl.addLib(lib, class, machine); err != nil {
			return nil, fmt.Errorf("base image %s: %s: %w", r.Name, lib, err)
		}
	}
	for _, t := range r.Trees {
		if err := pl.addTreeELF(t); err != nil {
			return nil, fmt.Errorf("base image %s: %s: %w", r.Name, t.Path, err)
		}
	}
	if err := pl.addCerts(); err != nil {
		return nil, fmt.Errorf("base image %s: %w", r.Name, err)
	}
	return pl, nil
}

// addTreeELF adds a tree and the closure of the ELF objects in it.
func (pl *plan) addTreeELF(t Tree) error {
	if err := pl.addTree(t.Path, t.Skip); err != nil {
		return err
	}
	var objs []string
	for p, e := range pl.entries {
		if e.kind == kindFile && strings.HasSuffix(p, ".so") && !pl.elfDone[p] {
			objs = append(objs, p)
		}
	}
	for _, p := range objs {
		if err := pl.addELF(p); err != nil {
			return err
		}
	}
	return nil
}

// addCerts adds the CA bundles and OpenSSL paths the host has, and the
// Amazon Linux bundle path as a link when the host lacks it.
func (pl *plan) addCerts() error {
	first := ""
	for _, p := range append(append([]string{}, caBundles...), opensslPaths...) {
		if err := pl.addOptional(p); err != nil {
			return err
		}
		if first == "" && exists(pl.hostPath(p)) {
			first = p
		}
	}
	if _, ok := pl.entries[caCompat]; ok || first == "" || first == caCompat {
		return nil
	}
	for d := path.Dir(caCompat); d != "/"; d = path.Dir(d) {
		if e, ok := pl.entries[d]; ok && e.kind != kindDir {
			return nil // a host link on the way, e.g. /etc/pki → elsewhere
		}
	}
	for d := path.Dir(caCompat); d != "/"; d = path.Dir(d) {
		pl.put(d, &entry{kind: kindDir})
	}
	pl.put(caCompat, &entry{kind: kindSymlink, target: first})
	return nil
}

// elfKind is the class and machine of the ELF file at p (none if not ELF).
func elfKind(p string) (elf.Class, elf.Machine) {
	f, err := elf.Open(p)
	if err != nil {
		return elf.ELFCLASSNONE, elf.EM_NONE
	}
	defer f.Close()
	return f.Class, f.Machine
}

// nativeKind is the class and machine of this process's executable.
func nativeKind() (elf.Class, elf.Machine) {
	exe, err := os.Executable()
	if err != nil {
		return elf.ELFCLASSNONE, elf.EM_NONE
	}
	return elfKind(exe)
}
