package sandboxtest

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"lambent/internal/sandbox"
)

// waitLimit bounds every wait for the program; starting a test binary
// built with -race on a loaded machine stays well inside it.
const waitLimit = 15 * time.Second

// running is one environment of a sub-test.
type running struct {
	env   sandbox.Env
	ln    net.Listener
	paths sandbox.Paths
	given []string // the environment passed to Start
	out   *output
	pw    *os.File // the suite's write end of the output pipe, until Start
}

// create makes an environment, listens and prepares its output pipe. The
// environment is destroyed at the end of the test.
func create(t *testing.T, fx *fixture, sb sandbox.Sandbox) *running {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	env, err := sb.Create(t.Context(), sandbox.Spec{
		ID: rand.Text(), CodeDir: fx.codeDir, RuntimeDir: fx.runtimeDir, Output: pw,
		Limits: sandbox.Limits{MemoryMB: 256, EphemeralMB: 512},
	})
	if err != nil {
		pr.Close()
		pw.Close()
		t.Fatalf("Create: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
		pw.Close()
	})
	r := &running{env: env, paths: env.Paths(), out: collect(t, pr), pw: pw}
	ln, addr, err := env.Listen()
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	r.ln = ln
	r.given = []string{
		"AWS_LAMBDA_RUNTIME_API=" + addr,
		"LAMBDA_TASK_ROOT=" + r.paths.TaskRoot,
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"SANDBOXTEST_VALUE=a b=c;d",
		"SANDBOXTEST_EMPTY=",
		// A test binary built with -race otherwise sleeps 1 s on a clean exit.
		"GORACE=atexit_sleep_ms=0",
	}
	return r
}

// start runs the program in mode with args and closes the suite's copy of
// the output pipe's write end, as the orchestrator does.
func (r *running) start(t *testing.T, mode string, args ...string) {
	t.Helper()
	argv := append([]string{filepath.Join(r.paths.TaskRoot, "program"), programArg, mode}, args...)
	if err := r.env.Start(argv, r.given); err != nil {
		t.Fatalf("Start: %v", err)
	}
	r.pw.Close()
}

// startReport runs the report program, which exits with code.
func (r *running) startReport(t *testing.T, code int) {
	t.Helper()
	r.start(t, "report", r.paths.TaskRoot, r.paths.RuntimeDir, r.paths.Tmp, strconv.Itoa(code))
}

// conn is one program's connection to the listener, its report read.
type conn struct {
	c   net.Conn
	br  *bufio.Reader
	rep report
}

// accept waits for a program to connect and reads its report.
func (r *running) accept(t *testing.T) *conn {
	t.Helper()
	type result struct {
		c   net.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		c, err := r.ln.Accept()
		ch <- result{c, err}
	}()
	var res result
	select {
	case res = <-ch:
	case <-time.After(waitLimit):
		_ = r.ln.Close()
		t.Fatalf("no program connected to the listener; output so far:\n%s", r.out.String())
	}
	if res.err != nil {
		t.Fatalf("Accept: %v", res.err)
	}
	t.Cleanup(func() { _ = res.c.Close() })
	c := &conn{c: res.c, br: bufio.NewReader(res.c)}
	_ = res.c.SetReadDeadline(time.Now().Add(waitLimit))
	line, err := c.br.ReadBytes('\n')
	if err != nil {
		t.Fatalf("read report: %v; output:\n%s", err, r.out.String())
	}
	if err := json.Unmarshal(line, &c.rep); err != nil {
		t.Fatalf("decode report %q: %v", line, err)
	}
	return c
}

// report runs the report program to its end and returns what it sent.
func (r *running) report(t *testing.T) report {
	t.Helper()
	r.startReport(t, 0)
	rep := r.accept(t).rep
	r.waitDone(t)
	return rep
}

// waitDone waits for the runtime process to exit.
func (r *running) waitDone(t *testing.T) {
	t.Helper()
	select {
	case <-r.env.Done():
	case <-time.After(waitLimit):
		t.Fatalf("Done not closed; output:\n%s", r.out.String())
	}
}

// waitClosed waits until the process holding c's other end is gone.
func (c *conn) waitClosed(t *testing.T) {
	t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(waitLimit))
	_, err := c.br.ReadByte()
	var ne net.Error
	if err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Errorf("the %s process is still alive (read: %v)", c.rep.Role, err)
	}
}

// output collects what the program wrote to Spec.Output.
type output struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done chan struct{}
}

func collect(t *testing.T, pr *os.File) *output {
	o := &output{done: make(chan struct{})}
	go func() {
		defer close(o.done)
		defer pr.Close()
		b := make([]byte, 4096)
		for {
			n, err := pr.Read(b)
			o.mu.Lock()
			o.buf.Write(b[:n])
			o.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { _ = pr.Close() })
	return o
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// all waits until every writer has closed the pipe and returns the output.
func (o *output) all(t *testing.T) string {
	t.Helper()
	select {
	case <-o.done:
	case <-time.After(waitLimit):
		t.Fatalf("output pipe still open after the environment was destroyed; so far:\n%s", o.String())
	}
	return o.String()
}
