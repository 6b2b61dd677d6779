package iamapi

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"lambent/internal/authz"
	"lambent/internal/clock/clocktest"
	"lambent/internal/iam"
	"lambent/internal/store/sqlite"
	"lambent/internal/testenv"
)

const acct = "111111111111"

var root = &authz.Principal{Account: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct,
	IsRoot: true, Type: authz.TypeAccount}

// allowAll allows everything and records what it was asked.
type allowAll struct {
	mu   sync.Mutex
	reqs []authz.Request
}

func (a *allowAll) Authorize(_ context.Context, r authz.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reqs = append(a.reqs, r)
	return nil
}

func (a *allowAll) last() authz.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.reqs[len(a.reqs)-1]
}

type fixture struct {
	api *API
	svc *iam.Service
	az  *allowAll
}

// newFixture serves the API over a real iam.Service on SQLite in a temp
// directory; az nil means allow everything.
func newFixture(t *testing.T, az authz.Authorizer) *fixture {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "lambent.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	svc, err := iam.New(iam.Config{Store: db, Clock: clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)),
		SecretKey: bytes.Repeat([]byte{7}, 32), Region: "us-east-1"})
	if err != nil {
		t.Fatalf("iam.New: %v", err)
	}
	f := &fixture{svc: svc, az: &allowAll{}}
	if az == nil {
		az = f.az
	}
	f.api, err = New(Config{IAM: svc, Authorizer: az, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return f
}

// do sends one Query request as p; kv are parameter names and values.
func (f *fixture) do(t *testing.T, p *authz.Principal, kv ...string) *httptest.ResponseRecorder {
	t.Helper()
	vals := url.Values{"Version": {"2010-05-08"}}
	for i := 0; i+1 < len(kv); i += 2 {
		vals.Set(kv[i], kv[i+1])
	}
	body := vals.Encode()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if p != nil {
		r = r.WithContext(authz.WithPrincipal(r.Context(), p))
	}
	w := httptest.NewRecorder()
	f.api.Serve(w, r, []byte(body), "req-1")
	return w
}

// ok sends a request that must succeed and returns its result element as
// a tree (see tree).
func (f *fixture) ok(t *testing.T, kv ...string) any {
	t.Helper()
	w := f.do(t, root, kv...)
	if w.Code != http.StatusOK {
		t.Fatalf("%s: status %d: %s", kv[1], w.Code, w.Body)
	}
	doc := tree(t, w.Body.Bytes())
	resp := doc.(map[string]any)[kv[1]+"Response"].(map[string]any)
	if resp["ResponseMetadata"].(map[string]any)["RequestId"] != "req-1" {
		t.Errorf("RequestId missing in %s", w.Body)
	}
	return resp[kv[1]+"Result"]
}

// fail sends a request that must fail and returns status, code, message.
func (f *fixture) fail(t *testing.T, p *authz.Principal, kv ...string) (int, string, string) {
	t.Helper()
	w := f.do(t, p, kv...)
	var e struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct{ Type, Code, Message string }
		ReqID   string `xml:"RequestId"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("%s: status %d, body %s: %v", kv[1], w.Code, w.Body, err)
	}
	if e.Xmlns != "https://iam.amazonaws.com/doc/2010-05-08/" || e.ReqID != "req-1" {
		t.Errorf("error envelope %s", w.Body)
	}
	if want := map[bool]string{true: "Receiver", false: "Sender"}[w.Code >= 500]; e.Error.Type != want {
		t.Errorf("Type = %s for %d", e.Error.Type, w.Code)
	}
	return w.Code, e.Error.Code, e.Error.Message
}

// tree turns an XML document into maps (elements with children), lists
// (elements whose children are <member>), maps of entries (<entry>) and
// strings (leaves), the way botocore parses Query responses.
func tree(t *testing.T, b []byte) any {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	type frame struct {
		name string
		kids []struct {
			name string
			v    any
		}
		text strings.Builder
	}
	stack := []*frame{{}}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("bad XML %s: %v", b, err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			stack = append(stack, &frame{name: tk.Name.Local})
		case xml.CharData:
			stack[len(stack)-1].text.Write(tk)
		case xml.EndElement:
			fr := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			var v any = fr.text.String()
			if len(fr.kids) > 0 {
				v = fold(fr.kids)
			}
			p := stack[len(stack)-1]
			p.kids = append(p.kids, struct {
				name string
				v    any
			}{fr.name, v})
		}
	}
	return fold(stack[0].kids)
}

func fold(kids []struct {
	name string
	v    any
}) any {
	if kids[0].name == "member" {
		l := []any{}
		for _, k := range kids {
			l = append(l, k.v)
		}
		return l
	}
	m := map[string]any{}
	for _, k := range kids {
		if k.name == "entry" {
			e := k.v.(map[string]any)
			m[e["key"].(string)] = e["value"]
			continue
		}
		m[k.name] = k.v
	}
	return m
}

// snapshot returns a recorded response of the localstack IAM suite.
func snapshot(t *testing.T, test, key string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.SharedTestdata(t, "aws-recorded-localstack-snapshots"), "iam_test_iam.snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]struct {
		Recorded map[string]map[string]any `json:"recorded-content"`
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	rec, ok := all["tests/aws/services/iam/test_iam.py::"+test].Recorded[key]
	if !ok {
		t.Fatalf("no snapshot %s %s", test, key)
	}
	delete(rec, "ResponseMetadata")
	return rec
}

// sameShape checks that got has exactly the members of the recorded
// want, recursively. A URL-encoded policy document is decoded and
// compared as JSON; an empty element matches an empty map or list.
func sameShape(t *testing.T, path string, want, got any) {
	t.Helper()
	switch w := want.(type) {
	case map[string]any:
		if s, ok := got.(string); ok {
			if len(w) == 0 && s == "" {
				return
			}
			got = decodeDocument(t, path, s)
		}
		g, ok := got.(map[string]any)
		if !ok {
			t.Errorf("%s: got %T %v, want an object", path, got, got)
			return
		}
		if wk, gk := keys(w), keys(g); strings.Join(wk, ",") != strings.Join(gk, ",") {
			t.Errorf("%s: members %v, want %v", path, gk, wk)
			return
		}
		for k := range w {
			sameShape(t, path+"."+k, w[k], g[k])
		}
	case []any:
		if s, ok := got.(string); ok && s == "" && len(w) == 0 {
			return
		}
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			t.Errorf("%s: got %v, want %d members", path, got, len(w))
			return
		}
		for i := range w {
			sameShape(t, path, w[i], g[i])
		}
	default:
		if _, ok := got.(string); !ok {
			t.Errorf("%s: got %T, want a scalar", path, got)
		}
	}
}

func decodeDocument(t *testing.T, path, s string) any {
	t.Helper()
	doc, err := url.QueryUnescape(s)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("%s: not a URL-encoded JSON document: %q", path, s)
	}
	return v
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// get walks a tree along names (map members) and list indexes.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
