package awsquery

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"lambent/internal/errkind"
)

// Request is a decoded Query request.
type Request struct {
	Action  string
	Version string
	Params  Params
}

// Decode reads the Query parameters of r: the form body of a POST (body is
// what the gateway already read) merged with the URL query, or the URL
// query alone. A body parameter wins over a URL parameter of the same name.
func Decode(r *http.Request, body []byte) (*Request, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, malformed(err)
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, malformed(err)
		}
		for k, v := range form {
			vals[k] = v
		}
	}
	p := Params{vals: vals}
	req := &Request{Action: p.Get("Action"), Version: p.Get("Version"), Params: p}
	if req.Action == "" {
		return nil, errkind.WithDetail(errkind.InvalidArgument, "MissingAction", "Missing Action")
	}
	return req, nil
}

func malformed(err error) error {
	return &errkind.Error{Kind: errkind.InvalidContent, Detail: "MalformedQueryString",
		Public: "The request's query string or form body is not well formed.", Err: err}
}

// Params is a view of the request parameters under a prefix: the whole
// request, or one member of a list of structures.
type Params struct {
	vals   url.Values
	prefix string
}

// NewParams returns a view of vals, for tests and callers that parsed the
// parameters themselves.
func NewParams(vals url.Values) Params { return Params{vals: vals} }

// Get returns the value of the named parameter, "" if absent.
func (p Params) Get(name string) string {
	if v := p.vals[p.prefix+name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Lookup returns the value of the named parameter and whether it was
// present at all.
func (p Params) Lookup(name string) (string, bool) {
	v, ok := p.vals[p.prefix+name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// Has reports whether the named parameter or any parameter under it (a
// list member, a structure field) was given. An empty list is sent as the
// bare name with an empty value.
func (p Params) Has(name string) bool {
	full := p.prefix + name
	if _, ok := p.vals[full]; ok {
		return true
	}
	for k := range p.vals {
		if strings.HasPrefix(k, full+".") {
			return true
		}
	}
	return false
}

// Field returns the view of the structure parameter name (Name.Field).
func (p Params) Field(name string) Params {
	return Params{vals: p.vals, prefix: p.prefix + name + "."}
}

// List returns the scalar list Name.member.N in index order.
func (p Params) List(name string) []string {
	idx := p.indices(p.prefix+name+".member.", false)
	out := make([]string, 0, len(idx))
	for _, i := range idx {
		out = append(out, p.vals[p.prefix+name+".member."+i.s][0])
	}
	return out
}

// Members returns one view per member of the structure list Name.member.N,
// in index order; read a member's fields with Get, List and Members.
func (p Params) Members(name string) []Params {
	base := p.prefix + name + ".member."
	idx := p.indices(base, true)
	out := make([]Params, 0, len(idx))
	for _, i := range idx {
		out = append(out, Params{vals: p.vals, prefix: base + i.s + "."})
	}
	return out
}

// Map returns the map Name.entry.N.key / Name.entry.N.value. An entry
// without a key is skipped; a later entry with the same key wins.
func (p Params) Map(name string) map[string]string {
	base := p.prefix + name + ".entry."
	idx := p.indices(base, true)
	out := make(map[string]string, len(idx))
	for _, i := range idx {
		e := Params{vals: p.vals, prefix: base + i.s + "."}
		if k, ok := e.Lookup("key"); ok {
			out[k] = e.Get("value")
		}
	}
	return out
}

type index struct {
	n uint64
	s string
}

// indices returns the distinct positive decimal indexes N of parameters
// named base+N (nested false) or base+N.<field> (nested true), sorted.
func (p Params) indices(base string, nested bool) []index {
	var out []index
	seen := map[string]bool{}
	for k, v := range p.vals {
		rest, ok := strings.CutPrefix(k, base)
		if !ok || len(v) == 0 {
			continue
		}
		s, field, dot := strings.Cut(rest, ".")
		if dot != nested || nested && field == "" || seen[s] {
			continue
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil || n == 0 || strconv.FormatUint(n, 10) != s {
			continue
		}
		seen[s] = true
		out = append(out, index{n: n, s: s})
	}
	slices.SortFunc(out, func(a, b index) int { return int(int64(a.n) - int64(b.n)) })
	return out
}
