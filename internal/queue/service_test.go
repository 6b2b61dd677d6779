package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/invoke"
	"lambent/internal/store"
	"lambent/internal/store/sqlite"
	"lambent/internal/testenv"
)

// wait bounds every wait for the service's goroutines.
const wait = 10 * time.Second

// fakeInvoker stands in for the invoke manager. respond decides each
// invocation; nil answers {"ok":true}.
type fakeInvoker struct {
	respond func(t invoke.Target, req invoke.Request) (*invoke.Response, error)

	mu    sync.Mutex
	calls []call
}

type call struct {
	target invoke.Target
	req    invoke.Request
}

var _ invoker = (*fakeInvoker)(nil)

func (f *fakeInvoker) Invoke(_ context.Context, t invoke.Target, req invoke.Request) (*invoke.Response, error) {
	f.mu.Lock()
	f.calls = append(f.calls, call{t, req})
	respond := f.respond
	f.mu.Unlock()
	if respond != nil {
		return respond(t, req)
	}
	return &invoke.Response{Payload: []byte(`{"ok":true}`), ExecutedVersion: t.Version}, nil
}

// callsTo returns the invocations of one function so far.
func (f *fakeInvoker) callsTo(fn string) []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []call
	for _, c := range f.calls {
		if c.target.FunctionName == fn {
			out = append(out, c)
		}
	}
	return out
}

// fakeFlusher stands in for the log writer.
type fakeFlusher struct {
	flush   func() error
	flushes atomic.Int64
}

var _ logFlusher = (*fakeFlusher)(nil)

func (f *fakeFlusher) Flush(context.Context) error {
	f.flushes.Add(1)
	if f.flush != nil {
		return f.flush()
	}
	return nil
}

type harness struct {
	t    *testing.T
	db   *sqlite.DB
	clk  *clocktest.Clock
	inv  *fakeInvoker
	logs *fakeFlusher
	cfg  Config
	svc  *Service
	ids  atomic.Int64
}

// newHarness starts a Service on a real SQLite store, a manual clock and
// fake invoker and log writer.
func newHarness(t *testing.T, mutate ...func(*Config)) *harness {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "lambent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	h := &harness{t: t, db: db, clk: clocktest.New(t0), inv: &fakeInvoker{}, logs: &fakeFlusher{}}
	h.cfg = Config{Store: db, Invoker: h.inv, Logs: h.logs, Clock: h.clk, Logger: slog.New(slog.DiscardHandler),
		NewID: func() string { return fmt.Sprintf("delivery-%d", h.ids.Add(1)) }, Region: "us-east-1", Owner: "node-1"}
	for _, m := range mutate {
		m(&h.cfg)
	}
	h.svc = h.start()
	return h
}

// start starts a Service on the harness's store and stops it with the test.
func (h *harness) start() *Service {
	h.t.Helper()
	svc, err := New(h.cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := svc.Start(h.t.Context()); err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(h.t.Context()), wait)
		defer cancel()
		_ = svc.Close(ctx)
		svc.Wait()
	})
	return svc
}

const acct = acctA

func (h *harness) createFunction(name string, mutate ...func(*function.Config)) {
	h.t.Helper()
	cfg := &function.Config{Runtime: "provided.al2023", Handler: "bootstrap", TimeoutSec: 3, State: function.StateActive}
	for _, m := range mutate {
		m(cfg)
	}
	cfg.Live = cfg.Deployment("gen-1")
	f := &store.Function{Name: name, Version: store.LatestVersion, RevisionID: "rev", CodeDigest: "sha256:x", Config: cfg.Encode()}
	if err := h.db.CreateFunction(h.t.Context(), acct, f); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) putConfig(c *store.EventInvokeConfig) {
	h.t.Helper()
	c.Qualifier, c.LastModified = store.LatestVersion, t0
	if err := h.db.PutEventInvokeConfig(h.t.Context(), acct, c); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) submit(fn, id, payload string) {
	h.t.Helper()
	err := h.svc.Submit(h.t.Context(), Submission{Account: acct, RequestID: id, Function: fn, Payload: []byte(payload), TimeoutSec: 3})
	if err != nil {
		h.t.Fatalf("Submit: %v", err)
	}
}

