package invoke_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/function"
	"lambent/internal/invoke"
	"lambent/internal/logs"
	"lambent/internal/runtimes"
	"lambent/internal/sandbox/process"
	"lambent/internal/testenv"
)

// codeDir holds the function package every test runs: bootstrap, a copy
// of this test binary. TestMain creates it under a directory any uid may
// traverse, since as root the process tier runs runtimes as uid 993.
var codeDir string

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "bootstrap" {
		os.Exit(runtimeMain())
	}
	base, err := makeCodeDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(base)
	os.Exit(code)
}

func makeCodeDir() (string, error) {
	base, err := os.MkdirTemp("", "invoke-test-")
	if err != nil {
		return "", err
	}
	codeDir = filepath.Join(base, "code")
	if err := os.Chmod(base, 0o711); err != nil {
		return base, err
	}
	if err := os.Mkdir(codeDir, 0o755); err != nil {
		return base, err
	}
	self, err := os.Executable()
	if err != nil {
		return base, err
	}
	in, err := os.Open(self)
	if err != nil {
		return base, err
	}
	defer in.Close()
	out, err := os.OpenFile(filepath.Join(codeDir, "bootstrap"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return base, err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return base, err
	}
	return base, out.Close()
}

// waitLimit bounds waits for runtimes: a cold start of a -race test binary
// on a loaded machine stays well inside it.
const waitLimit = 15 * time.Second

const acct = account.ID("123456789012")

// fakeLogs is a hand-written fake of the Manager's log appender.
type fakeLogs struct {
	append func(acct account.ID, group, stream string, events ...logs.Event)
}

func (f fakeLogs) Append(acct account.ID, group, stream string, events ...logs.Event) {
	f.append(acct, group, stream, events...)
}

// fakeCode is a hand-written fake of the Manager's code dir source.
type fakeCode struct {
	dir func(ctx context.Context, digest string) (string, error)
}

func (f fakeCode) Dir(ctx context.Context, digest string) (string, error) { return f.dir(ctx, digest) }

// logRecorder keeps every appended line by stream, in order.
type logRecorder struct {
	mu      sync.Mutex
	streams map[string][]string
	bad     []string // appends with the wrong account or group
}

func (r *logRecorder) appender(group string) fakeLogs {
	return fakeLogs{append: func(a account.ID, g, stream string, events ...logs.Event) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if !a.Valid() || g != group {
			r.bad = append(r.bad, fmt.Sprintf("%s %s", a, g))
		}
		for _, e := range events {
			if e.Timestamp.IsZero() {
				r.bad = append(r.bad, "zero timestamp: "+e.Message)
			}
			r.streams[stream] = append(r.streams[stream], e.Message)
		}
	}}
}

func (r *logRecorder) lines(stream string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.streams[stream])
}

// invocation returns the lines of requestID's invocation in stream, from
// START to REPORT.
func (r *logRecorder) invocation(stream, requestID string) []string {
	lines := r.lines(stream)
	start := slices.Index(lines, "START RequestId: "+requestID+" Version: $LATEST")
	if start < 0 {
		return nil
	}
	for i := start; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "REPORT RequestId: "+requestID+"\t") {
			return lines[start : i+1]
		}
	}
	return lines[start:]
}

// fixture is a Manager on the process sandbox with a recording log
// appender.
type fixture struct {
	m    *invoke.Manager
	logs *logRecorder
	envs string // the process sandbox's Dir: one entry per live environment
}

const logGroup = "/aws/lambda/fn"

// newFixture starts a Manager; edit adjusts its config. At the end of the
// test the Manager is closed and no environment may be left behind.
func newFixture(t *testing.T, edit func(*invoke.Config)) *fixture {
	t.Helper()
	f := &fixture{logs: &logRecorder{streams: map[string][]string{}}, envs: envsDir(t)}
	sb, err := process.New(process.Config{Dir: f.envs})
	if err != nil {
		t.Fatal(err)
	}
	cfg := invoke.Config{
		Sandbox: sb,
		// No interpreters: provided runtimes only, and no probing.
		Runtimes:    runtimes.NewCatalog(func(string) (string, error) { return "", exec.ErrNotFound }),
		Code:        fakeCode{dir: func(context.Context, string) (string, error) { return codeDir, nil }},
		Logs:        f.logs.appender(logGroup),
		Clock:       clock.Real{},
		Logger:      slog.New(slog.DiscardHandler),
		Region:      "us-east-1",
		RuntimeDir:  codeDir,
		InitTimeout: waitLimit,
	}
	if edit != nil {
		edit(&cfg)
	}
	f.m, err = invoke.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), waitLimit)
		defer cancel()
		if err := f.m.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
		f.waitNoEnvironments(t)
		f.logs.mu.Lock()
		defer f.logs.mu.Unlock()
		if len(f.logs.bad) > 0 {
			t.Errorf("bad log appends: %q", f.logs.bad)
		}
	})
	return f
}

