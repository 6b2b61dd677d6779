package integration_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/google/go-cmp/cmp"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

// workerPy prints a marker with the event's id and the request ID, and
// fails when asked to.
const workerPy = `
def handler(event, context):
    print("MARKER", event.get("id"), context.aws_request_id)
    if event.get("fail"):
        raise RuntimeError("intentional failure")
    return {"id": event.get("id")}
`

// sinkPy prints every event it receives on one line.
const sinkPy = `
import json
def handler(event, context):
    print("RECORD " + json.dumps(event))
`

const fnARNPrefix = "arn:aws:lambda:us-east-1:000000000000:function:"

// asyncWait bounds the waits for queued events to run.
const asyncWait = 60 * time.Second

func createPython(t *testing.T, c *lambda.Client, name, code string, mutate ...func(*lambda.CreateFunctionInput)) {
	t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: types.RuntimePython311, Handler: aws.String("app.handler"),
		Role: aws.String(framework.Role), Code: &types.FunctionCode{ZipFile: framework.Zip(t, map[string]string{"app.py": code})},
		Timeout: aws.Int32(10),
	}
	for _, m := range mutate {
		m(in)
	}
	framework.CreateAndWait(t, c, in)
}

// invokeEvent sends an Event invocation and returns its request ID.
func invokeEvent(t *testing.T, c *lambda.Client, fn string, v any) string {
	t.Helper()
	payload, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload,
		InvocationType: types.InvocationTypeEvent})
	if err != nil {
		t.Fatalf("invoke %s (Event): %v", fn, err)
	}
	id, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if out.StatusCode != http.StatusAccepted || id == "" || len(out.Payload) != 0 {
		t.Fatalf("Event invoke answered %d, request ID %q, body %q; want 202, an ID, no body", out.StatusCode, id, out.Payload)
	}
	return id
}

// logLines returns the messages of a function's log group that contain
// word, following every page.
func logLines(t *testing.T, cw *cloudwatchlogs.Client, fn, word string) ([]string, error) {
	t.Helper()
	in := &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String("/aws/lambda/" + fn), FilterPattern: aws.String(word)}
	var out []string
	for {
		res, err := cw.FilterLogEvents(t.Context(), in)
		if err != nil {
			return nil, err
		}
		for _, e := range res.Events {
			out = append(out, aws.ToString(e.Message))
		}
		if res.NextToken == nil || aws.ToString(res.NextToken) == aws.ToString(in.NextToken) {
			return out, nil
		}
		in.NextToken = res.NextToken
	}
}

// markerRun is one run of workerPy.
type markerRun struct{ id, requestID string }

// markers returns the runs of workerPy in fn's log.
func markers(t *testing.T, cw *cloudwatchlogs.Client, fn string) ([]markerRun, error) {
	t.Helper()
	lines, err := logLines(t, cw, fn, "MARKER")
	if err != nil {
		return nil, err
	}
	var runs []markerRun
	for _, l := range lines {
		f := strings.Fields(l[strings.Index(l, "MARKER"):])
		if len(f) == 3 {
			runs = append(runs, markerRun{f[1], f[2]})
		}
	}
	return runs, nil
}

// waitRuns waits until every id ran at least once and returns the runs
// per id.
func waitRuns(t *testing.T, cw *cloudwatchlogs.Client, fn string, ids ...string) map[string][]markerRun {
	t.Helper()
	var got map[string][]markerRun
	testenv.WaitFor(t, asyncWait, func() error {
		runs, err := markers(t, cw, fn)
		if err != nil {
			return err
		}
		got = map[string][]markerRun{}
		for _, r := range runs {
			got[r.id] = append(got[r.id], r)
		}
		for _, id := range ids {
			if len(got[id]) == 0 {
				return fmt.Errorf("event %s has not run (%d runs logged)", id, len(runs))
			}
		}
		return nil
	})
	return got
}

// destinationRecord is Lambda's invocation record as a destination gets it.
type destinationRecord struct {
	Version        string `json:"version"`
	Timestamp      string `json:"timestamp"`
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionArn            string `json:"functionArn"`
		Condition              string `json:"condition"`
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	RequestPayload  json.RawMessage `json:"requestPayload"`
	ResponseContext *struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError"`
	} `json:"responseContext"`
	ResponsePayload json.RawMessage `json:"responsePayload"`
}

// waitRecord waits for the sink to log a record that match accepts.
func waitRecord(t *testing.T, cw *cloudwatchlogs.Client, sink string, match func(line string) bool) string {
	t.Helper()
	var found string
	testenv.WaitFor(t, asyncWait, func() error {
		lines, err := logLines(t, cw, sink, "RECORD")
		if err != nil {
			return err
		}
		for _, l := range lines {
			body := l[strings.Index(l, "RECORD ")+len("RECORD "):]
			if match(body) {
				found = body
				return nil
			}
		}
		return fmt.Errorf("no matching record among %d", len(lines))
	})
	return found
}

