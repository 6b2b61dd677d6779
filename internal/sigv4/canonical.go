package sigv4

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
)

const upperHex = "0123456789ABCDEF"

// unreserved reports whether c is in the RFC 3986 unreserved set that SigV4
// never escapes: A-Z a-z 0-9 - . _ ~
func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// appendEscaped percent-encodes every byte of s outside the unreserved set
// (and '/' when keepSlash), in upper-case hex.
func appendEscaped(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || keepSlash && c == '/' {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// checkEscape validates the escape at s[i] == '%' and returns the decoded
// byte. The error message is AWS's; the caller picks the code.
func checkEscape(s string, i int) (byte, string) {
	if len(s)-i < 3 {
		return 0, msgIncompleteEscape
	}
	if !isHex(s[i+1]) || !isHex(s[i+2]) {
		return 0, msgIllegalHexEscape + s[i+1:i+3]
	}
	return unhex(s[i+1])<<4 | unhex(s[i+2]), ""
}

// splitTarget splits a request-target into its raw path and raw query. An
// absolute-form target (http://host/p?q) yields its path. Anything else that
// does not start with '/' is rejected (step 1).
func splitTarget(target string) (path, query string, err error) {
	path, query, _ = strings.Cut(target, "?")
	if path == "" || path[0] == '/' {
		return path, query, nil
	}
	if _, rest, ok := strings.Cut(path, "://"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return rest[i:], query, nil
		}
		return "", query, nil
	}
	return "", "", fail(CodeInvalidURIPath, "Path is not absolute: "+path)
}

// appendCanonicalURI appends the canonical URI of the raw (still
// percent-encoded) request path.
//
// With normalize (IAM, STS, Lambda: every Lambent service) dot segments are
// removed (RFC 3986 §5.2.4), runs of '/' collapse, a trailing slash is kept,
// and every byte outside the unreserved set and '/' is escaped, '%' included:
// the client escaped once on the wire and this escapes again, which is AWS's
// "URI-encode each path segment twice". Without normalize (S3 rules, tests
// only) the path is decoded once and encoded once, and nothing else changes.
func appendCanonicalURI(dst []byte, path string, normalize bool) ([]byte, error) {
	if path == "" {
		return append(dst, '/'), nil
	}
	if !normalize {
		return appendS3URI(dst, path)
	}
	base := len(dst)
	for rest := path; rest != ""; {
		var seg string
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seg, rest = rest[:i], rest[i+1:]
		} else {
			seg, rest = rest, ""
		}
		switch seg {
		case "", ".":
			continue
		case "..":
			if len(dst) == base {
				return dst, fail(CodeInvalidURIPath, "Relative path entry '..' navigates above root: "+path)
			}
			dst = dst[:base+lastSlash(dst[base:])]
			continue
		}
		dst = append(dst, '/')
		dst = appendEscaped(dst, seg, false)
	}
	// A path ending in "/", "/." or "/.." names a directory (RFC 3986 §5.2.4).
	last := path[strings.LastIndexByte(path, '/')+1:]
	if len(dst) == base || last == "" || last == "." || last == ".." {
		dst = append(dst, '/')
	}
	return dst, nil
}

func lastSlash(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == '/' {
			return i
		}
	}
	return 0
}

// appendS3URI decodes path once and encodes it once, keeping '/'.
func appendS3URI(dst []byte, path string) ([]byte, error) {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' {
			b, msg := checkEscape(path, i)
			if msg != "" {
				return dst, fail(CodeInvalidURIPath, msg)
			}
			c = b
			i += 2
		}
		if unreserved(c) || c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst, nil
}

// appendQueryComponent decodes one raw query name or value (a '+' stays a
// literal '+') and appends its canonical encoding.
func appendQueryComponent(dst []byte, raw string) ([]byte, error) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' {
			b, msg := checkEscape(raw, i)
			if msg != "" {
				return dst, fail(CodeMalformedQueryString, msg)
			}
			c = b
			i += 2
		}
		if unreserved(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst, nil
}

