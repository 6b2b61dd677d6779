package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// runQueue runs the contract of the Queue, QueueAdmin and
// EventInvokeConfigs roles.
func runQueue(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"QueueLeaseOrder", testQueueLeaseOrder},
		{"QueueLeaseExcludesLeased", testQueueLeaseExcludesLeased},
		{"QueueLeaseExpires", testQueueLeaseExpires},
		{"QueueAck", testQueueAck},
		{"QueueRetry", testQueueRetry},
		{"QueueFail", testQueueFail},
		{"QueueNextEnqueuedWithSettlement", testQueueNext},
		{"QueueEnqueueLeased", testQueueEnqueueLeased},
		{"QueueReleaseLeases", testQueueReleaseLeases},
		{"QueueEnqueueIdempotent", testQueueEnqueueIdempotent},
		{"QueueFailedEventsPagination", testQueueFailedEventsPagination},
		{"QueuePurgeFailedEvents", testQueuePurgeFailedEvents},
		{"QueueConcurrentLeases", testQueueConcurrentLeases},
		{"QueueAccountIsolation", testQueueAccountIsolation},
		{"QueueInvalidAccount", testQueueInvalidAccount},
		{"EventInvokeConfigCRUD", testEventInvokeConfigCRUD},
		{"EventInvokeConfigNeedsVersion", testEventInvokeConfigNeedsVersion},
		{"EventInvokeConfigUpdateRollback", testEventInvokeConfigUpdateRollback},
		{"EventInvokeConfigFollowsFunction", testEventInvokeConfigFollowsFunction},
		{"EventInvokeConfigAccountIsolation", testEventInvokeConfigAccountIsolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// qt0 is the queue tests' clock origin (millisecond precision, as stored).
var qt0 = time.UnixMilli(1_750_000_000_000)

const owner = "node-a"

// event returns an event visible at qt0+visible, leased for a minute.
func event(id string, visible time.Duration) *store.QueuedEvent {
	return &store.QueuedEvent{ID: id, Function: "fn", Payload: []byte(`{"id":"` + id + `"}`),
		EnqueuedAt: qt0, VisibleAt: qt0.Add(visible), LeaseFor: time.Minute}
}

func mustEnqueue(t *testing.T, s store.Store, acct account.ID, evs ...*store.QueuedEvent) {
	t.Helper()
	if err := s.Enqueue(t.Context(), acct, evs...); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
}

func lease(t *testing.T, s store.Store, n int, now time.Time) []*store.QueuedEvent {
	t.Helper()
	evs, err := s.LeaseEvents(t.Context(), owner, n, now)
	if err != nil {
		t.Fatalf("LeaseEvents: %v", err)
	}
	return evs
}

func ids(evs []*store.QueuedEvent) []string {
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.ID
	}
	return out
}

func wantIDs(t *testing.T, what string, got []*store.QueuedEvent, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, ids(got), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s (-want +got):\n%s", what, diff)
	}
}

func settle(t *testing.T, s store.Store, acct account.ID, ss ...store.Settlement) []bool {
	t.Helper()
	applied, err := s.Settle(t.Context(), acct, ss...)
	if err != nil {
		t.Fatalf("Settle: %v", err)
	}
	return applied
}

func testQueueLeaseOrder(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("later", 2*time.Second), event("first", 0), event("second", 0))
	mustEnqueue(t, s, acctA, event("future", time.Hour))
	got := lease(t, s, 10, qt0.Add(5*time.Second))
	wantIDs(t, "leased in VisibleAt, then enqueue order", got, "first", "second", "later")
	for _, ev := range got {
		if ev.Account != acctA || ev.Lease.Owner != owner || ev.Lease.Token == "" {
			t.Errorf("leased %s: account %q lease %+v", ev.ID, ev.Account, ev.Lease)
		}
		if !ev.VisibleAt.Equal(qt0.Add(5*time.Second + time.Minute)) {
			t.Errorf("leased %s visible at %v, want now + LeaseFor", ev.ID, ev.VisibleAt)
		}
	}
	want := event("first", 0)
	want.Account = acctA
	if diff := cmp.Diff(want, got[0], cmpopts.IgnoreFields(store.QueuedEvent{}, "Lease", "VisibleAt")); diff != "" {
		t.Errorf("leased event mismatch (-want +got):\n%s", diff)
	}
	if got[0].Lease.Token == got[1].Lease.Token {
		t.Error("two leases share a token")
	}
}

