package lambdaapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"lambent/internal/authz"
	"lambent/internal/invoke"
	"lambent/internal/queue"
	"lambent/internal/testenv"
)

// queueingInvoker is fakeInvoker with the Submit capability the daemon's
// invoker has; it records what it accepts.
type queueingInvoker struct {
	fakeInvoker
	mu   sync.Mutex
	subs []queue.Submission
	err  error
}

var _ eventQueue = (*queueingInvoker)(nil)

func (q *queueingInvoker) Submit(_ context.Context, s queue.Submission) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.subs = append(q.subs, s)
	return q.err
}

// newAsyncAPI returns an API whose invoker queues, with the Active
// functions names.
func newAsyncAPI(t *testing.T, names ...string) (*API, *queueingInvoker) {
	t.Helper()
	api := newTestAPI(t)
	q := &queueingInvoker{fakeInvoker: fakeInvoker{invoke: func(invoke.Target, invoke.Request) (*invoke.Response, error) {
		return nil, errors.New("synchronous invoke in an async test")
	}}}
	api.cfg.Invoker, api.cfg.Events = q, q
	for _, name := range names {
		if w := do(api, "POST", "/2015-03-31/functions", createBody(t, name)); w.Code != 201 {
			t.Fatalf("create %s: %d %s", name, w.Code, w.Body)
		}
		testenv.WaitFor(t, 10*time.Second, func() error {
			w := do(api, "GET", "/2015-03-31/functions/"+name+"/configuration", nil)
			if !strings.Contains(w.Body.String(), `"State":"Active"`) {
				return fmt.Errorf("%s not Active: %s", name, w.Body)
			}
			return nil
		})
	}
	return api, q
}

// doEvent sends an Event invocation.
func doEvent(api *API, target string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", target, bytes.NewReader(body))
	r.Header.Set("X-Amz-Invocation-Type", "Event")
	r = r.WithContext(authz.WithPrincipal(r.Context(), &authz.Principal{Account: testAccount, IsRoot: true}))
	w := httptest.NewRecorder()
	api.Serve(w, r, body, "req-1")
	return w
}

// wantError fails unless w is the AWS error code with a message holding msg.
func wantError(t *testing.T, w *httptest.ResponseRecorder, status int, code, msg string) {
	t.Helper()
	if w.Code != status || w.Header().Get("X-Amzn-Errortype") != code || !strings.Contains(w.Body.String(), msg) {
		t.Errorf("got %d %s %s, want %d %s containing %q", w.Code, w.Header().Get("X-Amzn-Errortype"), w.Body, status, code, msg)
	}
}

func TestEventInvokeIsQueued(t *testing.T) {
	api, q := newAsyncAPI(t, "f")
	w := doEvent(api, "/2015-03-31/functions/f/invocations?Qualifier=%24LATEST", []byte(`{"a":1}`))
	if w.Code != http.StatusAccepted || w.Body.Len() != 0 || w.Header().Get("X-Amzn-Requestid") != "req-1" {
		t.Fatalf("Event invoke: %d %q %v", w.Code, w.Body, w.Header())
	}
	want := queue.Submission{Account: testAccount, RequestID: "req-1", Function: "f", Qualifier: "$LATEST",
		Payload: []byte(`{"a":1}`), TimeoutSec: 3}
	if len(q.subs) != 1 || fmt.Sprint(q.subs[0]) != fmt.Sprint(want) {
		t.Errorf("submitted %+v, want %+v", q.subs, want)
	}
}

