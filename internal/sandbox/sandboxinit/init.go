package sandboxinit

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// File descriptors the parent passes.
const (
	configFD = 3
	statusFD = 4
)

// maxConfig bounds the config read from the parent.
const maxConfig = 4 << 20

// dispatched records that this binary's main called Dispatch: it is a
// property of the binary, set once before anything else runs, which is why
// it is package state.
var dispatched atomic.Bool

// Dispatch runs the sandbox init, and never returns, when os.Args[1] is
// "sandbox-init". Otherwise it records that this binary can serve as a
// sandbox init (see Dispatched) and returns. Call it first thing in main
// and in TestMain.
func Dispatch() {
	if len(os.Args) > 1 && os.Args[1] == Arg {
		os.Exit(Main())
	}
	dispatched.Store(true)
}

// Dispatched reports whether Dispatch ran in this process, that is whether
// re-executing this binary with "sandbox-init" enters the sandbox init
// rather than, say, a test binary's whole test suite.
func Dispatched() bool { return dispatched.Load() }

// Main is the sandbox init: it reads the Config from fd 3, sets the
// environment up and execs the runtime. It returns only on failure, with
// the exit code, after writing the reason to fd 4.
func Main() int {
	// Every step below, up to and including execve, runs on this thread:
	// credentials, capabilities, no_new_privs and the seccomp filter are
	// per-thread until exec.
	runtime.LockOSThread()
	// The linux sandbox starts the init as PID 1 of a new pid namespace;
	// anything else (a user typing the command) must not touch the
	// host's mounts.
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "lambent sandbox-init: internal command, started only by the linux sandbox")
		return 2
	}
	_, _ = unix.FcntlInt(configFD, unix.F_SETFD, unix.FD_CLOEXEC)
	if _, err := unix.FcntlInt(statusFD, unix.F_SETFD, unix.FD_CLOEXEC); err != nil {
		return 2 // no status pipe
	}
	// Descriptors Lambent itself inherited without close-on-exec (from a
	// shell, a CI runner) would otherwise reach the runtime.
	if err := closeOnExecFrom(statusFD + 1); err != nil {
		return fail("mark descriptors close-on-exec", err)
	}
	cfg, err := readConfig()
	if err != nil {
		return fail("read config", err)
	}
	if err := setup(cfg); err != nil {
		return fail("set up environment", err)
	}
	err = execRuntime(cfg)
	return fail("exec "+cfg.Argv[0], err)
}

// readConfig reads the Config from fd 3 to EOF. Fd 3 is a unix stream
// socket; the parent may attach one descriptor (SCM_RIGHTS) to the
// config, the runtime's output, which becomes fds 1 and 2. The init may
// have been started long before (a pool of pre-started environments), so
// the output is not known at clone time.
func readConfig() (*Config, error) {
	data, out, err := receive(configFD)
	unix.Close(configFD)
	if err != nil {
		return nil, err
	}
	if out >= 0 {
		err := setOutput(out)
		unix.Close(out)
		if err != nil {
			return nil, fmt.Errorf("set output: %w", err)
		}
	}
	var cfg Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// receive reads fd to EOF, with at most one passed descriptor (-1 when
// none; received close-on-exec). A pipe (no descriptors) also works.
func receive(fd int) (data []byte, out int, err error) {
	out = -1
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(4*4))
	for {
		n, oobn, flags, _, err := unix.Recvmsg(fd, buf, oob, unix.MSG_CMSG_CLOEXEC)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if errors.Is(err, unix.ENOTSOCK) {
			n, err = unix.Read(fd, buf)
			oobn, flags = 0, 0
		}
		if err == nil && oobn > 0 {
			out, err = rights(oob[:oobn], out)
		}
		if err == nil && flags&unix.MSG_CTRUNC != 0 {
			err = errors.New("descriptors truncated")
		}
		if err == nil && n < 0 {
			err = unix.EIO
		}
		if err == nil && len(data)+n > maxConfig {
			err = errors.New("config too large")
		}
		if err != nil {
			if out >= 0 {
				unix.Close(out)
			}
			return nil, -1, err
		}
		if n == 0 {
			return data, out, nil
		}
		data = append(data, buf[:n]...)
	}
}

