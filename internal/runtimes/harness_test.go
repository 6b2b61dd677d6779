package runtimes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"lambent/internal/testenv"
)

// postTimeout bounds one wait for the runtime; a cold Node or Python start
// under -race on a loaded machine stays well inside it.
const postTimeout = 30 * time.Second

const (
	testFunctionName = "echo"
	testFunctionARN  = "arn:aws:lambda:us-east-1:123456789012:function:echo"
)

// hostCatalog is the catalog of this machine, probed once for all tests.
var hostCatalog = sync.OnceValue(func() *Catalog { return NewCatalog(nil) }) // nil: exec.LookPath

// hostRuntime returns an installed runtime of family. It skips the test only
// when the host has no interpreter of that family, and fails it when the
// interpreter is there but the catalog missed it.
func hostRuntime(t *testing.T, family Family) Runtime {
	t.Helper()
	cat := hostCatalog()
	for _, name := range cat.Installed() {
		if rt, err := cat.Lookup(name); err == nil && rt.Family == family {
			return rt
		}
	}
	exe := map[Family]string{FamilyNode: "node", FamilyPython: "python3"}[family]
	path, err := exec.LookPath(exe)
	if err != nil {
		t.Skipf("no %s on this host", exe)
	}
	in, err := execProbe(path, family)
	if err != nil {
		t.Skipf("%s at %s does not run: %v", exe, path, err)
	}
	name := pythonName(versionPart(in.Version, 1))
	if family == FamilyNode {
		name = nodeName(versionPart(in.Version, 0))
	}
	if slices.Contains(lambdaRuntimes, name) && !retired(name) {
		t.Fatalf("%s %s is installed at %s, but the catalog does not offer %s", exe, in.Version, path, name)
	}
	t.Skipf("%s %s at %s matches no supported Lambda runtime", exe, in.Version, path)
	return Runtime{}
}

// runtimeProc is a runtime client process attached to a fakeRuntimeAPI.
type runtimeProc struct {
	api    *fakeRuntimeAPI
	out    *syncBuffer
	exited chan struct{} // closed once the process has been reaped
	err    error         // the exit, valid after exited is closed
	nextID int
}

