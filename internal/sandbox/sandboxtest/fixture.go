package sandboxtest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fixture is the code and runtime directories every environment gets.
type fixture struct {
	codeDir    string
	runtimeDir string
	snapshot   map[string]string // the code dir as first written
}

// Contents of the fixture's files, checked by the program's report.
const (
	codeContent    = "sandboxtest code\n"
	nestedContent  = "sandboxtest nested\n"
	runtimeContent = "sandboxtest runtime client\n"
)

// newFixture lays out the directories under a fresh directory of
// os.TempDir() that any user may traverse (t.TempDir is 0700), since an
// implementation may run the program as an unprivileged user that reads
// them in place.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	base, err := os.MkdirTemp("", "sandboxtest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	if err := os.Chmod(base, 0o711); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{codeDir: filepath.Join(base, "code"), runtimeDir: filepath.Join(base, "runtime")}
	files := []struct {
		path    string
		content string
	}{
		{filepath.Join(fx.codeDir, "data.txt"), codeContent},
		{filepath.Join(fx.codeDir, "lib", "nested.txt"), nestedContent},
		{filepath.Join(fx.runtimeDir, "client.txt"), runtimeContent},
	}
	for _, f := range files {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.path, []byte(f.content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := copySelf(filepath.Join(fx.codeDir, "program")); err != nil {
		t.Fatal(err)
	}
	if fx.snapshot, err = snapshot(fx.codeDir); err != nil {
		t.Fatal(err)
	}
	return fx
}

// copySelf copies the running test binary to dst with mode 0755.
func copySelf(dst string) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate test binary: %w", err)
	}
	in, err := os.Open(self)
	if err != nil {
		return fmt.Errorf("copy test binary: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return fmt.Errorf("copy test binary: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy test binary: %w", err)
	}
	return out.Close()
}

// snapshot maps every entry under dir to its mode and content digest.
func snapshot(dir string) (map[string]string, error) {
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		m[rel] = info.Mode().String()
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			m[rel] += " " + hex.EncodeToString(sum[:8])
		}
		return nil
	})
	return m, err
}

// checkUnchanged verifies that no implementation or program modified the
// code dir: implementations give the runtime a read-only view or copy.
func (fx *fixture) checkUnchanged(t *testing.T) {
	now, err := snapshot(fx.codeDir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fx.snapshot, now); diff != "" {
		t.Errorf("code dir changed (-before +after):\n%s", diff)
	}
}
