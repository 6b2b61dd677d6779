package runtimes

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// fakeRuntimeAPI is the smallest Runtime API 2018-06-01 server the clients
// can run against: /next serves queued invocations, and the three POST routes
// record what the runtime sent. The real server is internal/runtimeapi.
type fakeRuntimeAPI struct {
	srv      *httptest.Server
	events   chan fakeInvocation
	posts    chan fakePost
	done     chan struct{}
	newConns atomic.Int32 // TCP connections the runtime opened
}

// fakeInvocation is one event for /next.
type fakeInvocation struct {
	ID            string
	Body          string
	ARN           string
	TraceID       string
	ClientContext string // JSON; header omitted when empty
	Identity      string // JSON; header omitted when empty
	Deadline      time.Time
}

// fakePost is one request the runtime posted.
type fakePost struct {
	Route       string // "response", "error" or "init/error"
	RequestID   string // "" for init/error
	ErrorType   string // Lambda-Runtime-Function-Error-Type
	ContentType string
	Body        []byte
}

func newFakeRuntimeAPI(t *testing.T) *fakeRuntimeAPI {
	t.Helper()
	api := &fakeRuntimeAPI{
		events: make(chan fakeInvocation, 8),
		posts:  make(chan fakePost, 8),
		done:   make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", api.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", api.record("response"))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", api.record("error"))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", api.record("init/error"))
	api.srv = httptest.NewUnstartedServer(mux)
	api.srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			api.newConns.Add(1)
		}
	}
	api.srv.Start()
	t.Cleanup(func() {
		close(api.done) // release a runtime parked in /next
		api.srv.Close()
	})
	return api
}

// Addr is the value of AWS_LAMBDA_RUNTIME_API.
func (api *fakeRuntimeAPI) Addr() string { return api.srv.Listener.Addr().String() }

func (api *fakeRuntimeAPI) next(w http.ResponseWriter, r *http.Request) {
	var inv fakeInvocation
	select {
	case inv = <-api.events:
	case <-r.Context().Done():
		return
	case <-api.done:
		return
	}
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.ID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.Deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.ARN)
	h.Set("Content-Type", "application/json")
	if inv.TraceID != "" {
		h.Set("Lambda-Runtime-Trace-Id", inv.TraceID)
	}
	if inv.ClientContext != "" {
		h.Set("Lambda-Runtime-Client-Context", inv.ClientContext)
	}
	if inv.Identity != "" {
		h.Set("Lambda-Runtime-Cognito-Identity", inv.Identity)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, inv.Body)
}

func (api *fakeRuntimeAPI) record(route string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		p := fakePost{
			Route:       route,
			RequestID:   r.PathValue("id"),
			ErrorType:   r.Header.Get("Lambda-Runtime-Function-Error-Type"),
			ContentType: r.Header.Get("Content-Type"),
			Body:        body,
		}
		select {
		case api.posts <- p:
		case <-api.done:
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, `{"status":"OK"}`)
	}
}
