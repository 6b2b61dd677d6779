package linux

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"lambent/internal/sandbox"
	"lambent/internal/sandbox/sandboxinit"
)

// runtimeAPIAddr is where the runtime finds the Runtime API, as in Lambda.
const runtimeAPIAddr = "127.0.0.1:9001"

// Paths inside every environment.
var paths = sandbox.Paths{TaskRoot: "/var/task", RuntimeDir: "/var/runtime", Tmp: "/tmp"}

// startTimeout bounds the init's setup, from config to exec.
const startTimeout = 30 * time.Second

// env is one environment: the sandbox init (then the runtime) as PID 1 of
// its namespaces, its cgroup and its /tmp device.
type env struct {
	s    *Sandbox
	spec sandbox.Spec
	dir  string // host directory; root/ is the new root's mount point

	cg      envCgroup
	tmp     sandboxinit.Tmp
	loop    *os.File // the /tmp loop device until the init mounted it
	cmd     *exec.Cmd
	pidfd   int
	cfgW    *os.File // config pipe, written once by Start
	statusR *os.File // status pipe: EOF once the runtime is exec'd
	done    chan struct{}

	destroyOnce sync.Once
	destroyErr  error

	mu      sync.Mutex
	started bool
	exitErr error
	peak    int64
	ln      net.Listener
	gone    bool
}

// create makes the cgroup and /tmp, then starts the init. On error the
// caller runs cleanup.
func (e *env) create() error {
	if err := os.Mkdir(e.root(), 0o755); err != nil {
		return err
	}
	_, tmpMB, cl := e.s.limits(e.spec.Limits)
	e.tmp = sandboxinit.Tmp{SizeMB: tmpMB, Inodes: max(4096, tmpMB*64)}
	// The /tmp image is prepared while the init starts: they are
	// independent until Start.
	tmpErr := make(chan error, 1)
	if e.s.disk != nil {
		go func() {
			dev, f, err := e.s.disk.attach(tmpMB, e.dir+"/tmp.img")
			if err == nil {
				e.mu.Lock()
				e.tmp, e.loop = sandboxinit.Tmp{Device: dev}, f
				e.mu.Unlock()
			}
			tmpErr <- err
		}()
	} else {
		tmpErr <- nil
	}
	cg, err := e.s.cg.Create(e.spec.ID, cl)
	if err == nil {
		e.cg = cg
		err = e.startInit()
	}
	if terr := <-tmpErr; terr != nil {
		err = errors.Join(err, fmt.Errorf("prepare /tmp: %w", terr))
	}
	return err
}

func (e *env) root() string { return e.dir + "/root" }

// startInit starts the init on the spawner thread and, on v1, places it
// in the cgroup while it waits for its config.
func (e *env) startInit() error {
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return err
	}
	statusR, statusW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		cfgW.Close()
		return err
	}
	e.cfgW, e.statusR = cfgW, statusR
	cmd := e.s.initCommand(e, cfgR, statusW)
	var startErr error
	err = e.s.spawn.run(func() { startErr = cmd.Start() })
	cfgR.Close()
	statusW.Close()
	if err = errors.Join(err, startErr); err != nil {
		return fmt.Errorf("start sandbox init: %w", err)
	}
	e.cmd = cmd
	go e.wait()
	if _, placed := e.cg.PlacementFD(); !placed {
		if err := e.cg.Join(cmd.Process.Pid); err != nil {
			return err
		}
	}
	return nil
}

// wait reaps the runtime and records how it ended.
func (e *env) wait() {
	err := e.cmd.Wait()
	oom := e.cg.OOMKills() > 0
	peak := e.cg.PeakMemory()
	e.mu.Lock()
	e.peak = max(e.peak, peak)
	if err != nil && oom {
		err = &oomError{err: err}
	}
	e.exitErr = err
	e.mu.Unlock()
	close(e.done)
}

// oomError is a runtime exit caused by the memory limit.
type oomError struct{ err error }

func (o *oomError) Error() string   { return o.err.Error() }
func (o *oomError) Unwrap() []error { return []error{o.err, sandbox.ErrOutOfMemory} }

func (e *env) Paths() sandbox.Paths { return paths }