func recordFor(t *testing.T, cw *cloudwatchlogs.Client, sink, requestID string) destinationRecord {
	t.Helper()
	body := waitRecord(t, cw, sink, func(l string) bool { return strings.Contains(l, `"requestId": "`+requestID+`"`) })
	var r destinationRecord
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("record %s: %v", body, err)
	}
	return r
}

func putConfig(t *testing.T, c *lambda.Client, in *lambda.PutFunctionEventInvokeConfigInput) {
	t.Helper()
	if _, err := c.PutFunctionEventInvokeConfig(t.Context(), in); err != nil {
		t.Fatalf("PutFunctionEventInvokeConfig %s: %v", aws.ToString(in.FunctionName), err)
	}
}

func TestAsyncInvoke(t *testing.T) {
	s := framework.StartInProcessWith(t, framework.Options{}, framework.WithAsyncRetryDelay(20*time.Millisecond))
	c := s.Lambda()
	cw := cloudwatchlogs.NewFromConfig(s.AWSConfig())
	createPython(t, c, "worker", workerPy)
	createPython(t, c, "sink", sinkPy)

	t.Run("every accepted event runs once under its request ID", func(t *testing.T) {
		want := map[string]string{}
		for i := range 20 {
			id := fmt.Sprintf("batch-%02d", i)
			want[id] = invokeEvent(t, c, "worker", map[string]string{"id": id})
		}
		ids := make([]string, 0, len(want))
		for id := range want {
			ids = append(ids, id)
		}
		got := waitRuns(t, cw, "worker", ids...)
		for id, reqID := range want {
			if len(got[id]) != 1 || got[id][0].requestID != reqID {
				t.Errorf("event %s: runs %v, want one run under request ID %s", id, got[id], reqID)
			}
		}
	})
	t.Run("InvokeAsync answers 202 and runs the event", func(t *testing.T) {
		//lint:ignore SA1019 the deprecated operation is what this test covers
		out, err := c.InvokeAsync(t.Context(), &lambda.InvokeAsyncInput{FunctionName: aws.String("worker"),
			InvokeArgs: strings.NewReader(`{"id":"legacy"}`)})
		if err != nil || out.Status != http.StatusAccepted {
			t.Fatalf("InvokeAsync = %v, %v; want status 202", out, err)
		}
		waitRuns(t, cw, "worker", "legacy")
		//lint:ignore SA1019 the deprecated operation is what this test covers
		_, err = c.InvokeAsync(t.Context(), &lambda.InvokeAsyncInput{FunctionName: aws.String("worker"),
			InvokeArgs: strings.NewReader(`"` + strings.Repeat("a", 262144) + `"`)})
		apiError(t, err, "RequestEntityTooLargeException", "262146 byte payload is too large for the Event invocation type (limit 262144 bytes)")
	})
	t.Run("the 1 MB limit", func(t *testing.T) {
		const limit = 1048576
		frame := `{"id":"big","pad":""}`
		pad := strings.Repeat("a", limit-len(frame))
		exact := `{"id":"big","pad":"` + pad + `"}`
		out, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("worker"), Payload: []byte(exact),
			InvocationType: types.InvocationTypeEvent})
		if err != nil || out.StatusCode != http.StatusAccepted {
			t.Fatalf("Event invoke of exactly %d bytes = %v; want 202", limit, err)
		}
		_, err = c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("worker"), Payload: []byte(exact + " "),
			InvocationType: types.InvocationTypeEvent})
		apiError(t, err, "RequestEntityTooLargeException", "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)")
		waitRuns(t, cw, "worker", "big")
	})
	t.Run("unknown function is 404 at once; DryRun stays 204", func(t *testing.T) {
		_, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("nope"), InvocationType: types.InvocationTypeEvent})
		apiError(t, err, "ResourceNotFoundException", "Function not found: "+fnARNPrefix+"nope:$LATEST")
		out, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("worker"), InvocationType: types.InvocationTypeDryRun})
		if err != nil || out.StatusCode != http.StatusNoContent {
			t.Fatalf("DryRun = %v; want 204", err)
		}
		_, err = c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("worker"), Payload: []byte("{not json"),
			InvocationType: types.InvocationTypeEvent})
		apiError(t, err, "InvalidRequestContentException", "Could not parse request body into json")
	})
	t.Run("function errors are retried, then the failure record goes to OnFailure", func(t *testing.T) {
		createPython(t, c, "flaky", workerPy)
		putConfig(t, c, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("flaky"),
			MaximumRetryAttempts: aws.Int32(2),
			DestinationConfig:    &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(fnARNPrefix + "sink")}}})
		reqID := invokeEvent(t, c, "flaky", map[string]any{"id": "doomed", "fail": true})
		r := recordFor(t, cw, "sink", reqID)
		if r.Version != "1.0" || r.RequestContext.FunctionArn != fnARNPrefix+"flaky:$LATEST" ||
			r.RequestContext.Condition != "RetriesExhausted" || r.RequestContext.ApproximateInvokeCount != 3 {
			t.Errorf("record %+v", r)
		}
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", r.Timestamp); err != nil {
			t.Errorf("timestamp %q: %v", r.Timestamp, err)
		}
		if !jsonEqual(r.RequestPayload, `{"id":"doomed","fail":true}`) {
			t.Errorf("requestPayload %s", r.RequestPayload)
		}
		if rc := r.ResponseContext; rc == nil || rc.StatusCode != 200 || rc.ExecutedVersion != "$LATEST" || rc.FunctionError != "Unhandled" {
			t.Errorf("responseContext %+v", rc)
		}
		var doc struct{ ErrorMessage, ErrorType string }
		if err := json.Unmarshal(r.ResponsePayload, &doc); err != nil || doc.ErrorMessage != "intentional failure" || doc.ErrorType != "RuntimeError" {
			t.Errorf("responsePayload %s", r.ResponsePayload)
		}
		runs := waitRuns(t, cw, "flaky", "doomed")["doomed"]
		if len(runs) != 3 {
			t.Errorf("%d runs, want 1 + 2 retries", len(runs))
		}
		for _, run := range runs {
			if run.requestID != reqID {
				t.Errorf("a retry ran under request ID %s, want %s", run.requestID, reqID)
			}
		}
	})
	t.Run("success record goes to OnSuccess", func(t *testing.T) {
		createPython(t, c, "happy", workerPy)
		putConfig(t, c, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("happy"),
			DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(fnARNPrefix + "sink")}}})
		reqID := invokeEvent(t, c, "happy", map[string]any{"id": "joy"})
		r := recordFor(t, cw, "sink", reqID)
		if r.RequestContext.Condition != "Success" || r.RequestContext.ApproximateInvokeCount != 1 ||
			r.ResponseContext == nil || r.ResponseContext.FunctionError != "" || string(r.ResponsePayload) != `{"id": "joy"}` {
			t.Errorf("record %+v, response %s", r, r.ResponsePayload)
		}
	})
	t.Run("a dead-letter function gets the original event", func(t *testing.T) {
		createPython(t, c, "dlqsrc", workerPy, func(in *lambda.CreateFunctionInput) {
			in.DeadLetterConfig = &types.DeadLetterConfig{TargetArn: aws.String(fnARNPrefix + "sink")}
		})
		putConfig(t, c, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("dlqsrc"), MaximumRetryAttempts: aws.Int32(0)})
		invokeEvent(t, c, "dlqsrc", map[string]any{"id": "dead-letter", "fail": true})
		waitRecord(t, cw, "sink", func(l string) bool { return jsonEqual([]byte(l), `{"id":"dead-letter","fail":true}`) })
	})
	t.Run("failures without a destination are listed for the root user", func(t *testing.T) {
		createPython(t, c, "lonely", workerPy)
		putConfig(t, c, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("lonely"), MaximumRetryAttempts: aws.Int32(1)})
		reqID := invokeEvent(t, c, "lonely", map[string]any{"id": "kept", "fail": true})
		var page struct {
			FailedEvents []struct {
				RequestID, FunctionArn, Condition, FunctionError, EnqueuedAt, FailedAt string
				ApproximateInvokeCount                                                 int
				RequestPayload, ResponsePayload                                        json.RawMessage
			}
		}
		testenv.WaitFor(t, asyncWait, func() error {
			status, body := signedGet(t, s, "/lambent/admin/functions/lonely/failed-events")
			if status != http.StatusOK {
				return fmt.Errorf("status %d: %s", status, body)
			}
			if err := json.Unmarshal(body, &page); err != nil {
				return err
			}
			if len(page.FailedEvents) == 0 {
				return fmt.Errorf("no failed events yet")
			}
			return nil
		})
		f := page.FailedEvents[0]
		if len(page.FailedEvents) != 1 || f.RequestID != reqID || f.Condition != "RetriesExhausted" || f.ApproximateInvokeCount != 2 ||
			f.FunctionArn != fnARNPrefix+"lonely:$LATEST" || f.FunctionError != "Unhandled" ||
			!jsonEqual(f.RequestPayload, `{"id":"kept","fail":true}`) || !strings.Contains(string(f.ResponsePayload), "intentional failure") {
			t.Errorf("failed events %+v", page.FailedEvents)
		}
		resp, err := http.Get(s.Endpoint + "/lambent/admin/functions/lonely/failed-events")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("unsigned admin request answered %d, want 403", resp.StatusCode)
		}
	})
}

// jsonEqual reports whether got holds the same JSON value as want.
func jsonEqual(got []byte, want string) bool {
	var g, w any
	if json.Unmarshal(got, &g) != nil || json.Unmarshal([]byte(want), &w) != nil {
		return false
	}
	return cmp.Equal(g, w)
}

// signedGet sends a GET signed with the root credentials for the lambda
// service, for routes the SDK has no operation for (or to see raw shapes).
func signedGet(t *testing.T, s *framework.Server, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.Endpoint+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	empty := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: framework.AccessKeyID, SecretAccessKey: framework.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.WithoutCancel(t.Context()), creds, req, hex.EncodeToString(empty[:]),
		"lambda", framework.Region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}