// waitCalls waits until fn was invoked n times.
func (h *harness) waitCalls(fn string, n int) []call {
	h.t.Helper()
	var got []call
	testenv.WaitFor(h.t, wait, func() error {
		if got = h.inv.callsTo(fn); len(got) < n {
			return fmt.Errorf("%s invoked %d times, want %d", fn, len(got), n)
		}
		return nil
	})
	return got
}

// waitNextVisible waits until the earliest queued event becomes visible at
// want: the settlement before it has committed.
func (h *harness) waitNextVisible(want time.Time) {
	h.t.Helper()
	testenv.WaitFor(h.t, wait, func() error {
		at, ok, err := h.db.NextVisible(h.t.Context())
		if err != nil || !ok || !at.Equal(want) {
			return fmt.Errorf("next visible %v (queued %v, %v), want %v", at, ok, err, want)
		}
		return nil
	})
}

// waitEmpty waits until nothing is queued.
func (h *harness) waitEmpty() {
	h.t.Helper()
	testenv.WaitFor(h.t, wait, func() error {
		if at, ok, err := h.db.NextVisible(h.t.Context()); err != nil || ok {
			return fmt.Errorf("queue not empty: next visible %v, %v", at, err)
		}
		return nil
	})
}

func (h *harness) waitFailed(fn string) *store.FailedEvent {
	h.t.Helper()
	var got []*store.FailedEvent
	testenv.WaitFor(h.t, wait, func() error {
		var err error
		if got, err = h.db.FailedEvents(h.t.Context(), acct, fn, 0, 10); err != nil || len(got) == 0 {
			return fmt.Errorf("no failed event of %s yet (%v)", fn, err)
		}
		return nil
	})
	if len(got) != 1 {
		h.t.Fatalf("%d failed events of %s, want 1", len(got), fn)
	}
	return got[0]
}

func functionError(_ invoke.Target, req invoke.Request) (*invoke.Response, error) {
	return &invoke.Response{Payload: []byte(`{"errorMessage":"boom","errorType":"Error"}`), FunctionError: "Unhandled",
		ExecutedVersion: store.LatestVersion}, nil
}

func decodeRecord(t *testing.T, payload []byte) record {
	t.Helper()
	var r record
	if err := json.Unmarshal(payload, &r); err != nil {
		t.Fatalf("record %s: %v", payload, err)
	}
	return r
}

func TestSubmitRunsAtOnce(t *testing.T) {
	h := newHarness(t)
	h.createFunction("fn")
	h.submit("fn", "req-1", `{"n":1}`)
	c := h.waitCalls("fn", 1)[0]
	if c.req.RequestID != "req-1" || string(c.req.Payload) != `{"n":1}` || c.target.Version != store.LatestVersion ||
		c.target.InvokedARN != "arn:aws:lambda:us-east-1:111111111111:function:fn" || c.target.Deployment == nil {
		t.Errorf("invocation %+v", c)
	}
	h.waitEmpty()
	if h.logs.flushes.Load() == 0 {
		t.Error("the event settled without a log flush")
	}
}

func TestEventsWaitForAFreeWorker(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t, func(c *Config) { c.Workers = 1 })
	h.inv.respond = func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
		if req.RequestID == "first" {
			<-release
		}
		return &invoke.Response{Payload: []byte(`null`), ExecutedVersion: t.Version}, nil
	}
	h.createFunction("fn")
	h.submit("fn", "first", `{}`)
	h.waitCalls("fn", 1)
	h.submit("fn", "second", `{}`)
	h.submit("fn", "third", `{}`)
	if got := len(h.inv.callsTo("fn")); got != 1 {
		t.Fatalf("%d invocations while the only worker is busy, want 1", got)
	}
	close(release)
	calls := h.waitCalls("fn", 3)
	h.waitEmpty()
	var order []string
	for _, c := range calls {
		order = append(order, c.req.RequestID)
	}
	if fmt.Sprint(order) != "[first second third]" || len(h.inv.callsTo("fn")) != 3 {
		t.Errorf("ran %v, want each once in queue order", order)
	}
}

