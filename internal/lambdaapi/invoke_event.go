package lambdaapi

import (
	"context"
	"encoding/json"
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/queue"
	"lambent/internal/store"
)

// The asynchronous invocation type and its payload limits.
const (
	invocationTypeEvent   = "Event"
	maxEventPayload       = 1048576
	maxInvokeAsyncPayload = 262144
)

// eventQueue is the optional capability of Config.Invoker that accepts
// Event invocations: the daemon wires the queue (queue.Service) into its
// invoker. Without it, Event invocations are refused.
type eventQueue interface {
	Submit(ctx context.Context, s queue.Submission) error
}

// invokeEvent answers an Invoke with InvocationType Event: 202 once the
// event is stored durably, with the request ID the invocation will run
// under.
func (a *API) invokeEvent(c *call, t target, cfg *function.Config) error {
	if err := a.submitEvent(c, t, cfg, maxEventPayload); err != nil {
		return err
	}
	awswireJSON(c, http.StatusAccepted, nil)
	return nil
}

// invokeAsync serves the deprecated InvokeAsync operation: the Event path
// with its own 256 KB limit, answering {"Status":202}.
func (a *API) invokeAsync(c *call) error {
	t, err := a.resolve(c, true)
	if err != nil {
		return err
	}
	_, cfg, err := a.load(c, t)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) && t.qualifier == "" {
			return errkind.Wrap(errkind.NotFound, "Function not found: "+t.arn+":"+store.LatestVersion, err)
		}
		return err
	}
	if err := a.authorize(c, "lambda:InvokeFunction", t.qualifiedARN()); err != nil {
		return err
	}
	if cfg.Live == nil {
		return errkind.New(errkind.Conflict,
			"The operation cannot be performed at this time. The function is currently in the following state: "+cfg.State)
	}
	if err := a.submitEvent(c, t, cfg, maxInvokeAsyncPayload); err != nil {
		return err
	}
	awswireJSON(c, http.StatusAccepted, struct{ Status int }{http.StatusAccepted})
	return nil
}

// submitEvent checks the payload and queues it; the caller has resolved,
// authorised and checked the function's state.
func (a *API) submitEvent(c *call, t target, cfg *function.Config, limit int) error {
	q, ok := a.cfg.Invoker.(eventQueue)
	if !ok {
		return errkind.New(errkind.InvalidArgument, "Asynchronous invocation (InvocationType Event) is not available on this Lambent server.")
	}
	if len(c.body) > limit {
		return errkind.Newf(errkind.TooLarge, "%d byte payload is too large for the Event invocation type (limit %d bytes)",
			len(c.body), limit)
	}
	if len(c.body) > 0 && !json.Valid(c.body) {
		return errkind.New(errkind.InvalidContent,
			"Could not parse request body into json: Could not parse payload into json: Unexpected character or end of input")
	}
	return q.Submit(c.r.Context(), queue.Submission{Account: c.acct(), RequestID: c.requestID, Function: t.name,
		Qualifier: t.qualifier, Payload: c.body, TimeoutSec: cfg.Live.TimeoutSec})
}
