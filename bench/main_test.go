package bench

import (
	"os"
	"testing"

	"lambent/internal/daemon"
	"lambent/internal/sandbox/sandboxinit"
)

// TestMain lets this test binary serve as the sandbox init, so the
// benchmarks measure the Linux sandbox when they run as root, and runs the
// collector as the server binary does (the floor's client shares it).
func TestMain(m *testing.M) {
	sandboxinit.Dispatch()
	daemon.TuneGC()
	os.Exit(m.Run())
}
