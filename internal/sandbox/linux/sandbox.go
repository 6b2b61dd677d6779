package linux

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"lambent/internal/sandbox"
	"lambent/internal/sandbox/sandboxinit"
)

// TmpStorage chooses what backs an environment's /tmp.
type TmpStorage string

const (
	// TmpAuto picks TmpDisk when the host allows it, else TmpMemory.
	TmpAuto TmpStorage = ""
	// TmpDisk: a per-environment ext4 image on a loop device, exactly
	// the ephemeral-storage size and not charged to the memory limit.
	TmpDisk TmpStorage = "disk"
	// TmpMemory: a tmpfs of the ephemeral-storage size. tmpfs pages are
	// charged to the environment's memory cgroup, so the memory limit is
	// raised by the same amount: the function may use that room as heap.
	TmpMemory TmpStorage = "memory"
)

// Config configures the linux sandbox. Zero values take the defaults.
type Config struct {
	// Dir holds one directory per environment (the mount point of its
	// root) and the /tmp images. Required; it should be on a disk file
	// system.
	Dir string
	// UID and GID run the runtime; default 993/990 (sbx_user1051).
	UID, GID int
	// Pids is the process and thread limit when a Spec sets none;
	// default 1024 (Lambda's).
	Pids int
	// Tmp selects /tmp's backing; default TmpAuto.
	Tmp TmpStorage
	// Pool is how many environments are kept started ahead of Create:
	// cgroup made, sandbox init cloned into its namespaces, placed in the
	// cgroup and waiting for its config. With disk /tmp, as many images of
	// each size in TmpPoolMB are kept attached. Create takes from the pool
	// and a background goroutine refills it; when it is empty Create
	// starts everything itself. Default 2; negative disables the pools.
	Pool int
	// TmpPoolMB lists the /tmp sizes, in MiB, kept ready; default 512
	// (the default ephemeral storage).
	TmpPoolMB []int
	// InitPath is the binary started as "sandbox-init"; default
	// /proc/self/exe, which requires sandboxinit.Dispatch in main (or
	// TestMain).
	InitPath string
	// Egress is the environments' outbound networking: EgressNone (the
	// default; lo only) or EgressNAT, which gives the environments whose
	// Spec asks for it a veth and NAT to the uplinks (net.go, nft.go).
	Egress Egress
	// EgressNetwork is where environments' addresses come from; its first
	// address is the gateway. Default DefaultEgressNetwork.
	EgressNetwork netip.Prefix
	// Uplinks are the interfaces environments may reach the outside
	// through; default the interfaces of the IPv4 default routes.
	Uplinks []string
	Logger  *slog.Logger
}

// ErrNoInit is returned by New when this binary cannot act as the sandbox
// init because its main (or TestMain) never called sandboxinit.Dispatch.
var ErrNoInit = errors.New("linux sandbox: this binary does not dispatch sandbox-init (call sandboxinit.Dispatch first in main or TestMain)")

// Sandbox creates execution environments isolated by namespaces, cgroups,
// a read-only pivot_root'ed root, capabilities, no_new_privs and seccomp.
type Sandbox struct {
	cfg   Config
	cg    cgroupDriver
	spawn *spawner
	disk  *diskTmp // nil: /tmp on tmpfs
	pool  *pool
	net   *network // nil without egress

	mu     sync.Mutex
	envs   map[*env]struct{}             // created and not yet destroyed
	images map[string][]sandboxinit.Bind // binds of each root image (images never change)
}

var _ sandbox.Sandbox = (*Sandbox)(nil)

// New checks the host and prepares this instance's cgroups. It needs root.
func New(cfg Config) (*Sandbox, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("linux sandbox: needs root")
	}
	if cfg.InitPath == "/proc/self/exe" && !sandboxinit.Dispatched() {
		return nil, ErrNoInit
	}
	if err := os.MkdirAll(cfg.Dir, 0o711); err != nil {
		return nil, fmt.Errorf("create environments dir: %w", err)
	}
	disk, err := chooseTmp(cfg)
	if err != nil {
		return nil, err
	}
	owner, err := ownerName()
	if err != nil {
		return nil, fmt.Errorf("name cgroups: %w", err)
	}
	cg, err := newCgroupDriver(owner)
	if err != nil {
		return nil, fmt.Errorf("linux sandbox: %w", err)
	}
	s := &Sandbox{cfg: cfg, cg: cg, spawn: newSpawner(), disk: disk, envs: map[*env]struct{}{},
		images: map[string][]sandboxinit.Bind{}}
	if cfg.Egress == EgressNAT {
		if s.net, err = newNetwork(cfg, owner); err != nil {
			s.spawn.close()
			return nil, errors.Join(fmt.Errorf("linux sandbox: egress: %w", err), cg.Close())
		}
	}
	s.pool = newPool(s)
	return s, nil
}

