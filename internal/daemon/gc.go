package daemon

import (
	"os"
	"runtime/debug"
)

// GCPercent is the garbage collector's target the server runs with unless
// GOGC is set. A Lambent server's live heap is small (tens of MB), so Go's
// default (100) collects every few dozen invocations, and every
// collection's mark phase shows in the tail of warm invokes
// (bench/BenchmarkWarmInvoke: p99 2.1–2.2 ms at 100, 1.6–1.8 ms at 400 on
// the reference machine). The price is a heap of up to five times the
// live heap.
const GCPercent = 400

// TuneGC applies GCPercent unless the operator set GOGC. It changes the
// whole process, so only main (and harnesses that stand for it) call it.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
}
