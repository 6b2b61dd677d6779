package policy

import (
	"bytes"
	"encoding/json"
)

// MarshalJSON writes the policy as a normalised document: the same
// elements and values in a fixed key order, every list as an array.
// Parsing the result as the same Kind yields a policy that decides every
// request the same way. Stored documents keep their original bytes
// (§6.2); this form is for logs, tests and generated policies.
func (p *Policy) MarshalJSON() ([]byte, error) {
	var w objWriter
	w.open()
	if p.doc.version != "" {
		w.key("Version")
		w.str(p.doc.version)
	}
	if p.doc.hasID {
		w.key("Id")
		w.str(p.doc.id)
	}
	w.key("Statement")
	w.b.WriteByte('[')
	for i := range p.doc.statements {
		if i > 0 {
			w.b.WriteByte(',')
		}
		writeStatement(&w, &p.doc.statements[i])
	}
	w.b.WriteByte(']')
	w.close()
	return w.b.Bytes(), nil
}

func writeStatement(w *objWriter, s *rawStatement) {
	w.open()
	if s.hasSid {
		w.key("Sid")
		w.str(s.sid)
	}
	w.key("Effect")
	w.str(s.effect)
	writePrincipal(w, "Principal", s.principal)
	writePrincipal(w, "NotPrincipal", s.notPrincipal)
	writeList(w, "Action", s.action)
	writeList(w, "NotAction", s.notAction)
	writeList(w, "Resource", s.resource)
	writeList(w, "NotResource", s.notResource)
	if s.hasCondition {
		w.key("Condition")
		w.open()
		for _, op := range s.condition {
			w.key(op.name)
			w.open()
			for _, k := range op.keys {
				w.key(k.key)
				w.b.WriteByte('[')
				for i, v := range k.values {
					if i > 0 {
						w.b.WriteByte(',')
					}
					if v.kind == jsonString {
						w.str(v.text)
					} else {
						w.b.WriteString(v.text)
					}
				}
				w.b.WriteByte(']')
			}
			w.close()
		}
		w.close()
	}
	w.close()
}

func writeList(w *objWriter, name string, l *rawList) {
	if l == nil {
		return
	}
	w.key(name)
	writeItems(w, l.items)
}

func writeItems(w *objWriter, items []rawItem) {
	w.b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			w.b.WriteByte(',')
		}
		if it.null {
			w.b.WriteString("null")
		} else {
			w.str(it.s)
		}
	}
	w.b.WriteByte(']')
}

func writePrincipal(w *objWriter, name string, p *rawPrincipal) {
	if p == nil {
		return
	}
	w.key(name)
	if p.star {
		w.str("*")
		return
	}
	w.open()
	for _, e := range p.entries {
		w.key(e.typ)
		writeItems(w, itemsOf(e.values))
	}
	w.close()
}

func itemsOf(vals []string) []rawItem {
	out := make([]rawItem, len(vals))
	for i, v := range vals {
		out[i] = rawItem{s: v}
	}
	return out
}

// objWriter writes JSON objects, tracking where a comma is due.
type objWriter struct {
	b     bytes.Buffer
	first []bool // per open object: no member written yet
}

func (w *objWriter) open() {
	w.b.WriteByte('{')
	w.first = append(w.first, true)
}

func (w *objWriter) close() {
	w.b.WriteByte('}')
	w.first = w.first[:len(w.first)-1]
}

// key writes a member name.
func (w *objWriter) key(k string) {
	top := len(w.first) - 1
	if !w.first[top] {
		w.b.WriteByte(',')
	}
	w.first[top] = false
	w.str(k)
	w.b.WriteByte(':')
}

func (w *objWriter) str(s string) {
	q, _ := json.Marshal(s)
	w.b.Write(q)
}
