package linux

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lambent/internal/runtimes"
	"lambent/internal/runtimes/baseimage"
	"lambent/internal/sandbox"
	"lambent/internal/sandbox/sandboxinit"
	"lambent/internal/sandbox/sandboxtest"
	"lambent/internal/testenv"
)

// probeArg switches the test binary into the probe program: a stand-in
// for a runtime that runs inside an environment and reports what it could
// and could not do (probe_test.go).
const probeArg = "sandbox-probe"

func TestMain(m *testing.M) {
	sandboxinit.Dispatch() // this binary re-executes itself as the sandbox init
	sandboxtest.Dispatch() // and as the contract suite's program
	if len(os.Args) > 1 && os.Args[1] == probeArg {
		os.Exit(runProbe(os.Args[2:]))
	}
	code := m.Run()
	if images.dir != "" {
		_ = os.RemoveAll(images.dir)
	}
	os.Exit(code)
}

// images are the root images the tests build, once per test binary, in
// a directory TestMain removes.
var images struct {
	mu    sync.Mutex
	dir   string
	built map[string]string // recipe name → image
}

// testImage builds (once) the image of r from this host's files.
func testImage(t testing.TB, r baseimage.Recipe) string {
	t.Helper()
	images.mu.Lock()
	defer images.mu.Unlock()
	if img, ok := images.built[r.Name]; ok {
		return img
	}
	if images.dir == "" {
		dir, err := os.MkdirTemp("", "lambent-images-")
		if err != nil {
			t.Fatal(err)
		}
		images.dir, images.built = dir, map[string]string{}
	}
	img, err := baseimage.Build(images.dir, r, nil)
	if err != nil {
		t.Fatalf("build %s image: %v", r.Name, err)
	}
	images.built[r.Name] = img
	return img
}

// probeImage is the root image of the probe: the provided runtime's (the
// probe, a test binary, may be linked against glibc), plus sleep for the
// fork bomb.
func probeImage(t testing.TB) string {
	t.Helper()
	r := baseimage.Provided()
	r.Name, r.Execs = "probe", []string{"/usr/bin/sleep"}
	return testImage(t, r)
}

// runtimeImage builds the image of the first runtime of family the
// host's PATH has, or skips the test when it has none.
func runtimeImage(t testing.TB, family runtimes.Family) (runtimes.Runtime, string) {
	t.Helper()
	cat := runtimes.NewCatalog(nil)
	for _, name := range cat.Installed() {
		rt, err := cat.Lookup(name)
		if err != nil || rt.Family != family {
			continue
		}
		r, err := baseimage.For(rt)
		if err != nil {
			t.Fatal(err)
		}
		return rt, testImage(t, r)
	}
	t.Skipf("no %s runtime on this host", family)
	return runtimes.Runtime{}, ""
}

// withImage gives every environment of a sandbox the same root image.
type withImage struct {
	sandbox.Sandbox
	image string
}

func (w withImage) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Env, error) {
	spec.RootImage = w.image
	return w.Sandbox.Create(ctx, spec)
}

// newSandbox returns a linux sandbox under a temp dir, closed and checked
// for leftovers at the end of the test.
func newSandbox(t testing.TB, cfg Config) *Sandbox {
	t.Helper()
	testenv.RequireRoot(t)
	if cfg.Dir == "" {
		cfg.Dir = filepath.Join(t.TempDir(), "envs")
	}
	sb, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		cgroups := sb.cg.(interface{ paths() []string }).paths()
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkNoLeftovers(t, cfg.Dir, cgroups)
		if sb.net != nil {
			checkNoVeths(t, sb.net.tag)
			if n := rulesByOwner(t)[sb.net.owner]; n > 0 {
				t.Errorf("%d nftables rules left", n)
			}
		}
	})
	return sb
}

