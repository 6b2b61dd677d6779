package policy

import (
	"strings"
	"unicode/utf8"
)

// A pattern is a policy string compiled once: literal runs, the wildcards
// * and ?, and policy variables resolved per request. Substituted values are
// literal tokens, so a value can never widen a pattern (§4.4).

type tokKind uint8

const (
	tokLit tokKind = iota
	tokStar
	tokQuest
	tokVar
)

type token struct {
	kind tokKind
	lit  string // tokLit: the text; tokVar: the default value
	key  string // tokVar: lower-cased context key
	name string // tokVar: the key as written
	// tokVar: whether a default was written (${key, 'default'}) and
	// whether the key is multivalued (never substituted).
	hasDefault, multi bool
}

type pattern struct {
	toks    []token
	literal bool // no wildcard or variable: lit is the whole pattern
	any     bool // exactly "*" with wildcards on
	vars    bool // holds at least one tokVar
	lit     string
}

// compilePattern compiles s. wild makes * and ? wildcards; vars makes
// ${...} a policy variable (Version 2012-10-17 only).
func compilePattern(s string, wild, vars bool) pattern {
	var p pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.toks = append(p.toks, token{kind: tokLit, lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case wild && (c == '*' || c == '?'):
			flush()
			k := tokStar
			if c == '?' {
				k = tokQuest
			}
			p.toks = append(p.toks, token{kind: k})
			i++
			continue
		case vars && c == '$' && strings.HasPrefix(s[i:], "${"):
			if t, n, ok := parseVariable(s[i:]); ok {
				if t.kind == tokLit {
					lit.WriteString(t.lit)
				} else {
					flush()
					p.toks = append(p.toks, t)
					p.vars = true
				}
				i += n
				continue
			}
		}
		lit.WriteByte(c)
		i++
	}
	flush()
	p.any = wild && s == "*"
	p.literal = true
	for _, t := range p.toks {
		if t.kind != tokLit {
			p.literal = false
		}
	}
	if p.literal {
		for _, t := range p.toks {
			p.lit += t.lit
		}
		p.toks = nil
	}
	return p
}

// parseVariable reads "${...}" at the start of s and returns its token and
// length. ${*}, ${?} and ${$} are the literal characters. A malformed
// variable is not a variable: the caller keeps the text literally.
func parseVariable(s string) (token, int, bool) {
	end, inQuote := -1, false
	for i := 2; i < len(s); i++ {
		if s[i] == '\'' {
			inQuote = !inQuote
		} else if s[i] == '}' && !inQuote {
			end = i
			break
		}
	}
	if end < 0 {
		return token{}, 0, false
	}
	body := strings.TrimSpace(s[2:end])
	switch body {
	case "*", "?", "$":
		return token{kind: tokLit, lit: body}, end + 1, true
	}
	key, def, hasDef := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, "'${} \t") {
		return token{}, 0, false
	}
	t := token{kind: tokVar, key: strings.ToLower(key), name: key}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return token{}, 0, false
		}
		t.lit, t.hasDefault = def[1:len(def)-1], true
	}
	t.multi = keyIsKnownMultivalued(t.key)
	return t, end + 1, true
}

// match reports whether s matches p. fold compares letters ASCII
// case-insensitively (actions). An unresolvable variable matches nothing.
func (p *pattern) match(ec *evalCtx, s string, fold bool) bool {
	switch {
	case p.any:
		return true
	case p.literal:
		if fold {
			return len(s) == len(p.lit) && asciiEqualFold(s, p.lit)
		}
		return s == p.lit
	case !p.vars:
		return matchTokens(p.toks, s, fold)
	}
	var buf [16]token
	toks := buf[:0]
	for _, t := range p.toks {
		if t.kind == tokVar {
			v, ok := ec.variable(&t)
			if !ok {
				return false
			}
			t = token{kind: tokLit, lit: v}
		}
		toks = append(toks, t)
	}
	return matchTokens(toks, s, fold)
}

// resolve returns p's text with variables substituted; it is for patterns
// compiled without wildcards.
func (p *pattern) resolve(ec *evalCtx) (string, bool) {
	if p.literal {
		return p.lit, true
	}
	var b strings.Builder
	for i := range p.toks {
		t := &p.toks[i]
		switch t.kind {
		case tokVar:
			v, ok := ec.variable(t)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		case tokStar:
			b.WriteByte('*')
		case tokQuest:
			b.WriteByte('?')
		default:
			b.WriteString(t.lit)
		}
	}
	return b.String(), true
}

// matchTokens is the linear wildcard matcher: on a mismatch it returns to
// the last * and lets it swallow one more character. Worst case is
// O(len(toks)·len(s)); there is no exponential backtracking.
func matchTokens(toks []token, s string, fold bool) bool {
	ti, si := 0, 0
	starT, starS := -1, 0
	for ti < len(toks) || si < len(s) {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tokStar:
				starT, starS = ti, si
				ti++
				continue
			case tokQuest:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si += n
					ti++
					continue
				}
			case tokLit:
				if hasPrefix(s[si:], t.lit, fold) {
					si += len(t.lit)
					ti++
					continue
				}
			}
		}
		if starT < 0 || starS >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		ti, si = starT+1, starS
	}
	return true
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return asciiEqualFold(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}

// asciiEqualFold compares equal-length strings ignoring ASCII case.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
