package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// Enqueue inserts events in one write transaction; the writer runs with
// synchronous=FULL, so the commit is synced before Enqueue returns.
func (d *DB) Enqueue(ctx context.Context, acct account.ID, evs ...*store.QueuedEvent) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if err := checkEvents(evs); err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	if len(evs) == 0 {
		return nil
	}
	err := d.write(ctx, func(tx *sql.Tx) error { return insertQueued(ctx, tx, acct, evs) })
	if err != nil {
		return fmt.Errorf("enqueue: %w", err)
	}
	return nil
}

func checkEvents(evs []*store.QueuedEvent) error {
	for _, ev := range evs {
		if ev.ID == "" || ev.Function == "" {
			return errkind.New(errkind.InvalidArgument, "event ID and function required")
		}
		if ev.LeaseFor <= 0 {
			return errkind.New(errkind.InvalidArgument, "event lease duration must be positive")
		}
	}
	return nil
}

func insertQueued(ctx context.Context, tx *sql.Tx, acct account.ID, evs []*store.QueuedEvent) error {
	const q = `INSERT INTO queue_events (account, id, function, qualifier, payload, enqueued_at, visible_at,
		lease_ms, attempts, deferrals, depth, lease_owner, lease_token)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account, id) DO NOTHING`
	stmt, err := tx.PrepareContext(ctx, q)
	if err != nil {
		return fmt.Errorf("prepare insert: %w", err)
	}
	defer stmt.Close()
	for _, ev := range evs {
		owner, token := nullable(ev.Lease.Owner), nullable(ev.Lease.Token)
		_, err := stmt.ExecContext(ctx, acct, ev.ID, ev.Function, ev.Qualifier, nonNil(ev.Payload),
			ev.EnqueuedAt.UnixMilli(), ev.VisibleAt.UnixMilli(), ev.LeaseFor.Milliseconds(),
			ev.Attempts, ev.Deferrals, ev.Depth, owner, token)
		if err != nil {
			return fmt.Errorf("insert event %s: %w", ev.ID, err)
		}
	}
	return nil
}

// Settle applies settlements whose lease token still matches.
func (d *DB) Settle(ctx context.Context, acct account.ID, ss ...store.Settlement) ([]bool, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("settle: %w", err)
	}
	for _, s := range ss {
		if err := checkSettlement(s); err != nil {
			return nil, fmt.Errorf("settle: %w", err)
		}
	}
	applied := make([]bool, len(ss))
	err := d.writeUnsynced(ctx, func(tx *sql.Tx) error {
		for i, s := range ss {
			ok, err := settle(ctx, tx, acct, s)
			if err != nil {
				return fmt.Errorf("settle event %s: %w", s.ID, err)
			}
			applied[i] = ok
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("settle: %w", err)
	}
	return applied, nil
}

func checkSettlement(s store.Settlement) error {
	switch {
	case s.ID == "" || s.Token == "":
		return errkind.New(errkind.InvalidArgument, "settlement needs the event ID and lease token")
	case s.Outcome == store.OutcomeRetry && s.LeaseFor <= 0:
		return errkind.New(errkind.InvalidArgument, "retry needs a positive lease duration")
	case s.Outcome == store.OutcomeFail && s.Failure == nil:
		return errkind.New(errkind.InvalidArgument, "failure needs its record")
	case s.Outcome < store.OutcomeAck || s.Outcome > store.OutcomeFail:
		return errkind.New(errkind.InvalidArgument, "unknown settlement outcome")
	}
	return checkEvents(s.Next)
}

// settle applies one settlement and reports whether its lease held.
func settle(ctx context.Context, tx *sql.Tx, acct account.ID, s store.Settlement) (bool, error) {
	var ev store.QueuedEvent
	var enqueued int64
	const get = `SELECT function, qualifier, payload, enqueued_at FROM queue_events
		WHERE account = ? AND id = ? AND lease_token = ?`
	err := tx.QueryRowContext(ctx, get, acct, s.ID, s.Token).Scan(&ev.Function, &ev.Qualifier, &ev.Payload, &enqueued)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read event: %w", err)
	}
	switch s.Outcome {
	case store.OutcomeRetry:
		const q = `UPDATE queue_events SET visible_at = ?, attempts = ?, deferrals = ?, lease_ms = ?,
			lease_owner = NULL, lease_token = NULL WHERE account = ? AND id = ?`
		_, err = tx.ExecContext(ctx, q, s.VisibleAt.UnixMilli(), s.Attempts, s.Deferrals, s.LeaseFor.Milliseconds(), acct, s.ID)
	case store.OutcomeFail:
		err = insertFailed(ctx, tx, acct, s.Failure)
		if err == nil {
			err = deleteEvent(ctx, tx, acct, s.ID)
		}
	default:
		err = deleteEvent(ctx, tx, acct, s.ID)
	}
	if err != nil {
		return false, err
	}
	if len(s.Next) > 0 {
		if err := insertQueued(ctx, tx, acct, s.Next); err != nil {
			return false, err
		}
	}
	return true, nil
}

