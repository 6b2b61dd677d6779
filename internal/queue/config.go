package queue

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/invoke"
	"lambent/internal/store"
)

// Defaults of Config.
const (
	DefaultWorkers      = 64
	DefaultRetryDelay   = time.Minute
	DefaultLeaseMargin  = time.Minute
	DefaultPollInterval = time.Second
	DefaultRetention    = 14 * 24 * time.Hour
)

// Config configures a Service. Fields without a documented default are
// required.
type Config struct {
	Store   queueStore
	Invoker invoker
	Logs    logFlusher
	Clock   clock.Clock
	Logger  *slog.Logger
	// Metrics is optional: nil counts into unregistered metrics.
	Metrics *Metrics
	// NewID returns a fresh request ID for destination and dead-letter
	// deliveries.
	NewID func() string

	// Region is the region of every ARN the service formats.
	Region string
	// Owner names this node's leases; it must be the same across restarts
	// of the node, so that a restart can release what its previous run
	// held.
	Owner string
	// Workers caps the events run at once (default 64).
	Workers int
	// RetryDelay is the wait before the first retry of a function error
	// (default 1 minute); the second waits twice as long. Throttle and
	// platform-error backoff (1 s doubling to 5 min) scales by
	// RetryDelay / 1 minute as well, so tests can run the schedule in
	// milliseconds.
	RetryDelay time.Duration
	// LeaseMargin is added to the function's timeout to make an event's
	// lease (default 1 minute): it covers init, the log flush and the
	// settlement.
	LeaseMargin time.Duration
	// PollInterval bounds how long an idle poller waits before it looks
	// for events another node queued (default 1 s). Events this node
	// queues wake it at once.
	PollInterval time.Duration
	// Retention is how long failed events stay listed (default 14 days).
	Retention time.Duration
}

// Validate fills defaults and checks required fields.
func (c *Config) Validate() error {
	if c.Store == nil || c.Invoker == nil || c.Logs == nil || c.Clock == nil || c.Logger == nil || c.NewID == nil {
		return errors.New("queue: Store, Invoker, Logs, Clock, Logger and NewID are required")
	}
	if c.Owner == "" || c.Region == "" {
		return errors.New("queue: Owner and Region are required")
	}
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = DefaultRetryDelay
	}
	if c.LeaseMargin <= 0 {
		c.LeaseMargin = DefaultLeaseMargin
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.Retention <= 0 {
		c.Retention = DefaultRetention
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(nil)
	}
	return nil
}

// queueStore is the subset of store.Store the queue uses.
type queueStore interface {
	store.Queue
	store.QueueAdmin
	GetEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string) (*store.EventInvokeConfig, error)
	GetFunction(ctx context.Context, acct account.ID, name, version string) (*store.Function, error)
}

// invoker is the subset of invoke.Manager the queue uses: events run
// through the same path, environments and limits as synchronous
// invocations.
type invoker interface {
	Invoke(ctx context.Context, t invoke.Target, req invoke.Request) (*invoke.Response, error)
}

// logFlusher is the subset of logs.Writer the queue uses.
type logFlusher interface {
	Flush(ctx context.Context) error
}
