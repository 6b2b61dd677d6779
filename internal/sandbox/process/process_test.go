package process_test

import (
	"os"
	"path/filepath"
	"testing"

	"lambent/internal/sandbox"
	"lambent/internal/sandbox/process"
	"lambent/internal/sandbox/sandboxtest"
)

var _ sandbox.Sandbox = (*process.Sandbox)(nil)

func TestMain(m *testing.M) {
	sandboxtest.Dispatch()
	os.Exit(m.Run())
}

// envsDir returns a Dir for process.New under a fresh directory of
// os.TempDir() that the runtime's uid may traverse (t.TempDir is 0700,
// and as root the runtime runs as an unprivileged uid). At the end of the
// test, after every environment was destroyed, it must be empty.
func envsDir(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "process-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	if err := os.Chmod(base, 0o711); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "envs")
	t.Cleanup(func() {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Errorf("read environments dir: %v", err)
		}
		for _, e := range entries {
			t.Errorf("left behind: %s", e.Name())
		}
	})
	return dir
}

func TestContract(t *testing.T) {
	sandboxtest.Run(t, func(t *testing.T) sandbox.Sandbox {
		sb, err := process.New(process.Config{Dir: envsDir(t)})
		if err != nil {
			t.Fatal(err)
		}
		return sb
	})
}

func TestNewRequiresDir(t *testing.T) {
	if _, err := process.New(process.Config{}); err == nil {
		t.Error("New without Dir succeeded")
	}
}

// TestCreateFailureLeavesNothing: a Create that fails (here: no code dir)
// removes the environment's directory again.
func TestCreateFailureLeavesNothing(t *testing.T) {
	sb, err := process.New(process.Config{Dir: envsDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = sb.Create(t.Context(), sandbox.Spec{ID: "missing-code", CodeDir: filepath.Join(t.TempDir(), "absent")})
	if err == nil {
		t.Fatal("Create with a missing code dir succeeded")
	}
}