func deleteEvent(ctx context.Context, tx *sql.Tx, acct account.ID, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM queue_events WHERE account = ? AND id = ?`, acct, id); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	return nil
}

func insertFailed(ctx context.Context, tx *sql.Tx, acct account.ID, f *store.FailedEvent) error {
	const q = `INSERT INTO failed_events (account, id, function, qualifier, payload, enqueued_at, failed_at,
		condition, attempts, function_error, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := tx.ExecContext(ctx, q, acct, f.ID, f.Function, f.Qualifier, nonNil(f.Payload), f.EnqueuedAt.UnixMilli(),
		f.FailedAt.UnixMilli(), f.Condition, f.Attempts, f.FunctionError, f.Response)
	if err != nil {
		return fmt.Errorf("insert failed event: %w", err)
	}
	return nil
}

// FailedEvents lists one function's failed events by Seq.
func (d *DB) FailedEvents(ctx context.Context, acct account.ID, function string, after int64, limit int) ([]*store.FailedEvent, error) {
	if err := errors.Join(acct.Check(), checkLimit(limit)); err != nil {
		return nil, fmt.Errorf("list failed events: %w", err)
	}
	const q = `SELECT seq, id, function, qualifier, payload, enqueued_at, failed_at, condition, attempts,
		function_error, response FROM failed_events WHERE account = ? AND function = ? AND seq > ? ORDER BY seq LIMIT ?`
	rows, err := d.r.QueryContext(ctx, q, acct, function, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list failed events: %w", err)
	}
	defer rows.Close()
	var out []*store.FailedEvent
	for rows.Next() {
		var f store.FailedEvent
		var enqueued, failed int64
		if err := rows.Scan(&f.Seq, &f.ID, &f.Function, &f.Qualifier, &f.Payload, &enqueued, &failed,
			&f.Condition, &f.Attempts, &f.FunctionError, &f.Response); err != nil {
			return nil, fmt.Errorf("list failed events: %w", err)
		}
		f.EnqueuedAt, f.FailedAt = time.UnixMilli(enqueued), time.UnixMilli(failed)
		out = append(out, &f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list failed events: %w", err)
	}
	return out, nil
}

// LeaseEvents picks the visible events in queue order and leases them in
// one transaction. On PostgreSQL the pick takes FOR UPDATE SKIP LOCKED so
// that concurrent pollers skip each other's rows; SQLite's single writer
// serialises them anyway.
func (d *DB) LeaseEvents(ctx context.Context, owner string, n int, now time.Time) ([]*store.QueuedEvent, error) {
	if owner == "" || n <= 0 {
		return nil, fmt.Errorf("lease events: %w", errkind.New(errkind.InvalidArgument, "owner and a positive count required"))
	}
	const pick = `SELECT seq FROM queue_events WHERE visible_at <= ? ORDER BY visible_at, seq LIMIT ?`
	const lease = `UPDATE queue_events
		SET visible_at = ? + lease_ms, lease_owner = ?, lease_token = lower(hex(randomblob(16)))
		WHERE seq = ?
		RETURNING account, id, function, qualifier, payload, enqueued_at, visible_at, lease_ms,
			attempts, deferrals, depth, lease_owner, lease_token`
	var out []*store.QueuedEvent
	err := d.writeUnsynced(ctx, func(tx *sql.Tx) error {
		seqs, err := querySeqs(ctx, tx, pick, now.UnixMilli(), n)
		if err != nil {
			return err
		}
		out = make([]*store.QueuedEvent, 0, len(seqs))
		for _, seq := range seqs {
			ev, err := scanEvent(tx.QueryRowContext(ctx, lease, now.UnixMilli(), owner, seq))
			if err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("lease events: %w", err)
	}
	return out, nil
}

func querySeqs(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var seqs []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		seqs = append(seqs, seq)
	}
	return seqs, rows.Err()
}

func scanEvent(row *sql.Row) (*store.QueuedEvent, error) {
	var ev store.QueuedEvent
	var enqueued, visible, leaseMS int64
	if err := row.Scan(&ev.Account, &ev.ID, &ev.Function, &ev.Qualifier, &ev.Payload, &enqueued, &visible,
		&leaseMS, &ev.Attempts, &ev.Deferrals, &ev.Depth, &ev.Lease.Owner, &ev.Lease.Token); err != nil {
		return nil, err
	}
	ev.EnqueuedAt, ev.VisibleAt = time.UnixMilli(enqueued), time.UnixMilli(visible)
	ev.LeaseFor = time.Duration(leaseMS) * time.Millisecond
	return &ev, nil
}

// ReleaseLeases makes owner's leased events visible at now.
func (d *DB) ReleaseLeases(ctx context.Context, owner string, now time.Time) (int, error) {
	const q = `UPDATE queue_events SET visible_at = ?, lease_owner = NULL, lease_token = NULL
		WHERE lease_owner = ? AND visible_at > ?`
	var n int64
	err := d.writeUnsynced(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, now.UnixMilli(), owner, now.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("release leases: %w", err)
	}
	return int(n), nil
}

// NextVisible returns the earliest visible_at in the queue.
func (d *DB) NextVisible(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	if err := d.r.QueryRowContext(ctx, `SELECT MIN(visible_at) FROM queue_events`).Scan(&at); err != nil {
		return time.Time{}, false, fmt.Errorf("next visible event: %w", err)
	}
	if !at.Valid {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(at.Int64), true, nil
}

// PurgeFailedEvents deletes failed events older than before.
func (d *DB) PurgeFailedEvents(ctx context.Context, before time.Time) (int, error) {
	var n int64
	err := d.writeUnsynced(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM failed_events WHERE failed_at < ?`, before.UnixMilli())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge failed events: %w", err)
	}
	return int(n), nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// nonNil stores an absent payload as an empty blob, not NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// writeUnsynced is write for transactions whose loss on power failure is
// harmless: leases and settlements, which at worst make an event run
// again. It commits with synchronous=NORMAL on the pinned writer
// connection, so the commit does not wait for an fsync. WAL frames are
// appended in order, so the next synced commit (an Enqueue) makes it
// durable too; a power loss can drop a suffix of unsynced commits but
// never reorders them, and a process crash loses nothing. The writer is
// set back to FULL before anyone else gets it, or discarded.
func (d *DB) writeUnsynced(ctx context.Context, fn func(*sql.Tx) error) error {
	conn, err := d.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("get writer: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return fmt.Errorf("relax sync: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = FULL`); err != nil {
			// Never hand out a writer that does not sync.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
