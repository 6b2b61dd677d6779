package queue

import (
	"context"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/invoke"
	"lambent/internal/store"
)

// job is a leased event with what running it needs.
type job struct {
	ev  *store.QueuedEvent
	fn  *store.Function          // nil when it could not be loaded
	cfg *function.Config         // nil when it could not be loaded
	eic *store.EventInvokeConfig // nil: none configured
	pol policy
}

// process runs one leased event to its settlement and frees its slot.
func (s *Service) process(ev *store.QueuedEvent) {
	defer s.release()
	st, ok := s.attempt(ev)
	if !ok {
		return
	}
	it := &settleItem{st: st}
	err := <-s.settler.add(ev.Account, it, nil)
	switch {
	case err != nil:
		s.cfg.Logger.Error("settle queued event; it runs again when its lease expires",
			"account", ev.Account, "function", ev.Function, "request_id", ev.ID, "err", err)
	case !it.applied:
		s.cfg.Logger.Warn("lease of a queued event was lost before it settled",
			"account", ev.Account, "function", ev.Function, "request_id", ev.ID)
	}
}

// attempt runs ev once, if it may run, and returns its settlement. It
// returns false when the service abandoned the run at shutdown: the event
// then settles nothing and runs again later.
func (s *Service) attempt(ev *store.QueuedEvent) (store.Settlement, bool) {
	ctx := s.runCtx
	j, err := s.load(ctx, ev)
	if errkind.Is(err, errkind.NotFound) {
		return s.gone(ev), true
	}
	if err != nil {
		s.cfg.Logger.Warn("load function of a queued event", "account", ev.Account, "function", ev.Function,
			"request_id", ev.ID, "err", err)
		j = &job{ev: ev, pol: policyFor(nil, s.cfg.RetryDelay)}
		return s.conclude(ctx, j, j.pol.decide(ev, deferred, s.cfg.Clock.Now()), nil), true
	}
	now := s.cfg.Clock.Now()
	switch {
	case j.pol.expired(ev, now):
		v := verdict{outcome: store.OutcomeFail, condition: condEventAgeExceeded, attempts: ev.Attempts, deferrals: ev.Deferrals}
		return s.conclude(ctx, j, v, nil), true
	case j.cfg.Live == nil: // not Active yet, or its first preparation failed
		return s.conclude(ctx, j, j.pol.decide(ev, deferred, now), nil), true
	case s.leaseFor(j.cfg.Live.TimeoutSec) > ev.LeaseFor:
		// The timeout grew since the event was queued: lease it anew
		// for long enough before running it.
		return store.Settlement{ID: ev.ID, Token: ev.Lease.Token, Outcome: store.OutcomeRetry, VisibleAt: now,
			Attempts: ev.Attempts, Deferrals: ev.Deferrals, LeaseFor: s.leaseFor(j.cfg.Live.TimeoutSec)}, true
	case ctx.Err() != nil:
		return store.Settlement{}, false
	}
	r, resp := s.run(ctx, j)
	if ctx.Err() != nil {
		return store.Settlement{}, false
	}
	s.cfg.Metrics.attempt(r)
	return s.conclude(ctx, j, j.pol.decide(ev, r, s.cfg.Clock.Now()), resp), true
}

// run invokes the function through the invoke manager and persists the
// invocation's log lines before the event can be settled.
func (s *Service) run(ctx context.Context, j *job) (result, *invoke.Response) {
	ev := j.ev
	if ev.Attempts == 0 && ev.Deferrals == 0 {
		s.cfg.Metrics.started(s.cfg.Clock.Now().Sub(ev.EnqueuedAt))
	}
	resp, err := s.cfg.Invoker.Invoke(ctx, invoke.Target{
		Account: ev.Account, FunctionName: ev.Function, Version: j.fn.Version,
		InvokedARN: arn.QualifiedFunctionARN(s.cfg.Region, string(ev.Account), ev.Function, ev.Qualifier),
		Deployment: j.cfg.Live,
	}, invoke.Request{RequestID: ev.ID, Payload: ev.Payload})
	if err != nil {
		s.cfg.Logger.Debug("queued event not run; retrying later", "account", ev.Account, "function", ev.Function,
			"request_id", ev.ID, "err", err)
		return deferred, nil
	}
	if err := s.cfg.Logs.Flush(ctx); err != nil {
		// The run's log lines are not stored, so it is not done.
		s.cfg.Logger.Warn("flush logs of a queued event; it runs again", "request_id", ev.ID, "err", err)
		return deferred, nil
	}
	if resp.FunctionError != "" {
		return ranFunctionError, resp
	}
	return ranOK, resp
}

