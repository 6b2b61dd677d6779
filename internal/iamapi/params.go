package iamapi

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/iam"
)

// member is the camelCase name AWS's validation messages give a
// parameter: UserName → userName.
func member(param string) string {
	r, n := utf8.DecodeRuneInString(param)
	return string(unicode.ToLower(r)) + param[n:]
}

func validation(vs arn.Violations) error {
	if len(vs) == 0 {
		return nil
	}
	return errkind.WithDetail(errkind.Validation, "ValidationError", vs.Message())
}

// required returns the values of the named parameters, or AWS's
// "Member must not be null" error for every one that is absent.
func (c *call) required(names ...string) ([]string, error) {
	out := make([]string, len(names))
	var vs arn.Violations
	for i, n := range names {
		v, ok := c.q.Lookup(n)
		if !ok {
			vs = append(vs, arn.Violation{Member: member(n), Null: true, Constraint: "Member must not be null"})
		}
		out[i] = v
	}
	return out, validation(vs)
}

// one is required for a single parameter.
func (c *call) one(name string) (string, error) {
	v, err := c.required(name)
	if err != nil {
		return "", err
	}
	return v[0], nil
}

// integer returns the named integer parameter, 0 if absent.
func (c *call) integer(name string) (int, error) {
	s, ok := c.q.Lookup(name)
	if !ok {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, validation(arn.Violations{{Member: member(name), Value: s, Constraint: "Member must be a number"}})
	}
	return n, nil
}

// boolean returns the named boolean parameter, false if absent.
func (c *call) boolean(name string) (bool, error) {
	s, ok := c.q.Lookup(name)
	if !ok {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, validation(arn.Violations{{Member: member(name), Value: s, Constraint: "Member must be a boolean"}})
	}
	return b, nil
}

// listOptions reads PathPrefix, Marker and MaxItems.
func (c *call) listOptions() (iam.ListOptions, error) {
	n, err := c.integer("MaxItems")
	if err != nil {
		return iam.ListOptions{}, err
	}
	if _, ok := c.q.Lookup("MaxItems"); ok && n == 0 {
		return iam.ListOptions{}, validation(arn.Violations{{Member: "maxItems", Value: "0",
			Constraint: "Member must have value greater than or equal to 1"}})
	}
	return iam.ListOptions{PathPrefix: c.q.Get("PathPrefix"), Marker: c.q.Get("Marker"), MaxItems: n}, nil
}

// tags reads Tags.member.N.Key/Value.
func (c *call) tags() []iam.Tag {
	ms := c.q.Members("Tags")
	if len(ms) == 0 {
		return nil
	}
	out := make([]iam.Tag, len(ms))
	for i, m := range ms {
		out[i] = iam.Tag{Key: m.Get("Key"), Value: m.Get("Value")}
	}
	return out
}
