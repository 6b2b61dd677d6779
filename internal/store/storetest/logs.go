package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// t0 is the base of the suite's event timestamps, in milliseconds.
const t0 int64 = 1_700_000_000_000

// seedEvents appends six events to four streams of group in five calls and
// returns them in append order (which is ID order) with Stream set. The
// timestamps are deliberately not in append order:
//
//	message  stream  timestamp
//	a        s1      t0+1000
//	b        s1      t0+3000
//	c        s2      t0+1500
//	d        s1      t0+2000
//	e        s2      t0+2500
//	f        s_x     t0+500
func seedEvents(t *testing.T, s store.Store, acct account.ID, group string) []store.LogEvent {
	t.Helper()
	batches := []struct {
		stream string
		events []store.LogEvent
	}{
		{"s1", []store.LogEvent{{Timestamp: t0 + 1000, Message: "a"}, {Timestamp: t0 + 3000, Message: "bb"}}},
		{"s2", []store.LogEvent{{Timestamp: t0 + 1500, Message: "ccc"}}},
		{"s1", []store.LogEvent{{Timestamp: t0 + 2000, Message: "dddd"}}},
		{"s2", []store.LogEvent{{Timestamp: t0 + 2500, Message: "eeeee"}}},
		{"s_x", []store.LogEvent{{Timestamp: t0 + 500, Message: "ffffff"}}},
	}
	var all []store.LogEvent
	for i, b := range batches {
		for j := range b.events {
			b.events[j].Stream = b.stream
			b.events[j].IngestionTime = t0 + 10_000 + int64(i)
		}
		if err := s.AppendLogEvents(t.Context(), acct, group, b.stream, b.events); err != nil {
			t.Fatalf("AppendLogEvents(%s, %s): %v", group, b.stream, err)
		}
		all = append(all, b.events...)
	}
	return all
}

// pick returns the seeded events with the given messages, in that order.
func pick(events []store.LogEvent, messages ...string) []store.LogEvent {
	out := []store.LogEvent{}
	for _, m := range messages {
		for _, e := range events {
			if e.Message == m {
				out = append(out, e)
			}
		}
	}
	return out
}

func storedBytes(events []store.LogEvent) int64 {
	var n int64
	for _, e := range events {
		n += int64(len(e.Message))
	}
	return n
}

// queryAll runs q with a limit large enough for every seeded event.
func queryAll(t *testing.T, s store.Store, acct account.ID, q store.LogQuery) []store.LogEvent {
	t.Helper()
	q.Limit = 1000
	events, err := s.QueryLogEvents(t.Context(), acct, q)
	if err != nil {
		t.Fatalf("QueryLogEvents(%+v): %v", q, err)
	}
	return events
}

// checkEvents compares events ignoring the store-assigned IDs.
func checkEvents(t *testing.T, got, want []store.LogEvent) {
	t.Helper()
	if diff := cmp.Diff(want, got, cmpOpts, cmpopts.IgnoreFields(store.LogEvent{}, "ID")); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

func checkIDsIncrease(t *testing.T, events []store.LogEvent) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		if events[i].ID <= events[i-1].ID {
			t.Errorf("event IDs not increasing: %d then %d", events[i-1].ID, events[i].ID)
		}
	}
}

func testLogsAppendQuery(t *testing.T, s store.Store) {
	all := seedEvents(t, s, acctA, "g")
	forward := queryAll(t, s, acctA, store.LogQuery{Group: "g"})
	checkEvents(t, forward, all)
	checkIDsIncrease(t, forward)
	backward := queryAll(t, s, acctA, store.LogQuery{Group: "g", Backward: true})
	checkEvents(t, backward, pick(all, "ffffff", "eeeee", "dddd", "ccc", "bb", "a"))
	for i := range backward {
		if backward[i].ID != forward[len(forward)-1-i].ID {
			t.Errorf("backward IDs are not the forward IDs reversed")
			break
		}
	}
	// An empty append creates the group and stream.
	if err := s.AppendLogEvents(t.Context(), acctA, "empty", "nothing", nil); err != nil {
		t.Fatalf("AppendLogEvents(no events): %v", err)
	}
	if events := queryAll(t, s, acctA, store.LogQuery{Group: "empty"}); len(events) != 0 {
		t.Errorf("new group holds %d events", len(events))
	}
}

