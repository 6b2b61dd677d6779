package linux

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
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

var _ sandbox.Freezer = (*env)(nil)

// startTimeout bounds the init's setup, from config to exec.
const startTimeout = 30 * time.Second

// initProc is a started sandbox init: cloned into its namespaces, placed
// in its cgroup and blocked on its config socket. Create starts one, or
// takes one the pool started earlier (pool.go).
type initProc struct {
	cg      envCgroup
	cmd     *exec.Cmd
	pidfd   int
	cfgW    *os.File      // config socket, written once by Start
	statusR *os.File      // status pipe: EOF once the runtime is exec'd
	exited  chan struct{} // closed once the init (then the runtime) is reaped
	waitErr error         // cmd.Wait's result, set before exited closes
	veth    *veth         // the link to the host with egress; nil without
}

func newInitProc() *initProc { return &initProc{pidfd: -1, exited: make(chan struct{})} }

// env is one environment: the sandbox init (then the runtime) as PID 1 of
// its namespaces, its cgroup and its /tmp device.
type env struct {
	s    *Sandbox
	spec sandbox.Spec
	dir  string // host directory; root/ is the new root's mount point

	*initProc
	tmp  sandboxinit.Tmp
	loop *os.File // the /tmp loop device until the init mounted it
	done chan struct{}

	destroyOnce sync.Once
	destroyErr  error

	mu      sync.Mutex
	started bool
	exitErr error
	peak    int64
	ln      net.Listener
	gone    bool
}

// create takes a pre-started init and a pre-attached /tmp image from the
// pool when it has them; otherwise it makes the cgroup and /tmp and starts
// the init itself. On error the caller runs cleanup.
func (e *env) create() error {
	if err := os.Mkdir(e.root(), 0o755); err != nil {
		return err
	}
	_, tmpMB, cl := e.s.limits(e.spec.Limits)
	e.tmp = sandboxinit.Tmp{SizeMB: tmpMB, Inodes: max(4096, tmpMB*64)}
	// The /tmp image is prepared while the init starts: they are
	// independent until Start.
	tmpErr := make(chan error, 1)
	var img tmpImage
	if e.s.disk != nil {
		img = e.s.pool.takeTmp(tmpMB)
	}
	switch {
	case img.f != nil:
		e.tmp, e.loop = sandboxinit.Tmp{Device: img.dev}, img.f
		tmpErr <- nil
	case e.s.disk != nil:
		go func() {
			dev, f, err := e.s.disk.attach(tmpMB, e.dir+"/tmp.img")
			if err == nil {
				e.mu.Lock()
				e.tmp, e.loop = sandboxinit.Tmp{Device: dev}, f
				e.mu.Unlock()
			}
			tmpErr <- err
		}()
	default:
		tmpErr <- nil
	}
	var err error
	if p := e.s.pool.takeInit(); p != nil {
		// Pooled: already placed under the pool's limits; the function's
		// are written before it receives its config.
		e.initProc = p
		go e.wait()
		err = p.cg.SetLimits(cl)
	} else if cg, cerr := e.s.cg.Create(e.spec.ID, cl); cerr != nil {
		err = cerr
	} else {
		e.cg = cg
		err = e.s.startInit(e.initProc)
		if e.cmd != nil {
			go e.wait()
		}
	}
	if err == nil {
		err = e.network()
	}
	if terr := <-tmpErr; terr != nil {
		err = errors.Join(err, fmt.Errorf("prepare /tmp: %w", terr))
	}
	return err
}

func (e *env) root() string { return e.dir + "/root" }

// network gives the environment egress when its Spec asks for it and the
// sandbox allows it, and takes away a pooled init's veth when not.
func (e *env) network() error {
	n := e.s.net
	switch {
	case n == nil:
		return nil
	case e.spec.Egress && e.veth == nil:
		v, err := n.attach(e.cmd.Process.Pid)
		e.veth = v
		return err
	case !e.spec.Egress && e.veth != nil:
		v := e.veth
		e.veth = nil
		return n.detach(e.cmd.Process.Pid, v)
	}
	return nil
}

// egressAddr is the environment's address, when it has egress.
func (e *env) egressAddr() (netip.Addr, bool) {
	if e.veth == nil {
		return netip.Addr{}, false
	}
	return e.veth.addr, true
}

// Freeze stops every process of the environment (cgroup v1 freezer.state
// FROZEN, v2 cgroup.freeze) and waits until they are stopped.
func (e *env) Freeze(ctx context.Context) error {
	e.mu.Lock()
	gone := e.gone
	e.mu.Unlock()
	if gone {
		return errors.New("freeze: environment destroyed")
	}
	return e.cg.Freeze(ctx)
}

