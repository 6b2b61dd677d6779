package sigv4

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"lambent/internal/clock"
	"lambent/internal/errkind"
)

// Credential is what a CredentialSource knows about an access key.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string    // for temporary keys: the token the request must carry; "" for long-term keys
	Expiration      time.Time // zero for long-term keys
	Subject         any       // the caller's identity, opaque to sigv4, returned in Result
}

// CredentialSource resolves access keys. sessionToken is the token the
// request carried ("" if none), so a source may decode self-contained
// tokens. It returns an error of kind errkind.NotFound for an unknown key or
// a token that does not authenticate. The Credential it returns must carry
// the same AccessKeyID; any other error is passed through unchanged (an
// unavailable store is not an authentication failure).
type CredentialSource interface {
	LookupAccessKey(ctx context.Context, accessKeyID, sessionToken string) (Credential, error)
}

// DefaultMaxSkew is the clock skew allowed when Config.MaxSkew is zero.
const DefaultMaxSkew = 15 * time.Minute

// Config configures a Verifier.
type Config struct {
	Credentials CredentialSource // required
	Clock       clock.Clock      // nil means the wall clock
	MaxSkew     time.Duration    // 0 means 15 minutes
	// Regions, when set, is the only set of regions accepted in a
	// credential scope. Empty means any region of the form [a-z0-9-]{1,32}.
	Regions []string
	// DisableNormalization selects the S3 path rules; test-only.
	DisableNormalization bool
}

// Validate reports whether cfg can build a Verifier.
func (cfg Config) Validate() error {
	if cfg.Credentials == nil {
		return errors.New("sigv4: Credentials is required")
	}
	if cfg.MaxSkew < 0 {
		return fmt.Errorf("sigv4: negative MaxSkew %s", cfg.MaxSkew)
	}
	for _, r := range cfg.Regions {
		if !validRegion(r) {
			return fmt.Errorf("sigv4: invalid region %q", r)
		}
	}
	return nil
}

// Request is the part of an HTTP request that SigV4 covers. Header keys are
// in canonical form, as net/http (and Header.Add) produce them.
type Request struct {
	Method    string
	RawTarget string // request-target exactly as received (r.RequestURI): raw path + "?" + raw query
	Host      string
	Header    http.Header // values kept in arrival order
	Body      []byte
}

// FromHTTP adapts a server-side request whose body has already been read
// (within the gateway's size limit). It keeps the raw request-target; for
// a client-side request without one it uses r.URL.RequestURI().
func FromHTTP(r *http.Request, body []byte) *Request {
	target := r.RequestURI
	if target == "" && r.URL != nil {
		target = r.URL.RequestURI()
	}
	host := r.Host
	if host == "" && r.URL != nil {
		host = r.URL.Host
	}
	return &Request{Method: r.Method, RawTarget: target, Host: host, Header: r.Header, Body: body}
}

// Result describes an authenticated request.
type Result struct {
	Credential Credential
	Region     string
	Service    string
	Presigned  bool
}

// Verifier verifies SigV4 requests. It is safe for concurrent use.
type Verifier struct {
	creds     CredentialSource
	clock     clock.Clock
	skew      time.Duration
	regions   []string
	normalize bool
	keys      keyCache
	pool      sync.Pool // *verification
}

// NewVerifier returns a Verifier for cfg. It panics if cfg is invalid (see
// Config.Validate), which is a wiring mistake.
func NewVerifier(cfg Config) *Verifier {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	v := &Verifier{
		creds:     cfg.Credentials,
		clock:     cfg.Clock,
		skew:      cfg.MaxSkew,
		regions:   slices.Clone(cfg.Regions),
		normalize: !cfg.DisableNormalization,
	}
	if v.clock == nil {
		v.clock = clock.Real{}
	}
	if v.skew == 0 {
		v.skew = DefaultMaxSkew
	}
	v.pool.New = func() any { return new(verification) }
	return v
}

// verification is the working state of one Verify call, pooled so that a
// warm verification does not allocate buffers.
type verification struct {
	uri  []byte
	q    query
	a    authParams
	buf  []byte // canonical request, then HMAC input
	sts  []byte
	date [len(iso8601Basic)]byte
}

