package invoke_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/account"
	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/invoke"
	"lambent/internal/sandbox"
	"lambent/internal/testenv"
)

// reportRE matches a REPORT line: two-decimal Duration, integer Billed
// Duration, Init Duration after Max Memory Used, abnormal status last, a
// trailing tab.
var reportRE = regexp.MustCompile(`^REPORT RequestId: (\S+)\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\t` +
	`Memory Size: 128 MB\tMax Memory Used: \d+ MB\t(Init Duration: \d+\.\d\d ms\t)?(Status: [a-z]+\t(Error Type: [A-Za-z.]+\t)?)?$`)

// checkReport checks line is requestID's REPORT with or without Init
// Duration and with the given status suffix ("" for a normal end).
func checkReport(t *testing.T, line, requestID string, cold bool, status string) {
	t.Helper()
	m := reportRE.FindStringSubmatch(line)
	if m == nil || m[1] != requestID {
		t.Errorf("REPORT line %q is malformed or not for %s", line, requestID)
		return
	}
	if (m[2] != "") != cold {
		t.Errorf("REPORT line %q: Init Duration present = %t, want %t", line, m[2] != "", cold)
	}
	if m[3] != status {
		t.Errorf("REPORT line %q: status %q, want %q", line, m[3], status)
	}
}

// initReportRE matches the INIT_REPORT line of a failed init.
var initReportRE = regexp.MustCompile(`^INIT_REPORT Init Duration: (\d+\.\d\d) ms\tPhase: init\tStatus: error\tError Type: ([A-Za-z.]+)\n$`)

func TestColdThenWarm(t *testing.T) {
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 3))
	resp1, id1 := f.call(t, tgt, event{Action: "echo", Value: "one"})
	r1 := decode(t, resp1)
	resp2, id2 := f.call(t, tgt, event{Action: "echo", Value: "two"})
	r2 := decode(t, resp2)
	if r1.Value != "one" || r2.Value != "two" {
		t.Errorf("values %q, %q; want one, two", r1.Value, r2.Value)
	}
	if r1.PID != r2.PID || r1.Stream != r2.Stream {
		t.Errorf("second invocation ran in another environment: %+v then %+v", r1, r2)
	}
	if resp1.ExecutedVersion != "$LATEST" {
		t.Errorf("ExecutedVersion = %q", resp1.ExecutedVersion)
	}
	if n := f.m.Environments(); n != 1 {
		t.Errorf("Environments = %d, want 1", n)
	}
	cold, warm := f.logs.invocation(r1.Stream, id1), f.logs.invocation(r1.Stream, id2)
	if len(cold) == 0 || len(warm) == 0 {
		t.Fatalf("log stream %s lacks an invocation: %q", r1.Stream, f.logs.lines(r1.Stream))
	}
	checkReport(t, cold[len(cold)-1], id1, true, "")
	checkReport(t, warm[len(warm)-1], id2, false, "")
}

func TestRuntimeEnvironment(t *testing.T) {
	t.Setenv("INVOKE_TEST_PARENT_ONLY", "must not reach the runtime")
	f := newFixture(t, nil)
	resp, _ := f.call(t, target(deployment(handlerOK, 3)), event{Action: "env"})
	r := decode(t, resp)
	env := map[string]string{}
	for _, kv := range r.Env {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	want := map[string]string{
		"GREETING":                        "hello",     // customer variable
		"AWS_REGION":                      "us-east-1", // reserved variables win
		"AWS_LAMBDA_FUNCTION_NAME":        "fn",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"AWS_LAMBDA_LOG_GROUP_NAME":       logGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME":      r.Stream,
		"_HANDLER":                        handlerOK,
		"TZ":                              ":UTC",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"INVOKE_TEST_PARENT_ONLY", "HOME", "_LAMBDA_SERVER_PORT"} {
		if v, ok := env[k]; ok {
			t.Errorf("runtime sees %s=%q", k, v)
		}
	}
}

func TestParallelInvokesCreateEnvironments(t *testing.T) {
	const n = 3
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 10))
	hold := newHolder(t)
	var chans []<-chan outcome
	for range n {
		chans = append(chans, f.callAsync(t, tgt, hold.event()))
	}
	// All n are held at once, so each runs in its own environment.
	for range n {
		hold.accept(t).Close()
	}
	pids := map[int]bool{}
	for _, ch := range chans {
		o := wait(t, ch)
		if o.err != nil {
			t.Fatal(o.err)
		}
		pids[decode(t, o.resp).PID] = true
	}
	if len(pids) != n {
		t.Errorf("%d invocations ran in %d environments, want %d", n, len(pids), n)
	}
	if got := f.m.Environments(); got != n {
		t.Errorf("Environments = %d, want %d", got, n)
	}
}

