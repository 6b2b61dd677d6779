package function

import (
	"regexp"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// MaxFunctionName is the longest name a function may be created with.
const MaxFunctionName = 64

var functionNameRE = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)

// ValidateFunctionName checks the name a function is created with: 1–64
// characters of [a-zA-Z0-9-_]. A name that breaks the pattern is
// errkind.Validation against the FunctionName model pattern; an over-long
// name is errkind.InvalidArgument with the ValidationException-style text
// AWS sends under InvalidParameterValueException. Only CreateFunction
// checks the length: other operations simply find no such function.
func ValidateFunctionName(name string) error {
	if !functionNameRE.MatchString(name) {
		return arn.Violations{arn.PatternViolation("functionName", name, arn.FunctionNamePattern)}.Err()
	}
	if len(name) > MaxFunctionName {
		return errkind.New(errkind.InvalidArgument,
			arn.LengthViolations("functionName", name, 1, MaxFunctionName).Message())
	}
	return nil
}