// Thaw lets a frozen environment run again.
func (e *env) Thaw() error {
	e.mu.Lock()
	gone := e.gone
	e.mu.Unlock()
	if gone {
		return errors.New("thaw: environment destroyed")
	}
	return e.cg.Thaw()
}

// startInit starts an init for p, whose cgroup exists, on the spawner
// thread and, on v1, places it in the cgroup while it waits for its
// config. Once the init runs, a goroutine reaps it (p.exited). On error
// the caller runs p.destroy.
func (s *Sandbox) startInit(p *initProc) error {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("config socket: %w", err)
	}
	cfgW, cfgR := os.NewFile(uintptr(fds[0]), "config"), os.NewFile(uintptr(fds[1]), "config")
	statusR, statusW, err := os.Pipe()
	if err != nil {
		cfgR.Close()
		cfgW.Close()
		return err
	}
	p.cfgW, p.statusR = cfgW, statusR
	cmd := s.initCommand(p, cfgR, statusW)
	var startErr error
	err = s.spawn.run(func() { startErr = cmd.Start() })
	cfgR.Close()
	statusW.Close()
	if err = errors.Join(err, startErr); err != nil {
		return fmt.Errorf("start sandbox init: %w", err)
	}
	p.cmd = cmd
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if _, placed := p.cg.PlacementFD(); !placed {
		if err := p.cg.Join(cmd.Process.Pid); err != nil {
			return err
		}
	}
	return nil
}

// destroy kills the init's processes, waits for reaped (closed after
// p.exited, once whoever reaps has read the cgroup), releases the
// descriptors and removes the cgroup.
func (p *initProc) destroy(reaped <-chan struct{}) error {
	var errs []error
	if p.cg != nil && p.cmd != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, p.cg.Kill(ctx))
		cancel()
	}
	if p.cmd != nil {
		if p.pidfd >= 0 { // also covers an init not yet placed in its cgroup
			_ = unix.PidfdSendSignal(p.pidfd, unix.SIGKILL, nil, 0)
		}
		select {
		case <-reaped:
		case <-time.After(10 * time.Second):
			errs = append(errs, errors.New("destroy environment: runtime not reaped"))
		}
	}
	for _, f := range []*os.File{p.cfgW, p.statusR} {
		if f != nil {
			_ = f.Close()
		}
	}
	if p.pidfd >= 0 {
		_ = syscall.Close(p.pidfd)
		p.pidfd = -1
	}
	if p.cg != nil {
		errs = append(errs, p.cg.Destroy())
	}
	return errors.Join(errs...)
}

// wait waits for the runtime to be reaped and records how it ended.
func (e *env) wait() {
	<-e.exited
	err := e.waitErr
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
	binds, err := e.s.binds(e.spec)
	if err != nil {
		return fmt.Errorf("start runtime: %w", err)
	}
	cfg := sandboxinit.Config{
		Root: e.root(), Binds: binds, Tmp: tmp, Hostname: hostname(e.spec.ID),
		UID: e.s.cfg.UID, GID: e.s.cfg.GID, NoFile: 1024, Nameservers: e.nameservers(),
		Argv: argv, Env: append([]string{}, environ...), Dir: paths.TaskRoot,
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("start runtime: %w", err)
	}
	err = sendConfig(e.cfgW, data, e.spec.Output)
	if cerr := e.cfgW.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("start runtime: send config: %w", err)
	}
	return e.readStatus()
}

// nameservers are the resolvers an environment with egress uses.
func (e *env) nameservers() []string {
	if e.veth == nil {
		return nil
	}
	return e.s.net.nameservers
}

// sendConfig writes data on the config socket, with out (when set)
// attached as the runtime's stdout and stderr, then shuts the socket down
// for writing so that the init reads EOF.
func sendConfig(sock *os.File, data []byte, out *os.File) error {
	fd := int(sock.Fd())
	var oob []byte
	if out != nil {
		// Fd also makes the descriptor blocking, as exec.Cmd would: the
		// runtime gets the same open file, and a non-blocking stdout
		// breaks many runtimes.
		oob = unix.UnixRights(int(out.Fd()))
	}
	for len(data) > 0 {
		n, err := unix.SendmsgN(fd, data, oob, nil, unix.MSG_NOSIGNAL)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		data, oob = data[n:], nil
	}
	runtime.KeepAlive(out)
	return unix.Shutdown(fd, unix.SHUT_WR)
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
	errs := []error{e.initProc.destroy(e.done)}
	e.releaseLoop()
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
