package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// waitLimit bounds every wait for the other side of the Runtime API.
const waitLimit = 5 * time.Second

// harness is a Server on a real listener and an HTTP client playing the
// runtime.
type harness struct {
	s      *Server
	addr   string
	client *http.Client
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(slog.New(slog.DiscardHandler))
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	tr := &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}
	h := &harness{s: s, addr: ln.Addr().String(), client: &http.Client{Transport: tr}}
	t.Cleanup(func() {
		s.Close()
		tr.CloseIdleConnections()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return h
}

// reply is one answer of the server to the runtime.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// errorType is the errorType of an error document ("" when it is not one).
func (r reply) errorType() string {
	var doc struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(r.body, &doc) != nil || doc.ErrorMessage == "" {
		return ""
	}
	return doc.ErrorType
}

// call sends one request as the runtime would; route is relative to
// /2018-06-01/runtime/.
func (h *harness) call(t testing.TB, method, route string, body io.Reader, header http.Header) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+h.addr+"/2018-06-01/runtime/"+route, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := h.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, route, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (h *harness) post(t testing.TB, route, body string) reply {
	t.Helper()
	return h.call(t, http.MethodPost, route, strings.NewReader(body), nil)
}

// outcome is what Server.Invoke returned.
type outcome struct {
	res Result
	err error
}

// invoke runs s.Invoke(ctx, inv) in the background.
func (h *harness) invoke(ctx context.Context, inv *Invocation) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		res, err := h.s.Invoke(ctx, inv)
		ch <- outcome{res, err}
	}()
	return ch
}

// deliver hands inv to the runtime: Invoke in the background, then the
// runtime's GET /next, which must succeed.
func (h *harness) deliver(t testing.TB, inv *Invocation) <-chan outcome {
	t.Helper()
	ch := h.invoke(t.Context(), inv)
	r := h.call(t, http.MethodGet, "invocation/next", nil, nil)
	if r.status != http.StatusOK || r.header.Get("Lambda-Runtime-Aws-Request-Id") != inv.RequestID {
		t.Fatalf("GET next = %d %s %s, want 200 for %s", r.status, r.header, r.body, inv.RequestID)
	}
	return ch
}

func wait(t testing.TB, ch <-chan outcome) outcome {
	t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(waitLimit):
		t.Fatal("Invoke did not return")
		return outcome{}
	}
}

func newInvocation(id string) *Invocation {
	return &Invocation{RequestID: id, Payload: []byte(`{"n":1}`), Deadline: time.Now().Add(time.Minute)}
}

func TestNextDeliversInvocation(t *testing.T) {
	deadline := time.UnixMilli(1_700_000_000_123)
	tests := []struct {
		name    string
		inv     Invocation
		want    map[string]string // headers that must have these values
		absent  []string          // headers that must be missing
		payload string
	}{
		{
			name: "every field",
			inv: Invocation{
				RequestID: "3f1c2a9e-8a1b-4b7e-9d1e-0c0e0f0a1b2c", Payload: []byte(`{"key":"value"}`), Deadline: deadline,
				FunctionARN:   "arn:aws:lambda:us-east-1:123456789012:function:f:prod",
				ClientContext: `{"custom":{"a":"b"}}`, TraceID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
			},
			want: map[string]string{
				"Lambda-Runtime-Aws-Request-Id":       "3f1c2a9e-8a1b-4b7e-9d1e-0c0e0f0a1b2c",
				"Lambda-Runtime-Deadline-Ms":          "1700000000123",
				"Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:f:prod",
				"Lambda-Runtime-Trace-Id":             "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
				"Lambda-Runtime-Client-Context":       `{"custom":{"a":"b"}}`,
				"Content-Type":                        "application/json",
			},
			payload: `{"key":"value"}`,
		},
		{
			name: "no client context or trace",
			inv: Invocation{RequestID: "req-2", Payload: []byte(`"plain"`), Deadline: deadline,
				FunctionARN: "arn:aws:lambda:us-east-1:123456789012:function:f"},
			want: map[string]string{
				"Lambda-Runtime-Aws-Request-Id":       "req-2",
				"Lambda-Runtime-Deadline-Ms":          "1700000000123",
				"Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
			},
			absent:  []string{"Lambda-Runtime-Client-Context", "Lambda-Runtime-Trace-Id"},
			payload: `"plain"`,
		},
		{
			name:    "empty payload",
			inv:     Invocation{RequestID: "req-3", Deadline: deadline},
			want:    map[string]string{"Lambda-Runtime-Deadline-Ms": "1700000000123", "Content-Length": "0"},
			absent:  []string{"Lambda-Runtime-Client-Context"},
			payload: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			inv := tt.inv
			ch := h.invoke(t.Context(), &inv)
			r := h.call(t, http.MethodGet, "invocation/next", nil, nil)
			if r.status != http.StatusOK {
				t.Fatalf("GET next = %d %s", r.status, r.body)
			}
			for k, v := range tt.want {
				if got := r.header.Values(k); len(got) != 1 || got[0] != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			for _, k := range tt.absent {
				if got, ok := r.header[k]; ok {
					t.Errorf("header %s = %q, want it absent", k, got)
				}
			}
			if string(r.body) != tt.payload {
				t.Errorf("body = %q, want %q", r.body, tt.payload)
			}
			if r := h.post(t, "invocation/"+inv.RequestID+"/response", `null`); r.status != http.StatusAccepted {
				t.Fatalf("POST response = %d %s", r.status, r.body)
			}
			if o := wait(t, ch); o.err != nil {
				t.Fatal(o.err)
			}
		})
	}
}

