package store

import (
	"context"
	"time"

	"lambent/internal/account"
)

// QueuedEvent is one asynchronous invocation waiting in the queue or leased
// by a poller. A poller may lease it once VisibleAt has passed; leasing
// moves VisibleAt to the end of the lease, so an event whose lease expires
// (its poller died mid-invocation) becomes visible again by itself.
type QueuedEvent struct {
	// ID is the invocation's request ID, unique in the account. Enqueueing
	// an ID that is already queued leaves the queued event as it is.
	ID string
	// Account is set on events returned by LeaseEvents; Enqueue files
	// events under its acct parameter and ignores this field.
	Account account.ID
	// Function and Qualifier name what was invoked; Qualifier is "" for an
	// unqualified invocation, else a version or an alias.
	Function  string
	Qualifier string
	Payload   []byte
	// EnqueuedAt is when the event was accepted; its age counts from here.
	EnqueuedAt time.Time
	// VisibleAt is when a poller may lease the event.
	VisibleAt time.Time
	// LeaseFor is how long a lease on this event lasts. It exceeds the
	// function's timeout, so an invocation ends before its lease does.
	LeaseFor time.Duration
	// Attempts counts the invocations that ran to a result (function
	// errors included): the record's approximateInvokeCount.
	Attempts int
	// Deferrals counts the retries after throttles and platform errors.
	Deferrals int
	// Depth is the number of destination or dead-letter deliveries that
	// led to this event (0 for an event a client sent).
	Depth int
	// Lease is the lease LeaseEvents took. When it is set on an event
	// given to Enqueue, the event is stored already leased until
	// VisibleAt, for the caller to run at once.
	Lease Lease
}

// Lease identifies one lease on a queued event.
type Lease struct {
	// Owner names the poller (node) holding the lease.
	Owner string
	// Token is unique per lease; settlements must present it.
	Token string
}

// Outcome is what Settle does with a leased event.
type Outcome int

// The outcomes of a settlement.
const (
	// OutcomeAck removes the event: it is done.
	OutcomeAck Outcome = iota + 1
	// OutcomeRetry returns the event to the queue, visible at VisibleAt,
	// with new counters and lease duration.
	OutcomeRetry
	// OutcomeFail moves the event to the failed events, kept until they
	// are purged.
	OutcomeFail
)

// Settlement is the outcome of one leased event.
type Settlement struct {
	ID    string
	Token string // the lease's token
	Outcome
	// VisibleAt, Attempts, Deferrals and LeaseFor replace the event's
	// values on OutcomeRetry.
	VisibleAt time.Time
	Attempts  int
	Deferrals int
	LeaseFor  time.Duration
	// Failure is the record kept on OutcomeFail.
	Failure *FailedEvent
	// Next are events enqueued in the same transaction (destination and
	// dead-letter deliveries), only if the lease still holds.
	Next []*QueuedEvent
}

// FailedEvent is an event that exhausted its retries or its maximum age
// with nowhere to deliver it, kept for inspection until it is purged.
type FailedEvent struct {
	// Seq orders failed events; the store assigns it.
	Seq        int64
	ID         string
	Function   string
	Qualifier  string
	Payload    []byte
	EnqueuedAt time.Time
	FailedAt   time.Time
	// Condition is RetriesExhausted, EventAgeExceeded or FunctionNotFound.
	Condition string
	Attempts  int
	// FunctionError is "Unhandled" when the last invocation failed in the
	// function, else "".
	FunctionError string
	// Response is the last invocation's response payload, if one ran.
	Response []byte
}

// Queue is the durable queue of asynchronous invocations, per account.
type Queue interface {
	// Enqueue stores events in one transaction and returns once it is
	// durable (synced to stable storage): only then may the caller
	// acknowledge the invocation. IDs already queued are left alone.
	Enqueue(ctx context.Context, acct account.ID, evs ...*QueuedEvent) error
	// Settle applies settlements of leased events in one transaction. A
	// settlement whose token no longer matches the event's lease (the
	// lease expired and another poller took the event, or the event is
	// gone) is skipped, Next included. applied[i] reports whether ss[i]
	// took effect. The transaction is atomic but need not be synced when
	// Settle returns: a backend may lose the most recent settlements on
	// power loss (never reorder them), which only makes their events run
	// again, with their Next lost together with them.
	Settle(ctx context.Context, acct account.ID, ss ...Settlement) (applied []bool, err error)
	// FailedEvents returns up to limit failed events of one function with
	// Seq greater than after, ordered by Seq.
	FailedEvents(ctx context.Context, acct account.ID, function string, after int64, limit int) ([]*FailedEvent, error)
}

// QueueAdmin is the queue's view across accounts, for the pollers only.
type QueueAdmin interface {
	// LeaseEvents leases up to n events of any account that are visible at
	// now, earliest VisibleAt first (then in enqueue order), each for its
	// LeaseFor, to owner. Each returned event carries its Account and a
	// fresh Lease. Two concurrent callers never lease the same event. Like
	// Settle, a lease need not be synced when LeaseEvents returns.
	LeaseEvents(ctx context.Context, owner string, n int, now time.Time) ([]*QueuedEvent, error)
	// ReleaseLeases makes every event leased to owner visible at now, and
	// returns how many there were. A node calls it when it starts: leases
	// its previous run held died with it.
	ReleaseLeases(ctx context.Context, owner string, now time.Time) (int, error)
	// NextVisible returns the earliest VisibleAt of all queued events;
	// ok is false when the queue is empty.
	NextVisible(ctx context.Context) (at time.Time, ok bool, err error)
	// PurgeFailedEvents deletes failed events that failed before before,
	// and returns how many.
	PurgeFailedEvents(ctx context.Context, before time.Time) (int, error)
}

// EventInvokeConfig is the asynchronous invocation configuration of one
// function version or alias.
type EventInvokeConfig struct {
	Function  string
	Qualifier string // LatestVersion, a version number or an alias
	// MaximumRetryAttempts and MaximumEventAgeSeconds are nil when unset.
	MaximumRetryAttempts   *int
	MaximumEventAgeSeconds *int
	// OnSuccess and OnFailure are destination ARNs, "" when unset.
	OnSuccess    string
	OnFailure    string
	LastModified time.Time
}

// EventInvokeConfigs stores event invoke configurations. Deleting a
// function deletes its configurations; deleting a version deletes the
// version's.
type EventInvokeConfigs interface {
	// PutEventInvokeConfig creates or replaces the configuration of
	// c.Function and c.Qualifier. NotFound if that version does not exist.
	PutEventInvokeConfig(ctx context.Context, acct account.ID, c *EventInvokeConfig) error
	// UpdateEventInvokeConfig reads a configuration, applies mutate and
	// writes it back in one transaction. If mutate returns an error
	// nothing is written and the error is returned as is. NotFound if
	// absent.
	UpdateEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string,
		mutate func(*EventInvokeConfig) error) (*EventInvokeConfig, error)
	// GetEventInvokeConfig returns one configuration. NotFound if absent.
	GetEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string) (*EventInvokeConfig, error)
	// ListEventInvokeConfigs returns up to limit configurations of a
	// function with qualifiers greater than after, ordered by qualifier.
	ListEventInvokeConfigs(ctx context.Context, acct account.ID, function, after string, limit int) ([]*EventInvokeConfig, error)
	// DeleteEventInvokeConfig removes one configuration. NotFound if absent.
	DeleteEventInvokeConfig(ctx context.Context, acct account.ID, function, qualifier string) error
}
