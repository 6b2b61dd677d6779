// Package invoke orchestrates invocations: it finds a warm execution
// environment of the function version or starts one, enforces the
// per-account concurrency limit, hands the event to the runtime, enforces
// the deadline, and records Lambda's START/END/REPORT log lines.
//
// Environments belong to one function version and deployment generation;
// they serve one invocation at a time and are reused warm. Idle ones are
// reaped after IdleTimeout, every one is retired after MaxLifetime, and a
// code or configuration update retires all of a function's environments.
package invoke

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/logs"
	"lambent/internal/runtimes"
	"lambent/internal/sandbox"
)

// Config configures a Manager. Every field without a documented default
// is required.
type Config struct {
	Sandbox  sandbox.Sandbox
	Runtimes runtimeCatalog
	Code     codeDirs
	Logs     logAppender
	Clock    clock.Clock
	Logger   *slog.Logger
	Metrics  *Metrics

	Region     string
	RuntimeDir string // host dir holding the embedded runtime clients
	// Images gives each runtime's base image (sandbox.Spec.RootImage),
	// built on a runtime's first cold start; nil gives none (the process
	// tier, which runs the host's interpreters directly).
	Images rootImages
	// Endpoint is Lambent's API URL as reachable from inside an
	// environment with egress (the sandbox's gateway address under the
	// linux tier, the API's own address under the process tier), given to
	// functions as AWS_ENDPOINT_URL_LAMBDA, _STS, _IAM and
	// _CLOUDWATCH_LOGS. Empty: none is set.
	Endpoint string
	// FunctionTags returns a function's tags, read at each cold start: a
	// function tagged lambent:egress = none gets an environment without
	// network access (Spec.Egress false). Nil: every environment asks for
	// egress.
	FunctionTags func(ctx context.Context, acct account.ID, name string) (map[string]string, error)
	// FreezeDelay is how long an idle environment runs on after an
	// invocation before it is frozen, when the sandbox can freeze;
	// default DefaultFreezeDelay, negative disables freezing.
	FreezeDelay time.Duration
	// Credentials issues execution-role credentials; nil runs functions
	// without any (tests of the manager alone).
	Credentials roleCredentials

	// AccountConcurrency caps concurrent invocations per account
	// (default 1000).
	AccountConcurrency int
	IdleTimeout        time.Duration // default 10 minutes
	MaxLifetime        time.Duration // default 2 hours
	InitTimeout        time.Duration // default 10 seconds
	// LogLimit caps the bytes of runtime output kept per invocation (and
	// for the init phase); the rest is dropped after a truncation line.
	// Default DefaultLogLimit; negative means no limit.
	LogLimit int64
}

// Validate fills defaults and checks required fields.
func (c *Config) Validate() error {
	if c.Sandbox == nil || c.Runtimes == nil || c.Code == nil || c.Logs == nil || c.Clock == nil || c.Logger == nil {
		return errors.New("invoke: Sandbox, Runtimes, Code, Logs, Clock and Logger are required")
	}
	if c.AccountConcurrency <= 0 {
		c.AccountConcurrency = 1000
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 10 * time.Minute
	}
	if c.MaxLifetime <= 0 {
		c.MaxLifetime = 2 * time.Hour
	}
	if c.InitTimeout <= 0 {
		c.InitTimeout = 10 * time.Second
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(nil)
	}
	if c.FreezeDelay == 0 {
		c.FreezeDelay = DefaultFreezeDelay
	}
	if c.LogLimit == 0 {
		c.LogLimit = DefaultLogLimit
	}
	return nil
}

// Credentials are an execution role's temporary credentials.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
}

// roleCredentials issues execution-role credentials for a function.
type roleCredentials interface {
	ExecutionCredentials(ctx context.Context, roleARN, functionARN, functionName string) (Credentials, error)
}

// runtimeInfo is the subset of runtimes.Runtime the manager uses.
type runtimeInfo = runtimes.Runtime

// runtimeCatalog is the subset of runtimes.Catalog the manager uses.
type runtimeCatalog interface {
	Lookup(name string) (runtimes.Runtime, error)
}

// rootImages is the subset of baseimage.Store the manager uses.
type rootImages interface {
	Image(ctx context.Context, rt runtimes.Runtime) (string, error)
}

// codeDirs gives the extracted package of a digest.
type codeDirs interface {
	Dir(ctx context.Context, digest string) (string, error)
}

// logAppender is the subset of logs.Writer the manager uses.
type logAppender interface {
	Append(acct account.ID, group, stream string, events ...logs.Event)
}

