package awsquery

import (
	"context"
	"log/slog"
	"net/http"

	"lambent/internal/authz"
	"lambent/internal/errkind"
)

// Handler answers one decoded request of an authenticated principal with
// its result element.
type Handler func(ctx context.Context, p *authz.Principal, req *Request) (any, error)

// Serve is the front of a Query API: it takes the principal the gateway
// authenticated, decodes the request, runs handle and writes the result
// or the error in s's shape.
func Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string, s Service, log *slog.Logger, handle Handler) {
	action, res, err := serve(r, body, handle)
	if err == nil {
		err = WriteResult(w, s, action, requestID, res)
	}
	if err != nil {
		WriteError(w, log, s, requestID, err)
	}
}

func serve(r *http.Request, body []byte, handle Handler) (string, any, error) {
	p, ok := authz.PrincipalFrom(r.Context())
	if !ok {
		return "", nil, errkind.WithDetail(errkind.Unauthenticated, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	req, err := Decode(r, body)
	if err != nil {
		return "", nil, err
	}
	res, err := handle(r.Context(), p, req)
	return req.Action, res, err
}

// InvalidAction is the error for an action s does not have.
func InvalidAction(s Service, action string) error {
	return errkind.WithDetail(errkind.InvalidArgument, "InvalidAction",
		"Could not find operation "+action+" for version "+s.Version())
}
