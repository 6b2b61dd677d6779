package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
)

// TestAWSSDKRoundTrip signs Lambda-style requests with aws-sdk-go-v2's
// signer, sends them to a real HTTP server, and verifies them there through
// FromHTTP: the raw request-target path (%3A-encoded ARN, %24LATEST) must
// survive net/http and be double-encoded exactly as the SDK does.
func TestAWSSDKRoundTrip(t *testing.T) {
	signTime := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	longTerm := aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	temporary := aws.Credentials{AccessKeyID: "ASIAIOSFODNN7EXAMPLE", SecretAccessKey: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
		SessionToken: "IQoJb3JpZ2luX2VjEXAMPLE/+token=="}
	v := NewVerifier(Config{
		Credentials: staticSource(
			Credential{AccessKeyID: longTerm.AccessKeyID, SecretAccessKey: longTerm.SecretAccessKey},
			Credential{AccessKeyID: temporary.AccessKeyID, SecretAccessKey: temporary.SecretAccessKey,
				SessionToken: temporary.SessionToken, Expiration: signTime.Add(time.Hour)},
		),
		Clock: clocktest.New(signTime.Add(30 * time.Second)),
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		res, err := v.Verify(r.Context(), FromHTTP(r, body), "lambda")
		if err != nil {
			e, _ := errkind.As(err)
			w.Header().Set("X-Amzn-ErrorType", e.Detail)
			http.Error(w, e.Public, http.StatusForbidden)
			return
		}
		io.WriteString(w, res.Credential.AccessKeyID)
	}))
	defer srv.Close()

	const invoke = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af1%3A%24LATEST/invocations"
	tests := []struct {
		name     string
		creds    aws.Credentials
		method   string
		target   string
		body     string
		presign  bool
		tamper   func(r *http.Request)
		wantCode string // "" means accepted
	}{
		{name: "invoke", creds: longTerm, method: "POST", target: invoke, body: `{"hello":"world"}`},
		{name: "invoke-temporary", creds: temporary, method: "POST", target: invoke + "?Qualifier=%24LATEST", body: `{}`},
		{name: "get-function", creds: longTerm, method: "GET", target: "/2015-03-31/functions/my-function?Qualifier=%24LATEST"},
		{name: "list-trailing-slash", creds: longTerm, method: "GET", target: "/2015-03-31/functions/?MaxItems=10&Marker=a%2Bb"},
		{name: "presigned", creds: longTerm, method: "GET", target: invoke + "?X-Amz-Expires=300", presign: true},
		{name: "presigned-temporary", creds: temporary, method: "GET", target: invoke + "?X-Amz-Expires=300", presign: true},
		{name: "tampered-body", creds: longTerm, method: "POST", target: invoke, body: `{"amount":1}`,
			tamper: func(r *http.Request) {
				r.Body = io.NopCloser(bytes.NewReader([]byte(`{"amount":9}`)))
			}, wantCode: CodeSignatureDoesNotMatch},
		{name: "tampered-path", creds: longTerm, method: "GET", target: "/2015-03-31/functions/f1",
			tamper: func(r *http.Request) {
				r.URL.RawPath, r.URL.Path = "/2015-03-31/functions/f2", "/2015-03-31/functions/f2"
			},
			wantCode: CodeSignatureDoesNotMatch},
		{name: "token-stripped", creds: temporary, method: "GET", target: "/2015-03-31/functions/f1",
			tamper:   func(r *http.Request) { r.Header.Del("X-Amz-Security-Token") },
			wantCode: CodeInvalidClientTokenID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+tt.target, bytes.NewReader([]byte(tt.body)))
			if err != nil {
				t.Fatal(err)
			}
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			sum := sha256.Sum256([]byte(tt.body))
			hash := hex.EncodeToString(sum[:])
			signer := v4.NewSigner()
			if tt.presign {
				signed, hdr, err := signer.PresignHTTP(t.Context(), tt.creds, req, hash, "lambda", "us-east-1", signTime)
				if err != nil {
					t.Fatal(err)
				}
				if req, err = http.NewRequestWithContext(t.Context(), tt.method, signed, nil); err != nil {
					t.Fatal(err)
				}
				req.Header = hdr
			} else if err := signer.SignHTTP(t.Context(), tt.creds, req, hash, "lambda", "us-east-1", signTime); err != nil {
				t.Fatal(err)
			}
			if tt.tamper != nil {
				tt.tamper(req)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if tt.wantCode != "" {
				if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-ErrorType") != tt.wantCode {
					t.Fatalf("status %d %s %q; want 403 %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), got, tt.wantCode)
				}
				return
			}
			if resp.StatusCode != http.StatusOK || string(got) != tt.creds.AccessKeyID {
				t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), got)
			}
		})
	}
}
