package bench

import (
	"os"
	"testing"

	"lambent/internal/sandbox/sandboxinit"
)

// TestMain lets this test binary serve as the sandbox init, so the
// benchmarks measure the Linux sandbox when they run as root.
func TestMain(m *testing.M) {
	sandboxinit.Dispatch()
	os.Exit(m.Run())
}