func testLogsQueryPagination(t *testing.T, s store.Store) {
	all := seedEvents(t, s, acctA, "g")
	tests := []struct {
		name  string
		q     store.LogQuery
		pages [][]string
	}{
		{"forward", store.LogQuery{}, [][]string{{"a", "bb"}, {"ccc", "dddd"}, {"eeeee", "ffffff"}}},
		{"backward", store.LogQuery{Backward: true}, [][]string{{"ffffff", "eeeee"}, {"dddd", "ccc"}, {"bb", "a"}}},
		{"forward s1", store.LogQuery{Streams: []string{"s1"}}, [][]string{{"a", "bb"}, {"dddd"}}},
		{"backward s1", store.LogQuery{Streams: []string{"s1"}, Backward: true}, [][]string{{"dddd", "bb"}, {"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Group, q.Limit = "g", 2
			var pages [][]string
			for range 10 {
				events, err := s.QueryLogEvents(t.Context(), acctA, q)
				if err != nil {
					t.Fatalf("QueryLogEvents(%+v): %v", q, err)
				}
				if len(events) == 0 {
					break
				}
				var page []string
				for _, e := range events {
					page = append(page, e.Message)
				}
				pages = append(pages, page)
				if last := events[len(events)-1].ID; q.Backward {
					q.BeforeID = last
				} else {
					q.AfterID = last
				}
			}
			if diff := cmp.Diff(tt.pages, pages); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// AfterID and BeforeID bound a window in either direction.
	stored := queryAll(t, s, acctA, store.LogQuery{Group: "g"})
	window := store.LogQuery{Group: "g", AfterID: stored[0].ID, BeforeID: stored[4].ID}
	checkEvents(t, queryAll(t, s, acctA, window), pick(all, "bb", "ccc", "dddd"))
	window.Backward = true
	checkEvents(t, queryAll(t, s, acctA, window), pick(all, "dddd", "ccc", "bb"))
}

func testLogsStreamFilters(t *testing.T, s store.Store) {
	all := seedEvents(t, s, acctA, "g")
	tests := []struct {
		name string
		q    store.LogQuery
		want []string
	}{
		{"one stream", store.LogQuery{Streams: []string{"s2"}}, []string{"ccc", "eeeee"}},
		{"two streams", store.LogQuery{Streams: []string{"s_x", "s1"}}, []string{"a", "bb", "dddd", "ffffff"}},
		{"missing stream", store.LogQuery{Streams: []string{"nope"}}, nil},
		{"prefix all", store.LogQuery{StreamPrefix: "s"}, []string{"a", "bb", "ccc", "dddd", "eeeee", "ffffff"}},
		{"prefix one", store.LogQuery{StreamPrefix: "s1"}, []string{"a", "bb", "dddd"}},
		{"prefix is literal", store.LogQuery{StreamPrefix: "s_"}, []string{"ffffff"}},
		{"prefix wildcard", store.LogQuery{StreamPrefix: "s%"}, nil},
		{"prefix case", store.LogQuery{StreamPrefix: "S"}, nil},
		{"backward", store.LogQuery{Streams: []string{"s2"}, Backward: true}, []string{"eeeee", "ccc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Group = "g"
			checkEvents(t, queryAll(t, s, acctA, q), pick(all, tt.want...))
		})
	}
}

func testLogsTimeFilters(t *testing.T, s store.Store) {
	all := seedEvents(t, s, acctA, "g")
	tests := []struct {
		name string
		q    store.LogQuery
		want []string
	}{
		{"start inclusive", store.LogQuery{Start: t0 + 1500}, []string{"bb", "ccc", "dddd", "eeeee"}},
		{"end exclusive", store.LogQuery{End: t0 + 2000}, []string{"a", "ccc", "ffffff"}},
		{"window", store.LogQuery{Start: t0 + 1500, End: t0 + 2500}, []string{"ccc", "dddd"}},
		{"window backward", store.LogQuery{Start: t0 + 1500, End: t0 + 2500, Backward: true}, []string{"dddd", "ccc"}},
		{"window and stream", store.LogQuery{Start: t0 + 1500, Streams: []string{"s1"}}, []string{"bb", "dddd"}},
		{"empty window", store.LogQuery{Start: t0 + 5000}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Group = "g"
			checkEvents(t, queryAll(t, s, acctA, q), pick(all, tt.want...))
		})
	}
}

func testLogsQueryNotFound(t *testing.T, s store.Store) {
	seedEvents(t, s, acctA, "g")
	_, err := s.QueryLogEvents(t.Context(), acctA, store.LogQuery{Group: "missing", Limit: 10})
	wantKind(t, "QueryLogEvents(missing)", err, errkind.NotFound)
	_, _, err = s.ListLogStreams(t.Context(), acctA, store.StreamQuery{Group: "missing", Limit: 10})
	wantKind(t, "ListLogStreams(missing)", err, errkind.NotFound)
	err = s.DeleteLogGroup(t.Context(), acctA, "missing")
	wantKind(t, "DeleteLogGroup(missing)", err, errkind.NotFound)
}

func testLogsStreamStats(t *testing.T, s store.Store) {
	all := seedEvents(t, s, acctA, "g")
	if err := s.AppendLogEvents(t.Context(), acctA, "g", "quiet", nil); err != nil {
		t.Fatalf("AppendLogEvents: %v", err)
	}
	streams, next, err := s.ListLogStreams(t.Context(), acctA, store.StreamQuery{Group: "g", Limit: 10})
	if err != nil || next != "" {
		t.Fatalf("ListLogStreams = next %q, %v", next, err)
	}
	for _, st := range streams {
		if st.CreationTime <= 0 {
			t.Errorf("stream %s has no creation time", st.Name)
		}
	}
	want := []store.LogStream{
		{Name: "quiet"},
		{Name: "s1", FirstEventTimestamp: t0 + 1000, LastEventTimestamp: t0 + 3000, LastIngestionTime: t0 + 10_002, StoredBytes: 7},
		{Name: "s2", FirstEventTimestamp: t0 + 1500, LastEventTimestamp: t0 + 2500, LastIngestionTime: t0 + 10_003, StoredBytes: 8},
		{Name: "s_x", FirstEventTimestamp: t0 + 500, LastEventTimestamp: t0 + 500, LastIngestionTime: t0 + 10_004, StoredBytes: 6},
	}
	if diff := cmp.Diff(want, streams, cmpopts.IgnoreFields(store.LogStream{}, "CreationTime")); diff != "" {
		t.Errorf("streams mismatch (-want +got):\n%s", diff)
	}
	groups, err := s.ListLogGroups(t.Context(), acctA, "", "", 10)
	if err != nil {
		t.Fatalf("ListLogGroups: %v", err)
	}
	if len(groups) != 1 || groups[0].StoredBytes != storedBytes(all) || groups[0].CreationTime <= 0 {
		t.Errorf("groups = %+v, want g with %d stored bytes and a creation time", groups, storedBytes(all))
	}
}

func testListLogGroups(t *testing.T, s store.Store) {
	for _, g := range []string{"/other", "/aws/lambda/c", "/aws/lambda_x", "/aws/lambda/a", "/aws/lambda/b"} {
		if err := s.AppendLogEvents(t.Context(), acctA, g, "s", nil); err != nil {
			t.Fatalf("AppendLogEvents(%s): %v", g, err)
		}
	}
	tests := []struct {
		prefix string
		pages  [][]string
	}{
		{"", [][]string{{"/aws/lambda/a", "/aws/lambda/b"}, {"/aws/lambda/c", "/aws/lambda_x"}, {"/other"}}},
		{"/aws/lambda/", [][]string{{"/aws/lambda/a", "/aws/lambda/b"}, {"/aws/lambda/c"}}},
		{"/aws/lambda_", [][]string{{"/aws/lambda_x"}}},
		{"/aws/lambda%", nil},
		{"/AWS", nil},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			var pages [][]string
			after := ""
			for range 10 {
				groups, err := s.ListLogGroups(t.Context(), acctA, tt.prefix, after, 2)
				if err != nil {
					t.Fatalf("ListLogGroups(%q, %q): %v", tt.prefix, after, err)
				}
				if len(groups) == 0 {
					break
				}
				var page []string
				for _, g := range groups {
					page = append(page, g.Name)
				}
				pages = append(pages, page)
				after = groups[len(groups)-1].Name
			}
			if diff := cmp.Diff(tt.pages, pages); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// streamPages follows ListLogStreams positions from the first page to the
// last, which must return "".
func streamPages(t *testing.T, s store.Store, q store.StreamQuery) [][]string {
	t.Helper()
	var pages [][]string
	for range 10 {
		streams, next, err := s.ListLogStreams(t.Context(), acctA, q)
		if err != nil {
			t.Fatalf("ListLogStreams(%+v): %v", q, err)
		}
		var page []string
		for _, st := range streams {
			page = append(page, st.Name)
		}
		pages = append(pages, page)
		if next == "" {
			return pages
		}
		q.After = next
	}
	t.Fatalf("ListLogStreams(%+v) did not end", q)
	return nil
}

// listStreams returns every stream of group in name order.
func listStreams(t *testing.T, s store.Store, acct account.ID, group string) []store.LogStream {
	t.Helper()
	streams, _, err := s.ListLogStreams(t.Context(), acct, store.StreamQuery{Group: group, Limit: 1000})
	if err != nil {
		t.Fatalf("ListLogStreams(%s): %v", group, err)
	}
	return streams
}

func testListLogStreamsByName(t *testing.T, s store.Store) {
	for _, st := range []string{"e", "a", "d", "c", "b", "b_x"} {
		if err := s.AppendLogEvents(t.Context(), acctA, "g", st, nil); err != nil {
			t.Fatalf("AppendLogEvents(%s): %v", st, err)
		}
	}
	tests := []struct {
		name  string
		q     store.StreamQuery
		pages [][]string
	}{
		{"ascending", store.StreamQuery{Limit: 2}, [][]string{{"a", "b"}, {"b_x", "c"}, {"d", "e"}}},
		{"descending", store.StreamQuery{Limit: 2, Descending: true}, [][]string{{"e", "d"}, {"c", "b_x"}, {"b", "a"}}},
		{"uneven", store.StreamQuery{Limit: 4}, [][]string{{"a", "b", "b_x", "c"}, {"d", "e"}}},
		{"exact", store.StreamQuery{Limit: 6}, [][]string{{"a", "b", "b_x", "c", "d", "e"}}},
		{"prefix", store.StreamQuery{Limit: 1, Prefix: "b"}, [][]string{{"b"}, {"b_x"}}},
		{"prefix descending", store.StreamQuery{Limit: 1, Prefix: "b", Descending: true}, [][]string{{"b_x"}, {"b"}}},
		{"prefix literal", store.StreamQuery{Limit: 5, Prefix: "b_"}, [][]string{{"b_x"}}},
		{"prefix none", store.StreamQuery{Limit: 5, Prefix: "z"}, [][]string{nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.Group = "g"
			if diff := cmp.Diff(tt.pages, streamPages(t, s, q)); diff != "" {
				t.Errorf("pages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func testListLogStreamsByTime(t *testing.T, s store.Store) {
	last := map[string]int64{"a": t0 + 3000, "b": t0 + 1000, "c": t0 + 2000, "d": t0 + 2000}
	for _, st := range []string{"a", "b", "c", "d", "e"} { // e has no events: 0
		var events []store.LogEvent
		if ts, ok := last[st]; ok {
			events = []store.LogEvent{{Timestamp: ts - 100, Message: "x"}, {Timestamp: ts, Message: "y"}}
		}
		if err := s.AppendLogEvents(t.Context(), acctA, "g", st, events); err != nil {
			t.Fatalf("AppendLogEvents(%s): %v", st, err)
		}
	}
	// Ties on the time are ordered by name in the same direction.
	asc := store.StreamQuery{Group: "g", OrderByTime: true, Limit: 2}
	desc := store.StreamQuery{Group: "g", OrderByTime: true, Descending: true, Limit: 2}
	checkPages := func(q store.StreamQuery, want [][]string) {
		t.Helper()
		if diff := cmp.Diff(want, streamPages(t, s, q)); diff != "" {
			t.Errorf("pages (descending %v) mismatch (-want +got):\n%s", q.Descending, diff)
		}
	}
	checkPages(asc, [][]string{{"e", "b"}, {"c", "d"}, {"a"}})
	checkPages(desc, [][]string{{"a", "d"}, {"c", "b"}, {"e"}})

	// A new event moves b to the end.
	if err := s.AppendLogEvents(t.Context(), acctA, "g", "b", []store.LogEvent{{Timestamp: t0 + 4000, Message: "z"}}); err != nil {
		t.Fatalf("AppendLogEvents: %v", err)
	}
	checkPages(asc, [][]string{{"e", "c"}, {"d", "a"}, {"b"}})
	checkPages(desc, [][]string{{"b", "a"}, {"d", "c"}, {"e"}})
}

func testListLogStreamsInvalidPosition(t *testing.T, s store.Store) {
	for _, st := range []string{"a", "b", "c"} {
		if err := s.AppendLogEvents(t.Context(), acctA, "g", st, []store.LogEvent{{Timestamp: t0, Message: "x"}}); err != nil {
			t.Fatalf("AppendLogEvents(%s): %v", st, err)
		}
	}
	_, next, err := s.ListLogStreams(t.Context(), acctA, store.StreamQuery{Group: "g", Limit: 1})
	if err != nil || next == "" {
		t.Fatalf("ListLogStreams = next %q, %v; want a position", next, err)
	}
	for _, after := range []string{"!not a position!"} {
		_, _, err := s.ListLogStreams(t.Context(), acctA, store.StreamQuery{Group: "g", Limit: 1, After: after})
		wantKind(t, "ListLogStreams(After "+after+")", err, errkind.InvalidArgument)
	}
}

func testDeleteLogGroup(t *testing.T, s store.Store) {
	seedEvents(t, s, acctA, "g")
	keep := seedEvents(t, s, acctA, "keep")
	if err := s.DeleteLogGroup(t.Context(), acctA, "g"); err != nil {
		t.Fatalf("DeleteLogGroup: %v", err)
	}
	_, err := s.QueryLogEvents(t.Context(), acctA, store.LogQuery{Group: "g", Limit: 10})
	wantKind(t, "QueryLogEvents after delete", err, errkind.NotFound)
	_, _, err = s.ListLogStreams(t.Context(), acctA, store.StreamQuery{Group: "g", Limit: 10})
	wantKind(t, "ListLogStreams after delete", err, errkind.NotFound)
	err = s.DeleteLogGroup(t.Context(), acctA, "g")
	wantKind(t, "second DeleteLogGroup", err, errkind.NotFound)
	checkEvents(t, queryAll(t, s, acctA, store.LogQuery{Group: "keep"}), keep)

	// A group created again under the name starts empty.
	fresh := []store.LogEvent{{Stream: "s9", Timestamp: t0, IngestionTime: t0, Message: "new"}}
	if err := s.AppendLogEvents(t.Context(), acctA, "g", "s9", fresh); err != nil {
		t.Fatalf("AppendLogEvents: %v", err)
	}
	checkEvents(t, queryAll(t, s, acctA, store.LogQuery{Group: "g"}), fresh)
	groups, err := s.ListLogGroups(t.Context(), acctA, "", "", 10)
	if err != nil {
		t.Fatalf("ListLogGroups: %v", err)
	}
	want := []store.LogGroup{{Name: "g", StoredBytes: 3}, {Name: "keep", StoredBytes: storedBytes(keep)}}
	if diff := cmp.Diff(want, groups, cmpopts.IgnoreFields(store.LogGroup{}, "CreationTime")); diff != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", diff)
	}
	if names := listStreams(t, s, acctA, "g"); len(names) != 1 || names[0].Name != "s9" {
		t.Errorf("streams of the re-created group = %+v, want only s9", names)
	}
}
