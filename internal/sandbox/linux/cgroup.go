package linux

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// parentName is the cgroup, below Lambent's own in every hierarchy, that
// holds one child per sandbox instance (named by ownerName), which holds
// one child per environment.
const parentName = "lambent"

// cgroupLimits are what an environment's cgroup enforces.
type cgroupLimits struct {
	MemoryBytes int64
	Pids        int
	// CPUShares is the v1 cpu.shares value (1024 = one default share);
	// v2 maps it onto cpu.weight.
	CPUShares int
}

// cgroupDriver is the subset of cgroup behaviour the sandbox needs; v1 and
// v2 implement it.
type cgroupDriver interface {
	// Create makes an environment's cgroup and applies l before any
	// process exists.
	Create(envID string, l cgroupLimits) (envCgroup, error)
	// Close removes the instance's (now empty) cgroups.
	Close() error
}

// envCgroup is one environment's cgroup.
type envCgroup interface {
	// SetLimits applies l to a cgroup that may already hold a process
	// (a pooled environment's init, blocked before running anything).
	SetLimits(l cgroupLimits) error
	// PlacementFD is the fd for SysProcAttr.CgroupFD on v2; v1 has none
	// and places with Join.
	PlacementFD() (fd int, ok bool)
	// Join moves pid (the whole thread group) into the cgroup (v1).
	Join(pid int) error
	Freeze(ctx context.Context) error
	Thaw() error
	// Kill SIGKILLs every process in the cgroup and waits until it is
	// empty.
	Kill(ctx context.Context) error
	// Destroy removes the cgroup; its processes must be gone.
	Destroy() error
	// PeakMemory is the highest memory use recorded, in bytes.
	PeakMemory() int64
	// OOMKills counts the processes the kernel's OOM killer killed here.
	OOMKills() int64
}

// cgroupMode is how the host mounts cgroups.
type cgroupMode int

const (
	cgroupLegacy  cgroupMode = iota // v1 only
	cgroupHybrid                    // v1 controllers plus an empty cgroup2 mount: treated as v1
	cgroupUnified                   // v2 only
)

const cgroupRoot = "/sys/fs/cgroup"

// detectCgroupMode follows containerd/cgroups' Mode().
func detectCgroupMode() (cgroupMode, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(cgroupRoot, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", cgroupRoot, err)
	}
	if st.Type == unix.CGROUP2_SUPER_MAGIC {
		return cgroupUnified, nil
	}
	if err := unix.Statfs(filepath.Join(cgroupRoot, "unified"), &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return cgroupHybrid, nil
	}
	return cgroupLegacy, nil
}

// newCgroupDriver detects the host's cgroup mode and returns its driver,
// creating this instance's cgroups.
func newCgroupDriver(owner string) (cgroupDriver, error) {
	mode, err := detectCgroupMode()
	if err != nil {
		return nil, err
	}
	if mode == cgroupUnified {
		return newV2(cgroupRoot, owner, true)
	}
	return newV1(owner)
}

// ownerName names this sandbox instance's cgroup: the pid and start time
// of the process, so CleanupLeftovers can tell a dead owner from a live
// one, and a random part, since one process may hold several instances.
func ownerName() (string, error) {
	start, err := processStart(os.Getpid())
	if err != nil {
		return "", err
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%d.%d.%s", os.Getpid(), start, hex.EncodeToString(b[:])), nil
}

// ownerAlive reports whether the process that named an instance cgroup
// still runs. Unparsable names count as alive: not ours to remove.
func ownerAlive(name string) bool {
	parts := strings.Split(name, ".")
	if len(parts) != 3 {
		return true
	}
	pid, err1 := strconv.Atoi(parts[0])
	start, err2 := strconv.ParseUint(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return true
	}
	got, err := processStart(pid)
	return err == nil && got == start
}

// processStart reads the start time (field 22 of /proc/PID/stat, in clock
// ticks since boot) of pid.
func processStart(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after the last
	// ')' are space-separated, starting with field 3.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, errors.New("malformed stat")
	}
	return strconv.ParseUint(f[19], 10, 64)
}

// ownCgroups parses /proc/self/cgroup into controller → path; the v2 entry
// is under the key "".
func ownCgroups() (map[string]string, error) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			out[c] = parts[2]
		}
	}
	return out, sc.Err()
}

// writeFile writes a cgroup control file.
func writeFile(dir, name, value string) error {
	if err := os.WriteFile(filepath.Join(dir, name), []byte(value), 0); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

func readFile(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	return strings.TrimSpace(string(b)), err
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readInt reads a control file holding one integer; 0 when unreadable.
func readInt(dir, name string) int64 {
	s, err := readFile(dir, name)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// keyedInt reads "key value" lines (memory.events, memory.oom_control,
// cgroup.events) and returns key's value; 0 when absent.
func keyedInt(dir, name, key string) int64 {
	s, err := readFile(dir, name)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(line, key+" "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// pidsOf lists the processes of a cgroup.
func pidsOf(dir string) ([]int, error) {
	s, err := readFile(dir, "cgroup.procs")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(s) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// mkdirCgroup creates dir; an existing directory is fine.
func mkdirCgroup(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// rmdirCgroup removes an empty cgroup, retrying while the kernel still
// counts exiting tasks; a missing cgroup is fine.
func rmdirCgroup(ctx context.Context, dir string) error {
	for {
		err := unix.Rmdir(dir)
		if err == nil || errors.Is(err, syscall.ENOENT) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) {
			return fmt.Errorf("remove cgroup %s: %w", dir, err)
		}
		if err := pause(ctx); err != nil {
			return fmt.Errorf("remove cgroup %s: %w", dir, unix.EBUSY)
		}
	}
}

// pause waits a moment while polling cgroup state, or fails when ctx ends.
func pause(ctx context.Context) error {
	t := time.NewTimer(200 * time.Microsecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// removeTree removes a cgroup directory and its descendants (deepest
// first) after killing their processes with kill.
func removeTree(ctx context.Context, dir string, kill func(ctx context.Context, dir string) error) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if e.IsDir() {
			errs = append(errs, removeTree(ctx, filepath.Join(dir, e.Name()), kill))
		}
	}
	errs = append(errs, kill(ctx, dir), rmdirCgroup(ctx, dir))
	return errors.Join(errs...)
}