// rights extracts the descriptors of a control message; a second one,
// in the same message or a later one, is an error (and closed).
func rights(oob []byte, out int) (int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return out, err
	}
	var extra bool
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if out < 0 {
				out = fd
			} else {
				unix.Close(fd)
				extra = true
			}
		}
	}
	if extra {
		return out, errors.New("more than one descriptor passed")
	}
	return out, nil
}

// setOutput makes fd the init's (and so the runtime's) stdout and stderr.
func setOutput(fd int) error {
	for _, to := range []int{1, 2} {
		if err := unix.Dup3(fd, to, 0); err != nil {
			return err
		}
	}
	return nil
}

// setup runs §2.2 of the design: the root file system, the host name and
// loopback, limits, then the privilege drop and the seccomp filter.
func setup(c *Config) error {
	if err := buildRoot(c); err != nil {
		return err
	}
	if err := unix.Sethostname([]byte(c.Hostname)); err != nil {
		return fmt.Errorf("set hostname: %w", err)
	}
	if err := LoopbackUp(); err != nil {
		return fmt.Errorf("bring lo up: %w", err)
	}
	if err := setRlimits(c.NoFile); err != nil {
		return err
	}
	if err := unix.Chdir(c.Dir); err != nil {
		return fmt.Errorf("enter working directory: %w", err)
	}
	if err := dropPrivileges(c.UID, c.GID); err != nil {
		return err
	}
	if err := parentAlive(); err != nil {
		return err
	}
	return loadSeccomp()
}

func setRlimits(nofile uint64) error {
	if nofile == 0 {
		nofile = 1024
	}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: nofile, Max: nofile}); err != nil {
		return fmt.Errorf("set RLIMIT_NOFILE: %w", err)
	}
	if err := unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{}); err != nil {
		return fmt.Errorf("set RLIMIT_CORE: %w", err)
	}
	return nil
}

// parentAlive re-arms the parent-death signal, which the uid change
// cleared, and then checks that the parent still holds the status pipe, so
// a parent that died in between cannot leave the runtime behind.
func parentAlive() error {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("set parent-death signal: %w", err)
	}
	fds := []unix.PollFd{{Fd: statusFD, Events: unix.POLLOUT}}
	if _, err := unix.Poll(fds, 0); err != nil {
		return fmt.Errorf("poll status pipe: %w", err)
	}
	if fds[0].Revents&unix.POLLERR != 0 {
		return errors.New("parent is gone")
	}
	return nil
}

// execRuntime replaces this process with the runtime; it returns only on
// failure.
func execRuntime(c *Config) error {
	path, err := lookPath(c.Argv[0], c.Env)
	if err != nil {
		return err
	}
	return unix.Exec(path, c.Argv, c.Env)
}

// lookPath resolves a command without a slash through the PATH of the
// runtime's environment, as execvp would.
func lookPath(file string, env []string) (string, error) {
	if strings.Contains(file, "/") {
		return file, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range strings.Split(path, ":") {
		if dir == "" {
			dir = "."
		}
		p := dir + "/" + file
		if unix.Faccessat(unix.AT_FDCWD, p, unix.X_OK, unix.AT_EACCESS) == nil {
			return p, nil
		}
	}
	return "", unix.ENOENT
}

// closeOnExecFrom marks every descriptor from first on close-on-exec.
func closeOnExecFrom(first int) error {
	err := unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil || !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EINVAL) {
		return err
	}
	entries, err := os.ReadDir("/proc/self/fd") // kernels before 5.11
	if err != nil {
		return err
	}
	for _, e := range entries {
		var fd int
		if _, err := fmt.Sscan(e.Name(), &fd); err == nil && fd >= first {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
	return nil
}

// fail reports a setup error on the status pipe and returns the exit code.
func fail(stage string, err error) int {
	msg := stage + ": " + err.Error()
	_, _ = unix.Write(statusFD, []byte(msg))
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EACCES) {
		return 127
	}
	return 1
}
