package linux

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lambent/internal/sandbox"
	"lambent/internal/testenv"
)

func TestOwnerAlive(t *testing.T) {
	self, err := ownerName()
	if err != nil {
		t.Fatal(err)
	}
	start, _ := processStart(os.Getpid())
	tests := []struct {
		name string
		want bool
	}{
		{self, true},
		{fmt.Sprintf("%d.%d.00000000", os.Getpid(), start+1), false}, // pid reused by another process
		{"999999999.1.deadbeef", false},                              // no such pid
		{"not-ours", true},                                           // not named by us: left alone
		{"1.x.y", true},
	}
	for _, tt := range tests {
		if got := ownerAlive(tt.name); got != tt.want {
			t.Errorf("ownerAlive(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSharesToWeight(t *testing.T) {
	tests := []struct{ shares, weight int }{{2, 1}, {1024, 39}, {262144, 10000}}
	for _, tt := range tests {
		if got := sharesToWeight(tt.shares); got != tt.weight {
			t.Errorf("sharesToWeight(%d) = %d, want %d", tt.shares, got, tt.weight)
		}
	}
}

func TestLimitsDefaults(t *testing.T) {
	s := &Sandbox{cfg: Config{Pids: 1024}, disk: &diskTmp{}}
	mem, tmp, cl := s.limits(sandbox.Limits{})
	if mem != 128 || tmp != 512 || cl.MemoryBytes != 128<<20 || cl.Pids != 1024 || cl.CPUShares != 74 {
		t.Errorf("defaults: mem %d tmp %d cgroup %+v", mem, tmp, cl)
	}
	s.disk = nil // tmpfs /tmp is charged to memory: the limit grows by its size
	if _, _, cl := s.limits(sandbox.Limits{MemoryMB: 1769, EphemeralMB: 1024, Pids: 10}); cl.MemoryBytes != (1769+1024)<<20 ||
		cl.Pids != 10 || cl.CPUShares != 1024 {
		t.Errorf("tmpfs limits: %+v", cl)
	}
}

// TestCleanupLeftovers fakes a crashed Lambent: an instance cgroup named
// after a dead process, holding an environment with a live process.
// CleanupLeftovers must kill it and remove the cgroups, and leave a live
// instance alone.
func TestCleanupLeftovers(t *testing.T) {
	testenv.RequireRoot(t)
	dead, err := newCgroupDriver("999999999.1.deadbeef")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = dead.Close() })
	liveOwner, _ := ownerName()
	live, err := newCgroupDriver(liveOwner)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = live.Close() })
	limits := cgroupLimits{MemoryBytes: 64 << 20, Pids: 16, CPUShares: 100}
	deadCg, err := dead.Create("env1", limits)
	if err != nil {
		t.Fatal(err)
	}
	liveCg, err := live.Create("env1", limits)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = liveCg.Destroy() })
	sleep := exec.Command("/bin/sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- sleep.Wait() }()
	if err := deadCg.Join(sleep.Process.Pid); err != nil {
		t.Fatal(err)
	}
	n, err := CleanupLeftovers()
	if err != nil {
		t.Fatalf("CleanupLeftovers: %v", err)
	}
	if n < 1 {
		t.Errorf("CleanupLeftovers removed %d environments, want at least 1", n)
	}
	select {
	case err := <-exited:
		if err == nil {
			t.Error("leftover process exited cleanly instead of being killed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("leftover process still running")
	}
	for _, p := range deadCg.(interface{ paths() []string }).paths() {
		if _, err := os.Stat(filepath.Dir(p)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dead instance cgroup %s survived (%v)", filepath.Dir(p), err)
		}
	}
	for _, p := range liveCg.(interface{ paths() []string }).paths() {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("live instance cgroup %s removed: %v", p, err)
		}
	}
}

// TestCgroupV2Placement runs an environment on the cgroup2 mount of a
// hybrid host, where v2 has no memory or pids controller: it checks
// CLONE_INTO_CGROUP placement, freezing and cgroup.kill. v2 limits need a
// unified host.
func TestCgroupV2Placement(t *testing.T) {
	testenv.RequireRoot(t)
	if mode, _ := detectCgroupMode(); mode != cgroupHybrid {
		t.Skip("needs a hybrid cgroup host (on a unified host every test runs on v2)")
	}
	sb := newSandbox(t, Config{Pool: -1}) // pooled environments would be in v1 cgroups
	owner, _ := ownerName()
	v2drv, err := newV2(filepath.Join(cgroupRoot, "unified"), owner, false)
	if err != nil {
		t.Fatal(err)
	}
	v1drv := sb.cg
	sb.cg = v2drv
	t.Cleanup(func() { _ = v1drv.Close() })
	sbEnv := envFor(t, sb, "v2", sandbox.Limits{}, newOutput(t))
	if err := sbEnv.Start([]string{"/var/task/bootstrap", probeArg, "block"}, nil); err != nil {
		t.Fatalf("Start: %v", err)
	}
	e := sbEnv.(*env)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", e.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	want := "0::/" + parentName + "/" + owner + "/v2"
	if !strings.Contains(string(b), want+"\n") {
		t.Fatalf("runtime's cgroups:\n%s\nwant %s", b, want)
	}
	if err := e.cg.Freeze(t.Context()); err != nil {
		t.Fatalf("Freeze: %v", err)
	}
	if err := e.cg.Thaw(); err != nil {
		t.Fatalf("Thaw: %v", err)
	}
	dir := e.cg.(*v2Cgroup).dir
	if err := e.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cgroup %s survived Destroy", dir)
	}
}
