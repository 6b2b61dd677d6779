package integration_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// invokeJSON invokes fn with v as the event and returns the output.
func invokeJSON(t *testing.T, c *lambda.Client, fn string, v any, opts ...func(*lambda.InvokeInput)) *lambda.InvokeOutput {
	t.Helper()
	payload, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	in := &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload}
	for _, o := range opts {
		o(in)
	}
	out, err := c.Invoke(context.Background(), in)
	if err != nil {
		t.Fatalf("invoke %s: %v", fn, err)
	}
	return out
}

// decodeReply decodes an invocation's JSON payload.
func decodeReply(t *testing.T, out *lambda.InvokeOutput) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(out.Payload, &m); err != nil {
		t.Fatalf("decode payload %q: %v", out.Payload, err)
	}
	return m
}

// apiError asserts err is an AWS API error with code and a message
// containing want, and returns it.
func apiError(t *testing.T, err error, code, want string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if !strings.Contains(ae.ErrorMessage(), want) {
		t.Fatalf("message = %q, want it to contain %q", ae.ErrorMessage(), want)
	}
	return ae
}

func logTail(t *testing.T, out *lambda.InvokeOutput) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(aws.ToString(out.LogResult))
	if err != nil {
		t.Fatalf("decode log result: %v", err)
	}
	return string(b)
}
