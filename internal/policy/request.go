package policy

import "strings"

// Request is one authorisation question: may Principal perform Action on
// Resource? A call touching several resources asks once per resource; all
// must be allowed (§4.1).
type Request struct {
	Principal Principal
	// Action is service:Operation, e.g. lambda:InvokeFunction.
	Action string
	// Resource is the ARN as the caller addressed it, or "*".
	Resource string
	// Context holds the condition keys with their values (all strings, as
	// the simulator passes them: "true", an RFC 3339 time, epoch seconds,
	// a base64 binary). Key names are case-insensitive; store them
	// lower-cased, which lets Evaluate use the map without copying it. (A
	// map with other keys is lower-cased into a copy on the first lookup
	// that misses; spellings of one key that differ only in case are
	// merged then, and should not be relied on.)
	Context map[string][]string
}

// evalCtx is the per-evaluation view of a Request.
type evalCtx struct {
	req     *Request
	ctx     map[string][]string
	lowered bool      // ctx is known to have only lower-case keys
	res     [6]string // Resource split on its first five colons
	resOK   bool
}

func newEvalCtx(req *Request) evalCtx {
	ec := evalCtx{req: req, ctx: req.Context}
	ec.res, ec.resOK = splitARN(req.Resource)
	return ec
}

// lowerKeys returns m itself when its keys are already lower-case, and a
// lower-cased copy otherwise. Values of keys that differ only in case are
// merged.
func lowerKeys(m map[string][]string) map[string][]string {
	lower := true
	for k := range m {
		if !isLower(k) {
			lower = false
			break
		}
	}
	if lower {
		return m
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		l := strings.ToLower(k)
		out[l] = append(out[l], v...)
	}
	return out
}

func isLower(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			return false
		}
		if c >= 0x80 {
			return strings.ToLower(s) == s
		}
	}
	return true
}

// lookup returns the values of a lower-cased key; nil when absent. The
// first miss checks whether the caller's map has keys in other cases.
func (ec *evalCtx) lookup(key string) []string {
	v, ok := ec.ctx[key]
	if ok || ec.lowered {
		return v
	}
	ec.ctx, ec.lowered = lowerKeys(ec.ctx), true
	return ec.ctx[key]
}

// variable resolves a policy variable (§4.4): the key's value when it has
// exactly one and is not a multivalued key, else the default when one was
// written. ok is false when the variable cannot be resolved.
func (ec *evalCtx) variable(t *token) (string, bool) {
	if ec != nil && !t.multi {
		if vals := ec.lookup(t.key); len(vals) == 1 {
			return vals[0], true
		}
	}
	return t.lit, t.hasDefault
}
