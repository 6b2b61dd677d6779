package runtimes

import (
	"crypto/rand"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// clients holds our runtime clients. WriteFiles lays them out as
// node/bootstrap.mjs and python/bootstrap.py.
//
//go:embed client/node/bootstrap.mjs client/python/bootstrap.py
var clients embed.FS

// Paths of the clients relative to the runtime directory.
const (
	nodeClient   = "node/bootstrap.mjs"
	pythonClient = "python/bootstrap.py"
)

// Command returns the argv that starts rt for a function whose code is in
// taskRoot, with the runtime clients written to runtimeDir by WriteFiles.
// A provided runtime runs taskRoot/bootstrap; a layer's /opt/bootstrap, when
// the function has none, is the caller's choice. A Runtime that did not come
// from a Catalog returns nil.
func (rt Runtime) Command(taskRoot, runtimeDir string) []string {
	switch rt.Family {
	case FamilyProvided:
		return []string{filepath.Join(taskRoot, "bootstrap")}
	case FamilyNode:
		return []string{rt.Interpreter, filepath.Join(runtimeDir, filepath.FromSlash(nodeClient))}
	case FamilyPython:
		return []string{rt.Interpreter, "-u", filepath.Join(runtimeDir, filepath.FromSlash(pythonClient))}
	}
	return nil
}

// WriteFiles writes the embedded runtime clients into dir, creating dir and
// its node/ and python/ subdirectories, as read-only files. Each file is
// replaced atomically, so WriteFiles may run again over an earlier copy while
// runtimes are starting from it. Writes stay inside dir even if a subdirectory
// is a symlink planted to point elsewhere.
func WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write runtime files: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("write runtime files: %w", err)
	}
	defer root.Close()
	for _, name := range []string{nodeClient, pythonClient} {
		data, err := fs.ReadFile(clients, "client/"+name)
		if err != nil {
			return fmt.Errorf("write runtime files: %w", err)
		}
		if err := writeReadOnly(root, name, data); err != nil {
			return fmt.Errorf("write runtime files: %w", err)
		}
	}
	return nil
}

// writeReadOnly writes data to name under root with mode 0444 through a
// temporary file and a rename.
func writeReadOnly(root *os.Root, name string, data []byte) error {
	if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	tmp := path.Join(path.Dir(name), "."+path.Base(name)+"."+rand.Text())
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		_ = root.Remove(tmp)
	}
	return err
}
