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

var errNoEntity = errkind.New(errkind.NotFound, "entity not found")

const getEntityQuery = `SELECT doc, updated_at FROM iam_entities WHERE account = ? AND kind = ? AND key = ?`

// IAMGeneration implements store.IAM.
func (d *DB) IAMGeneration() uint64 { return d.iamGen.Load() }

// writeIAM is write for statements that may change IAM entities: the
// generation moves on after the transaction, committed or not.
func (d *DB) writeIAM(ctx context.Context, fn func(*sql.Tx) error) error {
	defer d.iamGen.Add(1)
	return d.write(ctx, fn)
}

func checkEntity(kind, key string) error {
	if kind == "" || key == "" {
		return errkind.New(errkind.InvalidArgument, "entity kind and key required")
	}
	return nil
}

// CreateIAMEntity inserts e.
func (d *DB) CreateIAMEntity(ctx context.Context, acct account.ID, e *store.IAMEntity) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("create entity: %w", err)
	}
	if err := checkEntity(e.Kind, e.Key); err != nil {
		return fmt.Errorf("create entity: %w", err)
	}
	err := d.writeIAM(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO iam_entities (account, kind, key, doc, updated_at) VALUES (?, ?, ?, ?, ?)`,
			acct, e.Kind, e.Key, e.Doc, e.UpdatedAt.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("create entity: %w", alreadyExists(err, "entity already exists"))
	}
	return nil
}

// PutIAMEntity inserts or replaces e.
func (d *DB) PutIAMEntity(ctx context.Context, acct account.ID, e *store.IAMEntity) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("put entity: %w", err)
	}
	if err := checkEntity(e.Kind, e.Key); err != nil {
		return fmt.Errorf("put entity: %w", err)
	}
	err := d.writeIAM(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO iam_entities (account, kind, key, doc, updated_at) VALUES (?, ?, ?, ?, ?)`,
			acct, e.Kind, e.Key, e.Doc, e.UpdatedAt.UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("put entity: %w", err)
	}
	return nil
}

// GetIAMEntity returns one entity.
func (d *DB) GetIAMEntity(ctx context.Context, acct account.ID, kind, key string) (*store.IAMEntity, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("get entity: %w", err)
	}
	e := &store.IAMEntity{Kind: kind, Key: key}
	var updated int64
	if err := d.getEntity.QueryRowContext(ctx, acct, kind, key).Scan(&e.Doc, &updated); err != nil {
		return nil, fmt.Errorf("get entity: %w", notFound(err, errNoEntity.Error()))
	}
	e.UpdatedAt = time.UnixMilli(updated)
	return e, nil
}

func getEntity(ctx context.Context, q queryer, acct account.ID, kind, key string) (*store.IAMEntity, error) {
	e := &store.IAMEntity{Kind: kind, Key: key}
	var updated int64
	err := q.QueryRowContext(ctx, getEntityQuery, acct, kind, key).Scan(&e.Doc, &updated)
	if err != nil {
		return nil, notFound(err, errNoEntity.Error())
	}
	e.UpdatedAt = time.UnixMilli(updated)
	return e, nil
}

// UpdateIAMEntity applies mutate to an entity in one write transaction.
func (d *DB) UpdateIAMEntity(ctx context.Context, acct account.ID, kind, key string, mutate func(*store.IAMEntity) error) (*store.IAMEntity, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("update entity: %w", err)
	}
	var out *store.IAMEntity
	err := d.writeIAM(ctx, func(tx *sql.Tx) error {
		e, err := getEntity(ctx, tx, acct, kind, key)
		if err != nil {
			return err
		}
		if err := mutate(e); err != nil {
			return err
		}
		e.Kind, e.Key = kind, key
		_, err = tx.ExecContext(ctx, `UPDATE iam_entities SET doc = ?, updated_at = ? WHERE account = ? AND kind = ? AND key = ?`,
			e.Doc, e.UpdatedAt.UnixMilli(), acct, kind, key)
		out = e
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update entity: %w", err)
	}
	return out, nil
}

// DeleteIAMEntity removes one entity.
func (d *DB) DeleteIAMEntity(ctx context.Context, acct account.ID, kind, key string) error {
	if err := acct.Check(); err != nil {
		return fmt.Errorf("delete entity: %w", err)
	}
	err := d.writeIAM(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM iam_entities WHERE account = ? AND kind = ? AND key = ?`, acct, kind, key)
		return affectedOne(res, err, errNoEntity)
	})
	if err != nil {
		return fmt.Errorf("delete entity: %w", err)
	}
	return nil
}

// ListIAMEntities returns a page of entities of one kind ordered by key.
func (d *DB) ListIAMEntities(ctx context.Context, acct account.ID, kind, after string, limit int) ([]*store.IAMEntity, error) {
	if err := acct.Check(); err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	if err := checkLimit(limit); err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	rows, err := d.r.QueryContext(ctx, `SELECT key, doc, updated_at FROM iam_entities
		WHERE account = ? AND kind = ? AND key > ? ORDER BY key LIMIT ?`, acct, kind, after, limit)
	if err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	defer rows.Close()
	var out []*store.IAMEntity
	for rows.Next() {
		e := &store.IAMEntity{Kind: kind}
		var updated int64
		if err := rows.Scan(&e.Key, &e.Doc, &updated); err != nil {
			return nil, fmt.Errorf("list entities: %w", err)
		}
		e.UpdatedAt = time.UnixMilli(updated)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list entities: %w", err)
	}
	return out, nil
}