func TestResultCompletesInvoke(t *testing.T) {
	tests := []struct {
		name   string
		route  string // "response" or "error"
		header http.Header
		body   string
		want   Result
	}{
		{name: "response", route: "response", body: `{"ok":true}`,
			want: Result{Payload: []byte(`{"ok":true}`)}},
		{name: "empty response", route: "response", body: "",
			want: Result{}},
		{name: "error type in header wins", route: "error",
			header: http.Header{"Lambda-Runtime-Function-Error-Type": {"Runtime.ImportModuleError"}},
			body:   `{"errorMessage":"no module","errorType":"Other"}`,
			want: Result{Payload: []byte(`{"errorMessage":"no module","errorType":"Other"}`), Error: true,
				ErrorType: "Runtime.ImportModuleError"}},
		{name: "error type from body (aws-lambda-go)", route: "error",
			body: `{"errorMessage":"boom","errorType":"errorString"}`,
			want: Result{Payload: []byte(`{"errorMessage":"boom","errorType":"errorString"}`), Error: true,
				ErrorType: "errorString"}},
		{name: "error without a type", route: "error", body: `not json`,
			want: Result{Payload: []byte(`not json`), Error: true, ErrorType: "Unhandled"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			ch := h.deliver(t, newInvocation("req-1"))
			r := h.call(t, http.MethodPost, "invocation/req-1/"+tt.route, strings.NewReader(tt.body), tt.header)
			if r.status != http.StatusAccepted || string(r.body) != `{"status":"OK"}` {
				t.Fatalf("POST %s = %d %s, want 202 {\"status\":\"OK\"}", tt.route, r.status, r.body)
			}
			o := wait(t, ch)
			if o.err != nil {
				t.Fatal(o.err)
			}
			if diff := cmp.Diff(tt.want, o.res, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Result (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRouteStates sends each route in each state of the protocol. A refused
// request must not change the state: the invocation in progress still
// completes afterwards.
func TestRouteStates(t *testing.T) {
	const (
		fresh    = "before the first next"
		invoking = "invocation in progress"
		answered = "invocation answered"
	)
	tests := []struct {
		state      string
		method     string
		route      string
		wantStatus int
		wantType   string
	}{
		{fresh, http.MethodPost, "invocation/req-1/response", 403, "InvalidStateTransition"},
		{fresh, http.MethodPost, "invocation/req-1/error", 403, "InvalidStateTransition"},
		{invoking, http.MethodGet, "invocation/next", 403, "InvalidStateTransition"},
		{invoking, http.MethodPost, "invocation/req-2/response", 400, "InvalidRequestID"},
		{invoking, http.MethodPost, "invocation/req-2/error", 400, "InvalidRequestID"},
		{invoking, http.MethodPost, "init/error", 403, "InvalidStateTransition"},
		{answered, http.MethodPost, "invocation/req-1/response", 403, "InvalidStateTransition"},
		{answered, http.MethodPost, "invocation/req-1/error", 403, "InvalidStateTransition"},
		{answered, http.MethodPost, "init/error", 403, "InvalidStateTransition"},
	}
	for _, tt := range tests {
		t.Run(tt.state+"/"+tt.method+" "+tt.route, func(t *testing.T) {
			h := newHarness(t)
			var ch <-chan outcome
			switch tt.state {
			case invoking:
				ch = h.deliver(t, newInvocation("req-1"))
			case answered:
				ch = h.deliver(t, newInvocation("req-1"))
				if r := h.post(t, "invocation/req-1/response", `"first"`); r.status != http.StatusAccepted {
					t.Fatalf("first response = %d %s", r.status, r.body)
				}
			}
			r := h.call(t, tt.method, tt.route, strings.NewReader(`{"errorMessage":"m","errorType":"T"}`), nil)
			if r.status != tt.wantStatus || r.errorType() != tt.wantType {
				t.Errorf("%s %s = %d %s, want %d %s", tt.method, tt.route, r.status, r.body, tt.wantStatus, tt.wantType)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if tt.state == invoking {
				if r := h.post(t, "invocation/req-1/response", `"result"`); r.status != http.StatusAccepted {
					t.Fatalf("response after the refused request = %d %s", r.status, r.body)
				}
			}
			if ch != nil {
				o := wait(t, ch)
				if o.err != nil || o.res.Error {
					t.Fatalf("Invoke = %+v, %v; want a successful result", o.res, o.err)
				}
			}
			select {
			case b := <-h.s.InitError():
				t.Errorf("InitError delivered %s after a refused init/error", b)
			default:
			}
		})
	}
}

func TestResponseSizeLimit(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		chunked bool
		want    int // status to the runtime
	}{
		{name: "at the limit", size: MaxResponseBytes, want: http.StatusAccepted},
		{name: "one byte over", size: MaxResponseBytes + 1, want: http.StatusRequestEntityTooLarge},
		{name: "one byte over, chunked", size: MaxResponseBytes + 1, chunked: true, want: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			ch := h.deliver(t, newInvocation("req-1"))
			var body io.Reader = bytes.NewReader(bytes.Repeat([]byte("x"), tt.size))
			if tt.chunked {
				body = struct{ io.Reader }{body} // hides the length: chunked
			}
			r := h.call(t, http.MethodPost, "invocation/req-1/response", body, nil)
			o := wait(t, ch)
			if o.err != nil {
				t.Fatal(o.err)
			}
			if r.status != tt.want {
				t.Fatalf("POST response = %d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.want == http.StatusAccepted {
				if len(o.res.Payload) != tt.size || o.res.Error {
					t.Fatalf("Result: %d bytes, Error %t; want %d bytes, no error", len(o.res.Payload), o.res.Error, tt.size)
				}
				return
			}
			if r.errorType() != "RequestEntityTooLarge" ||
				!strings.Contains(string(r.body), "Exceeded maximum allowed payload size (6291556 bytes).") {
				t.Errorf("runtime got %s", r.body)
			}
			want := Result{Error: true, ErrorType: "Function.ResponseSizeTooLarge", Payload: []byte(
				`{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`)}
			if diff := cmp.Diff(want, o.res); diff != "" {
				t.Errorf("caller's Result (-want +got):\n%s", diff)
			}
			// The invocation is resolved: the runtime may ask for the next one.
			if r := h.post(t, "invocation/req-1/response", `"again"`); r.status != http.StatusForbidden {
				t.Errorf("second response = %d %s, want 403", r.status, r.body)
			}
		})
	}
}

// trailerBody is a request body that sets trailer values when it reaches
// EOF, as aws-lambda-go's errorCapturingReader does.
type trailerBody struct {
	r       io.Reader
	trailer http.Header
	atEOF   map[string]string
}

func (b *trailerBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if errors.Is(err, io.EOF) {
		for k, v := range b.atEOF {
			b.trailer.Set(k, v)
		}
	}
	return n, err
}

// TestChunkedBodiesWithTrailers posts as aws-lambda-go does: chunked, with
// the error trailers declared on every POST.
func TestChunkedBodiesWithTrailers(t *testing.T) {
	tests := []struct {
		name    string
		route   string
		body    string
		trailer map[string]string // values set after the body
		want    Result
	}{
		{name: "response, empty trailers", route: "response", body: `{"ok":1}`,
			want: Result{Payload: []byte(`{"ok":1}`)}},
		{name: "error, empty trailers", route: "error", body: `{"errorMessage":"boom","errorType":"errorString"}`,
			want: Result{Payload: []byte(`{"errorMessage":"boom","errorType":"errorString"}`), Error: true, ErrorType: "errorString"}},
		{name: "response failing after its first byte", route: "response", body: `{"partial"`,
			trailer: map[string]string{
				"Lambda-Runtime-Function-Error-Type": "Runtime.TruncatedResponse",
				"Lambda-Runtime-Function-Error-Body": "eyJlcnJvck1lc3NhZ2UiOiJ4In0=",
			},
			want: Result{Payload: []byte(`{"partial"`), Error: true, ErrorType: "Runtime.TruncatedResponse"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			ch := h.deliver(t, newInvocation("req-1"))
			trailer := http.Header{"Lambda-Runtime-Function-Error-Type": nil, "Lambda-Runtime-Function-Error-Body": nil}
			body := &trailerBody{r: strings.NewReader(tt.body), trailer: trailer, atEOF: tt.trailer}
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost,
				"http://"+h.addr+"/2018-06-01/runtime/invocation/req-1/"+tt.route, body)
			if err != nil {
				t.Fatal(err)
			}
			req.Trailer = trailer // declared trailers make the transport send chunked
			req.Header.Set("Content-Type", "application/json")
			resp, err := h.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted {
				t.Fatalf("POST = %d, want 202", resp.StatusCode)
			}
			o := wait(t, ch)
			if o.err != nil {
				t.Fatal(o.err)
			}
			if diff := cmp.Diff(tt.want, o.res, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInitError(t *testing.T) {
	const doc = `{"errorMessage":"Unable to import module 'app'","errorType":"Runtime.ImportModuleError"}`

	t.Run("before the first next", func(t *testing.T) {
		h := newHarness(t)
		if r := h.post(t, "init/error", doc); r.status != http.StatusAccepted {
			t.Fatalf("POST init/error = %d %s", r.status, r.body)
		}
		// Only the first report counts.
		if r := h.post(t, "init/error", `{"errorType":"Second"}`); r.status != http.StatusAccepted {
			t.Fatalf("second POST init/error = %d %s", r.status, r.body)
		}
		select {
		case b := <-h.s.InitError():
			if string(b) != doc {
				t.Errorf("InitError = %s, want %s", b, doc)
			}
		default:
			t.Fatal("InitError delivered nothing")
		}
		select {
		case b := <-h.s.InitError():
			t.Errorf("InitError delivered a second report %s", b)
		default:
		}
	})

	t.Run("after the first next", func(t *testing.T) {
		h := newHarness(t)
		parked := h.parkNext(t)
		r := h.post(t, "init/error", doc)
		if r.status != http.StatusForbidden || r.errorType() != "InvalidStateTransition" {
			t.Errorf("POST init/error = %d %s, want 403 InvalidStateTransition", r.status, r.body)
		}
		select {
		case b := <-h.s.InitError():
			t.Errorf("InitError delivered %s", b)
		default:
		}
		h.s.Close()
		waitDone(t, parked)
	})
}

// parkNext sends GET /next in the background and waits until the server
// holds it (Ready). The channel is closed when the request returns.
func (h *harness) parkNext(t testing.TB) <-chan struct{} {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+h.addr+"/2018-06-01/runtime/invocation/next", nil)
		if err != nil {
			return
		}
		if resp, err := h.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	select {
	case <-h.s.Ready():
	case <-time.After(waitLimit):
		t.Fatal("Ready not closed after GET /next")
	}
	return done
}

func waitDone(t testing.TB, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(waitLimit):
		t.Fatal("parked GET /next was not released")
	}
}

func TestReadyOnFirstNext(t *testing.T) {
	h := newHarness(t)
	if r := h.post(t, "init/error", `{}`); r.status != http.StatusAccepted {
		t.Fatalf("init/error = %d", r.status)
	}
	select {
	case <-h.s.Ready():
		t.Fatal("Ready closed before the runtime asked for an invocation")
	default:
	}
	ch := h.deliver(t, newInvocation("req-1"))
	select {
	case <-h.s.Ready():
	default:
		t.Fatal("Ready not closed after GET /next")
	}
	h.post(t, "invocation/req-1/response", `1`)
	wait(t, ch)
}

func TestInvokeContextEnds(t *testing.T) {
	tests := []struct {
		name    string
		runtime func(t *testing.T, h *harness) // what the runtime does
	}{
		{name: "runtime never asks", runtime: func(*testing.T, *harness) {}},
		{name: "runtime never answers", runtime: func(t *testing.T, h *harness) {
			if r := h.call(t, http.MethodGet, "invocation/next", nil, nil); r.status != http.StatusOK {
				t.Errorf("GET next = %d", r.status)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			defer cancel()
			ch := h.invoke(ctx, newInvocation("req-1"))
			tt.runtime(t, h)
			if o := wait(t, ch); !errors.Is(o.err, context.DeadlineExceeded) {
				t.Errorf("Invoke = %+v, %v; want context.DeadlineExceeded", o.res, o.err)
			}
		})
	}
}

func TestClose(t *testing.T) {
	t.Run("releases a parked next", func(t *testing.T) {
		h := newHarness(t)
		parked := h.parkNext(t)
		h.s.Close()
		waitDone(t, parked)
		if _, err := h.s.Invoke(t.Context(), newInvocation("req-1")); err == nil {
			t.Error("Invoke after Close succeeded")
		}
	})
	t.Run("parked next answers 500", func(t *testing.T) {
		s := NewServer(slog.New(slog.DiscardHandler))
		rec := httptest.NewRecorder()
		served := make(chan struct{})
		go func() {
			defer close(served)
			s.srv.Handler.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet,
				"/2018-06-01/runtime/invocation/next", nil))
		}()
		<-s.Ready()
		s.Close()
		<-served
		r := reply{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
		if r.status != http.StatusInternalServerError || r.errorType() != "Runtime.Closed" {
			t.Errorf("parked next = %d %s, want 500 Runtime.Closed", r.status, r.body)
		}
	})
	t.Run("ends a waiting Invoke", func(t *testing.T) {
		h := newHarness(t)
		ch := h.deliver(t, newInvocation("req-1"))
		h.s.Close()
		if o := wait(t, ch); o.err == nil {
			t.Error("Invoke returned no error after Close")
		}
	})
}

func TestUnknownRoute(t *testing.T) {
	tests := []struct{ method, path string }{
		{http.MethodGet, "/"},
		{http.MethodGet, "/2018-06-01/runtime/invocation"},
		{http.MethodPost, "/2018-06-01/runtime/invocation/next"},
		{http.MethodGet, "/2018-06-01/runtime/invocation/req-1/response"},
		{http.MethodPut, "/2018-06-01/runtime/init/error"},
		{http.MethodPost, "/2018-06-01/runtime/invocation/req-1/response/extra"},
		{http.MethodGet, "/2020-01-01/extension/event/next"},
		{http.MethodGet, "/2018-06-01/runtime/invocation/next/"},
		// ServeMux would redirect these to the clean path, with an HTML body.
		{http.MethodGet, "/2018-06-01//runtime/invocation/next"},
		{http.MethodPost, "/2018-06-01/runtime/./init/error"},
		// HEAD would otherwise park like GET and take an invocation whose
		// payload it cannot receive.
		{http.MethodHead, "/2018-06-01/runtime/invocation/next"},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, "http://"+h.addr+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			// No redirects: a redirect is an answer in itself.
			resp, err := h.client.Transport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			r := reply{status: resp.StatusCode, header: resp.Header, body: b}
			if r.status != http.StatusNotFound {
				t.Fatalf("status = %d %s, want 404", r.status, r.body)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if tt.method != http.MethodHead && r.errorType() != "InvalidRequest" {
				t.Errorf("body = %s, want an InvalidRequest error document", r.body)
			}
		})
	}
}

// TestDeadlineHeaderIsMilliseconds checks the header against a deadline
// that is not on a millisecond boundary.
func TestDeadlineHeaderIsMilliseconds(t *testing.T) {
	h := newHarness(t)
	inv := newInvocation("req-1")
	inv.Deadline = time.Unix(1_700_000_000, 987_654_321)
	ch := h.invoke(t.Context(), inv)
	r := h.call(t, http.MethodGet, "invocation/next", nil, nil)
	ms, err := strconv.ParseInt(r.header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	if err != nil || ms != 1_700_000_000_987 {
		t.Errorf("Deadline-Ms = %q, want 1700000000987", r.header.Get("Lambda-Runtime-Deadline-Ms"))
	}
	h.post(t, "invocation/req-1/response", `1`)
	wait(t, ch)
}
