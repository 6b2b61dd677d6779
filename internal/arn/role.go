package arn

import "regexp"

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
