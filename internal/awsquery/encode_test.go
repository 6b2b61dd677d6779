package awsquery

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

type role struct {
	Path     string        `xml:"Path"`
	RoleName string        `xml:"RoleName"`
	Tags     *List[string] `xml:"Tags,omitempty"`
}

type createRoleResult struct {
	Role role `xml:"Role"`
}

func TestMarshal(t *testing.T) {
	tests := []struct {
		name   string
		svc    Service
		action string
		result any
		want   string
	}{
		{
			name: "iam result", svc: IAM, action: "CreateRole",
			result: createRoleResult{Role: role{Path: "/", RoleName: "r<1>&"}},
			want: `<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult>` +
				`<Role><Path>/</Path><RoleName>r&lt;1&gt;&amp;</RoleName></Role></CreateRoleResult>` +
				`<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></CreateRoleResponse>`,
		},
		{
			name: "no output", svc: IAM, action: "DeleteRole",
			want: `<DeleteRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">` +
				`<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></DeleteRoleResponse>`,
		},
		{
			name: "empty output", svc: IAM, action: "UpdateRole", result: struct{}{},
			want: `<UpdateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><UpdateRoleResult></UpdateRoleResult>` +
				`<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></UpdateRoleResponse>`,
		},
		{
			name: "sts lists", svc: STS, action: "X",
			result: createRoleResult{Role: role{Tags: OptionalList([]string{"a", "b"})}},
			want: `<XResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><XResult><Role><Path></Path><RoleName></RoleName>` +
				`<Tags><member>a</member><member>b</member></Tags></Role></XResult>` +
				`<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></XResponse>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Marshal(tt.svc, tt.action, "rid", tt.result)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestWriteResultHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	if err := WriteResult(w, STS, "GetCallerIdentity", "rid", struct{}{}); err != nil {
		t.Fatal(err)
	}
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/xml" || w.Header().Get("x-amzn-RequestId") != "rid" {
		t.Errorf("status %d headers %v", w.Code, w.Header())
	}
}

func TestPolicyDocument(t *testing.T) {
	for _, doc := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		"{\n  \"Resource\": \"arn%3Aaws%3Aapigateway a+b ü\"\n}",
	} {
		enc := PolicyDocument(doc)
		if strings.ContainsAny(enc, " +{}\":\n") {
			t.Errorf("PolicyDocument(%q) = %q leaves reserved characters", doc, enc)
		}
		if got, err := url.PathUnescape(enc); err != nil || got != doc {
			t.Errorf("PathUnescape = %q, %v; want %q", got, err, doc)
		}
		if got, err := url.QueryUnescape(enc); err != nil || got != doc {
			t.Errorf("QueryUnescape = %q, %v; want %q", got, err, doc)
		}
	}
	want := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22lambda.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
	if got := PolicyDocument(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`); got != want {
		t.Errorf("got %s\nwant %s (iam.md §6.1)", got, want)
	}
}

func TestTime(t *testing.T) {
	ts := time.Date(2026, 11, 23, 7, 18, 34, 999, time.FixedZone("x", 3600))
	if got := Time(ts); got != "2026-11-23T06:18:34Z" {
		t.Errorf("Time = %s", got)
	}
}

func TestToWire(t *testing.T) {
	tests := []struct {
		name       string
		svc        Service
		err        error
		status     int
		code, msg  string
		senderType string
	}{
		{"detail code", IAM, errkind.WithDetail(errkind.NotFound, "NoSuchEntity", "The role with name r1 cannot be found."), 404, "NoSuchEntity", "The role with name r1 cannot be found.", "Sender"},
		{"delete conflict", IAM, errkind.WithDetail(errkind.Conflict, "DeleteConflict", "Cannot delete entity, must detach all policies first."), 409, "DeleteConflict", "Cannot delete entity, must detach all policies first.", "Sender"},
		{"limit", IAM, errkind.WithDetail(errkind.Conflict, "LimitExceeded", "m"), 409, "LimitExceeded", "m", "Sender"},
		{"malformed policy", IAM, errkind.WithDetail(errkind.InvalidArgument, "MalformedPolicyDocument", "Syntax errors in policy."), 400, "MalformedPolicyDocument", "Syntax errors in policy.", "Sender"},
		{"access denied", IAM, errkind.New(errkind.AccessDenied, "User: x is not authorized"), 403, "AccessDenied", "User: x is not authorized", "Sender"},
		{"not found default", IAM, errkind.New(errkind.NotFound, "gone"), 404, "NoSuchEntity", "gone", "Sender"},
		{"exists default", IAM, errkind.New(errkind.AlreadyExists, "dup"), 409, "EntityAlreadyExists", "dup", "Sender"},
		{"validation default", STS, errkind.New(errkind.Validation, "v"), 400, "ValidationError", "v", "Sender"},
		{"invalid argument iam", IAM, errkind.New(errkind.InvalidArgument, "i"), 400, "InvalidInput", "i", "Sender"},
		{"invalid argument sts", STS, errkind.New(errkind.InvalidArgument, "i"), 400, "InvalidParameterValue", "i", "Sender"},
		{"unknown detail ignored", IAM, errkind.WithDetail(errkind.Throttled, "ReservedFunctionConcurrentInvocationLimitExceeded", "slow down"), 400, "Throttling", "slow down", "Sender"},
		{"sigv4 signature", STS, errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeSignatureDoesNotMatch, "sig"), 403, "SignatureDoesNotMatch", "sig", "Sender"},
		{"sigv4 expired", IAM, errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeExpiredToken, "exp"), 403, "ExpiredToken", "exp", "Sender"},
		{"sigv4 incomplete", IAM, errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeIncompleteSignature, "inc"), 400, "IncompleteSignature", "inc", "Sender"},
		{"unauthenticated default", IAM, errkind.New(errkind.Unauthenticated, "who"), 403, "InvalidClientTokenId", "who", "Sender"},
		{"internal iam", IAM, errkind.Wrap(errkind.Internal, "database is locked at /var/lib/x", errors.New("sql")), 500, "ServiceFailure", internalMessage, "Receiver"},
		{"internal sts", STS, fmt.Errorf("open /secret: %w", errors.New("boom")), 500, "InternalFailure", internalMessage, "Receiver"},
		{"internal with code detail", IAM, errkind.WithDetail(errkind.Internal, "NoSuchEntity", "leak"), 500, "ServiceFailure", internalMessage, "Receiver"},
		{"unavailable", IAM, errkind.New(errkind.Unavailable, "busy"), 503, "ServiceUnavailable", internalMessage, "Receiver"},
		{"wrapped", IAM, fmt.Errorf("get role: %w", errkind.WithDetail(errkind.NotFound, "NoSuchEntity", "m")), 404, "NoSuchEntity", "m", "Sender"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			we := ToWire(tt.svc, tt.err)
			if we.Status != tt.status || we.Code != tt.code || we.Message != tt.msg || we.Type() != tt.senderType {
				t.Errorf("ToWire = %+v (%s), want %d %s %q %s", we, we.Type(), tt.status, tt.code, tt.msg, tt.senderType)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, nil, IAM, "rid", errkind.WithDetail(errkind.NotFound, "NoSuchEntity", "The role with name r1 cannot be found."))
	want := `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>` +
		`<Code>NoSuchEntity</Code><Message>The role with name r1 cannot be found.</Message></Error>` +
		`<RequestId>rid</RequestId></ErrorResponse>`
	if w.Code != 404 || w.Body.String() != want {
		t.Errorf("got %d %s\nwant 404 %s", w.Code, w.Body, want)
	}
	if w.Header().Get("Content-Type") != "text/xml" || w.Header().Get("X-Amzn-RequestId") != "rid" {
		t.Errorf("headers %v", w.Header())
	}
}
