// Package process is the unisolated execution-environment tier: each
// environment is a plain child process in its own process group with its own
// copy of the code and its own scratch directory. It gives no isolation
// beyond an unprivileged uid (when Lambent runs as root); the linux sandbox
// is the tier for untrusted code.
package process

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"lambent/internal/sandbox"
)

// Config configures the process tier.
type Config struct {
	// Dir holds one directory per environment. It must be traversable by
	// UID when set.
	Dir string
	// UID and GID run the runtime; used only when Lambent runs as root.
	// Zero means 993/990, Lambda's sbx_user1051.
	UID, GID int
}

// Sandbox creates process environments.
type Sandbox struct {
	cfg  Config
	root bool
}

var _ sandbox.Sandbox = (*Sandbox)(nil)

// New returns a process sandbox.
func New(cfg Config) (*Sandbox, error) {
	if cfg.Dir == "" {
		return nil, errors.New("process sandbox: Dir is required")
	}
	if cfg.UID == 0 {
		cfg.UID, cfg.GID = 993, 990
	}
	if err := os.MkdirAll(cfg.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("create environments dir: %w", err)
	}
	return &Sandbox{cfg: cfg, root: os.Geteuid() == 0}, nil
}

// Create copies the code into a fresh directory and makes a scratch dir.
func (s *Sandbox) Create(_ context.Context, spec sandbox.Spec) (sandbox.Env, error) {
	dir := filepath.Join(s.cfg.Dir, spec.ID)
	if err := os.Mkdir(dir, 0o711); err != nil {
		return nil, fmt.Errorf("create environment dir: %w", err)
	}
	e := &env{s: s, dir: dir, spec: spec, done: make(chan struct{})}
	if err := e.prepare(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return e, nil
}

type env struct {
	s    *Sandbox
	dir  string
	spec sandbox.Spec

	mu      sync.Mutex
	cmd     *exec.Cmd
	exitErr error
	peak    int64
	done    chan struct{}
	ln      net.Listener
	gone    bool
}

func (e *env) task() string { return filepath.Join(e.dir, "task") }
func (e *env) tmp() string  { return filepath.Join(e.dir, "tmp") }

func (e *env) prepare() error {
	if err := copyTree(e.spec.CodeDir, e.task()); err != nil {
		return fmt.Errorf("copy code: %w", err)
	}
	if err := os.Mkdir(e.tmp(), 0o700); err != nil {
		return fmt.Errorf("create tmp: %w", err)
	}
	if e.s.root {
		if err := os.Chown(e.tmp(), e.s.cfg.UID, e.s.cfg.GID); err != nil {
			return fmt.Errorf("chown tmp: %w", err)
		}
	}
	return nil
}

func (e *env) Paths() sandbox.Paths {
	return sandbox.Paths{TaskRoot: e.task(), RuntimeDir: e.spec.RuntimeDir, Tmp: e.tmp()}
}

func (e *env) Listen() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("listen for runtime API: %w", err)
	}
	e.mu.Lock()
	e.ln = ln
	e.mu.Unlock()
	return ln, ln.Addr().String(), nil
}

func (e *env) Start(argv, environ []string) error {
	if len(argv) == 0 {
		return errors.New("start runtime: empty command")
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Args = argv
	cmd.Env = append(slices.Clip(environ), "TMPDIR="+e.tmp())
	cmd.Dir = e.task()
	cmd.Stdout = e.spec.Output
	cmd.Stderr = e.spec.Output
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if e.s.root {
		cmd.SysProcAttr.Credential = &syscall.Credential{
			Uid: uint32(e.s.cfg.UID), Gid: uint32(e.s.cfg.GID), Groups: []uint32{}}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start runtime: %w", err)
	}
	e.mu.Lock()
	e.cmd = cmd
	e.mu.Unlock()
	go e.wait(cmd)
	return nil
}

func (e *env) wait(cmd *exec.Cmd) {
	err := cmd.Wait()
	e.mu.Lock()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss*1024 > e.peak {
		e.peak = ru.Maxrss * 1024
	}
	e.exitErr = err
	e.mu.Unlock()
	close(e.done)
}

func (e *env) Done() <-chan struct{} { return e.done }

func (e *env) ExitError() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.exitErr
}

// PeakMemoryBytes samples the runtime process's resident memory and
// returns the largest figure seen.
func (e *env) PeakMemoryBytes() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cmd == nil || e.cmd.Process == nil {
		return e.peak
	}
	select {
	case <-e.done:
		return e.peak
	default:
	}
	if v := readRSS(e.cmd.Process.Pid); v > e.peak {
		e.peak = v
	}
	return e.peak
}

// readRSS reads the resident set size of pid from /proc/PID/statm, which
// is far cheaper than /proc/PID/status; the peak is the largest sample
// seen (once per invocation, and the kernel's own figure at exit).
func readRSS(pid int) int64 {
	var buf [128]byte
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0
	}
	n, _ := f.Read(buf[:])
	f.Close()
	fields := strings.Fields(string(buf[:n]))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func (e *env) Destroy() error {
	e.mu.Lock()
	if e.gone {
		e.mu.Unlock()
		return nil
	}
	e.gone = true
	cmd, ln := e.cmd, e.ln
	e.mu.Unlock()
	if ln != nil {
		_ = ln.Close()
	}
	if cmd != nil && cmd.Process != nil {
		// The runtime leads its own process group: kill all of it.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-e.done
	}
	if err := os.RemoveAll(e.dir); err != nil {
		return fmt.Errorf("remove environment dir: %w", err)
	}
	return nil
}

// copyTree gives dst (created) the directories, symlinks and regular
// files of src. Regular files are hard links to the extracted package,
// whose files are owned by the server and not writable by the runtime
// user, or read-only copies where linking is impossible.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.Mkdir(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			// A hard link of the read-only extracted file: no write
			// descriptor is ever open on it, so a concurrent fork cannot
			// make its exec fail with ETXTBSY (golang/go#22315).
			if err := os.Link(path, target); err == nil {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return copyFile(path, target, info.Mode().Perm()&0o555|0o444)
		default:
			return nil
		}
	})
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
