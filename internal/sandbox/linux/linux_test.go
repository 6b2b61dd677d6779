package linux

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lambent/internal/sandbox"
	"lambent/internal/sandbox/sandboxtest"
	"lambent/internal/testenv"
)

var _ sandbox.Env = (*env)(nil)

// TestContract runs the shared sandbox contract suite on the linux tier.
func TestContract(t *testing.T) {
	testenv.RequireRoot(t)
	sandboxtest.Run(t, func(t *testing.T) sandbox.Sandbox {
		return withImage{newSandbox(t, Config{}), probeImage(t)}
	})
}

func TestPaths(t *testing.T) {
	sb := newSandbox(t, Config{})
	env := envFor(t, sb, "paths", sandbox.Limits{}, newOutput(t))
	want := sandbox.Paths{TaskRoot: "/var/task", RuntimeDir: "/var/runtime", Tmp: "/tmp"}
	if got := env.Paths(); got != want {
		t.Fatalf("Paths = %+v, want %+v", got, want)
	}
}

func TestExitStatusAndOutput(t *testing.T) {
	sb := newSandbox(t, Config{})
	tests := []struct {
		code int
	}{{0}, {3}}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			out := newOutput(t)
			env := envFor(t, sb, fmt.Sprintf("exit-%d", tt.code), sandbox.Limits{}, out)
			runProbeIn(t, env, nil, "exit", fmt.Sprint(tt.code))
			err := env.ExitError()
			var ee interface{ ExitCode() int }
			switch {
			case tt.code == 0 && err != nil:
				t.Fatalf("ExitError = %v, want nil", err)
			case tt.code != 0 && (!errors.As(err, &ee) || ee.ExitCode() != tt.code):
				t.Fatalf("ExitError = %v, want exit status %d", err, tt.code)
			}
			if errors.Is(err, sandbox.ErrOutOfMemory) {
				t.Errorf("ExitError %v matches ErrOutOfMemory", err)
			}
			for _, line := range []string{"stdout line", "stderr line"} {
				if !strings.Contains(out.String(), line) {
					t.Errorf("output lacks %q:\n%s", line, out)
				}
			}
		})
	}
}

func TestEnvironmentIsExactlyWhatStartPasses(t *testing.T) {
	sb := newSandbox(t, Config{})
	out := newOutput(t)
	env := envFor(t, sb, "environ", sandbox.Limits{}, out)
	environ := []string{"A=1", "PATH=/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001"}
	runProbeIn(t, env, environ, "env")
	r := out.report(t)
	got := strings.Split(r["environ"], "\n")
	slices.Sort(got)
	want := slices.Sorted(slices.Values(append(environ, "GORACE=atexit_sleep_ms=0")))
	if !slices.Equal(got, want) {
		t.Errorf("environ = %q, want %q", got, want)
	}
	if r["fds"] != "0,1,2" {
		t.Errorf("open descriptors = %s, want 0,1,2", r["fds"])
	}
	if r["cwd"] != "/var/task" {
		t.Errorf("cwd = %q, want /var/task", r["cwd"])
	}
}

func TestRuntimeAPIInsideNetworkNamespace(t *testing.T) {
	sb := newSandbox(t, Config{})
	out := newOutput(t)
	env := envFor(t, sb, "api", sandbox.Limits{}, out)
	ln, addr, err := env.Listen()
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	if addr != "127.0.0.1:9001" {
		t.Errorf("addr = %q, want 127.0.0.1:9001", addr)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "event for "+r.URL.Path)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	runProbeIn(t, env, nil, "api", addr)
	r := out.report(t)
	if r["status"] != "200" || r["body"] != "event for /2018-06-01/runtime/invocation/next" {
		t.Errorf("probe saw %v\n%s", r, out)
	}
	// The host's own 127.0.0.1:9001 is another address: nothing listens.
	if c, err := (&net.Dialer{Timeout: time.Second}).Dial("tcp", "127.0.0.1:9001"); err == nil {
		c.Close()
		t.Logf("note: something on the host listens on 127.0.0.1:9001")
	}
}

func TestStartMissingBootstrapFails(t *testing.T) {
	sb := newSandbox(t, Config{})
	env := envFor(t, sb, "missing", sandbox.Limits{}, newOutput(t))
	err := env.Start([]string{"/var/task/nope"}, nil)
	if err == nil {
		t.Fatal("Start of a missing executable succeeded")
	}
	if !strings.Contains(err.Error(), "/var/task/nope") {
		t.Errorf("error %q does not name the command", err)
	}
	waitDone(t, env, 10*time.Second)
}