func TestFunctionErrorsAreRetriedThenKept(t *testing.T) {
	h := newHarness(t)
	h.inv.respond = functionError
	h.createFunction("fn")
	h.submit("fn", "req-1", `{"n":1}`)
	h.waitCalls("fn", 1)
	h.waitNextVisible(t0.Add(time.Minute))
	h.clk.Advance(time.Minute - time.Millisecond)
	if n := len(h.inv.callsTo("fn")); n != 1 {
		t.Fatalf("retried after %d calls before a minute passed", n)
	}
	h.clk.Advance(time.Millisecond)
	h.waitCalls("fn", 2)
	h.waitNextVisible(t0.Add(3 * time.Minute))
	h.clk.Advance(2 * time.Minute)
	h.waitCalls("fn", 3)
	f := h.waitFailed("fn")
	if f.ID != "req-1" || f.Condition != "RetriesExhausted" || f.Attempts != 3 || f.FunctionError != "Unhandled" ||
		string(f.Payload) != `{"n":1}` || string(f.Response) != `{"errorMessage":"boom","errorType":"Error"}` {
		t.Errorf("failed event %+v", f)
	}
	h.waitEmpty()
	if n := len(h.inv.callsTo("fn")); n != 3 {
		t.Errorf("%d invocations, want 1 + 2 retries", n)
	}
}

func TestOnFailureDestinationGetsTheRecord(t *testing.T) {
	h := newHarness(t)
	h.inv.respond = func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
		if t.FunctionName == "fn" {
			return functionError(t, req)
		}
		return &invoke.Response{Payload: []byte(`null`), ExecutedVersion: t.Version}, nil
	}
	h.createFunction("fn")
	h.createFunction("sink")
	h.putConfig(&store.EventInvokeConfig{Function: "fn", MaximumRetryAttempts: intp(0),
		OnFailure: "arn:aws:lambda:us-east-1:111111111111:function:sink"})
	h.submit("fn", "req-1", `{"n":1}`)
	c := h.waitCalls("sink", 1)[0]
	r := decodeRecord(t, c.req.Payload)
	want := requestContext{RequestID: "req-1", FunctionARN: "arn:aws:lambda:us-east-1:111111111111:function:fn:$LATEST",
		Condition: "RetriesExhausted", ApproximateInvokeCount: 1}
	if r.Version != "1.0" || r.RequestContext != want || string(r.RequestPayload) != `{"n":1}` ||
		r.ResponseContext == nil || *r.ResponseContext != (responseContext{200, "$LATEST", "Unhandled"}) ||
		string(r.ResponsePayload) != `{"errorMessage":"boom","errorType":"Error"}` {
		t.Errorf("record %s", c.req.Payload)
	}
	if c.req.RequestID == "req-1" {
		t.Error("the delivery reused the original request ID")
	}
	h.waitEmpty()
	if fs, _ := h.db.FailedEvents(t.Context(), acct, "fn", 0, 10); len(fs) != 0 {
		t.Errorf("a delivered failure was also kept: %+v", fs)
	}
}

func TestOnSuccessDestinationGetsTheRecord(t *testing.T) {
	h := newHarness(t)
	h.createFunction("fn")
	h.createFunction("sink")
	h.putConfig(&store.EventInvokeConfig{Function: "fn", OnSuccess: "arn:aws:lambda:us-east-1:111111111111:function:sink"})
	h.submit("fn", "req-1", `{"n":1}`)
	r := decodeRecord(t, h.waitCalls("sink", 1)[0].req.Payload)
	if r.RequestContext.Condition != "Success" || r.RequestContext.ApproximateInvokeCount != 1 ||
		r.ResponseContext == nil || r.ResponseContext.FunctionError != "" || string(r.ResponsePayload) != `{"ok":true}` {
		t.Errorf("record %+v", r)
	}
	h.waitEmpty()
}

