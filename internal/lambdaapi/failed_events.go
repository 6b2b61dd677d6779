package lambdaapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// failedEventsPageMax bounds a page of the failed-events listing.
const failedEventsPageMax = 100

// failedEventLister is the store's failed-event listing (part of
// store.Queue).
type failedEventLister interface {
	FailedEvents(ctx context.Context, acct account.ID, function string, after int64, limit int) ([]*store.FailedEvent, error)
}

type failedEventsOutput struct {
	FailedEvents []failedEvent `json:"FailedEvents"`
	NextMarker   string        `json:"NextMarker,omitempty"`
}

type failedEvent struct {
	RequestID              string          `json:"RequestId"`
	FunctionArn            string          `json:"FunctionArn"`
	Condition              string          `json:"Condition"`
	ApproximateInvokeCount int             `json:"ApproximateInvokeCount"`
	EnqueuedAt             string          `json:"EnqueuedAt"`
	FailedAt               string          `json:"FailedAt"`
	FunctionError          string          `json:"FunctionError,omitempty"`
	RequestPayload         json.RawMessage `json:"RequestPayload"`
	ResponsePayload        json.RawMessage `json:"ResponsePayload,omitempty"`
}

// listFailedEvents serves Lambent's admin listing of a function's failed
// asynchronous events (GET /lambent/admin/functions/{fn}/failed-events):
// events that exhausted their retries or maximum age with no destination
// or dead-letter target, kept until their retention ends. Only the
// account's root credentials may read them: they hold event payloads.
func (a *API) listFailedEvents(c *call) error {
	t, err := a.resolve(c, true)
	if err != nil {
		return err
	}
	if !c.principal.IsRoot {
		return errkind.New(errkind.AccessDenied, "Listing failed events requires the account's root credentials.")
	}
	if err := a.authorizeOn(c, t.unqualified(), "lambent:ListFailedEvents", nil); err != nil {
		return err
	}
	q := c.r.URL.Query()
	limit, err := maxItems(q.Get("MaxItems"), failedEventsPageMax)
	if err != nil {
		return err
	}
	after, err := failedEventsMarker(q.Get("Marker"))
	if err != nil {
		return err
	}
	page, err := a.cfg.FailedEvents.FailedEvents(c.r.Context(), t.acct, t.name, after, limit+1)
	if err != nil {
		return err
	}
	out := failedEventsOutput{FailedEvents: []failedEvent{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextMarker = encodeMarker(strconv.FormatInt(page[len(page)-1].Seq, 10))
	}
	for _, f := range page {
		out.FailedEvents = append(out.FailedEvents, a.renderFailedEvent(string(t.acct), f))
	}
	awswireJSON(c, http.StatusOK, out)
	return nil
}

func failedEventsMarker(m string) (int64, error) {
	s, err := decodeMarker(m)
	if err != nil || s == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errkind.New(errkind.InvalidArgument, "Invalid Marker: it must be a NextMarker value returned by a previous call.")
	}
	return n, nil
}

func (a *API) renderFailedEvent(acct string, f *store.FailedEvent) failedEvent {
	qualifier := f.Qualifier
	if qualifier == "" {
		qualifier = store.LatestVersion
	}
	out := failedEvent{
		RequestID: f.ID, FunctionArn: arn.QualifiedFunctionARN(a.cfg.Region, acct, f.Function, qualifier),
		Condition: f.Condition, ApproximateInvokeCount: f.Attempts, EnqueuedAt: timestamp(f.EnqueuedAt),
		FailedAt: timestamp(f.FailedAt), FunctionError: f.FunctionError, RequestPayload: rawJSON(f.Payload),
	}
	if f.Response != nil {
		out.ResponsePayload = rawJSON(f.Response)
	}
	return out
}

// rawJSON embeds b when it is JSON, else b as a JSON string (null when
// empty).
func rawJSON(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}
