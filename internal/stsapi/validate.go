package stsapi

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"lambent/internal/arn"
	"lambent/internal/awsquery"
	"lambent/internal/errkind"
)

// Model patterns, as AWS's messages quote them.
const (
	arnPattern      = `[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u10000-\u10FFFF]+`
	namePattern     = `[\w+=,.@-]*`
	policyPattern   = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	tagKeyPattern   = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePattern = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
)

// violations collects model-constraint failures in request order.
type violations struct {
	vs arn.Violations
}

func (v *violations) err() error {
	if len(v.vs) == 0 {
		return nil
	}
	return errkind.WithDetail(errkind.Validation, "ValidationError", v.vs.Message())
}

func member(param string) string {
	return strings.ToLower(param[:1]) + param[1:]
}

// required reads a required string parameter and checks it.
func (v *violations) required(q awsquery.Params, param string, minLen, maxLen int, pattern string, ok func(rune) bool) string {
	s, present := q.Lookup(param)
	if !present {
		v.vs = append(v.vs, arn.Violation{Member: member(param), Null: true, Constraint: "Member must not be null"})
		return ""
	}
	v.check(member(param), s, minLen, maxLen, pattern, ok)
	return s
}

// str reads an optional string parameter and checks it when present.
func (v *violations) str(q awsquery.Params, param string, minLen, maxLen int, pattern string, ok func(rune) bool) string {
	s, present := q.Lookup(param)
	if present {
		v.check(member(param), s, minLen, maxLen, pattern, ok)
	}
	return s
}

// check adds the length and pattern violations of s at m.
func (v *violations) check(m, s string, minLen, maxLen int, pattern string, ok func(rune) bool) {
	v.length(m, s, minLen, maxLen)
	if strings.IndexFunc(s, func(r rune) bool { return !ok(r) }) >= 0 {
		v.vs = append(v.vs, arn.PatternViolation(m, s, pattern))
	}
}

func (v *violations) length(m, s string, minLen, maxLen int) {
	v.vs = append(v.vs, arn.LengthViolations(m, s, minLen, maxLen)...)
}

// count checks the length of a list.
func (v *violations) count(m string, n, maxLen int) {
	if n > maxLen {
		v.vs = append(v.vs, arn.Violation{Member: m, Value: fmt.Sprintf("[%d items]", n),
			Constraint: fmt.Sprintf("Member must have length less than or equal to %d", maxLen)})
	}
}

// integer reads an optional integer parameter in [minV, maxV]; 0 if absent.
func (v *violations) integer(q awsquery.Params, param string, minV, maxV int) int {
	s, present := q.Lookup(param)
	if !present {
		return 0
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		v.vs = append(v.vs, arn.Violation{Member: member(param), Value: s, Constraint: "Member must be a number"})
	case n < minV:
		v.vs = append(v.vs, arn.Violation{Member: member(param), Value: s,
			Constraint: fmt.Sprintf("Member must have value greater than or equal to %d", minV)})
	case n > maxV:
		v.vs = append(v.vs, arn.Violation{Member: member(param), Value: s,
			Constraint: fmt.Sprintf("Member must have value less than or equal to %d", maxV)})
	}
	return n
}

func itoa(i int) string { return strconv.Itoa(i) }

func isWord(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
}

func isNameChar(r rune) bool       { return isWord(r) || strings.ContainsRune("+=,.@-", r) }
func isExternalIDChar(r rune) bool { return isWord(r) || strings.ContainsRune("+=,.@:/-", r) }
func isSerialChar(r rune) bool     { return isWord(r) || strings.ContainsRune("+=/:,.@-", r) }
func isDigit(r rune) bool          { return r >= '0' && r <= '9' }

func isTextChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0x7e || r == 0x85 ||
		r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
}

func isPolicyChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xff
}

func isTagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
}
