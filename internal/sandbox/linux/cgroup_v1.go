package linux

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// v1Controllers are the hierarchies an environment joins (§3.3 of the
// design: joining all of them costs ~10 ms). cpu is optional.
var v1Controllers = []string{"memory", "pids", "freezer", "cpu"}

// v1 drives cgroup v1 (legacy and hybrid hosts).
type v1 struct {
	bases map[string]string // controller → <hierarchy>/<own>/lambent/<owner>
}

// v1Hierarchies maps each wanted controller to Lambent's own cgroup
// directory in that controller's hierarchy.
func v1Hierarchies() (map[string]string, error) {
	own, err := ownCgroups()
	if err != nil {
		return nil, fmt.Errorf("read own cgroups: %w", err)
	}
	mounts, err := v1Mounts()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range v1Controllers {
		m, ok := mounts[c]
		p, mine := own[c]
		if !ok || !mine {
			continue
		}
		rel := p
		if m.root != "/" {
			rel = strings.TrimPrefix(p, m.root)
		}
		out[c] = filepath.Join(m.dir, rel)
	}
	for _, c := range []string{"memory", "pids", "freezer"} {
		if out[c] == "" {
			return nil, fmt.Errorf("cgroup v1 controller %s is not mounted", c)
		}
	}
	return out, nil
}

type v1Mount struct{ dir, root string }

// v1Mounts finds the cgroup v1 mounts in /proc/self/mountinfo; some hosts
// co-mount controllers (cpu,cpuacct).
func v1Mounts() (map[string]v1Mount, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]v1Mount{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		sep := -1
		for i, fl := range fields {
			if fl == "-" {
				sep = i
				break
			}
		}
		if sep < 5 || sep+3 >= len(fields) || fields[sep+1] != "cgroup" {
			continue
		}
		for _, opt := range strings.Split(fields[sep+3], ",") {
			if _, seen := out[opt]; !seen {
				out[opt] = v1Mount{dir: fields[4], root: fields[3]}
			}
		}
	}
	return out, sc.Err()
}

func newV1(owner string) (*v1, error) {
	dirs, err := v1Hierarchies()
	if err != nil {
		return nil, err
	}
	d := &v1{bases: map[string]string{}}
	for c, dir := range dirs {
		base := filepath.Join(dir, parentName, owner)
		if err := mkdirParents(base); err != nil {
			_ = d.Close()
			return nil, fmt.Errorf("create cgroup %s: %w", base, err)
		}
		d.bases[c] = base
	}
	return d, nil
}

// mkdirParents creates base and its parent, retrying when another
// instance removed the shared parent in between.
func mkdirParents(base string) error {
	var err error
	for range 3 {
		if err = mkdirCgroup(filepath.Dir(base)); err != nil {
			return err
		}
		if err = mkdirCgroup(base); !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return err
}

func (d *v1) Create(envID string, l cgroupLimits) (envCgroup, error) {
	c := &v1Cgroup{dirs: map[string]string{}}
	for ctl, base := range d.bases {
		dir := filepath.Join(base, envID)
		if err := os.Mkdir(dir, 0o755); err != nil {
			_ = c.Destroy()
			return nil, fmt.Errorf("create cgroup: %w", err)
		}
		c.dirs[ctl] = dir
	}
	if err := c.limit(l); err != nil {
		_ = c.Destroy()
		return nil, err
	}
	return c, nil
}

func (d *v1) Close() error {
	var errs []error
	for _, base := range d.bases {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		errs = append(errs, rmdirCgroup(ctx, base))
		cancel()
		_ = syscallRmdir(filepath.Dir(base)) // shared by instances: only when empty
	}
	return errors.Join(errs...)
}

// v1Cgroup is one environment's directory in each hierarchy.
type v1Cgroup struct {
	dirs map[string]string
}

func (c *v1Cgroup) SetLimits(l cgroupLimits) error { return c.limit(l) }

func (c *v1Cgroup) limit(l cgroupLimits) error {
	mem := c.dirs["memory"]
	v := strconv.FormatInt(l.MemoryBytes, 10)
	// No swap: memory+swap equals memory, where swap accounting exists.
	// The memory limit may never exceed memory+swap, so a limit that
	// grows (a pooled cgroup's) raises memory+swap first.
	memsw := exists(filepath.Join(mem, "memory.memsw.limit_in_bytes"))
	if err := writeFile(mem, "memory.limit_in_bytes", v); err != nil {
		if !memsw || !errors.Is(err, syscall.EINVAL) {
			return err
		}
		if err := writeFile(mem, "memory.memsw.limit_in_bytes", v); err != nil {
			return err
		}
		if err := writeFile(mem, "memory.limit_in_bytes", v); err != nil {
			return err
		}
	}
	if memsw {
		if err := writeFile(mem, "memory.memsw.limit_in_bytes", v); err != nil {
			return err
		}
	}
	if err := writeFile(c.dirs["pids"], "pids.max", strconv.Itoa(l.Pids)); err != nil {
		return err
	}
	if cpu := c.dirs["cpu"]; cpu != "" && l.CPUShares > 0 {
		return writeFile(cpu, "cpu.shares", strconv.Itoa(l.CPUShares))
	}
	return nil
}

func (c *v1Cgroup) PlacementFD() (int, bool) { return -1, false }

// Join writes pid to cgroup.procs of every hierarchy. The child is
// blocked on its config pipe meanwhile, so it never runs unconfined.
func (c *v1Cgroup) Join(pid int) error {
	for _, ctl := range v1Controllers {
		if dir := c.dirs[ctl]; dir != "" {
			if err := writeFile(dir, "cgroup.procs", strconv.Itoa(pid)); err != nil {
				return fmt.Errorf("join %s cgroup: %w", ctl, err)
			}
		}
	}
	return nil
}

func (c *v1Cgroup) Freeze(ctx context.Context) error { return freezeV1(ctx, c.dirs["freezer"]) }
func (c *v1Cgroup) Thaw() error                      { return writeFile(c.dirs["freezer"], "freezer.state", "THAWED") }

func freezeV1(ctx context.Context, dir string) error {
	if err := writeFile(dir, "freezer.state", "FROZEN"); err != nil {
		return err
	}
	for {
		if s, err := readFile(dir, "freezer.state"); err != nil || s == "FROZEN" {
			return err
		}
		if err := pause(ctx); err != nil {
			return fmt.Errorf("freeze: %w", err)
		}
	}
}

// Kill freezes the environment, SIGKILLs each process, thaws it so the
// signals are delivered, and waits until every hierarchy is empty.
func (c *v1Cgroup) Kill(ctx context.Context) error {
	if err := killV1(ctx, c.dirs["freezer"]); err != nil {
		return err
	}
	for _, dir := range c.dirs {
		if err := waitEmpty(ctx, dir); err != nil {
			return err
		}
	}
	return nil
}

// killV1 is freeze → SIGKILL each pid → thaw on a freezer cgroup (v1 has
// no cgroup.kill). Frozen processes cannot fork in between.
func killV1(ctx context.Context, freezer string) error {
	fctx, cancel := context.WithTimeout(ctx, time.Second)
	_ = freezeV1(fctx, freezer) // a task stuck in the kernel must not stop the kill
	cancel()
	pids, err := pidsOf(freezer)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	if terr := writeFile(freezer, "freezer.state", "THAWED"); terr != nil && !errors.Is(terr, fs.ErrNotExist) {
		return fmt.Errorf("kill environment: %w", terr)
	}
	if err != nil {
		return fmt.Errorf("kill environment: list processes: %w", err)
	}
	return waitEmpty(ctx, freezer)
}

// waitEmpty polls cgroup.procs until the cgroup holds no process.
func waitEmpty(ctx context.Context, dir string) error {
	for {
		pids, err := pidsOf(dir)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && len(pids) == 0) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := pause(ctx); err != nil {
			return fmt.Errorf("wait for cgroup %s to empty: %w", dir, err)
		}
	}
}

