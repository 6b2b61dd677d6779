package runtimes

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestPythonHandlers(t *testing.T) {
	rt := hostRuntime(t, FamilyPython)
	tests := []struct {
		name    string
		files   map[string]string
		handler string
		event   string
		want    string
	}{{
		name:    "module.function",
		files:   map[string]string{"app.py": "def handler(event, context):\n    return {'kind': 'module', 'event': event}\n"},
		handler: "app.handler",
		event:   `{"n":1}`,
		want:    `{"kind":"module","event":{"n":1}}`,
	}, {
		name: "pkg.module.function",
		files: map[string]string{
			"pkg/__init__.py": "",
			"pkg/mod.py":      "def handler(event, context):\n    return {'kind': 'package', 'event': event}\n",
		},
		handler: "pkg.mod.handler",
		event:   `[1,2]`,
		want:    `{"kind":"package","event":[1,2]}`,
	}, {
		name:    "dir/module.function",
		files:   map[string]string{"src/app.py": "def handler(event, context):\n    return 'dir'\n"},
		handler: "src/app.handler",
		event:   `{}`,
		want:    `"dir"`,
	}, {
		name: "task root is on sys.path",
		files: map[string]string{
			"app.py":    "import helper\n\ndef handler(event, context):\n    return helper.VALUE\n",
			"helper.py": "VALUE = 'from helper'\n",
		},
		handler: "app.handler",
		event:   `{}`,
		want:    `"from helper"`,
	}, {
		name:    "empty event is None, None result is null",
		files:   map[string]string{"app.py": "def handler(event, context):\n    assert event is None, event\n"},
		handler: "app.handler",
		event:   ``,
		want:    `null`,
	}, {
		name:    "decimal",
		files:   map[string]string{"app.py": "import decimal\n\ndef handler(event, context):\n    return [decimal.Decimal('1.5'), decimal.Decimal('7')]\n"},
		handler: "app.handler",
		event:   `{}`,
		want:    `[1.5, 7]`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startRuntime(t, rt, tt.files, tt.handler)
			post := p.invoke(t, fakeInvocation{Body: tt.event})
			wantResponse(t, p, post, tt.want)
			if post.ContentType != "application/json" {
				t.Errorf("Content-Type = %q", post.ContentType)
			}
		})
	}
}

func TestPythonHandlerError(t *testing.T) {
	rt := hostRuntime(t, FamilyPython)
	tests := []struct {
		name, src, event, wantType, wantMessage string
	}{
		{"exception", "def handler(event, context):\n    raise ValueError('boom')\n", `{}`, "ValueError", "boom"},
		{"custom exception", "class PaymentDeclined(Exception):\n    pass\n\ndef handler(event, context):\n    raise PaymentDeclined('card 4242')\n",
			`{}`, "PaymentDeclined", "card 4242"},
		{"unserializable result", "def handler(event, context):\n    return {1, 2}\n",
			`{}`, "Runtime.MarshalError", "Unable to marshal response: Object of type set is not JSON serializable"},
		{"event not JSON", "def handler(event, context):\n    return 1\n",
			`{nope`, "Runtime.UnmarshalError", "Unable to unmarshal input: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startRuntime(t, rt, map[string]string{"app.py": tt.src}, "app.handler")
			inv := fakeInvocation{ID: "aaaaaaaa-0000-4000-8000-00000000000e", Body: tt.event}
			post := p.invoke(t, inv)
			doc := wantError(t, p, post, "error")
			if post.ErrorType != "Unhandled" {
				t.Errorf("Lambda-Runtime-Function-Error-Type = %q, want Unhandled", post.ErrorType)
			}
			if doc.ErrorType != tt.wantType || doc.ErrorMessage != tt.wantMessage {
				t.Errorf("error = %q: %q, want %q: %q", doc.ErrorType, doc.ErrorMessage, tt.wantType, tt.wantMessage)
			}
			if doc.RequestID == nil || *doc.RequestID != inv.ID {
				t.Errorf("requestId missing or wrong in %s", post.Body)
			}
			if doc.StackTrace == nil {
				t.Errorf("no stackTrace in %s", post.Body)
			}
			if tt.wantType == "ValueError" {
				if len(doc.StackTrace) != 1 || !strings.HasPrefix(doc.StackTrace[0], `  File "`) ||
					!strings.Contains(doc.StackTrace[0], `app.py", line 2, in handler`) {
					t.Errorf("stackTrace = %q, want only the handler's frame", doc.StackTrace)
				}
				p.waitOutput(t, regexp.MustCompile(`\[ERROR\] ValueError: boom\rTraceback \(most recent call last\):\r\x{00a0}\x{00a0}File "`))
			}
			// The process survives a handler error and serves the next invoke.
			if next := p.invoke(t, fakeInvocation{Body: tt.event}); next.Route != "error" {
				t.Errorf("second invoke route = %s", next.Route)
			}
		})
	}
}