func TestAccountConcurrencyLimit(t *testing.T) {
	f := newFixture(t, func(c *invoke.Config) { c.AccountConcurrency = 1 })
	d := deployment(handlerOK, 10)
	hold := newHolder(t)
	held := f.callAsync(t, target(d), hold.event())
	conn := hold.accept(t)

	_, err := f.m.Invoke(t.Context(), target(d), invokeRequest("throttled", event{Action: "echo"}))
	e, ok := errkind.As(err)
	if !ok || e.Kind != errkind.Throttled || e.Detail != "ConcurrentInvocationLimitExceeded" {
		t.Errorf("second invocation: %v, want Throttled with ConcurrentInvocationLimitExceeded", err)
	}
	other := target(d)
	other.Account = "210987654321"
	if _, err := f.m.Invoke(t.Context(), other, invokeRequest("other-account", event{Action: "echo"})); err != nil {
		t.Errorf("another account's invocation: %v", err)
	}

	conn.Close()
	if o := wait(t, held); o.err != nil {
		t.Fatal(o.err)
	}
	// The slot is free again.
	f.call(t, target(d), event{Action: "echo"})
}

func TestDeadline(t *testing.T) {
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 1))
	before := decode(t, first(f.call(t, tgt, event{Action: "echo"})))

	start := time.Now()
	resp, id := f.call(t, tgt, event{Action: "hang"})
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("timed out after %v, before the 1 s timeout", elapsed)
	}
	want := `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ` + id + ` Error: Task timed out after 1.00 seconds"}`
	if string(resp.Payload) != want || resp.FunctionError != "Unhandled" {
		t.Errorf("response %s %s, want Unhandled %s", resp.FunctionError, resp.Payload, want)
	}
	lines := f.logs.invocation(before.Stream, id)
	if len(lines) < 4 {
		t.Fatalf("log lines %q", lines)
	}
	timedOut := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ` + id + ` Task timed out after 1\.00 seconds$`)
	if !timedOut.MatchString(lines[len(lines)-3]) || lines[len(lines)-2] != "END RequestId: "+id {
		t.Errorf("log ends %q, want the timeout line, END and REPORT", lines[len(lines)-3:])
	}
	checkReport(t, lines[len(lines)-1], id, false, "Status: timeout\t")
	if !strings.Contains(string(resp.LogTail), "Task timed out after 1.00 seconds") {
		t.Errorf("LogTail lacks the timeout line:\n%s", resp.LogTail)
	}

	// The environment is destroyed, never reused.
	f.waitNoEnvironments(t)
	after := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
	if after.PID == before.PID {
		t.Error("the timed-out environment was reused")
	}
}

func first(resp *invoke.Response, _ string) *invoke.Response { return resp }

func TestRuntimeExit(t *testing.T) {
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 3))
	before := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
	resp, id := f.call(t, tgt, event{Action: "exit"})
	want := `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ` + id + ` Error: Runtime exited with error: exit status 3"}`
	if string(resp.Payload) != want || resp.FunctionError != "Unhandled" {
		t.Errorf("response %s %s, want Unhandled %s", resp.FunctionError, resp.Payload, want)
	}
	lines := f.logs.invocation(before.Stream, id)
	if len(lines) != 4 || lines[1] != "exiting on request" {
		t.Fatalf("log lines %q, want START, the runtime's last line, END, REPORT", lines)
	}
	checkReport(t, lines[3], id, false, "Status: error\tError Type: Runtime.ExitError\t")
	f.waitNoEnvironments(t)
	after := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
	if after.PID == before.PID {
		t.Error("the exited environment was reused")
	}
}