func (c *v1Cgroup) Destroy() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, dir := range c.dirs {
		errs = append(errs, rmdirCgroup(ctx, dir))
	}
	return errors.Join(errs...)
}

func (c *v1Cgroup) PeakMemory() int64 { return readInt(c.dirs["memory"], "memory.max_usage_in_bytes") }
func (c *v1Cgroup) OOMKills() int64 {
	return keyedInt(c.dirs["memory"], "memory.oom_control", "oom_kill")
}

// cleanupV1 removes the cgroups of dead sandbox instances in every v1
// hierarchy: freezer first, where the kill happens.
func cleanupV1(ctx context.Context) (int, error) {
	dirs, err := v1Hierarchies()
	if err != nil {
		return 0, err
	}
	kill := func(ctx context.Context, dir string) error {
		if exists(filepath.Join(dir, "freezer.state")) {
			return killV1(ctx, dir)
		}
		if pids, err := pidsOf(dir); err == nil { // not in a freezer cgroup
			for _, pid := range pids {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		return waitEmpty(ctx, dir)
	}
	n := 0
	var errs []error
	for _, ctl := range []string{"freezer", "memory", "pids", "cpu"} { // freezer first: it kills
		if dirs[ctl] == "" {
			continue
		}
		k, err := cleanupParent(ctx, filepath.Join(dirs[ctl], parentName), kill)
		if ctl == "freezer" { // every hierarchy holds the same environments
			n = k
		}
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

// cleanupParent removes every dead owner's subtree of a "lambent" cgroup,
// then the parent itself when it is empty. It returns how many
// environment cgroups it removed.
func cleanupParent(ctx context.Context, parent string, kill func(context.Context, string) error) (int, error) {
	owners, err := os.ReadDir(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, o := range owners {
		if !o.IsDir() || ownerAlive(o.Name()) {
			continue
		}
		dir := filepath.Join(parent, o.Name())
		if envs, err := os.ReadDir(dir); err == nil {
			for _, e := range envs {
				if e.IsDir() {
					n++
				}
			}
		}
		errs = append(errs, removeTree(ctx, dir, kill))
	}
	_ = syscallRmdir(parent)
	return n, errors.Join(errs...)
}

// syscallRmdir removes a directory that may legitimately be busy.
func syscallRmdir(dir string) error { return syscall.Rmdir(dir) }

// paths lists the cgroup's directories.
func (c *v1Cgroup) paths() []string {
	var out []string
	for _, d := range c.dirs {
		out = append(out, d)
	}
	return out
}

// paths lists the instance's cgroup directories.
func (d *v1) paths() []string {
	var out []string
	for _, b := range d.bases {
		out = append(out, b)
	}
	return out
}