// startRuntime writes files into a fresh task root and starts rt's client
// with handler, in an environment built from nothing as the server does.
func startRuntime(t *testing.T, rt Runtime, files map[string]string, handler string) *runtimeProc {
	t.Helper()
	taskRoot := t.TempDir()
	for name, content := range files {
		p := filepath.Join(taskRoot, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runtimeDir := t.TempDir()
	if err := WriteFiles(runtimeDir); err != nil {
		t.Fatal(err)
	}
	api := newFakeRuntimeAPI(t)
	argv := rt.Command(taskRoot, runtimeDir)
	cmd := exec.CommandContext(t.Context(), argv[0], argv[1:]...)
	cmd.Dir = taskRoot
	cmd.Env = []string{
		"AWS_LAMBDA_RUNTIME_API=" + api.Addr(),
		"_HANDLER=" + handler,
		"LAMBDA_TASK_ROOT=" + taskRoot,
		"LAMBDA_RUNTIME_DIR=" + runtimeDir,
		"AWS_EXECUTION_ENV=" + rt.ExecutionEnv,
		"AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_LAMBDA_FUNCTION_NAME=" + testFunctionName,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + testFunctionName,
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/02/[$LATEST]0123456789abcdef0123456789abcdef",
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
	}
	p := &runtimeProc{api: api, out: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	// t.Context is cancelled before cleanups run, which kills the process.
	t.Cleanup(func() { <-p.exited })
	return p
}

// invoke queues inv, filling in an ID, the ARN and a deadline a minute
// away, and returns what the runtime posted for it.
func (p *runtimeProc) invoke(t *testing.T, inv fakeInvocation) fakePost {
	t.Helper()
	if inv.ID == "" {
		p.nextID++
		inv.ID = fmt.Sprintf("8476a536-e9f4-11e8-9739-%012d", p.nextID)
	}
	if inv.ARN == "" {
		inv.ARN = testFunctionARN
	}
	if inv.Deadline.IsZero() {
		inv.Deadline = time.Now().Add(time.Minute)
	}
	p.api.events <- inv
	post := p.waitPost(t)
	if post.RequestID != inv.ID {
		t.Fatalf("post to %s for request %q, want %q", post.Route, post.RequestID, inv.ID)
	}
	return post
}

// waitPost returns the next request the runtime posted.
func (p *runtimeProc) waitPost(t *testing.T) fakePost {
	t.Helper()
	timer := time.NewTimer(postTimeout)
	defer timer.Stop()
	select {
	case post := <-p.api.posts:
		return post
	case <-p.exited:
		select {
		case post := <-p.api.posts:
			return post
		default:
		}
		t.Fatalf("runtime exited (%v) without posting; output:\n%s", p.err, p.out)
	case <-timer.C:
		t.Fatalf("runtime posted nothing within %v; output:\n%s", postTimeout, p.out)
	}
	return fakePost{}
}

// waitExit waits for the process to end and returns how it ended.
func (p *runtimeProc) waitExit(t *testing.T) error {
	t.Helper()
	timer := time.NewTimer(postTimeout)
	defer timer.Stop()
	select {
	case <-p.exited:
		return p.err
	case <-timer.C:
		t.Fatalf("runtime still running after %v; output:\n%s", postTimeout, p.out)
		return nil
	}
}

// waitOutput waits until the runtime's output contains a match for re. The
// runtime writes its log before it posts, but os/exec copies the output on
// its own goroutine, so the post can arrive first.
func (p *runtimeProc) waitOutput(t *testing.T, re *regexp.Regexp) {
	t.Helper()
	testenv.WaitFor(t, postTimeout, func() error {
		if !re.MatchString(p.out.String()) {
			return fmt.Errorf("no match for %s in output:\n%q", re, p.out)
		}
		return nil
	})
}

// wantResponse fails unless post is a response whose JSON body equals want.
func wantResponse(t *testing.T, p *runtimeProc, post fakePost, want string) {
	t.Helper()
	if post.Route != "response" {
		t.Fatalf("route = %s, body %s; want response; output:\n%s", post.Route, post.Body, p.out)
	}
	if !jsonEqual(t, post.Body, []byte(want)) {
		t.Fatalf("response = %s, want %s", post.Body, want)
	}
}

// errorDoc is the error document a runtime posts. Node names the stack
// lines "trace", Python "stackTrace".
type errorDoc struct {
	ErrorMessage string   `json:"errorMessage"`
	ErrorType    string   `json:"errorType"`
	Trace        []string `json:"trace"`
	StackTrace   []string `json:"stackTrace"`
	RequestID    *string  `json:"requestId"`
}

// wantError fails unless post went to route with an error document, and
// returns the document.
func wantError(t *testing.T, p *runtimeProc, post fakePost, route string) errorDoc {
	t.Helper()
	if post.Route != route {
		t.Fatalf("route = %s, body %s; want %s; output:\n%s", post.Route, post.Body, route, p.out)
	}
	var doc errorDoc
	if err := json.Unmarshal(post.Body, &doc); err != nil {
		t.Fatalf("error body %s: %v", post.Body, err)
	}
	return doc
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not JSON: %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("not JSON: %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// syncBuffer collects a child's output; os/exec writes it from its own
// goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// contextEcho is what the context test handlers of both languages answer.
type contextEcho struct {
	RequestID       string `json:"requestId"`
	ARN             string `json:"arn"`
	FunctionName    string `json:"functionName"`
	FunctionVersion string `json:"functionVersion"`
	Memory          string `json:"memory"`
	LogGroup        string `json:"logGroup"`
	LogStream       string `json:"logStream"`
	Remaining       int64  `json:"remaining"`
	TraceID         string `json:"traceId"`
	ExecutionEnv    string `json:"executionEnv"`
}

// checkContext compares a handler's view of its context with the
// invocation and the environment startRuntime set.
func checkContext(t *testing.T, got contextEcho, inv fakeInvocation, rt Runtime) {
	t.Helper()
	want := contextEcho{
		RequestID:       inv.ID,
		ARN:             inv.ARN,
		FunctionName:    testFunctionName,
		FunctionVersion: "$LATEST",
		Memory:          "128",
		LogGroup:        "/aws/lambda/" + testFunctionName,
		LogStream:       "2026/01/02/[$LATEST]0123456789abcdef0123456789abcdef",
		Remaining:       got.Remaining,
		TraceID:         inv.TraceID,
		ExecutionEnv:    rt.ExecutionEnv,
	}
	if got != want {
		t.Errorf("context = %+v\nwant      %+v", got, want)
	}
	if got.Remaining <= 0 || got.Remaining > time.Minute.Milliseconds() {
		t.Errorf("remaining time = %d ms, want in (0, 60000]", got.Remaining)
	}
}
