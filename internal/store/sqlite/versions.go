package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// ListVersions returns up to limit versions of a function, $LATEST first,
// then by number, after the given version.
func (d *DB) ListVersions(ctx context.Context, acct account.ID, name, after string, limit int) ([]*store.Function, error) {
	if err := errors.Join(acct.Check(), checkLimit(limit)); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	from := int64(-1) // $LATEST is stored as 0
	if after != "" {
		v, ok := parseVersion(after)
		if !ok {
			return nil, fmt.Errorf("list versions: %w", errkind.New(errkind.InvalidArgument, "invalid version marker"))
		}
		from = v
	}
	var fs []*store.Function
	err := d.read(ctx, func(tx *sql.Tx) error {
		if _, err := getFunction(ctx, tx, acct, name, 0); err != nil {
			return err
		}
		const q = `SELECT ` + functionColumns + ` FROM functions
			WHERE account = ? AND name = ? AND version > ? ORDER BY version LIMIT ?`
		var err error
		fs, err = queryFunctions(ctx, tx, q, acct, name, from, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	return fs, nil
}

// PublishVersion copies $LATEST, adjusted by mutate, as the next version.
// Numbers come from a counter on the $LATEST row, so a number is never
// reused after its version is deleted. mutate runs while the transaction
// holds the write lock, so it must be quick and must not call the store.
func (d *DB) PublishVersion(ctx context.Context, acct account.ID, name string, mutate func(latest, version *store.Function) error) (*store.Function, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("publish version: %w", err)
	}
	var out *store.Function
	var mutateErr error
	err := d.write(ctx, func(tx *sql.Tx) error {
		latest, err := getFunction(ctx, tx, acct, name, 0)
		if err != nil {
			return err
		}
		var last int64
		const counter = `SELECT last_version FROM functions WHERE account = ? AND name = ? AND version = 0`
		if err := tx.QueryRowContext(ctx, counter, acct, name).Scan(&last); err != nil {
			return fmt.Errorf("read version counter: %w", err)
		}
		n := last + 1
		ver := cloneFunction(latest)
		ver.Version, ver.Tags = formatVersion(n), nil
		if mutateErr = mutate(latest, ver); mutateErr != nil {
			return mutateErr
		}
		if latest.Name != name || latest.Version != store.LatestVersion || ver.Name != name || ver.Version != formatVersion(n) {
			return errors.New("mutate changed a name or version")
		}
		out = ver
		return putVersion(ctx, tx, acct, latest, ver, n)
	})
	if mutateErr != nil {
		return nil, mutateErr
	}
	if err != nil {
		return nil, fmt.Errorf("publish version: %w", err)
	}
	return out, nil
}

// putVersion writes back $LATEST with the advanced counter and inserts
// version n.
func putVersion(ctx context.Context, tx *sql.Tx, acct account.ID, latest, ver *store.Function, n int64) error {
	if err := updateFunction(ctx, tx, acct, latest, 0); err != nil {
		return err
	}
	const bump = `UPDATE functions SET last_version = ? WHERE account = ? AND name = ? AND version = 0`
	if _, err := tx.ExecContext(ctx, bump, n, acct, latest.Name); err != nil {
		return fmt.Errorf("advance version counter: %w", err)
	}
	row, err := encodeFunction(ver, n)
	if err != nil {
		return err
	}
	if err := insertFunction(ctx, tx, acct, row, n); err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	return nil
}

// DeleteVersion removes one published version.
func (d *DB) DeleteVersion(ctx context.Context, acct account.ID, name, version string) ([]string, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("delete version: %w", err)
	}
	if version == store.LatestVersion {
		return nil, fmt.Errorf("delete version: %w", errkind.New(errkind.InvalidArgument, "cannot delete $LATEST alone"))
	}
	v, ok := parseVersion(version)
	if !ok {
		return nil, fmt.Errorf("delete version: %w", errkind.New(errkind.NotFound, "function not found"))
	}
	const where = `account = ? AND name = ? AND version = ?`
	orphans, err := d.deleteRows(ctx, where, acct, name, v)
	if err != nil {
		return nil, fmt.Errorf("delete version: %w", err)
	}
	return orphans, nil
}

// parseVersion maps $LATEST to 0 and a canonical decimal ("1", not "01")
// to its number. Anything else names no version.
func parseVersion(s string) (int64, bool) {
	if s == store.LatestVersion {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || strconv.FormatInt(n, 10) != s {
		return 0, false
	}
	return n, true
}

func formatVersion(n int64) string {
	if n == 0 {
		return store.LatestVersion
	}
	return strconv.FormatInt(n, 10)
}
