package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// functionColumns are the columns scanFunction reads, in order.
const functionColumns = `name, version, revision_id, code_digest, code_size, config, tags, created_at, updated_at`

// queryer is the subset of *sql.DB and *sql.Tx that the read helpers use.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// CreateFunction inserts f as the $LATEST of a new function.
func (d *DB) CreateFunction(ctx context.Context, acct account.ID, f *store.Function) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("create function: %w", err)
	}
	if f.Name == "" {
		return fmt.Errorf("create function: %w", errkind.New(errkind.InvalidArgument, "function name required"))
	}
	if f.Version != "" && f.Version != store.LatestVersion {
		return fmt.Errorf("create function: %w", errkind.New(errkind.InvalidArgument, "a new function is $LATEST"))
	}
	row, err := encodeFunction(f, 0)
	if err != nil {
		return fmt.Errorf("create function: %w", err)
	}
	err = d.write(ctx, func(tx *sql.Tx) error { return insertFunction(ctx, tx, acct, row, 0) })
	if err != nil {
		return fmt.Errorf("create function: %w", alreadyExists(err, "function already exists"))
	}
	return nil
}

// GetFunction returns one version of a function.
func (d *DB) GetFunction(ctx context.Context, acct account.ID, name, version string) (*store.Function, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("get function: %w", err)
	}
	v, ok := parseVersion(version)
	if !ok {
		return nil, fmt.Errorf("get function: %w", errkind.New(errkind.NotFound, "function not found"))
	}
	f, err := scanFunction(d.getFunction.QueryRowContext(ctx, acct, name, v))
	if err != nil {
		return nil, fmt.Errorf("get function: %w", notFound(err, "function not found"))
	}
	return f, nil
}

// ListFunctions returns up to limit $LATEST rows with names after after.
func (d *DB) ListFunctions(ctx context.Context, acct account.ID, after string, limit int) ([]*store.Function, error) {
	if err := errors.Join(acct.Check(), checkLimit(limit)); err != nil {
		return nil, fmt.Errorf("list functions: %w", err)
	}
	const q = `SELECT ` + functionColumns + ` FROM functions
		WHERE account = ? AND version = 0 AND name > ? ORDER BY name LIMIT ?`
	fs, err := queryFunctions(ctx, d.r, q, acct, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list functions: %w", err)
	}
	return fs, nil
}

// UpdateFunction applies mutate to one version in a write transaction.
// mutate runs while the transaction holds the database's write lock, so it
// must be quick and must not call the store.
func (d *DB) UpdateFunction(ctx context.Context, acct account.ID, name, version string, mutate func(*store.Function) error) (*store.Function, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("update function: %w", err)
	}
	v, ok := parseVersion(version)
	if !ok {
		return nil, fmt.Errorf("update function: %w", errkind.New(errkind.NotFound, "function not found"))
	}
	var out *store.Function
	var mutateErr error
	err := d.write(ctx, func(tx *sql.Tx) error {
		f, err := getFunction(ctx, tx, acct, name, v)
		if err != nil {
			return err
		}
		if mutateErr = mutate(f); mutateErr != nil {
			return mutateErr
		}
		if f.Name != name || f.Version != version {
			return errors.New("mutate changed the name or version")
		}
		if err := updateFunction(ctx, tx, acct, f, v); err != nil {
			return err
		}
		out = f
		return nil
	})
	if mutateErr != nil {
		return nil, mutateErr
	}
	if err != nil {
		return nil, fmt.Errorf("update function: %w", err)
	}
	return out, nil
}

// DeleteFunction removes every version of a function.
func (d *DB) DeleteFunction(ctx context.Context, acct account.ID, name string) ([]string, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("delete function: %w", err)
	}
	const where = `account = ? AND name = ?`
	orphans, err := d.deleteRows(ctx, where, acct, name)
	if err != nil {
		return nil, fmt.Errorf("delete function: %w", err)
	}
	return orphans, nil
}

// Usage returns the number of functions and the code size of all versions.
func (d *DB) Usage(ctx context.Context, acct account.ID) (int, int64, error) {
	if err := acct.Check(); err != nil {
		return 0, 0, fmt.Errorf("usage: %w", err)
	}
	const q = `SELECT COALESCE(SUM(version = 0), 0), COALESCE(SUM(code_size), 0)
		FROM functions WHERE account = ?`
	var n int
	var size int64
	if err := d.r.QueryRowContext(ctx, q, acct).Scan(&n, &size); err != nil {
		return 0, 0, fmt.Errorf("usage: %w", err)
	}
	return n, size, nil
}

