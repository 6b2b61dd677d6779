package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
)

const (
	zeroSig   = "0000000000000000000000000000000000000000000000000000000000000000"
	testScope = "AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request"
	testAuthz = "AWS4-HMAC-SHA256 Credential=" + testScope + ", SignedHeaders=host;x-amz-date, Signature=" + zeroSig
	testToken = "session-token-0123456789"
)

// lambdaRequest is a header-form request to Lambda with a placeholder
// signature; mods adjust it.
func lambdaRequest(mods ...func(r *Request)) *Request {
	r := &Request{
		Method:    "GET",
		RawTarget: "/2015-03-31/functions/",
		Host:      "lambda.us-east-1.amazonaws.com",
		Header: http.Header{
			"X-Amz-Date":    {"20150830T123600Z"},
			"Authorization": {testAuthz},
		},
	}
	for _, m := range mods {
		m(r)
	}
	return r
}

// presignedRequest is the query form of lambdaRequest.
func presignedRequest(query string) *Request {
	return &Request{
		Method:    "GET",
		RawTarget: "/2015-03-31/functions/?" + query,
		Host:      "lambda.us-east-1.amazonaws.com",
		Header:    http.Header{},
	}
}

const presignedQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Flambda%2Faws4_request" +
	"&X-Amz-Date=20150830T123600Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=" + zeroSig

func withHeader(name, value string) func(*Request) {
	return func(r *Request) {
		if value == "" {
			r.Header.Del(name)
			return
		}
		r.Header.Set(name, value)
	}
}

func withAuthz(authz string) func(*Request) { return withHeader("Authorization", authz) }

// selfSign replaces the placeholder signature of req with the real one for
// secret. It reuses the package's canonicaliser, which the suite tests pin
// independently, so it only serves tests of what surrounds the signature.
func selfSign(t testing.TB, req *Request, secret string, dropToken bool) {
	t.Helper()
	var s verification
	_, amzDate, err := s.parse(req, true)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	sum := sha256.Sum256(req.Body)
	creq := s.canonicalRequest(nil, req, []byte(hex.EncodeToString(sum[:])), dropToken)
	_, scope, _ := strings.Cut(s.a.credential, "/")
	sc := strings.Split(scope, "/")
	sig, _ := newSigningKey(secret, sc[0], sc[1], sc[2]).sign(nil, appendStringToSign(nil, amzDate, scope, sha256.Sum256(creq)))
	hexSig := hex.EncodeToString(sig[:])
	if a := req.Header.Get("Authorization"); a != "" {
		req.Header.Set("Authorization", strings.Replace(a, zeroSig, hexSig, 1))
	}
	req.RawTarget = strings.Replace(req.RawTarget, zeroSig, hexSig, 1)
}

func testVerifier(now time.Time, creds ...Credential) *Verifier {
	if creds == nil {
		creds = []Credential{{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret}}
	}
	return NewVerifier(Config{Credentials: staticSource(creds...), Clock: clocktest.New(now)})
}