func testQueueLeaseExcludesLeased(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0), event("b", 0), event("c", 0))
	wantIDs(t, "first lease", lease(t, s, 2, qt0), "a", "b")
	wantIDs(t, "second lease", lease(t, s, 2, qt0), "c")
	wantIDs(t, "third lease", lease(t, s, 2, qt0))
	at, ok, err := s.NextVisible(t.Context())
	if err != nil || !ok || !at.Equal(qt0.Add(time.Minute)) {
		t.Errorf("NextVisible = %v, %v, %v; want the end of the leases", at, ok, err)
	}
}

func testQueueLeaseExpires(t *testing.T, s store.Store) {
	ev := event("a", 0)
	ev.LeaseFor = 10 * time.Second
	mustEnqueue(t, s, acctA, ev)
	first := lease(t, s, 1, qt0)
	wantIDs(t, "before expiry", lease(t, s, 1, qt0.Add(9999*time.Millisecond)))
	second := lease(t, s, 1, qt0.Add(10*time.Second))
	wantIDs(t, "after expiry", second, "a")
	if len(first) != 1 || len(second) != 1 || first[0].Lease.Token == second[0].Lease.Token {
		t.Fatalf("re-lease must hand out a new token: %+v, %+v", first, second)
	}
	applied := settle(t, s, acctA, store.Settlement{ID: "a", Token: first[0].Lease.Token, Outcome: store.OutcomeAck})
	if applied[0] {
		t.Error("settlement with the expired lease's token applied")
	}
	applied = settle(t, s, acctA, store.Settlement{ID: "a", Token: second[0].Lease.Token, Outcome: store.OutcomeAck})
	if !applied[0] {
		t.Error("settlement with the current token skipped")
	}
}

func testQueueAck(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0))
	got := lease(t, s, 1, qt0)
	applied := settle(t, s, acctA, store.Settlement{ID: "a", Token: got[0].Lease.Token, Outcome: store.OutcomeAck})
	if !applied[0] {
		t.Fatal("ack skipped")
	}
	wantIDs(t, "after ack, even past the lease", lease(t, s, 1, qt0.Add(time.Hour)))
	if _, ok, err := s.NextVisible(t.Context()); err != nil || ok {
		t.Errorf("NextVisible on an empty queue = %v, %v; want none", ok, err)
	}
	applied = settle(t, s, acctA, store.Settlement{ID: "a", Token: got[0].Lease.Token, Outcome: store.OutcomeAck})
	if applied[0] {
		t.Error("second ack of a removed event applied")
	}
}

func testQueueRetry(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0))
	got := lease(t, s, 1, qt0)
	settle(t, s, acctA, store.Settlement{ID: "a", Token: got[0].Lease.Token, Outcome: store.OutcomeRetry,
		VisibleAt: qt0.Add(30 * time.Second), Attempts: 1, Deferrals: 2, LeaseFor: 2 * time.Minute})
	wantIDs(t, "before the retry time", lease(t, s, 1, qt0.Add(29*time.Second)))
	at, ok, err := s.NextVisible(t.Context())
	if err != nil || !ok || !at.Equal(qt0.Add(30*time.Second)) {
		t.Errorf("NextVisible = %v, %v, %v; want the retry time", at, ok, err)
	}
	again := lease(t, s, 1, qt0.Add(30*time.Second))
	wantIDs(t, "at the retry time", again, "a")
	if ev := again[0]; ev.Attempts != 1 || ev.Deferrals != 2 || ev.LeaseFor != 2*time.Minute || !ev.EnqueuedAt.Equal(qt0) {
		t.Errorf("retried event = %+v; want the new counters and lease, the original EnqueuedAt", ev)
	}
}

func failure(id string, at time.Time) *store.FailedEvent {
	return &store.FailedEvent{ID: id, Function: "fn", Qualifier: "1", Payload: []byte(`{"id":"` + id + `"}`),
		EnqueuedAt: qt0, FailedAt: at, Condition: "RetriesExhausted", Attempts: 3, FunctionError: "Unhandled",
		Response: []byte(`{"errorMessage":"boom"}`)}
}

func testQueueFail(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0))
	got := lease(t, s, 1, qt0)
	want := failure("a", qt0.Add(time.Minute))
	settle(t, s, acctA, store.Settlement{ID: "a", Token: got[0].Lease.Token, Outcome: store.OutcomeFail, Failure: want})
	wantIDs(t, "a failed event is not queued", lease(t, s, 1, qt0.Add(time.Hour)))
	failed, err := s.FailedEvents(t.Context(), acctA, "fn", 0, 10)
	if err != nil {
		t.Fatalf("FailedEvents: %v", err)
	}
	if len(failed) != 1 || failed[0].Seq <= 0 {
		t.Fatalf("FailedEvents = %+v; want one with a positive Seq", failed)
	}
	if diff := cmp.Diff(want, failed[0], cmpopts.IgnoreFields(store.FailedEvent{}, "Seq")); diff != "" {
		t.Errorf("failed event mismatch (-want +got):\n%s", diff)
	}
	if other, err := s.FailedEvents(t.Context(), acctA, "other", 0, 10); err != nil || len(other) != 0 {
		t.Errorf("another function's failed events = %v, %v; want none", other, err)
	}
}

