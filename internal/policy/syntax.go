package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// The syntax stage turns bytes into a rawDoc: the document's shape checked
// (every failure is "Syntax errors in policy."), its values still text.

const (
	version2008 = "2008-10-17"
	version2012 = "2012-10-17"
)

type rawDoc struct {
	version    string // "" when absent
	id         string
	hasID      bool
	statements []rawStatement
}

type rawStatement struct {
	start, end   int // byte offsets of the statement's { and one past its }
	sid          string
	hasSid       bool
	effect       string
	action       *rawList // nil when absent
	notAction    *rawList
	resource     *rawList
	notResource  *rawList
	principal    *rawPrincipal
	notPrincipal *rawPrincipal
	condition    []rawOperator
	hasCondition bool
}

// rawList is a string-or-array element. A Resource array may hold nulls,
// which AWS accepts and which never match.
type rawList struct {
	items []rawItem
}

type rawItem struct {
	s    string
	null bool
}

// rawPrincipal is "*" or an object of principal types.
type rawPrincipal struct {
	star    bool
	entries []rawPrincipalEntry
}

type rawPrincipalEntry struct {
	typ    string // AWS, Service, Federated, CanonicalUser
	values []string
}

type rawOperator struct {
	name string
	keys []rawCondKey
}

type rawCondKey struct {
	key    string
	values []rawLiteral
}

// rawLiteral keeps a condition value's JSON text: strings unquoted,
// booleans and numbers as written.
type rawLiteral struct {
	text string
	kind jsonKind // jsonString, jsonBool or jsonNumber
}

var errShape = errors.New("unexpected JSON shape")

func shapeErr(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), errShape)
}

// decodeDocument performs every syntax check. The error is the internal
// cause; the public message is always msgSyntax.
func decodeDocument(doc []byte) (*rawDoc, error) {
	if !utf8.Valid(doc) {
		return nil, shapeErr("document is not UTF-8")
	}
	top, err := decodeObject(doc, 0)
	if err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	d := &rawDoc{}
	var stmts *member
	for i := range top {
		m := &top[i]
		switch m.key {
		case "Version":
			v, ok := decodeString(m.val)
			if !ok || v != version2008 && v != version2012 {
				return nil, shapeErr("bad Version")
			}
			d.version = v
		case "Id":
			if d.id, d.hasID = decodeString(m.val); !d.hasID {
				return nil, shapeErr("Id is not a string")
			}
		case "Statement":
			stmts = m
		default:
			return nil, shapeErr("unknown top-level key %q", m.key)
		}
	}
	if stmts == nil {
		return nil, shapeErr("no Statement")
	}
	if d.statements, err = decodeStatements(*stmts); err != nil {
		return nil, err
	}
	return d, nil
}

func decodeStatements(m member) ([]rawStatement, error) {
	var elems []member
	switch kindOf(m.val) {
	case jsonObject:
		elems = []member{m}
	case jsonArray:
		var err error
		if elems, err = decodeArray(m.val, m.off); err != nil {
			return nil, fmt.Errorf("decode Statement: %w", err)
		}
	default:
		return nil, shapeErr("Statement is neither object nor array")
	}
	if len(elems) == 0 {
		return nil, shapeErr("empty Statement")
	}
	out := make([]rawStatement, len(elems))
	for i, e := range elems {
		if err := decodeStatement(e, &out[i]); err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
	}
	return out, nil
}

func decodeStatement(e member, s *rawStatement) error {
	if kindOf(e.val) != jsonObject {
		return shapeErr("statement is not an object")
	}
	ms, err := decodeObject(e.val, e.off)
	if err != nil {
		return err
	}
	s.start, s.end = e.off, e.off+len(e.val)
	hasEffect := false
	for _, m := range ms {
		if err := s.setField(m); err != nil {
			return err
		}
		hasEffect = hasEffect || m.key == "Effect"
	}
	switch {
	case !hasEffect:
		return shapeErr("no Effect")
	case s.action != nil && s.notAction != nil:
		return shapeErr("both Action and NotAction")
	case s.resource != nil && s.notResource != nil:
		return shapeErr("both Resource and NotResource")
	case s.principal != nil && s.notPrincipal != nil:
		return shapeErr("both Principal and NotPrincipal")
	}
	return nil
}