// envsDir returns a Dir for the process sandbox under a directory that
// uid 993 may traverse (t.TempDir is 0700).
func envsDir(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "invoke-envs-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(base) })
	if err := os.Chmod(base, 0o711); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(base, "envs")
}

// liveEnvironments counts the process sandbox's environment dirs: the
// environments that exist, whatever the Manager's pools say.
func (f *fixture) liveEnvironments(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir(f.envs)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func (f *fixture) waitEnvironments(t *testing.T, n int) {
	t.Helper()
	testenv.WaitFor(t, waitLimit, func() error {
		if got := f.liveEnvironments(t); got != n {
			return fmt.Errorf("%d environments exist, want %d", got, n)
		}
		return nil
	})
}

func (f *fixture) waitNoEnvironments(t *testing.T) { t.Helper(); f.waitEnvironments(t, 0) }

func deployment(handler string, timeoutSec int) *function.Deployment {
	return &function.Deployment{
		Runtime: "provided.al2023", Handler: handler, MemoryMB: 128, TimeoutSec: timeoutSec,
		EphemeralMB: 512, CodeDigest: "sha256:test", LogGroup: logGroup, Generation: "g1",
		Environment: map[string]string{"GREETING": "hello", "AWS_REGION": "customer-value"},
	}
}

func target(d *function.Deployment) invoke.Target {
	return invoke.Target{Account: acct, FunctionName: "fn", Version: "$LATEST",
		InvokedARN: "arn:aws:lambda:us-east-1:123456789012:function:fn", Deployment: d}
}

// call runs one invocation of ev and fails the test on an orchestration
// error.
func (f *fixture) call(t *testing.T, tgt invoke.Target, ev event) (*invoke.Response, string) {
	t.Helper()
	id := uuid.NewString()
	resp, err := f.m.Invoke(t.Context(), tgt, invokeRequest(id, ev))
	if err != nil {
		t.Fatalf("Invoke %s: %v", ev.Action, err)
	}
	return resp, id
}

func invokeRequest(id string, ev event) invoke.Request {
	b, _ := json.Marshal(ev)
	return invoke.Request{RequestID: id, Payload: b, Tail: true}
}

// decode reads the test runtime's reply from a successful response.
func decode(t *testing.T, resp *invoke.Response) reply {
	t.Helper()
	if resp.FunctionError != "" {
		t.Fatalf("function error %s: %s", resp.FunctionError, resp.Payload)
	}
	var r reply
	if err := json.Unmarshal(resp.Payload, &r); err != nil {
		t.Fatalf("decode %s: %v", resp.Payload, err)
	}
	return r
}

// holder makes test runtimes wait: a runtime given the "hold" action
// connects to it and answers only when the test releases the connection.
type holder struct{ ln net.Listener }

func newHolder(t *testing.T) *holder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &holder{ln: ln}
}

func (h *holder) event() event { return event{Action: "hold", Addr: h.ln.Addr().String()} }

// accept waits for a held runtime; closing the connection releases it.
func (h *holder) accept(t *testing.T) net.Conn {
	t.Helper()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := h.ln.Accept()
		ch <- result{c, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatal(r.err)
		}
		t.Cleanup(func() { r.c.Close() })
		return r.c
	case <-time.After(waitLimit):
		h.ln.Close()
		t.Fatal("no runtime reached the hold")
		return nil
	}
}

// outcome is the result of an invocation run in the background.
type outcome struct {
	resp *invoke.Response
	err  error
}

func (f *fixture) callAsync(t *testing.T, tgt invoke.Target, ev event) <-chan outcome {
	ch := make(chan outcome, 1)
	req := invokeRequest(uuid.NewString(), ev)
	go func() {
		resp, err := f.m.Invoke(t.Context(), tgt, req)
		ch <- outcome{resp, err}
	}()
	return ch
}

func wait(t *testing.T, ch <-chan outcome) outcome {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(waitLimit):
		t.Fatal("Invoke did not return")
		return outcome{}
	}
}
