// Package store is the persistence contract of Lambent. It is composed of
// small role interfaces (Functions, Logs, Queue, EventInvokeConfigs, IAM,
// Accounts) that
// every backend implements: the
// embedded SQLite default (store/sqlite) and, later, PostgreSQL. The shared
// contract suite in store/storetest proves each backend against the same
// tests.
//
// Every call that reads or writes tenant data takes the account ID as an
// explicit parameter; an invalid (zero) ID returns errkind.InvalidArgument.
// Reads across accounts exist only on the separately named Admin interface.
//
// Errors carry errkind kinds: NotFound, AlreadyExists, PreconditionFailed,
// InvalidArgument; anything else is Internal.
package store

import (
	"context"
	"time"

	"lambent/internal/account"
)

// LatestVersion is the version name of a function's mutable head.
const LatestVersion = "$LATEST"

// Function is one version of a function: $LATEST or a published number.
// The configuration is opaque to the store (JSON owned by internal/function);
// the store indexes the fields it needs.
type Function struct {
	Name       string
	Version    string // LatestVersion or "1", "2", …
	RevisionID string
	// CodeDigest is the artifact store address of the package.
	CodeDigest string
	CodeSize   int64
	// Config is the version's configuration, encoded by internal/function.
	Config []byte
	// Tags are function-level; kept on the $LATEST row only.
	Tags      map[string]string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Functions stores functions and their versions.
type Functions interface {
	// CreateFunction inserts a new $LATEST. AlreadyExists if the name is
	// taken in the account.
	CreateFunction(ctx context.Context, acct account.ID, f *Function) error
	// GetFunction returns one version. NotFound if absent.
	GetFunction(ctx context.Context, acct account.ID, name, version string) (*Function, error)
	// ListFunctions returns up to limit $LATEST rows with names greater than
	// after, ordered by name.
	ListFunctions(ctx context.Context, acct account.ID, after string, limit int) ([]*Function, error)
	// ListVersions returns up to limit versions of one function ordered
	// $LATEST first, then ascending by number, starting after the given
	// version ("" for the beginning).
	ListVersions(ctx context.Context, acct account.ID, name, after string, limit int) ([]*Function, error)
	// UpdateFunction reads a version, applies mutate and writes it back in
	// one transaction. If mutate returns an error nothing is written and the
	// error is returned as is. NotFound if absent.
	UpdateFunction(ctx context.Context, acct account.ID, name, version string, mutate func(*Function) error) (*Function, error)
	// PublishVersion copies the $LATEST row, after mutate has adjusted it,
	// as the next version number in one transaction, and returns it.
	PublishVersion(ctx context.Context, acct account.ID, name string, mutate func(latest, version *Function) error) (*Function, error)
	// DeleteFunction removes every version of a function and returns the
	// code digests no other function version of any account references any
	// more (so the caller may delete the blobs). NotFound if absent.
	DeleteFunction(ctx context.Context, acct account.ID, name string) (orphanDigests []string, err error)
	// DeleteVersion removes one published version and returns the code
	// digests no function version of any account references any more. Its
	// number is never handed out again. NotFound if absent; InvalidArgument
	// for LatestVersion (use DeleteFunction).
	DeleteVersion(ctx context.Context, acct account.ID, name, version string) (orphanDigests []string, err error)
	// Usage returns the number of functions and the total code size of all
	// versions in the account.
	Usage(ctx context.Context, acct account.ID) (functions int, codeBytes int64, err error)
}

// LogEvent is one log line.
type LogEvent struct {
	ID            int64 // assigned by the store, increasing
	Stream        string
	Timestamp     int64 // milliseconds since the epoch
	IngestionTime int64 // milliseconds since the epoch
	Message       string
}

// LogGroup describes a log group.
type LogGroup struct {
	Name         string
	CreationTime int64 // ms
	StoredBytes  int64
}

// LogStream describes a stream in a group.
type LogStream struct {
	Name                string
	CreationTime        int64 // ms
	FirstEventTimestamp int64
	LastEventTimestamp  int64
	LastIngestionTime   int64
	StoredBytes         int64
}

// LogQuery selects events of one group.
type LogQuery struct {
	Group        string
	Streams      []string // empty: all streams
	StreamPrefix string
	Start, End   int64 // ms, inclusive start, exclusive end; 0 means open
	AfterID      int64 // return events with ID > AfterID (forward)
	BeforeID     int64 // if > 0, return events with ID < BeforeID (backward)
	Backward     bool  // newest first
	Limit        int
}

// StreamQuery selects streams of one group.
type StreamQuery struct {
	Group       string
	Prefix      string
	OrderByTime bool // by LastEventTimestamp instead of name
	Descending  bool
	After       string // opaque position from the previous page ("" for the first)
	Limit       int
}

// Logs stores log groups, streams and events.
type Logs interface {
	// AppendLogEvents creates the group and stream when needed and appends
	// the events, all in one transaction.
	AppendLogEvents(ctx context.Context, acct account.ID, group, stream string, events []LogEvent) error
	// QueryLogEvents returns events of one group ordered by ID (or reverse
	// with Backward). NotFound if the group does not exist.
	QueryLogEvents(ctx context.Context, acct account.ID, q LogQuery) ([]LogEvent, error)
	// ListLogGroups returns up to limit groups whose names start with
	// prefix and are greater than after, ordered by name.
	ListLogGroups(ctx context.Context, acct account.ID, prefix, after string, limit int) ([]LogGroup, error)
	// ListLogStreams returns streams of one group and the position for the
	// next page ("" on the last). NotFound if the group does not exist.
	ListLogStreams(ctx context.Context, acct account.ID, q StreamQuery) ([]LogStream, string, error)
	// DeleteLogGroup removes a group with its streams and events.
	DeleteLogGroup(ctx context.Context, acct account.ID, group string) error
}

// Store is everything a backend provides.
type Store interface {
	Functions
	Logs
	Queue
	QueueAdmin
	EventInvokeConfigs
	IAM
	Accounts
	// Close releases the backend's resources.
	Close() error
}
