package artifact

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"lambent/internal/errkind"
)

func TestExtractRefuses(t *testing.T) {
	for _, tc := range refusals() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := tc.limits
			if l == (Limits{}) {
				l = small
			}
			parent, out := extractDir(t)
			err := Extract(tc.zip(t), out, l)
			wantRefusal(t, err, tc.kind, tc.msg)
			wantOnlyEmptyOut(t, parent)
		})
	}
}

func TestExtractAccepts(t *testing.T) {
	for _, tc := range acceptances() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := buildZip(t, tc.ents...)
			parent, out := extractDir(t)
			if err := Extract(b, out, small); err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if names := dirNames(t, parent); !slices.Equal(names, []string{"out"}) {
				t.Fatalf("parent holds %q, want only out", names)
			}
			got := snapshot(t, out)
			if !maps.Equal(got, tc.want) {
				t.Fatalf("extracted tree differs\n got: %s\nwant: %s", describe(got), describe(tc.want))
			}
		})
	}
}

func describe(m map[string]string) string {
	var s string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		s += fmt.Sprintf("\n  %s: %q", k, v)
	}
	return s
}

// The in-package symlinks resolve to what they point at once extracted.
func TestExtractSymlinksResolve(t *testing.T) {
	b := buildZip(t, exe("lib/tool.sh", "run"), link("bin/tool", "../lib/tool.sh"), link("current", "lib"),
		link("a/b/up", "../.."), link("x", "a/b/up/lib/tool.sh"))
	_, out := extractDir(t)
	if err := Extract(b, out, small); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bin/tool", "current/tool.sh", "x"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil || string(got) != "run" {
			t.Errorf("read %s = %q, %v; want run", name, got, err)
		}
	}
}

func TestExtractNeedsEmptyDir(t *testing.T) {
	b := buildZip(t, file("a", "new"))
	parent, out := extractDir(t)
	if err := os.WriteFile(filepath.Join(out, "a"), []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Extract(b, out, small)
	if err == nil || errkind.KindOf(err) != errkind.Internal {
		t.Fatalf("Extract into a non-empty dir = %v, want an Internal error", err)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "a")); string(got) != "old" {
		t.Fatalf("existing file changed to %q", got)
	}
	if err := Extract(b, filepath.Join(parent, "missing"), small); err == nil {
		t.Fatal("Extract into a missing dir succeeded")
	}
	if names := dirNames(t, parent); !slices.Equal(names, []string{"out"}) {
		t.Fatalf("parent holds %q, want only out", names)
	}
}

// Extract and Inspect agree on every table input, so the server can rely on
// either to decide.
func TestExtractAgreesWithInspect(t *testing.T) {
	for _, tc := range refusals() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := tc.limits
			if l == (Limits{}) {
				l = small
			}
			b := tc.zip(t)
			_, ierr := Inspect(b, l)
			_, out := extractDir(t)
			eerr := Extract(b, out, l)
			ie, _ := errkind.As(ierr)
			ee, _ := errkind.As(eerr)
			if ie == nil || ee == nil || ie.Kind != ee.Kind || ie.Public != ee.Public {
				t.Errorf("Inspect = %v, Extract = %v", ierr, eerr)
			}
		})
	}
}