func TestPythonInitError(t *testing.T) {
	rt := hostRuntime(t, FamilyPython)
	tests := []struct {
		name        string
		files       map[string]string
		handler     string
		wantType    string
		wantMessage string // substring
	}{
		{"missing module", nil, "missing.handler", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"},
		{"missing dependency", map[string]string{"app.py": "import nope_not_installed\n"}, "app.handler", "Runtime.ImportModuleError", "No module named 'nope_not_installed'"},
		{"syntax error", map[string]string{"app.py": "def handler(event, context)\n    return 1\n"}, "app.handler", "Runtime.UserCodeSyntaxError", "Syntax error in module 'app'"},
		{"handler missing", map[string]string{"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'"},
		{"handler not callable", map[string]string{"app.py": "handler = 42\n"}, "app.handler", "Runtime.HandlerNotFound", "is not callable"},
		{"malformed handler", map[string]string{"app.py": ""}, "app", "Runtime.MalformedHandlerName", "Bad handler 'app'"},
		{"built-in module", nil, "sys.handler", "Runtime.BuiltInModuleConflict", "Cannot use built-in module sys"},
		{"raises at import", map[string]string{"app.py": "raise KeyError('CONFIG')\n"}, "app.handler", "KeyError", "CONFIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startRuntime(t, rt, tt.files, tt.handler)
			post := p.waitPost(t)
			doc := wantError(t, p, post, "init/error")
			if doc.ErrorType != tt.wantType || post.ErrorType != tt.wantType {
				t.Errorf("errorType = %q, header %q, want %q", doc.ErrorType, post.ErrorType, tt.wantType)
			}
			if !strings.Contains(doc.ErrorMessage, tt.wantMessage) {
				t.Errorf("errorMessage = %q, want it to contain %q", doc.ErrorMessage, tt.wantMessage)
			}
			if doc.StackTrace == nil {
				t.Errorf("no stackTrace in %s", post.Body)
			}
			if err := p.waitExit(t); err == nil {
				t.Error("runtime exited 0 after an init error")
			}
		})
	}
}

func TestPythonContext(t *testing.T) {
	rt := hostRuntime(t, FamilyPython)
	src := `import os

def handler(event, context):
    cc = context.client_context
    return {
        'requestId': context.aws_request_id,
        'arn': context.invoked_function_arn,
        'functionName': context.function_name,
        'functionVersion': context.function_version,
        'memory': context.memory_limit_in_mb,
        'logGroup': context.log_group_name,
        'logStream': context.log_stream_name,
        'remaining': context.get_remaining_time_in_millis(),
        'traceId': os.environ.get('_X_AMZN_TRACE_ID'),
        'executionEnv': os.environ.get('AWS_EXECUTION_ENV'),
        'custom': cc.custom,
        'installationId': cc.client.installation_id,
        'identityId': context.identity.cognito_identity_id,
        'identityPoolId': context.identity.cognito_identity_pool_id,
    }
`
	p := startRuntime(t, rt, map[string]string{"app.py": src}, "app.handler")
	inv := fakeInvocation{
		ID:            "c0ffee00-0000-4000-8000-000000000002",
		ARN:           testFunctionARN + ":7",
		Body:          `{}`,
		TraceID:       "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
		ClientContext: `{"client":{"installation_id":"inst-1"},"custom":{"k":"v"},"env":{"locale":"en"}}`,
		Identity:      `{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}`,
	}
	post := p.invoke(t, inv)
	if post.Route != "response" {
		t.Fatalf("route %s: %s; output:\n%s", post.Route, post.Body, p.out)
	}
	var echo contextEcho
	if err := json.Unmarshal(post.Body, &echo); err != nil {
		t.Fatal(err)
	}
	checkContext(t, echo, inv, rt)
	var got struct {
		Custom                                     map[string]string
		InstallationID, IdentityID, IdentityPoolID string
	}
	if err := json.Unmarshal(post.Body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Custom["k"] != "v" || got.InstallationID != "inst-1" || got.IdentityID != "id-1" || got.IdentityPoolID != "pool-1" {
		t.Errorf("client context and identity = %+v", got)
	}
}

func TestPythonWarmReuse(t *testing.T) {
	rt := hostRuntime(t, FamilyPython)
	src := `import logging
import os

count = 0

def handler(event, context):
    global count
    count += 1
    print('invoke', count)
    logging.getLogger().warning('warned %d', count)
    return {'count': count, 'pid': os.getpid()}
`
	p := startRuntime(t, rt, map[string]string{"app.py": src}, "app.handler")
	var pids []float64
	for want := 1; want <= 2; want++ {
		post := p.invoke(t, fakeInvocation{Body: `{}`})
		var got map[string]float64
		if err := json.Unmarshal(post.Body, &got); err != nil || got["count"] != float64(want) {
			t.Fatalf("invoke %d answered %s (%v); output:\n%s", want, post.Body, err, p.out)
		}
		pids = append(pids, got["pid"])
	}
	if pids[0] != pids[1] {
		t.Errorf("pids %v: the second invoke ran in another process", pids)
	}
	if n := p.api.newConns.Load(); n != 1 {
		t.Errorf("runtime opened %d connections to the Runtime API, want 1 kept alive", n)
	}
	p.waitOutput(t, regexp.MustCompile(`(?m)^invoke 2$`))
	p.waitOutput(t, regexp.MustCompile(`(?m)^\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t8476a536-e9f4-11e8-9739-000000000002\twarned 2$`))
}
