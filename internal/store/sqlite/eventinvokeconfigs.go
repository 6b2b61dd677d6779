package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

const eventInvokeConfigColumns = `function, qualifier, max_retry_attempts, max_event_age, on_success, on_failure, last_modified`

var errNoEventInvokeConfig = errkind.New(errkind.NotFound, "event invoke config not found")

// PutEventInvokeConfig inserts or replaces a configuration of an existing
// version. An alias qualifier is NotFound until aliases are stored.
func (d *DB) PutEventInvokeConfig(ctx context.Context, acct account.ID, c *store.EventInvokeConfig) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("put event invoke config: %w", err)
	}
	v, ok := parseVersion(c.Qualifier)
	if !ok {
		return fmt.Errorf("put event invoke config: %w", errkind.New(errkind.NotFound, "function not found"))
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		if _, err := getFunction(ctx, tx, acct, c.Function, v); err != nil {
			return notFound(err, "function not found")
		}
		return writeEventInvokeConfig(ctx, tx, acct, c)
	})
	if err != nil {
		return fmt.Errorf("put event invoke config: %w", err)
	}
	return nil
}

func writeEventInvokeConfig(ctx context.Context, tx *sql.Tx, acct account.ID, c *store.EventInvokeConfig) error {
	const q = `INSERT OR REPLACE INTO event_invoke_configs (account, ` + eventInvokeConfigColumns + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := tx.ExecContext(ctx, q, acct, c.Function, c.Qualifier, nullInt(c.MaximumRetryAttempts),
		nullInt(c.MaximumEventAgeSeconds), c.OnSuccess, c.OnFailure, c.LastModified.UnixMilli())
	if err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	return nil
}

// UpdateEventInvokeConfig applies mutate to a configuration in one write
// transaction; mutate runs under the write lock and must not call the
// store.
func (d *DB) UpdateEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string,
	mutate func(*store.EventInvokeConfig) error) (*store.EventInvokeConfig, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("update event invoke config: %w", err)
	}
	var out *store.EventInvokeConfig
	var mutateErr error
	err := d.write(ctx, func(tx *sql.Tx) error {
		c, err := getEventInvokeConfig(ctx, tx, acct, function, qualifier)
		if err != nil {
			return err
		}
		if mutateErr = mutate(c); mutateErr != nil {
			return mutateErr
		}
		if c.Function != function || c.Qualifier != qualifier {
			return errors.New("mutate changed the function or qualifier")
		}
		out = c
		return writeEventInvokeConfig(ctx, tx, acct, c)
	})
	if mutateErr != nil {
		return nil, mutateErr
	}
	if err != nil {
		return nil, fmt.Errorf("update event invoke config: %w", err)
	}
	return out, nil
}

// GetEventInvokeConfig reads one configuration.
func (d *DB) GetEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string) (*store.EventInvokeConfig, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("get event invoke config: %w", err)
	}
	c, err := getEventInvokeConfig(ctx, d.r, acct, function, qualifier)
	if err != nil {
		return nil, fmt.Errorf("get event invoke config: %w", err)
	}
	return c, nil
}

func getEventInvokeConfig(ctx context.Context, q queryer, acct account.ID, function, qualifier string) (*store.EventInvokeConfig, error) {
	const get = `SELECT ` + eventInvokeConfigColumns + ` FROM event_invoke_configs
		WHERE account = ? AND function = ? AND qualifier = ?`
	c, err := scanEventInvokeConfig(q.QueryRowContext(ctx, get, acct, function, qualifier))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errkind.Wrap(errkind.NotFound, "event invoke config not found", err)
	}
	return c, err
}

// ListEventInvokeConfigs lists a function's configurations by qualifier.
func (d *DB) ListEventInvokeConfigs(ctx context.Context, acct account.ID, function, after string, limit int) ([]*store.EventInvokeConfig, error) {
	if err := errors.Join(acct.Check(), checkLimit(limit)); err != nil {
		return nil, fmt.Errorf("list event invoke configs: %w", err)
	}
	const q = `SELECT ` + eventInvokeConfigColumns + ` FROM event_invoke_configs
		WHERE account = ? AND function = ? AND qualifier > ? ORDER BY qualifier LIMIT ?`
	rows, err := d.r.QueryContext(ctx, q, acct, function, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list event invoke configs: %w", err)
	}
	defer rows.Close()
	var out []*store.EventInvokeConfig
	for rows.Next() {
		c, err := scanEventInvokeConfig(rows)
		if err != nil {
			return nil, fmt.Errorf("list event invoke configs: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list event invoke configs: %w", err)
	}
	return out, nil
}

// DeleteEventInvokeConfig removes one configuration.
func (d *DB) DeleteEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("delete event invoke config: %w", err)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM event_invoke_configs WHERE account = ? AND function = ? AND qualifier = ?`,
			acct, function, qualifier)
		return affectedOne(res, err, errNoEventInvokeConfig)
	})
	if err != nil {
		return fmt.Errorf("delete event invoke config: %w", err)
	}
	return nil
}

// scanner is the subset of *sql.Row and *sql.Rows that scans use.
type scanner interface {
	Scan(dest ...any) error
}

func scanEventInvokeConfig(s scanner) (*store.EventInvokeConfig, error) {
	var c store.EventInvokeConfig
	var retries, age sql.NullInt64
	var modified int64
	if err := s.Scan(&c.Function, &c.Qualifier, &retries, &age, &c.OnSuccess, &c.OnFailure, &modified); err != nil {
		return nil, err
	}
	c.MaximumRetryAttempts, c.MaximumEventAgeSeconds = intPtr(retries), intPtr(age)
	c.LastModified = time.UnixMilli(modified)
	return &c, nil
}

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}