// TestErrors walks iam.md §2.5 in order. Every request below also carries
// an invalid signature, so each row shows that its step precedes step 16.
func TestErrors(t *testing.T) {
	longTerm := Credential{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret}
	temporary := Credential{AccessKeyID: suiteAccessKey, SecretAccessKey: suiteSecret, SessionToken: testToken}
	expired := temporary
	expired.Expiration = suiteTime
	tests := []struct {
		name  string
		req   *Request
		now   time.Time // zero: suiteTime
		creds []Credential
		skew  time.Duration
		code  string
		msg   string
	}{
		// 1: path.
		{name: "1-above-root", req: lambdaRequest(func(r *Request) { r.RawTarget = "/a/../../b" }),
			code: CodeInvalidURIPath, msg: "Relative path entry '..' navigates above root: /a/../../b"},
		{name: "1-not-absolute", req: lambdaRequest(func(r *Request) { r.RawTarget = "*" }),
			code: CodeInvalidURIPath, msg: "Path is not absolute: *"},
		// 4: query escapes, even before the auth form is known.
		{name: "4-incomplete-escape", req: lambdaRequest(func(r *Request) { r.RawTarget += "?a=%4" }),
			code: CodeMalformedQueryString, msg: "Incomplete trailing escape % sequence"},
		{name: "4-illegal-hex", req: &Request{Method: "GET", RawTarget: "/?a=%zz&b=1", Header: http.Header{}},
			code: CodeMalformedQueryString, msg: "Illegal hex character in escape % pattern: %zz"},
		// 5: form.
		{name: "5-both-forms", req: lambdaRequest(func(r *Request) { r.RawTarget += "?X-Amz-Algorithm=AWS4-HMAC-SHA256" }),
			code: CodeSignatureDoesNotMatch, msg: ""},
		{name: "5-neither-form", req: lambdaRequest(withAuthz("")),
			code: CodeMissingAuthenticationToken, msg: "Request is missing Authentication Token"},
		// 6a/7a: algorithm.
		{name: "6a-algorithm", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "SHA256", "SHA512", 1))),
			code: CodeIncompleteSignature, msg: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
		{name: "6a-other-scheme", req: lambdaRequest(withAuthz("Bearer abc.def")),
			code: CodeIncompleteSignature, msg: "Unsupported AWS 'algorithm': 'Bearer'."},
		{name: "7a-algorithm", req: presignedRequest(strings.Replace(presignedQuery, "HMAC-SHA256", "ECDSA-P256-SHA256", 1)),
			code: CodeIncompleteSignature, msg: "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256'."},
		// 6b: component syntax; the signature is never echoed.
		{name: "6b-missing-equals", req: lambdaRequest(withAuthz("AWS4-HMAC-SHA256 Credential=" + testScope + ", SignedHeaders, Signature=" + zeroSig)),
			code: CodeIncompleteSignature, msg: "'SignedHeaders' not a valid key=value pair (missing equal-sign) in Authorization header: " +
				"'AWS4-HMAC-SHA256 Credential=" + testScope + ", SignedHeaders, Signature=<redacted>'"},
		// 6d/7d: missing parameters.
		{name: "6d-credential", req: lambdaRequest(withAuthz("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=" + zeroSig)),
			code: CodeIncompleteSignature, msg: "Authorization header requires 'Credential' parameter. " +
				"Authorization=AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=<redacted>"},
		{name: "6d-all", req: lambdaRequest(withAuthz("AWS4-HMAC-SHA256"), withHeader("X-Amz-Date", "")),
			code: CodeIncompleteSignature, msg: "Authorization header requires 'Credential' parameter. " +
				"Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. " +
				"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"},
		{name: "7d-credential", req: presignedRequest(strings.Replace(presignedQuery, "X-Amz-Credential", "X-Amz-Credentials", 1)),
			code: CodeIncompleteSignature, msg: "AWS query-string parameters must include 'X-Amz-Credential'. Re-examine the query-string parameters."},
		{name: "7d-all", req: presignedRequest("X-Amz-Algorithm=AWS4-HMAC-SHA256"),
			code: CodeIncompleteSignature, msg: "AWS query-string parameters must include 'X-Amz-Credential'. " +
				"AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
				"AWS query-string parameters must include 'X-Amz-Date'. AWS query-string parameters must include 'X-Amz-Expires'. " +
				"Re-examine the query-string parameters."},
		{name: "7d-expires-zero", req: presignedRequest(strings.Replace(presignedQuery, "Expires=300", "Expires=0", 1)),
			code: CodeIncompleteSignature, msg: "X-Amz-Expires must be greater than 0"},
		{name: "7d-expires-week", req: presignedRequest(strings.Replace(presignedQuery, "Expires=300", "Expires=604801", 1)),
			code: CodeIncompleteSignature, msg: "X-Amz-Expires must be less than a week (in seconds) that is 604800"},
		{name: "7d-expires-nan", req: presignedRequest(strings.Replace(presignedQuery, "Expires=300", "Expires=5m", 1)),
			code: CodeIncompleteSignature, msg: "X-Amz-Expires should be a number"},
		// 8: host.
		{name: "8-host-unsigned", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "host;", "", 1)), withHeader("X-Amz-Date", "junk")),
			code: CodeSignatureDoesNotMatch, msg: "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		// 9: date format.
		{name: "9-extended-format", req: lambdaRequest(withHeader("X-Amz-Date", "2015-08-30T12:36:00Z")),
			code: CodeIncompleteSignature, msg: "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "9-bad-date-header", req: lambdaRequest(withHeader("X-Amz-Date", ""), withHeader("Date", "yesterday")),
			code: CodeIncompleteSignature, msg: "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "9-no-such-day", req: lambdaRequest(withHeader("X-Amz-Date", "20150230T123600Z")),
			code: CodeIncompleteSignature, msg: "Date must be in ISO-8601 'basic format'. Got '20150230T123600Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		// 10, 11: clock skew (before the scope is even looked at).
		{name: "10-expired", req: lambdaRequest(withHeader("X-Amz-Date", "20260101T000000Z")),
			now: time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC), code: CodeSignatureDoesNotMatch,
			msg: "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)"},
		{name: "10-configured-skew", req: lambdaRequest(withHeader("X-Amz-Date", "20260101T000000Z")),
			now: time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC), skew: 5 * time.Minute, code: CodeSignatureDoesNotMatch,
			msg: "Signature expired: 20260101T000000Z is now earlier than 20260101T002500Z (20260101T003000Z - 5 min.)"},
		{name: "10-presigned-expired", req: presignedRequest(presignedQuery), now: suiteTime.Add(301 * time.Second),
			code: CodeSignatureDoesNotMatch,
			msg:  "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T124101Z - 5 min.)"},
		{name: "11-not-yet-current", req: lambdaRequest(withHeader("X-Amz-Date", "20260101T003000Z")),
			now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), code: CodeSignatureDoesNotMatch,
			msg: "Signature not yet current: 20260101T003000Z is still later than 20260101T001500Z (20260101T000000Z + 15 min.)"},
		{name: "11-presigned", req: presignedRequest(presignedQuery), now: suiteTime.Add(-16 * time.Minute),
			code: CodeSignatureDoesNotMatch,
			msg:  "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)"},
		// 12, 13: scope.
		{name: "12-four-parts", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "/aws4_request", "", 1))),
			code: CodeIncompleteSignature, msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, " +
				"got 'AKIDEXAMPLE/20150830/us-east-1/lambda'"},
		{name: "13-service", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "/lambda/", "/iam/", 1))),
			code: CodeSignatureDoesNotMatch, msg: "Credential should be scoped to correct service: 'lambda'."},
		{name: "13-terminator", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "aws4_request", "aws4_requests", 1))),
			code: CodeSignatureDoesNotMatch, msg: "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'."},
		{name: "13-date", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "/20150830/", "/20150831/", 1))),
			code: CodeSignatureDoesNotMatch, msg: "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
				"'20150831' != '20150830', from '20150830T123600Z'."},
		{name: "13-region", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "/us-east-1/", "/US_EAST/", 1))),
			code: CodeSignatureDoesNotMatch, msg: "Credential should be scoped to a valid region, not 'US_EAST'."},
		{name: "13-all", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, "us-east-1/lambda/aws4_request", "/sts/aws4", 1))),
			code: CodeSignatureDoesNotMatch, msg: "Credential should be scoped to a valid region, not ''. " +
				"Credential should be scoped to correct service: 'lambda'. " +
				"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4'."},
		// 14b, 14c, 15: credentials.
		{name: "14b-wrong-token", req: lambdaRequest(withHeader("X-Amz-Security-Token", "forged")), creds: []Credential{temporary},
			code: CodeInvalidClientTokenID, msg: "The security token included in the request is invalid"},
		{name: "14b-token-on-long-term-key", req: lambdaRequest(withHeader("X-Amz-Security-Token", testToken)), creds: []Credential{longTerm},
			code: CodeInvalidClientTokenID, msg: "The security token included in the request is invalid"},
		{name: "14b-unknown-key-with-token", req: lambdaRequest(withHeader("X-Amz-Security-Token", testToken)), creds: []Credential{},
			code: CodeInvalidClientTokenID, msg: "The security token included in the request is invalid"},
		{name: "14b-before-14c", req: lambdaRequest(withHeader("X-Amz-Security-Token", "forged")), creds: []Credential{expired},
			code: CodeInvalidClientTokenID, msg: "The security token included in the request is invalid"},
		{name: "14b-missing-token", req: lambdaRequest(), creds: []Credential{temporary},
			code: CodeInvalidClientTokenID, msg: "The security token included in the request is invalid."},
		{name: "14c-expired-token", req: lambdaRequest(withHeader("X-Amz-Security-Token", testToken)), creds: []Credential{expired},
			code: CodeExpiredToken, msg: "The security token included in the request is expired"},
		{name: "14c-presigned", req: presignedRequest(presignedQuery + "&X-Amz-Security-Token=" + testToken), creds: []Credential{expired},
			code: CodeExpiredToken, msg: "The security token included in the request is expired"},
		{name: "15-unknown-key", req: lambdaRequest(), creds: []Credential{},
			code: CodeInvalidClientTokenID, msg: "The security token included in the request is invalid."},
		// 16: signature.
		{name: "16-signature", req: lambdaRequest(),
			code: CodeSignatureDoesNotMatch, msg: msgSignatureMismatch},
		{name: "16-signature-not-hex", req: lambdaRequest(withAuthz(strings.Replace(testAuthz, zeroSig, "xyz", 1))),
			code: CodeSignatureDoesNotMatch, msg: msgSignatureMismatch},
		{name: "16-presigned", req: presignedRequest(presignedQuery),
			code: CodeSignatureDoesNotMatch, msg: msgSignatureMismatch},
		{name: "16-content-sha256", req: lambdaRequest(withHeader("X-Amz-Content-Sha256", strings.Repeat("ab", 32))),
			code: CodeSignatureDoesNotMatch, msg: "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{name: "16-unsigned-payload", req: lambdaRequest(withHeader("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")),
			code: CodeSignatureDoesNotMatch, msg: "The provided 'x-amz-content-sha256' header does not match what was computed."},
		{name: "16-streaming-payload", req: lambdaRequest(withHeader("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")),
			code: CodeSignatureDoesNotMatch, msg: "The provided 'x-amz-content-sha256' header does not match what was computed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := suiteTime
			if !tt.now.IsZero() {
				now = tt.now
			}
			creds := tt.creds
			if creds == nil {
				creds = []Credential{longTerm}
			}
			v := NewVerifier(Config{Credentials: staticSource(creds...), Clock: clocktest.New(now), MaxSkew: tt.skew})
			_, err := v.Verify(t.Context(), tt.req, "lambda")
			wantCode(t, err, tt.code, tt.msg)
			if e, _ := errkind.As(err); e.Public != tt.msg {
				t.Fatalf("public message %q, want exactly %q", e.Public, tt.msg)
			}
			if strings.Contains(err.Error(), zeroSig) {
				t.Fatalf("error text leaks the signature: %v", err)
			}
		})
	}
}

