package sigv4

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lambent/internal/errkind"
)

// parseSuiteRequest parses the signing suites' request files, which
// net/http.ReadRequest rejects (README, "Parsing the .txt requests"):
//   - lines end in LF; the header block ends at the first empty line (or at
//     the end of the file) and the body is the rest, byte for byte;
//   - the request line may hold raw spaces and UTF-8, so it is split on its
//     first and last space;
//   - a line starting with a space or tab continues the previous header and
//     joins it with one space (obs-fold);
//   - repeated header names are kept in order;
//   - Host becomes Request.Host, as net/http does.
func parseSuiteRequest(t testing.TB, data string) *Request {
	t.Helper()
	line, rest, _ := strings.Cut(data, "\n")
	first, last := strings.IndexByte(line, ' '), strings.LastIndexByte(line, ' ')
	if first < 0 || last <= first {
		t.Fatalf("bad request line %q", line)
	}
	req := &Request{Method: line[:first], RawTarget: line[first+1 : last], Header: http.Header{}}
	type field struct{ name, value string }
	var fields []field
	for rest != "" {
		line, rest, _ = strings.Cut(rest, "\n")
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) == 0 {
				t.Fatalf("continuation line before any header: %q", line)
			}
			f := &fields[len(fields)-1]
			f.value += " " + strings.Trim(line, " \t")
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("bad header line %q", line)
		}
		fields = append(fields, field{name, strings.Trim(value, " \t")})
	}
	req.Body = []byte(rest)
	for _, f := range fields {
		if strings.EqualFold(f.name, "Host") && req.Host == "" {
			req.Host = f.value
			continue
		}
		req.Header.Add(f.name, f.value)
	}
	return req
}

func TestParseSuiteRequest(t *testing.T) {
	req := parseSuiteRequest(t, "GET /example space/?a=b HTTP/1.1\nHost:h.example\n"+
		"My-Header1:value1\n  value2\n     value3\nX-Dup:1\nx-dup: 2\n\nbody\nline")
	if req.Method != "GET" || req.RawTarget != "/example space/?a=b" || req.Host != "h.example" {
		t.Fatalf("request line: %+v", req)
	}
	if got := req.Header.Values("My-Header1"); len(got) != 1 || got[0] != "value1 value2 value3" {
		t.Fatalf("folded header = %q", got)
	}
	if got := req.Header.Values("X-Dup"); len(got) != 2 || got[0] != "1" || got[1] != "2" {
		t.Fatalf("duplicate header = %q", got)
	}
	if string(req.Body) != "body\nline" {
		t.Fatalf("body = %q", req.Body)
	}
	if req := parseSuiteRequest(t, "GET / HTTP/1.1\nHost:h"); len(req.Body) != 0 || req.Host != "h" {
		t.Fatalf("no blank line: %+v", req)
	}
}

// suiteContext is an aws-c-auth context.json.
type suiteContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	Region              string    `json:"region"`
	Service             string    `json:"service"`
	Timestamp           time.Time `json:"timestamp"`
	Normalize           bool      `json:"normalize"`
	SignBody            bool      `json:"sign_body"`
	OmitSessionToken    bool      `json:"omit_session_token"`
	ExpirationInSeconds int       `json:"expiration_in_seconds"`
}

func readFile(t testing.TB, path ...string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(path...))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readContext(t testing.TB, dir string) suiteContext {
	t.Helper()
	var c suiteContext
	if err := json.Unmarshal([]byte(readFile(t, dir, "context.json")), &c); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return c
}

// sourceFunc is a hand-written CredentialSource fake.
type sourceFunc func(ctx context.Context, accessKeyID, sessionToken string) (Credential, error)

var _ CredentialSource = sourceFunc(nil)

func (f sourceFunc) LookupAccessKey(ctx context.Context, accessKeyID, sessionToken string) (Credential, error) {
	return f(ctx, accessKeyID, sessionToken)
}

// staticSource knows exactly the given credentials.
func staticSource(creds ...Credential) sourceFunc {
	return func(_ context.Context, id, _ string) (Credential, error) {
		for _, c := range creds {
			if c.AccessKeyID == id {
				return c, nil
			}
		}
		return Credential{}, errkind.New(errkind.NotFound, "no such access key")
	}
}

// cloneRequest deep-copies r so a mutation cannot leak into other subtests.
func cloneRequest(r *Request) *Request {
	c := *r
	c.Header = r.Header.Clone()
	c.Body = append([]byte(nil), r.Body...)
	return &c
}

// wantCode fails unless err is an *errkind.Error with the code and a public
// message starting with msgPrefix.
func wantCode(t testing.TB, err error, code, msgPrefix string) {
	t.Helper()
	if err == nil {
		t.Fatalf("verified; want %s", code)
	}
	e, ok := errkind.As(err)
	if !ok {
		t.Fatalf("error %v is not an *errkind.Error", err)
	}
	if e.Detail != code || !strings.HasPrefix(e.Public, msgPrefix) {
		t.Fatalf("got %s %q; want %s %q…", e.Detail, e.Public, code, msgPrefix)
	}
	wantKind := errkind.Unauthenticated
	if code == CodeIncompleteSignature || code == CodeMalformedQueryString || code == CodeInvalidURIPath {
		wantKind = errkind.InvalidArgument
	}
	if e.Kind != wantKind {
		t.Fatalf("kind = %v, want %v", e.Kind, wantKind)
	}
}
