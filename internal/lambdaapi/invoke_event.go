package lambdaapi

import (
	"context"
	"encoding/json"
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/queue"
)

// The asynchronous invocation type and its payload limits.
const (
	invocationTypeEvent   = "Event"
	maxEventPayload       = 1048576
	maxInvokeAsyncPayload = 262144
)

// eventQueue is the subset of queue.Service the API uses: it accepts
// Event invocations.
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
	t, _, cfg, err := a.invocable(c)
	if err != nil {
		return err
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
	if len(c.body) > limit {
		return errkind.Newf(errkind.TooLarge, "%d byte payload is too large for the Event invocation type (limit %d bytes)",
			len(c.body), limit)
	}
	if len(c.body) > 0 && !json.Valid(c.body) {
		return errkind.New(errkind.InvalidContent,
			"Could not parse request body into json: Could not parse payload into json: Unexpected character or end of input")
	}
	return a.cfg.Events.Submit(c.r.Context(), queue.Submission{Account: t.acct, RequestID: c.requestID, Function: t.name,
		Qualifier: t.qualifier, Payload: c.body, TimeoutSec: cfg.Live.TimeoutSec})
}
