package sigv4

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"lambent/internal/clock/clocktest"
	"lambent/internal/testenv"
)

const (
	suiteAccessKey = "AKIDEXAMPLE"
	suiteSecret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	suiteService   = "service"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// suiteCase is one signed request of a signing suite, in one form.
type suiteCase struct {
	name      string
	form      string // "header" or "query"
	req       *Request
	token     string
	at        time.Time
	normalize bool
	expires   time.Duration // query form only
}

func (c suiteCase) verifier(secret string, at time.Time, normalize bool) *Verifier {
	return NewVerifier(Config{
		Credentials: staticSource(Credential{
			AccessKeyID: suiteAccessKey, SecretAccessKey: secret, SessionToken: c.token,
		}),
		Clock:                clocktest.New(at),
		DisableNormalization: !normalize,
	})
}

func (c suiteCase) verify(t *testing.T, req *Request) (*Result, error) {
	t.Helper()
	return c.verifier(suiteSecret, c.at, c.normalize).Verify(t.Context(), req, suiteService)
}

func (c suiteCase) accept(t *testing.T) {
	t.Helper()
	res, err := c.verify(t, cloneRequest(c.req))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	if res.Credential.AccessKeyID != suiteAccessKey || res.Region != "us-east-1" ||
		res.Service != suiteService || res.Presigned != (c.form == "query") {
		t.Fatalf("result = %+v", res)
	}
	if id, ok := ParseAccessKeyID(c.req); !ok || id != suiteAccessKey {
		t.Fatalf("ParseAccessKeyID = %q, %v", id, ok)
	}
}

// awsCAuthCases loads sigv4-aws-c-auth/v4: every case in both forms.
func awsCAuthCases(t *testing.T) []suiteCase {
	t.Helper()
	root := filepath.Join(testenv.SharedTestdata(t, "sigv4-aws-c-auth"), "v4")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var cases []suiteCase
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		ctx := readContext(t, dir)
		if ctx.Credentials.AccessKeyID != suiteAccessKey || ctx.Credentials.SecretAccessKey != suiteSecret ||
			ctx.Service != suiteService || !ctx.Timestamp.Equal(suiteTime) {
			t.Fatalf("%s: unexpected context %+v", e.Name(), ctx)
		}
		for _, form := range []string{"header", "query"} {
			cases = append(cases, suiteCase{
				name:      e.Name(),
				form:      form,
				req:       parseSuiteRequest(t, readFile(t, dir, form+"-signed-request.txt")),
				token:     ctx.Credentials.Token,
				at:        ctx.Timestamp,
				normalize: ctx.Normalize,
				expires:   time.Duration(ctx.ExpirationInSeconds) * time.Second,
			})
		}
	}
	if len(cases) != 76 {
		t.Fatalf("loaded %d aws-c-auth verifications, want 76", len(cases))
	}
	return cases
}

// botocoreCases loads sigv4-botocore (header form only). The Authorization
// line of each .sreq is replaced by the .authz file (README).
func botocoreCases(t *testing.T) []suiteCase {
	t.Helper()
	root := testenv.SharedTestdata(t, "sigv4-botocore")
	var cases []suiteCase
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".sreq") {
			return err
		}
		base := strings.TrimSuffix(path, ".sreq")
		req := parseSuiteRequest(t, readFile(t, path))
		req.Header.Set("Authorization", strings.TrimRight(readFile(t, base+".authz"), "\n"))
		name, _ := filepath.Rel(root, filepath.Dir(path))
		cases = append(cases, suiteCase{
			name:      filepath.ToSlash(name),
			form:      "header",
			req:       req,
			token:     req.Header.Get("X-Amz-Security-Token"),
			at:        suiteTime,
			normalize: true,
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 34 {
		t.Fatalf("loaded %d botocore cases, want 34", len(cases))
	}
	return cases
}

func TestAWSCAuthV4(t *testing.T) {
	for _, c := range awsCAuthCases(t) {
		t.Run(c.name+"/"+c.form, func(t *testing.T) {
			t.Run("accept", c.accept)
			runRejections(t, c)
		})
	}
}

func TestBotocore(t *testing.T) {
	for _, c := range botocoreCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Run("accept", c.accept)
			runRejections(t, c)
		})
	}
}

