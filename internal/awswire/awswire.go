// Package awswire knows the AWS wire shapes that are shared between APIs:
// request IDs and the translation of errkind kinds into AWS error codes,
// HTTP statuses and bodies. It is the only place where a classified error
// becomes a wire error; internal causes are logged under the request ID and
// never written to a response.
package awswire

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"

	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

// NewRequestID returns a random UUID (version 4) string.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// LambdaError is the wire form of an error for the Lambda REST-JSON API.
type LambdaError struct {
	Status int
	Code   string
	// UpperMessage selects the "Message" member instead of "message",
	// following each error shape of the service model.
	UpperMessage bool
	Message      string
	Reason       string // throttles only
}

// ToLambda maps err to Lambda's wire error.
func ToLambda(err error) LambdaError {
	e, ok := errkind.As(err)
	if !ok {
		return LambdaError{Status: 500, Code: "ServiceException", UpperMessage: true,
			Message: "An internal error occurred. Retry the request; if it keeps failing, contact the operator with the request ID."}
	}
	le := lambdaTable(e)
	le.Message = e.Public
	if le.Status == 500 {
		le.Message = "An internal error occurred. Retry the request; if it keeps failing, contact the operator with the request ID."
	}
	return le
}

func lambdaTable(e *errkind.Error) LambdaError {
	switch e.Kind {
	case errkind.NotFound:
		return LambdaError{Status: 404, Code: "ResourceNotFoundException", UpperMessage: true}
	case errkind.AlreadyExists, errkind.Conflict:
		return LambdaError{Status: 409, Code: "ResourceConflictException"}
	case errkind.InvalidArgument:
		return LambdaError{Status: 400, Code: orDefault(e.Detail, "InvalidParameterValueException")}
	case errkind.Validation:
		return LambdaError{Status: 400, Code: "ValidationException"}
	case errkind.InvalidContent:
		return LambdaError{Status: 400, Code: "InvalidRequestContentException"}
	case errkind.TooLarge:
		return LambdaError{Status: 413, Code: "RequestEntityTooLargeException", UpperMessage: true}
	case errkind.PreconditionFailed:
		return LambdaError{Status: 412, Code: "PreconditionFailedException"}
	case errkind.Unauthenticated:
		return lambdaAuthError(e.Detail)
	case errkind.AccessDenied:
		return LambdaError{Status: 403, Code: "AccessDeniedException", UpperMessage: true}
	case errkind.Throttled:
		return LambdaError{Status: 429, Code: "TooManyRequestsException", Reason: e.Detail}
	case errkind.Unavailable:
		return LambdaError{Status: 503, Code: "ServiceException", UpperMessage: true}
	default:
		return LambdaError{Status: 500, Code: "ServiceException", UpperMessage: true}
	}
}

// lambdaAuthError maps a SigV4 failure to the codes Lambda answers with.
func lambdaAuthError(detail string) LambdaError {
	switch detail {
	case sigv4.CodeInvalidClientTokenID:
		return LambdaError{Status: 403, Code: "UnrecognizedClientException"}
	case sigv4.CodeExpiredToken:
		return LambdaError{Status: 403, Code: "ExpiredTokenException"}
	case sigv4.CodeMissingAuthenticationToken:
		return LambdaError{Status: 403, Code: "MissingAuthenticationTokenException"}
	case sigv4.CodeIncompleteSignature:
		return LambdaError{Status: 400, Code: "IncompleteSignatureException"}
	case sigv4.CodeMalformedQueryString:
		return LambdaError{Status: 400, Code: "MalformedQueryString"}
	default:
		return LambdaError{Status: 403, Code: "InvalidSignatureException"}
	}
}

func orDefault(s, def string) string {
	if s != "" && len(s) > len("Exception") && s[len(s)-len("Exception"):] == "Exception" {
		return s
	}
	return def
}

// WriteLambdaError writes err as a Lambda REST-JSON error and logs the
// internal cause of server-side failures.
func WriteLambdaError(w http.ResponseWriter, log *slog.Logger, requestID string, err error) {
	le := ToLambda(err)
	if le.Status >= 500 && log != nil {
		log.Error("request failed", "request_id", requestID, "err", err)
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json"}
	h["X-Amzn-Requestid"] = []string{requestID}
	h["X-Amzn-Errortype"] = []string{le.Code}
	typ := "User"
	if le.Status >= 500 {
		typ = "Service"
	}
	body := map[string]string{"Type": typ}
	if le.UpperMessage {
		body["Message"] = le.Message
	} else {
		body["message"] = le.Message
	}
	if le.Reason != "" {
		body["Reason"] = le.Reason
		h["Retry-After"] = []string{strconv.Itoa(1)}
	}
	b, _ := json.Marshal(body)
	w.WriteHeader(le.Status)
	_, _ = w.Write(b)
}

// WriteJSON writes a Lambda REST-JSON success response.
func WriteJSON(w http.ResponseWriter, requestID string, status int, v any) {
	h := w.Header()
	h["X-Amzn-Requestid"] = []string{requestID}
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		WriteLambdaError(w, nil, requestID, err)
		return
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
