package artifact

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

// fuzzLimits keeps each fuzz input cheap.
var fuzzLimits = Limits{MaxZipped: 1 << 20, MaxUnzipped: 1 << 20, MaxFiles: 64}

func addSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	f.Add(buildZip(f, file("a/b.txt", "hello"), exe("bootstrap", "#!/bin/sh"), dir("d/")))
	f.Add(buildZip(f, exe("lib/t", "x"), link("bin/t", "../lib/t"), link("a/b/up", "../.."), link("x", "a/b/up/lib")))
	f.Add(buildZip(f, link("l", "/etc/passwd")))
	f.Add(buildZip(f, link("a", "b"), link("b", "a")))
	f.Add(buildZip(f, file("../x", "")))
	f.Add(buildZip(f, file(`a\..\..\x`, "")))
	f.Add(buildZip(f, file("a", ""), file("a/b", "")))
	f.Add(lyingBomb(f, 4<<10, 16))
}

func FuzzInspect(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := Inspect(b, fuzzLimits)
		if err != nil {
			// Inspect does no I/O: every refusal is the package's fault.
			if k := errkind.KindOf(err); k != errkind.InvalidArgument && k != errkind.TooLarge {
				t.Fatalf("kind %v: %v", k, err)
			}
			return
		}
		if info.Size != int64(len(b)) || info.UnzippedSize > fuzzLimits.MaxUnzipped || info.Files > fuzzLimits.MaxFiles {
			t.Fatalf("info %+v out of bounds", info)
		}
	})
}

func FuzzExtract(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		parent, out := extractDir(t)
		err := Extract(b, out, fuzzLimits)
		if names := dirNames(t, parent); !slices.Equal(names, []string{"out"}) {
			t.Fatalf("wrote next to the target: %q", names)
		}
		_, ierr := Inspect(b, fuzzLimits)
		if (err == nil) != (ierr == nil) {
			t.Fatalf("Extract = %v, Inspect = %v", err, ierr)
		}
		if err != nil {
			if names := dirNames(t, out); len(names) != 0 {
				t.Fatalf("refused package left %q", names)
			}
			return
		}
		wantContained(t, out)
	})
}

// wantContained fails if any symlink under root is absolute or, where the
// kernel can resolve it, resolves outside root.
func wantContained(t *testing.T, root string) {
	t.Helper()
	real, err := filepath.EvalSymlinks(root)
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Type()&os.ModeSymlink == 0 {
			return err
		}
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		if filepath.IsAbs(target) {
			t.Errorf("%s: absolute target %q", p, target)
		}
		if got, err := filepath.EvalSymlinks(p); err == nil &&
			got != real && !strings.HasPrefix(got, real+string(filepath.Separator)) {
			t.Errorf("%s → %q resolves to %s, outside %s", p, target, got, real)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzExtractEntries fuzzes names and symlink targets inside well-formed
// zips, where byte-level fuzzing rarely reaches: the path rules are the
// attack surface that matters.
func FuzzExtractEntries(f *testing.F) {
	f.Add("a/b.txt", "l", "../a/b.txt", "m", "l")
	f.Add("a/b/c", "a/b/up", "../..", "x", "a/b/up/..")
	f.Add("f", "l", "/etc/passwd", "l2", "l/../..")
	f.Add(`a\..\x`, "d/l", "..", "d/l/x", "y")
	f.Add("./x", "x/../l", "./x", "l", "l")
	f.Fuzz(func(t *testing.T, fileName, link1, target1, link2, target2 string) {
		for _, n := range []string{fileName, link1, link2} {
			if strings.HasSuffix(n, "/") {
				t.Skip("archive/zip writes no content under a directory name")
			}
		}
		b := buildZip(t, file(fileName, "content"), link(link1, target1), link(link2, target2),
			file(link2+"/child", "through link"))
		parent, out := extractDir(t)
		err := Extract(b, out, fuzzLimits)
		if names := dirNames(t, parent); !slices.Equal(names, []string{"out"}) {
			t.Fatalf("wrote next to the target: %q", names)
		}
		if _, ierr := Inspect(b, fuzzLimits); (err == nil) != (ierr == nil) {
			t.Fatalf("Extract = %v, Inspect = %v", err, ierr)
		}
		if err != nil {
			if names := dirNames(t, out); len(names) != 0 {
				t.Fatalf("refused package left %q", names)
			}
			return
		}
		wantContained(t, out)
	})
}