// parse runs steps 1 to 9 of §2.5 and returns the request time and its
// basic-format spelling.
func (s *verification) parse(req *Request, normalize bool) (time.Time, string, error) {
	path, rawQuery, err := splitTarget(req.RawTarget)
	if err != nil {
		return time.Time{}, "", err
	}
	if s.uri, err = appendCanonicalURI(s.uri[:0], path, normalize); err != nil {
		return time.Time{}, "", err
	}
	if err := s.q.parse(rawQuery); err != nil {
		return time.Time{}, "", err
	}
	if err := parseAuth(req, &s.q, &s.a); err != nil {
		return time.Time{}, "", err
	}
	if !hostSigned(s.a.signedHeaders) {
		return time.Time{}, "", fail(CodeSignatureDoesNotMatch, msgHostNotSigned)
	}
	return parseDate(&s.a, s.date[:])
}

// canonicalRequest appends the canonical request (§2.2).
func (s *verification) canonicalRequest(dst []byte, req *Request, payloadHash []byte, dropToken bool) []byte {
	dst = append(dst, req.Method...)
	dst = append(dst, '\n')
	dst = append(dst, s.uri...)
	dst = append(dst, '\n')
	dst = s.q.appendCanonical(dst, dropToken)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, s.a.signedHeaders, req.Host, req.Header)
	dst = append(dst, '\n')
	dst = append(dst, s.a.signedHeaders...)
	dst = append(dst, '\n')
	return append(dst, payloadHash...)
}

// Verify authenticates req for the given signing service name ("lambda",
// "iam", "sts", "logs", ...). Every failure is an *errkind.Error whose
// Detail is one of the Code constants, except errors from the
// CredentialSource other than NotFound, which are returned wrapped.
func (v *Verifier) Verify(ctx context.Context, req *Request, service string) (*Result, error) {
	s := v.pool.Get().(*verification)
	defer v.release(s)

	date, amzDate, err := s.parse(req, v.normalize)
	if err != nil {
		return nil, err
	}
	now := v.clock.Now()
	if err := v.checkTime(&s.a, date, now); err != nil {
		return nil, err
	}
	sc, err := v.checkScope(s.a.credential, amzDate, service)
	if err != nil {
		return nil, err
	}
	cred, err := v.lookup(ctx, sc.accessKeyID, s.a.token, now)
	if err != nil {
		return nil, err
	}
	if err := v.checkSignature(s, req, cred.SecretAccessKey, sc, amzDate); err != nil {
		return nil, err
	}
	return &Result{Credential: cred, Region: sc.region, Service: service, Presigned: s.a.presigned}, nil
}

func (v *Verifier) release(s *verification) {
	const maxPooled = 64 << 10
	if cap(s.buf) > maxPooled || cap(s.uri) > maxPooled || cap(s.sts) > maxPooled ||
		cap(s.q.enc) > maxPooled || cap(s.q.params) > 1024 {
		return
	}
	s.a = authParams{}
	s.q.raw = [numParams]string{}
	v.pool.Put(s)
}

// checkTime is steps 10 and 11. A header-signed request must be within the
// skew of now. A presigned request is valid from its date minus the skew
// until its date plus X-Amz-Expires.
func (v *Verifier) checkTime(a *authParams, date, now time.Time) error {
	if a.presigned {
		if now.After(date.Add(a.expires)) {
			return errExpired(date, now.Add(-a.expires), now, a.expires)
		}
	} else if earliest := now.Add(-v.skew); date.Before(earliest) {
		return errExpired(date, earliest, now, v.skew)
	}
	if latest := now.Add(v.skew); date.After(latest) {
		return errNotYetCurrent(date, latest, now, v.skew)
	}
	return nil
}

// scope is a parsed credential: AKID/date/region/service/terminator.
type scope struct {
	accessKeyID, date, region, service string
	rest                               string // date/region/service/terminator, for the string to sign
}

// checkScope is steps 12 and 13.
func (v *Verifier) checkScope(credential, amzDate, service string) (scope, error) {
	var sc scope
	var term string
	var ok bool
	sc.accessKeyID, sc.rest, ok = strings.Cut(credential, "/")
	if ok && strings.Count(sc.rest, "/") == 3 {
		sc.date, term, _ = strings.Cut(sc.rest, "/")
		sc.region, term, _ = strings.Cut(term, "/")
		sc.service, term, _ = strings.Cut(term, "/")
	} else {
		return sc, fail(CodeIncompleteSignature, msgCredentialParts+credential+"'")
	}
	var msgs []string
	if !validRegion(sc.region) || len(v.regions) > 0 && !slices.Contains(v.regions, sc.region) {
		msgs = append(msgs, "Credential should be scoped to a valid region, not '"+sc.region+"'.")
	}
	if sc.service != service {
		msgs = append(msgs, "Credential should be scoped to correct service: '"+service+"'.")
	}
	if term != terminator {
		msgs = append(msgs, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+term+"'.")
	}
	if sc.date != amzDate[:8] {
		msgs = append(msgs, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			sc.date+"' != '"+amzDate[:8]+"', from '"+amzDate+"'.")
	}
	if msgs != nil {
		return sc, fail(CodeSignatureDoesNotMatch, strings.Join(msgs, " "))
	}
	return sc, nil
}

