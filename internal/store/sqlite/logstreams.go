package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// ListLogStreams returns a page of a group's streams and the position of
// the next page. Pages are keyed on the sort key (name, or last event time
// then name), so streams written between pages are neither skipped nor
// repeated unless their last event time moves past the position.
func (d *DB) ListLogStreams(ctx context.Context, acct account.ID, q store.StreamQuery) ([]store.LogStream, string, error) {
	if err := errors.Join(acct.Check(), checkLimit(q.Limit)); err != nil {
		return nil, "", fmt.Errorf("list log streams: %w", err)
	}
	pos, err := decodePosition(q.After, q.OrderByTime)
	if err != nil {
		return nil, "", fmt.Errorf("list log streams: %w", err)
	}
	query, args := streamQuery(acct, q, pos)
	var streams []store.LogStream
	err = d.read(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, acct, q.Group); err != nil {
			return err
		}
		var qerr error
		streams, qerr = queryStreams(ctx, tx, query, args...)
		return qerr
	})
	if err != nil {
		return nil, "", fmt.Errorf("list log streams: %w", err)
	}
	if len(streams) <= q.Limit {
		return streams, "", nil
	}
	streams = streams[:q.Limit]
	last := streams[len(streams)-1]
	return streams, encodePosition(position{name: last.Name, time: last.LastEventTimestamp, byTime: q.OrderByTime}), nil
}

// streamQuery builds the SELECT for q; it asks for one row more than the
// limit to learn whether another page follows.
func streamQuery(acct account.ID, q store.StreamQuery, pos *position) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT name, creation_time, first_event_time, last_event_time, last_ingestion_time, stored_bytes
		FROM log_streams WHERE account = ? AND log_group = ?`)
	args := prefixFilter(&b, "name", q.Prefix, []any{acct, q.Group})
	cmp, dir := ">", "ASC"
	if q.Descending {
		cmp, dir = "<", "DESC"
	}
	switch {
	case q.OrderByTime && pos != nil:
		b.WriteString(` AND (last_event_time, name) ` + cmp + ` (?, ?)`)
		args = append(args, pos.time, pos.name)
	case pos != nil:
		b.WriteString(` AND name ` + cmp + ` ?`)
		args = append(args, pos.name)
	}
	if q.OrderByTime {
		b.WriteString(` ORDER BY last_event_time ` + dir + `, name ` + dir)
	} else {
		b.WriteString(` ORDER BY name ` + dir)
	}
	b.WriteString(` LIMIT ?`)
	return b.String(), append(args, q.Limit+1)
}

func queryStreams(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]store.LogStream, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var streams []store.LogStream
	for rows.Next() {
		var s store.LogStream
		if err := rows.Scan(&s.Name, &s.CreationTime, &s.FirstEventTimestamp, &s.LastEventTimestamp,
			&s.LastIngestionTime, &s.StoredBytes); err != nil {
			return nil, err
		}
		streams = append(streams, s)
	}
	return streams, rows.Err()
}

// position is the last stream of a page.
type position struct {
	byTime bool
	time   int64
	name   string
}

// encodePosition renders p as "n:<name>" or "t:<time>:<name>" in base64, so
// that callers treat it as opaque.
func encodePosition(p position) string {
	s := "n:" + p.name
	if p.byTime {
		s = "t:" + strconv.FormatInt(p.time, 10) + ":" + p.name
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// decodePosition parses a position made by encodePosition for the same
// ordering; nil for the first page.
func decodePosition(s string, byTime bool) (*position, error) {
	if s == "" {
		return nil, nil
	}
	invalid := errkind.New(errkind.InvalidArgument, "invalid pagination position")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, invalid
	}
	kind, rest, _ := strings.Cut(string(b), ":")
	switch {
	case kind == "n" && !byTime:
		return &position{name: rest}, nil
	case kind == "t" && byTime:
		ts, name, ok := strings.Cut(rest, ":")
		t, err := strconv.ParseInt(ts, 10, 64)
		if !ok || err != nil {
			return nil, invalid
		}
		return &position{byTime: true, time: t, name: name}, nil
	}
	return nil, invalid
}
