package gateway

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"lambent/internal/authz"
	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

// fakeVerifier accepts requests that carry an Authorization header.
type fakeVerifier struct{ service string }

func (f *fakeVerifier) Verify(_ context.Context, r *sigv4.Request, service string) (*sigv4.Result, error) {
	f.service = service
	if r.Header.Get("Authorization") == "" {
		return nil, errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeMissingAuthenticationToken, "Request is missing Authentication Token")
	}
	return &sigv4.Result{Credential: sigv4.Credential{Subject: &authz.Principal{Account: "111111111111", IsRoot: true}}}, nil
}

type recorder struct{ body string }

func (l *recorder) Serve(w http.ResponseWriter, r *http.Request, body []byte, _ string) {
	if _, ok := authz.PrincipalFrom(r.Context()); !ok {
		http.Error(w, "no principal", 500)
		return
	}
	l.body = string(body)
	w.WriteHeader(204)
}

// queryRecorder stands for the IAM, STS and Organizations servers.
type queryRecorder struct {
	name   string
	served *string
}

func (q queryRecorder) Serve(w http.ResponseWriter, _ *http.Request, _ []byte, _ string) {
	*q.served = q.name
	w.WriteHeader(200)
}

func (q queryRecorder) WriteError(w http.ResponseWriter, _ string, _ error) {
	*q.served = q.name + " error"
	w.WriteHeader(403)
}

func newGateway(t *testing.T) (*Gateway, *fakeVerifier, *recorder) {
	g, v, l, _ := newGatewayQ(t)
	return g, v, l
}

func newGatewayQ(t *testing.T) (*Gateway, *fakeVerifier, *recorder, *string) {
	v, l := &fakeVerifier{}, &recorder{}
	served := new(string)
	logs := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	})
	code := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "zip") })
	g, err := New(Config{Verifier: v, Lambda: l, Logs: logs, Code: code, Logger: slog.New(slog.DiscardHandler),
		IAM: queryRecorder{"iam", served}, STS: queryRecorder{"sts", served}, Organizations: queryRecorder{"organizations", served}})
	if err != nil {
		t.Fatal(err)
	}
	return g, v, l, served
}

func TestRoutesQueryAndOrganizations(t *testing.T) {
	g, v, _, served := newGatewayQ(t)
	for _, tt := range []struct {
		auth, target, want, service string
	}{
		{"AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x", "", "iam", "iam"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x", "", "sts", "sts"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=x",
			"AWSOrganizationsV20161128.ListAccounts", "organizations", "organizations"},
		{"", "", "iam error", "iam"},
		{"", "AWSOrganizationsV20161128.ListAccounts", "organizations error", "organizations"},
	} {
		*served, v.service = "", ""
		r := httptest.NewRequest("POST", "/", strings.NewReader("Action=ListUsers&Version=2010-05-08"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		if tt.target != "" {
			r.Header.Set("X-Amz-Target", tt.target)
		}
		g.ServeHTTP(httptest.NewRecorder(), r)
		if *served != tt.want || v.service != tt.service {
			t.Errorf("auth %q target %q: served %q verified as %q; want %q, %q", tt.auth, tt.target, *served, v.service, tt.want, tt.service)
		}
	}
}

func TestUnauthenticatedRoutes(t *testing.T) {
	g, _, _ := newGateway(t)
	for _, path := range []string{"/healthz", "/code/token"} {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			t.Fatalf("GET %s = %d", path, w.Code)
		}
	}
	// Everything else needs a signature, /metrics included.
	for _, path := range []string{"/metrics", "/2015-03-31/functions"} {
		w := httptest.NewRecorder()
		g.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 403 || w.Header().Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
			t.Fatalf("GET %s = %d %s", path, w.Code, w.Header().Get("X-Amzn-Errortype"))
		}
	}
}

func TestRoutesBySigningService(t *testing.T) {
	g, v, l := newGateway(t)
	r := httptest.NewRequest("POST", "/2015-03-31/functions", strings.NewReader(`{"a":1}`))
	r.Header.Set("Authorization", "ok")
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	if w.Code != 204 || v.service != "lambda" || l.body != `{"a":1}` {
		t.Fatalf("lambda: %d service=%s body=%q", w.Code, v.service, l.body)
	}
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{"logGroupName":"g"}`))
	r.Header.Set("Authorization", "ok")
	r.Header.Set("X-Amz-Target", "Logs_20140328.FilterLogEvents")
	w = httptest.NewRecorder()
	g.ServeHTTP(w, r)
	if w.Code != 200 || v.service != "logs" || w.Body.String() != `{"logGroupName":"g"}` {
		t.Fatalf("logs: %d service=%s body=%q", w.Code, v.service, w.Body)
	}
	// A refused Logs request is answered in the JSON 1.1 shape.
	r = httptest.NewRequest("POST", "/", strings.NewReader(`{}`))
	r.Header.Set("X-Amz-Target", "Logs_20140328.FilterLogEvents")
	w = httptest.NewRecorder()
	g.ServeHTTP(w, r)
	if w.Code != 403 || !strings.Contains(w.Body.String(), `"__type":"MissingAuthenticationToken"`) {
		t.Fatalf("logs refusal: %d %s", w.Code, w.Body)
	}
}

func TestBodyLimit(t *testing.T) {
	g, _, _ := newGateway(t)
	r := httptest.NewRequest("POST", "/2015-03-31/functions", strings.NewReader("x"))
	r.ContentLength = MaxBody + 1
	r.Header.Set("Authorization", "ok")
	w := httptest.NewRecorder()
	g.ServeHTTP(w, r)
	if w.Code != 413 || w.Header().Get("X-Amzn-Errortype") != "RequestEntityTooLargeException" {
		t.Fatalf("oversized body: %d %s", w.Code, w.Header().Get("X-Amzn-Errortype"))
	}
}
