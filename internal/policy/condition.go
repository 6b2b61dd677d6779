package policy

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// condition is one key under one operator, compiled.
type condition struct {
	op     operator
	key    string // lower-cased
	multi  bool   // the key may carry several values (ArrayOf… or unknown)
	values []condValue
}

// condValue is one policy value, parsed for its operator's family.
type condValue struct {
	pat    pattern    // String (wildcards only for Like), Bool with variables
	arn    arnPattern // ARN family
	num    number
	date   instant
	prefix netip.Prefix
	bin    []byte
	b      bool // Bool and Null
}

var errValue = errors.New("condition value does not parse")

// compileConditions compiles a statement's Condition block. Operators
// with an empty body, known or not, add nothing.
func compileConditions(ops []rawOperator, vars bool) ([]condition, error) {
	var out []condition
	for _, ro := range ops {
		if len(ro.keys) == 0 {
			continue
		}
		op, ok := parseOperator(ro.name)
		if !ok {
			return nil, fmt.Errorf("operator %q: %w", ro.name, errValue)
		}
		for _, k := range ro.keys {
			c := condition{op: op, key: strings.ToLower(k.key)}
			c.multi = keyIsMultivalued(c.key)
			for _, lit := range k.values {
				v, err := compileValue(op, lit, vars)
				if err != nil {
					return nil, fmt.Errorf("%s %s %q: %w", ro.name, k.key, lit.text, err)
				}
				c.values = append(c.values, v)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func compileValue(op operator, lit rawLiteral, vars bool) (condValue, error) {
	var v condValue
	ok := true
	switch op.fam {
	case famString:
		// Only the Like forms have wildcards (§4.3).
		v.pat = compilePattern(lit.text, op.cmp == cmpLike, vars)
	case famARN:
		v.arn = compileARNPattern(lit.text, vars)
	case famNumeric:
		v.num, ok = parseNumber(lit.text)
	case famDate:
		v.date, ok = parseDate(lit.text)
	case famBool:
		v.pat = compilePattern(lit.text, false, vars)
		if v.pat.literal {
			v.b, ok = parseBool(lit.text)
		}
	case famNull:
		v.b, ok = parseBool(lit.text)
	case famBinary:
		var err error
		v.bin, err = base64.StdEncoding.DecodeString(lit.text)
		ok = err == nil
	case famIP:
		v.prefix, ok = parseCIDR(lit.text)
	}
	if !ok {
		return condValue{}, errValue
	}
	return v, nil
}

func parseBool(s string) (bool, bool) {
	switch {
	case asciiEqualFold(s, "true"):
		return true, true
	case asciiEqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// parseCIDR reads a CIDR block or a bare address (a /32 or /128).
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval evaluates the condition against the request (§4.3).
func (c *condition) eval(ec *evalCtx) bool {
	vals := ec.lookup(c.key)
	if c.op.fam == famNull {
		for i := range c.values {
			if c.values[i].b == (len(vals) == 0) {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.op.ifExists:
			return true
		case c.op.set == setAllValues:
			return true
		case c.op.set == setAnyValue:
			return false
		}
		return c.op.negated
	}
	switch c.op.set {
	case setAnyValue:
		for _, v := range vals {
			if c.test(ec, v) {
				return true
			}
		}
		return false
	case setAllValues:
		for _, v := range vals {
			if !c.test(ec, v) {
				return false
			}
		}
		return true
	}
	if len(vals) != 1 {
		// A plain operator on a multivalued key matches only a single
		// value [§4.3, OPEN]. Several values for a single-valued key are
		// a request value that does not parse: negated operators match.
		return !c.multi && c.op.negated
	}
	return c.test(ec, vals[0])
}

// test applies the base operator to one request value: positive operators
// need some policy value to match, negated ones need none to (NOR). A
// request value that does not parse matches only negated operators.
func (c *condition) test(ec *evalCtx, v string) bool {
	matched, parsed := c.matchAny(ec, v)
	if c.op.negated {
		return !parsed || !matched
	}
	return parsed && matched
}

// matchAny reports whether request value v matches any policy value, and
// whether v parsed as the family's type.
func (c *condition) matchAny(ec *evalCtx, v string) (matched, parsed bool) {
	switch c.op.fam {
	case famString:
		return c.matchString(ec, v), true
	case famARN:
		parts, ok := splitARN(v)
		for i := range c.values {
			if c.values[i].arn.match(ec, &parts, ok) {
				return true, true
			}
		}
		return false, true
	case famNumeric:
		n, ok := parseNumber(v)
		if !ok {
			return false, false
		}
		for i := range c.values {
			if c.op.cmp.holds(n.compare(c.values[i].num)) {
				return true, true
			}
		}
		return false, true
	case famDate:
		d, ok := parseDate(v)
		if !ok {
			return false, false
		}
		for i := range c.values {
			if c.op.cmp.holds(d.compare(c.values[i].date)) {
				return true, true
			}
		}
		return false, true
	}
	return c.matchOther(ec, v)
}

func (c *condition) matchString(ec *evalCtx, v string) bool {
	for i := range c.values {
		p := &c.values[i].pat
		switch c.op.cmp {
		case cmpEqualFold:
			if s, ok := p.resolve(ec); ok && strings.EqualFold(s, v) {
				return true
			}
		default:
			if p.match(ec, v, false) {
				return true
			}
		}
	}
	return false
}

func (c *condition) matchOther(ec *evalCtx, v string) (matched, parsed bool) {
	switch c.op.fam {
	case famBool:
		b, ok := parseBool(v)
		if !ok {
			return false, false
		}
		for i := range c.values {
			pv := &c.values[i]
			want := pv.b
			if !pv.pat.literal {
				s, ok := pv.pat.resolve(ec)
				if want, ok = parseBoolIf(s, ok); !ok {
					continue
				}
			}
			if b == want {
				return true, true
			}
		}
		return false, true
	case famBinary:
		raw, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return false, false
		}
		for i := range c.values {
			if bytes.Equal(raw, c.values[i].bin) {
				return true, true
			}
		}
		return false, true
	case famIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false, false
		}
		a = a.Unmap().WithZone("")
		for i := range c.values {
			if c.values[i].prefix.Contains(a) {
				return true, true
			}
		}
		return false, true
	}
	return false, false
}

func parseBoolIf(s string, ok bool) (bool, bool) {
	if !ok {
		return false, false
	}
	return parseBool(s)
}