// validRegion reports whether r matches [a-z0-9-]{1,32}.
func validRegion(r string) bool {
	if len(r) == 0 || len(r) > 32 {
		return false
	}
	for i := 0; i < len(r); i++ {
		if c := r[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// lookup is steps 14b, 14c and 15: resolve the key, check the session
// token it requires, and check expiry.
func (v *Verifier) lookup(ctx context.Context, accessKeyID, token string, now time.Time) (Credential, error) {
	cred, err := v.creds.LookupAccessKey(ctx, accessKeyID, token)
	if err != nil {
		if !errkind.Is(err, errkind.NotFound) {
			return Credential{}, fmt.Errorf("look up access key: %w", err)
		}
		if token != "" {
			return Credential{}, fail(CodeInvalidClientTokenID, msgTokenNotIntact)
		}
		return Credential{}, fail(CodeInvalidClientTokenID, msgUnknownAccessKey)
	}
	if cred.AccessKeyID != accessKeyID {
		return Credential{}, fail(CodeInvalidClientTokenID, msgUnknownAccessKey)
	}
	if cred.SessionToken != "" && token == "" {
		return Credential{}, fail(CodeInvalidClientTokenID, msgUnknownAccessKey)
	}
	if !constantTimeEqual(cred.SessionToken, token) {
		return Credential{}, fail(CodeInvalidClientTokenID, msgTokenNotIntact)
	}
	if !cred.Expiration.IsZero() && !now.Before(cred.Expiration) {
		return Credential{}, fail(CodeExpiredToken, msgTokenExpired)
	}
	return cred, nil
}

// checkSignature is step 16: the payload hash, then the signature. A
// presigned request carrying X-Amz-Security-Token is tried a second time
// without it in the canonical query (§2.4, token appended after signing).
func (v *Verifier) checkSignature(s *verification, req *Request, secret string, sc scope, amzDate string) error {
	var payloadHash [2 * sha256.Size]byte
	sum := sha256.Sum256(req.Body)
	hex.Encode(payloadHash[:], sum[:])
	if claimed, ok := firstHeader(req.Header, "X-Amz-Content-Sha256"); ok && claimed != string(payloadHash[:]) {
		return fail(CodeSignatureDoesNotMatch, msgContentSHA256)
	}
	var want [sha256.Size]byte
	if !decodeSignature(&want, s.a.signature) {
		return fail(CodeSignatureDoesNotMatch, msgSignatureMismatch)
	}
	key := v.keys.get(secret, sc.date, sc.region, sc.service)
	tries := 1
	if s.a.presigned && s.q.has[paramToken] {
		tries = 2
	}
	for try := 0; try < tries; try++ {
		s.buf = s.canonicalRequest(s.buf[:0], req, payloadHash[:], try == 1)
		s.sts = appendStringToSign(s.sts[:0], amzDate, sc.rest, sha256.Sum256(s.buf))
		var got [sha256.Size]byte
		got, s.buf = key.sign(s.buf, s.sts)
		if hmac.Equal(got[:], want[:]) {
			return nil
		}
	}
	return fail(CodeSignatureDoesNotMatch, msgSignatureMismatch)
}

// decodeSignature decodes 64 hex digits into dst.
func decodeSignature(dst *[sha256.Size]byte, sig string) bool {
	if len(sig) != 2*sha256.Size {
		return false
	}
	for i := range dst {
		hi, lo := sig[2*i], sig[2*i+1]
		if !isHex(hi) || !isHex(lo) {
			return false
		}
		dst[i] = unhex(hi)<<4 | unhex(lo)
	}
	return true
}

// constantTimeEqual is subtle.ConstantTimeCompare for strings, without
// copying them to byte slices. Like it, it leaks only the lengths.
func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := 0; i < len(a); i++ {
		d |= a[i] ^ b[i]
	}
	return d == 0
}