// TestNormalizationMode re-runs the unnormalised cases with the
// normalisation that every Lambent endpoint uses: where the canonical path
// differs, the request must be rejected (README, step 3).
func TestNormalizationMode(t *testing.T) {
	differs := []string{
		"get-relative-unnormalized", "get-relative-relative-unnormalized", "get-slash-unnormalized",
		"get-slash-dot-slash-unnormalized", "get-slash-pointless-dot-unnormalized", "get-slashes-unnormalized",
	}
	seen := 0
	for _, c := range awsCAuthCases(t) {
		if !strings.HasSuffix(c.name, "-unnormalized") {
			continue
		}
		seen++
		t.Run(c.name+"/"+c.form, func(t *testing.T) {
			_, err := c.verifier(suiteSecret, c.at, true).Verify(t.Context(), cloneRequest(c.req), suiteService)
			if !slices.Contains(differs, c.name) {
				if err != nil {
					t.Fatalf("normalising does not change this path, yet: %v", err)
				}
				return
			}
			wantCode(t, err, CodeSignatureDoesNotMatch, msgSignatureMismatch)
		})
	}
	if seen != 14 {
		t.Fatalf("ran %d unnormalized verifications, want 14", seen)
	}
}

// TestCanonicalAWSCAuth checks the canonical request, string to sign and
// signature against the suite files byte for byte.
func TestCanonicalAWSCAuth(t *testing.T) {
	root := filepath.Join(testenv.SharedTestdata(t, "sigv4-aws-c-auth"), "v4")
	for _, c := range awsCAuthCases(t) {
		t.Run(c.name+"/"+c.form, func(t *testing.T) {
			dir := filepath.Join(root, c.name)
			ctx := readContext(t, dir)
			dropToken := c.form == "query" && ctx.OmitSessionToken
			checkCanonical(t, c, dropToken,
				readFile(t, dir, c.form+"-canonical-request.txt"),
				readFile(t, dir, c.form+"-string-to-sign.txt"),
				readFile(t, dir, c.form+"-signature.txt"))
		})
	}
}

func TestCanonicalBotocore(t *testing.T) {
	root := testenv.SharedTestdata(t, "sigv4-botocore")
	for _, c := range botocoreCases(t) {
		t.Run(c.name, func(t *testing.T) {
			base := filepath.Join(root, c.name, filepath.Base(c.name))
			authz := readFile(t, base+".authz")
			_, sig, _ := strings.Cut(authz, "Signature=")
			checkCanonical(t, c, false, readFile(t, base+".creq"), readFile(t, base+".sts"), sig)
		})
	}
}

func checkCanonical(t *testing.T, c suiteCase, dropToken bool, wantCreq, wantSTS, wantSig string) {
	t.Helper()
	var s verification
	_, amzDate, err := s.parse(c.req, c.normalize)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	sum := sha256.Sum256(c.req.Body)
	payloadHash := hex.EncodeToString(sum[:])
	if claimed := c.req.Header.Get("X-Amz-Content-Sha256"); claimed != "" && claimed != payloadHash {
		t.Fatalf("x-amz-content-sha256 %s does not match the body (%s)", claimed, payloadHash)
	}
	creq := s.canonicalRequest(nil, c.req, []byte(payloadHash), dropToken)
	if string(creq) != wantCreq {
		t.Fatalf("canonical request:\n%s\nwant:\n%s", creq, wantCreq)
	}
	_, scope, _ := strings.Cut(s.a.credential, "/")
	sts := appendStringToSign(nil, amzDate, scope, sha256.Sum256(creq))
	if string(sts) != wantSTS {
		t.Fatalf("string to sign:\n%s\nwant:\n%s", sts, wantSTS)
	}
	sc := strings.Split(scope, "/")
	sig, _ := newSigningKey(suiteSecret, sc[0], sc[1], sc[2]).sign(nil, sts)
	if got := hex.EncodeToString(sig[:]); got != strings.TrimSpace(wantSig) {
		t.Fatalf("signature %s, want %s", got, wantSig)
	}
}

