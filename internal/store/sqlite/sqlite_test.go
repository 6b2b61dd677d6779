package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/account"
	"lambent/internal/store"
	"lambent/internal/store/storetest"
)

const acct account.ID = "123456789012"

// openAt opens the database at path and closes it when tb ends.
func openAt(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(tb.Context(), path)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

func openTemp(tb testing.TB) *DB {
	tb.Helper()
	return openAt(tb, filepath.Join(tb.TempDir(), "lambent.db"))
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lambent.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	want := &store.Function{Name: "hello", Version: store.LatestVersion, CodeDigest: "sha256:a", Config: []byte("{}")}
	if err := db.CreateFunction(t.Context(), acct, want); err != nil {
		t.Fatalf("CreateFunction: %v", err)
	}
	if _, err := db.PublishVersion(t.Context(), acct, "hello", func(_, _ *store.Function) error { return nil }); err != nil {
		t.Fatalf("PublishVersion: %v", err)
	}
	events := []store.LogEvent{{Stream: "s", Timestamp: 1, IngestionTime: 2, Message: "kept"}}
	if err := db.AppendLogEvents(t.Context(), acct, "g", "s", events); err != nil {
		t.Fatalf("AppendLogEvents: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	db = openAt(t, path)
	got, err := db.GetFunction(t.Context(), acct, "hello", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction after reopen: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("function after reopen (-want +got):\n%s", diff)
	}
	// The version counter survived: the next number is 2.
	v, err := db.PublishVersion(t.Context(), acct, "hello", func(_, _ *store.Function) error { return nil })
	if err != nil || v.Version != "2" {
		t.Errorf("PublishVersion after reopen = %v, %v; want version 2", v, err)
	}
	gotEvents, err := db.QueryLogEvents(t.Context(), acct, store.LogQuery{Group: "g", Limit: 10})
	if err != nil || len(gotEvents) != 1 || gotEvents[0].Message != "kept" {
		t.Errorf("QueryLogEvents after reopen = %+v, %v", gotEvents, err)
	}
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lambent.db")
	for range 3 {
		db, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if err := db.migrate(t.Context()); err != nil {
			t.Errorf("migrate on an up-to-date database: %v", err)
		}
		if err := db.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	db := openAt(t, path)
	ms, err := loadMigrations(migrationFS)
	if err != nil {
		t.Fatalf("loadMigrations: %v", err)
	}
	var rows, version int
	const q = `SELECT COUNT(*), MAX(version) FROM schema_migrations`
	if err := db.r.QueryRowContext(t.Context(), q).Scan(&rows, &version); err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	if rows != len(ms) || version != len(ms) {
		t.Errorf("schema_migrations holds %d rows up to version %d, want %d", rows, version, len(ms))
	}
}

func TestSchemaTooNew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lambent.db")
	db, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	const q = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)`
	if _, err := db.w.ExecContext(t.Context(), q); err != nil {
		t.Fatalf("record a future migration: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	db, err = Open(t.Context(), path)
	if !errors.Is(err, ErrSchemaTooNew) {
		if db != nil {
			_ = db.Close()
		}
		t.Fatalf("Open of a newer schema: err = %v, want ErrSchemaTooNew", err)
	}
}

func TestFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lambent.db")
	db := openAt(t, path)
	// Write so that the -wal and -shm files exist.
	if err := db.AppendLogEvents(t.Context(), acct, "g", "s", []store.LogEvent{{Message: "x"}}); err != nil {
		t.Fatalf("AppendLogEvents: %v", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), perm)
		}
	}
}

func TestPragmas(t *testing.T) {
	db := openTemp(t)
	tests := []struct {
		pragma string
		conn   func(*DB) queryer
		want   string
	}{
		{"journal_mode", func(d *DB) queryer { return d.w }, "wal"},
		{"synchronous", func(d *DB) queryer { return d.w }, "2"}, // FULL
		{"foreign_keys", func(d *DB) queryer { return d.w }, "1"},
		{"busy_timeout", func(d *DB) queryer { return d.w }, "5000"},
		{"journal_mode", func(d *DB) queryer { return d.r }, "wal"},
		{"query_only", func(d *DB) queryer { return d.r }, "1"},
		{"busy_timeout", func(d *DB) queryer { return d.r }, "5000"},
	}
	for _, tt := range tests {
		var got string
		if err := tt.conn(db).QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
		}
	}
}

func TestPathIsLiteral(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "odd?name#x%20.db")
	openAt(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at the literal path: %v", err)
	}
}

func TestLoadMigrations(t *testing.T) {
	file := &fstest.MapFile{Data: []byte("SELECT 1;")}
	tests := []struct {
		name  string
		files []string
		ok    bool
	}{
		{"ordered", []string{"0001_a.sql", "0002_b.sql", "0010_c.sql"}, false},
		{"contiguous", []string{"0001_a.sql", "0002_b.sql", "0003_c.sql"}, true},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, false},
		{"duplicate", []string{"0001_a.sql", "0001_b.sql"}, false},
		{"unnumbered", []string{"initial.sql"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for _, f := range tt.files {
				fsys["migrations/"+f] = file
			}
			ms, err := loadMigrations(fsys)
			if (err == nil) != tt.ok {
				t.Fatalf("loadMigrations(%v) err = %v, want ok=%v", tt.files, err, tt.ok)
			}
			if tt.ok && len(ms) != len(tt.files) {
				t.Errorf("got %d migrations, want %d", len(ms), len(tt.files))
			}
		})
	}
	if _, err := loadMigrations(migrationFS); err != nil {
		t.Errorf("embedded migrations: %v", err)
	}
}

func TestPrefixEnd(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"a", "b", true},
		{"/aws/lambda/", "/aws/lambda0", true},
		{"a\xff", "b", true},
		{"\xff\xff", "", false},
	}
	for _, tt := range tests {
		got, ok := prefixEnd(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("prefixEnd(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestOpenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if db, err := Open(ctx, filepath.Join(t.TempDir(), "lambent.db")); err == nil {
		_ = db.Close()
		t.Fatal("Open with a canceled context succeeded")
	}
}
