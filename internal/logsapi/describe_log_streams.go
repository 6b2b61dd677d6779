package logsapi

import (
	"fmt"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

type describeLogStreamsInput struct {
	LogGroupName        string `json:"logGroupName"`
	LogGroupIdentifier  string `json:"logGroupIdentifier"`
	LogStreamNamePrefix string `json:"logStreamNamePrefix"`
	OrderBy             string `json:"orderBy"`
	Descending          bool   `json:"descending"`
	NextToken           string `json:"nextToken"`
	Limit               *int64 `json:"limit"`
}

type logStreamOutput struct {
	LogStreamName       string `json:"logStreamName"`
	CreationTime        int64  `json:"creationTime"`
	FirstEventTimestamp int64  `json:"firstEventTimestamp,omitempty"`
	LastEventTimestamp  int64  `json:"lastEventTimestamp,omitempty"`
	LastIngestionTime   int64  `json:"lastIngestionTime,omitempty"`
	ARN                 string `json:"arn"`
	StoredBytes         int64  `json:"storedBytes"`
}

type describeLogStreamsOutput struct {
	LogStreams []logStreamOutput `json:"logStreams"`
	NextToken  string            `json:"nextToken,omitempty"`
}

func (h *Handler) parseDescribeLogStreams(c *call, body []byte) (store.StreamQuery, error) {
	var in describeLogStreamsInput
	if err := decode(body, &in); err != nil {
		return store.StreamQuery{}, err
	}
	group, err := h.logGroup(c, in.LogGroupName, in.LogGroupIdentifier)
	if err != nil {
		return store.StreamQuery{}, err
	}
	q := store.StreamQuery{Group: group, Prefix: in.LogStreamNamePrefix, Descending: in.Descending}
	switch in.OrderBy {
	case "", "LogStreamName":
	case "LastEventTime":
		q.OrderByTime = true
	default:
		return store.StreamQuery{}, validationError("orderBy", in.OrderBy, "Member must satisfy enum value set: [LogStreamName, LastEventTime]")
	}
	if q.Prefix != "" {
		if q.OrderByTime {
			return store.StreamQuery{}, invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
		}
		if err := checkStreamName("logStreamNamePrefix", q.Prefix); err != nil {
			return store.StreamQuery{}, err
		}
	}
	if q.Limit, err = checkLimit(in.Limit, maxDescribePage, maxDescribePage); err != nil {
		return store.StreamQuery{}, err
	}
	if in.NextToken != "" {
		tok, err := decodeToken(in.NextToken, c.op, group, "")
		if err != nil {
			return store.StreamQuery{}, err
		}
		if tok.ByTime != q.OrderByTime || tok.Descending != q.Descending || tok.Pos == "" {
			return store.StreamQuery{}, errInvalidToken
		}
		q.After = tok.Pos
	}
	return q, nil
}

// describeLogStreams serves DescribeLogStreams.
func (h *Handler) describeLogStreams(c *call, body []byte) (any, error) {
	q, err := h.parseDescribeLogStreams(c, body)
	if err != nil {
		return nil, err
	}
	if err := h.authorize(c, h.groupARN(c, q.Group)); err != nil {
		return nil, err
	}
	streams, next, err := h.cfg.Logs.ListLogStreams(c.ctx, c.acct, q)
	if q.After != "" && errkind.Is(err, errkind.InvalidArgument) {
		return nil, fmt.Errorf("list log streams: %w: %w", errInvalidToken, err) // a forged position
	}
	if err != nil {
		return nil, storeError("list log streams", err, errGroupNotFound)
	}
	out := &describeLogStreamsOutput{LogStreams: make([]logStreamOutput, 0, len(streams))}
	for _, s := range streams {
		out.LogStreams = append(out.LogStreams, logStreamOutput{
			LogStreamName: s.Name, CreationTime: s.CreationTime,
			FirstEventTimestamp: s.FirstEventTimestamp, LastEventTimestamp: s.LastEventTimestamp,
			LastIngestionTime: s.LastIngestionTime, ARN: h.streamARN(c, q.Group, s.Name), StoredBytes: s.StoredBytes,
		})
	}
	if next != "" {
		out.NextToken = pageToken{Op: c.op, Group: q.Group, Pos: next, ByTime: q.OrderByTime, Descending: q.Descending}.encode()
	}
	return out, nil
}
