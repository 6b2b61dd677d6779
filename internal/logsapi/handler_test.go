package logsapi

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/authz"
	"lambent/internal/errkind"
)

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name         string
		method       string
		target, body string
		status       int
		typ, message string
	}{
		{"unknown operation", "POST", targetPrefix + "DeleteLogStreamz", "{}", 400, "UnknownOperationException", "The requested operation is not supported."},
		{"other service", "POST", "Lambda_20150331.Invoke", "{}", 400, "UnknownOperationException", "The requested operation is not supported."},
		{"no target", "POST", "", "{}", 400, "UnknownOperationException", "The requested operation is not supported."},
		{"GET", "GET", targetPrefix + "DescribeLogGroups", "", 400, "UnknownOperationException", "The requested operation is not supported."},
		{"malformed JSON", "POST", targetPrefix + "DescribeLogGroups", "{", 400, "SerializationException", "The request body could not be parsed."},
		{"wrong member type", "POST", targetPrefix + "DescribeLogGroups", `{"limit":"5"}`, 400, "SerializationException", "The request body could not be parsed."},
		{"not an object", "POST", targetPrefix + "DescribeLogGroups", `[1]`, 400, "SerializationException", "The request body could not be parsed."},
		{"trailing data", "POST", targetPrefix + "DescribeLogGroups", `{} {}`, 400, "SerializationException", "The request body could not be parsed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, e.srv.URL+"/", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			wantError(t, e.send(req), tt.status, tt.typ, tt.message)
		})
	}
}

func TestEmptyBodyIsEmptyObject(t *testing.T) {
	e := newEnv(t)
	body := e.ok("DescribeLogGroups", "")
	if diff := cmp.Diff(map[string]any{"logGroups": []any{}}, body); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, e.srv.URL+"/", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", targetPrefix+"DescribeLogGroups")
	req.Header.Set(RequestIDHeader, "gateway-assigned-id")
	if got := e.send(req).header.Get("x-amzn-RequestId"); got != "gateway-assigned-id" {
		t.Errorf("x-amzn-RequestId = %q, want the gateway's", got)
	}
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	for _, r := range []response{e.call("DescribeLogGroups", "{}"), e.call("Nope", "{}")} {
		if got := r.header.Get("x-amzn-RequestId"); !uuidRE.MatchString(got) {
			t.Errorf("generated x-amzn-RequestId = %q, want a UUID", got)
		}
	}
}

// bodies are valid requests for every operation, against group "g" and
// stream "s".
var bodies = map[string]string{
	"CreateLogGroup":     `{"logGroupName":"g"}`,
	"CreateLogStream":    `{"logGroupName":"g","logStreamName":"s"}`,
	"DeleteLogGroup":     `{"logGroupName":"g"}`,
	"DescribeLogGroups":  `{}`,
	"DescribeLogStreams": `{"logGroupName":"g"}`,
	"FilterLogEvents":    `{"logGroupName":"g"}`,
	"GetLogEvents":       `{"logGroupName":"g","logStreamName":"s"}`,
	"PutLogEvents":       `{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1700000000000,"message":"m"}]}`,
}

func TestEveryOperationIsAuthorized(t *testing.T) {
	groupARN := "arn:aws:logs:us-east-1:111111111111:log-group:g:*"
	streamARN := "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:s"
	resources := map[string]string{
		"CreateLogGroup":     groupARN,
		"CreateLogStream":    streamARN,
		"DeleteLogGroup":     groupARN,
		"DescribeLogGroups":  "arn:aws:logs:us-east-1:111111111111:log-group:*",
		"DescribeLogStreams": groupARN,
		"FilterLogEvents":    groupARN,
		"GetLogEvents":       streamARN,
		"PutLogEvents":       streamARN,
	}
	if len(resources) != len(operations) || len(bodies) != len(operations) {
		t.Fatal("a new operation needs a body and a resource here")
	}
	for op, body := range bodies {
		t.Run(op, func(t *testing.T) {
			var mu sync.Mutex
			var got []authz.Request
			deny := authorizerFunc(func(_ context.Context, r authz.Request) error {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, r)
				return authz.Denied(r)
			})
			e := newEnv(t, withAuthorizer(deny))
			e.put("g", "s", []string{"m"})
			before := e.st.callCount()
			r := e.call(op, body)
			wantError(t, r, 400, "AccessDeniedException",
				"User: arn:aws:iam::111111111111:root is not authorized to perform: logs:"+op+" on resource: "+resources[op])
			if n := e.st.callCount() - before; n != 0 {
				t.Errorf("store called %d times after a denial", n)
			}
			mu.Lock()
			defer mu.Unlock()
			want := []authz.Request{{Principal: rootOf(acctA), Action: "logs:" + op, Resource: resources[op], ResourceAccount: acctA}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("authorize requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoPrincipalIsDenied(t *testing.T) {
	var called atomic.Bool
	allow := authorizerFunc(func(context.Context, authz.Request) error { called.Store(true); return nil })
	e := newEnv(t, withCaller(nil), withAuthorizer(allow))
	r := e.call("DescribeLogGroups", "{}")
	wantError(t, r, 400, "AccessDeniedException", "User: anonymous is not authorized to perform: logs:DescribeLogGroups on resource: arn:aws:logs:us-east-1::log-group:*")
	if called.Load() || e.st.callCount() != 0 {
		t.Error("a request without a principal reached the authorizer or the store")
	}
}

func TestServerFaultHidesCause(t *testing.T) {
	tests := []struct {
		name         string
		err          error
		status       int
		typ, message string
	}{
		{"internal", errors.New("sqlite: disk I/O error on page 7"), 500, "ServiceUnavailableException", "The service cannot complete the request."},
		{"unavailable", errkind.Wrap(errkind.Unavailable, "try later", errors.New("pool exhausted")), 500, "ServiceUnavailableException", "The service cannot complete the request."},
		{"throttled", errkind.New(errkind.Throttled, "busy"), 400, "ThrottlingException", "Rate exceeded"},
		{"canceled", context.Canceled, 500, "ServiceUnavailableException", "The service cannot complete the request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.st.failWith(tt.err)
			r := e.call("FilterLogEvents", `{"logGroupName":"g"}`)
			wantError(t, r, tt.status, tt.typ, tt.message)
			if tt.status == 500 {
				id := r.header.Get("x-amzn-RequestId")
				if log := e.log.String(); !strings.Contains(log, id) || !strings.Contains(log, tt.err.Error()) {
					t.Errorf("the cause is not logged under request ID %s:\n%s", id, log)
				}
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	full := Config{Region: region, Logs: newFakeStore(), Authorizer: authz.RootOnly{}, Logger: nil, Clock: nil}
	if err := full.Validate(); !errkind.Is(err, errkind.InvalidArgument) {
		t.Errorf("Validate without logger and clock = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewHandler accepted an invalid config")
		}
	}()
	NewHandler(Config{})
}
