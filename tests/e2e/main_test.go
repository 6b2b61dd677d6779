// Package e2e_test is the end-to-end tier: it builds the lambent binary,
// starts it as a user would, and drives it with the stock AWS CLI v2,
// asserting on the CLI's JSON output, exit codes and error messages.
//
// The CLI is /usr/bin/aws unless LAMBENT_AWS_CLI names another one. When
// it is missing the tests skip, unless LAMBENT_E2E_REQUIRED=1 (CI), which
// turns a missing CLI into a failure.
package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"lambent/tests/framework"
)

// workDir holds what the tests build once: the lambent binary.
var workDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lambent-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "create work dir:", err)
		os.Exit(1)
	}
	workDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var binary struct {
	once sync.Once
	path string
	err  error
}

// lambentBinary builds ./cmd/lambent once per test run. Every test here
// drives the CLI, so it first checks (or skips) for the CLI: a skipped run
// builds nothing.
func lambentBinary(t *testing.T) string {
	t.Helper()
	cliPath(t)
	binary.once.Do(func() {
		binary.path = filepath.Join(workDir, "lambent")
		binary.err = framework.BuildBinary(t, binary.path)
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// startServer starts the built binary with the test credentials preset.
func startServer(t *testing.T, dataDir string) *framework.Binary {
	t.Helper()
	return framework.StartBinary(t, framework.BinaryOptions{Binary: lambentBinary(t), DataDir: dataDir})
}