// deleteRows deletes the function rows matching where (whose arguments
// are args) and returns their digests that no row of any account references
// any more. NotFound when nothing matches.
func (d *DB) deleteRows(ctx context.Context, where string, args ...any) ([]string, error) {
	var orphans []string
	// The write is writeIAM: function policies go with their versions.
	err := d.writeIAM(ctx, func(tx *sql.Tx) error {
		digests, err := queryStrings(ctx, tx, `SELECT DISTINCT code_digest FROM functions WHERE `+where, args...)
		if err != nil {
			return fmt.Errorf("read digests: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM functions WHERE `+where, args...)
		if err != nil {
			return fmt.Errorf("delete rows: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("delete rows: %w", err)
		}
		if n == 0 {
			return errkind.New(errkind.NotFound, "function not found")
		}
		orphans, err = unreferenced(ctx, tx, digests)
		return err
	})
	return orphans, err
}

// unreferenced returns, sorted, the non-empty digests that no function row
// of any account references.
func unreferenced(ctx context.Context, tx *sql.Tx, digests []string) ([]string, error) {
	var out []string
	for _, dg := range digests {
		if dg == "" {
			continue
		}
		var used bool
		const q = `SELECT EXISTS (SELECT 1 FROM functions WHERE code_digest = ?)`
		if err := tx.QueryRowContext(ctx, q, dg).Scan(&used); err != nil {
			return nil, fmt.Errorf("check digest: %w", err)
		}
		if !used {
			out = append(out, dg)
		}
	}
	slices.Sort(out)
	return out, nil
}

// getFunctionQuery selects one version.
const getFunctionQuery = `SELECT ` + functionColumns + ` FROM functions WHERE account = ? AND name = ? AND version = ?`

// getFunction reads one row; NotFound when absent.
func getFunction(ctx context.Context, q queryer, acct account.ID, name string, version int64) (*store.Function, error) {
	f, err := scanFunction(q.QueryRowContext(ctx, getFunctionQuery, acct, name, version))
	if err != nil {
		return nil, notFound(err, "function not found")
	}
	return f, nil
}

// queryFunctions runs a query selecting functionColumns.
func queryFunctions(ctx context.Context, q queryer, query string, args ...any) ([]*store.Function, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []*store.Function
	for rows.Next() {
		f, err := scanFunction(rows)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// queryStrings runs a query selecting one text column.
func queryStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// functionRow is a Function in column form.
type functionRow struct {
	f                *store.Function
	tags             sql.NullString
	created, updated sql.NullInt64
}

// encodeFunction prepares f for storage as version v. Tags are kept on the
// $LATEST row only.
func encodeFunction(f *store.Function, v int64) (functionRow, error) {
	r := functionRow{f: f, created: encodeTime(f.CreatedAt), updated: encodeTime(f.UpdatedAt)}
	if v == 0 && len(f.Tags) > 0 {
		b, err := json.Marshal(f.Tags)
		if err != nil {
			return r, fmt.Errorf("encode tags: %w", err)
		}
		r.tags = sql.NullString{String: string(b), Valid: true}
	}
	return r, nil
}

func insertFunction(ctx context.Context, tx *sql.Tx, acct account.ID, r functionRow, v int64) error {
	const q = `INSERT INTO functions (account, name, version, revision_id, code_digest, code_size,
		config, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	f := r.f
	_, err := tx.ExecContext(ctx, q, acct, f.Name, v, f.RevisionID, f.CodeDigest, f.CodeSize,
		f.Config, r.tags, r.created, r.updated)
	return err
}

func updateFunction(ctx context.Context, tx *sql.Tx, acct account.ID, f *store.Function, v int64) error {
	r, err := encodeFunction(f, v)
	if err != nil {
		return err
	}
	const q = `UPDATE functions SET revision_id = ?, code_digest = ?, code_size = ?, config = ?,
		tags = ?, created_at = ?, updated_at = ? WHERE account = ? AND name = ? AND version = ?`
	_, err = tx.ExecContext(ctx, q, f.RevisionID, f.CodeDigest, f.CodeSize, f.Config,
		r.tags, r.created, r.updated, acct, f.Name, v)
	if err != nil {
		return fmt.Errorf("write row: %w", err)
	}
	if v != 0 {
		f.Tags = nil
	}
	return nil
}

// scanFunction reads functionColumns.
func scanFunction(s interface{ Scan(...any) error }) (*store.Function, error) {
	var f store.Function
	var v int64
	var tags sql.NullString
	var created, updated sql.NullInt64
	if err := s.Scan(&f.Name, &v, &f.RevisionID, &f.CodeDigest, &f.CodeSize, &f.Config, &tags, &created, &updated); err != nil {
		return nil, err
	}
	f.Version = formatVersion(v)
	f.CreatedAt, f.UpdatedAt = decodeTime(created), decodeTime(updated)
	if tags.Valid {
		if err := json.Unmarshal([]byte(tags.String), &f.Tags); err != nil {
			return nil, fmt.Errorf("decode tags: %w", err)
		}
	}
	return &f, nil
}

// cloneFunction returns a copy of f that shares no memory with it.
func cloneFunction(f *store.Function) *store.Function {
	c := *f
	c.Config = slices.Clone(f.Config)
	c.Tags = maps.Clone(f.Tags)
	return &c
}

// encodeTime stores a time as Unix nanoseconds, and the zero time as NULL.
func encodeTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

func decodeTime(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}
