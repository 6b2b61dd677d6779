package logsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"lambent/internal/errkind"
)

const contentType = "application/x-amz-json-1.1"

// apiError is an error in CloudWatch Logs' wire vocabulary.
type apiError struct {
	Status  int
	Type    string // __type
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func invalidParameter(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, "InvalidParameterException", fmt.Sprintf(format, args...)}
}

// The errors whose text AWS fixes.
var (
	errUnknownOperation = &apiError{http.StatusBadRequest, "UnknownOperationException", "The requested operation is not supported."}
	errSerialization    = &apiError{http.StatusBadRequest, "SerializationException", "The request body could not be parsed."}
	errTooLarge         = &apiError{http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Request entity too large."}
	errGroupNotFound    = &apiError{http.StatusBadRequest, "ResourceNotFoundException", "The specified log group does not exist."}
	errStreamNotFound   = &apiError{http.StatusBadRequest, "ResourceNotFoundException", "The specified log stream does not exist."}
	errGroupExists      = &apiError{http.StatusBadRequest, "ResourceAlreadyExistsException", "The specified log group already exists"}
	errStreamExists     = &apiError{http.StatusBadRequest, "ResourceAlreadyExistsException", "The specified log stream already exists"}
	errInvalidToken     = &apiError{http.StatusBadRequest, "InvalidParameterException", "The specified nextToken is invalid."}
	errInvalidPattern   = &apiError{http.StatusBadRequest, "InvalidParameterException", "Invalid filter pattern"}
	errServiceFault     = &apiError{http.StatusInternalServerError, "ServiceUnavailableException", "The service cannot complete the request."}
)

// readBody reads the whole (gateway-limited) body.
func readBody(r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errTooLarge
		}
		return nil, fmt.Errorf("read body: %w: %w", errSerialization, err)
	}
	return body, nil
}

// decode parses a JSON 1.1 request body into v; an empty body is {}.
// Unknown members are ignored, as AWS does for forward compatibility.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode request: %w: %w", errSerialization, err)
	}
	return nil
}

// validationError is AWS's message for a member that breaks its model
// constraint.
func validationError(member string, value any, constraint string) error {
	return invalidParameter("1 validation error detected: Value '%v' at '%s' failed to satisfy constraint: %s",
		value, member, constraint)
}

// checkLimit returns the page size: def when unset, else limit if in
// 1..max.
func checkLimit(limit *int64, def, max int) (int, error) {
	if limit == nil {
		return def, nil
	}
	if *limit < 1 {
		return 0, validationError("limit", *limit, "Member must have value greater than or equal to 1")
	}
	if *limit > int64(max) {
		return 0, validationError("limit", *limit, "Member must have value less than or equal to "+strconv.Itoa(max))
	}
	return int(*limit), nil
}

func checkTime(member string, t *int64) error {
	if t != nil && *t < 0 {
		return validationError(member, *t, "Member must have value greater than or equal to 0")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every response shape is marshalable; this is a programming error.
		status, body = http.StatusInternalServerError, []byte(`{"__type":"ServiceUnavailableException"}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with the wire form of err. Internal causes are logged
// under the request ID and never sent.
func (h *Handler) writeError(w http.ResponseWriter, c *call, err error) {
	e := toAPIError(err)
	if e.Status >= 500 {
		h.cfg.Logger.Error("logs request failed", "requestId", c.requestID, "op", c.op, "err", err)
	} else {
		h.cfg.Logger.Debug("logs request refused", "requestId", c.requestID, "op", c.op, "err", err)
	}
	writeJSON(w, e.Status, struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{e.Type, e.Message})
}

// toAPIError maps err onto the Logs error vocabulary: an apiError in the
// chain wins, then the error kind with its public message.
func toAPIError(err error) *apiError {
	if e, ok := errors.AsType[*apiError](err); ok {
		return e
	}
	e, ok := errkind.As(err)
	if !ok || errors.Is(err, context.Canceled) {
		return errServiceFault
	}
	switch e.Kind {
	case errkind.AccessDenied:
		return &apiError{http.StatusBadRequest, "AccessDeniedException", e.Public}
	case errkind.NotFound:
		return &apiError{http.StatusBadRequest, "ResourceNotFoundException", e.Public}
	case errkind.AlreadyExists:
		return &apiError{http.StatusBadRequest, "ResourceAlreadyExistsException", e.Public}
	case errkind.InvalidArgument, errkind.Validation, errkind.InvalidContent, errkind.TooLarge:
		return &apiError{http.StatusBadRequest, "InvalidParameterException", e.Public}
	case errkind.Conflict, errkind.PreconditionFailed:
		return &apiError{http.StatusBadRequest, "OperationAbortedException", e.Public}
	case errkind.Throttled:
		return &apiError{http.StatusBadRequest, "ThrottlingException", "Rate exceeded"}
	case errkind.Unauthenticated:
		return &apiError{http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid."}
	}
	return errServiceFault
}
