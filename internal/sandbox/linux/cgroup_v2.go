package linux

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// v2Controllers are enabled down to the environments' cgroups.
var v2Controllers = []string{"memory", "pids", "cpu"}

// v2 drives the unified hierarchy: environments are created straight into
// their cgroup with CLONE_INTO_CGROUP, killed with cgroup.kill.
type v2 struct {
	base    string   // <mount>/<own>/lambent/<owner>
	enabled []string // controllers available to the environments
}

// newV2 prepares <own>/lambent/<owner> in the hierarchy mounted at mount.
// strict requires the memory and pids controllers, which a hybrid host's
// cgroup2 mount lacks (tests use it there for placement, freeze and kill).
func newV2(mount, owner string, strict bool) (*v2, error) {
	ownDir, err := ownV2Dir(mount)
	if err != nil {
		return nil, err
	}
	avail, _ := readFile(ownDir, "cgroup.controllers")
	var enable []string
	for _, c := range v2Controllers {
		if slices.Contains(strings.Fields(avail), c) {
			enable = append(enable, c)
		}
	}
	if strict && (!slices.Contains(enable, "memory") || !slices.Contains(enable, "pids")) {
		return nil, fmt.Errorf("cgroup v2: memory and pids controllers are not available in %s (delegate them)", ownDir)
	}
	d := &v2{base: filepath.Join(ownDir, parentName, owner), enabled: enable}
	if len(enable) > 0 {
		if err := enableOwn(mount, ownDir, enable); err != nil {
			return nil, err
		}
	}
	if err := mkdirParents(d.base); err != nil {
		return nil, fmt.Errorf("create cgroup %s: %w", d.base, err)
	}
	for _, dir := range []string{filepath.Dir(d.base), d.base} {
		if err := enableControllers(dir, enable); err != nil {
			_ = d.Close()
			return nil, err
		}
	}
	return d, nil
}

// enableOwn enables the controllers in Lambent's own cgroup. The
// no-internal-processes rule forbids that while the cgroup holds
// processes, so Lambent first moves itself into the leaf <own>/supervisor
// (§3.4 of the design; under systemd, run with Delegate=yes).
func enableOwn(mount, ownDir string, enable []string) error {
	err := enableControllers(ownDir, enable)
	if err == nil || ownDir == mount || !errors.Is(err, syscall.EBUSY) {
		return err
	}
	leaf := filepath.Join(ownDir, "supervisor")
	if err := mkdirCgroup(leaf); err != nil {
		return fmt.Errorf("create supervisor cgroup: %w", err)
	}
	if err := writeFile(leaf, "cgroup.procs", strconv.Itoa(os.Getpid())); err != nil {
		return fmt.Errorf("move into supervisor cgroup: %w", err)
	}
	return enableControllers(ownDir, enable)
}

// ownV2Dir is Lambent's own cgroup directory; once Lambent has moved
// itself into <own>/supervisor, it is still <own>.
func ownV2Dir(mount string) (string, error) {
	own, err := ownCgroups()
	if err != nil {
		return "", fmt.Errorf("read own cgroups: %w", err)
	}
	p := own[""]
	if filepath.Base(p) == "supervisor" {
		p = filepath.Dir(p)
	}
	return filepath.Join(mount, p), nil
}

func enableControllers(dir string, list []string) error {
	if len(list) == 0 {
		return nil
	}
	v := "+" + strings.Join(list, " +")
	if err := writeFile(dir, "cgroup.subtree_control", v); err != nil {
		return fmt.Errorf("enable controllers in %s: %w", dir, err)
	}
	return nil
}

func (d *v2) Create(envID string, l cgroupLimits) (envCgroup, error) {
	dir := filepath.Join(d.base, envID)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cgroup: %w", err)
	}
	c := &v2Cgroup{dir: dir, fd: -1, enabled: d.enabled}
	if err := c.limit(l); err != nil {
		_ = c.Destroy()
		return nil, err
	}
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		_ = c.Destroy()
		return nil, fmt.Errorf("open cgroup: %w", err)
	}
	c.fd = fd
	return c, nil
}

func (d *v2) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := rmdirCgroup(ctx, d.base)
	_ = syscallRmdir(filepath.Dir(d.base))
	return err
}

// v2Cgroup is one environment's cgroup.
type v2Cgroup struct {
	dir     string
	fd      int
	enabled []string
}