func TestFunctionErrorKeepsEnvironment(t *testing.T) {
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 3))
	resp, id := f.call(t, tgt, event{Action: "error", Value: "boom"})
	if resp.FunctionError != "Unhandled" || string(resp.Payload) != `{"errorMessage":"boom","errorType":"TestError"}` {
		t.Errorf("response %q %s", resp.FunctionError, resp.Payload)
	}
	r := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
	lines := f.logs.invocation(r.Stream, id)
	if len(lines) == 0 {
		t.Fatal("the failed invocation ran in another environment")
	}
	checkReport(t, lines[len(lines)-1], id, true, "")
}

func TestInitFailure(t *testing.T) {
	empty := t.TempDir() // no bootstrap
	tests := []struct {
		name     string
		handler  string
		code     string // code dir; "" for the test runtime's
		wantType string
		wantBody string // "" to check only the type
		// wantInitLine: the runtime ran and printed its init line.
		wantInitLine bool
	}{
		{name: "init error", handler: handlerInitError, wantType: "Runtime.ImportModuleError", wantBody: initErrorDoc,
			wantInitLine: true},
		{name: "crash before ready", handler: handlerCrash, wantType: "Runtime.ExitError",
			wantBody:     `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: REQ Error: Runtime exited with error: exit status 2"}`,
			wantInitLine: true},
		{name: "no bootstrap", handler: handlerOK, code: empty, wantType: "Runtime.InvalidEntrypoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(c *invoke.Config) {
				if tt.code != "" {
					c.Code = fakeCode{dir: func(context.Context, string) (string, error) { return tt.code, nil }}
				}
			})
			// A long timeout: the error must come back without waiting for it.
			tgt := target(deployment(tt.handler, 900))
			resp, id := f.call(t, tgt, event{Action: "echo"})
			if resp.FunctionError != "Unhandled" {
				t.Errorf("FunctionError = %q, want Unhandled", resp.FunctionError)
			}
			if want := strings.ReplaceAll(tt.wantBody, "REQ", id); want != "" && string(resp.Payload) != want {
				t.Errorf("body %s, want %s", resp.Payload, want)
			}
			if !strings.Contains(string(resp.Payload), `"errorType":"`+tt.wantType+`"`) {
				t.Errorf("body %s lacks errorType %s", resp.Payload, tt.wantType)
			}
			m := initReportRE.FindStringSubmatch(string(resp.LogTail))
			if m == nil || m[2] != tt.wantType {
				t.Fatalf("LogTail = %q, want an INIT_REPORT line for %s", resp.LogTail, tt.wantType)
			}
			if tt.wantInitLine && m[1] == "0.00" {
				t.Errorf("INIT_REPORT %q: the init phase took no time", resp.LogTail)
			}
			// The failed environment's log stream ends with the runtime's
			// init output and the same INIT_REPORT line.
			f.logs.mu.Lock()
			streams := maps.Clone(f.logs.streams)
			f.logs.mu.Unlock()
			if len(streams) != 1 {
				t.Fatalf("%d log streams, want the failed environment's", len(streams))
			}
			for _, lines := range streams {
				want := []string{strings.TrimSuffix(string(resp.LogTail), "\n")}
				if tt.wantInitLine {
					want = append([]string{"init: " + tt.handler}, want...)
				}
				if diff := cmp.Diff(want, lines); diff != "" {
					t.Errorf("log stream (-want +got):\n%s", diff)
				}
			}
			if n := f.m.Environments(); n != 0 {
				t.Errorf("Environments = %d after a failed init", n)
			}
			f.waitNoEnvironments(t)
		})
	}
}

func TestLogLines(t *testing.T) {
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 3))
	resp1, id1 := f.call(t, tgt, event{Action: "print", Value: "first line"})
	resp2, id2 := f.call(t, tgt, event{Action: "print", Value: "second line"})
	stream := decode(t, resp1).Stream

	lines := f.logs.lines(stream)
	want := []string{
		"init: " + handlerOK, // init output comes before START
		"START RequestId: " + id1 + " Version: $LATEST", "first line", "END RequestId: " + id1, "REPORT",
		"START RequestId: " + id2 + " Version: $LATEST", "second line", "END RequestId: " + id2, "REPORT",
	}
	if len(lines) != len(want) {
		t.Fatalf("stream %s:\n%q\nwant\n%q", stream, lines, want)
	}
	for i := range want {
		if want[i] == "REPORT" {
			continue
		}
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, lines[i], want[i])
		}
	}
	checkReport(t, lines[4], id1, true, "")
	checkReport(t, lines[8], id2, false, "")

	for _, c := range []struct {
		resp  *invoke.Response
		lines []string
	}{{resp1, lines[1:5]}, {resp2, lines[5:9]}} {
		if diff := cmp.Diff(strings.Join(c.lines, "\n")+"\n", string(c.resp.LogTail)); diff != "" {
			t.Errorf("LogTail (-want +got):\n%s", diff)
		}
	}
	noTail := invokeRequest("no-tail", event{Action: "echo"})
	noTail.Tail = false
	resp3, err := f.m.Invoke(t.Context(), tgt, noTail)
	if err != nil || resp3.LogTail != nil {
		t.Errorf("without Tail: LogTail %q, err %v", resp3.LogTail, err)
	}
}

func TestRetire(t *testing.T) {
	f := newFixture(t, nil)
	tgt := target(deployment(handlerOK, 10))
	hold := newHolder(t)
	held := f.callAsync(t, tgt, hold.event()) // busy environment
	conn := hold.accept(t)
	idle := decode(t, first(f.call(t, tgt, event{Action: "echo"}))) // a second, now idle
	f.waitEnvironments(t, 2)

	f.m.Retire(acct, "fn")
	f.waitEnvironments(t, 1) // the idle one is destroyed at once
	conn.Close()
	o := wait(t, held)
	if o.err != nil {
		t.Fatal(o.err)
	}
	busy := decode(t, o.resp)
	f.waitNoEnvironments(t) // the busy one when its invocation ended

	next := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
	if next.PID == idle.PID || next.PID == busy.PID {
		t.Error("a retired environment was reused")
	}
}

func TestReap(t *testing.T) {
	// The reap loop's ticker runs on real time, every 30 s at most; the
	// steps below give the same result whether it or the test calls Reap.
	clk := clocktest.New(time.Now())
	f := newFixture(t, func(c *invoke.Config) {
		c.Clock = clk
		c.IdleTimeout = time.Hour
		c.MaxLifetime = 90 * time.Minute
	})
	// Deadlines are computed on the fake clock and enforced on the real
	// one: a long timeout keeps them in the future.
	tgt := target(deployment(handlerOK, 120))

	t.Run("idle timeout", func(t *testing.T) {
		f.call(t, tgt, event{Action: "echo"})
		clk.Advance(59 * time.Minute)
		f.m.Reap()
		if n := f.liveEnvironments(t); n != 1 {
			t.Fatalf("%d environments after 59 min idle, want 1", n)
		}
		clk.Advance(time.Minute)
		f.m.Reap()
		f.waitNoEnvironments(t)
		if n := f.m.Environments(); n != 0 {
			t.Errorf("Environments = %d", n)
		}
	})

	t.Run("max lifetime", func(t *testing.T) {
		r1 := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
		clk.Advance(50 * time.Minute)
		r2 := decode(t, first(f.call(t, tgt, event{Action: "echo"}))) // warm; idle time restarts
		if r1.PID != r2.PID {
			t.Fatal("second invocation was not warm")
		}
		clk.Advance(50 * time.Minute) // idle 50 min, but 100 min old
		f.m.Reap()
		f.waitNoEnvironments(t)
	})

	t.Run("max lifetime reached while busy", func(t *testing.T) {
		hold := newHolder(t)
		held := f.callAsync(t, tgt, hold.event())
		conn := hold.accept(t)
		clk.Advance(95 * time.Minute) // busy environments are not reaped
		f.m.Reap()
		if n := f.liveEnvironments(t); n != 1 {
			t.Fatalf("%d environments, want the busy one", n)
		}
		conn.Close()
		if o := wait(t, held); o.err != nil {
			t.Fatal(o.err)
		}
		f.waitNoEnvironments(t) // retired on release
	})
}

