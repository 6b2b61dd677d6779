package sigv4

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm    = "AWS4-HMAC-SHA256"
	terminator   = "aws4_request"
	iso8601Basic = "20060102T150405Z"
	maxExpires   = 604800 // seconds: 7 days
)

// authParams are the SigV4 parameters of a request, from either form. All
// strings are views into the request except where decoding was needed.
type authParams struct {
	presigned     bool
	credential    string // AKID/date/region/service/terminator
	signature     string // hex, as sent
	signedHeaders string // as sent, ';'-separated
	date          string // X-Amz-Date (or Date) as sent
	dateHeader    bool   // date came from the Date header fallback
	expires       time.Duration
	token         string // session token carried by the request, "" if none
}

// parseAuth selects the form and extracts its parameters: steps 5 to 7d of
// §2.5 and the X-Amz-Expires range.
func parseAuth(req *Request, q *query, a *authParams) error {
	authz, hasHeader := firstHeader(req.Header, "Authorization")
	switch {
	case hasHeader && q.has[paramAlgorithm]:
		return fail(CodeSignatureDoesNotMatch, "")
	case hasHeader:
		return parseAuthHeader(req.Header, authz, q, a)
	case q.has[paramAlgorithm]:
		return parsePresigned(req.Header, q, a)
	default:
		return fail(CodeMissingAuthenticationToken, msgMissingAuthToken)
	}
}

