package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// member is one key of a JSON object, in document order, with the byte
// offset of its value in the whole document.
type member struct {
	key string
	val json.RawMessage
	off int
}

// errDuplicateKey rejects objects that repeat a key. encoding/json would
// silently keep the last value, so two readers of the same bytes (a linter
// that keeps the first, this engine that keeps the last) could disagree on
// what a policy says.
var errDuplicateKey = errors.New("duplicate object key")

// decodeObject splits raw, which starts at offset base of the document,
// into its members. It fails unless raw is exactly one JSON object.
func decodeObject(raw json.RawMessage, base int) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var ms []member
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read key: %w", err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("key %q: %w", key, errDuplicateKey)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read value of %q: %w", key, err)
		}
		end := int(dec.InputOffset())
		ms = append(ms, member{key: key, val: v, off: base + end - len(v)})
	}
	return ms, expectEnd(dec, '}')
}

// decodeArray splits raw, which starts at offset base, into its elements,
// each with its offset in the document.
func decodeArray(raw json.RawMessage, base int) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := expectDelim(dec, '['); err != nil {
		return nil, err
	}
	var es []member
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read element: %w", err)
		}
		end := int(dec.InputOffset())
		es = append(es, member{val: v, off: base + end - len(v)})
	}
	return es, expectEnd(dec, ']')
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("read %c: %w", d, err)
	}
	if tok != d {
		return fmt.Errorf("want %c, got %v", d, tok)
	}
	return nil
}

// expectEnd consumes the closing delimiter and checks nothing follows.
func expectEnd(dec *json.Decoder, d json.Delim) error {
	if err := expectDelim(dec, d); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("trailing data after %c", d)
	}
	return nil
}

// jsonKind is the type of a raw JSON value, told by its first byte.
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

func kindOf(raw json.RawMessage) jsonKind {
	if len(raw) == 0 {
		return jsonInvalid
	}
	switch c := raw[0]; {
	case c == '{':
		return jsonObject
	case c == '[':
		return jsonArray
	case c == '"':
		return jsonString
	case c == 't' || c == 'f':
		return jsonBool
	case c == 'n':
		return jsonNull
	case c == '-' || '0' <= c && c <= '9':
		return jsonNumber
	}
	return jsonInvalid
}

// decodeString returns the string raw holds, or false if raw is no string.
func decodeString(raw json.RawMessage) (string, bool) {
	if kindOf(raw) != jsonString {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}
