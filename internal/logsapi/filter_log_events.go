package logsapi

import (
	"fmt"
	"math"
	"strconv"

	"lambent/internal/store"
)

// Page bounds of FilterLogEvents and GetLogEvents.
const (
	maxEventsPerPage = 10000
	maxPageBytes     = 1 << 20 // response size, as AWS bounds it
	eventOverhead    = 26      // bytes CloudWatch counts per event besides the message
	// scanChunk is how many events one store query reads; maxScanEvents and
	// maxScanBytes bound the work of one FilterLogEvents call, which then
	// returns what it matched so far with a nextToken.
	scanChunk     = 1000
	maxScanEvents = 100_000
	maxScanBytes  = 64 << 20
)

type filterLogEventsInput struct {
	LogGroupName        string   `json:"logGroupName"`
	LogGroupIdentifier  string   `json:"logGroupIdentifier"`
	LogStreamNames      []string `json:"logStreamNames"`
	LogStreamNamePrefix string   `json:"logStreamNamePrefix"`
	StartTime           *int64   `json:"startTime"`
	EndTime             *int64   `json:"endTime"`
	FilterPattern       string   `json:"filterPattern"`
	NextToken           string   `json:"nextToken"`
	Limit               *int64   `json:"limit"`
	Interleaved         bool     `json:"interleaved"` // always interleaved
	Unmask              bool     `json:"unmask"`      // nothing is masked
}

type filteredEvent struct {
	LogStreamName string `json:"logStreamName"`
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
	EventID       string `json:"eventId"`
}

type searchedLogStream struct {
	LogStreamName      string `json:"logStreamName"`
	SearchedCompletely bool   `json:"searchedCompletely"`
}

type filterLogEventsOutput struct {
	Events             []filteredEvent     `json:"events"`
	SearchedLogStreams []searchedLogStream `json:"searchedLogStreams"`
	NextToken          string              `json:"nextToken,omitempty"`
}

// filterQuery is a validated FilterLogEvents request.
type filterQuery struct {
	q       store.LogQuery
	pattern *filterPattern
	limit   int
}

func (h *Handler) parseFilterLogEvents(c *call, body []byte) (filterQuery, error) {
	var in filterLogEventsInput
	if err := decode(body, &in); err != nil {
		return filterQuery{}, err
	}
	group, err := h.logGroup(c, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return filterQuery{}, err
	}
	if err := checkStreamSelection(in.LogStreamNames, in.LogStreamNamePrefix); err != nil {
		return filterQuery{}, err
	}
	fq := filterQuery{q: store.LogQuery{Group: group, Streams: in.LogStreamNames, StreamPrefix: in.LogStreamNamePrefix, Limit: scanChunk}}
	if fq.q.Start, fq.q.End, err = timeRange(in.StartTime, in.EndTime, true); err != nil {
		return filterQuery{}, err
	}
	if fq.limit, err = checkLimit(in.Limit, maxEventsPerPage, maxEventsPerPage); err != nil {
		return filterQuery{}, err
	}
	if len(in.FilterPattern) > maxFilterPatternLen {
		return filterQuery{}, validationError("filterPattern", in.FilterPattern, "Member must have length less than or equal to 1024")
	}
	if fq.pattern, err = parseFilterPattern(in.FilterPattern); err != nil {
		return filterQuery{}, fmt.Errorf("parse filter pattern: %w: %w", errInvalidPattern, err)
	}
	if in.NextToken != "" {
		tok, err := decodeToken(in.NextToken, c.op, group, "")
		if err != nil {
			return filterQuery{}, err
		}
		fq.q.AfterID = tok.ID
	}
	return fq, nil
}

func checkStreamSelection(names []string, prefix string) error {
	if len(names) > 0 && prefix != "" {
		return invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
	}
	if len(names) > 100 {
		return validationError("logStreamNames", len(names), "Member must have length less than or equal to 100")
	}
	for _, n := range names {
		if err := checkStreamName("logStreamNames", n); err != nil {
			return err
		}
	}
	if prefix != "" {
		return checkStreamName("logStreamNamePrefix", prefix)
	}
	return nil
}

// timeRange converts the request's startTime and endTime to the store's
// inclusive start and exclusive end (0 is open). endInclusive is
// FilterLogEvents' reading of endTime; GetLogEvents excludes it.
func timeRange(start, end *int64, endInclusive bool) (int64, int64, error) {
	if err := checkTime("startTime", start); err != nil {
		return 0, 0, err
	}
	if err := checkTime("endTime", end); err != nil {
		return 0, 0, err
	}
	var s, e int64
	if start != nil {
		s = *start
	}
	if end != nil {
		e = *end
		if endInclusive && e < math.MaxInt64 {
			e++
		}
		if e == 0 {
			e = 1 // a closed range that ends at the epoch, not an open one
		}
	}
	return s, e, nil
}

// filterLogEvents serves FilterLogEvents: events of a group in store order
// (ingestion order, which is timestamp order for function logs), matched
// against the filter pattern. nextToken is omitted on the last page, which
// `aws logs tail --follow` relies on.
func (h *Handler) filterLogEvents(c *call, body []byte) (any, error) {
	fq, err := h.parseFilterLogEvents(c, body)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(c, h.groupARN(c, fq.q.Group)); err != nil {
		return nil, err
	}
	out := &filterLogEventsOutput{Events: []filteredEvent{}, SearchedLogStreams: []searchedLogStream{}}
	var scanned, scannedBytes, pageBytes int
	for {
		evs, err := h.cfg.Logs.QueryLogEvents(c.ctx, c.acct, fq.q)
		if err != nil {
			return nil, storeError("query log events", err, errGroupNotFound)
		}
		for i, ev := range evs {
			scanned++
			scannedBytes += len(ev.Message)
			fq.q.AfterID = ev.ID
			if fq.pattern.match(ev.Message) {
				out.Events = append(out.Events, filteredEvent{ev.Stream, ev.Timestamp, ev.Message, ev.IngestionTime, strconv.FormatInt(ev.ID, 10)})
				pageBytes += len(ev.Message) + eventOverhead
			}
			full := len(out.Events) == fq.limit || pageBytes >= maxPageBytes
			if full || scanned >= maxScanEvents || scannedBytes >= maxScanBytes {
				if i < len(evs)-1 || len(evs) == scanChunk {
					out.NextToken = pageToken{Op: c.op, Group: fq.q.Group, ID: ev.ID}.encode()
				}
				return out, nil
			}
		}
		if len(evs) < scanChunk {
			return out, nil
		}
	}
}