func testQueueNext(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0), event("b", 0))
	got := lease(t, s, 2, qt0)
	applied := settle(t, s, acctA,
		store.Settlement{ID: "a", Token: got[0].Lease.Token, Outcome: store.OutcomeAck,
			Next: []*store.QueuedEvent{event("a-next", 0)}},
		store.Settlement{ID: "b", Token: "stale", Outcome: store.OutcomeAck,
			Next: []*store.QueuedEvent{event("b-next", 0)}})
	if diff := cmp.Diff([]bool{true, false}, applied); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	wantIDs(t, "only the held lease's follow-up is queued", lease(t, s, 10, qt0), "a-next")
}

func testQueueEnqueueLeased(t *testing.T, s store.Store) {
	ev := event("direct", time.Minute)
	ev.Lease = store.Lease{Owner: owner, Token: "tok-1"}
	mustEnqueue(t, s, acctA, ev)
	wantIDs(t, "a pre-leased event during its lease", lease(t, s, 1, qt0.Add(59*time.Second)))
	applied := settle(t, s, acctA, store.Settlement{ID: "direct", Token: "tok-1", Outcome: store.OutcomeRetry,
		VisibleAt: qt0, Attempts: 1, LeaseFor: time.Minute})
	if !applied[0] {
		t.Fatal("settlement with the token given to Enqueue skipped")
	}
	wantIDs(t, "after the retry", lease(t, s, 1, qt0), "direct")
}

func testQueueReleaseLeases(t *testing.T, s store.Store) {
	mine, theirs := event("mine", time.Minute), event("theirs", time.Minute)
	mine.Lease = store.Lease{Owner: owner, Token: "t1"}
	theirs.Lease = store.Lease{Owner: "node-b", Token: "t2"}
	mustEnqueue(t, s, acctA, mine, theirs, event("queued", time.Hour))
	n, err := s.ReleaseLeases(t.Context(), owner, qt0)
	if err != nil || n != 1 {
		t.Fatalf("ReleaseLeases = %d, %v; want 1", n, err)
	}
	wantIDs(t, "after release", lease(t, s, 10, qt0), "mine")
	applied := settle(t, s, acctA, store.Settlement{ID: "theirs", Token: "t2", Outcome: store.OutcomeAck})
	if !applied[0] {
		t.Error("another owner's lease was released")
	}
}

func testQueueEnqueueIdempotent(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0))
	dup := event("a", 0)
	dup.Payload = []byte(`"changed"`)
	mustEnqueue(t, s, acctA, dup, event("b", 0))
	got := lease(t, s, 10, qt0)
	wantIDs(t, "one event per ID", got, "a", "b")
	if string(got[0].Payload) != `{"id":"a"}` {
		t.Errorf("payload = %s; a duplicate enqueue replaced the event", got[0].Payload)
	}
}

// failEvents enqueues, leases and fails n events of fn, failing the i-th
// at qt0+i seconds.
func failEvents(t *testing.T, s store.Store, acct account.ID, fn string, n int) {
	t.Helper()
	for i := range n {
		id := fmt.Sprintf("%s-%d", fn, i)
		ev := event(id, 0)
		ev.Function = fn
		mustEnqueue(t, s, acct, ev)
		got := lease(t, s, 1, qt0)
		f := failure(id, qt0.Add(time.Duration(i)*time.Second))
		f.Function = fn
		settle(t, s, acct, store.Settlement{ID: id, Token: got[0].Lease.Token, Outcome: store.OutcomeFail, Failure: f})
	}
}

func testQueueFailedEventsPagination(t *testing.T, s store.Store) {
	failEvents(t, s, acctA, "fn", 5)
	var seen []string
	after := int64(0)
	for range 10 {
		page, err := s.FailedEvents(t.Context(), acctA, "fn", after, 2)
		if err != nil {
			t.Fatalf("FailedEvents: %v", err)
		}
		for _, f := range page {
			seen = append(seen, f.ID)
			after = f.Seq
		}
		if len(page) < 2 {
			break
		}
	}
	want := []string{"fn-0", "fn-1", "fn-2", "fn-3", "fn-4"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("paged failed events (-want +got):\n%s", diff)
	}
	_, err := s.FailedEvents(t.Context(), acctA, "fn", 0, 0)
	wantKind(t, "FailedEvents with limit 0", err, errkind.InvalidArgument)
}

