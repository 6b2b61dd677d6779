package e2e_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

// TestCLIInvokeAndLogs invokes a Go function (timeout 1 s) with the CLI,
// then reads its logs back with `aws logs`. The parent's invocation writes
// the log lines the subtests look for.
func TestCLIInvokeAndLogs(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	c := cliFor(t, s)
	const name = "clifn"
	const marker = "cli-marker-4711"
	createGoFunction(t, c, name, "--timeout", "1")

	out, payload := c.invoke(t, name, `{"action":"log","value":"`+marker+`"}`, "--log-type", "Tail")
	r := decodeJSON[gofnReply](t, payload)
	if out.StatusCode != 200 || out.FunctionError != "" || out.ExecutedVersion != "$LATEST" || r.Value != marker ||
		r.RequestID == "" || r.FunctionARN != "arn:aws:lambda:us-east-1:000000000000:function:"+name {
		t.Fatalf("invoke: %+v %s", out, payload)
	}
	tail := logTail(t, out)
	for _, want := range []string{"START RequestId: " + r.RequestID + " Version: $LATEST", "log line: " + marker,
		"END RequestId: " + r.RequestID, "REPORT RequestId: " + r.RequestID, "Billed Duration: ", "Memory Size: 128 MB"} {
		if !strings.Contains(tail, want) {
			t.Fatalf("LogResult lacks %q:\n%s", want, tail)
		}
	}
	reportLine := "REPORT RequestId: " + r.RequestID

	t.Run("function error", func(t *testing.T) {
		out, payload := c.invoke(t, name, `{"action":"error","value":"boom"}`)
		e := decodeJSON[errorReply](t, payload)
		if out.StatusCode != 200 || out.FunctionError != "Unhandled" || e.ErrorMessage != "boom" || e.ErrorType != "errorString" {
			t.Fatalf("function error: %+v %s", out, payload)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		out, payload := c.invoke(t, name, `{"action":"sleep","millis":1500}`)
		e := decodeJSON[errorReply](t, payload)
		if out.FunctionError != "Unhandled" || e.ErrorType != "Sandbox.Timedout" ||
			!strings.Contains(e.ErrorMessage, "Task timed out after 1.00 seconds") {
			t.Fatalf("timeout: %+v %s", out, payload)
		}
	})
	t.Run("filter-log-events", func(t *testing.T) {
		// Logs are written asynchronously: poll until the REPORT line is in.
		var messages []string
		testenv.WaitFor(t, 30*time.Second, func() error {
			var res struct{ Events []struct{ Message string } }
			c.ok(t, &res, "logs", "filter-log-events", "--log-group-name", "/aws/lambda/"+name)
			messages = messages[:0]
			for _, e := range res.Events {
				messages = append(messages, e.Message)
			}
			if !containsPrefix(messages, reportLine) {
				return fmt.Errorf("no %q among %q", reportLine, messages)
			}
			return nil
		})
		if !slices.Contains(messages, "log line: "+marker) {
			t.Fatalf("log group lacks the function's output line: %q", messages)
		}
	})
	t.Run("logs tail", func(t *testing.T) {
		r := c.run(t, "logs", "tail", "/aws/lambda/"+name)
		if r.code != exitOK || !strings.Contains(r.stdout, " log line: "+marker+"\n") || !strings.Contains(r.stdout, reportLine) {
			t.Fatalf("logs tail lacks the output and REPORT lines: %s", r)
		}
	})
	t.Run("describe-log-groups", func(t *testing.T) {
		var res struct {
			LogGroups []struct{ LogGroupName, Arn string }
		}
		c.ok(t, &res, "logs", "describe-log-groups")
		group := "/aws/lambda/" + name
		if len(res.LogGroups) != 1 || res.LogGroups[0].LogGroupName != group ||
			res.LogGroups[0].Arn != "arn:aws:logs:us-east-1:000000000000:log-group:"+group+":*" {
			t.Fatalf("describe-log-groups: %+v", res.LogGroups)
		}
	})
}

func containsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestCLINodeAndPythonFunctions(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	c := cliFor(t, s)
	tests := []struct {
		name, runtime, handler string
		files                  map[string]string
		logLine                string
	}{
		{"node", "nodejs20.x", "index.handler", map[string]string{"index.js": `
exports.handler = async (event, context) => {
  console.log("node says", event.value);
  return { value: event.value, requestId: context.awsRequestId, functionArn: context.invokedFunctionArn };
};
`}, "node says v1"},
		{"python", "python3.11", "app.handler", map[string]string{"app.py": `
def handler(event, context):
    print("python says", event.get("value"))
    return {"value": event.get("value"), "requestId": context.aws_request_id,
            "functionArn": context.invoked_function_arn}
`}, "python says v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zip := writeFile(t, tt.name+".zip", framework.Zip(t, tt.files))
			c.ok(t, nil, "lambda", "create-function", "--function-name", tt.name, "--runtime", tt.runtime,
				"--handler", tt.handler, "--role", role, "--zip-file", zip, "--timeout", "10")
			c.waitActive(t, tt.name)
			out, payload := c.invoke(t, tt.name, `{"value":"v1"}`, "--log-type", "Tail")
			r := decodeJSON[gofnReply](t, payload)
			if out.StatusCode != 200 || out.FunctionError != "" || r.Value != "v1" || r.RequestID == "" ||
				r.FunctionARN != "arn:aws:lambda:us-east-1:000000000000:function:"+tt.name {
				t.Fatalf("invoke: %+v %s", out, payload)
			}
			if tail := logTail(t, out); !strings.Contains(tail, tt.logLine) || !strings.Contains(tail, "REPORT RequestId: "+r.RequestID) {
				t.Fatalf("LogResult lacks %q or the REPORT line:\n%s", tt.logLine, tail)
			}
		})
	}
}
