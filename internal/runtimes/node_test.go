package runtimes

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestNodeHandlers(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	tests := []struct {
		name    string
		files   map[string]string
		handler string
		event   string
		want    string
	}{{
		name:    "cjs async",
		files:   map[string]string{"index.js": `exports.handler = async (event) => ({ kind: "cjs", event });`},
		handler: "index.handler",
		event:   `{"n":1}`,
		want:    `{"kind":"cjs","event":{"n":1}}`,
	}, {
		name:    "cjs extension",
		files:   map[string]string{"legacy.cjs": `module.exports.handler = async (event) => ({ kind: "cjs-ext", event });`},
		handler: "legacy.handler",
		event:   `[1,2]`,
		want:    `{"kind":"cjs-ext","event":[1,2]}`,
	}, {
		name:    "esm mjs",
		files:   map[string]string{"app.mjs": `export const handler = async (event) => ({ kind: "esm", event });`},
		handler: "app.handler",
		event:   `"text"`,
		want:    `{"kind":"esm","event":"text"}`,
	}, {
		name: "package type module makes js esm",
		files: map[string]string{
			"package.json": `{"type":"module"}`,
			"src/fn.js":    `export async function handler(event) { return { kind: "esm-js", esm: typeof require === "undefined", event }; }`,
		},
		handler: "src/fn.handler",
		event:   `{}`,
		want:    `{"kind":"esm-js","esm":true,"event":{}}`,
	}, {
		name:    "nested export",
		files:   map[string]string{"index.js": `exports.api = { v1: { get: async () => "nested" } };`},
		handler: "index.api.v1.get",
		event:   `{}`,
		want:    `"nested"`,
	}, {
		name:    "callback",
		files:   map[string]string{"index.js": `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { kind: "callback", event }), 5); };`},
		handler: "index.handler",
		event:   `{"n":2}`,
		want:    `{"kind":"callback","event":{"n":2}}`,
	}, {
		name:    "empty event is null, undefined result is null",
		files:   map[string]string{"index.js": `exports.handler = async (event) => { if (event !== null) throw new Error("event " + event); };`},
		handler: "index.handler",
		event:   ``,
		want:    `null`,
	}, {
		name:    "sync handler without callback answers null",
		files:   map[string]string{"index.js": `exports.handler = (event, context, callback) => {};`},
		handler: "index.handler",
		event:   `{}`,
		want:    `null`,
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

func TestNodeCallbackHandler(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	t.Run("waits for empty event loop", func(t *testing.T) {
		t.Parallel()
		// The callback fires before a timer that changes the answer's object;
		// waiting for the empty event loop means the timer has run.
		src := `exports.handler = (event, context, callback) => {
			const out = { n: event.n, late: false };
			callback(null, out);
			setTimeout(() => { out.late = true; }, 20);
		};`
		p := startRuntime(t, rt, map[string]string{"index.js": src}, "index.handler")
		for _, n := range []string{"1", "2"} {
			wantResponse(t, p, p.invoke(t, fakeInvocation{Body: `{"n":` + n + `}`}), `{"n":`+n+`,"late":true}`)
		}
	})
	t.Run("callbackWaitsForEmptyEventLoop false", func(t *testing.T) {
		t.Parallel()
		// The interval never lets the event loop empty: only the flag can let
		// the answer out.
		src := `let timer;
		exports.handler = (event, context, callback) => {
			context.callbackWaitsForEmptyEventLoop = false;
			clearInterval(timer);
			timer = setInterval(() => {}, 1000);
			callback(null, "no wait");
		};`
		p := startRuntime(t, rt, map[string]string{"index.js": src}, "index.handler")
		for range 2 {
			wantResponse(t, p, p.invoke(t, fakeInvocation{Body: `{}`}), `"no wait"`)
		}
	})
	t.Run("callback error", func(t *testing.T) {
		t.Parallel()
		src := `exports.handler = (event, context, callback) => callback(new RangeError("out of range"));`
		p := startRuntime(t, rt, map[string]string{"index.js": src}, "index.handler")
		doc := wantError(t, p, p.invoke(t, fakeInvocation{Body: `{}`}), "error")
		if doc.ErrorType != "RangeError" || doc.ErrorMessage != "out of range" {
			t.Fatalf("error = %+v", doc)
		}
	})
	t.Run("context succeed", func(t *testing.T) {
		t.Parallel()
		src := `exports.handler = (event, context) => { context.succeed({ via: "succeed" }); };`
		p := startRuntime(t, rt, map[string]string{"index.js": src}, "index.handler")
		wantResponse(t, p, p.invoke(t, fakeInvocation{Body: `{}`}), `{"via":"succeed"}`)
	})
}

func TestNodeHandlerError(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	tests := []struct {
		name, src, event, wantType, wantMessage string
	}{
		{"async throw", `exports.handler = async () => { throw new TypeError("bad input"); };`, `{}`, "TypeError", "bad input"},
		{"sync throw", `exports.handler = () => { throw new Error("sync boom"); };`, `{}`, "Error", "sync boom"},
		{"rejected with a string", `exports.handler = () => Promise.reject("plain");`, `{}`, "string", "plain"},
		{"unserializable result", `exports.handler = async () => { const o = {}; o.self = o; return o; };`, `{}`, "Runtime.MarshalError", ""},
		{"event not JSON", `exports.handler = async () => 1;`, `{nope`, "Runtime.UnmarshalError", ""},
		{"promise never settles", `exports.handler = async () => new Promise(() => {});`, `{}`, "Runtime.NodeJsExit", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startRuntime(t, rt, map[string]string{"index.js": tt.src}, "index.handler")
			post := p.invoke(t, fakeInvocation{Body: tt.event})
			doc := wantError(t, p, post, "error")
			if post.ErrorType != "Unhandled" {
				t.Errorf("Lambda-Runtime-Function-Error-Type = %q, want Unhandled", post.ErrorType)
			}
			if doc.ErrorType != tt.wantType {
				t.Errorf("errorType = %q, want %q", doc.ErrorType, tt.wantType)
			}
			if tt.wantMessage != "" && doc.ErrorMessage != tt.wantMessage {
				t.Errorf("errorMessage = %q, want %q", doc.ErrorMessage, tt.wantMessage)
			}
			if tt.wantType == "TypeError" {
				if len(doc.Trace) < 2 || doc.Trace[0] != "TypeError: bad input" || !strings.Contains(doc.Trace[1], "index.js") {
					t.Errorf("trace = %q, want the stack lines", doc.Trace)
				}
			}
			if doc.Trace == nil {
				t.Errorf("no trace in %s", post.Body)
			}
			// The process survives a handler error and serves the next invoke.
			if next := p.invoke(t, fakeInvocation{Body: tt.event}); next.Route != "error" {
				t.Errorf("second invoke route = %s", next.Route)
			}
			p.waitOutput(t, regexp.MustCompile(`\tERROR\tInvoke Error \t\{"errorType":"`))
		})
	}
}

func TestNodeEscapedError(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	tests := []struct {
		name, src, wantType, wantMessage string
	}{
		{"uncaught exception", `exports.handler = async () => { setTimeout(() => { throw new Error("late"); }, 1); return new Promise(() => {}); };`,
			"Error", "late"},
		{"unhandled rejection", `exports.handler = (event, context, callback) => { Promise.reject(new Error("forgotten")); };`,
			"Runtime.UnhandledPromiseRejection", "Error: forgotten"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := startRuntime(t, rt, map[string]string{"index.js": tt.src}, "index.handler")
			post := p.invoke(t, fakeInvocation{Body: `{}`})
			doc := wantError(t, p, post, "error")
			if doc.ErrorType != tt.wantType || doc.ErrorMessage != tt.wantMessage {
				t.Errorf("error = %q: %q, want %q: %q", doc.ErrorType, doc.ErrorMessage, tt.wantType, tt.wantMessage)
			}
			// The environment is not reused after an error escaped the handler.
			if err := p.waitExit(t); err == nil {
				t.Error("runtime exited 0")
			}
		})
	}
}

func TestNodeInitError(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	tests := []struct {
		name        string
		files       map[string]string
		handler     string
		wantType    string
		wantMessage string // substring
	}{
		{"missing module", nil, "missing.handler", "Runtime.ImportModuleError", "Cannot find module 'missing'"},
		{"missing esm dependency", map[string]string{"app.mjs": `import "nope-not-installed"; export const handler = async () => 1;`},
			"app.handler", "Runtime.ImportModuleError", "nope-not-installed"},
		{"syntax error", map[string]string{"index.js": `exports.handler = async (=> {`}, "index.handler", "Runtime.UserCodeSyntaxError", "SyntaxError"},
		{"not a function", map[string]string{"index.js": `exports.handler = 42;`}, "index.handler", "Runtime.HandlerNotFound", "index.handler is not a function"},
		{"not exported", map[string]string{"index.js": `exports.other = async () => 1;`}, "index.handler", "Runtime.HandlerNotFound", "index.handler is undefined or not exported"},
		{"malformed handler", map[string]string{"index.js": ``}, "index", "Runtime.MalformedHandlerName", "Bad handler"},
		{"relative path", map[string]string{"index.js": ``}, "../index.handler", "Runtime.MalformedHandlerName", "is not a valid handler name"},
		{"throws at load", map[string]string{"index.js": `throw new Error("no config");`}, "index.handler", "Error", "no config"},
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
			if len(doc.Trace) == 0 {
				t.Errorf("no trace in %s", post.Body)
			}
			if err := p.waitExit(t); err == nil {
				t.Error("runtime exited 0 after an init error")
			}
		})
	}
}