func (s *rawStatement) setField(m member) error {
	var err error
	var ok bool
	switch m.key {
	case "Sid":
		if s.sid, ok = decodeString(m.val); !ok {
			return shapeErr("Sid is not a string")
		}
		s.hasSid = true
	case "Effect":
		if s.effect, ok = decodeString(m.val); !ok || !equalFoldEffect(s.effect) {
			return shapeErr("bad Effect")
		}
	case "Action":
		s.action, err = decodeList(m.val, false)
	case "NotAction":
		s.notAction, err = decodeList(m.val, false)
	case "Resource":
		s.resource, err = decodeList(m.val, true)
	case "NotResource":
		s.notResource, err = decodeList(m.val, true)
	case "Principal":
		s.principal, err = decodePrincipal(m.val)
	case "NotPrincipal":
		s.notPrincipal, err = decodePrincipal(m.val)
	case "Condition":
		s.condition, err = decodeCondition(m.val)
		s.hasCondition = true
	default:
		return shapeErr("unknown statement key %q", m.key)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", m.key, err)
	}
	return nil
}

func equalFoldEffect(e string) bool {
	return len(e) == 5 && asciiEqualFold(e, "allow") || len(e) == 4 && asciiEqualFold(e, "deny")
}

// decodeList reads a string or an array of strings (and of nulls, when
// nullOK).
func decodeList(raw json.RawMessage, nullOK bool) (*rawList, error) {
	if s, ok := decodeString(raw); ok {
		return &rawList{items: []rawItem{{s: s}}}, nil
	}
	if kindOf(raw) != jsonArray {
		return nil, shapeErr("neither string nor array")
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("decode array: %w", err)
	}
	l := &rawList{items: make([]rawItem, 0, len(elems))}
	for _, e := range elems {
		if kindOf(e) == jsonNull && nullOK {
			l.items = append(l.items, rawItem{null: true})
			continue
		}
		s, ok := decodeString(e)
		if !ok {
			return nil, shapeErr("array element is not a string")
		}
		l.items = append(l.items, rawItem{s: s})
	}
	return l, nil
}

func decodePrincipal(raw json.RawMessage) (*rawPrincipal, error) {
	if s, ok := decodeString(raw); ok {
		if s != "*" {
			return nil, shapeErr("principal string other than *")
		}
		return &rawPrincipal{star: true}, nil
	}
	if kindOf(raw) != jsonObject {
		return nil, shapeErr("principal is neither * nor object")
	}
	ms, err := decodeObject(raw, 0)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, shapeErr("empty principal")
	}
	p := &rawPrincipal{}
	for _, m := range ms {
		switch m.key {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return nil, shapeErr("unknown principal type %q", m.key)
		}
		l, err := decodeList(m.val, false)
		if err != nil {
			return nil, err
		}
		if len(l.items) == 0 {
			return nil, shapeErr("empty principal list")
		}
		e := rawPrincipalEntry{typ: m.key}
		for _, it := range l.items {
			e.values = append(e.values, it.s)
		}
		p.entries = append(p.entries, e)
	}
	return p, nil
}

// decodeCondition reads the Condition block. An operator this engine does
// not know is a syntax error unless its body is empty, which AWS accepts.
func decodeCondition(raw json.RawMessage) ([]rawOperator, error) {
	if kindOf(raw) != jsonObject {
		return nil, shapeErr("Condition is not an object")
	}
	ops, err := decodeObject(raw, 0)
	if err != nil {
		return nil, err
	}
	out := make([]rawOperator, 0, len(ops))
	for _, op := range ops {
		if kindOf(op.val) != jsonObject {
			return nil, shapeErr("operator %q body is not an object", op.key)
		}
		keys, err := decodeObject(op.val, 0)
		if err != nil {
			return nil, err
		}
		ro := rawOperator{name: op.key}
		for _, k := range keys {
			vals, err := decodeCondValues(k.val)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", op.key, k.key, err)
			}
			ro.keys = append(ro.keys, rawCondKey{key: k.key, values: vals})
		}
		if _, ok := parseOperator(op.key); !ok && len(ro.keys) > 0 {
			return nil, shapeErr("unknown condition operator %q", op.key)
		}
		out = append(out, ro)
	}
	return out, nil
}

func decodeCondValues(raw json.RawMessage) ([]rawLiteral, error) {
	if kindOf(raw) != jsonArray {
		l, err := decodeLiteral(raw)
		return []rawLiteral{l}, err
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("decode values: %w", err)
	}
	out := make([]rawLiteral, 0, len(elems))
	for _, e := range elems {
		l, err := decodeLiteral(e)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func decodeLiteral(raw json.RawMessage) (rawLiteral, error) {
	switch k := kindOf(raw); k {
	case jsonString:
		s, _ := decodeString(raw)
		return rawLiteral{text: s, kind: k}, nil
	case jsonBool, jsonNumber:
		return rawLiteral{text: string(raw), kind: k}, nil
	}
	return rawLiteral{}, shapeErr("condition value is not a string, boolean or number")
}