func (c *Config) defaults() error {
	if c.Dir == "" {
		return errors.New("linux sandbox: Dir is required")
	}
	abs, err := filepath.Abs(c.Dir)
	if err != nil {
		return fmt.Errorf("resolve environments dir: %w", err)
	}
	c.Dir = abs
	if c.UID == 0 {
		c.UID, c.GID = 993, 990
	}
	if c.Pids <= 0 {
		c.Pids = 1024
	}
	switch {
	case c.Pool == 0:
		c.Pool = 2
	case c.Pool < 0:
		c.Pool = 0
	}
	if c.TmpPoolMB == nil {
		c.TmpPoolMB = []int{512}
	}
	if c.InitPath == "" {
		c.InitPath = "/proc/self/exe"
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	switch c.Egress {
	case "":
		c.Egress = EgressNone
	case EgressNone, EgressNAT:
	default:
		return fmt.Errorf("linux sandbox: unknown egress %q", c.Egress)
	}
	if !c.EgressNetwork.IsValid() {
		c.EgressNetwork = DefaultEgressNetwork
	}
	switch c.Tmp {
	case TmpAuto, TmpDisk, TmpMemory:
		return nil
	}
	return fmt.Errorf("linux sandbox: unknown tmp storage %q", c.Tmp)
}

// chooseTmp returns the disk /tmp backend, or nil for tmpfs.
func chooseTmp(cfg Config) (*diskTmp, error) {
	if cfg.Tmp == TmpMemory {
		return nil, nil
	}
	mkfs, err := findMkfs()
	if err == nil {
		err = diskTmpUsable(cfg.Dir)
	}
	if err != nil {
		if cfg.Tmp == TmpDisk {
			return nil, fmt.Errorf("linux sandbox: disk-backed /tmp: %w", err)
		}
		cfg.Logger.Warn("linux sandbox: /tmp falls back to tmpfs, charged to memory; memory limits are raised by the ephemeral storage size",
			"reason", err.Error())
		return nil, nil
	}
	return &diskTmp{dir: cfg.Dir, mkfs: mkfs, uid: cfg.UID, gid: cfg.GID}, nil
}

// Close empties the pools, destroys the environments still alive (waiting
// for destroys in progress), stops the spawner and removes this instance's
// cgroups and /tmp templates.
func (s *Sandbox) Close() error {
	poolErr := s.pool.close()
	s.mu.Lock()
	live := make([]*env, 0, len(s.envs))
	for e := range s.envs {
		live = append(live, e)
	}
	s.mu.Unlock()
	errs := make([]error, len(live))
	var wg sync.WaitGroup
	for i, e := range live {
		wg.Go(func() { errs[i] = e.Destroy() })
	}
	wg.Wait()
	s.spawn.close()
	if s.disk != nil {
		s.disk.close()
	}
	if s.net != nil {
		errs = append(errs, s.net.close())
	}
	return errors.Join(append(errs, poolErr, s.cg.Close())...)
}

// Gateway is the host's address as the environments with egress see it
// (their default route), and false without egress.
func (s *Sandbox) Gateway() (netip.Addr, bool) {
	if s.net == nil {
		return netip.Addr{}, false
	}
	return s.net.gw, true
}

// ListenGateway listens on the gateway address at port (0: any) and lets
// environments with egress connect to it: the one hole in the firewall
// between them and the host, meant for Lambent's own API. It fails
// without egress.
func (s *Sandbox) ListenGateway(port int) (net.Listener, error) {
	if s.net == nil {
		return nil, errors.New("linux sandbox: no egress, so no gateway")
	}
	return s.net.listenGateway(port)
}

func (s *Sandbox) track(e *env, live bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if live {
		s.envs[e] = struct{}{}
	} else {
		delete(s.envs, e)
	}
}

// Create prepares an environment: its cgroup, its /tmp device, and the
// sandbox init, started in new namespaces, placed in the cgroup and
// blocked on its config pipe until Start.
func (s *Sandbox) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Env, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !validID(spec.ID) {
		return nil, fmt.Errorf("create environment: invalid id %q", spec.ID)
	}
	e := &env{s: s, spec: spec, dir: filepath.Join(s.cfg.Dir, spec.ID), initProc: newInitProc(), done: make(chan struct{})}
	if err := os.Mkdir(e.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create environment dir: %w", err)
	}
	s.track(e, true)
	if err := e.create(); err != nil {
		_ = e.Destroy()
		return nil, fmt.Errorf("create environment: %w", err)
	}
	return e, nil
}