// checkNoLeftovers fails the test when a closed sandbox left cgroups,
// files in its directory, or loop devices backed by its images.
func checkNoLeftovers(t testing.TB, dir string, cgroups []string) {
	t.Helper()
	for _, p := range cgroups {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("cgroup %s left behind", p)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("%d entries left in %s, the first %s", len(entries), dir, entries[0].Name())
	}
	testenv.WaitFor(t, 10*time.Second, func() error {
		files, _ := filepath.Glob("/sys/block/loop*/loop/backing_file")
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && strings.HasPrefix(string(b), dir+"/") {
				return fmt.Errorf("%s still backs %s", strings.TrimSpace(string(b)), f)
			}
		}
		return nil
	})
}

// probeCode makes a code directory whose bootstrap is this test binary
// (a hard link when possible), readable by the runtime user.
func probeCode(t testing.TB) (codeDir, runtimeDir string) {
	t.Helper()
	base := t.TempDir()
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	codeDir, runtimeDir = filepath.Join(base, "code"), filepath.Join(base, "runtime")
	for _, d := range []string{codeDir, runtimeDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(codeDir, "bootstrap")
	if err := os.Link(self, dst); err != nil {
		data, err := os.ReadFile(self)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(codeDir, "data.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	return codeDir, runtimeDir
}

// output is an environment's stdout/stderr, collected in a temp file.
type output struct {
	f *os.File
}

func newOutput(t testing.TB) *output {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &output{f: f}
}

func (o *output) String() string {
	b, _ := os.ReadFile(o.f.Name())
	return string(b)
}

// report returns the JSON object the probe printed on its "PROBE " line.
func (o *output) report(t testing.TB) map[string]string {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(o.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("PROBE ")); ok {
			var m map[string]string
			if err := json.Unmarshal(rest, &m); err != nil {
				t.Fatalf("probe report: %v", err)
			}
			return m
		}
	}
	t.Fatalf("no probe report in output:\n%s", o.String())
	return nil
}

// envFor creates an environment without egress, running nothing yet.
func envFor(t testing.TB, sb *Sandbox, id string, limits sandbox.Limits, out *output) sandbox.Env {
	t.Helper()
	return envForEgress(t, sb, id, limits, out, false)
}

// envForEgress creates an environment running nothing yet, asking for
// egress or not, with the probe's root image.
func envForEgress(t testing.TB, sb *Sandbox, id string, limits sandbox.Limits, out *output, egress bool) sandbox.Env {
	t.Helper()
	return envWith(t, sb, sandbox.Spec{ID: id, Limits: limits, Output: out.f, Egress: egress, RootImage: probeImage(t)})
}

// envWith creates an environment of spec, with the probe's code and an
// empty runtime directory.
func envWith(t testing.TB, sb *Sandbox, spec sandbox.Spec) sandbox.Env {
	t.Helper()
	spec.CodeDir, spec.RuntimeDir = probeCode(t)
	env, err := sb.Create(t.Context(), spec)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
	})
	return env
}

// runProbeIn starts the probe with args in env and waits for it to exit.
func runProbeIn(t testing.TB, env sandbox.Env, environ []string, args ...string) {
	t.Helper()
	argv := append([]string{"/var/task/bootstrap", probeArg}, args...)
	// A test binary built with -race otherwise sleeps 1 s on exit.
	environ = append(environ, "GORACE=atexit_sleep_ms=0")
	if err := env.Start(argv, environ); err != nil {
		t.Fatalf("Start: %v", err)
	}
	waitDone(t, env, 60*time.Second)
}

func waitDone(t testing.TB, env sandbox.Env, d time.Duration) {
	t.Helper()
	select {
	case <-env.Done():
	case <-time.After(d):
		t.Fatalf("runtime still running after %v", d)
	}
}

// waitPoolFull waits until sb's pool holds everything it should.
func waitPoolFull(t testing.TB, sb *Sandbox) {
	t.Helper()
	testenv.WaitFor(t, 30*time.Second, func() error {
		if !sb.pool.full() {
			return errors.New("pool not full yet")
		}
		return nil
	})
}