// Target names what to invoke.
type Target struct {
	Account      account.ID
	FunctionName string
	// Version is the version that runs: "$LATEST" or a number.
	Version string
	// InvokedARN is the ARN as the caller named it (with alias, if any).
	InvokedARN string
	Deployment *function.Deployment
}

// Request is one synchronous invocation.
type Request struct {
	RequestID     string
	Payload       []byte
	ClientContext string // decoded JSON
	TraceID       string
	Tail          bool
}

// Response is the outcome of an invocation.
type Response struct {
	Payload []byte
	// FunctionError is "Unhandled" when the function failed, else "".
	FunctionError string
	// LogTail is the last 4 KB of the invocation's log, when requested.
	LogTail []byte
	// ExecutedVersion is the version that ran.
	ExecutedVersion string
}

// Manager runs invocations.
type Manager struct {
	cfg Config

	mu       sync.Mutex
	pools    map[poolKey]*pool
	inflight map[account.ID]int
	closing  bool
	wg       sync.WaitGroup
	stop     chan struct{}
	reaped   chan struct{}
}

type poolKey struct {
	account    account.ID
	name       string
	version    string
	generation string
}

type pool struct {
	m          *Manager
	key        poolKey
	deployment *function.Deployment
	idle       []*environment // LIFO: the most recently used is the warmest
	busy       map[*environment]struct{}
	// starting counts cold starts in progress; Reap keeps the pool while
	// any runs. retired is set when Retire removed the pool: environments
	// that finish starting afterwards run old code.
	starting int
	retired  bool
}

// New returns a Manager and starts its reaper.
func New(cfg Config) (*Manager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, pools: map[poolKey]*pool{}, inflight: map[account.ID]int{},
		stop: make(chan struct{}), reaped: make(chan struct{})}
	go m.reapLoop()
	return m, nil
}

// Invoke runs one synchronous invocation of t.
func (m *Manager) Invoke(ctx context.Context, t Target, req Request) (*Response, error) {
	if err := m.admit(t.Account); err != nil {
		m.cfg.Metrics.throttle(t)
		return nil, err
	}
	defer m.leave(t.Account)
	return m.run(ctx, t, req)
}

// admit counts an invocation against the account's concurrency.
func (m *Manager) admit(acct account.ID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return errkind.New(errkind.Unavailable, "The server is shutting down.")
	}
	if m.inflight[acct] >= m.cfg.AccountConcurrency {
		return errkind.WithDetail(errkind.Throttled, "ConcurrentInvocationLimitExceeded", "Rate Exceeded.")
	}
	m.inflight[acct]++
	m.wg.Add(1)
	m.cfg.Metrics.concurrent.Inc()
	return nil
}

func (m *Manager) leave(acct account.ID) {
	m.mu.Lock()
	if m.inflight[acct]--; m.inflight[acct] <= 0 {
		delete(m.inflight, acct)
	}
	m.mu.Unlock()
	m.cfg.Metrics.concurrent.Dec()
	m.wg.Done()
}

func (m *Manager) run(ctx context.Context, t Target, req Request) (*Response, error) {
	p := m.pool(t)
	e, cold := p.acquire()
	for e != nil {
		if e.stale(m.cfg.Clock.Now(), m.cfg.MaxLifetime) {
			p.release(e, false) // too old, or its credentials expire soon
			e, cold = p.acquire()
			continue
		}
		err := e.frz.busy()
		if err == nil {
			break
		}
		m.cfg.Logger.Warn("thaw environment; destroying it", "function", t.FunctionName, "err", err)
		p.release(e, false)
		e, cold = p.acquire()
	}
	if e == nil {
		var f *initFailure
		var err error
		e, f, err = m.startEnvironment(ctx, p)
		if err != nil {
			p.abandon()
			return nil, fmt.Errorf("start environment: %w", err)
		}
		if f != nil {
			p.abandon()
			m.cfg.Metrics.observe(t, 0, true, true)
			return m.initFailed(t, req, f), nil
		}
		p.add(e)
		cold = true
	}
	resp, reusable := m.execute(e, t, req, cold)
	p.release(e, reusable)
	return resp, nil
}

// initFailed answers an invocation whose environment never became ready:
// the error is returned at once, never after the timeout.
func (m *Manager) initFailed(t Target, req Request, f *initFailure) *Response {
	doc := f.document(req.RequestID)
	line := initReportLine(f.duration, f.errType)
	resp := &Response{Payload: doc, FunctionError: "Unhandled", ExecutedVersion: t.Version}
	if req.Tail {
		resp.LogTail = []byte(line + "\n")
	}
	return resp
}

