package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

var _ store.Store = (*DB)(nil)

// busyTimeout is how long a connection waits for a lock held by another
// connection (or another process, such as an admin command) before giving up.
const busyTimeout = 5 * time.Second

// DB is a Lambent store in one SQLite file. It is safe for concurrent use.
type DB struct {
	// w is the single writer connection: SQLite admits one writer at a
	// time, so queueing writers in database/sql is cheaper than letting
	// them collide on the file lock.
	w *sql.DB
	// r is a pool of query-only connections; in WAL mode they read a
	// consistent snapshot without blocking the writer.
	r *sql.DB
	// getFunction is GetFunction's query, prepared once: parsing costs
	// more than the lookup itself.
	getFunction *sql.Stmt
	// getEntity is GetIAMEntity's query, prepared once: every authorisation
	// of a non-root caller reads a function policy.
	getEntity *sql.Stmt
	// iamGen changes after every write that may change an IAM entity.
	iamGen atomic.Uint64
	// now is the wall clock for creation times the caller does not supply.
	now func() time.Time
}

// Open opens the database at path, creating it with mode 0600 when it does
// not exist, and applies pending migrations. It refuses a database written by
// a newer binary (ErrSchemaTooNew). The path must name a file: an in-memory
// database cannot be shared by the reader and writer pools.
func Open(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := createFile(abs); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	d := &DB{now: time.Now}
	d.w, err = sql.Open("sqlite", dsn(abs, url.Values{
		"_txlock":    {"immediate"},
		"_pragma":    {fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds())},
		"_journal":   {"WAL"},
		"_sync":      {"FULL"},
		"_fk":        {"1"},
		"_defensive": {"1"},
	}))
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	d.w.SetMaxOpenConns(1)
	if err := d.migrate(ctx); err != nil {
		_ = d.w.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	d.r, err = sql.Open("sqlite", dsn(abs, url.Values{
		"_pragma":     {fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds())},
		"_query_only": {"1"},
	}))
	if err != nil {
		_ = d.w.Close()
		return nil, fmt.Errorf("open store: %w", err)
	}
	d.r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	if d.getFunction, err = d.r.PrepareContext(ctx, getFunctionQuery); err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("open store: prepare: %w", err)
	}
	if d.getEntity, err = d.r.PrepareContext(ctx, getEntityQuery); err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("open store: prepare: %w", err)
	}
	return d, nil
}

// Close closes both connection pools.
func (d *DB) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{d.getFunction, d.getEntity} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(append(errs, d.r.Close(), d.w.Close())...)
}

// createFile creates the database file with mode 0600 so that SQLite, which
// gives its -wal and -shm files the mode of the database, never creates a
// readable one. An existing file keeps its mode.
func createFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// dsn builds a file: URI so that a path holding '?' or '#' stays a path.
func dsn(abs string, q url.Values) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}
	return u.String()
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on the single
// writer connection) and commits when fn returns nil. fn's error is returned
// unwrapped.
func (d *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.w.BeginTx(ctx, nil)
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

// read runs fn in a read-only transaction, so that its queries see one
// snapshot.
func (d *DB) read(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// notFound classifies sql.ErrNoRows as NotFound with a neutral public
// message; other errors pass through.
func notFound(err error, public string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errkind.Wrap(errkind.NotFound, public, err)
	}
	return err
}

// alreadyExists classifies a unique or primary-key violation as
// AlreadyExists; other errors pass through.
func alreadyExists(err error, public string) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errkind.Wrap(errkind.AlreadyExists, public, err)
		}
	}
	return err
}

// affectedOne turns "no row changed" into notFoundErr.
func affectedOne(res sql.Result, err error, notFoundErr error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFoundErr
	}
	return nil
}

// checkLimit refuses a page size that could return nothing or everything.
func checkLimit(limit int) error {
	if limit <= 0 {
		return errkind.New(errkind.InvalidArgument, "limit must be positive")
	}
	return nil
}
