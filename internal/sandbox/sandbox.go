// Package sandbox is the contract between the invoke orchestrator and the
// execution-environment implementations. An environment hosts one runtime
// process for one function version; the orchestrator serves the Runtime API
// on the listener the environment gives it and starts the runtime.
//
// Implementations: process (an unisolated child process, the foundation's
// tier) and, later, linux (namespaces, cgroups, seccomp). The shared contract
// suite lives in sandboxtest.
package sandbox

import (
	"context"
	"errors"
	"net"
	"os"
)

// ErrOutOfMemory is matched, with errors.Is, by an Env's ExitError when the
// runtime was killed for exceeding the environment's memory limit; the
// orchestrator reports it as Runtime.OutOfMemory. Implementations that
// cannot tell (process) never return it.
var ErrOutOfMemory = errors.New("out of memory")

// Limits bounds an environment.
type Limits struct {
	MemoryMB    int
	EphemeralMB int
	// Pids caps processes and threads; 0 means the implementation default.
	Pids int
}

// Spec describes an environment to create.
type Spec struct {
	// ID names the environment; unique among live environments.
	ID string
	// CodeDir is a host directory holding the extracted function package.
	// Implementations give the runtime its own read-only view or copy of it
	// and never modify it.
	CodeDir string
	// RuntimeDir is a host directory holding Lambent's runtime clients.
	RuntimeDir string
	// RootImage is a host directory holding the runtime's base image: the
	// system files it needs (interpreter, shared libraries, CA
	// certificates) at the paths they have inside. Implementations that
	// isolate the file system show the runtime these and nothing else of
	// the host; empty means no system files at all (a static bootstrap
	// still runs). The process tier ignores it.
	RootImage string
	Limits    Limits
	// Egress asks for outbound network access. Implementations that
	// isolate the network give the environment a route out only when this
	// is set and the server allows egress; otherwise it can reach nothing
	// outside itself. The process tier has the host's network either way.
	Egress bool
	// Output receives the runtime's stdout and stderr, interleaved.
	Output *os.File
}

// Freezer is implemented by environments that can be frozen between
// invocations: a frozen environment's processes do not run at all until
// Thaw. The orchestrator freezes idle environments and thaws them before
// it hands them the next event.
type Freezer interface {
	// Freeze stops every process of the environment and returns once
	// they are stopped, or when ctx ends.
	Freeze(ctx context.Context) error
	// Thaw lets them run again.
	Thaw() error
}

// Paths are the locations the runtime sees inside the environment.
type Paths struct {
	TaskRoot   string // the code; /var/task in an isolated environment
	RuntimeDir string // Lambent's runtime clients; /var/runtime when isolated
	Tmp        string // writable scratch space; /tmp when isolated
}

// Sandbox creates execution environments.
type Sandbox interface {
	// Create prepares an environment; the runtime is not started yet.
	Create(ctx context.Context, spec Spec) (Env, error)
}

// Env is one execution environment.
type Env interface {
	// Paths tells where code, runtime clients and /tmp are inside.
	Paths() Paths
	// Listen returns a listener that the runtime reaches at addr (the value
	// for AWS_LAMBDA_RUNTIME_API), and nothing outside the environment
	// besides Lambent can reach.
	Listen() (ln net.Listener, addr string, err error)
	// Start runs argv with exactly the environment env (no inheritance).
	Start(argv, env []string) error
	// Done is closed when the runtime process has exited.
	Done() <-chan struct{}
	// ExitError describes how the runtime exited, after Done.
	ExitError() error
	// PeakMemoryBytes reports the highest memory use seen so far.
	PeakMemoryBytes() int64
	// Destroy kills every process of the environment and removes
	// everything it created. It is safe to call more than once.
	Destroy() error
}