// mutation is one rejection (or control) check on an accepted request.
type mutation struct {
	name   string
	mutate func(r *Request)
	secret string    // "" means the suite secret
	at     time.Time // zero means the case time
	code   string    // "" means the request must still verify
	msg    string    // public message prefix
}

func runRejections(t *testing.T, c suiteCase) {
	for _, m := range mutations(t, c) {
		t.Run("reject/"+m.name, func(t *testing.T) {
			req := cloneRequest(c.req)
			if m.mutate != nil {
				m.mutate(req)
			}
			secret, at := suiteSecret, c.at
			if m.secret != "" {
				secret = m.secret
			}
			if !m.at.IsZero() {
				at = m.at
			}
			_, err := c.verifier(secret, at, c.normalize).Verify(t.Context(), req, suiteService)
			if m.code == "" {
				if err != nil {
					t.Fatalf("control mutation rejected: %v", err)
				}
				return
			}
			wantCode(t, err, m.code, m.msg)
		})
	}
}

// mutations lists the README's rejection programme for c.
func mutations(t *testing.T, c suiteCase) []mutation {
	t.Helper()
	var s verification
	if _, _, err := s.parse(c.req, c.normalize); err != nil {
		t.Fatalf("parse: %v", err)
	}
	mismatch := func(name string, f func(r *Request)) mutation {
		return mutation{name: name, mutate: f, code: CodeSignatureDoesNotMatch, msg: msgSignatureMismatch}
	}
	ms := []mutation{
		mismatch("flip-signature", func(r *Request) { flipSignature(r, c.form) }),
		{name: "wrong-secret", secret: strings.Replace(suiteSecret, "KEY", "KEZ", 1),
			code: CodeSignatureDoesNotMatch, msg: msgSignatureMismatch},
		mismatch("method", func(r *Request) { r.Method = map[string]string{"GET": "POST", "POST": "GET"}[r.Method] }),
		mismatch("path-byte", func(r *Request) {
			path, query, ok := strings.Cut(r.RawTarget, "?")
			r.RawTarget = path + "x"
			if ok {
				r.RawTarget += "?" + query
			}
		}),
		{name: "unknown-key", mutate: func(r *Request) { replaceAccessKey(r, "AKIDUNKNOWN") },
			code: CodeInvalidClientTokenID, msg: msgTokenNotIntact},
		{name: "unsigned-header", mutate: func(r *Request) { r.Header.Add("X-Extra", "1") }},
	}
	if path, query, _ := strings.Cut(c.req.RawTarget, "?"); mutateQuery(query, c.form) != query {
		ms = append(ms, mismatch("query-byte", func(r *Request) { r.RawTarget = path + "?" + mutateQuery(query, c.form) }))
	}
	if len(c.req.Body) > 0 {
		m := mismatch("body-byte", func(r *Request) { r.Body[len(r.Body)-1] ^= 1 })
		if c.req.Header.Get("X-Amz-Content-Sha256") != "" {
			m.msg = msgContentSHA256
		}
		ms = append(ms, m)
	}
	for name := range strings.SplitSeq(s.a.signedHeaders, ";") {
		change, remove := mismatch("change-"+name, func(r *Request) { changeHeader(r, name) }),
			mismatch("delete-"+name, func(r *Request) { deleteHeader(r, name) })
		switch name {
		case "x-amz-security-token": // 14b precedes the signature check
			change.code, change.msg = CodeInvalidClientTokenID, msgTokenNotIntact
			remove.code, remove.msg = CodeInvalidClientTokenID, msgUnknownAccessKey
		case "x-amz-content-sha256":
			change.msg = msgContentSHA256
		case "x-amz-date": // without any date the request is incomplete (6d)
			remove.code, remove.msg = CodeIncompleteSignature, "Authorization header requires existence of either"
		}
		ms = append(ms, change, remove)
	}
	if c.token != "" {
		ms = append(ms, mutation{name: "alter-token", mutate: alterToken,
			code: CodeInvalidClientTokenID, msg: msgTokenNotIntact})
	}
	if c.form == "header" {
		ms = append(ms,
			mutation{name: "clock+16m", at: c.at.Add(16 * time.Minute), code: CodeSignatureDoesNotMatch,
				msg: "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"},
			mutation{name: "clock-16m", at: c.at.Add(-16 * time.Minute), code: CodeSignatureDoesNotMatch,
				msg: "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)"})
	} else {
		ms = append(ms,
			mutation{name: "clock+expires", at: c.at.Add(c.expires)},
			mutation{name: "clock+expires+1s", at: c.at.Add(c.expires + time.Second), code: CodeSignatureDoesNotMatch,
				msg: "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T133601Z - 60 min.)"},
			mutation{name: "clock-16m", at: c.at.Add(-16 * time.Minute), code: CodeSignatureDoesNotMatch,
				msg: "Signature not yet current: "})
	}
	return ms
}

