package logsapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// targetPrefix starts the X-Amz-Target header of every Logs operation.
const targetPrefix = "Logs_20140328."

// RequestIDHeader carries the request ID the gateway assigned.
const RequestIDHeader = "X-Lambent-Request-Id"

// Config holds the handler's dependencies; all are required.
type Config struct {
	Region     string
	Logs       store.Logs
	Authorizer authz.Authorizer
	Logger     *slog.Logger
	Clock      clock.Clock
}

// Validate reports a missing dependency.
func (c Config) Validate() error {
	switch {
	case c.Region == "":
		return errkind.New(errkind.InvalidArgument, "logsapi: region required")
	case c.Logs == nil:
		return errkind.New(errkind.InvalidArgument, "logsapi: log store required")
	case c.Authorizer == nil:
		return errkind.New(errkind.InvalidArgument, "logsapi: authorizer required")
	case c.Logger == nil:
		return errkind.New(errkind.InvalidArgument, "logsapi: logger required")
	case c.Clock == nil:
		return errkind.New(errkind.InvalidArgument, "logsapi: clock required")
	}
	return nil
}

// operation serves one decoded-later request body and returns the response
// shape to encode, or an error for writeError.
type operation func(h *Handler, c *call, body []byte) (any, error)

var operations = map[string]operation{
	"CreateLogGroup":     (*Handler).createLogGroup,
	"CreateLogStream":    (*Handler).createLogStream,
	"DeleteLogGroup":     (*Handler).deleteLogGroup,
	"DescribeLogGroups":  (*Handler).describeLogGroups,
	"DescribeLogStreams": (*Handler).describeLogStreams,
	"FilterLogEvents":    (*Handler).filterLogEvents,
	"GetLogEvents":       (*Handler).getLogEvents,
	"PutLogEvents":       (*Handler).putLogEvents,
}

// Handler serves the CloudWatch Logs subset over AWS JSON 1.1.
type Handler struct {
	cfg Config
}

// NewHandler returns a handler. cfg must pass Validate; NewHandler panics
// otherwise, since that is a wiring mistake.
func NewHandler(cfg Config) *Handler {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	return &Handler{cfg: cfg}
}

// call is one request being served.
type call struct {
	ctx       context.Context
	op        string
	requestID string
	principal *authz.Principal // nil when the gateway set none
	acct      account.ID
}

// ServeHTTP serves POST / with X-Amz-Target: Logs_20140328.<Operation>. The
// gateway has authenticated the caller and limited the body size.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{ctx: r.Context(), requestID: r.Header.Get(RequestIDHeader)}
	if c.requestID == "" {
		c.requestID = uuid.NewString()
	}
	w.Header().Set("x-amzn-RequestId", c.requestID)
	if p, ok := authz.PrincipalFrom(r.Context()); ok {
		c.principal, c.acct = p, p.Account
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	serve := operations[op]
	if r.Method != http.MethodPost || !ok || serve == nil {
		h.writeError(w, c, errUnknownOperation)
		return
	}
	c.op = op
	body, err := readBody(r)
	if err != nil {
		h.writeError(w, c, err)
		return
	}
	out, err := serve(h, c, body)
	if err != nil {
		h.writeError(w, c, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// authorize asks the authorizer whether the caller may run this operation
// on resource in its own account.
func (h *Handler) authorize(c *call, resource string) error {
	req := authz.Request{Principal: c.principal, Action: "logs:" + c.op, Resource: resource, ResourceAccount: c.acct}
	if c.principal == nil || !c.acct.Valid() {
		return authz.Denied(req)
	}
	err := h.cfg.Authorizer.Authorize(c.ctx, req)
	if err != nil && !errkind.Is(err, errkind.AccessDenied) {
		return fmt.Errorf("authorize: %w", err)
	}
	return err
}

// groupARN is the IAM resource of a log group as AWS evaluates it.
func (h *Handler) groupARN(c *call, group string) string {
	return "arn:aws:logs:" + h.cfg.Region + ":" + string(c.acct) + ":log-group:" + group + ":*"
}

// streamARN is the IAM resource of a log stream.
func (h *Handler) streamARN(c *call, group, stream string) string {
	return "arn:aws:logs:" + h.cfg.Region + ":" + string(c.acct) + ":log-group:" + group + ":log-stream:" + stream
}
