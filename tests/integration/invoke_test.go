package integration_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

func TestInvokeGoFunction(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "gofn", func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(1) })
	arn := "arn:aws:lambda:us-east-1:000000000000:function:gofn"

	t.Run("echo with context", func(t *testing.T) {
		cc := base64.StdEncoding.EncodeToString([]byte(`{"custom":{"k":"v"}}`))
		out := invokeJSON(t, c, "gofn", map[string]string{"value": "hi"}, func(in *lambda.InvokeInput) {
			in.ClientContext = aws.String(cc)
		})
		r := decodeReply(t, out)
		if r["value"] != "hi" || r["functionArn"] != arn || aws.ToString(out.ExecutedVersion) != "$LATEST" || out.FunctionError != nil {
			t.Fatalf("reply %v version %s", r, aws.ToString(out.ExecutedVersion))
		}
		if rem, _ := r["remainingMs"].(float64); rem <= 0 || rem > 1000 {
			t.Fatalf("remaining time %v, want within the 1 s timeout", r["remainingMs"])
		}
		if cust, _ := r["clientCustom"].(map[string]any); cust["k"] != "v" {
			t.Fatalf("client context not delivered: %v", r["clientCustom"])
		}
	})
	t.Run("log tail", func(t *testing.T) {
		out := invokeJSON(t, c, "gofn", map[string]string{"action": "log", "value": "marker-42"}, func(in *lambda.InvokeInput) {
			in.LogType = types.LogTypeTail
		})
		tail := logTail(t, out)
		for _, want := range []string{"START RequestId: ", "Version: $LATEST", "log line: marker-42", "stderr line: marker-42",
			"END RequestId: ", "REPORT RequestId: ", "Billed Duration: ", "Memory Size: 128 MB", "Max Memory Used: "} {
			if !strings.Contains(tail, want) {
				t.Fatalf("tail lacks %q:\n%s", want, tail)
			}
		}
	})
	t.Run("function error", func(t *testing.T) {
		out := invokeJSON(t, c, "gofn", map[string]string{"action": "error", "value": "boom"})
		r := decodeReply(t, out)
		if aws.ToString(out.FunctionError) != "Unhandled" || r["errorMessage"] != "boom" || r["errorType"] != "errorString" {
			t.Fatalf("FunctionError=%s body=%s", aws.ToString(out.FunctionError), out.Payload)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		out := invokeJSON(t, c, "gofn", map[string]any{"action": "sleep", "millis": 3000}, func(in *lambda.InvokeInput) {
			in.LogType = types.LogTypeTail
		})
		r := decodeReply(t, out)
		if r["errorType"] != "Sandbox.Timedout" || !strings.Contains(fmt.Sprint(r["errorMessage"]), "Task timed out after 1.00 seconds") {
			t.Fatalf("timeout body %s", out.Payload)
		}
		if !strings.Contains(logTail(t, out), "Status: timeout") {
			t.Fatalf("REPORT lacks Status: timeout:\n%s", logTail(t, out))
		}
		// The timed-out environment is replaced; the next call works.
		if r := decodeReply(t, invokeJSON(t, c, "gofn", map[string]string{"value": "again"})); r["value"] != "again" {
			t.Fatalf("after timeout: %v", r)
		}
	})
	t.Run("runtime exit", func(t *testing.T) {
		out := invokeJSON(t, c, "gofn", map[string]string{"action": "exit"})
		r := decodeReply(t, out)
		if aws.ToString(out.FunctionError) != "Unhandled" || r["errorType"] != "Runtime.ExitError" ||
			!strings.Contains(fmt.Sprint(r["errorMessage"]), "Runtime exited with error: exit status 3") {
			t.Fatalf("exit body %s", out.Payload)
		}
	})
	t.Run("response too large", func(t *testing.T) {
		out := invokeJSON(t, c, "gofn", map[string]any{"action": "big", "bytes": 7 << 20})
		r := decodeReply(t, out)
		if r["errorType"] != "Function.ResponseSizeTooLarge" || aws.ToString(out.FunctionError) != "Unhandled" {
			t.Fatalf("big response body %.200s", out.Payload)
		}
	})
	t.Run("request too large", func(t *testing.T) {
		big := `{"value":"` + strings.Repeat("x", 6<<20) + `"}`
		_, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("gofn"), Payload: []byte(big)})
		apiError(t, err, "RequestEntityTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation")
	})
	t.Run("invalid json", func(t *testing.T) {
		_, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("gofn"), Payload: []byte("{nope")})
		apiError(t, err, "InvalidRequestContentException", "Could not parse request body into json")
	})
	t.Run("dry run", func(t *testing.T) {
		out, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("gofn"), InvocationType: types.InvocationTypeDryRun})
		if err != nil || out.StatusCode != 204 {
			t.Fatalf("dry run: %v status %d", err, out.StatusCode)
		}
	})
	t.Run("unknown function", func(t *testing.T) {
		_, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("nope")})
		apiError(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:$LATEST")
	})
	t.Run("qualifiers", func(t *testing.T) {
		v, err := c.PublishVersion(t.Context(), &lambda.PublishVersionInput{FunctionName: aws.String("gofn")})
		if err != nil {
			t.Fatal(err)
		}
		waitVersionActive(t, c, "gofn", aws.ToString(v.Version))
		out := invokeJSON(t, c, "gofn", map[string]string{}, func(in *lambda.InvokeInput) { in.Qualifier = v.Version })
		if aws.ToString(out.ExecutedVersion) != "1" || decodeReply(t, out)["functionArn"] != arn+":1" {
			t.Fatalf("version invoke: executed %s, %s", aws.ToString(out.ExecutedVersion), out.Payload)
		}
		out = invokeJSON(t, c, arn+":$LATEST", map[string]string{})
		if aws.ToString(out.ExecutedVersion) != "$LATEST" {
			t.Fatalf("qualified ARN invoke: %s", aws.ToString(out.ExecutedVersion))
		}
		_, err = c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("gofn:1"), Qualifier: aws.String("$LATEST")})
		apiError(t, err, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.")
		// Deleting the version leaves $LATEST serving.
		if _, err := c.DeleteFunction(t.Context(), &lambda.DeleteFunctionInput{FunctionName: aws.String("gofn"), Qualifier: aws.String("1")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("gofn"), Qualifier: aws.String("1")})
		apiError(t, err, "ResourceNotFoundException", "Function not found: "+arn+":1")
		if out := invokeJSON(t, c, "gofn", map[string]string{}); aws.ToString(out.ExecutedVersion) != "$LATEST" {
			t.Fatalf("after deleting version 1: %s", aws.ToString(out.ExecutedVersion))
		}
	})
}

