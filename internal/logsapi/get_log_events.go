package logsapi

import (
	"slices"
	"strings"

	"lambent/internal/store"
)

type getLogEventsInput struct {
	LogGroupName       string `json:"logGroupName"`
	LogGroupIdentifier string `json:"logGroupIdentifier"`
	LogStreamName      string `json:"logStreamName"`
	StartTime          *int64 `json:"startTime"`
	EndTime            *int64 `json:"endTime"`
	NextToken          string `json:"nextToken"`
	Limit              *int64 `json:"limit"`
	StartFromHead      bool   `json:"startFromHead"`
	Unmask             bool   `json:"unmask"` // nothing is masked
}

type outputLogEvent struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

type getLogEventsOutput struct {
	Events            []outputLogEvent `json:"events"`
	NextForwardToken  string           `json:"nextForwardToken"`
	NextBackwardToken string           `json:"nextBackwardToken"`
}

// Prefixes of GetLogEvents' tokens, as AWS writes them.
const (
	forwardPrefix  = "f/"
	backwardPrefix = "b/"
)

func (h *Handler) parseGetLogEvents(c *call, body []byte) (store.LogQuery, error) {
	var in getLogEventsInput
	if err := decode(body, &in); err != nil {
		return store.LogQuery{}, err
	}
	group, err := h.logGroup(c, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return store.LogQuery{}, err
	}
	if in.LogStreamName == "" {
		return store.LogQuery{}, required("logStreamName")
	}
	if err := checkStreamName("logStreamName", in.LogStreamName); err != nil {
		return store.LogQuery{}, err
	}
	q := store.LogQuery{Group: group, Streams: []string{in.LogStreamName}, Backward: !in.StartFromHead}
	if q.Start, q.End, err = timeRange(in.StartTime, in.EndTime, false); err != nil {
		return store.LogQuery{}, err
	}
	if q.Limit, err = checkLimit(in.Limit, maxEventsPerPage, maxEventsPerPage); err != nil {
		return store.LogQuery{}, err
	}
	if in.NextToken == "" {
		return q, nil
	}
	// A token sets the direction, whatever startFromHead says.
	raw, forward := strings.CutPrefix(in.NextToken, forwardPrefix)
	if !forward {
		var ok bool
		if raw, ok = strings.CutPrefix(in.NextToken, backwardPrefix); !ok {
			return store.LogQuery{}, errInvalidToken
		}
	}
	tok, err := decodeToken(raw, c.op, group, in.LogStreamName)
	if err != nil {
		return store.LogQuery{}, err
	}
	q.Backward = !forward
	if forward {
		q.AfterID = tok.ID
	} else {
		q.BeforeID = tok.ID
	}
	return q, nil
}

// getLogEvents serves GetLogEvents. Both tokens are always returned; at the
// end of the stream the forward token equals the one passed in, which is how
// clients know to stop.
func (h *Handler) getLogEvents(c *call, body []byte) (any, error) {
	q, err := h.parseGetLogEvents(c, body)
	if err != nil {
		return nil, err
	}
	stream := q.Streams[0]
	if err := h.authorize(c, h.streamARN(c, q.Group, stream)); err != nil {
		return nil, err
	}
	if err := h.checkStream(c, q.Group, stream); err != nil {
		return nil, err
	}
	evs, err := h.cfg.Logs.QueryLogEvents(c.ctx, c.acct, q)
	if err != nil {
		return nil, storeError("query log events", err, errGroupNotFound)
	}
	evs = capPage(evs)
	if q.Backward {
		slices.Reverse(evs)
	}
	out := &getLogEventsOutput{Events: make([]outputLogEvent, 0, len(evs))}
	for _, ev := range evs {
		out.Events = append(out.Events, outputLogEvent{ev.Timestamp, ev.Message, ev.IngestionTime})
	}
	after, before := tokenPositions(q, evs)
	tok := pageToken{Op: c.op, Group: q.Group, Stream: stream}
	tok.ID = after
	out.NextForwardToken = forwardPrefix + tok.encode()
	tok.ID = before
	out.NextBackwardToken = backwardPrefix + tok.encode()
	return out, nil
}

// capPage keeps the events, in query order, that fit in one response.
func capPage(evs []store.LogEvent) []store.LogEvent {
	size := 0
	for i, ev := range evs {
		size += len(ev.Message) + eventOverhead
		if size > maxPageBytes && i > 0 {
			return evs[:i]
		}
	}
	return evs
}

// tokenPositions returns the event IDs the next forward page starts after
// and the next backward page ends before. With no events the position
// stays where the query was, so a caller polling forward gets its token
// back.
func tokenPositions(q store.LogQuery, ascending []store.LogEvent) (after, before int64) {
	if n := len(ascending); n > 0 {
		return ascending[n-1].ID, ascending[0].ID
	}
	switch {
	case !q.Backward:
		return q.AfterID, q.AfterID + 1
	case q.BeforeID > 0:
		return q.BeforeID - 1, q.BeforeID
	default: // the newest page of an empty range
		return 0, 1
	}
}
