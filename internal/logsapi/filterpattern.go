package logsapi

import (
	"errors"
	"regexp"
	"strings"
)

// maxFilterPatternLen is the model's limit on filterPattern.
const maxFilterPatternLen = 1024

// errPatternSyntax is the parser's failure; the handler answers
// errInvalidPattern.
var errPatternSyntax = errors.New("invalid filter pattern")

// filterPattern is a compiled CloudWatch text filter pattern. Terms match
// case-sensitively anywhere in the message. An event matches when it holds
// every plain term, at least one ?term (if there are any) and no -term.
type filterPattern struct {
	all, any, none []term
}

// term is a literal or, written %…%, a regular expression.
type term struct {
	text string
	re   *regexp.Regexp
}

func (t term) in(msg string) bool {
	if t.re != nil {
		return t.re.MatchString(msg)
	}
	return strings.Contains(msg, t.text)
}

// parseFilterPattern compiles a text pattern: space-separated terms, each
// bare (ERROR), quoted ("connection reset", with \" and \\ escapes) or a
// regular expression (%5\d\d%), optionally prefixed by ? (any of) or
// - (must not occur). An empty pattern matches everything and returns nil.
// JSON ({ $.x = 1 }) and space-delimited ([a, b]) patterns are not
// supported and fail like a syntax error.
func parseFilterPattern(s string) (*filterPattern, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if s[0] == '{' || s[0] == '[' {
		return nil, errPatternSyntax
	}
	p := &filterPattern{}
	for s = trimSpaceLeft(s); s != ""; s = trimSpaceLeft(s) {
		var mod byte
		if s[0] == '?' || s[0] == '-' {
			mod, s = s[0], s[1:]
		}
		t, rest, err := parseTerm(s)
		if err != nil {
			return nil, err
		}
		s = rest
		switch mod {
		case '?':
			p.any = append(p.any, t)
		case '-':
			p.none = append(p.none, t)
		default:
			p.all = append(p.all, t)
		}
	}
	return p, nil
}

// parseTerm reads one term from the start of s and returns the rest.
func parseTerm(s string) (term, string, error) {
	if s == "" || isSpace(s[0]) {
		return term{}, "", errPatternSyntax // a lone ? or -
	}
	switch s[0] {
	case '"':
		return parseQuoted(s[1:])
	case '%':
		end := strings.IndexByte(s[1:], '%')
		if end <= 0 || !endsTerm(s[end+2:]) {
			return term{}, "", errPatternSyntax
		}
		re, err := regexp.Compile(s[1 : end+1])
		if err != nil {
			return term{}, "", errPatternSyntax
		}
		return term{re: re}, s[end+2:], nil
	}
	end := strings.IndexFunc(s, func(r rune) bool { return r < 0x80 && isSpace(byte(r)) })
	if end < 0 {
		end = len(s)
	}
	if strings.IndexByte(s[:end], '"') >= 0 {
		return term{}, "", errPatternSyntax
	}
	return term{text: s[:end]}, s[end:], nil
}

// parseQuoted reads a quoted term whose opening quote is already consumed.
func parseQuoted(s string) (term, string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			if b.Len() == 0 || !endsTerm(s[i+1:]) {
				return term{}, "", errPatternSyntax
			}
			return term{text: b.String()}, s[i+1:], nil
		case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
			b.WriteByte(s[i+1])
			i++
		default:
			b.WriteByte(c)
		}
	}
	return term{}, "", errPatternSyntax // unterminated
}

// endsTerm reports whether rest may follow a closed term.
func endsTerm(rest string) bool { return rest == "" || isSpace(rest[0]) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSpaceLeft(s string) string {
	for s != "" && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// match reports whether msg passes the pattern; a nil pattern passes all.
func (p *filterPattern) match(msg string) bool {
	if p == nil {
		return true
	}
	for _, t := range p.all {
		if !t.in(msg) {
			return false
		}
	}
	for _, t := range p.none {
		if t.in(msg) {
			return false
		}
	}
	if len(p.any) == 0 {
		return true
	}
	for _, t := range p.any {
		if t.in(msg) {
			return true
		}
	}
	return false
}