func waitVersionActive(t *testing.T, c *lambda.Client, name, version string) {
	t.Helper()
	w := lambda.NewPublishedVersionActiveWaiter(c, func(o *lambda.PublishedVersionActiveWaiterOptions) { o.MinDelay = 10e6; o.MaxDelay = 100e6 })
	if err := w.Wait(context.Background(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String(name), Qualifier: aws.String(version)}, 30e9); err != nil {
		t.Fatal(err)
	}
}

func TestFunctionEnvironmentHasNoServerSecrets(t *testing.T) {
	t.Setenv("LAMBENT_CANARY_SECRET", "must-not-leak")
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "envfn", func(in *lambda.CreateFunctionInput) {
		in.Environment = &types.Environment{Variables: map[string]string{"MINE": "1"}}
	})
	r := decodeReply(t, invokeJSON(t, c, "envfn", map[string]string{"action": "env"}))
	env := fmt.Sprint(r["env"])
	for _, bad := range []string{"must-not-leak", framework.SecretAccessKey, framework.AccessKeyID, s.DataDir + "/master.key"} {
		if strings.Contains(env, bad) {
			t.Fatalf("function environment leaks %q: %s", bad, env)
		}
	}
	for _, want := range []string{"MINE=1", "AWS_LAMBDA_FUNCTION_NAME=envfn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_REGION=us-east-1", "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/envfn",
		"_HANDLER=bootstrap", "AWS_ENDPOINT_URL_LAMBDA=http", "AWS_ENDPOINT_URL_STS=http", "AWS_ENDPOINT_URL_IAM=http"} {
		if !containsPrefix(r["env"], want) {
			t.Fatalf("function environment lacks %s: %s", want, env)
		}
	}
}

// TestFunctionReachesLambentAPI: the endpoint a function is given
// (Lambent's API on the sandbox gateway under the linux tier, its own
// address under the process tier) answers from inside the environment.
func TestFunctionReachesLambentAPI(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "apifn")
	r := decodeReply(t, invokeJSON(t, c, "apifn", map[string]string{"action": "healthz"}))
	if r["data"] != "200 OK" {
		t.Fatalf("GET /healthz from inside the function: %v", r)
	}
}

func containsPrefix(list any, prefix string) bool {
	l, _ := list.([]any)
	for _, v := range l {
		if s, ok := v.(string); ok && strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func TestParallelInvokesUseSeveralEnvironments(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "par")
	const n = 6
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids <- decodeReply(t, invokeJSON(t, c, "par", map[string]any{"action": "sleep", "millis": 300}))["instance"].(string)
		}()
	}
	wg.Wait()
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != n {
		t.Fatalf("%d parallel invocations ran in %d environments, want %d", n, len(seen), n)
	}
	// Warm reuse: a sequential invoke lands on one of those environments.
	if id := instance(t, c, "par"); !seen[id] {
		t.Fatalf("sequential invoke started a new environment (%s) instead of reusing a warm one", id)
	}
}

