package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/store"
)

// CreateAccount inserts a.
func (d *DB) CreateAccount(ctx context.Context, a *store.Account) error {
	if err := a.ID.Check(); err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	err := d.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, doc, created_at) VALUES (?, ?, ?)`,
			a.ID, a.Doc, a.CreatedAt.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("create account: %w", alreadyExists(err, "account already exists"))
	}
	return nil
}

func getAccount(ctx context.Context, q queryer, id account.ID) (*store.Account, error) {
	a := &store.Account{ID: id}
	var created int64
	err := q.QueryRowContext(ctx, `SELECT doc, created_at FROM accounts WHERE id = ?`, id).Scan(&a.Doc, &created)
	if err != nil {
		return nil, notFound(err, "account not found")
	}
	a.CreatedAt = time.UnixMilli(created)
	return a, nil
}

// GetAccount returns one account.
func (d *DB) GetAccount(ctx context.Context, id account.ID) (*store.Account, error) {
	if err := id.Check(); err != nil {
		return nil, fmt.Errorf("get account: %w", err)
	}
	a, err := getAccount(ctx, d.r, id)
	if err != nil {
		return nil, fmt.Errorf("get account: %w", err)
	}
	return a, nil
}

// ListAccounts returns every account ordered by ID.
func (d *DB) ListAccounts(ctx context.Context) ([]*store.Account, error) {
	rows, err := d.r.QueryContext(ctx, `SELECT id, doc, created_at FROM accounts ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []*store.Account
	for rows.Next() {
		a := &store.Account{}
		var id string
		var created int64
		if err := rows.Scan(&id, &a.Doc, &created); err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		a.ID, a.CreatedAt = account.ID(id), time.UnixMilli(created)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// UpdateAccount applies mutate to an account in one write transaction.
func (d *DB) UpdateAccount(ctx context.Context, id account.ID, mutate func(*store.Account) error) (*store.Account, error) {
	if err := id.Check(); err != nil {
		return nil, fmt.Errorf("update account: %w", err)
	}
	var out *store.Account
	err := d.write(ctx, func(tx *sql.Tx) error {
		a, err := getAccount(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := mutate(a); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET doc = ? WHERE id = ?`, a.Doc, id)
		out = a
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update account: %w", err)
	}
	return out, nil
}
