// Package sandboxtest is the contract suite that every sandbox
// implementation passes. The program it runs inside an environment is the
// test binary itself, re-executed with an argument that Dispatch catches:
//
//	func TestMain(m *testing.M) {
//		sandboxtest.Dispatch()
//		os.Exit(m.Run())
//	}
//
//	func TestContract(t *testing.T) {
//		sandboxtest.Run(t, func(t *testing.T) sandbox.Sandbox { return newSandbox(t) })
//	}
//
// The suite copies the test binary into the code directory it gives
// Create, so the program runs from Paths().TaskRoot like a provided
// runtime's bootstrap. It needs nothing else from the host.
package sandboxtest

import (
	"os"
	"sync/atomic"
	"testing"

	"lambent/internal/sandbox"
)

// dispatched records that TestMain called Dispatch. It is a property of
// the test binary, set once before the tests run, which is why it is
// package state: without it, re-executing the binary would run the whole
// test suite inside every environment.
var dispatched atomic.Bool

// Dispatch runs the suite's program, and never returns, when the test
// binary was re-executed as that program. Otherwise it records that Run
// may re-execute this binary and returns. Call it first in TestMain.
func Dispatch() {
	if len(os.Args) > 1 && os.Args[1] == programArg {
		os.Exit(program(os.Args[2:]))
	}
	dispatched.Store(true)
}

// Run runs the contract suite. newSandbox returns a fresh sandbox for each
// sub-test; it may register cleanups that check for leftovers, since every
// environment the sub-test created has been destroyed when they run.
func Run(t *testing.T, newSandbox func(t *testing.T) sandbox.Sandbox) {
	t.Helper()
	if !dispatched.Load() {
		t.Fatal("sandboxtest: TestMain must call sandboxtest.Dispatch before m.Run")
	}
	fx := newFixture(t)
	tests := []struct {
		name string
		run  func(t *testing.T, fx *fixture, sb sandbox.Sandbox)
	}{
		{"ExactEnvironment", testExactEnvironment},
		{"OutputCaptured", testOutputCaptured},
		{"TaskRootHoldsCodeReadOnly", testTaskRoot},
		{"TmpWritable", testTmpWritable},
		{"ExitStatus", testExitStatus},
		{"StartMissingProgram", testStartMissingProgram},
		{"DestroyKillsProcessGroup", testDestroyKillsProcessGroup},
		{"DestroyRemovesEverything", testDestroyRemovesEverything},
		{"DestroyBeforeStart", testDestroyBeforeStart},
		{"TmpNotShared", testTmpNotShared},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, fx, newSandbox(t)) })
	}
	t.Run("CodeDirUnchanged", fx.checkUnchanged)
}
