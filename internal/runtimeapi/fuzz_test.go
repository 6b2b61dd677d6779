package runtimeapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzRuntimeAPIRouter sends arbitrary requests from the runtime, the
// untrusted side, to the handler: before the first /next (with an
// invocation waiting) or while an invocation is in progress. The handler
// must never panic or hang, and must always answer with a JSON body.
func FuzzRuntimeAPIRouter(f *testing.F) {
	const chunked = "Transfer-Encoding: chunked\nTrailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body"
	seeds := []struct {
		invoking bool
		method   string
		target   string
		header   string
		body     string
	}{
		{false, "GET", "/2018-06-01/runtime/invocation/next", "", ""},
		{true, "GET", "/2018-06-01/runtime/invocation/next", "", ""},
		{false, "HEAD", "/2018-06-01/runtime/invocation/next", "", ""},
		{true, "POST", "/2018-06-01/runtime/invocation/req-fuzz/response", "Content-Type: application/json", `{"ok":true}`},
		{true, "POST", "/2018-06-01/runtime/invocation/req-fuzz/error", "Lambda-Runtime-Function-Error-Type: Runtime.X", `{"errorType":"E"}`},
		{true, "POST", "/2018-06-01/runtime/invocation/req-fuzz/response", chunked,
			"5\r\nhello\r\n0\r\nLambda-Runtime-Function-Error-Type: Runtime.Y\r\n\r\n"},
		{true, "POST", "/2018-06-01/runtime/invocation/req-fuzz/response", chunked, "zz\r\nbroken"},
		{true, "POST", "/2018-06-01/runtime/invocation/other/response", "", `1`},
		{false, "POST", "/2018-06-01/runtime/invocation/req-fuzz/response", "", `1`},
		{false, "POST", "/2018-06-01/runtime/init/error", "", `{"errorType":"Runtime.ImportModuleError"}`},
		{true, "POST", "/2018-06-01/runtime/init/error", "", `{}`},
		{false, "GET", "/2018-06-01//runtime/invocation/next", "", ""},
		{true, "POST", "/2018-06-01/runtime/invocation/../init/error", "", ""},
		{false, "GET", "*", "", ""},
		{false, "OPTIONS", "*", "", ""},
		{false, "CONNECT", "127.0.0.1:9001", "", ""},
		{true, "POST", "/2018-06-01/runtime/invocation/%2e%2e/response", "", ""},
		{true, "DELETE", "/", "", ""},
		{false, "GET", "http://other/2018-06-01/runtime/invocation/next", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.invoking, s.method, s.target, s.header, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, invoking bool, method, target, header string, body []byte) {
		req := parseRequest(method, target, header, body)
		if req == nil {
			return // http.Server would refuse it before any handler runs
		}
		s := NewServer(slog.New(slog.DiscardHandler))
		defer s.Close()
		h := s.srv.Handler
		inv := &Invocation{RequestID: "req-fuzz", Payload: []byte(`{"fuzz":true}`), Deadline: time.Now().Add(time.Minute)}
		go func() { _, _ = s.Invoke(t.Context(), inv) }()
		if invoking {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/2018-06-01/runtime/invocation/next", nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("setup GET next = %d %s", rec.Code, rec.Body)
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req.WithContext(t.Context()))
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s %s answered %d with a body that is not JSON: %q", method, target, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s answered %d with Content-Type %q", method, target, rec.Code, ct)
		}
	})
}

// parseRequest builds the request http.Server would hand the handler, or
// nil when it would refuse the bytes.
func parseRequest(method, target, header string, body []byte) *http.Request {
	var raw bytes.Buffer
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n", method, target)
	framed := false
	for line := range strings.SplitSeq(header, "\n") {
		if line == "" {
			continue
		}
		lower := strings.ToLower(line)
		if strings.HasPrefix(lower, "content-length:") || strings.HasPrefix(lower, "transfer-encoding:") {
			framed = true
		}
		raw.WriteString(line + "\r\n")
	}
	if !framed {
		fmt.Fprintf(&raw, "Content-Length: %d\r\n", len(body))
	}
	raw.WriteString("\r\n")
	raw.Write(body)
	req, err := http.ReadRequest(bufio.NewReader(&raw))
	if err != nil {
		return nil
	}
	return req
}
