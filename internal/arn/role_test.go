package arn

import (
	"strings"
	"testing"

	"lambent/internal/errkind"
)

func TestValidateRoleARN(t *testing.T) {
	const prefix = "1 validation error detected: Value '"
	const suffix = "' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"
	long := "arn:aws:iam::123456789012:role/" + strings.Repeat("r", MaxRoleARN)
	tests := []struct {
		name, role, msg string
	}{
		{"plain", "arn:aws:iam::123456789012:role/thumbs-exec", ""},
		{"with path", "arn:aws:iam::123456789012:role/service-role/a+b=c,d.e@f_g-h", ""},
		{"other partition", "arn:aws-cn:iam::123456789012:role/x", ""},
		{"no partition", "arn::iam::123456789012:role/x", ""},
		{"recorded by AWS", "r1", prefix + "r1" + suffix},
		{"empty", "", prefix + suffix},
		{"region not allowed", "arn:aws:iam:us-east-1:123456789012:role/x", prefix + "arn:aws:iam:us-east-1:123456789012:role/x" + suffix},
		{"short account", "arn:aws:iam::12345678901:role/x", prefix + "arn:aws:iam::12345678901:role/x" + suffix},
		{"user not role", "arn:aws:iam::123456789012:user/x", prefix + "arn:aws:iam::123456789012:user/x" + suffix},
		{"space", "arn:aws:iam::123456789012:role/a b", prefix + "arn:aws:iam::123456789012:role/a b" + suffix},
		{"over long", long, "1 validation error detected: Value '" + long +
			"' at 'role' failed to satisfy constraint: Member must have length less than or equal to 10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateRoleARN(tt.role)
			if tt.msg == "" {
				checkErr(t, err, errkind.Internal, "")
				return
			}
			checkErr(t, err, errkind.Validation, tt.msg)
		})
	}
}

func TestParseRole(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want RoleRef
		ok   bool
	}{
		{"arn:aws:iam::123456789012:role/r1", RoleRef{"aws", "123456789012", "/", "r1"}, true},
		{"arn:aws:iam::123456789012:role/service-role/a/r1", RoleRef{"aws", "123456789012", "/service-role/a/", "r1"}, true},
		{"arn:aws:iam::123456789012:role/", RoleRef{}, false},
		{"arn:aws:iam::123456789012:role/path/", RoleRef{}, false},
		{"arn:aws:iam::123456789012:user/r1", RoleRef{}, false},
		{"arn:aws:iam:us-east-1:123456789012:role/r1", RoleRef{}, false},
		{"arn:aws:iam::aws:role/r1", RoleRef{}, false},
		{"nothing-valid-in-here", RoleRef{}, false},
	} {
		got, ok := ParseRole(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseRole(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
