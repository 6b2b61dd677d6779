// Package testenv holds helpers shared by tests: locating ../shared test data,
// tier gates and polling with a deadline. It is the only package besides
// cmd/lambent that reads environment variables.
package testenv

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate testenv source")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedTestdata returns the absolute path of ../shared/testdata/<name>
// (or $LAMBENT_SHARED/testdata/<name>), failing the test when it is absent.
func SharedTestdata(t testing.TB, name string) string {
	t.Helper()
	base := os.Getenv("LAMBENT_SHARED")
	if base == "" {
		base = filepath.Join(RepoRoot(t), "..", "shared")
	}
	dir := filepath.Join(base, "testdata", name)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shared test data %s: %v", name, err)
	}
	return dir
}

// WaitFor polls f until it returns nil or the deadline passes, then fails the
// test with f's last error.
func WaitFor(t testing.TB, timeout time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	backoff := time.Millisecond
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v: %v", timeout, err)
		}
		timer := time.NewTimer(backoff)
		<-timer.C
		if backoff < 50*time.Millisecond {
			backoff *= 2
		}
	}
}

// RequireRoot skips the test unless it runs as root with LAMBENT_TEST_ROOT=1.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Getuid() != 0 || os.Getenv("LAMBENT_TEST_ROOT") != "1" {
		t.Skip("needs root and LAMBENT_TEST_ROOT=1")
	}
}
