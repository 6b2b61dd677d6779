package policy

import (
	"errors"
	"fmt"
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
	top, err := decodeJSON(doc)
	if err != nil {
		return nil, fmt.Errorf("decode document: %w", err)
	}
	if top.kind != jsonObject {
		return nil, shapeErr("document is not an object")
	}
	d := &rawDoc{}
	var stmts *jvalue
	for i := range top.members {
		m := &top.members[i]
		switch m.key {
		case "Version":
			if m.val.kind != jsonString || m.val.text != version2008 && m.val.text != version2012 {
				return nil, shapeErr("bad Version")
			}
			d.version = m.val.text
		case "Id":
			if m.val.kind != jsonString {
				return nil, shapeErr("Id is not a string")
			}
			d.id, d.hasID = m.val.text, true
		case "Statement":
			stmts = &m.val
		default:
			return nil, shapeErr("unknown top-level key %q", m.key)
		}
	}
	if stmts == nil {
		return nil, shapeErr("no Statement")
	}
	if d.statements, err = decodeStatements(stmts); err != nil {
		return nil, err
	}
	return d, nil
}

func decodeStatements(v *jvalue) ([]rawStatement, error) {
	elems := v.elems
	switch v.kind {
	case jsonObject:
		elems = []jvalue{*v}
	case jsonArray:
	default:
		return nil, shapeErr("Statement is neither object nor array")
	}
	if len(elems) == 0 {
		return nil, shapeErr("empty Statement")
	}
	out := make([]rawStatement, len(elems))
	for i := range elems {
		if err := decodeStatement(&elems[i], &out[i]); err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
	}
	return out, nil
}

func decodeStatement(v *jvalue, s *rawStatement) error {
	if v.kind != jsonObject {
		return shapeErr("statement is not an object")
	}
	s.start, s.end = v.off, v.end
	hasEffect := false
	for i := range v.members {
		m := &v.members[i]
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

func (s *rawStatement) setField(m *jmember) error {
	var err error
	v := &m.val
	switch m.key {
	case "Sid":
		if v.kind != jsonString {
			return shapeErr("Sid is not a string")
		}
		s.sid, s.hasSid = v.text, true
	case "Effect":
		if v.kind != jsonString || !equalFoldEffect(v.text) {
			return shapeErr("bad Effect")
		}
		s.effect = v.text
	case "Action":
		s.action, err = decodeList(v, false)
	case "NotAction":
		s.notAction, err = decodeList(v, false)
	case "Resource":
		s.resource, err = decodeList(v, true)
	case "NotResource":
		s.notResource, err = decodeList(v, true)
	case "Principal":
		s.principal, err = decodePrincipal(v)
	case "NotPrincipal":
		s.notPrincipal, err = decodePrincipal(v)
	case "Condition":
		s.condition, err = decodeCondition(v)
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
	return asciiEqualFold(e, "allow") || asciiEqualFold(e, "deny")
}

// decodeList reads a string or an array of strings (and of nulls, when
// nullOK).
func decodeList(v *jvalue, nullOK bool) (*rawList, error) {
	switch v.kind {
	case jsonString:
		return &rawList{items: []rawItem{{s: v.text}}}, nil
	case jsonArray:
	default:
		return nil, shapeErr("neither string nor array")
	}
	l := &rawList{items: make([]rawItem, 0, len(v.elems))}
	for _, e := range v.elems {
		switch {
		case e.kind == jsonString:
			l.items = append(l.items, rawItem{s: e.text})
		case e.kind == jsonNull && nullOK:
			l.items = append(l.items, rawItem{null: true})
		default:
			return nil, shapeErr("array element is not a string")
		}
	}
	return l, nil
}

func decodePrincipal(v *jvalue) (*rawPrincipal, error) {
	switch {
	case v.kind == jsonString && v.text == "*":
		return &rawPrincipal{star: true}, nil
	case v.kind != jsonObject:
		return nil, shapeErr("principal is neither * nor object")
	case len(v.members) == 0:
		return nil, shapeErr("empty principal")
	}
	p := &rawPrincipal{}
	for i := range v.members {
		m := &v.members[i]
		switch m.key {
		case "AWS", "Service", "Federated", "CanonicalUser":
		default:
			return nil, shapeErr("unknown principal type %q", m.key)
		}
		l, err := decodeList(&m.val, false)
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
func decodeCondition(v *jvalue) ([]rawOperator, error) {
	if v.kind != jsonObject {
		return nil, shapeErr("Condition is not an object")
	}
	out := make([]rawOperator, 0, len(v.members))
	for i := range v.members {
		op := &v.members[i]
		if op.val.kind != jsonObject {
			return nil, shapeErr("operator %q body is not an object", op.key)
		}
		ro := rawOperator{name: op.key}
		for j := range op.val.members {
			k := &op.val.members[j]
			vals, err := decodeCondValues(&k.val)
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

func decodeCondValues(v *jvalue) ([]rawLiteral, error) {
	if v.kind != jsonArray {
		l, err := decodeLiteral(v)
		return []rawLiteral{l}, err
	}
	out := make([]rawLiteral, 0, len(v.elems))
	for i := range v.elems {
		l, err := decodeLiteral(&v.elems[i])
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func decodeLiteral(v *jvalue) (rawLiteral, error) {
	switch v.kind {
	case jsonString, jsonBool, jsonNumber:
		return rawLiteral{text: v.text, kind: v.kind}, nil
	}
	return rawLiteral{}, shapeErr("condition value is not a string, boolean or number")
}
