package runtimes

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Interpreter is what a Probe learns about an executable.
type Interpreter struct {
	Version string // "20.11.1" for Node.js, "3.11.7" for Python
	Path    string // absolute path of the real executable; "" means the probed path
}

// Probe reports the version of the interpreter of family at path. The default
// runs it; tests inject a fake. A Catalog calls it from several goroutines at
// once.
type Probe func(path string, family Family) (Interpreter, error)

// probeTimeout bounds one interpreter start. A healthy interpreter answers in
// well under a second, but a version-manager shim (pyenv) on a loaded host can
// take several; a wedged one must still not hang server start.
const probeTimeout = 30 * time.Second

// execProbe runs the interpreter and asks for its version and its own
// executable, so that a wrapper such as a pyenv shim or an nvm link resolves
// to the binary a sandbox can run without the wrapper's environment.
func execProbe(path string, family Family) (Interpreter, error) {
	var args []string
	switch family {
	case FamilyNode:
		args = []string{"-e", `process.stdout.write(process.versions.node + "\n" + process.execPath + "\n")`}
	case FamilyPython:
		args = []string{"-I", "-c", `import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)`}
	default:
		return Interpreter{}, fmt.Errorf("probe %s: no probe for family %q", path, family)
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, args...).Output()
	if err != nil {
		return Interpreter{}, fmt.Errorf("probe %s: %w", path, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	in := Interpreter{Version: strings.TrimSpace(lines[0])}
	if versionPart(in.Version, 0) < 0 {
		return Interpreter{}, fmt.Errorf("probe %s: unexpected version %q", path, in.Version)
	}
	if len(lines) > 1 {
		if exe := strings.TrimSpace(lines[1]); filepath.IsAbs(exe) {
			in.Path = exe
		}
	}
	return in, nil
}