func TestNodeContext(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	src := `exports.handler = async (event, context) => ({
		requestId: context.awsRequestId,
		arn: context.invokedFunctionArn,
		functionName: context.functionName,
		functionVersion: context.functionVersion,
		memory: context.memoryLimitInMB,
		logGroup: context.logGroupName,
		logStream: context.logStreamName,
		remaining: context.getRemainingTimeInMillis(),
		clientContext: context.clientContext,
		identity: context.identity,
		waits: context.callbackWaitsForEmptyEventLoop,
		traceId: process.env._X_AMZN_TRACE_ID,
		executionEnv: process.env.AWS_EXECUTION_ENV,
	});`
	p := startRuntime(t, rt, map[string]string{"index.js": src}, "index.handler")
	inv := fakeInvocation{
		ID:            "c0ffee00-0000-4000-8000-000000000001",
		ARN:           testFunctionARN + ":live",
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
		ClientContext map[string]map[string]any
		Identity      map[string]string
		Waits         bool
	}
	if err := json.Unmarshal(post.Body, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Waits {
		t.Error("callbackWaitsForEmptyEventLoop = false, want true by default")
	}
	if got.ClientContext["custom"]["k"] != "v" || got.ClientContext["client"]["installation_id"] != "inst-1" {
		t.Errorf("clientContext = %v", got.ClientContext)
	}
	if got.Identity["cognitoIdentityId"] != "id-1" || got.Identity["cognitoIdentityPoolId"] != "pool-1" {
		t.Errorf("identity = %v", got.Identity)
	}
}

func TestNodeWarmReuse(t *testing.T) {
	rt := hostRuntime(t, FamilyNode)
	src := `let count = 0;
	exports.handler = async (event, context) => {
		count++;
		console.log("invoke", count, "\nsecond line");
		return { count, pid: process.pid };
	};`
	p := startRuntime(t, rt, map[string]string{"index.js": src}, "index.handler")
	var pids []float64
	for want := 1; want <= 2; want++ {
		post := p.invoke(t, fakeInvocation{Body: `{}`})
		var got map[string]float64
		if err := json.Unmarshal(post.Body, &got); err != nil || got["count"] != float64(want) {
			t.Fatalf("invoke %d answered %s (%v)", want, post.Body, err)
		}
		pids = append(pids, got["pid"])
	}
	if pids[0] != pids[1] {
		t.Errorf("pids %v: the second invoke ran in another process", pids)
	}
	if n := p.api.newConns.Load(); n != 1 {
		t.Errorf("runtime opened %d connections to the Runtime API, want 1 kept alive", n)
	}
	p.waitOutput(t, regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t8476a536-e9f4-11e8-9739-000000000002\tINFO\tinvoke 2 \rsecond line$`))
}
