package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// Service accepts Event invocations and runs them: it stores each event
// durably, leases it to a worker, invokes the function through the
// invoke manager, retries per the event invoke config, and delivers
// invocation records to destinations.
type Service struct {
	cfg Config

	// runCtx bounds invocations; it ends when Close gives up draining.
	runCtx    context.Context
	abandon   context.CancelFunc
	enqueuer  *batcher[*store.QueuedEvent]
	settler   *batcher[*settleItem]
	wake      chan struct{} // cap 1: look for visible events
	stop      chan struct{} // closed by Close
	pollDone  chan struct{} // closed when the poller exits
	running   sync.WaitGroup
	startOnce sync.Once
	nextPurge time.Time // the poller's alone

	mu      sync.Mutex
	free    int // worker slots
	closing bool
	timer   clock.Timer // the poller's next wake-up
}

// settleItem is a settlement on its way through the settle batcher.
type settleItem struct {
	st      store.Settlement
	applied bool
}

// New returns a Service; Start begins polling.
func New(cfg Config) (*Service, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, free: cfg.Workers, wake: make(chan struct{}, 1),
		stop: make(chan struct{}), pollDone: make(chan struct{})}
	s.runCtx, s.abandon = context.WithCancel(context.Background())
	// Writes that were decided run to completion even after Close gives
	// up: Wait covers them.
	io := context.WithoutCancel(s.runCtx)
	s.enqueuer = newBatcher(io, s.writeEvents, func(ev *store.QueuedEvent) int { return len(ev.Payload) })
	s.settler = newBatcher(io, s.writeSettlements, settlementSize)
	return s, nil
}

// Start releases the leases this node held before a restart, so that the
// events it was running run again at once, and starts the poller. The
// poller starts even if the release fails: those events then run when
// their leases expire.
func (s *Service) Start(ctx context.Context) error {
	n, err := s.cfg.Store.ReleaseLeases(ctx, s.cfg.Owner, s.cfg.Clock.Now())
	if n > 0 {
		s.cfg.Logger.Info("requeued events leased before a restart", "events", n)
	}
	s.startOnce.Do(func() { go s.pollLoop() })
	s.signal()
	if err != nil {
		return fmt.Errorf("release leases of the previous run: %w", err)
	}
	return nil
}

// Close stops taking new events and waits, until ctx ends, for running
// ones to finish and settle. Events still queued stay queued. If ctx ends
// first, the invocations still running are abandoned: they settle nothing,
// and their events run again after their leases expire or the node
// restarts. Call Wait after the invoke manager has stopped them.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	if s.timer != nil {
		s.timer.Stop()
	}
	s.mu.Unlock()
	close(s.stop)
	s.startOnce.Do(func() { close(s.pollDone) })
	<-s.pollDone

	drained := make(chan struct{})
	go func() { s.running.Wait(); close(drained) }()
	select {
	case <-drained:
		return nil
	case <-ctx.Done():
		s.abandon()
		return fmt.Errorf("drain async invocations: %w", ctx.Err())
	}
}

// Wait returns when every worker has returned.
func (s *Service) Wait() { s.running.Wait() }

// Submission is one accepted Event invocation.
type Submission struct {
	Account   account.ID
	RequestID string // becomes the event's ID and the invocation's request ID
	Function  string
	Qualifier string // "" when invoked unqualified
	Payload   []byte
	// TimeoutSec is the timeout of the version that will run; the event's
	// lease is made longer.
	TimeoutSec int
}

// Submit stores the event durably and returns; only then may the caller
// answer 202. When a worker is free the event is stored already leased
// to it and starts as soon as the write commits, without a poll.
func (s *Service) Submit(ctx context.Context, sub Submission) error {
	now := s.cfg.Clock.Now()
	ev := &store.QueuedEvent{ID: sub.RequestID, Account: sub.Account, Function: sub.Function, Qualifier: sub.Qualifier,
		Payload: sub.Payload, EnqueuedAt: now, VisibleAt: now, LeaseFor: s.leaseFor(sub.TimeoutSec)}
	direct, err := s.reserve()
	if err != nil {
		return err
	}
	if direct {
		ev.Lease = store.Lease{Owner: s.cfg.Owner, Token: newToken()}
		ev.VisibleAt = now.Add(ev.LeaseFor)
	}
	done := s.enqueuer.add(sub.Account, ev, func(err error) {
		switch {
		case err == nil && direct:
			go s.process(ev)
		case direct:
			s.release()
		case err == nil:
			s.signal()
		}
	})
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("queue event: %w", err)
		}
		s.cfg.Metrics.enqueued.Inc()
		return nil
	case <-ctx.Done():
		// The write goes on; if it commits, the event runs.
		return ctx.Err()
	}
}

// reserve takes a worker slot for a direct start, if one is free.
func (s *Service) reserve() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false, errkind.New(errkind.Unavailable, "The server is shutting down.")
	}
	if s.free == 0 {
		return false, nil
	}
	s.free--
	s.running.Add(1)
	return true, nil
}

// reserveUpTo takes up to n free slots for polled events.
func (s *Service) reserveUpTo(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return 0
	}
	k := min(n, s.free)
	s.free -= k
	s.running.Add(k)
	return k
}

// release returns a slot and wakes the poller, which may now lease more.
func (s *Service) release() {
	s.mu.Lock()
	s.free++
	s.mu.Unlock()
	s.running.Done()
	s.signal()
}

func (s *Service) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// leaseFor is the lease of an event of a function with the given timeout.
func (s *Service) leaseFor(timeoutSec int) time.Duration {
	return time.Duration(timeoutSec)*time.Second + s.cfg.LeaseMargin
}

func (s *Service) writeEvents(ctx context.Context, acct account.ID, evs []*store.QueuedEvent) error {
	return s.cfg.Store.Enqueue(ctx, acct, evs...)
}

func (s *Service) writeSettlements(ctx context.Context, acct account.ID, items []*settleItem) error {
	ss := make([]store.Settlement, len(items))
	for i, it := range items {
		ss[i] = it.st
	}
	applied, err := s.cfg.Store.Settle(ctx, acct, ss...)
	if err != nil {
		return err
	}
	for i, it := range items {
		it.applied = applied[i]
	}
	return nil
}

func settlementSize(it *settleItem) int {
	n := 0
	if it.st.Failure != nil {
		n += len(it.st.Failure.Payload) + len(it.st.Failure.Response)
	}
	for _, ev := range it.st.Next {
		n += len(ev.Payload)
	}
	return n
}

func newToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
