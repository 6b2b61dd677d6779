package linux

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"lambent/internal/sandbox"
)

// fromPool reports whether env was taken from the pool: pooled cgroups
// keep their pool name.
func fromPool(e sandbox.Env) bool {
	for _, p := range e.(*env).cg.(interface{ paths() []string }).paths() {
		return strings.HasPrefix(filepath.Base(p), "pool-")
	}
	return false
}

// TestPooledEnvironment takes an environment from a full pool: the
// function's limits replace the pool's, the output reaches Spec.Output,
// the /tmp image was attached ahead, and the pool refills.
func TestPooledEnvironment(t *testing.T) {
	sb := newSandbox(t, Config{})
	waitPoolFull(t, sb)
	out := newOutput(t)
	sbEnv := envFor(t, sb, "pooled", sandbox.Limits{MemoryMB: 1024, Pids: 64}, out)
	if !fromPool(sbEnv) {
		t.Fatal("environment not taken from the full pool")
	}
	e := sbEnv.(*env)
	if sb.disk != nil && e.loop == nil {
		t.Error("no /tmp image attached")
	}
	if cg, ok := e.cg.(*v1Cgroup); ok {
		files := map[string]string{
			filepath.Join(cg.dirs["memory"], "memory.limit_in_bytes"): fmt.Sprint(1024 << 20),
			filepath.Join(cg.dirs["pids"], "pids.max"):                "64",
		}
		if cg.dirs["cpu"] != "" { // the pool's minimum weight is replaced
			files[filepath.Join(cg.dirs["cpu"], "cpu.shares")] = fmt.Sprint(1024 * 1024 / 1769)
		}
		for file, want := range files {
			if b, err := os.ReadFile(file); err != nil || strings.TrimSpace(string(b)) != want {
				t.Errorf("%s = %q (%v), want %s", file, b, err, want)
			}
		}
	}
	runProbeIn(t, sbEnv, nil, "exit", "0")
	if err := sbEnv.ExitError(); err != nil {
		t.Fatalf("ExitError = %v\n%s", err, out)
	}
	for _, line := range []string{"stdout line", "stderr line"} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	waitPoolFull(t, sb)
}

// TestPoolSkipsDeadInit kills every pooled init: Create must notice and
// start its environment itself.
func TestPoolSkipsDeadInit(t *testing.T) {
	sb := newSandbox(t, Config{Pool: 1})
	waitPoolFull(t, sb)
	sb.pool.mu.Lock()
	inits := append([]*initProc(nil), sb.pool.inits...)
	sb.pool.mu.Unlock()
	for _, ip := range inits {
		if err := unix.PidfdSendSignal(ip.pidfd, unix.SIGKILL, nil, 0); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ip.exited:
		case <-time.After(10 * time.Second):
			t.Fatal("killed init not reaped")
		}
	}
	out := newOutput(t)
	env := envFor(t, sb, "after-dead", sandbox.Limits{}, out)
	if fromPool(env) {
		t.Fatal("Create took a dead init from the pool")
	}
	runProbeIn(t, env, nil, "exit", "0")
	if err := env.ExitError(); err != nil {
		t.Fatalf("ExitError = %v\n%s", err, out)
	}
}

// TestPoolDisabled: a negative Pool keeps nothing ahead.
func TestPoolDisabled(t *testing.T) {
	sb := newSandbox(t, Config{Pool: -1})
	if !sb.pool.full() || sb.cfg.Pool != 0 {
		t.Fatalf("pool of %d", sb.cfg.Pool)
	}
	env := envFor(t, sb, "nopool", sandbox.Limits{}, newOutput(t))
	if fromPool(env) {
		t.Fatal("environment from a disabled pool")
	}
}
