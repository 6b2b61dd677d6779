package policy

import "strings"

// family is a condition operator family (§4.3).
type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// comparison is what an operator checks between a request value and a
// policy value.
type comparison uint8

const (
	cmpEqual comparison = iota
	cmpEqualFold
	cmpLike
	cmpLess
	cmpLessEqual
	cmpGreater
	cmpGreaterEqual
)

type setOp uint8

const (
	setNone setOp = iota
	setAnyValue
	setAllValues
)

// operator is a parsed operator name such as
// "ForAllValues:StringNotLikeIfExists".
type operator struct {
	fam      family
	cmp      comparison
	negated  bool // combines policy values by NOR (§4.3)
	set      setOp
	ifExists bool
}

// parseOperator parses an operator name. Names are case-sensitive, as in
// IAM. Null has neither an IfExists form nor set forms.
func parseOperator(name string) (operator, bool) {
	var op operator
	if rest, ok := strings.CutPrefix(name, "ForAnyValue:"); ok {
		name, op.set = rest, setAnyValue
	} else if rest, ok := strings.CutPrefix(name, "ForAllValues:"); ok {
		name, op.set = rest, setAllValues
	}
	if rest, ok := strings.CutSuffix(name, "IfExists"); ok {
		name, op.ifExists = rest, true
	}
	base, ok := baseOperator(name)
	if !ok || base.fam == famNull && (op.ifExists || op.set != setNone) {
		return operator{}, false
	}
	base.set, base.ifExists = op.set, op.ifExists
	return base, true
}

func baseOperator(name string) (operator, bool) {
	type o = operator
	switch name {
	case "StringEquals":
		return o{fam: famString, cmp: cmpEqual}, true
	case "StringNotEquals":
		return o{fam: famString, cmp: cmpEqual, negated: true}, true
	case "StringEqualsIgnoreCase":
		return o{fam: famString, cmp: cmpEqualFold}, true
	case "StringNotEqualsIgnoreCase":
		return o{fam: famString, cmp: cmpEqualFold, negated: true}, true
	case "StringLike":
		return o{fam: famString, cmp: cmpLike}, true
	case "StringNotLike":
		return o{fam: famString, cmp: cmpLike, negated: true}, true
	case "NumericEquals":
		return o{fam: famNumeric, cmp: cmpEqual}, true
	case "NumericNotEquals":
		return o{fam: famNumeric, cmp: cmpEqual, negated: true}, true
	case "NumericLessThan":
		return o{fam: famNumeric, cmp: cmpLess}, true
	case "NumericLessThanEquals":
		return o{fam: famNumeric, cmp: cmpLessEqual}, true
	case "NumericGreaterThan":
		return o{fam: famNumeric, cmp: cmpGreater}, true
	case "NumericGreaterThanEquals":
		return o{fam: famNumeric, cmp: cmpGreaterEqual}, true
	case "DateEquals":
		return o{fam: famDate, cmp: cmpEqual}, true
	case "DateNotEquals":
		return o{fam: famDate, cmp: cmpEqual, negated: true}, true
	case "DateLessThan":
		return o{fam: famDate, cmp: cmpLess}, true
	case "DateLessThanEquals":
		return o{fam: famDate, cmp: cmpLessEqual}, true
	case "DateGreaterThan":
		return o{fam: famDate, cmp: cmpGreater}, true
	case "DateGreaterThanEquals":
		return o{fam: famDate, cmp: cmpGreaterEqual}, true
	case "Bool":
		return o{fam: famBool, cmp: cmpEqual}, true
	case "BinaryEquals":
		return o{fam: famBinary, cmp: cmpEqual}, true
	case "IpAddress":
		return o{fam: famIP, cmp: cmpEqual}, true
	case "NotIpAddress":
		return o{fam: famIP, cmp: cmpEqual, negated: true}, true
	case "ArnEquals", "ArnLike":
		return o{fam: famARN, cmp: cmpLike}, true
	case "ArnNotEquals", "ArnNotLike":
		return o{fam: famARN, cmp: cmpLike, negated: true}, true
	case "Null":
		return o{fam: famNull, cmp: cmpEqual}, true
	}
	return operator{}, false
}

// holds reports whether c, the sign of request value minus policy value,
// satisfies the comparison.
func (c comparison) holds(sign int) bool {
	switch c {
	case cmpLess:
		return sign < 0
	case cmpLessEqual:
		return sign <= 0
	case cmpGreater:
		return sign > 0
	case cmpGreaterEqual:
		return sign >= 0
	}
	return sign == 0
}
