package iam

import (
	"fmt"
	"strings"
	"unicode"

	"lambent/internal/arn"
)

// namePattern is the model pattern of user, role, group and policy names.
const namePattern = `[\w+=,.@-]+`

// Name length limits (iam.md §1).
const (
	maxUserName   = 64
	maxRoleName   = 64
	maxGroupName  = 128
	maxPolicyName = 128
	maxPath       = 512
	maxDesc       = 1000
)

func nameChar(r rune) bool {
	return r < unicode.MaxASCII && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		strings.ContainsRune("_+=,.@-", r))
}

// checkName validates a name at member against length 1–maxLen and
// namePattern.
func checkName(member, name string, maxLen int) error {
	vs := arn.LengthViolations(member, name, 1, maxLen)
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return !nameChar(r) }) >= 0 {
		vs = append(vs, arn.PatternViolation(member, name, namePattern))
	}
	return violations(vs)
}

// checkPath validates an IAM path and returns it, "" meaning "/".
func checkPath(path string) (string, error) {
	if path == "" {
		return "/", nil
	}
	if err := violations(arn.LengthViolations("path", path, 1, maxPath)); err != nil {
		return "", err
	}
	ok := path == "/" || len(path) >= 2 && path[0] == '/' && path[len(path)-1] == '/' && !strings.Contains(path, "//")
	for i := 0; ok && i < len(path); i++ {
		ok = path[i] >= 0x21 && path[i] <= 0x7e
	}
	if !ok {
		return "", validationError("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.")
	}
	return path, nil
}

// checkDescription validates a role or policy description.
func checkDescription(d string) error {
	return violations(arn.LengthViolations("description", d, 0, maxDesc))
}

// Tag limits.
const (
	maxTags         = 50
	maxTagKey       = 128
	maxTagValue     = 256
	tagKeyPattern   = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePattern = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
)

func tagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
}

// checkTags validates tags as given to a create or tag call.
func checkTags(tags []Tag) error {
	if len(tags) > maxTags {
		return violations(arn.Violations{{Member: "tags", Redacted: true,
			Constraint: fmt.Sprintf("Member must have length less than or equal to %d", maxTags)}})
	}
	var vs arn.Violations
	seen := map[string]bool{}
	for i, t := range tags {
		km := fmt.Sprintf("tags.%d.member.key", i+1)
		vm := fmt.Sprintf("tags.%d.member.value", i+1)
		vs = append(vs, arn.LengthViolations(km, t.Key, 1, maxTagKey)...)
		if t.Key != "" && strings.IndexFunc(t.Key, func(r rune) bool { return !tagChar(r) }) >= 0 {
			vs = append(vs, arn.PatternViolation(km, t.Key, tagKeyPattern))
		}
		vs = append(vs, arn.LengthViolations(vm, t.Value, 0, maxTagValue)...)
		if strings.IndexFunc(t.Value, func(r rune) bool { return !tagChar(r) }) >= 0 {
			vs = append(vs, arn.PatternViolation(vm, t.Value, tagValuePattern))
		}
		seen[strings.ToLower(t.Key)] = true
	}
	if err := violations(vs); err != nil {
		return err
	}
	if len(seen) != len(tags) {
		return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	}
	return nil
}

// mergeTags applies add to tags, replacing keys that match
// case-insensitively, and enforces the per-entity quota.
func mergeTags(tags, add []Tag, quota string) ([]Tag, error) {
	out := append([]Tag(nil), tags...)
	for _, t := range add {
		i := indexTag(out, t.Key)
		if i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, limitExceeded("Cannot exceed quota for %s: %d", quota, maxTags)
	}
	return out, nil
}

// removeTags drops the tags whose keys match keys case-insensitively.
func removeTags(tags []Tag, keys []string) []Tag {
	out := tags[:0:0]
	for _, t := range tags {
		drop := false
		for _, k := range keys {
			drop = drop || strings.EqualFold(k, t.Key)
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}

func indexTag(tags []Tag, k string) int {
	for i, t := range tags {
		if strings.EqualFold(t.Key, k) {
			return i
		}
	}
	return -1
}

// checkTagKeys validates the keys of an untag call.
func checkTagKeys(keys []string) error {
	var vs arn.Violations
	for i, k := range keys {
		vs = append(vs, arn.LengthViolations(fmt.Sprintf("tagKeys.%d.member", i+1), k, 1, maxTagKey)...)
	}
	return violations(vs)
}

// policySize counts a document's characters as IAM's quotas do: without
// whitespace.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
