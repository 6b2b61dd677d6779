// Package linux is the isolated execution-environment tier: each
// environment is the runtime running as PID 1 of its own mount, pid, ipc,
// uts and network namespaces, in its own cgroup (memory, pids, cpu,
// freezer), on a read-only tmpfs root entered with pivot_root, as an
// unprivileged user with no capabilities, no_new_privs and a seccomp
// filter. Its system files are a runtime base image (Spec.RootImage, built
// by internal/runtimes/baseimage) bound read-only, never the host's /usr.
// /tmp is a per-environment ext4 image of exactly the ephemeral
// storage size on a loop device (or a sized tmpfs where that is
// impossible), and the Runtime API listener is created inside the
// environment's network namespace, at 127.0.0.1:9001.
//
// This package is the parent side; the child side is
// internal/sandbox/sandboxinit, entered by re-executing the binary as
// `lambent sandbox-init`. The binary's main must call
// sandboxinit.Dispatch first (test binaries: in TestMain):
//
//	n, err := linux.CleanupLeftovers() // environments of a crashed Lambent
//	sb, err := linux.New(linux.Config{Dir: runDir + "/envs", Logger: logger})
//	defer sb.Close()
//	img, err := images.Image(ctx, rt) // a baseimage.Store
//	env, err := sb.Create(ctx, sandbox.Spec{ID: id, CodeDir: code, RuntimeDir: rtDir, RootImage: img, Limits: l, Output: w})
//	ln, addr, err := env.Listen()  // addr is 127.0.0.1:9001
//	err = env.Start(argv, environ) // argv as seen inside: /var/task/bootstrap
//
// cgroup v1 and hybrid hosts are fully supported; on unified (v2) hosts
// environments are created straight into their cgroup with
// CLONE_INTO_CGROUP. See docs/design/sandbox-linux.md.
package linux
