package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// jsonKind is the type of a JSON value.
type jsonKind uint8

const (
	jsonInvalid jsonKind = iota
	jsonObject
	jsonArray
	jsonString
	jsonBool
	jsonNumber
	jsonNull
)

// jvalue is a decoded JSON value that remembers where it sits in the
// document, and the order of object members.
type jvalue struct {
	kind     jsonKind
	off, end int       // byte offsets of the value in the document
	text     string    // string: the value; number, bool: as written
	members  []jmember // object
	elems    []jvalue  // array
}

type jmember struct {
	key string
	val jvalue
}

var (
	errNotJSON      = errors.New("not valid JSON")
	errDuplicateKey = errors.New("duplicate object key")
)

// decodeJSON parses doc in one pass. encoding/json.Valid decides what is
// JSON, so this parser only builds the tree of input already known to be
// valid UTF-8 JSON. Objects that repeat a key are refused: encoding/json
// would keep the last value, and two readers of one document (a linter
// keeping the first, this engine the last) could disagree on its meaning.
func decodeJSON(doc []byte) (jvalue, error) {
	if !utf8.Valid(doc) || !json.Valid(doc) {
		return jvalue{}, errNotJSON
	}
	d := jdecoder{doc: doc}
	v, err := d.value()
	if err != nil {
		return jvalue{}, err
	}
	if d.skipSpace(); d.pos != len(doc) {
		return jvalue{}, errNotJSON
	}
	return v, nil
}

type jdecoder struct {
	doc []byte
	pos int
}

func (d *jdecoder) skipSpace() {
	for d.pos < len(d.doc) {
		switch d.doc[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *jdecoder) value() (jvalue, error) {
	d.skipSpace()
	if d.pos >= len(d.doc) {
		return jvalue{}, errNotJSON
	}
	start := d.pos
	var v jvalue
	var err error
	switch c := d.doc[d.pos]; {
	case c == '{':
		v, err = d.object()
	case c == '[':
		v, err = d.array()
	case c == '"':
		v.kind = jsonString
		v.text, err = d.str()
	case c == 't' || c == 'f' || c == 'n':
		v, err = d.literal()
	default:
		if v = d.number(); v.text == "" {
			err = errNotJSON
		}
	}
	v.off, v.end = start, d.pos
	return v, err
}

func (d *jdecoder) object() (jvalue, error) {
	v := jvalue{kind: jsonObject}
	d.pos++ // {
	d.skipSpace()
	if d.peek() == '}' {
		d.pos++
		return v, nil
	}
	seen := make(map[string]struct{})
	for {
		d.skipSpace()
		key, err := d.str()
		if err != nil {
			return v, err
		}
		if _, dup := seen[key]; dup {
			return v, fmt.Errorf("key %q: %w", key, errDuplicateKey)
		}
		seen[key] = struct{}{}
		d.skipSpace()
		if d.peek() != ':' {
			return v, errNotJSON
		}
		d.pos++
		val, err := d.value()
		if err != nil {
			return v, err
		}
		v.members = append(v.members, jmember{key: key, val: val})
		d.skipSpace()
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return v, nil
		default:
			return v, errNotJSON
		}
	}
}

func (d *jdecoder) array() (jvalue, error) {
	v := jvalue{kind: jsonArray}
	d.pos++ // [
	d.skipSpace()
	if d.peek() == ']' {
		d.pos++
		return v, nil
	}
	for {
		e, err := d.value()
		if err != nil {
			return v, err
		}
		v.elems = append(v.elems, e)
		d.skipSpace()
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return v, nil
		default:
			return v, errNotJSON
		}
	}
}

// str reads a string token. Strings without escapes are the bytes
// themselves; the rare escaped one is unquoted by encoding/json.
func (d *jdecoder) str() (string, error) {
	if d.peek() != '"' {
		return "", errNotJSON
	}
	start, escaped := d.pos, false
	for d.pos++; d.pos < len(d.doc); d.pos++ {
		switch d.doc[d.pos] {
		case '\\':
			escaped = true
			d.pos++
		case '"':
			d.pos++
			if !escaped {
				return string(d.doc[start+1 : d.pos-1]), nil
			}
			var s string
			if err := json.Unmarshal(d.doc[start:d.pos], &s); err != nil {
				return "", errNotJSON
			}
			return s, nil
		}
	}
	return "", errNotJSON
}

func (d *jdecoder) literal() (jvalue, error) {
	for _, lit := range [...]struct {
		text string
		kind jsonKind
	}{{"true", jsonBool}, {"false", jsonBool}, {"null", jsonNull}} {
		if len(d.doc)-d.pos >= len(lit.text) && string(d.doc[d.pos:d.pos+len(lit.text)]) == lit.text {
			d.pos += len(lit.text)
			return jvalue{kind: lit.kind, text: lit.text}, nil
		}
	}
	return jvalue{}, errNotJSON
}

func (d *jdecoder) number() jvalue {
	start := d.pos
	for d.pos < len(d.doc) {
		switch c := d.doc[d.pos]; {
		case '0' <= c && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
			d.pos++
		default:
			return jvalue{kind: jsonNumber, text: string(d.doc[start:d.pos])}
		}
	}
	return jvalue{kind: jsonNumber, text: string(d.doc[start:d.pos])}
}

func (d *jdecoder) peek() byte {
	if d.pos < len(d.doc) {
		return d.doc[d.pos]
	}
	return 0
}
