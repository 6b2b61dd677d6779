package sandboxtest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/sandbox"
)

// testExactEnvironment: the program sees exactly the environment given to
// Start, nothing inherited from the process that created the sandbox.
func testExactEnvironment(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	t.Setenv("SANDBOXTEST_PARENT_ONLY", "must not reach the runtime")
	r := create(t, fx, sb)
	rep := r.report(t)
	got := envMap(rep.Env)
	if len(got) != len(rep.Env) {
		t.Errorf("environment has duplicate keys: %q", rep.Env)
	}
	want := envMap(r.given)
	// An implementation whose Tmp is not /tmp may point TMPDIR at it.
	if v, ok := got["TMPDIR"]; ok && v == r.paths.Tmp {
		delete(got, "TMPDIR")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("program environment (-given +seen):\n%s", diff)
	}
}

func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// testOutputCaptured: stdout and stderr reach Spec.Output, and the pipe
// closes once the environment is gone.
func testOutputCaptured(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	r.report(t)
	if err := r.env.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	out := r.out.all(t)
	for _, want := range []string{"sandboxtest stdout line\n", "sandboxtest stderr line\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
}

// testTaskRoot: the task root holds the code dir's files, and neither it
// nor the runtime dir is writable by an unprivileged runtime.
func testTaskRoot(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	rep := r.report(t)
	for _, c := range []struct{ name, got, want string }{
		{"data.txt", rep.Code, codeContent},
		{"lib/nested.txt", rep.Nested, nestedContent},
		{"runtime dir client.txt", rep.RuntimeFile, runtimeContent},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if os.Geteuid() != 0 {
		t.Log("not root: the program runs as this user, so write protection is not checked")
		return
	}
	if rep.UID == 0 {
		t.Error("the program runs as root")
	}
	for _, a := range []string{attemptCreateInTask, attemptWriteCode, attemptChmodCode, attemptCreateInRuntime} {
		if rep.Attempts[a] == "" {
			t.Errorf("the program could %s", a)
		}
	}
	if _, err := os.Lstat(filepath.Join(fx.runtimeDir, "created-by-runtime")); err == nil {
		t.Error("the program created a file in the runtime dir")
	}
}

// testTmpWritable: a fresh environment's tmp is empty and writable.
func testTmpWritable(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	rep := r.report(t)
	if e := rep.Attempts[attemptWriteTmp]; e != "" {
		t.Errorf("write a file in tmp: %s", e)
	}
	if len(rep.TmpEntries) != 0 {
		t.Errorf("fresh tmp holds %q", rep.TmpEntries)
	}
}

// testExitStatus: Done and ExitError report how the runtime exited.
func testExitStatus(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	for _, code := range []int{0, 7} {
		t.Run("exit "+strconv.Itoa(code), func(t *testing.T) {
			r := create(t, fx, sb)
			r.startReport(t, code)
			r.accept(t)
			r.waitDone(t)
			err := r.env.ExitError()
			var ec interface{ ExitCode() int }
			switch {
			case code == 0 && err != nil:
				t.Errorf("ExitError = %v, want nil", err)
			case code != 0 && (!errors.As(err, &ec) || ec.ExitCode() != code):
				t.Errorf("ExitError = %v, want exit code %d", err, code)
			}
			if peak := r.env.PeakMemoryBytes(); peak <= 0 {
				t.Errorf("PeakMemoryBytes = %d after the program ran", peak)
			}
		})
	}
}

// testStartMissingProgram: a missing program fails Start or exits with an
// error; it never looks like a clean run.
func testStartMissingProgram(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	err := r.env.Start([]string{filepath.Join(r.paths.TaskRoot, "no-such-program")}, r.given)
	r.pw.Close()
	if err != nil {
		return
	}
	r.waitDone(t)
	if r.env.ExitError() == nil {
		t.Error("a missing program started and exited cleanly")
	}
}

// testDestroyKillsProcessGroup: Destroy kills the runtime and the
// processes it started.
func testDestroyKillsProcessGroup(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	r.start(t, "hang")
	conns := []*conn{r.accept(t), r.accept(t)}
	roles := []string{conns[0].rep.Role, conns[1].rep.Role}
	slices.Sort(roles)
	if !slices.Equal(roles, []string{"grandchild", "runtime"}) {
		t.Fatalf("connected: %q, want the runtime and its grandchild", roles)
	}
	select {
	case <-r.env.Done():
		t.Fatal("Done closed while the runtime runs")
	default:
	}
	if err := r.env.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	for _, c := range conns {
		c.waitClosed(t)
	}
	r.waitDone(t)
	if r.env.ExitError() == nil {
		t.Error("ExitError = nil for a killed runtime")
	}
	r.out.all(t) // every writer of the output pipe is gone
}

// testDestroyRemovesEverything: after Destroy, whatever of the environment
// the host could see is gone, and Destroy may be called again.
func testDestroyRemovesEverything(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	rep := r.report(t)
	visible := hostVisible(r.paths, fx, rep.Marker)
	for range 2 {
		if err := r.env.Destroy(); err != nil {
			t.Fatalf("Destroy: %v", err)
		}
	}
	checkGone(t, visible)
}

// testDestroyBeforeStart: an environment that never ran is destroyed
// cleanly, more than once.
func testDestroyBeforeStart(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	r := create(t, fx, sb)
	r.pw.Close()
	visible := hostVisible(r.paths, fx, "")
	for range 2 {
		if err := r.env.Destroy(); err != nil {
			t.Fatalf("Destroy: %v", err)
		}
	}
	checkGone(t, visible)
}

// hostVisible returns the environment's directories that are its own and
// visible on the host: the task root when it holds a copy of the program
// (an isolated tier's /var/task does not exist on the host), tmp when the
// program's marker is there.
func hostVisible(p sandbox.Paths, fx *fixture, marker string) []string {
	var dirs []string
	if p.TaskRoot != fx.codeDir && exists(filepath.Join(p.TaskRoot, "program")) {
		dirs = append(dirs, p.TaskRoot)
	}
	if marker != "" && exists(filepath.Join(p.Tmp, marker)) {
		dirs = append(dirs, p.Tmp)
	}
	return dirs
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func checkGone(t *testing.T, dirs []string) {
	t.Helper()
	if len(dirs) == 0 {
		t.Log("no directory of the environment is visible on the host; the factory's cleanup checks for leftovers")
	}
	for _, d := range dirs {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s survived Destroy (%v)", d, err)
		}
	}
}

// testTmpNotShared: one environment does not see another's tmp files.
func testTmpNotShared(t *testing.T, fx *fixture, sb sandbox.Sandbox) {
	a := create(t, fx, sb)
	repA := a.report(t)
	if e := repA.Attempts[attemptWriteTmp]; e != "" {
		t.Fatalf("first environment: write a file in tmp: %s", e)
	}
	b := create(t, fx, sb)
	repB := b.report(t)
	if slices.Contains(repB.TmpEntries, repA.Marker) {
		t.Errorf("second environment sees the first one's %s in tmp", repA.Marker)
	}
	if len(repB.TmpEntries) != 0 {
		t.Errorf("second environment's fresh tmp holds %q", repB.TmpEntries)
	}
}