func testQueuePurgeFailedEvents(t *testing.T, s store.Store) {
	failEvents(t, s, acctA, "fn", 3)
	failEvents(t, s, acctB, "fn", 3)
	n, err := s.PurgeFailedEvents(t.Context(), qt0.Add(2*time.Second))
	if err != nil || n != 4 {
		t.Fatalf("PurgeFailedEvents = %d, %v; want 4 (two per account)", n, err)
	}
	for _, acct := range []account.ID{acctA, acctB} {
		left, err := s.FailedEvents(t.Context(), acct, "fn", 0, 10)
		if err != nil || len(left) != 1 || left[0].ID != "fn-2" {
			t.Errorf("%s after purge = %+v, %v; want fn-2 only", acct, left, err)
		}
	}
}

func testQueueConcurrentLeases(t *testing.T, s store.Store) {
	const total = workers * perWorker
	for i := range total {
		mustEnqueue(t, s, acctA, event(fmt.Sprintf("e%03d", i), 0))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				evs, err := s.LeaseEvents(t.Context(), owner, 3, qt0)
				if err != nil {
					t.Errorf("LeaseEvents: %v", err)
					return
				}
				if len(evs) == 0 {
					return
				}
				mu.Lock()
				for _, ev := range evs {
					seen[ev.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != total {
		t.Errorf("%d distinct events leased, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s leased %d times by concurrent pollers", id, n)
		}
	}
}

func testQueueAccountIsolation(t *testing.T, s store.Store) {
	mustEnqueue(t, s, acctA, event("a", 0))
	got := lease(t, s, 1, qt0)
	tok := got[0].Lease.Token
	applied := settle(t, s, acctB, store.Settlement{ID: "a", Token: tok, Outcome: store.OutcomeAck})
	if applied[0] {
		t.Error("B settled A's event")
	}
	failEvents(t, s, acctA, "fn", 1)
	if fs, err := s.FailedEvents(t.Context(), acctB, "fn", 0, 10); err != nil || len(fs) != 0 {
		t.Errorf("B FailedEvents = %v, %v; want none", fs, err)
	}
	// The same ID under B is B's own event.
	mustEnqueue(t, s, acctB, event("a", 0))
	wantIDs(t, "B's event", lease(t, s, 10, qt0), "a")
	applied = settle(t, s, acctA, store.Settlement{ID: "a", Token: tok, Outcome: store.OutcomeAck})
	if !applied[0] {
		t.Error("A's settlement skipped after B enqueued the same ID")
	}
}

func testQueueInvalidAccount(t *testing.T, s store.Store) {
	calls := []struct {
		method string
		call   func(t *testing.T, acct account.ID) error
	}{
		{"Enqueue", func(t *testing.T, a account.ID) error { return s.Enqueue(t.Context(), a, event("x", 0)) }},
		{"Settle", func(t *testing.T, a account.ID) error {
			_, err := s.Settle(t.Context(), a, store.Settlement{ID: "x", Token: "t", Outcome: store.OutcomeAck})
			return err
		}},
		{"FailedEvents", func(t *testing.T, a account.ID) error {
			_, err := s.FailedEvents(t.Context(), a, "fn", 0, 10)
			return err
		}},
		{"PutEventInvokeConfig", func(t *testing.T, a account.ID) error {
			return s.PutEventInvokeConfig(t.Context(), a, &store.EventInvokeConfig{Function: "hello", Qualifier: store.LatestVersion})
		}},
		{"UpdateEventInvokeConfig", func(t *testing.T, a account.ID) error {
			_, err := s.UpdateEventInvokeConfig(t.Context(), a, "hello", store.LatestVersion,
				func(*store.EventInvokeConfig) error { return nil })
			return err
		}},
		{"GetEventInvokeConfig", func(t *testing.T, a account.ID) error {
			_, err := s.GetEventInvokeConfig(t.Context(), a, "hello", store.LatestVersion)
			return err
		}},
		{"ListEventInvokeConfigs", func(t *testing.T, a account.ID) error {
			_, err := s.ListEventInvokeConfigs(t.Context(), a, "hello", "", 10)
			return err
		}},
		{"DeleteEventInvokeConfig", func(t *testing.T, a account.ID) error {
			return s.DeleteEventInvokeConfig(t.Context(), a, "hello", store.LatestVersion)
		}},
	}
	for _, bad := range []account.ID{"", "12345678901", "*"} {
		for _, c := range calls {
			t.Run(c.method+"/"+string(bad), func(t *testing.T) {
				wantKind(t, c.method, c.call(t, bad), errkind.InvalidArgument)
			})
		}
	}
}
