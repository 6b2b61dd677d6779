// Package sigv4 verifies AWS Signature Version 4 requests.
//
// It is the server side of SigV4 for Lambent's AWS-compatible APIs (Lambda,
// IAM, STS, CloudWatch Logs, …), as iam.md §2 specifies. Verify
// authenticates a request in either form — the Authorization header
// ("AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…") or a
// presigned query (X-Amz-Algorithm, X-Amz-Credential, …) — and returns the
// caller's Credential. It authenticates only; authorisation is elsewhere.
//
// The gateway routes first (the signing name depends on the API), buffers
// the body within its size limit, then verifies:
//
//	v := sigv4.NewVerifier(sigv4.Config{Credentials: identities, Clock: clk})
//
//	func (g *Gateway) serveLambda(w http.ResponseWriter, r *http.Request) {
//		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.maxBody))
//		…
//		res, err := g.verifier.Verify(r.Context(), sigv4.FromHTTP(r, body), "lambda")
//		if err != nil {
//			g.writeError(w, err) // errkind.Error: Kind, Detail (a Code… constant), Public
//			return
//		}
//		caller := res.Credential.Subject
//		…
//	}
//
// Every authentication failure is an *errkind.Error. Its Detail is one of
// the Code… constants (the IAM/STS Query error code), its Public field is
// AWS's message for it, and its Kind is errkind.Unauthenticated, or
// errkind.InvalidArgument for the 400-class codes IncompleteSignature,
// MalformedQueryString and InvalidURIPath. The edge maps Detail to each
// protocol's code (for Lambda, SignatureDoesNotMatch becomes
// InvalidSignatureException and InvalidClientTokenId becomes
// UnrecognizedClientException). A CredentialSource failure other than
// errkind.NotFound (a store outage, say) is returned wrapped with its own
// kind, because it is not the caller's fault.
//
// # Design notes
//
// Raw bytes. The canonical URI is computed from the request-target exactly
// as received (Request.RawTarget, r.RequestURI), never from a decoded path:
// for every service but S3, AWS escapes the already-escaped path a second
// time, so "arn%3Aaws…" is canonically "arn%253Aaws…". Decoding first would
// reject every ARN or %24LATEST path. Dot segments are removed (RFC 3986
// §5.2.4), runs of '/' collapse, and a trailing slash is kept. The S3 rules
// (no normalisation, decode then encode once) exist only behind
// Config.DisableNormalization, for the signing suite's "-unnormalized" cases.
//
// Error order. Checks run in the order of iam.md §2.5 and the first failure
// wins: path (1), query escapes (4), form (5), algorithm and parameters
// (6/7), host signed (8), date format (9), clock skew or presign window
// (10/11), credential scope (12/13), session token and key (14b/14c/15),
// payload hash and signature (16). So a request with an unknown key and a
// bad signature is InvalidClientTokenId, never SignatureDoesNotMatch.
//
// Session tokens (§2.4). A temporary credential (Credential.SessionToken
// set) requires the request to carry the same token, compared in constant
// time; a long-term key must carry none. The token may be signed or appended
// after signing: in the header form an unsigned X-Amz-Security-Token header
// is simply read, and in the presigned form a failed check is retried once
// with X-Amz-Security-Token left out of the canonical query. This is safe
// because the token is bound to its access key and the signer still needs
// that key's secret.
//
// Hot path. A warm header-form verification makes one allocation (its
// *Result): working buffers come from a sync.Pool, header lookups build the
// canonical key on the stack, the query is decoded and re-encoded in one
// pass into a reused buffer, and the final HMAC runs over precomputed
// inner and outer key blocks. Derived signing keys are cached per (secret,
// date, region, service) in a map bounded at 1024 entries; when it is full
// an arbitrary entry makes room. Signatures are compared with hmac.Equal.
// Nothing here logs; public messages never contain a secret, a token or a
// signature (Signature values echoed from the Authorization header are
// redacted), and are capped at 1 KiB.
//
// Lambent decisions beyond iam.md: X-Amz-Expires is required in the
// presigned form and outside 1–604800 is IncompleteSignature, with S3's
// wording; an X-Amz-Content-Sha256 that is not the body's hex SHA-256
// (including UNSIGNED-PAYLOAD and STREAMING-…) is SignatureDoesNotMatch with
// S3's message for that case; a header value is trimmed of spaces and tabs
// and runs of spaces collapse (as aws-sdk-go-v2 does); a signed header that
// is absent contributes no line; Request.Header keys must be canonical, as
// net/http produces them; the window is printed as "N min." or, if not
// whole minutes, "N sec.".
package sigv4
