package sigv4

import (
	"strconv"
	"time"
	"unicode/utf8"

	"lambent/internal/errkind"
)

// Detail codes carried in errkind.Error.Detail. They are the IAM/STS Query
// error codes of iam.md §2.5; the edge maps them to each protocol's codes
// (for Lambda: InvalidSignatureException, UnrecognizedClientException, …).
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeInvalidClientTokenID       = "InvalidClientTokenId"
	CodeExpiredToken               = "ExpiredToken"
	CodeMalformedQueryString       = "MalformedQueryString"
	// CodeInvalidURIPath marks step 1 of §2.5: the request path is not
	// absolute, navigates above the root, or (S3 rules only) has a broken
	// escape. AWS answers 400 with an empty body; the Public message is for
	// logs and may be dropped by the edge.
	CodeInvalidURIPath = "InvalidURIPath"
)

// Public messages, exactly as AWS prints them (iam.md §2.5).
const (
	msgMissingAuthToken  = "Request is missing Authentication Token"
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgHostNotSigned     = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	msgTokenNotIntact    = "The security token included in the request is invalid" // 14b: no final period
	msgUnknownAccessKey  = "The security token included in the request is invalid."
	msgTokenExpired      = "The security token included in the request is expired"
	msgContentSHA256     = "The provided 'x-amz-content-sha256' header does not match what was computed."
	msgIncompleteEscape  = "Incomplete trailing escape % sequence"
	msgIllegalHexEscape  = "Illegal hex character in escape % pattern: %"
	msgReexamineQuery    = "Re-examine the query-string parameters."
	msgCredentialParts   = "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '"
	msgISO8601BasicStart = "Date must be in ISO-8601 'basic format'. Got '"
	msgISO8601BasicEnd   = "'. See http://en.wikipedia.org/wiki/ISO_8601"
)

// maxPublic caps a public message: several echo request text, and a
// megabyte of header should not become a megabyte of log line.
const maxPublic = 1024

// fail returns the classified error for code with a public message.
func fail(code, public string) error {
	if len(public) > maxPublic {
		n := maxPublic
		for n > 0 && !utf8.RuneStart(public[n]) {
			n--
		}
		public = public[:n] + "…"
	}
	kind := errkind.Unauthenticated
	switch code {
	case CodeIncompleteSignature, CodeMalformedQueryString, CodeInvalidURIPath:
		kind = errkind.InvalidArgument
	}
	return &errkind.Error{Kind: kind, Detail: code, Public: public}
}

// errExpired is step 10: the request date is before the window opened.
// window is printed the way AWS prints it ("15 min").
func errExpired(date, earliest, now time.Time, window time.Duration) error {
	return fail(CodeSignatureDoesNotMatch, "Signature expired: "+basic(date)+" is now earlier than "+
		basic(earliest)+" ("+basic(now)+" - "+formatWindow(window)+".)")
}

// errNotYetCurrent is step 11: the request date is after the window closes.
func errNotYetCurrent(date, latest, now time.Time, window time.Duration) error {
	return fail(CodeSignatureDoesNotMatch, "Signature not yet current: "+basic(date)+" is still later than "+
		basic(latest)+" ("+basic(now)+" + "+formatWindow(window)+".)")
}

// formatWindow prints d as AWS does ("15 min"); durations that are not whole
// minutes are printed in seconds.
func formatWindow(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + " sec"
}

// basic formats t in ISO 8601 basic format, UTC.
func basic(t time.Time) string { return t.UTC().Format(iso8601Basic) }