func TestDeadLetterTargetGetsTheEvent(t *testing.T) {
	h := newHarness(t)
	h.inv.respond = func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
		if t.FunctionName == "fn" {
			return functionError(t, req)
		}
		return &invoke.Response{Payload: []byte(`null`), ExecutedVersion: t.Version}, nil
	}
	h.createFunction("fn", func(c *function.Config) { c.DeadLetterTarget = "arn:aws:lambda:us-east-1:111111111111:function:dlq" })
	h.createFunction("dlq")
	h.putConfig(&store.EventInvokeConfig{Function: "fn", MaximumRetryAttempts: intp(0)})
	h.submit("fn", "req-1", `{"n":1}`)
	if got := string(h.waitCalls("dlq", 1)[0].req.Payload); got != `{"n":1}` {
		t.Errorf("dead-letter target got %s, want the original event", got)
	}
	h.waitEmpty()
}

func TestThrottlesBackOffWithoutCountingAttempts(t *testing.T) {
	h := newHarness(t)
	var throttles atomic.Int64
	h.inv.respond = func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
		if t.FunctionName == "fn" && throttles.Add(1) <= 2 {
			return nil, errkind.WithDetail(errkind.Throttled, "ConcurrentInvocationLimitExceeded", "Rate Exceeded.")
		}
		return &invoke.Response{Payload: []byte(`null`), ExecutedVersion: t.Version}, nil
	}
	h.createFunction("fn")
	h.createFunction("sink")
	h.putConfig(&store.EventInvokeConfig{Function: "fn", OnSuccess: "arn:aws:lambda:us-east-1:111111111111:function:sink"})
	h.submit("fn", "req-1", `{}`)
	h.waitNextVisible(t0.Add(time.Second))
	h.clk.Advance(time.Second)
	h.waitNextVisible(t0.Add(3 * time.Second))
	h.clk.Advance(2 * time.Second)
	r := decodeRecord(t, h.waitCalls("sink", 1)[0].req.Payload)
	if r.RequestContext.ApproximateInvokeCount != 1 {
		t.Errorf("approximateInvokeCount = %d, want 1: throttles are not invocations", r.RequestContext.ApproximateInvokeCount)
	}
}

func TestEventAgeExceeded(t *testing.T) {
	h := newHarness(t)
	h.inv.respond = func(invoke.Target, invoke.Request) (*invoke.Response, error) {
		return nil, errkind.New(errkind.Unavailable, "no environment")
	}
	h.createFunction("fn")
	h.putConfig(&store.EventInvokeConfig{Function: "fn", MaximumEventAgeSeconds: intp(60)})
	h.submit("fn", "req-1", `{}`)
	h.waitCalls("fn", 1)
	// Backoff 1 s, 2 s, 4 s, … from each deferral; the last try comes at
	// the maximum age, and the deferral there fails the event.
	for i, sec := range []int{1, 3, 7, 15, 31, 60} {
		at := t0.Add(time.Duration(sec) * time.Second)
		h.waitNextVisible(at)
		h.clk.Set(at)
		h.waitCalls("fn", i+2)
	}
	f := h.waitFailed("fn")
	if f.Condition != "EventAgeExceeded" || f.Attempts != 0 {
		t.Errorf("failed event %+v, want EventAgeExceeded without attempts", f)
	}
}

func TestDeletedFunctionKeepsItsEvents(t *testing.T) {
	h := newHarness(t)
	ev := &store.QueuedEvent{ID: "orphan", Function: "gone", Payload: []byte(`{}`), EnqueuedAt: t0, VisibleAt: t0, LeaseFor: time.Minute}
	if err := h.db.Enqueue(t.Context(), acct, ev); err != nil {
		t.Fatal(err)
	}
	h.svc.signal()
	if f := h.waitFailed("gone"); f.Condition != "FunctionNotFound" {
		t.Errorf("failed event %+v", f)
	}
}

func TestLogsAreFlushedBeforeTheEventSettles(t *testing.T) {
	h := newHarness(t)
	var queuedAtFlush atomic.Bool
	h.logs.flush = func() error {
		_, ok, _ := h.db.NextVisible(context.Background())
		queuedAtFlush.Store(ok)
		return nil
	}
	h.createFunction("fn")
	h.submit("fn", "req-1", `{}`)
	h.waitEmpty()
	if !queuedAtFlush.Load() {
		t.Error("the event left the queue before its logs were flushed")
	}
}

