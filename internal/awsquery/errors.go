package awsquery

import (
	"encoding/xml"
	"log/slog"
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

// internalMessage is what a client sees of any server-side failure.
const internalMessage = "An internal error occurred. Retry the request; if it keeps failing, contact the operator with the request ID."

// WireError is the wire form of an error.
type WireError struct {
	Status  int
	Code    string
	Message string
}

// Type is "Sender" for client errors and "Receiver" for server errors.
func (e WireError) Type() string {
	if e.Status >= 500 {
		return "Receiver"
	}
	return "Sender"
}

// codeStatus is the HTTP status of every error code IAM and STS answer
// with [model iam 2010-05-08, sts 2011-06-15; iam.md §6.3]. A Detail that
// is not listed here is not an AWS code and never reaches the wire.
var codeStatus = map[string]int{
	"AccessDenied": 403, "RegionDisabledException": 403,
	"NoSuchEntity":        404,
	"EntityAlreadyExists": 409, "DeleteConflict": 409, "LimitExceeded": 409, "ConcurrentModification": 409,
	"MalformedPolicyDocument": 400, "InvalidInput": 400, "UnmodifiableEntity": 400,
	"PolicyNotAttachable": 400, "ValidationError": 400, "InvalidParameterValue": 400,
	"PackedPolicyTooLarge": 400, "ExpiredTokenException": 400, "InvalidAction": 400,
	"MissingAction": 400, "MalformedQueryString": 400, "MissingParameter": 400,
	"InvalidParameterCombination": 400, "Throttling": 400, "EntityTemporarilyUnmodifiable": 409,
	"PasswordPolicyViolation": 400, "InvalidIdentityToken": 400, "IDPRejectedClaim": 403,
	"ServiceUnavailable": 503,
}

// authStatus maps the SigV4 failure classes to Query statuses.
var authStatus = map[string]int{
	sigv4.CodeInvalidClientTokenID: 403, sigv4.CodeSignatureDoesNotMatch: 403,
	sigv4.CodeExpiredToken: 403, sigv4.CodeMissingAuthenticationToken: 403,
	sigv4.CodeIncompleteSignature: 400, sigv4.CodeMalformedQueryString: 400,
	sigv4.CodeInvalidURIPath: 400,
}

// ToWire maps err to the error s answers with. Only classified errors keep
// their public message; anything server-side gets a neutral one.
func ToWire(s Service, err error) WireError {
	e, ok := errkind.As(err)
	if !ok {
		return WireError{Status: 500, Code: s.internalCode(), Message: internalMessage}
	}
	we := s.table(e)
	we.Message = e.Public
	if we.Status >= 500 {
		we.Message = internalMessage
	}
	return we
}

func (s Service) internalCode() string {
	if s == STS {
		return "InternalFailure"
	}
	return "ServiceFailure"
}

func (s Service) table(e *errkind.Error) WireError {
	if e.Kind == errkind.Unauthenticated {
		if st, ok := authStatus[e.Detail]; ok {
			return WireError{Status: st, Code: e.Detail}
		}
		return WireError{Status: 403, Code: sigv4.CodeInvalidClientTokenID}
	}
	if st, ok := codeStatus[e.Detail]; ok && e.Kind != errkind.Internal {
		return WireError{Status: st, Code: e.Detail}
	}
	switch e.Kind {
	case errkind.NotFound:
		return WireError{Status: 404, Code: "NoSuchEntity"}
	case errkind.AlreadyExists:
		return WireError{Status: 409, Code: "EntityAlreadyExists"}
	case errkind.Conflict:
		return WireError{Status: 409, Code: "DeleteConflict"}
	case errkind.PreconditionFailed:
		return WireError{Status: 409, Code: "ConcurrentModification"}
	case errkind.TooLarge:
		return WireError{Status: 409, Code: "LimitExceeded"}
	case errkind.InvalidArgument, errkind.InvalidContent:
		return WireError{Status: 400, Code: s.invalidCode()}
	case errkind.Validation:
		return WireError{Status: 400, Code: "ValidationError"}
	case errkind.AccessDenied:
		return WireError{Status: 403, Code: "AccessDenied"}
	case errkind.Throttled:
		return WireError{Status: 400, Code: "Throttling"}
	case errkind.Unavailable:
		return WireError{Status: 503, Code: "ServiceUnavailable"}
	default:
		return WireError{Status: 500, Code: s.internalCode()}
	}
}

func (s Service) invalidCode() string {
	if s == STS {
		return "InvalidParameterValue"
	}
	return "InvalidInput"
}

type errorResponse struct {
	XMLName   xml.Name  `xml:"ErrorResponse"`
	Xmlns     string    `xml:"xmlns,attr"`
	Error     errorBody `xml:"Error"`
	RequestID string    `xml:"RequestId"`
}

type errorBody struct {
	Type    string `xml:"Type"`
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// MarshalError renders we as an <ErrorResponse> document.
func MarshalError(s Service, requestID string, we WireError) []byte {
	b, _ := xml.Marshal(errorResponse{Xmlns: s.Namespace(), RequestID: requestID,
		Error: errorBody{Type: we.Type(), Code: we.Code, Message: we.Message}})
	return b
}

// WriteError writes err as s's <ErrorResponse> and logs the internal
// cause of server-side failures under the request ID.
func WriteError(w http.ResponseWriter, log *slog.Logger, s Service, requestID string, err error) {
	we := ToWire(s, err)
	if we.Status >= 500 && log != nil {
		log.Error("request failed", "request_id", requestID, "err", err)
	}
	write(w, requestID, we.Status, MarshalError(s, requestID, we))
}