// Listen creates the Runtime API listener inside the environment's
// network namespace, at 127.0.0.1:9001 as in Lambda.
func (e *env) Listen() (net.Listener, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.gone || e.ln != nil {
		return nil, "", errors.New("listen for runtime API: environment destroyed or already listening")
	}
	ln, err := listenInside(e.pidfd, runtimeAPIAddr)
	if err != nil {
		return nil, "", fmt.Errorf("listen for runtime API: %w", err)
	}
	e.ln = ln
	return ln, runtimeAPIAddr, nil
}

// Start sends the init its config and waits until it has exec'd argv
// (EOF on the status pipe) or reported why it could not.
func (e *env) Start(argv, environ []string) error {
	e.mu.Lock()
	if e.started || e.gone {
		e.mu.Unlock()
		return errors.New("start runtime: environment already started or destroyed")
	}
	e.started = true
	e.mu.Unlock()
	if len(argv) == 0 {
		return errors.New("start runtime: empty command")
	}
	defer e.releaseLoop()
	e.mu.Lock()
	tmp := e.tmp
	e.mu.Unlock()
	cfg := sandboxinit.Config{
		Root: e.root(), Binds: e.s.binds(e.spec), Tmp: tmp, Hostname: hostname(e.spec.ID),
		UID: e.s.cfg.UID, GID: e.s.cfg.GID, NoFile: 1024,
		Argv: argv, Env: append([]string{}, environ...), Dir: paths.TaskRoot,
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("start runtime: %w", err)
	}
	_, err = e.cfgW.Write(data)
	if cerr := e.cfgW.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("start runtime: send config: %w", err)
	}
	return e.readStatus()
}

// readStatus reads the status pipe to EOF: nothing means exec happened.
func (e *env) readStatus() error {
	_ = e.statusR.SetReadDeadline(time.Now().Add(startTimeout))
	msg, err := io.ReadAll(io.LimitReader(e.statusR, 64<<10))
	e.statusR.Close()
	if err != nil {
		return fmt.Errorf("start runtime: read init status: %w", err)
	}
	if len(msg) > 0 {
		return fmt.Errorf("start runtime: sandbox init: %s", msg)
	}
	return nil
}

// releaseLoop closes Lambent's handle on the /tmp loop device: from now on
// the mount inside the environment holds it, and the device detaches
// itself when that goes.
func (e *env) releaseLoop() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.loop != nil {
		e.loop.Close()
		e.loop = nil
	}
}

func (e *env) Done() <-chan struct{} { return e.done }

func (e *env) ExitError() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.exitErr
}

// PeakMemoryBytes is the cgroup's memory high-water mark.
func (e *env) PeakMemoryBytes() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.gone {
		e.peak = max(e.peak, e.cg.PeakMemory())
	}
	return e.peak
}

// Destroy kills every process (freeze → kill → thaw on v1, cgroup.kill on
// v2), reaps the runtime, and removes the cgroup and the directory. A
// concurrent or later call waits for the first one and returns nil.
func (e *env) Destroy() error {
	first := false
	e.destroyOnce.Do(func() {
		first = true
		e.mu.Lock()
		e.gone = true
		ln := e.ln
		e.mu.Unlock()
		if ln != nil {
			_ = ln.Close()
		}
		e.destroyErr = e.cleanup()
		e.s.track(e, false)
	})
	if first {
		return e.destroyErr
	}
	return nil
}

// cleanup undoes whatever create and Start did.
func (e *env) cleanup() error {
	var errs []error
	if e.cg != nil && e.cmd != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, e.cg.Kill(ctx))
		cancel()
	}
	if e.cmd != nil {
		if e.pidfd >= 0 { // also covers an init not yet placed in its cgroup
			_ = unix.PidfdSendSignal(e.pidfd, unix.SIGKILL, nil, 0)
		}
		select {
		case <-e.done:
		case <-time.After(10 * time.Second):
			errs = append(errs, errors.New("destroy environment: runtime not reaped"))
		}
	}
	for _, f := range []*os.File{e.cfgW, e.statusR} {
		if f != nil {
			_ = f.Close()
		}
	}
	e.releaseLoop()
	if e.pidfd >= 0 {
		_ = syscall.Close(e.pidfd)
		e.pidfd = -1
	}
	if e.cg != nil {
		errs = append(errs, e.cg.Destroy())
	}
	errs = append(errs, removeAll(e.dir))
	return errors.Join(errs...)
}

// hostname gives the environment a Lambda-style host name, 169.254.x.y.
func hostname(id string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	v := h.Sum32()
	return fmt.Sprintf("169.254.%d.%d", v>>8&0xff, v&0xff)
}
