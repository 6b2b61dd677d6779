package baseimage

import (
	"os"
	"path/filepath"
	"testing"

	"lambent/internal/runtimes"
)

// fakeHost makes a host tree: a usr-merged /lib64, a library behind a
// soname link, a tree with an inner link to a file elsewhere and a
// dangling one, and a package directory to leave out.
func fakeHost(t *testing.T) string {
	t.Helper()
	h := t.TempDir()
	files := map[string]string{
		"usr/lib/x86_64-linux-gnu/libfoo.so.1.2": "foo",
		"usr/share/doc/secret":                   "doc",
		"etc/ssl/certs/ca-certificates.crt":      "certs",
		"etc/python/custom.py":                   "custom",
		"opt/tree/a.py":                          "a",
		"opt/tree/site-packages/pkg.py":          "pkg",
		"opt/tree/test/t.py":                     "t",
		"opt/tree/sub/test/kept.py":              "kept",
	}
	for p, content := range files {
		writeFile(t, filepath.Join(h, p), content)
	}
	links := map[string]string{
		"lib64":                                "usr/lib64",
		"usr/lib64":                            "lib/x86_64-linux-gnu",
		"usr/lib/x86_64-linux-gnu/libfoo.so.1": "libfoo.so.1.2",
		"opt/tree/custom.py":                   "/etc/python/custom.py",
		"opt/tree/dangling":                    "nowhere",
		"opt/tree/escape":                      "../../../../../etc/python/custom.py",
	}
	for p, target := range links {
		if err := os.Symlink(target, filepath.Join(h, p)); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPlanReproducesLinks(t *testing.T) {
	h := fakeHost(t)
	pl := newPlan(h)
	real, _, err := pl.add("/lib64/libfoo.so.1")
	if err != nil {
		t.Fatal(err)
	}
	if real != "/usr/lib/x86_64-linux-gnu/libfoo.so.1.2" {
		t.Errorf("resolved to %s", real)
	}
	if err := pl.addTree("/opt/tree", skipPython); err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "img")
	if err := os.Mkdir(img, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := pl.materialize(img); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{
		"lib64":                                  "link usr/lib64",
		"usr/lib64":                              "link lib/x86_64-linux-gnu",
		"usr/lib/x86_64-linux-gnu/libfoo.so.1":   "link libfoo.so.1.2",
		"usr/lib/x86_64-linux-gnu/libfoo.so.1.2": "file foo",
		"opt/tree/a.py":                          "file a",
		"opt/tree/custom.py":                     "link /etc/python/custom.py",
		"etc/python/custom.py":                   "file custom",
		"opt/tree/dangling":                      "link nowhere",
		"opt/tree/sub/test/kept.py":              "file kept",
		"opt/tree/site-packages":                 "absent",
		"opt/tree/test":                          "absent",
		"usr/share":                              "absent",
	} {
		if got := describe(filepath.Join(img, p)); got != want {
			t.Errorf("%s: %s, want %s", p, got, want)
		}
	}
}

func describe(p string) string {
	info, err := os.Lstat(p)
	switch {
	case err != nil:
		return "absent"
	case info.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(p)
		return "link " + target
	case info.IsDir():
		return "dir"
	}
	b, _ := os.ReadFile(p)
	return "file " + string(b)
}

func TestFingerprintFollowsTheHost(t *testing.T) {
	h := fakeHost(t)
	fp := func() string {
		pl := newPlan(h)
		if err := pl.addTree("/opt/tree", nil); err != nil {
			t.Fatal(err)
		}
		return pl.fingerprint()
	}
	before := fp()
	if again := fp(); again != before {
		t.Fatalf("fingerprint not stable: %s, then %s", before, again)
	}
	// An upgrade replaces a file by rename: new inode, new image.
	p := filepath.Join(h, "opt/tree/a.py")
	writeFile(t, p+".new", "a2")
	if err := os.Rename(p+".new", p); err != nil {
		t.Fatal(err)
	}
	if after := fp(); after == before {
		t.Error("fingerprint unchanged after the host replaced a file")
	}
}

// TestBuildFromHost builds each image this host can from its real files.
func TestBuildFromHost(t *testing.T) {
	dir := t.TempDir()
	first, err := Build(dir, Provided(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Build(dir, Provided(), nil); err != nil || again != first {
		t.Fatalf("second build: %s, %v; want the same image %s", again, err, first)
	}
	want := []string{"/bin/sh", "/lib64/ld-linux-x86-64.so.2", "/etc/ssl/certs/ca-certificates.crt"}
	if os.Geteuid() == 0 { // ldconfig -r chroots
		want = append(want, "/etc/ld.so.cache")
	}
	for _, p := range want {
		if _, err := os.Stat(filepath.Join(first, p)); err != nil && hostHas(p) {
			t.Errorf("provided image lacks %s: %v", p, err)
		}
	}
	for _, p := range []string{"/usr/share/doc", "/usr/bin/apt", "/etc/passwd", "/etc/shadow"} {
		if _, err := os.Lstat(filepath.Join(first, p)); err == nil {
			t.Errorf("provided image has %s", p)
		}
	}
	cat := runtimes.NewCatalog(nil)
	for _, name := range cat.Installed() {
		rt, err := cat.Lookup(name)
		if err != nil || rt.Family == runtimes.FamilyProvided {
			continue
		}
		r, err := For(rt)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		img, err := Build(dir, r, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, err := os.Stat(filepath.Join(img, rt.Interpreter)); err != nil {
			t.Errorf("%s image lacks %s", name, rt.Interpreter)
		}
		if rt.Family == runtimes.FamilyPython {
			stdlib := filepath.Join(img, r.Trees[0].Path)
			if m, _ := filepath.Glob(filepath.Join(stdlib, "lib-dynload", "_ssl*.so")); len(m) == 0 {
				t.Errorf("%s image lacks _ssl in lib-dynload", name)
			}
			if _, err := os.Lstat(filepath.Join(stdlib, "site-packages")); err == nil {
				t.Errorf("%s image has site-packages", name)
			}
		}
	}
}

func hostHas(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
