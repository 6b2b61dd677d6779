package policy

import "strings"

// arnPattern matches ARNs component by component (§4.2): both sides split
// on their first five colons; * and ? stay inside a component, except in the
// sixth (the resource), which keeps any further : and /.
type arnPattern struct {
	any   bool // the bare "*": matches everything
	never bool // fewer than six components: matches nothing
	comps [6]pattern
}

func compileARNPattern(s string, vars bool) arnPattern {
	if s == "*" {
		return arnPattern{any: true}
	}
	parts, ok := splitARNPattern(s, vars)
	if !ok {
		return arnPattern{never: true}
	}
	var p arnPattern
	for i, c := range parts {
		p.comps[i] = compilePattern(c, true, vars)
	}
	return p
}

// match reports whether the ARN split into parts (ok false when it has
// fewer than six components) matches p.
func (p *arnPattern) match(ec *evalCtx, parts *[6]string, ok bool) bool {
	if p.any {
		return true
	}
	if p.never || !ok {
		return false
	}
	for i := range parts {
		if !p.comps[i].match(ec, parts[i], false) {
			return false
		}
	}
	return true
}

// splitARN splits s on its first five colons without allocating.
func splitARN(s string) ([6]string, bool) {
	var parts [6]string
	for i := range 5 {
		j := strings.IndexByte(s, ':')
		if j < 0 {
			return parts, false
		}
		parts[i], s = s[:j], s[j+1:]
	}
	parts[5] = s
	return parts, true
}

// splitARNPattern is splitARN for a pattern: with variables on, a colon
// inside ${…} (as in ${aws:PrincipalAccount}) does not split.
func splitARNPattern(s string, vars bool) ([6]string, bool) {
	if !vars || !strings.Contains(s, "${") {
		return splitARN(s)
	}
	var parts [6]string
	n, start := 0, 0
	for i := 0; i < len(s) && n < 5; i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			if _, l, ok := parseVariable(s[i:]); ok {
				i += l - 1
			}
		case s[i] == ':':
			parts[n], start = s[start:i], i+1
			n++
		}
	}
	if n < 5 {
		return parts, false
	}
	parts[5] = s[start:]
	return parts, true
}