// percentDecode decodes an already validated query component. It allocates
// only when raw holds an escape.
func percentDecode(raw string) string {
	if strings.IndexByte(raw, '%') < 0 {
		return raw
	}
	var b strings.Builder
	b.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' && len(raw)-i >= 3 && isHex(raw[i+1]) && isHex(raw[i+2]) {
			c = unhex(raw[i+1])<<4 | unhex(raw[i+2])
			i += 2
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Query parameters with a meaning to SigV4. The canonical encoding of these
// names equals the decoded name, so they are compared in canonical form.
const (
	paramAlgorithm = iota
	paramCredential
	paramDate
	paramExpires
	paramSignedHeaders
	paramSignature
	paramToken
	numParams
)

var paramNames = [numParams]string{
	"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
}

// queryParam is one name=value pair; its canonical encoding is
// enc[off:mid] (name) and enc[mid:end] (value).
type queryParam struct {
	off, mid, end int
	special       int8 // index into paramNames, or -1
}

// query is a parsed raw query string.
type query struct {
	params []queryParam
	enc    []byte
	// raw holds the raw value of the first occurrence of each SigV4
	// parameter (first one wins, chart 7c); has says which are present.
	raw [numParams]string
	has [numParams]bool
}

// parse splits the raw query on '&' and each part at its first '=', checks
// every escape (step 4), records the canonical encodings and sorts them by
// name, then value.
func (q *query) parse(raw string) error {
	q.params, q.enc = q.params[:0], q.enc[:0]
	q.has = [numParams]bool{}
	q.raw = [numParams]string{}
	for rest := raw; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, "&")
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		p := queryParam{off: len(q.enc), special: -1}
		var err error
		if q.enc, err = appendQueryComponent(q.enc, name); err != nil {
			return err
		}
		p.mid = len(q.enc)
		if q.enc, err = appendQueryComponent(q.enc, value); err != nil {
			return err
		}
		p.end = len(q.enc)
		if n := q.enc[p.off:p.mid]; len(n) > 5 && n[0] == 'X' {
			for i, want := range paramNames {
				if string(n) == want {
					p.special = int8(i)
					if !q.has[i] {
						q.has[i], q.raw[i] = true, value
					}
					break
				}
			}
		}
		q.params = append(q.params, p)
	}
	q.sort()
	return nil
}

func (q *query) less(a, b queryParam) int {
	if c := bytes.Compare(q.enc[a.off:a.mid], q.enc[b.off:b.mid]); c != 0 {
		return c
	}
	return bytes.Compare(q.enc[a.mid:a.end], q.enc[b.mid:b.end])
}

func (q *query) sort() {
	ps := q.params
	if len(ps) > 12 {
		slices.SortFunc(ps, q.less)
		return
	}
	for i := 1; i < len(ps); i++ { // insertion sort: no closure, no allocation
		for j := i; j > 0 && q.less(ps[j-1], ps[j]) > 0; j-- {
			ps[j-1], ps[j] = ps[j], ps[j-1]
		}
	}
}

// appendCanonical appends the canonical query string: sorted pairs joined
// with '&', without X-Amz-Signature, and without X-Amz-Security-Token when
// dropToken (the §2.4 retry for a token appended after presigning).
func (q *query) appendCanonical(dst []byte, dropToken bool) []byte {
	first := true
	for _, p := range q.params {
		if p.special == paramSignature || dropToken && p.special == paramToken {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, q.enc[p.off:p.mid]...)
		dst = append(dst, '=')
		dst = append(dst, q.enc[p.mid:p.end]...)
	}
	return dst
}

// appendCanonicalHeaders appends one "name:value\n" line per name in
// signedHeaders, in the given order. Values of a repeated header are joined
// with ',' in arrival order; each value is trimmed and runs of spaces
// collapse to one. "host" (and ":authority") is the request's Host. A signed
// header that is absent yields no line, so the signature cannot match.
func appendCanonicalHeaders(dst []byte, signedHeaders, host string, h http.Header) []byte {
	for rest := signedHeaders; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, ";")
		if name == "" {
			continue
		}
		if isHostHeader(name) && host != "" {
			dst = appendLowerName(dst, name)
			dst = appendHeaderValue(dst, host)
			dst = append(dst, '\n')
			continue
		}
		values := headerValues(h, name)
		if len(values) == 0 {
			continue
		}
		dst = appendLowerName(dst, name)
		for i, v := range values {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendHeaderValue(dst, v)
		}
		dst = append(dst, '\n')
	}
	return dst
}

func isHostHeader(name string) bool {
	return name == ":authority" || strings.EqualFold(name, "host")
}

func appendLowerName(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return append(dst, ':')
}

// appendHeaderValue appends v trimmed of spaces and tabs, with every run of
// spaces collapsed to one.
func appendHeaderValue(dst []byte, v string) []byte {
	v = trimOWS(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			space = true
			continue
		}
		if space {
			dst = append(dst, ' ')
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// headerValues returns the values of header name, looked up by its
// canonical key (built on the stack, so without allocating). Keys of h must
// be canonical, as net/http and Header.Add produce them; a scan for other
// spellings would let a long SignedHeaders list cost O(names × headers).
func headerValues(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) > len(buf) {
		return h[http.CanonicalHeaderKey(name)]
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
		upper = c == '-'
	}
	return h[string(buf[:len(name)])]
}

// firstHeader returns the first value of header name, if any.
func firstHeader(h http.Header, name string) (string, bool) {
	vs := headerValues(h, name)
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// trimOWS trims spaces and tabs (HTTP's optional whitespace) from both ends.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
