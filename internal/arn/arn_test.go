package arn

import (
	"testing"

	"lambent/internal/errkind"
)

// checkErr fails t unless err has kind k and public message msg; k ==
// errkind.Internal with msg == "" means no error.
func checkErr(t *testing.T, err error, k errkind.Kind, msg string) {
	t.Helper()
	if msg == "" && k == errkind.Internal {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e, ok := errkind.As(err)
	if !ok {
		t.Fatalf("error = %v, want %v %q", err, k, msg)
	}
	if e.Kind != k {
		t.Errorf("kind = %v, want %v", e.Kind, k)
	}
	if e.Public != msg {
		t.Errorf("message:\n got %s\nwant %s", e.Public, msg)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ARN
		ok   bool
	}{
		{"function", "arn:aws:lambda:us-east-1:123456789012:function:thumbs",
			ARN{"aws", "lambda", "us-east-1", "123456789012", "function:thumbs"}, true},
		{"qualified function keeps colons in resource", "arn:aws:lambda:us-east-1:123456789012:function:thumbs:$LATEST",
			ARN{"aws", "lambda", "us-east-1", "123456789012", "function:thumbs:$LATEST"}, true},
		{"iam role has no region", "arn:aws:iam::123456789012:role/service-role/exec",
			ARN{"aws", "iam", "", "123456789012", "role/service-role/exec"}, true},
		{"managed policy account aws", "arn:aws:iam::aws:policy/ReadOnlyAccess",
			ARN{"aws", "iam", "", "aws", "policy/ReadOnlyAccess"}, true},
		{"runtime version has no account", "arn:aws:lambda:us-east-1::runtime:8eeff6",
			ARN{"aws", "lambda", "us-east-1", "", "runtime:8eeff6"}, true},
		{"s3 object", "arn:aws-us-gov:s3:::bucket/key:with:colons",
			ARN{"aws-us-gov", "s3", "", "", "bucket/key:with:colons"}, true},
		{"empty", "", ARN{}, false},
		{"no arn prefix", "aws:lambda:us-east-1:123456789012:function:x", ARN{}, false},
		{"prefix case matters", "ARN:aws:lambda:us-east-1:123456789012:function:x", ARN{}, false},
		{"too few fields", "arn:aws:lambda:us-east-1:123456789012", ARN{}, false},
		{"empty partition", "arn::lambda:us-east-1:123456789012:function:x", ARN{}, false},
		{"empty service", "arn:aws::us-east-1:123456789012:function:x", ARN{}, false},
		{"empty resource", "arn:aws:lambda:us-east-1:123456789012:", ARN{}, false},
		{"upper-case region", "arn:aws:lambda:US-EAST-1:123456789012:function:x", ARN{}, false},
		{"account with dash", "arn:aws:lambda:us-east-1:1234-5678:function:x", ARN{}, false},
		{"space in service", "arn:aws:lam bda:us-east-1:123456789012:function:x", ARN{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if !tt.ok {
				checkErr(t, err, errkind.InvalidArgument, tt.in+" is not a valid ARN.")
				return
			}
			checkErr(t, err, errkind.Internal, "")
			if got != tt.want {
				t.Fatalf("Parse = %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Fatalf("String = %q, want %q", s, tt.in)
			}
		})
	}
}

func TestFunctionARN(t *testing.T) {
	tests := []struct {
		name, qualifier, want string
	}{
		{"unqualified", "", "arn:aws:lambda:us-east-1:123456789012:function:thumbs"},
		{"latest", "$LATEST", "arn:aws:lambda:us-east-1:123456789012:function:thumbs:$LATEST"},
		{"version", "7", "arn:aws:lambda:us-east-1:123456789012:function:thumbs:7"},
		{"alias", "live", "arn:aws:lambda:us-east-1:123456789012:function:thumbs:live"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QualifiedFunctionARN("us-east-1", "123456789012", "thumbs", tt.qualifier); got != tt.want {
				t.Fatalf("QualifiedFunctionARN = %q, want %q", got, tt.want)
			}
		})
	}
	if got, want := FunctionARN("eu-west-1", "123456789012", "a"), "arn:aws:lambda:eu-west-1:123456789012:function:a"; got != want {
		t.Fatalf("FunctionARN = %q, want %q", got, want)
	}
}
