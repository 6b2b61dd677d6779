package sigv4

import (
	"net/http"
	"testing"
)

// benchRequest is a typical signed Lambda Invoke: ARN path, JSON body,
// the headers aws-sdk-go-v2 signs plus the ones a client adds unsigned.
func benchRequest(tb testing.TB) *Request {
	r := &Request{
		Method:    "POST",
		RawTarget: "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1/invocations?Qualifier=%24LATEST",
		Host:      "lambda.us-east-1.amazonaws.com",
		Header: http.Header{
			"Content-Type":          {"application/json"},
			"Content-Length":        {"17"},
			"X-Amz-Date":            {"20150830T123600Z"},
			"X-Amz-Invocation-Type": {"RequestResponse"},
			"User-Agent":            {"aws-sdk-go-v2/1.47.7 os/linux lang/go#1.26 api/lambda#1.114.2"},
			"Accept-Encoding":       {"gzip"},
			"Amz-Sdk-Invocation-Id": {"6c7d3f8e-2a9b-4c1d-8e7f-0a1b2c3d4e5f"},
			"Amz-Sdk-Request":       {"attempt=1; max=3"},
			"X-Amz-Client-Context":  {""},
			"X-Amzn-Trace-Id":       {"Root=1-5759e988-bd862e3fe1be46a994272793"},
			"X-Forwarded-For":       {"203.0.113.7"},
			"X-Amz-Log-Type":        {"None"},
			"Authorization": {"AWS4-HMAC-SHA256 Credential=" + testScope +
				", SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-invocation-type;x-amz-log-type, Signature=" + zeroSig},
		},
		Body: []byte(`{"hello":"world"}`),
	}
	selfSign(tb, r, suiteSecret, false)
	return r
}

// BenchmarkVerify is the hot path of every API request: header form, warm
// signing-key cache.
func BenchmarkVerify(b *testing.B) {
	v := testVerifier(suiteTime)
	req := benchRequest(b)
	ctx := b.Context()
	if _, err := v.Verify(ctx, req, "lambda"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, req, "lambda"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPresigned is the query form, warm cache.
func BenchmarkVerifyPresigned(b *testing.B) {
	v := testVerifier(suiteTime)
	req := presignedRequest(presignedQuery)
	selfSign(b, req, suiteSecret, false)
	ctx := b.Context()
	if _, err := v.Verify(ctx, req, "lambda"); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, req, "lambda"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyReject is a forged signature: the same work, then a 403.
func BenchmarkVerifyReject(b *testing.B) {
	v := testVerifier(suiteTime)
	req := lambdaRequest()
	ctx := b.Context()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, req, "lambda"); err == nil {
			b.Fatal("forged request verified")
		}
	}
}
