package runtimes

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestWriteFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runtime") // WriteFiles creates it
	for round := range 2 {                       // the second round replaces read-only files
		if err := WriteFiles(dir); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	for _, name := range []string{nodeClient, pythonClient} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fs.ReadFile(clients, "client/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) || len(got) == 0 {
			t.Errorf("%s differs from the embedded client", name)
		}
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := info.Mode().Perm(); perm != 0o444 {
			t.Errorf("%s mode = %v, want read-only 0444", name, perm)
		}
	}
	var entries []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		entries = append(entries, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{".", "node", nodeClient, "python", pythonClient}; !slices.Equal(entries, want) {
		t.Errorf("runtime dir holds %q, want %q (no temporary files left)", entries, want)
	}
}

func TestWriteFilesStaysInDir(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "node")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFiles(dir); err == nil {
		t.Error("WriteFiles followed a symlink out of its directory")
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("WriteFiles wrote %v outside its directory", entries)
	}
}

func TestCommand(t *testing.T) {
	tests := []struct {
		rt   Runtime
		want []string
	}{
		{Runtime{Name: "provided.al2023", Family: FamilyProvided}, []string{"/var/task/bootstrap"}},
		{Runtime{Name: "nodejs20.x", Family: FamilyNode, Interpreter: "/opt/node/bin/node"},
			[]string{"/opt/node/bin/node", "/var/runtime/node/bootstrap.mjs"}},
		{Runtime{Name: "python3.11", Family: FamilyPython, Interpreter: "/opt/py/bin/python3.11"},
			[]string{"/opt/py/bin/python3.11", "-u", "/var/runtime/python/bootstrap.py"}},
		{Runtime{}, nil},
	}
	for _, tt := range tests {
		if got := tt.rt.Command("/var/task", "/var/runtime"); !slices.Equal(got, tt.want) {
			t.Errorf("%q.Command = %q, want %q", tt.rt.Name, got, tt.want)
		}
	}
}
