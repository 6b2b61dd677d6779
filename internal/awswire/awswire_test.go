package awswire

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"regexp"
	"testing"

	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

func TestToLambda(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
		upper  bool
	}{
		{errkind.New(errkind.NotFound, "x"), 404, "ResourceNotFoundException", true},
		{errkind.New(errkind.Conflict, "x"), 409, "ResourceConflictException", false},
		{errkind.New(errkind.InvalidArgument, "x"), 400, "InvalidParameterValueException", false},
		{errkind.WithDetail(errkind.InvalidArgument, "UnknownOperationException", "x"), 400, "UnknownOperationException", false},
		{errkind.New(errkind.Validation, "x"), 400, "ValidationException", false},
		{errkind.New(errkind.InvalidContent, "x"), 400, "InvalidRequestContentException", false},
		{errkind.New(errkind.TooLarge, "x"), 413, "RequestEntityTooLargeException", true},
		{errkind.New(errkind.PreconditionFailed, "x"), 412, "PreconditionFailedException", false},
		{errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeSignatureDoesNotMatch, "x"), 403, "InvalidSignatureException", false},
		{errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeInvalidClientTokenID, "x"), 403, "UnrecognizedClientException", false},
		{errkind.WithDetail(errkind.Unauthenticated, sigv4.CodeMissingAuthenticationToken, "x"), 403, "MissingAuthenticationTokenException", false},
		{errkind.New(errkind.AccessDenied, "x"), 403, "AccessDeniedException", true},
		{errkind.WithDetail(errkind.Throttled, "ConcurrentInvocationLimitExceeded", "x"), 429, "TooManyRequestsException", false},
		{errors.New("disk on fire"), 500, "ServiceException", true},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			le := ToLambda(tt.err)
			if le.Status != tt.status || le.Code != tt.code || le.UpperMessage != tt.upper {
				t.Fatalf("ToLambda(%v) = %+v", tt.err, le)
			}
		})
	}
}

func TestInternalCauseNeverReachesTheBody(t *testing.T) {
	w := httptest.NewRecorder()
	WriteLambdaError(w, nil, "req-1", errkind.Wrap(errkind.Internal, "secret detail", errors.New("/var/lib/db: corrupt")))
	var body map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if w.Code != 500 || body["Type"] != "Service" || regexp.MustCompile(`corrupt|secret|/var`).MatchString(w.Body.String()) {
		t.Fatalf("internal error leaked: %d %s", w.Code, w.Body)
	}
	if w.Header().Get("X-Amzn-Errortype") != "ServiceException" || w.Header().Get("X-Amzn-Requestid") != "req-1" {
		t.Fatalf("headers %v", w.Header())
	}
}

func TestThrottleCarriesReasonAndRetryAfter(t *testing.T) {
	w := httptest.NewRecorder()
	WriteLambdaError(w, nil, "r", errkind.WithDetail(errkind.Throttled, "ConcurrentInvocationLimitExceeded", "Rate Exceeded."))
	var body map[string]string
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != 429 || body["Reason"] != "ConcurrentInvocationLimitExceeded" || body["message"] != "Rate Exceeded." || w.Header().Get("Retry-After") == "" {
		t.Fatalf("throttle: %d %v %v", w.Code, body, w.Header())
	}
}

func TestNewRequestIDIsAUUID(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := NewRequestID(), NewRequestID()
	if !re.MatchString(a) || a == b {
		t.Fatalf("request IDs %q %q", a, b)
	}
}