func flipSignature(r *Request, form string) {
	flip := func(s, marker string) string {
		i := strings.Index(s, marker) + len(marker)
		c := byte('0')
		if s[i] == '0' {
			c = '1'
		}
		return s[:i] + string(c) + s[i+1:]
	}
	if form == "header" {
		r.Header.Set("Authorization", flip(r.Header.Get("Authorization"), "Signature="))
		return
	}
	r.RawTarget = flip(r.RawTarget, "X-Amz-Signature=")
}

func replaceAccessKey(r *Request, id string) {
	if authz := r.Header.Get("Authorization"); authz != "" {
		r.Header.Set("Authorization", strings.Replace(authz, "Credential="+suiteAccessKey, "Credential="+id, 1))
	}
	r.RawTarget = strings.Replace(r.RawTarget, "X-Amz-Credential="+suiteAccessKey, "X-Amz-Credential="+id, 1)
}

// mutateQuery changes one byte of the raw query: in the first parameter that
// is not SigV4's own, or else (presigned) in X-Amz-Expires.
func mutateQuery(raw, form string) string {
	parts := strings.Split(raw, "&")
	pick := -1
	for i, p := range parts {
		if p != "" && !strings.HasPrefix(p, "X-Amz-") {
			pick = i
			break
		}
	}
	if pick < 0 && form == "query" {
		pick = slices.IndexFunc(parts, func(p string) bool { return strings.HasPrefix(p, "X-Amz-Expires=") })
	}
	if pick < 0 {
		return raw
	}
	b := []byte(parts[pick])
	b[len(b)-1] = bump(b[len(b)-1])
	parts[pick] = string(b)
	return strings.Join(parts, "&")
}

func bump(c byte) byte {
	switch c {
	case 'z', 'Z', '9':
		return c - 1
	}
	return c + 1
}

func changeHeader(r *Request, name string) {
	switch {
	case isHostHeader(name):
		r.Host += "x"
	case name == "x-amz-date":
		t, _ := parseBasic(r.Header.Get("X-Amz-Date"))
		r.Header.Set("X-Amz-Date", basic(t.Add(time.Second)))
	default:
		vs := headerValues(r.Header, name)
		vs[0] += "x"
	}
}

func deleteHeader(r *Request, name string) {
	if isHostHeader(name) {
		r.Host = ""
		return
	}
	r.Header.Del(name)
}

// alterToken changes the session token wherever the request carries it.
func alterToken(r *Request) {
	if tok := r.Header.Get("X-Amz-Security-Token"); tok != "" {
		r.Header.Set("X-Amz-Security-Token", "A"+tok)
	}
	r.RawTarget = strings.Replace(r.RawTarget, "X-Amz-Security-Token=", "X-Amz-Security-Token=A", 1)
}