func TestEventInvokeChecks(t *testing.T) {
	api, q := newAsyncAPI(t, "f")
	exact := append(append([]byte(`"`), bytes.Repeat([]byte("a"), maxEventPayload-2)...), '"')
	if w := doEvent(api, "/2015-03-31/functions/f/invocations", exact); w.Code != http.StatusAccepted {
		t.Fatalf("a payload of exactly the limit: %d %s", w.Code, w.Body)
	}
	tests := []struct {
		name, target string
		body         []byte
		status       int
		code, msg    string
	}{
		{"over 1 MB", "/2015-03-31/functions/f/invocations", append(exact, ' '), 413, "RequestEntityTooLargeException",
			"1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"},
		{"not JSON", "/2015-03-31/functions/f/invocations", []byte("{"), 400, "InvalidRequestContentException",
			"Could not parse request body into json"},
		{"unknown function", "/2015-03-31/functions/nope/invocations", []byte("{}"), 404, "ResourceNotFoundException",
			"Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantError(t, doEvent(api, tt.target, tt.body), tt.status, tt.code, tt.msg) })
	}
	if len(q.subs) != 1 {
		t.Errorf("%d submissions, want only the valid one", len(q.subs))
	}
	q.err = errors.New("disk full")
	if w := doEvent(api, "/2015-03-31/functions/f/invocations", []byte("{}")); w.Code != 500 {
		t.Errorf("a failed enqueue answered %d, want 500 and never 202", w.Code)
	}
}

func TestInvokeAsync(t *testing.T) {
	api, q := newAsyncAPI(t, "f")
	w := do(api, "POST", "/2014-11-13/functions/f/invoke-async/", []byte(`{"a":1}`))
	if w.Code != http.StatusAccepted || strings.TrimSpace(w.Body.String()) != `{"Status":202}` || len(q.subs) != 1 {
		t.Fatalf("InvokeAsync: %d %s (%d submitted)", w.Code, w.Body, len(q.subs))
	}
	big := append(append([]byte(`"`), bytes.Repeat([]byte("a"), maxInvokeAsyncPayload)...), '"')
	wantError(t, do(api, "POST", "/2014-11-13/functions/f/invoke-async", big), 413, "RequestEntityTooLargeException",
		"262146 byte payload is too large for the Event invocation type (limit 262144 bytes)")
}

func TestEventInvokeConfigShapes(t *testing.T) {
	api, _ := newAsyncAPI(t, "f", "g")
	w := do(api, "PUT", "/2019-09-25/functions/f/event-invoke-config", []byte(`{"MaximumRetryAttempts":1}`))
	if w.Code != 200 {
		t.Fatalf("put: %d %s", w.Code, w.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["LastModified"].(float64); !ok || got["FunctionArn"] != "arn:aws:lambda:us-east-1:111111111111:function:f:$LATEST" ||
		got["MaximumRetryAttempts"] != 1.0 || got["MaximumEventAgeInSeconds"] != nil ||
		fmt.Sprint(got["DestinationConfig"]) != "map[OnFailure:map[] OnSuccess:map[]]" {
		t.Errorf("put response %s", w.Body)
	}
	w = do(api, "POST", "/2019-09-25/functions/f/event-invoke-config",
		[]byte(`{"DestinationConfig":{"OnSuccess":{"Destination":"arn:aws:lambda:us-east-1:111111111111:function:g"}}}`))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"MaximumRetryAttempts":1`) ||
		!strings.Contains(w.Body.String(), `"OnSuccess":{"Destination":"arn:aws:lambda:us-east-1:111111111111:function:g"},"OnFailure":{}`) {
		t.Errorf("update: %d %s", w.Code, w.Body)
	}
	w = do(api, "GET", "/2019-09-25/functions/f/event-invoke-config/list", nil)
	if w.Code != 200 || strings.Count(w.Body.String(), `"FunctionArn"`) != 1 || strings.Contains(w.Body.String(), "NextMarker") {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	if w := do(api, "DELETE", "/2019-09-25/functions/f/event-invoke-config", nil); w.Code != 204 {
		t.Errorf("delete: %d %s", w.Code, w.Body)
	}
	wantError(t, do(api, "GET", "/2019-09-25/functions/f/event-invoke-config", nil), 404, "ResourceNotFoundException",
		"The function arn:aws:lambda:us-east-1:111111111111:function:f:$LATEST doesn't have an EventInvokeConfig")
}

func TestEventInvokeConfigErrors(t *testing.T) {
	api, _ := newAsyncAPI(t, "f")
	const fn = "arn:aws:lambda:us-east-1:111111111111:function:"
	dest := func(member, arn string) string {
		return `{"DestinationConfig":{"` + member + `":{"Destination":"` + arn + `"}}}`
	}
	tests := []struct {
		name, method, target, body string
		status                     int
		code, msg                  string
	}{
		{"nothing set", "PUT", "f/event-invoke-config", `{}`, 400, "InvalidParameterValueException",
			"You must specify at least one of error handling or destination setting."},
		{"retries too high", "PUT", "f/event-invoke-config", `{"MaximumRetryAttempts":3}`, 400, "ValidationException",
			"1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"},
		{"age too low", "PUT", "f/event-invoke-config", `{"MaximumEventAgeInSeconds":59}`, 400, "ValidationException",
			"Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60"},
		{"age too high", "POST", "f/event-invoke-config", `{"MaximumEventAgeInSeconds":21601}`, 400, "ValidationException",
			"Member must have value less than or equal to 21600"},
		{"malformed destination", "PUT", "f/event-invoke-config", dest("OnFailure", "not-an-arn"), 400, "ValidationException",
			"at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{"self", "PUT", "f/event-invoke-config", dest("OnFailure", fn+"f"), 400, "InvalidParameterValueException",
			"You can't specify the function as a destination for itself."},
		{"unknown destination", "PUT", "f/event-invoke-config", dest("OnSuccess", fn+"ghost"), 400, "InvalidParameterValueException",
			"The destination ARN " + fn + "ghost is invalid."},
		{"other account", "PUT", "f/event-invoke-config", dest("OnSuccess", "arn:aws:lambda:us-east-1:222222222222:function:g"), 400,
			"InvalidParameterValueException", "in another account"},
		{"SQS", "PUT", "f/event-invoke-config", dest("OnFailure", "arn:aws:sqs:us-east-1:111111111111:q"), 400, "InvalidParameterValueException",
			"Lambent cannot use Amazon SQS queues as a destination yet"},
		{"SNS", "PUT", "f/event-invoke-config", dest("OnSuccess", "arn:aws:sns:us-east-1:111111111111:t"), 400, "InvalidParameterValueException",
			"Lambent cannot use Amazon SNS topics as a destination yet"},
		{"EventBridge", "PUT", "f/event-invoke-config", dest("OnSuccess", "arn:aws:events:us-east-1:111111111111:event-bus/b"), 400,
			"InvalidParameterValueException", "Amazon EventBridge event buses"},
		{"unknown function", "PUT", "nope/event-invoke-config", `{"MaximumRetryAttempts":1}`, 404, "ResourceNotFoundException", "The function doesn't exist."},
		{"unknown version", "PUT", "f/event-invoke-config?Qualifier=7", `{"MaximumRetryAttempts":1}`, 404, "ResourceNotFoundException",
			"The function doesn't exist."},
		{"update without config", "POST", "f/event-invoke-config", `{"MaximumRetryAttempts":1}`, 404, "ResourceNotFoundException",
			"The function " + fn + "f:$LATEST doesn't have an EventInvokeConfig"},
		{"delete without config", "DELETE", "f/event-invoke-config?Qualifier=%24LATEST", ``, 404, "ResourceNotFoundException",
			"doesn't have an EventInvokeConfig"},
		{"list of unknown function", "GET", "nope/event-invoke-config/list", ``, 404, "ResourceNotFoundException", "The function doesn't exist."},
		{"list page too big", "GET", "f/event-invoke-config/list?MaxItems=51", ``, 400, "ValidationException", "Member must have value less than or equal to 50"},
		{"unknown method", "PATCH", "f/event-invoke-config", ``, 400, "UnknownOperationException", "Lambent does not serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(api, tt.method, "/2019-09-25/functions/"+tt.target, []byte(tt.body))
			wantError(t, w, tt.status, tt.code, tt.msg)
		})
	}
}

func TestDeadLetterTargets(t *testing.T) {
	api, _ := newAsyncAPI(t, "f")
	update := func(target string) *httptest.ResponseRecorder {
		return do(api, "PUT", "/2015-03-31/functions/f/configuration", []byte(`{"DeadLetterConfig":{"TargetArn":"`+target+`"}}`))
	}
	tests := []struct {
		name, target string
		msg          string // "" for accepted
	}{
		{"function", "arn:aws:lambda:us-east-1:111111111111:function:other", ""},
		{"SQS", "arn:aws:sqs:us-east-1:111111111111:dlq", "Lambent cannot use Amazon SQS queues as a dead-letter target yet"},
		{"SNS", "arn:aws:sns:us-east-1:111111111111:dlq", "Lambent cannot use Amazon SNS topics as a dead-letter target yet"},
		{"other service", "arn:aws:dynamodb:us-east-1:111111111111:table/t", "Lambent delivers dead letters to Lambda functions only"},
		{"other account", "arn:aws:lambda:us-east-1:222222222222:function:other", "in another account"},
		{"itself", "arn:aws:lambda:us-east-1:111111111111:function:f", "You can't specify the function as its own dead-letter target."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := update(tt.target)
			if tt.msg == "" {
				if w.Code != 200 {
					t.Errorf("update: %d %s", w.Code, w.Body)
				}
				return
			}
			wantError(t, w, 400, "InvalidParameterValueException", tt.msg)
		})
	}
	body, _ := json.Marshal(map[string]any{"FunctionName": "h", "Runtime": "python3.11", "Handler": "app.handler",
		"Role": "arn:aws:iam::111111111111:role/r", "DeadLetterConfig": map[string]string{"TargetArn": "arn:aws:sns:us-east-1:111111111111:t"}})
	wantError(t, do(api, "POST", "/2015-03-31/functions", body), 400, "InvalidParameterValueException", "Amazon SNS topics")
}

func TestFailedEventsNeedRoot(t *testing.T) {
	api := newTestAPI(t)
	w := do(api, "GET", "/lambent/admin/functions/f/failed-events", nil)
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"FailedEvents":[]}` {
		t.Errorf("root: %d %s", w.Code, w.Body)
	}
	wantError(t, do(api, "GET", "/lambent/admin/functions/f/failed-events?Marker=%21", nil), 400,
		"InvalidParameterValueException", "Invalid Marker")
	r := httptest.NewRequest("GET", "/lambent/admin/functions/f/failed-events", nil)
	r = r.WithContext(authz.WithPrincipal(r.Context(), &authz.Principal{Account: testAccount,
		ARN: "arn:aws:iam::111111111111:user/u"}))
	w = httptest.NewRecorder()
	api.Serve(w, r, nil, "req-1")
	wantError(t, w, 403, "AccessDeniedException", "requires the account's root credentials")
}
