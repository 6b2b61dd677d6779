// Package conventions_test enforces the layout rules of docs/style.md that
// a machine can check: every package is documented, and the dependency
// direction holds.
package conventions_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"lambent/internal/testenv"
)

type pkg struct {
	dir     string
	doc     bool
	imports map[string]bool
}

// packages parses every non-test Go file under root/internal and
// root/cmd.
func packages(t *testing.T) map[string]*pkg {
	t.Helper()
	root := testenv.RepoRoot(t)
	out := map[string]*pkg{}
	for _, top := range []string{"internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(root, top), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly|parser.ParseComments)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			p := out[rel]
			if p == nil {
				p = &pkg{dir: rel, imports: map[string]bool{}}
				out[rel] = p
			}
			if f.Doc != nil && strings.TrimSpace(f.Doc.Text()) != "" {
				p.doc = true
			}
			for _, imp := range f.Imports {
				p.imports[strings.Trim(imp.Path.Value, `"`)] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 10 {
		t.Fatalf("found only %d packages: the walk is broken", len(out))
	}
	return out
}

func TestEveryPackageIsDocumented(t *testing.T) {
	for dir, p := range packages(t) {
		if !p.doc {
			t.Errorf("package %s has no package doc comment", dir)
		}
	}
}

func TestDependencyDirection(t *testing.T) {
	// Domain packages do no HTTP and no SQL.
	domain := []string{"internal/function", "internal/arn", "internal/account", "internal/errkind",
		"internal/authz", "internal/invoke", "internal/sandbox", "internal/artifact", "internal/clock"}
	forbidden := []string{"net/http", "database/sql"}
	all := packages(t)
	for _, d := range domain {
		p := all[d]
		if p == nil {
			t.Errorf("package %s not found", d)
			continue
		}
		for _, f := range forbidden {
			if p.imports[f] {
				t.Errorf("domain package %s imports %s", d, f)
			}
		}
	}
	// Only the composition root and tests pick store and sandbox
	// implementations.
	for dir, p := range all {
		for imp := range p.imports {
			impl := strings.HasPrefix(imp, "lambent/internal/store/sqlite") || strings.HasPrefix(imp, "lambent/internal/sandbox/process")
			if impl && dir != "internal/daemon" {
				t.Errorf("%s imports the implementation %s; only internal/daemon may", dir, imp)
			}
		}
	}
}