// parseAuthHeader parses the header form:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=…
//
// Components are comma-separated key=value pairs; the last of a repeated
// key wins (chart 6c).
func parseAuthHeader(h http.Header, authz string, q *query, a *authParams) error {
	authz = trimOWS(authz)
	alg, rest, _ := strings.Cut(authz, " ")
	if alg != algorithm {
		return fail(CodeIncompleteSignature, "Unsupported AWS 'algorithm': '"+alg+"'.")
	}
	*a = authParams{}
	var hasCred, hasSig, hasSigned bool
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = trimOWS(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return fail(CodeIncompleteSignature, "'"+redact(part)+
				"' not a valid key=value pair (missing equal-sign) in Authorization header: '"+redact(authz)+"'")
		}
		switch trimOWS(k) {
		case "Credential":
			a.credential, hasCred = trimOWS(v), true
		case "Signature":
			a.signature, hasSig = trimOWS(v), true
		case "SignedHeaders":
			a.signedHeaders, hasSigned = trimOWS(v), true
		}
	}
	var missing []string
	if !hasCred {
		missing = append(missing, "Authorization header requires 'Credential' parameter.")
	}
	if !hasSig {
		missing = append(missing, "Authorization header requires 'Signature' parameter.")
	}
	if !hasSigned {
		missing = append(missing, "Authorization header requires 'SignedHeaders' parameter.")
	}
	var hasDate bool
	if a.date, hasDate = firstHeader(h, "X-Amz-Date"); !hasDate {
		a.date, hasDate = firstHeader(h, "Date")
		a.dateHeader = true
	}
	if !hasDate {
		missing = append(missing, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	if missing != nil {
		return fail(CodeIncompleteSignature, strings.Join(missing, " ")+" Authorization="+redact(authz))
	}
	a.token = sessionToken(h, q, false)
	return nil
}

// parsePresigned parses the query form. The first of a repeated parameter
// wins (chart 7c).
func parsePresigned(h http.Header, q *query, a *authParams) error {
	if alg := percentDecode(q.raw[paramAlgorithm]); alg != algorithm {
		return fail(CodeIncompleteSignature, "Unsupported AWS 'algorithm': '"+alg+"'.")
	}
	var missing []string
	for _, p := range [...]int{paramCredential, paramSignature, paramSignedHeaders, paramDate, paramExpires} {
		if !q.has[p] {
			missing = append(missing, "AWS query-string parameters must include '"+paramNames[p]+"'.")
		}
	}
	if missing != nil {
		return fail(CodeIncompleteSignature, strings.Join(missing, " ")+" "+msgReexamineQuery)
	}
	*a = authParams{
		presigned:     true,
		credential:    percentDecode(q.raw[paramCredential]),
		signature:     percentDecode(q.raw[paramSignature]),
		signedHeaders: percentDecode(q.raw[paramSignedHeaders]),
		date:          percentDecode(q.raw[paramDate]),
		token:         sessionToken(h, q, true),
	}
	// [dec] AWS's S3 messages; IAM, STS and Lambda publish none.
	raw := percentDecode(q.raw[paramExpires])
	n, err := strconv.ParseInt(raw, 10, 64)
	switch {
	case err != nil && !isDigits(raw):
		return fail(CodeIncompleteSignature, "X-Amz-Expires should be a number")
	case err != nil || n > maxExpires:
		return fail(CodeIncompleteSignature, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
	case n < 1:
		return fail(CodeIncompleteSignature, "X-Amz-Expires must be greater than 0")
	}
	a.expires = time.Duration(n) * time.Second
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sessionToken returns the token the request carries: from the form's own
// place first (header for the header form, query for the presigned form),
// then from the other.
func sessionToken(h http.Header, q *query, presigned bool) string {
	if presigned && q.has[paramToken] {
		return percentDecode(q.raw[paramToken])
	}
	if t, ok := firstHeader(h, "X-Amz-Security-Token"); ok {
		return t
	}
	if q.has[paramToken] {
		return percentDecode(q.raw[paramToken])
	}
	return ""
}

// hostSigned reports whether "host" or ":authority" is a signed header (step 8).
func hostSigned(signedHeaders string) bool {
	for rest := signedHeaders; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, ";")
		if isHostHeader(name) {
			return true
		}
	}
	return false
}

// parseDate parses the request date (step 9): ISO 8601 basic format, or an
// HTTP date when it came from the Date header fallback. It returns the
// basic-format string that goes into the string to sign.
func parseDate(a *authParams, scratch []byte) (time.Time, string, error) {
	if t, ok := parseBasic(a.date); ok && !a.dateHeader {
		return t, a.date, nil
	}
	if a.dateHeader {
		if t, err := http.ParseTime(a.date); err == nil {
			t = t.UTC()
			return t, string(t.AppendFormat(scratch[:0], iso8601Basic)), nil
		}
	}
	return time.Time{}, "", fail(CodeIncompleteSignature, msgISO8601BasicStart+a.date+msgISO8601BasicEnd)
}

// parseBasic parses YYYYMMDDTHHMMSSZ without allocating.
func parseBasic(s string) (time.Time, bool) {
	if len(s) != 16 || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d := num(0, 4), num(4, 2), num(6, 2)
	hh, mm, ss := num(9, 2), num(11, 2), num(13, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC)
	if t.Day() != d { // 20150231 rolls over
		return time.Time{}, false
	}
	return t, true
}

// redact hides Signature values in text echoed back from an Authorization
// header, because public messages end up in logs.
func redact(s string) string {
	i := strings.Index(s, "Signature=")
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		b.WriteString(s[:i+len("Signature=")])
		s = s[i+len("Signature="):]
		end := strings.IndexAny(s, ", ")
		if end < 0 {
			end = len(s)
		}
		if end > 0 {
			b.WriteString("<redacted>")
		}
		s = s[end:]
		i = strings.Index(s, "Signature=")
	}
	b.WriteString(s)
	return b.String()
}

// ParseAccessKeyID extracts the access key ID from either auth form without
// verifying anything, for logging and routing. ok is false when the request
// names no access key.
func ParseAccessKeyID(req *Request) (string, bool) {
	if authz, ok := firstHeader(req.Header, "Authorization"); ok {
		var cred string
		_, rest, _ := strings.Cut(trimOWS(authz), " ")
		for rest != "" {
			var part string
			part, rest, _ = strings.Cut(rest, ",")
			if k, v, ok := strings.Cut(trimOWS(part), "="); ok && trimOWS(k) == "Credential" {
				cred = trimOWS(v)
			}
		}
		akid, _, _ := strings.Cut(cred, "/")
		return akid, akid != ""
	}
	_, query, _ := strings.Cut(req.RawTarget, "?")
	for query != "" {
		var part string
		part, query, _ = strings.Cut(query, "&")
		name, value, _ := strings.Cut(part, "=")
		if percentDecode(name) == paramNames[paramCredential] {
			akid, _, _ := strings.Cut(percentDecode(value), "/")
			return akid, akid != ""
		}
	}
	return "", false
}
