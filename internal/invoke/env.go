package invoke

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"lambent/internal/logs"
	"lambent/internal/runtimeapi"
	"lambent/internal/sandbox"
)

// environment is one execution environment with its Runtime API server
// and output collector. It serves one invocation at a time.
type environment struct {
	id      string
	pool    *pool
	sb      sandbox.Env
	api     *runtimeapi.Server
	out     *output
	stream  string
	created time.Time
	// creds are the execution role's credentials the runtime was given
	// (zero without a role); the environment is retired before they
	// expire.
	creds Credentials

	lastUsed time.Time     // guarded by pool.mu
	initDur  time.Duration // reported on the first invocation only
	retired  bool          // guarded by pool.mu

	// ctx ends when the runtime process exits.
	ctx context.Context

	// peak caches the sandbox's peak-memory figure, read at most every
	// peakRefresh: reading a memory cgroup is not free on the hot path.
	// Used by the one invocation running in the environment only.
	peak   int64
	peakAt time.Time

	tailMu sync.Mutex
	tail   *tailBuffer // non-nil while an invocation with LogType=Tail runs

	// frz freezes the environment while it is idle.
	frz *freezer
	// egress tells whether the environment was given network access.
	egress bool
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// startEnvironment runs the cold-start path: code, sandbox, Runtime API,
// runtime process, and waits for the end of init.
func (m *Manager) startEnvironment(ctx context.Context, p *pool) (*environment, *initFailure, error) {
	d := p.deployment
	rt, err := m.cfg.Runtimes.Lookup(d.Runtime)
	if err != nil {
		return nil, nil, fmt.Errorf("look up runtime: %w", err)
	}
	codeDir, err := m.cfg.Code.Dir(ctx, d.CodeDigest)
	if err != nil {
		return nil, nil, fmt.Errorf("prepare code: %w", err)
	}
	var image string
	if m.cfg.Images != nil {
		if image, err = m.cfg.Images.Image(ctx, rt); err != nil {
			return nil, nil, fmt.Errorf("runtime base image: %w", err)
		}
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, fmt.Errorf("create output pipe: %w", err)
	}
	start := m.cfg.Clock.Now()
	e := &environment{id: newID(), pool: p, created: start, frz: &freezer{}, egress: m.egress(ctx, p.key)}
	if e.creds, err = m.executionCredentials(ctx, p); err != nil {
		return nil, nil, err
	}
	e.stream = logs.StreamName(start, p.key.version, e.id)
	e.out, err = newOutput(pr, e.logLine, m.cfg.LogLimit)
	if err != nil {
		pr.Close()
		pw.Close()
		return nil, nil, err
	}
	sb, err := m.cfg.Sandbox.Create(ctx, sandbox.Spec{
		ID: e.id, CodeDir: codeDir, RuntimeDir: m.cfg.RuntimeDir, RootImage: image, Output: pw,
		Limits: sandbox.Limits{MemoryMB: d.MemoryMB, EphemeralMB: d.EphemeralMB}, Egress: e.egress,
	})
	if err != nil {
		pw.Close()
		e.out.Close()
		return nil, nil, fmt.Errorf("create environment: %w", err)
	}
	e.sb = sb
	e.frz = newFreezer(sb, m.cfg.FreezeDelay)
	f, err := m.boot(ctx, e, rt, start, pw)
	if f != nil {
		// The runtime's init output, then INIT_REPORT, end its log stream.
		f.duration = e.initDur
		e.out.Sync()
		e.emit(m.cfg.Clock.Now(), initReportLine(f.duration, f.errType))
	}
	if err != nil || f != nil {
		e.destroy()
		return nil, f, err
	}
	return e, nil, nil
}

// executionCredentials assumes the function's execution role.
func (m *Manager) executionCredentials(ctx context.Context, p *pool) (Credentials, error) {
	if m.cfg.Credentials == nil || p.deployment.Role == "" {
		return Credentials{}, nil
	}
	fn := "arn:aws:lambda:" + m.cfg.Region + ":" + string(p.key.account) + ":function:" + p.key.name
	c, err := m.cfg.Credentials.ExecutionCredentials(ctx, p.deployment.Role, fn, p.key.name)
	if err != nil {
		return Credentials{}, fmt.Errorf("execution role: %w", err)
	}
	return c, nil
}

// credentialMargin is how long before its credentials expire an
// environment stops taking invocations: the longest invocation (15
// minutes) plus a minute, so no invocation runs with expired credentials.
const credentialMargin = 16 * time.Minute

// stale reports whether e outlived maxLifetime or its credentials are
// about to expire.
func (e *environment) stale(now time.Time, maxLifetime time.Duration) bool {
	if now.Sub(e.created) >= maxLifetime {
		return true
	}
	return !e.creds.Expiration.IsZero() && e.creds.Expiration.Sub(now) < credentialMargin
}

// boot starts the Runtime API and the runtime, then waits for init.
// The parent's copy of the output pipe's write end is closed once the
// runtime holds its own.
func (m *Manager) boot(ctx context.Context, e *environment, rt runtimeInfo, start time.Time, pw *os.File) (*initFailure, error) {
	defer pw.Close()
	ln, addr, err := e.sb.Listen()
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	e.api = runtimeapi.NewServer(m.cfg.Logger)
	go func() { _ = e.api.Serve(ln) }()
	paths := e.sb.Paths()
	argv := rt.Command(paths.TaskRoot, paths.RuntimeDir)
	if err := e.sb.Start(argv, m.environ(e, rt, paths, addr)); err != nil {
		m.cfg.Logger.Warn("start runtime", "function", e.pool.key.name, "err", err)
		return &initFailure{errType: "Runtime.InvalidEntrypoint",
			message: "Couldn't find valid bootstrap(s): [" + insidePath(argv[0], paths.TaskRoot) + "]"}, nil
	}
	var cancel context.CancelFunc
	e.ctx, cancel = context.WithCancel(context.Background())
	go func() { <-e.sb.Done(); cancel() }()
	timer := time.NewTimer(m.cfg.InitTimeout)
	defer timer.Stop()
	select {
	case <-e.api.Ready():
		e.initDur = m.cfg.Clock.Now().Sub(start)
		return nil, nil
	case body := <-e.api.InitError():
		e.initDur = m.cfg.Clock.Now().Sub(start)
		return initFailureFromBody(body), nil
	case <-e.sb.Done():
		e.initDur = m.cfg.Clock.Now().Sub(start)
		typ, msg := exitReason(e.sb.ExitError())
		return &initFailure{errType: typ, message: msg}, nil
	case <-timer.C:
		e.initDur = m.cfg.InitTimeout
		return &initFailure{errType: "Sandbox.Timedout", message: fmt.Sprintf(
			"Init phase timed out after %.2f seconds", m.cfg.InitTimeout.Seconds())}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// EgressTag is the function tag that turns egress off for a function:
// lambent:egress = none.
const EgressTag = "lambent:egress"

// egress decides whether a new environment of the function gets network
// access: yes unless its lambent:egress tag says "none". When the tags
// cannot be read, no.
func (m *Manager) egress(ctx context.Context, k poolKey) bool {
	if m.cfg.FunctionTags == nil {
		return true
	}
	tags, err := m.cfg.FunctionTags(ctx, k.account, k.name)
	if err != nil {
		m.cfg.Logger.Warn("read function tags; the environment gets no egress", "function", k.name, "err", err)
		return false
	}
	return tags[EgressTag] != "none"
}

// logLine receives one line of runtime output (called with the output
// collector's lock held).
func (e *environment) logLine(line string) {
	now := e.pool.m.cfg.Clock.Now()
	e.emit(now, line)
}

// emit records a line in the log stream and in the current tail buffer.
func (e *environment) emit(t time.Time, line string) {
	p := e.pool
	p.m.cfg.Logs.Append(p.key.account, p.deployment.LogGroup, e.stream, logs.Event{Timestamp: t, Message: line})
	e.tailMu.Lock()
	if e.tail != nil {
		e.tail.add(line)
	}
	e.tailMu.Unlock()
}

func (e *environment) destroy() {
	e.frz.stop()
	if e.api != nil {
		e.api.Close()
	}
	if e.sb != nil {
		_ = e.sb.Destroy()
	}
	if e.out != nil {
		e.out.Close()
	}
}

func exitMessage(err error) string {
	if err == nil {
		return "Runtime exited without providing a reason"
	}
	var ee interface{ ExitCode() int }
	if errors.As(err, &ee) && ee.ExitCode() == 0 {
		return "Runtime exited without providing a reason"
	}
	return "Runtime exited with error: " + err.Error()
}

// tailBuffer keeps the last 4 KB of an invocation's log.
type tailBuffer struct{ b []byte }

const tailLimit = 4096

func (t *tailBuffer) add(line string) {
	t.b = append(t.b, line...)
	t.b = append(t.b, '\n')
	if len(t.b) > 4*tailLimit {
		t.b = append(t.b[:0], t.b[len(t.b)-tailLimit:]...)
	}
}

func (t *tailBuffer) bytes() []byte {
	if len(t.b) > tailLimit {
		return t.b[len(t.b)-tailLimit:]
	}
	return t.b
}

// insidePath shows a path under the task root as the function sees it
// (/var/task/…), so no host path reaches a caller.
func insidePath(p, taskRoot string) string {
	if rest, ok := strings.CutPrefix(p, taskRoot); ok && taskRoot != "/var/task" {
		return "/var/task" + rest
	}
	if strings.HasPrefix(p, "/var/task") {
		return p
	}
	return filepath.Base(p)
}

// exitReason classifies a runtime exit: killed for exceeding its memory
// limit (Runtime.OutOfMemory) or any other exit (Runtime.ExitError).
func exitReason(err error) (errType, message string) {
	if errors.Is(err, sandbox.ErrOutOfMemory) {
		return "Runtime.OutOfMemory", "Runtime exited with error: signal: killed (out of memory)"
	}
	return "Runtime.ExitError", exitMessage(err)
}

// peakRefresh bounds how stale the Max Memory Used of a REPORT line may be.
const peakRefresh = 100 * time.Millisecond

// peakMemory returns the environment's peak memory use; fresh is set when
// the invocation ended abnormally, so its figure is always read anew.
func (e *environment) peakMemory(now time.Time, fresh bool) int64 {
	if fresh || e.peakAt.IsZero() || now.Sub(e.peakAt) >= peakRefresh {
		e.peak, e.peakAt = e.sb.PeakMemoryBytes(), now
	}
	return e.peak
}
