package sigv4

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/testenv"
)

var knownCodes = []string{
	CodeMissingAuthenticationToken, CodeIncompleteSignature, CodeSignatureDoesNotMatch,
	CodeInvalidClientTokenID, CodeExpiredToken, CodeMalformedQueryString, CodeInvalidURIPath,
}

// FuzzVerify feeds arbitrary request lines, Authorization headers, dates,
// tokens and bodies to Verify. It must never panic, and every failure must
// be a classified error with a known code. The seeds are the signing
// suite's signed requests (which verify), so mutations start deep inside.
func FuzzVerify(f *testing.F) {
	f.Add("GET", "/", testAuthz, "20150830T123600Z", "", []byte(nil))
	f.Add("GET", "/?"+presignedQuery, "", "", testToken, []byte(nil))
	f.Add("GET", "/a/../../b?%zz", "AWS4-HMAC-SHA256 Credential", "2015-08-30", "", []byte("x"))
	f.Add("POST", "http://h/x/./y//?a=b+c&&=", "AWS4-HMAC-SHA256 ,,Credential=a/b/c/d/e, SignedHeaders=;;", "20150230T250000Z", "t", []byte("{}"))
	root := filepath.Join(testenv.SharedTestdata(f, "sigv4-aws-c-auth"), "v4")
	entries, err := os.ReadDir(root)
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		for _, form := range []string{"header", "query"} {
			req := parseSuiteRequest(f, readFile(f, root, e.Name(), form+"-signed-request.txt"))
			f.Add(req.Method, req.RawTarget, req.Header.Get("Authorization"), req.Header.Get("X-Amz-Date"),
				req.Header.Get("X-Amz-Security-Token"), req.Body)
		}
	}
	v := NewVerifier(Config{
		Credentials: staticSource(Credential{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret}),
		Clock:       clocktest.New(suiteTime),
	})
	f.Fuzz(func(t *testing.T, method, target, authz, date, token string, body []byte) {
		req := &Request{Method: method, RawTarget: target, Host: "example.amazonaws.com", Header: http.Header{}, Body: body}
		for name, value := range map[string]string{"Authorization": authz, "X-Amz-Date": date, "X-Amz-Security-Token": token} {
			if value != "" {
				req.Header.Set(name, value)
			}
		}
		ParseAccessKeyID(req)
		res, err := v.Verify(t.Context(), req, suiteService)
		if err == nil {
			if res == nil || res.Credential.AccessKeyID != suiteAccessKey {
				t.Fatalf("verified with result %+v", res)
			}
			return
		}
		e, ok := errkind.As(err)
		if !ok || !slices.Contains(knownCodes, e.Detail) {
			t.Fatalf("unclassified error %v", err)
		}
		if strings.Contains(e.Public, suiteSecret) {
			t.Fatalf("public message leaks the secret: %q", e.Public)
		}
	})
}

// FuzzCanonicalURI checks the path canonicaliser's invariants on arbitrary
// raw paths: the result is absolute and fully escaped, and in normalising
// mode it holds no empty, "." or ".." segment.
func FuzzCanonicalURI(f *testing.F) {
	for _, seed := range []string{
		"", "/", "//", "/./", "/..", "/a/b/../c", "/example space/", "/\xe1\x88\xb4", "/a%2F%2e%2E/b",
		"/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1%3A%24LATEST/invocations",
		"%", "/%zz", "a/b", "/a/..//../b/",
	} {
		f.Add(seed, true)
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, path string, normalize bool) {
		if path != "" && path[0] != '/' {
			return // splitTarget rejects these before canonicalisation
		}
		got, err := appendCanonicalURI(nil, path, normalize)
		if err != nil {
			if e, ok := errkind.As(err); !ok || e.Detail != CodeInvalidURIPath {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		s := string(got)
		if s == "" || s[0] != '/' {
			t.Fatalf("%q -> %q: not absolute", path, s)
		}
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '%':
				if i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
					t.Fatalf("%q -> %q: bad escape at %d", path, s, i)
				}
				i += 2
			case !unreserved(c) && c != '/':
				t.Fatalf("%q -> %q: unescaped byte %q", path, s, c)
			}
		}
		if !normalize || s == "/" {
			return
		}
		for i, seg := range strings.Split(s[1:], "/") {
			last := i == strings.Count(s[1:], "/")
			if seg == "." || seg == ".." || seg == "" && !last {
				t.Fatalf("%q -> %q: segment %q survived normalisation", path, s, seg)
			}
		}
	})
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }
