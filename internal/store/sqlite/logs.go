package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// AppendLogEvents creates the group and stream when needed and appends the
// events in one transaction. The events' Stream fields are ignored.
// StoredBytes counts the bytes of the messages; a new group or stream gets
// the wall-clock time as its creation time.
func (d *DB) AppendLogEvents(ctx context.Context, acct account.ID, group, stream string, events []store.LogEvent) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("append log events: %w", err)
	}
	if group == "" || stream == "" {
		return fmt.Errorf("append log events: %w", errkind.New(errkind.InvalidArgument, "log group and stream names required"))
	}
	now := d.now().UnixMilli()
	err := d.write(ctx, func(tx *sql.Tx) error {
		const g = `INSERT INTO log_groups (account, name, creation_time) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
		if _, err := tx.ExecContext(ctx, g, acct, group, now); err != nil {
			return fmt.Errorf("create group: %w", err)
		}
		const s = `INSERT INTO log_streams (account, log_group, name, creation_time) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`
		if _, err := tx.ExecContext(ctx, s, acct, group, stream, now); err != nil {
			return fmt.Errorf("create stream: %w", err)
		}
		if len(events) == 0 {
			return nil
		}
		return insertEvents(ctx, tx, acct, group, stream, events)
	})
	if err != nil {
		return fmt.Errorf("append log events: %w", err)
	}
	return nil
}

// insertEvents inserts events and advances the stream's and group's
// statistics.
func insertEvents(ctx context.Context, tx *sql.Tx, acct account.ID, group, stream string, events []store.LogEvent) error {
	first, last, ingested, size := events[0].Timestamp, events[0].Timestamp, events[0].IngestionTime, int64(0)
	for _, e := range events {
		first, last, ingested = min(first, e.Timestamp), max(last, e.Timestamp), max(ingested, e.IngestionTime)
		size += int64(len(e.Message))
	}
	// Multi-row inserts: one statement per chunk instead of one per event.
	for rest := events; len(rest) > 0; {
		n := min(len(rest), insertChunk)
		if err := insertChunkOf(ctx, tx, acct, group, stream, rest[:n]); err != nil {
			return err
		}
		rest = rest[n:]
	}
	// SET expressions see the row as it was before the update.
	const upd = `UPDATE log_streams SET
		first_event_time    = CASE WHEN event_count = 0 THEN ? ELSE min(first_event_time, ?) END,
		last_event_time     = CASE WHEN event_count = 0 THEN ? ELSE max(last_event_time, ?) END,
		last_ingestion_time = CASE WHEN event_count = 0 THEN ? ELSE max(last_ingestion_time, ?) END,
		event_count = event_count + ?, stored_bytes = stored_bytes + ?
		WHERE account = ? AND log_group = ? AND name = ?`
	if _, err := tx.ExecContext(ctx, upd, first, first, last, last, ingested, ingested,
		len(events), size, acct, group, stream); err != nil {
		return fmt.Errorf("update stream: %w", err)
	}
	const grp = `UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE account = ? AND name = ?`
	if _, err := tx.ExecContext(ctx, grp, size, acct, group); err != nil {
		return fmt.Errorf("update group: %w", err)
	}
	return nil
}

// QueryLogEvents returns events of one group ordered by ID.
func (d *DB) QueryLogEvents(ctx context.Context, acct account.ID, q store.LogQuery) ([]store.LogEvent, error) {
	if err := errors.Join(acct.Check(), checkLimit(q.Limit)); err != nil {
		return nil, fmt.Errorf("query log events: %w", err)
	}
	query, args := eventQuery(acct, q)
	var events []store.LogEvent
	err := d.read(ctx, func(tx *sql.Tx) error {
		if err := groupExists(ctx, tx, acct, q.Group); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e store.LogEvent
			if err := rows.Scan(&e.ID, &e.Stream, &e.Timestamp, &e.IngestionTime, &e.Message); err != nil {
				return err
			}
			events = append(events, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("query log events: %w", err)
	}
	return events, nil
}

// eventQuery builds the SELECT for q.
func eventQuery(acct account.ID, q store.LogQuery) (string, []any) {
	var b strings.Builder
	b.WriteString(`SELECT id, stream, event_time, ingestion_time, message FROM log_events
		WHERE account = ? AND log_group = ?`)
	args := []any{acct, q.Group}
	if len(q.Streams) > 0 {
		b.WriteString(` AND stream IN (?` + strings.Repeat(`, ?`, len(q.Streams)-1) + `)`)
		for _, s := range q.Streams {
			args = append(args, s)
		}
	}
	args = prefixFilter(&b, "stream", q.StreamPrefix, args)
	cond := func(ok bool, sql string, v int64) {
		if ok {
			b.WriteString(sql)
			args = append(args, v)
		}
	}
	cond(q.Start != 0, ` AND event_time >= ?`, q.Start)
	cond(q.End != 0, ` AND event_time < ?`, q.End)
	cond(q.AfterID > 0, ` AND id > ?`, q.AfterID)
	cond(q.BeforeID > 0, ` AND id < ?`, q.BeforeID)
	if q.Backward {
		b.WriteString(` ORDER BY id DESC LIMIT ?`)
	} else {
		b.WriteString(` ORDER BY id LIMIT ?`)
	}
	return b.String(), append(args, q.Limit)
}

// ListLogGroups returns groups by name.
func (d *DB) ListLogGroups(ctx context.Context, acct account.ID, prefix, after string, limit int) ([]store.LogGroup, error) {
	if err := errors.Join(acct.Check(), checkLimit(limit)); err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	var b strings.Builder
	b.WriteString(`SELECT name, creation_time, stored_bytes FROM log_groups WHERE account = ? AND name > ?`)
	args := prefixFilter(&b, "name", prefix, []any{acct, after})
	b.WriteString(` ORDER BY name LIMIT ?`)
	rows, err := d.r.QueryContext(ctx, b.String(), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	defer rows.Close()
	var groups []store.LogGroup
	for rows.Next() {
		var g store.LogGroup
		if err := rows.Scan(&g.Name, &g.CreationTime, &g.StoredBytes); err != nil {
			return nil, fmt.Errorf("list log groups: %w", err)
		}
		groups = append(groups, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list log groups: %w", err)
	}
	return groups, nil
}

// DeleteLogGroup removes a group with its streams and events.
func (d *DB) DeleteLogGroup(ctx context.Context, acct account.ID, group string) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("delete log group: %w", err)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM log_events WHERE account = ? AND log_group = ?`,
			`DELETE FROM log_streams WHERE account = ? AND log_group = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, acct, group); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM log_groups WHERE account = ? AND name = ?`, acct, group)
		return affectedOne(res, err, errkind.New(errkind.NotFound, "log group not found"))
	})
	if err != nil {
		return fmt.Errorf("delete log group: %w", err)
	}
	return nil
}

