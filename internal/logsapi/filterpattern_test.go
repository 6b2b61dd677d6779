package logsapi

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"lambent/internal/authz"
	"lambent/internal/clock/clocktest"
)

func TestFilterPattern(t *testing.T) {
	tests := []struct {
		pattern string
		match   []string
		miss    []string
	}{
		{"", []string{"", "anything"}, nil},
		{"   ", []string{"anything"}, nil},
		{"ERROR", []string{"[ERROR] boom", "Exiting with ERRORCODE: -1"}, []string{"error", "ERR OR"}},
		{"ERROR Exception", []string{"ERROR: Exception in thread"}, []string{"ERROR only", "Exception only"}},
		{"ERROR -Exiting", []string{"[ERROR] Caught IllegalArgumentException"}, []string{"Exiting with ERRORCODE: -1"}},
		{"?ERROR ?WARN", []string{"ERROR x", "WARN y", "WARN and ERROR"}, []string{"INFO z"}},
		{"?ERROR ?WARN timeout", []string{"WARN timeout"}, []string{"WARN", "timeout"}},
		{`"hello world"`, []string{"say hello world!"}, []string{"hello  world", "world hello"}},
		{`"a \"quoted\" word"`, []string{`x a "quoted" word`}, []string{"a quoted word"}},
		{`"back\\slash"`, []string{`a back\slash`}, []string{`back\\slash`}},
		{`-"no such" ok`, []string{"ok"}, []string{"ok no such"}},
		{"%5[0-9]{2}%", []string{"status 503"}, []string{"status 404"}},
		{"?%^START% ?%^END%", []string{"START RequestId", "END RequestId"}, []string{"REPORT START"}},
		{"\tERROR\t", []string{"ERROR"}, nil},
		{"a:b 1.2", []string{"x a:b 1.2"}, []string{"a:b"}},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			p, err := parseFilterPattern(tt.pattern)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			for _, m := range tt.match {
				if !p.match(m) {
					t.Errorf("does not match %q", m)
				}
			}
			for _, m := range tt.miss {
				if p.match(m) {
					t.Errorf("matches %q", m)
				}
			}
		})
	}
}

func TestFilterPatternInvalid(t *testing.T) {
	for _, pattern := range []string{
		`"unterminated`, `""`, `"a"b`, `a"b`, `?`, `-`, `ERROR ?`, `? ERROR`, `%%`, `%unterminated`, `%(%`, `%a%b`,
		`{ $.level = "ERROR" }`, `[ip, user]`,
	} {
		if _, err := parseFilterPattern(pattern); err == nil {
			t.Errorf("%q parsed", pattern)
		}
	}
}

func FuzzFilterPattern(f *testing.F) {
	for _, seed := range []string{"", "ERROR", `?a ?"b c" -d`, `"x\"y\\"`, "%[a-z]+%", "{ $.a = 1 }", "[a, b]", `-"`, "?-x"} {
		f.Add(seed, "a b c ERROR x\"y\\")
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := parseFilterPattern(pattern)
		if err != nil {
			if p != nil {
				t.Fatal("pattern returned with an error")
			}
			return
		}
		p.match(msg)
		// A bare term parsed from a pattern always matches the pattern text
		// itself when it has no modifiers, quotes or regexes.
		if p != nil && !strings.ContainsAny(pattern, `?-"%`) && utf8.ValidString(pattern) && !p.match(pattern) {
			t.Errorf("%q does not match itself", pattern)
		}
	})
}

// FuzzRequest sends arbitrary bodies to every operation: the decoder and
// validators must never panic or fail as a server fault, and every answer
// is a JSON object.
func FuzzRequest(f *testing.F) {
	ops := make([]string, 0, len(bodies))
	for op, body := range bodies {
		ops = append(ops, op)
		f.Add(uint8(len(ops)-1), body)
	}
	f.Add(uint8(0), `{"logGroupName":"g","nextToken":"f/eyJvIjoiR2V0TG9nRXZlbnRzIn0"}`)
	f.Add(uint8(0), `{"limit":1e400}`)
	f.Add(uint8(0), `{"logGroupIdentifier":"arn:aws:logs:us-east-1:111111111111:log-group:g:*"}`)
	f.Fuzz(func(t *testing.T, opIndex uint8, body string) {
		st := newFakeStore()
		if err := st.AppendLogEvents(t.Context(), acctA, "g", "s", nil); err != nil {
			t.Fatal(err)
		}
		allow := authorizerFunc(func(context.Context, authz.Request) error { return nil })
		h := withPrincipal(rootOf(acctA), NewHandler(Config{
			Region: region, Logs: st, Authorizer: allow, Logger: slog.New(slog.DiscardHandler), Clock: clocktest.New(now),
		}))
		op := ops[int(opIndex)%len(ops)]
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", targetPrefix+op)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
			t.Fatalf("%s %q: status %d: %s", op, body, rec.Code, rec.Body)
		}
		if !strings.HasPrefix(rec.Body.String(), "{") || !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s %q: body %q", op, body, rec.Body)
		}
	})
}