func TestConcurrencyLimitThrottles(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{Concurrency: 1})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "one")
	started := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		close(started)
		invokeJSON(t, c, "one", map[string]any{"action": "sleep", "millis": 1500})
	}()
	<-started
	// Wait until the long invocation holds the only slot, then expect 429.
	testenv.WaitFor(t, 10*time.Second, func() error {
		if !strings.Contains(metrics(t, s), "lambent_concurrent_executions 1") {
			return errors.New("the first invocation is not running yet")
		}
		return nil
	})
	_, err := c.Invoke(t.Context(), &lambda.InvokeInput{FunctionName: aws.String("one")},
		func(o *lambda.Options) { o.RetryMaxAttempts = 1 })
	apiError(t, err, "TooManyRequestsException", "Rate Exceeded.")
	<-done
}

func TestNodeAndPythonFunctions(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	tests := []struct {
		runtime types.Runtime
		handler string
		files   map[string]string
	}{
		{types.RuntimeNodejs20x, "index.handler", map[string]string{"index.js": `
const https = require('https');
exports.handler = async (event, context) => {
  console.log("node says", event.value);
  if (event.fail) { throw new TypeError("node failure"); }
  return { value: event.value, requestId: context.awsRequestId, arn: context.invokedFunctionArn,
           remaining: context.getRemainingTimeInMillis(), tls: typeof https.request === "function" };
};`}},
		{types.RuntimeNodejs20x, "app.handler", map[string]string{"app.mjs": `
import https from 'node:https';
export const handler = async (event, context) => {
  if (event.fail) { throw new TypeError("node failure"); }
  return { value: event.value, requestId: context.awsRequestId, arn: context.invokedFunctionArn,
           remaining: context.getRemainingTimeInMillis(), tls: typeof https.request === "function" };
};`}},
		{types.RuntimePython311, "app.handler", map[string]string{"app.py": `
import json, ssl, urllib.request

def handler(event, context):
    print("python says", event.get("value"))
    if event.get("fail"):
        raise TypeError("python failure")
    cas = ssl.create_default_context().cert_store_stats()["x509_ca"]
    return {"value": event.get("value"), "requestId": context.aws_request_id,
            "arn": context.invoked_function_arn, "remaining": context.get_remaining_time_in_millis(),
            "tls": cas > 0 and callable(urllib.request.urlopen) and json.loads("1") == 1}
`}},
	}
	for i, tt := range tests {
		name := fmt.Sprintf("interp-%d", i)
		t.Run(string(tt.runtime)+"/"+tt.handler, func(t *testing.T) {
			framework.CreateAndWait(t, c, &lambda.CreateFunctionInput{
				FunctionName: aws.String(name), Runtime: tt.runtime, Handler: aws.String(tt.handler), Role: aws.String(framework.Role),
				Code: &types.FunctionCode{ZipFile: framework.Zip(t, tt.files)}, Timeout: aws.Int32(10),
			})
			out := invokeJSON(t, c, name, map[string]any{"value": "v1"})
			r := decodeReply(t, out)
			if r["value"] != "v1" || r["requestId"] == "" || !strings.HasSuffix(fmt.Sprint(r["arn"]), ":function:"+name) {
				t.Fatalf("reply %s", out.Payload)
			}
			if r["tls"] != true { // https, or ssl with the CA bundle, loads in the runtime's image
				t.Fatalf("TLS modules or CA certificates unavailable: %s", out.Payload)
			}
			if rem, _ := r["remaining"].(float64); rem <= 0 {
				t.Fatalf("remaining time %v", r["remaining"])
			}
			out = invokeJSON(t, c, name, map[string]any{"fail": true})
			var doc struct {
				ErrorType    string   `json:"errorType"`
				ErrorMessage string   `json:"errorMessage"`
				StackTrace   []string `json:"stackTrace"`
			}
			if err := json.Unmarshal(out.Payload, &doc); err != nil {
				t.Fatal(err)
			}
			if aws.ToString(out.FunctionError) != "Unhandled" || doc.ErrorType != "TypeError" || !strings.Contains(doc.ErrorMessage, "failure") {
				t.Fatalf("error reply %s", out.Payload)
			}
		})
	}
}

// metrics returns the server's Prometheus exposition.
func metrics(t *testing.T, s *framework.Server) string {
	t.Helper()
	resp, err := http.Get(s.MetricsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