// groupExists returns NotFound unless the group exists.
func groupExists(ctx context.Context, q queryer, acct account.ID, group string) error {
	var ok bool
	const query = `SELECT EXISTS (SELECT 1 FROM log_groups WHERE account = ? AND name = ?)`
	if err := q.QueryRowContext(ctx, query, acct, group).Scan(&ok); err != nil {
		return fmt.Errorf("find log group: %w", err)
	}
	if !ok {
		return errkind.New(errkind.NotFound, "log group not found")
	}
	return nil
}

// prefixFilter appends a condition that column starts with prefix as a
// range, which uses the index and, unlike LIKE, treats every character
// literally and compares case-sensitively.
func prefixFilter(b *strings.Builder, column, prefix string, args []any) []any {
	if prefix == "" {
		return args
	}
	b.WriteString(` AND ` + column + ` >= ?`)
	args = append(args, prefix)
	if end, ok := prefixEnd(prefix); ok {
		b.WriteString(` AND ` + column + ` < ?`)
		args = append(args, end)
	}
	return args
}

// prefixEnd returns the smallest string greater than every string with the
// given prefix in byte order, or false when there is none.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

// insertChunk rows per INSERT keeps the statement's 6 parameters per row
// well below SQLite's parameter limit.
const insertChunk = 100

func insertChunkOf(ctx context.Context, tx *sql.Tx, acct account.ID, group, stream string, events []store.LogEvent) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO log_events (account, log_group, stream, event_time, ingestion_time, message) VALUES `)
	args := make([]any, 0, 6*len(events))
	for i, e := range events {
		if i > 0 {
			q.WriteString(",")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?)")
		args = append(args, acct, group, stream, e.Timestamp, e.IngestionTime, e.Message)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	return nil
}
