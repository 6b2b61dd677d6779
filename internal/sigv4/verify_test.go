package sigv4

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lambent/internal/clock/clocktest"
)

func TestAccept(t *testing.T) {
	tests := []struct {
		name      string
		req       *Request
		dropToken bool          // sign without the token in the query
		after     time.Duration // clock offset from the request date
		creds     []Credential
	}{
		{name: "header", req: lambdaRequest()},
		{name: "date-header-fallback", req: lambdaRequest(
			withHeader("X-Amz-Date", ""), withHeader("Date", "Sun, 30 Aug 2015 12:36:00 GMT"),
			withAuthz(strings.Replace(testAuthz, "x-amz-date", "date", 1)))},
		{name: "last-component-wins", req: lambdaRequest(withAuthz(
			"AWS4-HMAC-SHA256 Credential=AKIDBOGUS/x, SignedHeaders=x-amz-date, Signature=ff, " +
				strings.TrimPrefix(testAuthz, "AWS4-HMAC-SHA256 ")))},
		{name: "no-spaces-after-commas", req: lambdaRequest(withAuthz(strings.ReplaceAll(testAuthz, ", ", ",")))},
		{name: "absolute-form-target", req: lambdaRequest(func(r *Request) {
			r.RawTarget = "http://lambda.us-east-1.amazonaws.com/2015-03-31/functions/"
		})},
		{name: "lambda-arn-path", req: lambdaRequest(func(r *Request) {
			r.RawTarget = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1/invocations?Qualifier=%24LATEST"
			r.Method, r.Body = "POST", []byte(`{"k":"v"}`)
		})},
		{name: "content-sha256", req: lambdaRequest(func(r *Request) {
			r.Method, r.Body = "POST", []byte("{}")
			r.Header.Set("X-Amz-Content-Sha256", "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
		})},
		{name: "presigned", req: presignedRequest(presignedQuery), after: 5 * time.Minute},
		{name: "presigned-week", after: 7 * 24 * time.Hour,
			req: presignedRequest(strings.Replace(presignedQuery, "Expires=300", "Expires=604800", 1))},
		{name: "presigned-first-param-wins", after: 5 * time.Minute,
			req: presignedRequest(presignedQuery + "&X-Amz-Date=20200101T000000Z&X-Amz-Expires=1")},
		{name: "presigned-signed-token", creds: []Credential{{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, SessionToken: testToken}},
			req: presignedRequest(presignedQuery + "&X-Amz-Security-Token=" + testToken)},
		{name: "presigned-appended-token", dropToken: true,
			creds: []Credential{{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, SessionToken: testToken}},
			req:   presignedRequest(presignedQuery + "&X-Amz-Security-Token=" + testToken)},
		{name: "temporary-unexpired", creds: []Credential{{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret,
			SessionToken: testToken, Expiration: suiteTime.Add(time.Second)}},
			req: lambdaRequest(withHeader("X-Amz-Security-Token", testToken))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			selfSign(t, tt.req, suiteSecret, tt.dropToken)
			res, err := testVerifier(suiteTime.Add(tt.after), tt.creds...).Verify(t.Context(), tt.req, "lambda")
			if err != nil {
				t.Fatalf("verify: %v", err)
			}
			if res.Region != "us-east-1" || res.Service != "lambda" || res.Credential.AccessKeyID != suiteAccessKey {
				t.Fatalf("result = %+v", res)
			}
		})
	}
}

// TestPresignedRetryKeepsTokenCheck: the §2.4 retry without the token does
// not bypass the token check.
func TestPresignedRetryKeepsTokenCheck(t *testing.T) {
	req := presignedRequest(presignedQuery + "&X-Amz-Security-Token=forged")
	selfSign(t, req, suiteSecret, true)
	v := testVerifier(suiteTime, Credential{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, SessionToken: testToken})
	_, err := v.Verify(t.Context(), req, "lambda")
	wantCode(t, err, CodeInvalidClientTokenID, msgTokenNotIntact)
}

func TestResultCarriesSubject(t *testing.T) {
	type principal struct{ arn string }
	p := &principal{"arn:aws:iam::123456789012:user/alice"}
	req := lambdaRequest()
	selfSign(t, req, suiteSecret, false)
	res, err := testVerifier(suiteTime, Credential{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, Subject: p}).
		Verify(t.Context(), req, "lambda")
	if err != nil {
		t.Fatal(err)
	}
	if res.Credential.Subject != p || res.Presigned {
		t.Fatalf("result = %+v", res)
	}
}

// TestKeyCacheKeyedBySecret: a warm cache entry for one secret must not
// verify a request signed with, or checked against, another.
func TestKeyCacheKeyedBySecret(t *testing.T) {
	secret := suiteSecret
	src := sourceFunc(func(context.Context, string, string) (Credential, error) {
		return Credential{AccessKeyID: suiteAccessKey, SecretAccessKey: secret}, nil
	})
	v := NewVerifier(Config{Credentials: src, Clock: clocktest.New(suiteTime)})
	req := lambdaRequest()
	selfSign(t, req, suiteSecret, false)
	if _, err := v.Verify(t.Context(), req, "lambda"); err != nil {
		t.Fatal(err)
	}
	secret = "rotated" + suiteSecret
	_, err := v.Verify(t.Context(), req, "lambda")
	wantCode(t, err, CodeSignatureDoesNotMatch, msgSignatureMismatch)
}