// TestPoolRemovedDuringColdStart: a Reap or Retire that removes a pool
// while one of its environments is still starting. The environment must
// end up either in a registered pool (Reap: it is reused and later
// reaped or closed) or destroyed (Retire: it runs old code).
func TestPoolRemovedDuringColdStart(t *testing.T) {
	tests := []struct {
		name     string
		remove   func(m *invoke.Manager)
		wantWarm bool // the next invocation reuses the environment
	}{
		{name: "reap", remove: (*invoke.Manager).Reap, wantWarm: true},
		{name: "retire", remove: func(m *invoke.Manager) { m.Retire(acct, "fn") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entered, unblock := make(chan struct{}), make(chan struct{})
			var once sync.Once
			f := newFixture(t, func(c *invoke.Config) {
				c.Code = fakeCode{dir: func(context.Context, string) (string, error) {
					once.Do(func() { // only the first invocation's cold start waits
						close(entered)
						<-unblock
					})
					return codeDir, nil
				}}
			})
			tgt := target(deployment(handlerOK, 10))
			ch := f.callAsync(t, tgt, event{Action: "echo"})
			<-entered
			tt.remove(f.m)
			close(unblock)
			o := wait(t, ch)
			if o.err != nil {
				t.Fatal(o.err)
			}
			r1 := decode(t, o.resp)
			if !tt.wantWarm {
				f.waitNoEnvironments(t)
				return
			}
			if n := f.m.Environments(); n != 1 {
				t.Errorf("Environments = %d, want 1", n)
			}
			r2 := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
			if r2.PID != r1.PID {
				t.Error("the environment started during the Reap was not reused")
			}
		})
	}
}

func TestCloseDrainsThenRefuses(t *testing.T) {
	f := newFixture(t, func(c *invoke.Config) { c.AccountConcurrency = 1 })
	tgt := target(deployment(handlerOK, 10))
	hold := newHolder(t)
	held := f.callAsync(t, tgt, hold.event())
	conn := hold.accept(t)

	closed := make(chan error, 1)
	go func() { closed <- f.m.Close(t.Context()) }()
	// Until Close stops admitting, the held invocation fills the account's
	// only slot, so probing runs nothing.
	testenv.WaitFor(t, waitLimit, func() error {
		_, err := f.m.Invoke(t.Context(), tgt, invokeRequest("probe", event{Action: "echo"}))
		if !errkind.Is(err, errkind.Unavailable) {
			return fmt.Errorf("Invoke during Close: %w", err)
		}
		return nil
	})
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while an invocation runs", err)
	default:
	}
	conn.Close()
	if o := wait(t, held); o.err != nil || o.resp.FunctionError != "" {
		t.Fatalf("in-flight invocation: %+v, %v", o.resp, o.err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Close did not return after the invocation ended")
	}
	if n := f.liveEnvironments(t); n != 0 {
		t.Errorf("%d environments left after Close", n)
	}
	_, err := f.m.Invoke(t.Context(), tgt, invokeRequest("late", event{Action: "echo"}))
	if !errkind.Is(err, errkind.Unavailable) {
		t.Errorf("Invoke after Close: %v, want Unavailable", err)
	}
}

func TestCloseTimesOut(t *testing.T) {
	f := newFixture(t, nil)
	hold := newHolder(t)
	held := f.callAsync(t, target(deployment(handlerOK, 10)), hold.event())
	hold.accept(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := f.m.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Close with an ended context = %v, want context.Canceled", err)
	}
	// Close destroyed the busy environment; the invocation ends.
	if o := wait(t, held); o.err == nil && o.resp.FunctionError == "" {
		t.Errorf("invocation in a destroyed environment succeeded: %s", o.resp.Payload)
	}
	f.waitNoEnvironments(t)
}

