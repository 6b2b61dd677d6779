package integration_test

import (
	"os"
	"testing"

	"lambent/internal/sandbox/sandboxinit"
)

// TestMain lets this test binary serve as the sandbox init, so in-process
// servers run functions in the Linux sandbox when the tests run as root.
func TestMain(m *testing.M) {
	sandboxinit.Dispatch()
	os.Exit(m.Run())
}