// validID accepts one safe path component.
func validID(id string) bool {
	if id == "" || len(id) > 128 || id == "." || id == ".." {
		return false
	}
	return !strings.ContainsAny(id, "/\x00")
}

// limits applies the defaults to a Spec's limits.
func (s *Sandbox) limits(l sandbox.Limits) (memMB, tmpMB int, cl cgroupLimits) {
	memMB, tmpMB = l.MemoryMB, l.EphemeralMB
	if memMB <= 0 {
		memMB = 128
	}
	if tmpMB <= 0 {
		tmpMB = 512
	}
	cl = cgroupLimits{MemoryBytes: int64(memMB) << 20, Pids: l.Pids, CPUShares: max(2, memMB*1024/1769)}
	if cl.Pids <= 0 {
		cl.Pids = s.cfg.Pids
	}
	if s.disk == nil { // tmpfs pages are charged to the environment
		cl.MemoryBytes += int64(tmpMB) << 20
	}
	return memMB, tmpMB, cl
}

// binds lists the read-only binds of an environment: code, runtime
// clients and the runtime's base image.
func (s *Sandbox) binds(spec sandbox.Spec) ([]sandboxinit.Bind, error) {
	b := []sandboxinit.Bind{
		{Source: spec.CodeDir, Target: "/var/task"},
		{Source: spec.RuntimeDir, Target: "/var/runtime"},
	}
	if spec.RootImage == "" {
		return b, nil
	}
	s.mu.Lock()
	img, ok := s.images[spec.RootImage]
	s.mu.Unlock()
	if !ok {
		var err error
		if img, err = imageBinds(spec.RootImage); err != nil {
			return nil, fmt.Errorf("root image: %w", err)
		}
		s.mu.Lock()
		s.images[spec.RootImage] = img
		s.mu.Unlock()
	}
	return append(b, img...), nil
}

// initOwned are the root's top-level directories the init makes itself;
// an image's entries go inside them, one level down. initEtc are the /etc
// files it writes.
var (
	initOwned = map[string]bool{"etc": true, "var": true, "opt": true, "proc": true, "dev": true, "tmp": true, "sys": true}
	initEtc   = map[string]bool{"passwd": true, "group": true, "hosts": true, "resolv.conf": true, "nsswitch.conf": true}
)

// imageBinds binds each top-level entry of a root image at the same path
// (a symlink such as a usr-merged /lib becomes the same symlink), and the
// entries of its etc, var and opt inside the init's own directories,
// except the files the init writes and the code and runtime mounts.
func imageBinds(image string) ([]sandboxinit.Bind, error) {
	top, err := os.ReadDir(image)
	if err != nil {
		return nil, err
	}
	var b []sandboxinit.Bind
	for _, e := range top {
		name := e.Name()
		if !initOwned[name] {
			b = append(b, sandboxinit.Bind{Source: filepath.Join(image, name), Target: "/" + name})
			continue
		}
		if name != "etc" && name != "var" && name != "opt" || !e.IsDir() {
			continue
		}
		sub, err := os.ReadDir(filepath.Join(image, name))
		if err != nil {
			return nil, err
		}
		for _, se := range sub {
			n := se.Name()
			if name == "etc" && initEtc[n] || name == "var" && (n == "task" || n == "runtime") {
				continue
			}
			b = append(b, sandboxinit.Bind{Source: filepath.Join(image, name, n), Target: "/" + name + "/" + n})
		}
	}
	return b, nil
}

// initCommand is the sandbox init's command: /proc/self/exe sandbox-init
// with an empty environment, in new mount, pid, ipc, uts and network
// namespaces, its own session, SIGKILL on parent death, and a pidfd. Its
// stdout and stderr are /dev/null until Start passes the Spec's Output
// with the config (the init may be started before the Spec exists).
func (s *Sandbox) initCommand(p *initProc, cfgR, statusW *os.File) *exec.Cmd {
	cmd := &exec.Cmd{
		Path:       s.cfg.InitPath,
		Args:       []string{"lambent", sandboxinit.Arg},
		Env:        []string{},
		Dir:        "/",
		ExtraFiles: []*os.File{cfgR, statusW},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC |
				syscall.CLONE_NEWUTS | syscall.CLONE_NEWNET,
			Setsid:    true,
			Pdeathsig: syscall.SIGKILL,
			PidFD:     &p.pidfd,
		},
	}
	if fd, ok := p.cg.PlacementFD(); ok {
		cmd.SysProcAttr.UseCgroupFD = true
		cmd.SysProcAttr.CgroupFD = fd
	}
	return cmd
}

// removeAll removes an environment's directory; a missing one is fine.
func removeAll(dir string) error {
	if err := os.RemoveAll(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove environment dir: %w", err)
	}
	return nil
}