// recordingSandbox records the Specs it is asked to create.
type recordingSandbox struct {
	sandbox.Sandbox
	mu    sync.Mutex
	specs []sandbox.Spec
}

func (r *recordingSandbox) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Env, error) {
	r.mu.Lock()
	r.specs = append(r.specs, spec)
	r.mu.Unlock()
	return r.Sandbox.Create(ctx, spec)
}

// TestEgressTag: environments ask for egress and get Lambent's endpoint,
// unless the function is tagged lambent:egress = none.
func TestEgressTag(t *testing.T) {
	for _, tt := range []struct {
		tags   map[string]string
		egress bool
	}{
		{nil, true},
		{map[string]string{"lambent:egress": "nat"}, true},
		{map[string]string{invoke.EgressTag: "none"}, false},
	} {
		t.Run(fmt.Sprint(tt.tags), func(t *testing.T) {
			var rec *recordingSandbox
			f := newFixture(t, func(c *invoke.Config) {
				rec = &recordingSandbox{Sandbox: c.Sandbox}
				c.Sandbox = rec
				c.Endpoint = "http://10.200.0.1:9000"
				c.FunctionTags = func(_ context.Context, _ account.ID, name string) (map[string]string, error) {
					if name != "fn" {
						return nil, fmt.Errorf("unexpected function %q", name)
					}
					return tt.tags, nil
				}
			})
			resp, _ := f.call(t, target(deployment(handlerOK, 3)), event{Action: "env"})
			env := map[string]string{}
			for _, kv := range decode(t, resp).Env {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
			for _, svc := range []string{"LAMBDA", "STS", "IAM", "CLOUDWATCH_LOGS"} {
				got, ok := env["AWS_ENDPOINT_URL_"+svc]
				if tt.egress && got != "http://10.200.0.1:9000" || !tt.egress && ok {
					t.Errorf("AWS_ENDPOINT_URL_%s = %q (set: %v), egress %v", svc, got, ok, tt.egress)
				}
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			if len(rec.specs) != 1 || rec.specs[0].Egress != tt.egress {
				t.Errorf("specs %+v, want one with Egress %v", rec.specs, tt.egress)
			}
		})
	}
}

// freezingSandbox wraps environments in a recording sandbox.Freezer.
type freezingSandbox struct {
	sandbox.Sandbox
	mu             sync.Mutex
	freezes, thaws int
	frozen         bool
}

type freezingEnv struct {
	sandbox.Env
	s *freezingSandbox
}

func (s *freezingSandbox) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Env, error) {
	e, err := s.Sandbox.Create(ctx, spec)
	if err != nil {
		return nil, err
	}
	return &freezingEnv{Env: e, s: s}, nil
}

func (e *freezingEnv) Freeze(context.Context) error {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	e.s.freezes++
	e.s.frozen = true
	return nil
}

func (e *freezingEnv) Thaw() error {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	e.s.thaws++
	e.s.frozen = false
	return nil
}

// TestIdleEnvironmentIsFrozen: an idle environment is frozen after the
// freeze delay and thawed before its next invocation.
func TestIdleEnvironmentIsFrozen(t *testing.T) {
	var fs *freezingSandbox
	f := newFixture(t, func(c *invoke.Config) {
		fs = &freezingSandbox{Sandbox: c.Sandbox}
		c.Sandbox = fs
		c.FreezeDelay = time.Millisecond
	})
	tg := target(deployment(handlerOK, 3))
	f.call(t, tg, event{Action: "env"})
	testenv.WaitFor(t, waitLimit, func() error {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		if !fs.frozen {
			return errors.New("not frozen yet")
		}
		return nil
	})
	f.call(t, tg, event{Action: "env"}) // would hang if it ran frozen for real
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.freezes < 1 || fs.thaws < 1 {
		t.Errorf("freezes %d, thaws %d", fs.freezes, fs.thaws)
	}
}
