package arn

import (
	"regexp"
	"strings"
)

// RoleARNPattern is the model pattern of CreateFunction's Role (RoleArn).
const RoleARNPattern = `arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`

// MaxRoleARN is the model's length bound of RoleArn.
const MaxRoleARN = 10000

var roleARNRE = regexp.MustCompile(`^(?:` + RoleARNPattern + `)$`)

// CheckRoleARN returns the model violations of an execution role ARN at
// member 'role'.
func CheckRoleARN(s string) Violations {
	vs := LengthViolations("role", s, 0, MaxRoleARN)
	if !roleARNRE.MatchString(s) {
		vs = append(vs, PatternViolation("role", s, RoleARNPattern))
	}
	return vs
}

// ValidateRoleARN checks the Role of CreateFunction or
// UpdateFunctionConfiguration; a mismatch is errkind.Validation with AWS's
// message.
func ValidateRoleARN(s string) error { return CheckRoleARN(s).Err() }

// RoleRef is a parsed IAM role ARN.
type RoleRef struct {
	Partition, Account, Path, Name string
}

// ParseRole splits arn:PARTITION:iam::ACCOUNT:role/PATH/NAME. ok is false
// for anything else.
func ParseRole(s string) (r RoleRef, ok bool) {
	a, err := Parse(s)
	if err != nil || a.Service != "iam" || a.Region != "" || !isAccount(a.Account) {
		return RoleRef{}, false
	}
	rest, found := strings.CutPrefix(a.Resource, "role/")
	if !found || rest == "" {
		return RoleRef{}, false
	}
	i := strings.LastIndexByte(rest, '/')
	r = RoleRef{Partition: a.Partition, Account: a.Account, Path: "/" + rest[:i+1], Name: rest[i+1:]}
	if r.Name == "" {
		return RoleRef{}, false
	}
	return r, true
}

func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