func TestFlushFailureRunsTheEventAgain(t *testing.T) {
	h := newHarness(t)
	var failures atomic.Int64
	h.logs.flush = func() error {
		if failures.Add(1) == 1 {
			return errors.New("disk full")
		}
		return nil
	}
	h.createFunction("fn")
	h.submit("fn", "req-1", `{}`)
	h.waitNextVisible(t0.Add(time.Second))
	h.clk.Advance(time.Second)
	h.waitCalls("fn", 2)
	h.waitEmpty()
}

func TestLongerTimeoutRenewsTheLease(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.LeaseMargin = time.Second })
	h.createFunction("fn", func(c *function.Config) { c.TimeoutSec = 60 })
	ev := &store.QueuedEvent{ID: "short", Function: "fn", Payload: []byte(`{}`), EnqueuedAt: t0, VisibleAt: t0, LeaseFor: 4 * time.Second}
	if err := h.db.Enqueue(t.Context(), acct, ev); err != nil {
		t.Fatal(err)
	}
	h.svc.signal()
	h.waitCalls("fn", 1)
	h.waitEmpty()
	if n := len(h.inv.callsTo("fn")); n != 1 {
		t.Errorf("%d invocations, want 1", n)
	}
}

func TestDeliveryDepthIsBounded(t *testing.T) {
	h := newHarness(t)
	h.createFunction("fn")
	h.createFunction("sink")
	h.putConfig(&store.EventInvokeConfig{Function: "fn", OnSuccess: "arn:aws:lambda:us-east-1:111111111111:function:sink"})
	ev := &store.QueuedEvent{ID: "deep", Function: "fn", Payload: []byte(`{}`), EnqueuedAt: t0, VisibleAt: t0,
		LeaseFor: time.Hour, Depth: maxDepth}
	if err := h.db.Enqueue(t.Context(), acct, ev); err != nil {
		t.Fatal(err)
	}
	h.svc.signal()
	h.waitCalls("fn", 1)
	h.waitEmpty()
	if n := len(h.inv.callsTo("sink")); n != 0 {
		t.Errorf("delivered past the depth limit (%d sink invocations)", n)
	}
}

func TestCloseLetsRunningEventsFinish(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t)
	h.inv.respond = func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
		<-release
		return &invoke.Response{Payload: []byte(`null`), ExecutedVersion: t.Version}, nil
	}
	h.createFunction("fn")
	h.submit("fn", "req-1", `{}`)
	h.waitCalls("fn", 1)
	closed := make(chan error, 1)
	go func() { closed <- h.svc.Close(t.Context()) }()
	testenv.WaitFor(t, wait, func() error {
		h.svc.mu.Lock()
		defer h.svc.mu.Unlock()
		if !h.svc.closing {
			return errors.New("not closing yet")
		}
		return nil
	})
	err := h.svc.Submit(t.Context(), Submission{Account: acct, RequestID: "late", Function: "fn", TimeoutSec: 3})
	if !errkind.Is(err, errkind.Unavailable) {
		t.Errorf("Submit while closing = %v, want Unavailable", err)
	}
	close(release)
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, ok, _ := h.db.NextVisible(t.Context()); ok {
		t.Error("the event that finished during Close is still queued")
	}
}

func TestAbandonedEventsRunAfterRestart(t *testing.T) {
	release := make(chan struct{})
	h := newHarness(t)
	h.inv.respond = func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
		if len(h.inv.callsTo("fn")) == 1 {
			<-release // the first run outlives the shutdown bound
		}
		return &invoke.Response{Payload: []byte(`null`), ExecutedVersion: t.Version}, nil
	}
	h.createFunction("fn")
	h.submit("fn", "req-1", `{}`)
	h.waitCalls("fn", 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := h.svc.Close(ctx); err == nil {
		t.Fatal("Close with an expired context reported a clean drain")
	}
	close(release) // the invoke manager's Close would end it
	h.svc.Wait()
	if _, ok, _ := h.db.NextVisible(t.Context()); !ok {
		t.Fatal("an abandoned event was settled")
	}
	h.svc = h.start() // the node restarts: its old leases are released
	h.waitCalls("fn", 2)
	h.waitEmpty()
}