func (c *v2Cgroup) SetLimits(l cgroupLimits) error { return c.limit(l) }

func (c *v2Cgroup) limit(l cgroupLimits) error {
	enabled := c.enabled
	var files [][2]string
	if slices.Contains(enabled, "memory") {
		files = append(files, [2]string{"memory.max", strconv.FormatInt(l.MemoryBytes, 10)},
			[2]string{"memory.swap.max", "0"}, [2]string{"memory.oom.group", "1"})
	}
	if slices.Contains(enabled, "pids") {
		files = append(files, [2]string{"pids.max", strconv.Itoa(l.Pids)})
	}
	if slices.Contains(enabled, "cpu") && l.CPUShares > 0 {
		files = append(files, [2]string{"cpu.weight", strconv.Itoa(sharesToWeight(l.CPUShares))})
	}
	for _, f := range files {
		if f[0] == "memory.swap.max" && !exists(filepath.Join(c.dir, f[0])) {
			continue // no swap accounting
		}
		if err := writeFile(c.dir, f[0], f[1]); err != nil {
			return err
		}
	}
	return nil
}

// sharesToWeight maps cpu.shares [2, 262144] onto cpu.weight [1, 10000]
// as runc does.
func sharesToWeight(shares int) int {
	return 1 + ((shares-2)*9999)/262142
}

func (c *v2Cgroup) PlacementFD() (int, bool) { return c.fd, c.fd >= 0 }

func (c *v2Cgroup) Join(pid int) error {
	return writeFile(c.dir, "cgroup.procs", strconv.Itoa(pid))
}

func (c *v2Cgroup) Freeze(ctx context.Context) error {
	if err := writeFile(c.dir, "cgroup.freeze", "1"); err != nil {
		return err
	}
	return waitEvent(ctx, c.dir, "frozen", 1)
}

func (c *v2Cgroup) Thaw() error { return writeFile(c.dir, "cgroup.freeze", "0") }

func (c *v2Cgroup) Kill(ctx context.Context) error { return killV2(ctx, c.dir) }

// killV2 uses cgroup.kill (kernel ≥ 5.14), or freeze → SIGKILL → thaw
// before that, and waits for "populated 0".
func killV2(ctx context.Context, dir string) error {
	if exists(filepath.Join(dir, "cgroup.kill")) {
		if err := writeFile(dir, "cgroup.kill", "1"); err != nil {
			return fmt.Errorf("kill environment: %w", err)
		}
	} else {
		fctx, cancel := context.WithTimeout(ctx, time.Second)
		_ = writeFile(dir, "cgroup.freeze", "1")
		_ = waitEvent(fctx, dir, "frozen", 1)
		cancel()
		pids, _ := pidsOf(dir)
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = writeFile(dir, "cgroup.freeze", "0")
	}
	return waitEvent(ctx, dir, "populated", 0)
}

// waitEvent polls cgroup.events until key has value.
func waitEvent(ctx context.Context, dir, key string, value int64) error {
	for {
		if !exists(filepath.Join(dir, "cgroup.events")) || keyedInt(dir, "cgroup.events", key) == value {
			return nil
		}
		if err := pause(ctx); err != nil {
			return fmt.Errorf("wait for %s %d: %w", key, value, err)
		}
	}
}

func (c *v2Cgroup) Destroy() error {
	if c.fd >= 0 {
		_ = unix.Close(c.fd)
		c.fd = -1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return rmdirCgroup(ctx, c.dir)
}

func (c *v2Cgroup) PeakMemory() int64 {
	if exists(filepath.Join(c.dir, "memory.peak")) {
		return readInt(c.dir, "memory.peak")
	}
	return readInt(c.dir, "memory.current")
}

func (c *v2Cgroup) OOMKills() int64 { return keyedInt(c.dir, "memory.events", "oom_kill") }

// cleanupV2 removes the cgroups of dead sandbox instances below mount.
func cleanupV2(ctx context.Context, mount string) (int, error) {
	ownDir, err := ownV2Dir(mount)
	if err != nil {
		return 0, err
	}
	parent := filepath.Join(ownDir, parentName)
	return cleanupParent(ctx, parent, killV2)
}

// paths lists the cgroup's directory.
func (c *v2Cgroup) paths() []string { return []string{c.dir} }

// paths lists the instance's cgroup directory.
func (d *v2) paths() []string { return []string{d.base} }
