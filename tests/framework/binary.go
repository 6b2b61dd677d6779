package framework

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"lambent/internal/testenv"
)

// BuildBinary builds ./cmd/lambent to the path out.
func BuildBinary(t testing.TB, out string) error {
	t.Helper()
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./cmd/lambent")
	cmd.Dir = testenv.RepoRoot(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build lambent: %w\n%s", err, b)
	}
	return nil
}

// BinaryOptions tune a server started from the built binary.
type BinaryOptions struct {
	Binary  string // path of the built lambent binary (required)
	DataDir string // default: a fresh temp dir
	// GenerateCredentials starts the server without preset root
	// credentials, so it uses the stored ones or generates (and prints)
	// new ones. By default AccessKeyID and SecretAccessKey are preset.
	GenerateCredentials bool
	Args                []string // extra `lambent server` flags
}

// Binary is a `lambent server` process under test. Its embedded Server
// stops it with SIGTERM and expects exit status 0.
type Binary struct {
	*Server
	cmd    *exec.Cmd
	stdout syncBuffer
	stderr syncBuffer
	exited chan struct{}
	err    error // valid once exited is closed
}

// readyTimeout bounds how long a start may take to log "lambent serving".
const readyTimeout = 30 * time.Second

// StartBinary starts `lambent server --listen 127.0.0.1:0` and returns once
// it logged "lambent serving", with Endpoint taken from that line. The
// process gets its own TMPDIR (so its run dir is removed with the test),
// and it is stopped at cleanup if the test did not stop it.
func StartBinary(t testing.TB, o BinaryOptions) *Binary {
	t.Helper()
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	tmp := privateTempDir(t)
	args := append([]string{"server", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0", "--data-dir", o.DataDir}, o.Args...)
	b := &Binary{cmd: exec.Command(o.Binary, args...), exited: make(chan struct{})}
	b.cmd.Env = append(withoutEnv(os.Environ(), "LAMBENT_ROOT_", "TMPDIR="), "TMPDIR="+tmp)
	if !o.GenerateCredentials {
		b.cmd.Env = append(b.cmd.Env, "LAMBENT_ROOT_ACCESS_KEY_ID="+AccessKeyID, "LAMBENT_ROOT_SECRET_ACCESS_KEY="+SecretAccessKey)
	}
	b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
	// The server dies with the test binary even if cleanup never runs.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("start lambent: %v", err)
	}
	go func() {
		b.err = b.cmd.Wait()
		close(b.exited)
	}()
	var once sync.Once
	b.Server = &Server{DataDir: o.DataDir, stop: func() {
		once.Do(func() {
			if err := b.Shutdown(); err != nil {
				t.Errorf("lambent server: %v\nstderr:\n%s", err, b.Stderr())
			}
		})
	}}
	t.Cleanup(func() {
		b.Stop()
		if t.Failed() {
			t.Logf("lambent server stderr:\n%s", b.Stderr())
		}
	})
	b.Endpoint = b.awaitEndpoint(t)
	b.MetricsURL = servingField(b.stderr.String(), "metrics=")
	if !o.GenerateCredentials {
		ensureTestRole(t, b.Server)
	}
	return b
}

// privateTempDir is a temp dir that the unprivileged runtime user can
// traverse (the run dir lives under it), removed at cleanup.
func privateTempDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lambent-tmp-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o711); err != nil {
		t.Fatal(err)
	}
	return dir
}

func withoutEnv(env []string, prefixes ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

func (b *Binary) awaitEndpoint(t testing.TB) string {
	t.Helper()
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	for {
		changed := b.stderr.changed() // before reading, so no write is missed
		if ep := servingEndpoint(b.stderr.String()); ep != "" {
			return ep
		}
		select {
		case <-changed:
		case <-b.exited:
			if ep := servingEndpoint(b.stderr.String()); ep != "" {
				return ep
			}
			t.Fatalf("lambent exited before serving: %v\nstderr:\n%s", b.err, b.Stderr())
		case <-timer.C:
			t.Fatalf("lambent did not log \"lambent serving\" within %v\nstderr:\n%s", readyTimeout, b.Stderr())
		}
	}
}

// servingEndpoint parses endpoint=… from the complete "lambent serving" log line.
func servingEndpoint(log string) string { return servingField(log, "endpoint=") }

// servingField parses one key=value field of the "lambent serving" line.
func servingField(log, key string) string {
	for line := range strings.Lines(log) {
		if !strings.Contains(line, `msg="lambent serving"`) || !strings.HasSuffix(line, "\n") {
			continue
		}
		for field := range strings.FieldsSeq(line) {
			if ep, ok := strings.CutPrefix(field, key); ok {
				return ep
			}
		}
	}
	return ""
}

// Signal sends sig to the server process.
func (b *Binary) Signal(sig os.Signal) error { return b.cmd.Process.Signal(sig) }

// Exited is closed when the process has exited and its output is read.
func (b *Binary) Exited() <-chan struct{} { return b.exited }

// ExitErr is the process's exit error (nil for status 0); call it after Exited.
func (b *Binary) ExitErr() error { return b.err }

// shutdownTimeout is how long Shutdown waits after SIGTERM before SIGKILL:
// longer than the server's own default drain timeout (60 s).
const shutdownTimeout = 90 * time.Second

// Shutdown sends SIGTERM and waits for the process to exit, killing it
// after shutdownTimeout; it returns the exit error.
func (b *Binary) Shutdown() error {
	select {
	case <-b.exited:
		return b.err
	default:
	}
	if err := b.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal lambent: %w", err)
	}
	timer := time.NewTimer(shutdownTimeout)
	defer timer.Stop()
	select {
	case <-b.exited:
		return b.err
	case <-timer.C:
		_ = b.cmd.Process.Kill()
		<-b.exited
		return fmt.Errorf("no exit within %v of SIGTERM (killed)", shutdownTimeout)
	}
}

// Stdout is what the process wrote to stdout so far (all of it once Exited).
func (b *Binary) Stdout() string { return b.stdout.String() }

// Stderr is what the process wrote to stderr so far (all of it once Exited).
func (b *Binary) Stderr() string { return b.stderr.String() }

// syncBuffer is a bytes.Buffer safe for one writer and many readers that
// can tell a waiting reader when it grew.
type syncBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	notify chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notify != nil {
		close(s.notify)
		s.notify = nil
	}
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// changed returns a channel closed by the next Write.
func (s *syncBuffer) changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notify == nil {
		s.notify = make(chan struct{})
	}
	return s.notify
}
