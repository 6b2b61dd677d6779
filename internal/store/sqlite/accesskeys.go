package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

var errNoAccessKey = errkind.New(errkind.NotFound, "access key not found")

const accessKeyColumns = `id, account, user_key, secret, active, created_at, last_used`

// CreateAccessKey inserts k.
func (d *DB) CreateAccessKey(ctx context.Context, acct account.ID, k *store.AccessKey) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("create access key: %w", err)
	}
	if k.Account != acct || k.ID == "" || k.User == "" {
		return fmt.Errorf("create access key: %w", errkind.New(errkind.InvalidArgument, "access key must name its account, ID and user"))
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO access_keys (`+accessKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			k.ID, acct, k.User, k.Secret, k.Active, k.CreatedAt.UnixMilli(), k.LastUsed.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("create access key: %w", alreadyExists(err, "access key already exists"))
	}
	return nil
}

func scanAccessKey(s interface{ Scan(...any) error }) (*store.AccessKey, error) {
	k := &store.AccessKey{}
	var created, used int64
	var acct string
	if err := s.Scan(&k.ID, &acct, &k.User, &k.Secret, &k.Active, &created, &used); err != nil {
		return nil, err
	}
	k.Account = account.ID(acct)
	k.CreatedAt = time.UnixMilli(created)
	if used != 0 {
		k.LastUsed = time.UnixMilli(used)
	}
	return k, nil
}

// AccessKeyByID finds a key in any account.
func (d *DB) AccessKeyByID(ctx context.Context, id string) (*store.AccessKey, error) {
	k, err := scanAccessKey(d.r.QueryRowContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("get access key: %w", notFound(err, errNoAccessKey.Error()))
	}
	return k, nil
}

// ListAccessKeys returns a user's keys, oldest first.
func (d *DB) ListAccessKeys(ctx context.Context, acct account.ID, user string) ([]*store.AccessKey, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("list access keys: %w", err)
	}
	rows, err := d.r.QueryContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys
		WHERE account = ? AND user_key = ? ORDER BY created_at, id`, acct, user)
	if err != nil {
		return nil, fmt.Errorf("list access keys: %w", err)
	}
	defer rows.Close()
	var out []*store.AccessKey
	for rows.Next() {
		k, err := scanAccessKey(rows)
		if err != nil {
			return nil, fmt.Errorf("list access keys: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list access keys: %w", err)
	}
	return out, nil
}

// SetAccessKeyActive changes a key's status.
func (d *DB) SetAccessKeyActive(ctx context.Context, acct account.ID, user, id string, active bool) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("update access key: %w", err)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE access_keys SET active = ? WHERE account = ? AND user_key = ? AND id = ?`,
			active, acct, user, id)
		return affectedOne(res, err, errNoAccessKey)
	})
	if err != nil {
		return fmt.Errorf("update access key: %w", err)
	}
	return nil
}

// DeleteAccessKey removes a key.
func (d *DB) DeleteAccessKey(ctx context.Context, acct account.ID, user, id string) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("delete access key: %w", err)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM access_keys WHERE account = ? AND user_key = ? AND id = ?`, acct, user, id)
		return affectedOne(res, err, errNoAccessKey)
	})
	if err != nil {
		return fmt.Errorf("delete access key: %w", err)
	}
	return nil
}
