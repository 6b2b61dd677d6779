package arn

import (
	"fmt"
	"strings"

	"lambent/internal/errkind"
)

// Violation is one failed constraint on one request member, worded as AWS's
// ValidationException words it:
//
//	Value '<Value>' at '<Member>' failed to satisfy constraint: <Constraint>
type Violation struct {
	// Member is the camelCase path of the member, e.g. "functionName" or
	// "ephemeralStorage.size".
	Member string
	// Value is the offending value as AWS renders it, without quotes.
	Value string
	// Constraint is the failed constraint, e.g. "Member must have value
	// less than or equal to 10240".
	Constraint string
	// Null renders the value as null ("Value null at …"): the member was
	// required and absent.
	Null bool
	// Redacted leaves the value out ("Value at …"), as AWS does for members
	// the model marks sensitive, such as environment variables.
	Redacted bool
}

func (v Violation) String() string {
	switch {
	case v.Redacted:
		return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", v.Member, v.Constraint)
	case v.Null:
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", v.Member, v.Constraint)
	default:
		return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", v.Value, v.Member, v.Constraint)
	}
}

// Violations are the failed constraints of one request, in the order they
// are reported.
type Violations []Violation

// Message is AWS's ValidationException text: "N validation error(s)
// detected: " and the violations joined with "; ".
func (vs Violations) Message() string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	noun := "errors"
	if len(vs) == 1 {
		noun = "error"
	}
	return fmt.Sprintf("%d validation %s detected: %s", len(vs), noun, strings.Join(parts, "; "))
}

// Err returns nil when vs is empty and otherwise an errkind.Validation error
// whose public message is vs.Message().
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return errkind.New(errkind.Validation, vs.Message())
}

// Length returns the length of s as AWS counts it: in UTF-16 code units, as
// Java's String.length does. Each invalid UTF-8 byte counts as one unit,
// the replacement character it decodes to.
func Length(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// LengthViolations checks the length of value against the bounds of a
// string shape; max < 0 means unbounded. AWS reports the maximum first.
func LengthViolations(member, value string, minLen, maxLen int) Violations {
	var vs Violations
	n := Length(value)
	if maxLen >= 0 && n > maxLen {
		vs = append(vs, Violation{Member: member, Value: value,
			Constraint: fmt.Sprintf("Member must have length less than or equal to %d", maxLen)})
	}
	if n < minLen {
		vs = append(vs, Violation{Member: member, Value: value,
			Constraint: fmt.Sprintf("Member must have length greater than or equal to %d", minLen)})
	}
	return vs
}

// PatternViolation reports value at member as failing the model pattern.
func PatternViolation(member, value, pattern string) Violation {
	return Violation{Member: member, Value: value,
		Constraint: "Member must satisfy regular expression pattern: " + pattern}
}
