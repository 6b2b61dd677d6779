package lambdaapi

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/artifact"
	"lambent/internal/authz"
	"lambent/internal/clock"
	"lambent/internal/invoke"
	"lambent/internal/queue"
	"lambent/internal/runtimes"
	"lambent/internal/store/sqlite"
	"lambent/internal/testenv"
)

const testAccount = account.ID("111111111111")

// fakeInvoker is a hand-written invoker: it echoes the payload.
type fakeInvoker struct {
	invoke func(t invoke.Target, req invoke.Request) (*invoke.Response, error)
}

func (f *fakeInvoker) Invoke(_ context.Context, t invoke.Target, req invoke.Request) (*invoke.Response, error) {
	return f.invoke(t, req)
}

func (f *fakeInvoker) Retire(account.ID, string) {}

// noEvents refuses Event invocations.
type noEvents struct{}

func (noEvents) Submit(context.Context, queue.Submission) error {
	return errors.New("no event queue in this test")
}

type codeDirFake struct {
	dir string
	err error
}

func (c codeDirFake) Dir(context.Context, string) (string, error) { return c.dir, c.err }
func (c codeDirFake) Forget(string)                               {}

// newTestAPI builds the API on a real SQLite store and artifact store;
// opts adjust its configuration.
func newTestAPI(t testing.TB, opts ...func(*Config)) *API { return newTestAPIWithCode(t, nil, opts...) }

// newTestAPIWithCode is newTestAPI whose package preparation fails with
// codeErr when it is not nil.
func newTestAPIWithCode(t testing.TB, codeErr error, opts ...func(*Config)) *API {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(context.Background(), filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	key := bytes.Repeat([]byte{7}, 32)
	blobs, err := artifact.OpenStore(filepath.Join(dir, "artifacts"), key)
	if err != nil {
		t.Fatal(err)
	}
	probe := func(path string, f runtimes.Family) (runtimes.Interpreter, error) {
		if f == runtimes.FamilyNode {
			return runtimes.Interpreter{Version: "20.1.0"}, nil
		}
		return runtimes.Interpreter{Version: "3.11.2"}, nil
	}
	look := func(file string) (string, error) {
		if file == "node" || file == "python3.11" {
			return "/usr/bin/" + file, nil
		}
		return "", errors.New("not found")
	}
	cfg := Config{
		Region: "us-east-1", Functions: db, Artifacts: blobs, Code: codeDirFake{dir: dir, err: codeErr},
		Runtimes: runtimes.NewCatalogWithProbe(look, probe),
		Invoker: &fakeInvoker{invoke: func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
			return &invoke.Response{Payload: req.Payload, ExecutedVersion: t.Version}, nil
		}},
		Events: noEvents{}, EventConfigs: db, FailedEvents: db,
		Authorizer: authz.RootOnly{}, Clock: clock.Real{}, Logger: slog.New(slog.DiscardHandler),
		CodeURLs: NewCodeURLSigner(key, "http://127.0.0.1:1", clock.Real{}, blobs),
		Limits:   artifact.Limits{MaxZipped: 1 << 20, MaxUnzipped: 4 << 20},
		Policies: db, Roles: testRoles{"r": lambdaTrust},
	}
	for _, o := range opts {
		o(&cfg)
	}
	api, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(api.Close)
	return api
}

// do serves one request as the account's root principal.
func do(api *API, method, target string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r = r.WithContext(authz.WithPrincipal(r.Context(), &authz.Principal{Account: testAccount,
		ARN: "arn:aws:iam::" + string(testAccount) + ":root", IsRoot: true}))
	w := httptest.NewRecorder()
	api.Serve(w, r, body, "req-1")
	return w
}

func testZip(t testing.TB) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("app.py")
	_, _ = w.Write([]byte("def handler(e, c):\n    return e\n"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func createBody(t testing.TB, name string) []byte {
	b, _ := json.Marshal(map[string]any{"FunctionName": name, "Runtime": "python3.11", "Handler": "app.handler",
		"Role": "arn:aws:iam::111111111111:role/r", "Code": map[string]string{"ZipFile": base64.StdEncoding.EncodeToString(testZip(t))}})
	return b
}

func TestCreateThenInvoke(t *testing.T) {
	api := newTestAPI(t)
	w := do(api, "POST", "/2015-03-31/functions", createBody(t, "f"))
	if w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var created map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &created)
	if created["State"] != "Pending" || created["FunctionArn"] != "arn:aws:lambda:us-east-1:111111111111:function:f" {
		t.Fatalf("create response %v", created)
	}
	// Until preparation finishes Invoke is refused with 409; then it runs.
	testenv.WaitFor(t, 10*time.Second, func() error {
		w := do(api, "POST", "/2015-03-31/functions/f/invocations", []byte(`{"a":1}`))
		if w.Code != 200 {
			return errors.New(w.Body.String())
		}
		if w.Body.String() != `{"a":1}` || w.Header().Get("X-Amz-Executed-Version") != "$LATEST" {
			t.Fatalf("invoke: %s %v", w.Body, w.Header())
		}
		return nil
	})
}

func TestErrorsAreAWSShaped(t *testing.T) {
	api := newTestAPI(t)
	tests := []struct {
		name, method, target, body string
		status                     int
		code, field, msg           string
	}{
		{"unknown function", "GET", "/2015-03-31/functions/nope", "", 404, "ResourceNotFoundException", "Message",
			"Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope"},
		{"bad json", "POST", "/2015-03-31/functions", "{", 400, "InvalidRequestContentException", "message", "Could not parse request body into json"},
		{"unknown route", "GET", "/2099-01-01/nothing", "", 400, "UnknownOperationException", "message", "Lambent does not serve"},
		{"other account", "GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A222222222222%3Afunction%3Ax", "", 403,
			"AccessDeniedException", "Message", "is not authorized"},
		{"foreign region", "GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A111111111111%3Afunction%3Ax", "", 404,
			"ResourceNotFoundException", "Message", "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"},
		{"bad max items", "GET", "/2015-03-31/functions?MaxItems=0", "", 400, "ValidationException", "message", "at 'maxItems'"},
		{"untag without keys", "DELETE", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Ax", "", 400,
			"ValidationException", "message", "Value null at 'tagKeys'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(api, tt.method, tt.target, []byte(tt.body))
			if w.Code != tt.status || w.Header().Get("X-Amzn-Errortype") != tt.code {
				t.Fatalf("got %d %s, want %d %s: %s", w.Code, w.Header().Get("X-Amzn-Errortype"), tt.status, tt.code, w.Body)
			}
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body[tt.field], tt.msg) || body["Type"] != "User" {
				t.Fatalf("body %v, want %s containing %q", body, tt.field, tt.msg)
			}
		})
	}
}

