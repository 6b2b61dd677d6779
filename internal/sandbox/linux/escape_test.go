package linux

import (
	"encoding/json"
	"errors"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lambent/internal/runtimes"
	"lambent/internal/sandbox"
)

// TestEscape runs the probe inside an environment and checks every row of
// the threat checklist (design doc §4) that a process can test on itself.
// It runs in an environment Create started itself and in one taken from
// the pool of pre-started environments.
func TestEscape(t *testing.T) {
	t.Run("direct", func(t *testing.T) { testEscape(t, newSandbox(t, Config{Pool: -1}), false) })
	t.Run("pooled", func(t *testing.T) {
		sb := newSandbox(t, Config{})
		waitPoolFull(t, sb)
		testEscape(t, sb, true)
	})
}

func testEscape(t *testing.T, sb *Sandbox, pooled bool) {
	hostLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer hostLn.Close()
	go func() {
		for {
			c, err := hostLn.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dataDir := t.TempDir()
	if err := os.WriteFile(dataDir+"/secret", []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(hostLn.Addr().(*net.TCPAddr).Port)
	out := newOutput(t)
	env := envFor(t, sb, "escape", sandbox.Limits{}, out)
	if got := fromPool(env); got != pooled {
		t.Fatalf("environment from the pool: %v, want %v", got, pooled)
	}
	runProbeIn(t, env, []string{"PATH=/usr/bin:/bin"}, "escape", strconv.Itoa(os.Getpid()), dataDir, port)
	r := out.report(t)
	for _, k := range sortedKeys(r) {
		t.Logf("%-18s %s", k, r[k])
	}
	exact := map[string]string{
		"getpid":          "1", // the runtime is PID 1 of its namespace
		"pids":            "1", // and sees no host process
		"kill_host_pid":   "ESRCH",
		"read_shadow":     "ENOENT",
		"read_data_dir":   "ENOENT",
		"stat_sys":        "ENOENT",
		"write_task":      "EROFS",
		"write_root":      "EROFS",
		"write_usr":       "EROFS",
		"write_etc":       "EROFS",
		"write_runtime":   "EROFS",
		"write_dev":       "EROFS",
		"write_tmp":       "ok",
		"mount":           "EPERM",
		"unshare_user":    "EPERM",
		"unshare_net":     "EPERM",
		"setns":           "EPERM",
		"ptrace":          "EPERM",
		"bpf":             "EPERM",
		"io_uring_setup":  "EPERM",
		"keyctl":          "EPERM",
		"perf_event_open": "EPERM",
		"clone3":          "ENOSYS", // so that glibc falls back to clone
		"clone_newns":     "EPERM",
		"socket_packet":   "EPERM",
		"socket_raw":      "EPERM",
		"mknod":           "EPERM",
		"host_tcp":        "ECONNREFUSED", // the host's loopback is another namespace's
		"outbound_tcp":    "ENETUNREACH",
		"block_devices":   "",
		"open_vda":        "ENOENT",
		"open_sda":        "ENOENT",
		"fds":             "0,1,2",
		"Uid":             "993 993 993 993",
		"Gid":             "990 990 990 990",
		"Groups":          "",
		"CapInh":          "0000000000000000",
		"CapPrm":          "0000000000000000",
		"CapEff":          "0000000000000000",
		"CapBnd":          "0000000000000000",
		"CapAmb":          "0000000000000000",
		"NoNewPrivs":      "1",
		"Seccomp":         "2",
	}
	for k, want := range exact {
		if got, ok := r[k]; !ok || got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// The root image holds the probe's libraries, not the host's /usr.
	for _, p := range outsideImage {
		if _, err := os.Lstat(p); err == nil && r["stat "+p] != "ENOENT" {
			t.Errorf("host path %s: %q inside, want ENOENT", p, r["stat "+p])
		}
	}
	if got := r["kcore_bytes"]; got != "0" && got != "ENOENT" { // masked, or not built in
		t.Errorf("/proc/kcore = %q, want masked", got)
	}
	// Only /tmp, /proc (nosuid,nodev,noexec), the six device binds and the
	// /dev/null binds masking /proc files are writable.
	allowed := map[string]bool{"/tmp": true, "/proc": true}
	for _, d := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		allowed["/dev/"+d] = true
	}
	for _, m := range []string{"kcore", "keys", "latency_stats", "timer_list", "timer_stats", "sched_debug", "sysrq-trigger"} {
		allowed["/proc/"+m] = true // /dev/null binds
	}
	for _, m := range strings.Split(r["writable_mounts"], ",") {
		if !allowed[m] {
			t.Errorf("%s is mounted writable", m)
		}
	}
	if got := r["write_proc_sys"]; got != "EROFS" && got != "EACCES" {
		t.Errorf("write /proc/sys/kernel/core_pattern = %q, want EROFS or EACCES", got)
	}
	if n, _ := strconv.Atoi(r["threads"]); n < 9 {
		t.Errorf("threads = %q, want at least 9 (thread creation works)", r["threads"])
	}
	if !regexp.MustCompile(`^169\.254\.\d+\.\d+$`).MatchString(r["hostname"]) {
		t.Errorf("hostname = %q, want 169.254.x.y", r["hostname"])
	}
}

// TestPthreadsWithGlibc checks that a glibc program creates threads: glibc
// tries clone3 first and falls back to clone only on ENOSYS.
func TestPthreadsWithGlibc(t *testing.T) {
	sb := newSandbox(t, Config{})
	rt, img := runtimeImage(t, runtimes.FamilyPython)
	out := newOutput(t)
	env := envWith(t, sb, sandbox.Spec{ID: "pthread", Output: out.f, RootImage: img})
	script := "import threading\nts=[threading.Thread(target=lambda: None) for _ in range(8)]\n" +
		"[t.start() for t in ts]\n[t.join() for t in ts]\nprint('threads ok', threading.active_count())\n"
	if err := env.Start([]string{rt.Interpreter, "-S", "-c", script}, nil); err != nil {
		t.Fatalf("Start: %v", err)
	}
	waitDone(t, env, 30*time.Second)
	if err := env.ExitError(); err != nil || !strings.Contains(out.String(), "threads ok") {
		t.Fatalf("python threads: %v\n%s", err, out)
	}
}

// TestRuntimeImages runs the host's Python and Node.js from their base
// images: TLS, JSON and HTTP clients load, the CA bundle is readable, and
// the host's packages and other files are not there.
func TestRuntimeImages(t *testing.T) {
	tests := []struct {
		family runtimes.Family
		args   []string
	}{
		{runtimes.FamilyPython, []string{"-c", `
import ssl, json, urllib.request, os, sys
n = ssl.create_default_context().cert_store_stats()["x509_ca"]
host = [p for p in ("/usr/lib/python3/dist-packages", "/usr/share/doc", "/usr/bin/apt") if os.path.exists(p)]
site = [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p) and os.listdir(p)]
print("RESULT", json.dumps({"cas": n, "host": host, "site": site}))
`}},
		{runtimes.FamilyNode, []string{"-e", `
require('https');
const fs = require('fs');
const n = fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8').split('BEGIN CERTIFICATE').length - 1;
const host = ['/usr/share/doc', '/usr/bin/apt', '/usr/lib/node_modules'].filter(p => fs.existsSync(p));
console.log('RESULT', JSON.stringify({cas: n, host, site: []}));
`}},
	}
	sb := newSandbox(t, Config{})
	for _, tt := range tests {
		t.Run(string(tt.family), func(t *testing.T) {
			rt, img := runtimeImage(t, tt.family)
			out := newOutput(t)
			env := envWith(t, sb, sandbox.Spec{ID: "image-" + string(tt.family), Output: out.f, RootImage: img})
			if err := env.Start(append([]string{rt.Interpreter}, tt.args...), []string{"LANG=en_US.UTF-8"}); err != nil {
				t.Fatalf("Start: %v", err)
			}
			waitDone(t, env, 60*time.Second)
			_, line, ok := strings.Cut(out.String(), "RESULT ")
			if err := env.ExitError(); err != nil || !ok {
				t.Fatalf("%s: %v\n%s", rt.Interpreter, err, out)
			}
			t.Logf("%s: %s", rt.Interpreter, strings.TrimSpace(line))
			var r struct {
				CAs  int      `json:"cas"`
				Host []string `json:"host"`
				Site []string `json:"site"`
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &r); err != nil {
				t.Fatalf("result %q: %v", line, err)
			}
			if r.CAs == 0 || len(r.Host) > 0 || len(r.Site) > 0 {
				t.Errorf("%d CA certificates (want some); host paths visible: %v; non-empty package dirs: %v", r.CAs, r.Host, r.Site)
			}
		})
	}
}

func TestForkBombStopsAtPidsLimit(t *testing.T) {
	sb := newSandbox(t, Config{})
	out := newOutput(t)
	env := envFor(t, sb, "forkbomb", sandbox.Limits{Pids: 64}, out)
	runProbeIn(t, env, nil, "forkbomb", "200")
	r := out.report(t)
	t.Logf("fork bomb: %v", r)
	if n, _ := strconv.Atoi(r["started"]); n >= 64 || r["error"] != "EAGAIN" {
		t.Errorf("fork bomb started %s processes and stopped with %s; want fewer than 64 and EAGAIN", r["started"], r["error"])
	}
}

func TestOutOfMemoryIsKilledAndDetected(t *testing.T) {
	sb := newSandbox(t, Config{})
	out := newOutput(t)
	env := envFor(t, sb, "oom", sandbox.Limits{MemoryMB: 128}, out)
	runProbeIn(t, env, nil, "oom", "512")
	err := env.ExitError()
	if !errors.Is(err, sandbox.ErrOutOfMemory) {
		t.Fatalf("ExitError = %v, want ErrOutOfMemory\n%s", err, out)
	}
	var ee interface{ ExitCode() int }
	if !errors.As(err, &ee) {
		t.Errorf("ExitError %v does not carry the exit status", err)
	}
	if strings.Contains(out.String(), "allocated all") {
		t.Errorf("probe allocated 512 MiB in a 128 MiB environment")
	}
	if peak := env.PeakMemoryBytes(); peak > 130<<20 {
		t.Errorf("PeakMemoryBytes = %d, above the 128 MiB limit", peak)
	}
}

func TestTmpFillsUpAtEphemeralSize(t *testing.T) {
	tests := []struct {
		name   string
		tmp    TmpStorage
		sizeMB int
		memory int
		fstype string
	}{
		{"disk", TmpDisk, 512, 128, "ext4"},
		{"memory", TmpMemory, 64, 128, "tmpfs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := newSandbox(t, Config{Tmp: tt.tmp})
			out := newOutput(t)
			env := envFor(t, sb, "fill-"+tt.name, sandbox.Limits{MemoryMB: tt.memory, EphemeralMB: tt.sizeMB}, out)
			runProbeIn(t, env, nil, "fill")
			if err := env.ExitError(); err != nil {
				t.Fatalf("probe: %v\n%s", err, out)
			}
			r := out.report(t)
			t.Logf("fill: %v", r)
			written, _ := strconv.ParseFloat(r["written"], 64)
			size := float64(tt.sizeMB << 20)
			if r["error"] != "ENOSPC" || r["fstype"] != tt.fstype || written < 0.97*size || written > 1.03*size {
				t.Errorf("filling /tmp wrote %.0f bytes (%.3f of %d MiB) on %s and stopped with %s; want ENOSPC on %s within 3%%",
					written, written/size, tt.sizeMB, r["fstype"], r["error"], tt.fstype)
			}
		})
	}
}