// load reads the version the event names and its event invoke config.
func (s *Service) load(ctx context.Context, ev *store.QueuedEvent) (*job, error) {
	version := ev.Qualifier
	if version == "" {
		version = store.LatestVersion
	}
	f, err := s.cfg.Store.GetFunction(ctx, ev.Account, ev.Function, version)
	if err != nil {
		return nil, err
	}
	cfg, err := function.Decode(f.Config)
	if err != nil {
		return nil, err
	}
	eic, err := s.cfg.Store.GetEventInvokeConfig(ctx, ev.Account, ev.Function, version)
	if errkind.Is(err, errkind.NotFound) {
		eic, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &job{ev: ev, fn: f, cfg: cfg, eic: eic, pol: policyFor(eic, s.cfg.RetryDelay)}, nil
}

// gone fails an event whose function or version was deleted: there is no
// configuration left to deliver it by, so it is kept as a failed event.
func (s *Service) gone(ev *store.QueuedEvent) store.Settlement {
	s.cfg.Metrics.finish(condFunctionNotFound)
	return store.Settlement{ID: ev.ID, Token: ev.Lease.Token, Outcome: store.OutcomeFail,
		Failure: s.failure(ev, condFunctionNotFound, ev.Attempts, nil)}
}

// conclude turns a verdict into a settlement: a retry, or a final outcome
// with its deliveries. A failure with nowhere to go is kept as a failed
// event.
func (s *Service) conclude(ctx context.Context, j *job, v verdict, resp *invoke.Response) store.Settlement {
	ev := j.ev
	st := store.Settlement{ID: ev.ID, Token: ev.Lease.Token, Outcome: v.outcome}
	switch v.outcome {
	case store.OutcomeRetry:
		st.VisibleAt, st.Attempts, st.Deferrals, st.LeaseFor = v.at, v.attempts, v.deferrals, s.leaseFor(j.timeout())
		return st
	case store.OutcomeAck:
		st.Next = s.deliveries(ctx, j, v, resp, j.destination(true), "")
	default:
		st.Next = s.deliveries(ctx, j, v, resp, j.destination(false), j.deadLetter())
		if len(st.Next) > 0 {
			st.Outcome = store.OutcomeAck
		} else {
			st.Failure = s.failure(ev, v.condition, v.attempts, resp)
		}
	}
	s.cfg.Metrics.finish(v.condition)
	return st
}

func (s *Service) failure(ev *store.QueuedEvent, condition string, attempts int, resp *invoke.Response) *store.FailedEvent {
	f := &store.FailedEvent{ID: ev.ID, Function: ev.Function, Qualifier: ev.Qualifier, Payload: ev.Payload,
		EnqueuedAt: ev.EnqueuedAt, FailedAt: s.cfg.Clock.Now(), Condition: condition, Attempts: attempts}
	if resp != nil {
		f.FunctionError, f.Response = resp.FunctionError, resp.Payload
	}
	return f
}

// timeout is the function's timeout in seconds, or the largest one
// allowed when it is unknown.
func (j *job) timeout() int {
	switch {
	case j.cfg != nil && j.cfg.Live != nil:
		return j.cfg.Live.TimeoutSec
	case j.cfg != nil && j.cfg.TimeoutSec > 0:
		return j.cfg.TimeoutSec
	}
	return function.MaxTimeoutSec
}

// destination is the configured OnSuccess or OnFailure ARN, or "".
func (j *job) destination(success bool) string {
	switch {
	case j.eic == nil:
		return ""
	case success:
		return j.eic.OnSuccess
	default:
		return j.eic.OnFailure
	}
}

// deadLetter is the version's dead-letter target, or "".
func (j *job) deadLetter() string {
	if j.cfg == nil {
		return ""
	}
	return j.cfg.DeadLetterTarget
}
