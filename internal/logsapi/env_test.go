package logsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/clock/clocktest"
	"lambent/internal/store"
)

const (
	region = "us-east-1"
	acctA  = account.ID("111111111111")
	acctB  = account.ID("222222222222")
)

// now is the test clock's time; events near it are accepted by PutLogEvents.
var now = time.UnixMilli(1_700_000_000_000)

func rootOf(a account.ID) *authz.Principal {
	return &authz.Principal{Account: a, ARN: "arn:aws:iam::" + string(a) + ":root", IsRoot: true}
}

// withPrincipal stands in for the SigV4 gateway: it sets p (if any) as the
// authenticated caller.
func withPrincipal(p *authz.Principal, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p != nil {
			r = r.WithContext(authz.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// authorizerFunc adapts a function to authz.Authorizer.
type authorizerFunc func(context.Context, authz.Request) error

func (f authorizerFunc) Authorize(ctx context.Context, r authz.Request) error { return f(ctx, r) }

// env is a handler on an httptest server over a fake store.
type env struct {
	t   *testing.T
	st  *fakeStore
	srv *httptest.Server
	log *syncBuffer
}

type envOption func(*Config, **authz.Principal)

func withAuthorizer(a authz.Authorizer) envOption {
	return func(c *Config, _ **authz.Principal) { c.Authorizer = a }
}

func withCaller(p *authz.Principal) envOption {
	return func(_ *Config, pp **authz.Principal) { *pp = p }
}

// withoutCreator serves from a store that has only store.Logs.
func withoutCreator() envOption {
	return func(c *Config, _ **authz.Principal) { c.Logs = bareStore{c.Logs} }
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, st: newFakeStore(), log: &syncBuffer{}}
	cfg := Config{
		Region: region, Logs: e.st, Authorizer: authz.RootOnly{},
		Logger: slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Clock:  clocktest.New(now),
	}
	caller := rootOf(acctA)
	for _, o := range opts {
		o(&cfg, &caller)
	}
	e.srv = httptest.NewServer(withPrincipal(caller, NewHandler(cfg)))
	t.Cleanup(e.srv.Close)
	return e
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// call posts body to op and decodes the JSON answer.
func (e *env) call(op, body string) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.t.Context(), http.MethodPost, e.srv.URL+"/", strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	return e.send(req)
}

func (e *env) send(req *http.Request) response {
	e.t.Helper()
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if err := json.Unmarshal(raw, &r.body); err != nil {
		e.t.Fatalf("%s: response is not a JSON object: %q", req.Header.Get("X-Amz-Target"), raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != contentType {
		e.t.Errorf("Content-Type = %q", ct)
	}
	return r
}

// ok calls op and fails the test unless it answers 200.
func (e *env) ok(op, body string) map[string]any {
	e.t.Helper()
	r := e.call(op, body)
	if r.status != http.StatusOK {
		e.t.Fatalf("%s %s: status %d: %s", op, body, r.status, r.raw)
	}
	return r.body
}

// put stores messages in group/stream of acctA, creating both, with
// timestamps ts[i] (or consecutive ones from now when ts is shorter).
func (e *env) put(group, stream string, messages []string, ts ...int64) {
	e.t.Helper()
	evs := make([]store.LogEvent, len(messages))
	for i, m := range messages {
		t := now.UnixMilli() + int64(i)
		if i < len(ts) {
			t = ts[i]
		}
		evs[i] = store.LogEvent{Timestamp: t, IngestionTime: now.UnixMilli(), Message: m}
	}
	if err := e.st.AppendLogEvents(e.t.Context(), acctA, group, stream, evs); err != nil {
		e.t.Fatal(err)
	}
}

// wantError checks an error answer's status, __type and message.
func wantError(t *testing.T, r response, status int, typ, message string) {
	t.Helper()
	if r.status != status || r.body["__type"] != typ || r.body["message"] != message {
		t.Errorf("got %d %s, want %d {__type:%s message:%q}", r.status, r.raw, status, typ, message)
	}
}

// syncBuffer is a log sink safe for the server and the test to share.
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

// messagesOf returns the "message" members of a response's events.
func messagesOf(t *testing.T, body map[string]any) []string {
	t.Helper()
	evs, ok := body["events"].([]any)
	if !ok {
		t.Fatalf("no events array in %v", body)
	}
	out := []string{}
	for _, ev := range evs {
		out = append(out, ev.(map[string]any)["message"].(string))
	}
	return out
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
