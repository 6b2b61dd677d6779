// Package sandboxinit is the child side of the linux sandbox: the code that
// runs as `lambent sandbox-init` inside freshly cloned namespaces, builds the
// environment's root file system, drops every privilege and execs the
// runtime on the same locked thread.
//
// The parent (internal/sandbox/linux) starts the binary again with
// os.Args[1] == "sandbox-init", an empty environment and two extra files:
// fd 3, a unix stream socket, carries the Config as JSON (read to EOF) and
// optionally one descriptor (SCM_RIGHTS) that becomes the runtime's stdout
// and stderr; fd 4 is the status pipe. The init may be started long before
// its config arrives (the parent keeps a pool of them).
// Fd 4 is close-on-exec, so EOF on it means the runtime was exec'd; any text
// written to it is a setup error. A binary that can act as the sandbox init
// calls Dispatch first thing in main (and test binaries in TestMain):
//
//	func main() {
//		sandboxinit.Dispatch() // never returns in a sandbox init
//		...
//	}
//
// The package imports only the standard library's lowest layers,
// golang.org/x/sys/unix and the seccomp assembler: no store, no net/http.
// The setup sequence follows docs/design/sandbox-linux.md §2.2.
package sandboxinit