// TestSourceFailure: a store outage is not an authentication failure; its
// kind passes through.
func TestSourceFailure(t *testing.T) {
	outage := errkind.New(errkind.Unavailable, "store unavailable")
	src := sourceFunc(func(context.Context, string, string) (Credential, error) { return Credential{}, outage })
	v := NewVerifier(Config{Credentials: src, Clock: clocktest.New(suiteTime)})
	_, err := v.Verify(t.Context(), lambdaRequest(), "lambda")
	if !errors.Is(err, outage) || errkind.KindOf(err) != errkind.Unavailable {
		t.Fatalf("err = %v, want the wrapped outage", err)
	}
}

// TestSourceReturnsOtherKey: a source answering for a different key fails
// closed.
func TestSourceReturnsOtherKey(t *testing.T) {
	src := sourceFunc(func(context.Context, string, string) (Credential, error) {
		return Credential{AccessKeyID: "AKIDOTHER", SecretAccessKey: suiteSecret}, nil
	})
	v := NewVerifier(Config{Credentials: src, Clock: clocktest.New(suiteTime)})
	_, err := v.Verify(t.Context(), lambdaRequest(), "lambda")
	wantCode(t, err, CodeInvalidClientTokenID, msgUnknownAccessKey)
}

func TestRegionAllowList(t *testing.T) {
	v := NewVerifier(Config{Credentials: staticSource(), Clock: clocktest.New(suiteTime), Regions: []string{"eu-west-1"}})
	_, err := v.Verify(t.Context(), lambdaRequest(), "lambda")
	wantCode(t, err, CodeSignatureDoesNotMatch, "Credential should be scoped to a valid region, not 'us-east-1'.")
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"ok", Config{Credentials: staticSource()}, true},
		{"no-credentials", Config{}, false},
		{"negative-skew", Config{Credentials: staticSource(), MaxSkew: -time.Second}, false},
		{"bad-region", Config{Credentials: staticSource(), Regions: []string{"EU"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v", err)
			}
		})
	}
	defer func() {
		if recover() == nil {
			t.Fatal("NewVerifier accepted a config without credentials")
		}
	}()
	NewVerifier(Config{})
}