// FuzzLambdaAPI sends arbitrary requests to the handler: it must never
// panic, never answer 5xx, and every error must carry an AWS error code.
func FuzzLambdaAPI(f *testing.F) {
	f.Add("POST", "/2015-03-31/functions", []byte(`{"FunctionName":"f","Runtime":"python3.11","Handler":"a.b","Role":"arn:aws:iam::111111111111:role/r","Code":{"ZipFile":"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}`))
	f.Add("PUT", "/2015-03-31/functions/f/configuration", []byte(`{"MemorySize":99999,"Environment":{"Variables":{"A":"b"}}}`))
	f.Add("POST", "/2015-03-31/functions/f/invocations", []byte(`{}`))
	f.Add("PUT", "/2015-03-31/functions/f/code", []byte(`{"ZipFile":"AAAA","Publish":true}`))
	f.Add("POST", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Af", []byte(`{"Tags":{"a":"b"}}`))
	f.Add("GET", "/2015-03-31/functions/%ZZ", []byte(nil))
	f.Add("POST", "/2015-03-31/functions/f/versions", []byte(`{"CodeSha256":"x"}`))
	f.Add("POST", "/2015-03-31/functions/f/policy?Qualifier=1", []byte(`{"StatementId":"s","Action":"lambda:*","Principal":"123456789012","RevisionId":"x"}`))
	f.Add("DELETE", "/2015-03-31/functions/f/policy/s?RevisionId=x", []byte(nil))
	f.Add("GET", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A222222222222%3Afunction%3Af/policy", []byte(nil))
	api := newTestAPI(f)
	f.Fuzz(func(t *testing.T, method, target string, body []byte) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") {
			return
		}
		if _, err := url.ParseRequestURI(target); err != nil {
			return // net/http refuses such a request line before any handler
		}
		switch method {
		case "GET", "POST", "PUT", "DELETE":
		default:
			return
		}
		w := do(api, method, target, body)
		if w.Code >= 500 {
			t.Fatalf("%s %s answered %d: %s", method, target, w.Code, w.Body)
		}
		if w.Code >= 400 && w.Header().Get("X-Amzn-Errortype") == "" {
			t.Fatalf("%s %s answered %d without an error code", method, target, w.Code)
		}
	})
}

func TestRoutesAnswerWithTrailingSlash(t *testing.T) {
	api := newTestAPI(t)
	for _, target := range []string{"/2015-03-31/functions", "/2015-03-31/functions/", "/2016-08-19/account-settings/"} {
		if w := do(api, http.MethodGet, target, nil); w.Code != 200 {
			t.Fatalf("GET %s: %d %s", target, w.Code, w.Body)
		}
	}
}

func TestPreparationFailureIsFailedState(t *testing.T) {
	api := newTestAPIWithCode(t, errors.New("disk full"))
	if w := do(api, "POST", "/2015-03-31/functions", createBody(t, "broken")); w.Code != 201 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	var cfg map[string]any
	testenv.WaitFor(t, 10*time.Second, func() error {
		w := do(api, "GET", "/2015-03-31/functions/broken/configuration", nil)
		cfg = nil
		_ = json.Unmarshal(w.Body.Bytes(), &cfg)
		if cfg["State"] != "Failed" {
			return errors.New("state is " + fmt.Sprint(cfg["State"]))
		}
		return nil
	})
	if cfg["StateReasonCode"] != "InvalidZipFileException" || cfg["LastUpdateStatus"] != "Failed" {
		t.Fatalf("failed function: %v", cfg)
	}
	w := do(api, "POST", "/2015-03-31/functions/broken/invocations", []byte(`{}`))
	if w.Code != 409 || !strings.Contains(w.Body.String(), "The function is currently in the following state: Failed") {
		t.Fatalf("invoke of a failed function: %d %s", w.Code, w.Body)
	}
}
