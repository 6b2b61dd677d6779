package queue

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/account"
)

const (
	acctA account.ID = "111111111111"
	acctB account.ID = "222222222222"
)

// recorder is a batcher write function that records its calls and can be
// held, so that items pile up behind a running call.
type recorder struct {
	mu      sync.Mutex
	calls   [][]string
	accts   []account.ID
	hold    chan struct{} // when not nil, each call waits for a receive
	entered chan struct{} // when not nil, each call sends on entry
	fail    error
}

func (r *recorder) write(_ context.Context, acct account.ID, items []string) error {
	if r.entered != nil {
		r.entered <- struct{}{}
	}
	if r.hold != nil {
		<-r.hold
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, items)
	r.accts = append(r.accts, acct)
	return r.fail
}

func TestBatcherGroupsWhileAWriteRuns(t *testing.T) {
	r := &recorder{hold: make(chan struct{}), entered: make(chan struct{}, 3)}
	b := newBatcher(t.Context(), r.write, func(s string) int { return len(s) })
	first := b.add(acctA, "a1", nil)
	<-r.entered // the first write runs (and waits); queue more behind it
	var thens []string
	var mu sync.Mutex
	then := func(s string) func(error) {
		return func(error) { mu.Lock(); thens = append(thens, s); mu.Unlock() }
	}
	rest := []<-chan error{
		b.add(acctA, "a2", then("a2")), b.add(acctB, "b1", then("b1")), b.add(acctA, "a3", then("a3")),
	}
	r.hold <- struct{}{} // first write
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	r.hold <- struct{}{} // A's batch
	r.hold <- struct{}{} // B's batch
	for _, c := range rest {
		if err := <-c; err != nil {
			t.Fatal(err)
		}
	}
	want := [][]string{{"a1"}, {"a2", "a3"}, {"b1"}}
	if diff := cmp.Diff(want, r.calls); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]account.ID{acctA, acctA, acctB}, r.accts); diff != "" {
		t.Errorf("accounts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a2", "a3", "b1"}, thens); diff != "" {
		t.Errorf("callbacks (-want +got):\n%s", diff)
	}
}

func TestBatcherReportsWriteError(t *testing.T) {
	boom := errors.New("boom")
	r := &recorder{fail: boom}
	b := newBatcher(t.Context(), r.write, func(s string) int { return len(s) })
	var got error
	err := <-b.add(acctA, "x", func(err error) { got = err })
	if !errors.Is(err, boom) || !errors.Is(got, boom) {
		t.Errorf("add = %v, then got %v; want the write's error in both", err, got)
	}
}

func TestBatcherBoundsBatches(t *testing.T) {
	r := &recorder{}
	b := newBatcher(t.Context(), r.write, func(s string) int { return batchMaxBytes / 2 })
	b.mu.Lock() // queue everything before the drain starts
	for range 5 {
		b.pending = append(b.pending, &batchItem[string]{acct: acctA, v: "x", done: make(chan error, 1)})
	}
	batch := b.take()
	b.mu.Unlock()
	if len(batch) != 2 || len(b.pending) != 3 {
		t.Errorf("took %d items, %d left; want batches bounded at %d bytes", len(batch), len(b.pending), batchMaxBytes)
	}
}
