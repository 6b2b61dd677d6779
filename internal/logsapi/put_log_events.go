package logsapi

import (
	"fmt"
	"time"

	"lambent/internal/store"
)

// PutLogEvents limits, as CloudWatch sets them.
const (
	maxPutEvents     = 10000
	maxPutBytes      = 1_048_576
	maxEventBytes    = 262_144 // message plus eventOverhead
	maxBatchSpan     = 24 * time.Hour
	maxEventAge      = 14 * 24 * time.Hour
	maxEventFutureIn = 2 * time.Hour
)

type inputLogEvent struct {
	Timestamp *int64  `json:"timestamp"`
	Message   *string `json:"message"`
}

type putLogEventsInput struct {
	LogGroupName  string          `json:"logGroupName"`
	LogStreamName string          `json:"logStreamName"`
	LogEvents     []inputLogEvent `json:"logEvents"`
	SequenceToken string          `json:"sequenceToken"` // ignored, as AWS now does
}

// rejectedLogEventsInfo holds inclusive indexes into the request's events.
type rejectedLogEventsInfo struct {
	TooNewLogEventStartIndex *int `json:"tooNewLogEventStartIndex,omitempty"`
	TooOldLogEventEndIndex   *int `json:"tooOldLogEventEndIndex,omitempty"`
}

type putLogEventsOutput struct {
	RejectedLogEventsInfo *rejectedLogEventsInfo `json:"rejectedLogEventsInfo,omitempty"`
}

func parsePutLogEvents(body []byte) (putLogEventsInput, error) {
	var in putLogEventsInput
	if err := decode(body, &in); err != nil {
		return in, err
	}
	if _, _, err := checkGroupAndStream(in.LogGroupName, in.LogStreamName); err != nil {
		return in, err
	}
	switch n := len(in.LogEvents); {
	case n == 0:
		return in, validationError("logEvents", "[]", "Member must have length greater than or equal to 1")
	case n > maxPutEvents:
		return in, validationError("logEvents", n, "Member must have length less than or equal to 10000")
	}
	total := 0
	for i, ev := range in.LogEvents {
		member := fmt.Sprintf("logEvents.%d.member", i+1)
		switch {
		case ev.Timestamp == nil:
			return in, required(member + ".timestamp")
		case ev.Message == nil:
			return in, required(member + ".message")
		case *ev.Message == "":
			return in, validationError(member+".message", "", "Member must have length greater than or equal to 1")
		case *ev.Timestamp < 0:
			return in, validationError(member+".timestamp", *ev.Timestamp, "Member must have value greater than or equal to 0")
		case i > 0 && *ev.Timestamp < *in.LogEvents[i-1].Timestamp:
			return in, invalidParameter("Log events in a single PutLogEvents request must be in chronological order.")
		}
		size := len(*ev.Message) + eventOverhead
		if size > maxEventBytes {
			return in, invalidParameter("Log event too large: %d bytes exceeds limit of %d", size, maxEventBytes)
		}
		total += size
	}
	if total > maxPutBytes {
		return in, invalidParameter("Upload too large: %d bytes exceeds limit of %d", total, maxPutBytes)
	}
	first, last := *in.LogEvents[0].Timestamp, *in.LogEvents[len(in.LogEvents)-1].Timestamp
	if last-first > maxBatchSpan.Milliseconds() {
		return in, invalidParameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
	}
	return in, nil
}

// putLogEvents serves PutLogEvents. Events more than 14 days old or 2 hours
// ahead are rejected and reported, the rest stored.
func (h *Handler) putLogEvents(c *call, body []byte) (any, error) {
	in, err := parsePutLogEvents(body)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(c, h.streamARN(c, in.LogGroupName, in.LogStreamName)); err != nil {
		return nil, err
	}
	if err := h.checkStream(c, in.LogGroupName, in.LogStreamName); err != nil {
		return nil, err
	}
	now := h.cfg.Clock.Now()
	oldest, newest := now.Add(-maxEventAge).UnixMilli(), now.Add(maxEventFutureIn).UnixMilli()
	out := &putLogEventsOutput{}
	evs := make([]store.LogEvent, 0, len(in.LogEvents))
	for i, ev := range in.LogEvents {
		switch ts := *ev.Timestamp; {
		case ts < oldest:
			out.rejected().TooOldLogEventEndIndex = &i
		case ts > newest:
			if out.rejected().TooNewLogEventStartIndex == nil {
				out.rejected().TooNewLogEventStartIndex = &i
			}
		default:
			evs = append(evs, store.LogEvent{Stream: in.LogStreamName, Timestamp: ts, IngestionTime: now.UnixMilli(), Message: *ev.Message})
		}
	}
	if len(evs) > 0 {
		if err := h.cfg.Logs.AppendLogEvents(c.ctx, c.acct, in.LogGroupName, in.LogStreamName, evs); err != nil {
			return nil, storeError("append log events", err, nil)
		}
	}
	return out, nil
}

func (o *putLogEventsOutput) rejected() *rejectedLogEventsInfo {
	if o.RejectedLogEventsInfo == nil {
		o.RejectedLogEventsInfo = &rejectedLogEventsInfo{}
	}
	return o.RejectedLogEventsInfo
}