func TestDestroyKillsAndRemovesEverything(t *testing.T) {
	sb := newSandbox(t, Config{})
	sbEnv := envFor(t, sb, "destroy", sandbox.Limits{}, newOutput(t))
	if err := sbEnv.Start([]string{"/var/task/bootstrap", probeArg, "block"}, nil); err != nil {
		t.Fatalf("Start: %v", err)
	}
	e := sbEnv.(*env)
	cgDirs := e.cg.(interface{ paths() []string }).paths()
	loop := e.tmp.Device
	if err := e.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	waitDone(t, e, 5*time.Second)
	if err := e.Destroy(); err != nil {
		t.Fatalf("second Destroy: %v", err)
	}
	for _, p := range append(cgDirs, e.dir) {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Destroy (%v)", p, err)
		}
	}
	if loop != "" { // the /tmp loop device detaches itself
		bound := "/sys/block/" + filepath.Base(loop) + "/loop/backing_file"
		testenv.WaitFor(t, 10*time.Second, func() error {
			if _, err := os.Stat(bound); err == nil {
				return errors.New(loop + " is still bound")
			}
			return nil
		})
	}
}

func TestDestroyBeforeStart(t *testing.T) {
	sb := newSandbox(t, Config{})
	env := envFor(t, sb, "unstarted", sandbox.Limits{}, newOutput(t))
	if err := env.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	waitDone(t, env, 5*time.Second)
	if err := env.Start([]string{"/var/task/bootstrap"}, nil); err == nil {
		t.Fatal("Start after Destroy succeeded")
	}
}

func TestTmpIsPerEnvironment(t *testing.T) {
	sb := newSandbox(t, Config{})
	outA, outB := newOutput(t), newOutput(t)
	a := envFor(t, sb, "tmp-a", sandbox.Limits{}, outA)
	b := envFor(t, sb, "tmp-b", sandbox.Limits{}, outB)
	runProbeIn(t, a, nil, "tmpwrite", "marker")
	runProbeIn(t, b, nil, "tmpcheck", "marker")
	if got := outA.report(t)["write"]; got != "ok" {
		t.Fatalf("write in A: %s\n%s", got, outA)
	}
	if got := outB.report(t)["stat"]; got != "ENOENT" {
		t.Errorf("A's /tmp file seen from B: stat = %s", got)
	}
}

func TestPeakMemory(t *testing.T) {
	sb := newSandbox(t, Config{})
	out := newOutput(t)
	env := envFor(t, sb, "peak", sandbox.Limits{MemoryMB: 256}, out)
	runProbeIn(t, env, nil, "oom", "64")
	if err := env.ExitError(); err != nil {
		t.Fatalf("ExitError = %v\n%s", err, out)
	}
	if got := env.PeakMemoryBytes(); got < 64<<20 || got > 256<<20 {
		t.Errorf("PeakMemoryBytes = %d, want between 64 MiB and 256 MiB", got)
	}
}

func TestConcurrentEnvironments(t *testing.T) {
	sb := newSandbox(t, Config{})
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Go(func() {
			out := newOutput(t)
			env := envFor(t, sb, fmt.Sprintf("conc-%d", i), sandbox.Limits{}, out)
			if err := env.Start([]string{"/var/task/bootstrap", probeArg, "exit", "0"}, nil); err != nil {
				t.Errorf("Start: %v", err)
				return
			}
			select {
			case <-env.Done():
			case <-time.After(30 * time.Second):
				t.Errorf("env %d did not exit", i)
			}
		})
	}
	wg.Wait()
}

func TestCreateRejectsBadIDs(t *testing.T) {
	sb := newSandbox(t, Config{})
	for _, id := range []string{"", ".", "..", "a/b"} {
		if _, err := sb.Create(t.Context(), sandbox.Spec{ID: id}); err == nil {
			t.Errorf("Create(%q) succeeded", id)
		}
	}
}

func TestImageBinds(t *testing.T) {
	img := t.TempDir()
	for _, d := range []string{"usr/bin", "etc/ssl", "var/lang", "var/task", "opt/node", "proc"} {
		if err := os.MkdirAll(filepath.Join(img, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"etc/ld.so.cache", "etc/passwd"} {
		if err := os.WriteFile(filepath.Join(img, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("usr/lib", filepath.Join(img, "lib")); err != nil {
		t.Fatal(err)
	}
	binds, err := imageBinds(img)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range binds {
		if b.Source != filepath.Join(img, b.Target) {
			t.Errorf("bind %s from %s", b.Target, b.Source)
		}
		got = append(got, b.Target)
	}
	// The init's own files and mounts (passwd, /var/task, /proc) stay its own.
	want := []string{"/etc/ld.so.cache", "/etc/ssl", "/lib", "/opt/node", "/usr", "/var/lang"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("binds %q, want %q", got, want)
	}
}