// pool returns the pool of t's deployment, creating it.
func (m *Manager) pool(t Target) *pool {
	k := poolKey{account: t.Account, name: t.FunctionName, version: t.Version, generation: t.Deployment.Generation}
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pools[k]
	if !ok {
		p = &pool{m: m, key: k, deployment: t.Deployment, busy: map[*environment]struct{}{}}
		m.pools[k] = p
	}
	return p
}

func (p *pool) acquire() (*environment, bool) {
	p.m.mu.Lock()
	defer p.m.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		p.starting++ // the caller starts one: add or abandon
		return nil, false
	}
	e := p.idle[n-1]
	p.idle = p.idle[:n-1]
	p.busy[e] = struct{}{}
	return e, false
}

func (p *pool) add(e *environment) {
	p.m.mu.Lock()
	p.starting--
	e.retired = p.retired
	p.busy[e] = struct{}{}
	p.m.mu.Unlock()
}

// abandon ends a cold start that produced no environment.
func (p *pool) abandon() {
	p.m.mu.Lock()
	p.starting--
	p.m.mu.Unlock()
}

// release returns e to the idle list, or destroys it when it cannot be
// reused, was retired, or outlived MaxLifetime.
func (p *pool) release(e *environment, reusable bool) {
	now := p.m.cfg.Clock.Now()
	p.m.mu.Lock()
	delete(p.busy, e)
	closing := p.m.closing
	keep := reusable && !e.retired && !closing && !e.stale(now, p.m.cfg.MaxLifetime)
	if keep {
		e.lastUsed = now
		e.frz.idleNow() // before another invocation can take it
		p.idle = append(p.idle, e)
	}
	p.m.mu.Unlock()
	switch {
	case keep:
	case closing:
		e.destroy() // before the invocation ends, so that Close waits for it
	default:
		go e.destroy()
	}
}

// Retire retires every environment of a function (all versions): idle ones
// are destroyed now, busy ones when their invocation ends.
func (m *Manager) Retire(acct account.ID, name string) {
	var victims []*environment
	m.mu.Lock()
	for k, p := range m.pools {
		if k.account != acct || k.name != name {
			continue
		}
		victims = append(victims, p.idle...)
		p.idle = nil
		for e := range p.busy {
			e.retired = true
		}
		p.retired = true
		delete(m.pools, k)
	}
	m.mu.Unlock()
	for _, e := range victims {
		go e.destroy()
	}
}

// Environments reports how many environments exist (idle and busy).
func (m *Manager) Environments() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.pools {
		n += len(p.idle) + len(p.busy)
	}
	return n
}

// Close stops admitting invocations, waits for running ones (until ctx
// ends) and destroys every environment.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		return nil
	}
	m.closing = true
	m.mu.Unlock()
	close(m.stop)
	<-m.reaped

	drained := make(chan struct{})
	go func() { m.wg.Wait(); close(drained) }()
	var err error
	select {
	case <-drained:
	case <-ctx.Done():
		err = fmt.Errorf("drain invocations: %w", ctx.Err())
	}
	m.mu.Lock()
	var all []*environment
	for k, p := range m.pools {
		all = append(all, p.idle...)
		for e := range p.busy {
			all = append(all, e)
		}
		delete(m.pools, k)
	}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, e := range all {
		wg.Add(1)
		go func() { defer wg.Done(); e.destroy() }()
	}
	wg.Wait()
	return err
}

func (m *Manager) reapLoop() {
	defer close(m.reaped)
	interval := min(m.cfg.IdleTimeout, m.cfg.MaxLifetime) / 4
	if interval > 30*time.Second {
		interval = 30 * time.Second
	}
	if interval < 10*time.Millisecond {
		interval = 10 * time.Millisecond
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-tick.C:
			m.Reap()
		}
	}
}

// Reap destroys idle environments past IdleTimeout or MaxLifetime.
func (m *Manager) Reap() {
	now := m.cfg.Clock.Now()
	var victims []*environment
	m.mu.Lock()
	for k, p := range m.pools {
		keep := p.idle[:0]
		for _, e := range p.idle {
			if now.Sub(e.lastUsed) >= m.cfg.IdleTimeout || e.stale(now, m.cfg.MaxLifetime) {
				victims = append(victims, e)
			} else {
				keep = append(keep, e)
			}
		}
		p.idle = keep
		if len(p.idle) == 0 && len(p.busy) == 0 && p.starting == 0 {
			delete(m.pools, k)
		}
	}
	m.mu.Unlock()
	for _, e := range victims {
		go e.destroy()
	}
}
