package storetest

import (
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/store"
)

const workers, perWorker = 8, 10

func testConcurrentUpdates(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("counter", "sha256:a", 0))
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range perWorker {
				_, err := s.UpdateFunction(t.Context(), acctA, "counter", store.LatestVersion, func(f *store.Function) error {
					f.CodeSize++
					return nil
				})
				if err != nil {
					t.Errorf("UpdateFunction: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	f, err := s.GetFunction(t.Context(), acctA, "counter", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if f.CodeSize != workers*perWorker {
		t.Errorf("counter = %d after %d concurrent increments; updates were lost", f.CodeSize, workers*perWorker)
	}
}

func testConcurrentPublishes(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	var mu sync.Mutex
	var got []int
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range perWorker {
				v, err := s.PublishVersion(t.Context(), acctA, "hello", func(_, _ *store.Function) error { return nil })
				if err != nil {
					t.Errorf("PublishVersion: %v", err)
					return
				}
				n, err := strconv.Atoi(v.Version)
				if err != nil {
					t.Errorf("version %q is not a number", v.Version)
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(got)
	want := make([]int, workers*perWorker)
	for i := range want {
		want[i] = i + 1
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("concurrently published versions mismatch (-want +got):\n%s", diff)
	}
}

func testConcurrentAppends(t *testing.T, s store.Store) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range perWorker {
				ev := []store.LogEvent{{Timestamp: t0, IngestionTime: t0, Message: "0123456789"}}
				if err := s.AppendLogEvents(t.Context(), acctA, "g", "s"+strconv.Itoa(w), ev); err != nil {
					t.Errorf("AppendLogEvents: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	events, err := s.QueryLogEvents(t.Context(), acctA, store.LogQuery{Group: "g", Limit: 1000})
	if err != nil {
		t.Fatalf("QueryLogEvents: %v", err)
	}
	if len(events) != workers*perWorker {
		t.Errorf("%d events stored, want %d", len(events), workers*perWorker)
	}
	checkIDsIncrease(t, events)
	groups, err := s.ListLogGroups(t.Context(), acctA, "", "", 10)
	if err != nil {
		t.Fatalf("ListLogGroups: %v", err)
	}
	if len(groups) != 1 || groups[0].StoredBytes != 10*workers*perWorker {
		t.Errorf("groups = %+v, want one group of %d stored bytes", groups, 10*workers*perWorker)
	}
}
