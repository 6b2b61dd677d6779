// Package sqlite is the embedded, single-node default backend of the store
// contract (lambent/internal/store), on the pure-Go modernc.org/sqlite
// driver.
//
// # Usage
//
//	db, err := sqlite.Open(ctx, filepath.Join(dataDir, "lambent.db"))
//	if err != nil {
//		return err
//	}
//	defer db.Close()
//	f, err := db.GetFunction(ctx, acct, "hello", store.LatestVersion)
//
// # Connections
//
// Writes go through a pool of exactly one connection and start with BEGIN
// IMMEDIATE. SQLite admits one writer at a time; queueing writers in
// database/sql avoids both SQLITE_BUSY and the deadlock in which two
// deferred transactions each hold a read lock and wait to upgrade it. Reads
// use a separate pool of query-only connections which, in WAL mode, see a
// consistent snapshot without blocking the writer or each other. Callbacks
// such as the mutate function of UpdateFunction run while the write lock is
// held: they must be quick and must not call the store.
//
// # Durability
//
// The database runs in WAL mode and every connection waits up to
// busy_timeout for a lock held by another process. The writer runs with
// foreign_keys on and synchronous=FULL; readers run with query_only, so a
// bug cannot write outside the serialised path. In WAL mode synchronous=NORMAL
// survives a process crash but may lose the last committed transactions on
// power loss or a kernel panic, because the WAL is not synced at each
// commit. The asynchronous invocation queue will live in this database: an
// Event invocation is acknowledged (202) once its row commits, so a commit
// that could vanish would be an invocation silently dropped. FULL syncs the
// WAL on every commit, which costs one fsync per write transaction.
//
// # Schema
//
// The schema is created by the numbered files in migrations/, embedded in
// the binary and applied in order, each in its own transaction together with
// its row in schema_migrations. Reopening applies nothing new. A database
// whose schema is newer than the binary knows is refused with
// ErrSchemaTooNew rather than risk writing rows an old binary does not
// understand. The database file is created with mode 0600; SQLite gives its
// -wal and -shm files the same mode.
package sqlite
