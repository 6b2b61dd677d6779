package queue

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/store"
)

var t0 = time.UnixMilli(1_750_000_000_000)

func intp(n int) *int { return &n }

func TestPolicyFor(t *testing.T) {
	tests := []struct {
		name string
		cfg  *store.EventInvokeConfig
		want policy
	}{
		{"none", nil, policy{maxRetries: 2, maxAge: 6 * time.Hour, base: time.Minute}},
		{"retries only", &store.EventInvokeConfig{MaximumRetryAttempts: intp(0)},
			policy{maxRetries: 0, maxAge: 6 * time.Hour, base: time.Minute}},
		{"age only", &store.EventInvokeConfig{MaximumEventAgeSeconds: intp(60)},
			policy{maxRetries: 2, maxAge: time.Minute, base: time.Minute}},
		{"destinations only", &store.EventInvokeConfig{OnSuccess: "arn"},
			policy{maxRetries: 2, maxAge: 6 * time.Hour, base: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policyFor(tt.cfg, time.Minute); got != tt.want {
				t.Errorf("policyFor = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	p := policy{maxRetries: 2, maxAge: time.Hour, base: time.Minute}
	ev := func(attempts, deferrals int, age time.Duration) *store.QueuedEvent {
		return &store.QueuedEvent{EnqueuedAt: t0.Add(-age), Attempts: attempts, Deferrals: deferrals}
	}
	tests := []struct {
		name string
		p    policy
		ev   *store.QueuedEvent
		r    result
		want verdict
	}{
		{"success", p, ev(0, 0, 0), ranOK,
			verdict{outcome: store.OutcomeAck, condition: condSuccess, attempts: 1}},
		{"success after retries", p, ev(2, 3, 0), ranOK,
			verdict{outcome: store.OutcomeAck, condition: condSuccess, attempts: 3, deferrals: 3}},
		{"first error waits the base", p, ev(0, 0, 0), ranFunctionError,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(time.Minute), attempts: 1}},
		{"second error waits twice the base", p, ev(1, 0, 0), ranFunctionError,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(2 * time.Minute), attempts: 2}},
		{"third error exhausts", p, ev(2, 0, 0), ranFunctionError,
			verdict{outcome: store.OutcomeFail, condition: condRetriesExhausted, attempts: 3}},
		{"no retries", policy{maxRetries: 0, maxAge: time.Hour, base: time.Minute}, ev(0, 0, 0), ranFunctionError,
			verdict{outcome: store.OutcomeFail, condition: condRetriesExhausted, attempts: 1}},
		{"retry beyond the maximum age", p, ev(1, 0, 59*time.Minute), ranFunctionError,
			verdict{outcome: store.OutcomeFail, condition: condEventAgeExceeded, attempts: 2}},
		{"first deferral waits a second", p, ev(0, 0, 0), deferred,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(time.Second), deferrals: 1}},
		{"deferrals double", p, ev(1, 3, 0), deferred,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(8 * time.Second), attempts: 1, deferrals: 4}},
		{"deferrals cap at five minutes", p, ev(0, 20, 0), deferred,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(5 * time.Minute), deferrals: 21}},
		{"last deferral lands on the deadline", p, ev(0, 20, 58*time.Minute), deferred,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(2 * time.Minute), deferrals: 21}},
		{"deferral at the deadline fails", p, ev(1, 2, time.Hour), deferred,
			verdict{outcome: store.OutcomeFail, condition: condEventAgeExceeded, attempts: 1, deferrals: 3}},
		{"scaled schedule", policy{maxRetries: 2, maxAge: time.Hour, base: 60 * time.Millisecond}, ev(0, 1, 0), deferred,
			verdict{outcome: store.OutcomeRetry, at: t0.Add(2 * time.Millisecond), deferrals: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.decide(tt.ev, tt.r, t0)
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(verdict{})); diff != "" {
				t.Errorf("decide mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpired(t *testing.T) {
	p := policy{maxRetries: 2, maxAge: time.Minute, base: time.Minute}
	ev := &store.QueuedEvent{EnqueuedAt: t0}
	if p.expired(ev, t0.Add(time.Minute)) {
		t.Error("an event exactly at its maximum age may still run")
	}
	if !p.expired(ev, t0.Add(time.Minute+time.Millisecond)) {
		t.Error("an event past its maximum age must not run")
	}
}

func TestBackoff(t *testing.T) {
	p := policy{base: time.Minute}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, 64 * time.Second, 128 * time.Second, 256 * time.Second, 5 * time.Minute, 5 * time.Minute}
	for i, w := range want {
		if got := p.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}
