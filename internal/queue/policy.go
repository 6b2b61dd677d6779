package queue

import (
	"time"

	"lambent/internal/store"
)

// Lambda's defaults and bounds of the retry policy.
const (
	DefaultMaxRetries = 2
	DefaultMaxAge     = 21600 * time.Second

	// backoffFirst and backoffMax bound the throttle and platform-error
	// backoff at the default RetryDelay of one minute.
	backoffFirst = time.Second
	backoffMax   = 5 * time.Minute
)

// Conditions of an invocation record and a failed event.
const (
	condSuccess          = "Success"
	condRetriesExhausted = "RetriesExhausted"
	condEventAgeExceeded = "EventAgeExceeded"
	condFunctionNotFound = "FunctionNotFound"
)

// policy is the retry policy of one function version or alias.
type policy struct {
	maxRetries int
	maxAge     time.Duration
	// base is the wait before the first retry of a function error.
	base time.Duration
}

// policyFor applies an event invoke config (nil for none) over Lambda's
// defaults.
func policyFor(c *store.EventInvokeConfig, base time.Duration) policy {
	p := policy{maxRetries: DefaultMaxRetries, maxAge: DefaultMaxAge, base: base}
	if c != nil && c.MaximumRetryAttempts != nil {
		p.maxRetries = *c.MaximumRetryAttempts
	}
	if c != nil && c.MaximumEventAgeSeconds != nil {
		p.maxAge = time.Duration(*c.MaximumEventAgeSeconds) * time.Second
	}
	return p
}

// result is how an attempt ended.
type result int

const (
	ranOK            result = iota // the function returned a result
	ranFunctionError               // the function failed (error, timeout, crash)
	deferred                       // not run: throttled, or a platform error
)

// verdict is what happens to an event after an attempt.
type verdict struct {
	outcome   store.Outcome
	condition string    // of the record: Success, RetriesExhausted, EventAgeExceeded
	at        time.Time // when a retry becomes visible
	attempts  int
	deferrals int
}

// expired reports whether ev is past its maximum age at now: it must not
// run any more.
func (p policy) expired(ev *store.QueuedEvent, now time.Time) bool {
	return now.Sub(ev.EnqueuedAt) > p.maxAge
}

// decide returns the verdict on ev after an attempt ended with r at now.
// Function errors are retried after base, then 2×base, up to maxRetries;
// deferrals back off exponentially until the event's maximum age. A retry
// that could only come after the maximum age fails the event now.
func (p policy) decide(ev *store.QueuedEvent, r result, now time.Time) verdict {
	v := verdict{attempts: ev.Attempts, deferrals: ev.Deferrals}
	deadline := ev.EnqueuedAt.Add(p.maxAge)
	switch r {
	case ranOK:
		v.attempts++
		v.outcome, v.condition = store.OutcomeAck, condSuccess
		return v
	case ranFunctionError:
		v.attempts++
		if v.attempts > p.maxRetries {
			v.outcome, v.condition = store.OutcomeFail, condRetriesExhausted
			return v
		}
		at := now.Add(time.Duration(v.attempts) * p.base)
		if at.After(deadline) {
			v.outcome, v.condition = store.OutcomeFail, condEventAgeExceeded
			return v
		}
		v.at = at
	default:
		v.deferrals++
		if !now.Before(deadline) {
			v.outcome, v.condition = store.OutcomeFail, condEventAgeExceeded
			return v
		}
		// The last try comes at the deadline rather than never.
		v.at = minTime(now.Add(p.backoff(v.deferrals)), deadline)
	}
	v.outcome = store.OutcomeRetry
	return v
}

// backoff is the wait after the n-th deferral (n ≥ 1): 1 s doubling up to
// 5 min, scaled by base / 1 minute.
func (p policy) backoff(n int) time.Duration {
	d := backoffFirst
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	d = min(d, backoffMax)
	return time.Duration(float64(d) * float64(p.base) / float64(time.Minute))
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