func TestKeyCacheBounded(t *testing.T) {
	var c keyCache
	for i := range maxCachedKeys + 10 {
		c.get(suiteSecret, "20150830", fmt.Sprintf("region-%d", i), "lambda")
	}
	if n := len(c.keys); n != maxCachedKeys {
		t.Fatalf("cache holds %d keys, want %d", n, maxCachedKeys)
	}
	a := c.get(suiteSecret, "20150830", "us-east-1", "lambda")
	if b := c.get(suiteSecret, "20150830", "us-east-1", "lambda"); a != b {
		t.Fatal("second lookup missed the cache")
	}
}

func TestFromHTTP(t *testing.T) {
	var got *Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = FromHTTP(r, nil)
	}))
	defer srv.Close()
	const target = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1/invocations?Qualifier=%24LATEST&a=b+c"
	req, err := http.NewRequestWithContext(t.Context(), "GET", srv.URL+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Add("X-Multi", "1")
	req.Header.Add("X-Multi", "2")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.RawTarget != target || got.Host != strings.TrimPrefix(srv.URL, "http://") || got.Method != "GET" {
		t.Fatalf("FromHTTP = %+v", got)
	}
	if v := got.Header.Values("X-Multi"); len(v) != 2 || v[0] != "1" || v[1] != "2" {
		t.Fatalf("header order lost: %q", v)
	}
	// A client-side request has no RequestURI; the URL stands in.
	if r := FromHTTP(req, nil); r.RawTarget != target {
		t.Fatalf("client-side RawTarget = %q", r.RawTarget)
	}
}

func TestParseAccessKeyID(t *testing.T) {
	tests := []struct {
		name string
		req  *Request
		want string
	}{
		{"header", lambdaRequest(), suiteAccessKey},
		{"header-last-wins", lambdaRequest(withAuthz("AWS4-HMAC-SHA256 Credential=A/x, Credential=B/y")), "B"},
		{"query", presignedRequest(presignedQuery), suiteAccessKey},
		{"query-encoded-name", presignedRequest("X-Amz-%43redential=AKIDX%2F1"), "AKIDX"},
		{"none", lambdaRequest(withAuthz("")), ""},
		{"header-without-credential", lambdaRequest(withAuthz("AWS4-HMAC-SHA256 Signature=1")), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseAccessKeyID(tt.req)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("ParseAccessKeyID = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestCanonicalURI(t *testing.T) {
	tests := []struct {
		raw, want, wantS3 string
	}{
		{"", "/", "/"},
		{"/", "/", "/"},
		{"/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1",
			"/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Af1",
			"/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1"},
		{"/f/%24LATEST", "/f/%2524LATEST", "/f/%24LATEST"},
		{"/2015-03-31/functions/", "/2015-03-31/functions/", "/2015-03-31/functions/"},
		{"/example space/", "/example%20space/", "/example%20space/"},
		{"/\xe1\x88\xb4", "/%E1%88%B4", "/%E1%88%B4"},
		{"/a/b/../c/./d", "/a/c/d", "/a/b/../c/./d"},
		{"/a/b/..", "/a/", "/a/b/.."},
		{"/a/.", "/a/", "/a/."},
		{"//a///b//", "/a/b/", "//a///b//"},
		{"/a/%2E%2E/b", "/a/%252E%252E/b", "/a/../b"},
		{"/a/%2Fb", "/a/%252Fb", "/a//b"},
		{"/$delete", "/%24delete", "/%24delete"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := appendCanonicalURI(nil, tt.raw, true)
			if err != nil || string(got) != tt.want {
				t.Fatalf("normalised = %q, %v; want %q", got, err, tt.want)
			}
			got, err = appendCanonicalURI(nil, tt.raw, false)
			if err != nil || string(got) != tt.wantS3 {
				t.Fatalf("S3 rules = %q, %v; want %q", got, err, tt.wantS3)
			}
		})
	}
}

func TestCanonicalQuery(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{"", ""},
		{"a=1&&b=2&", "a=1&b=2"},
		{"flag", "flag="},
		{"a=b+c", "a=b%2Bc"},
		{"a=b%20c&a=b c", "a=b%20c&a=b%20c"},
		{"k=%2f%3d%26", "k=%2F%3D%26"},
		{"k=a=b", "k=a%3Db"},
		{"Param1=value2&Param1=Value1", "Param1=Value1&Param1=value2"},
		{"Param-3=Value3&Param=Value2&%E1%88%B4=Value1", "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"},
		{"%7E=%41", "~=A"},
		{"X-Amz-Signature=abc&z=1", "z=1"},
		{"m=13&m=12&m=11&m=10&m=9&m=8&m=7&m=6&m=5&m=4&m=3&m=2&m=1&l=0",
			"l=0&m=1&m=10&m=11&m=12&m=13&m=2&m=3&m=4&m=5&m=6&m=7&m=8&m=9"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			var q query
			if err := q.parse(tt.raw); err != nil {
				t.Fatal(err)
			}
			if got := string(q.appendCanonical(nil, false)); got != tt.want {
				t.Fatalf("canonical query = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCanonicalHeaders(t *testing.T) {
	h := http.Header{
		"My-Header1": {"  a   b  ", "c"},
		"X-Tab":      {"\ta\t"},
		"Empty":      {""},
		"x-lower":    {"not canonical: never found"},
	}
	got := string(appendCanonicalHeaders(nil, "host;My-Header1;x-tab;empty;absent;x-lower", "h:8080", h))
	const want = "host:h:8080\nmy-header1:a b,c\nx-tab:a\nempty:\n"
	if got != want {
		t.Fatalf("canonical headers = %q, want %q", got, want)
	}
}
