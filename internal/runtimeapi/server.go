// Package runtimeapi serves the Lambda Runtime API (2018-06-01) to one
// execution environment. The orchestrator hands an invocation to Invoke; the
// runtime, parked in GET /runtime/invocation/next, receives it and posts the
// result to /response or /error. Every request from the runtime is untrusted
// input: it is size-limited, validated before any state transition, and
// answered with the Runtime API's error documents.
package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxResponseBytes is the largest response a function may return
// (6,291,556 bytes, Lambda's figure).
const MaxResponseBytes = 6291556

// Invocation is one event handed to the runtime.
type Invocation struct {
	RequestID     string
	Payload       []byte
	Deadline      time.Time
	FunctionARN   string
	ClientContext string // JSON, already decoded from base64; "" when absent
	TraceID       string

	done   chan struct{}
	result Result
}

// Result is what the runtime posted for an invocation.
type Result struct {
	Payload []byte
	// Error is true when the runtime posted to /error (or the response was
	// refused, see ErrorType).
	Error bool
	// ErrorType is the type the runtime declared, or Lambent's own
	// (Function.ResponseSizeTooLarge).
	ErrorType string
}

// Server is the Runtime API of one environment.
type Server struct {
	log     *slog.Logger
	srv     *http.Server
	pending chan *Invocation
	ready   chan struct{}
	initErr chan []byte
	closed  chan struct{}

	mu        sync.Mutex
	current   *Invocation
	initDone  bool
	readyOnce sync.Once
	closeOnce sync.Once
}

// NewServer returns a server; call Serve with the environment's listener.
func NewServer(log *slog.Logger) *Server {
	s := &Server{
		log:     log,
		pending: make(chan *Invocation),
		ready:   make(chan struct{}),
		initErr: make(chan []byte, 1),
		closed:  make(chan struct{}),
	}
	s.srv = &http.Server{
		Handler:           s.router(),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		// No WriteTimeout: /next is a long poll that may last for minutes.
	}
	return s
}

// Serve serves ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Close stops the server and releases a parked /next.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		_ = s.srv.Close()
	})
}

// Ready is closed when the runtime first asks for an invocation: the end of
// its init phase.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// InitError delivers the body of POST /runtime/init/error.
func (s *Server) InitError() <-chan []byte { return s.initErr }

// Invoke hands inv to the runtime and waits for its result. It returns
// ctx's error when ctx ends first; the caller must then discard the
// environment, since the runtime still holds the invocation.
func (s *Server) Invoke(ctx context.Context, inv *Invocation) (Result, error) {
	inv.done = make(chan struct{})
	select {
	case s.pending <- inv:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-s.closed:
		return Result{}, errors.New("runtime API closed")
	}
	select {
	case <-inv.done:
		return inv.result, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-s.closed:
		return Result{}, errors.New("runtime API closed")
	}
}

func (s *Server) router() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", s.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", s.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", s.error)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", s.initError)
	notFound := func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "InvalidRequest", "unknown runtime API route")
	}
	mux.HandleFunc("/", notFound)
	// ServeMux answers some requests itself, with bodies that are not
	// error documents: it redirects an unclean path and refuses "*" with
	// an empty 400. It also lets HEAD match GET, and a HEAD /next would
	// take an invocation whose payload it cannot receive. No route is
	// reached that way, so all of them are unknown routes.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodPost) || !isCleanPath(r.URL.EscapedPath()) {
			notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// isCleanPath reports whether ServeMux would route p without redirecting.
func isCleanPath(p string) bool {
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return p == clean && strings.HasPrefix(p, "/")
}

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.current != nil {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "InvalidStateTransition",
			"State transition from Invoke to Ready is not allowed before a response")
		return
	}
	s.initDone = true
	s.mu.Unlock()
	s.readyOnce.Do(func() { close(s.ready) })

	var inv *Invocation
	select {
	case inv = <-s.pending:
	case <-r.Context().Done():
		return
	case <-s.closed:
		writeError(w, http.StatusInternalServerError, "Runtime.Closed", "environment is shutting down")
		return
	}
	s.mu.Lock()
	s.current = inv
	s.mu.Unlock()

	h := w.Header()
	h["Lambda-Runtime-Aws-Request-Id"] = []string{inv.RequestID}
	h["Lambda-Runtime-Deadline-Ms"] = []string{strconv.FormatInt(inv.Deadline.UnixMilli(), 10)}
	h["Lambda-Runtime-Invoked-Function-Arn"] = []string{inv.FunctionARN}
	if inv.TraceID != "" {
		h["Lambda-Runtime-Trace-Id"] = []string{inv.TraceID}
	}
	if inv.ClientContext != "" {
		h["Lambda-Runtime-Client-Context"] = []string{inv.ClientContext}
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(inv.Payload))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(inv.Payload)
}

func (s *Server) response(w http.ResponseWriter, r *http.Request) { s.finish(w, r, false) }
func (s *Server) error(w http.ResponseWriter, r *http.Request)    { s.finish(w, r, true) }

// finish validates the request, reads the body, and only then completes
// the invocation: validation comes before the (irreversible) transition.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, isErr bool) {
	id := r.PathValue("id")
	s.mu.Lock()
	inv := s.current
	s.mu.Unlock()
	if inv == nil {
		writeError(w, http.StatusForbidden, "InvalidStateTransition", "no invocation is in progress")
		return
	}
	if id != inv.RequestID {
		writeError(w, http.StatusBadRequest, "InvalidRequestID", "Invalid request ID")
		return
	}
	body, tooLarge, err := readLimited(r.Body, MaxResponseBytes)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "could not read the request body")
		return
	}
	res := Result{Payload: body, Error: isErr}
	switch {
	case tooLarge:
		res = Result{Error: true, ErrorType: "Function.ResponseSizeTooLarge", Payload: []byte(
			`{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`)}
	case isErr:
		res.ErrorType = errorType(r, body)
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		// A streaming handler that failed after its first byte.
		res.Error = true
		res.ErrorType = r.Trailer.Get("Lambda-Runtime-Function-Error-Type")
	}

	s.mu.Lock()
	if s.current != inv {
		s.mu.Unlock()
		writeError(w, http.StatusForbidden, "InvalidStateTransition", "the invocation already has a result")
		return
	}
	s.current = nil
	s.mu.Unlock()
	inv.result = res
	close(inv.done)

	if tooLarge {
		writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"Exceeded maximum allowed payload size (6291556 bytes).")
		return
	}
	writeAccepted(w)
}

func (s *Server) initError(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	done := s.initDone
	s.mu.Unlock()
	if done {
		writeError(w, http.StatusForbidden, "InvalidStateTransition", "init has already ended")
		return
	}
	body, _, err := readLimited(r.Body, 1<<20)
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "could not read the request body")
		return
	}
	select {
	case s.initErr <- body:
	default: // only the first report counts
	}
	writeAccepted(w)
}

// errorType is the declared error type: the header, else the body's
// errorType, else Unhandled.
func errorType(r *http.Request, body []byte) string {
	if t := r.Header.Get("Lambda-Runtime-Function-Error-Type"); t != "" {
		return t
	}
	if t := bodyErrorType(body); t != "" {
		return t
	}
	return "Unhandled"
}

func readLimited(r io.Reader, limit int64) (body []byte, tooLarge bool, err error) {
	body, err = io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		// Drain the rest so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(r, 64<<20))
		return nil, true, nil
	}
	return body, false, nil
}

func writeAccepted(w http.ResponseWriter) {
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header()["Content-Type"] = []string{"application/json"}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"errorMessage":`+quote(msg)+`,"errorType":`+quote(typ)+`}`)
}

func quote(s string) string {
	b, _ := json.Marshal(strings.ToValidUTF8(s, "?"))
	return string(b)
}
