package logsapi

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// fakeStore is an in-memory store.Logs with the optional logCreator
// methods, written to the contract in store.go so the handler can be tested
// without the SQLite backend.
type fakeStore struct {
	// now returns the creation time of new groups and streams.
	now    func() int64
	mu     sync.Mutex
	fail   error // returned by every call instead of running it
	nextID int64
	accts  map[account.ID]map[string]*fakeGroup
	calls  int
}

type fakeGroup struct {
	created int64
	bytes   int64
	streams map[string]*store.LogStream
	events  []store.LogEvent // ascending ID
}

var (
	_ store.Logs = (*fakeStore)(nil)
	_ logCreator = (*fakeStore)(nil)
)

func newFakeStore() *fakeStore {
	return &fakeStore{now: func() int64 { return 1_000 }, accts: map[account.ID]map[string]*fakeGroup{}}
}

// bareStore hides fakeStore's logCreator methods: only store.Logs remains.
type bareStore struct{ store.Logs }

// begin counts a call and returns the failure to inject, if any; f.mu is
// held.
func (f *fakeStore) begin(acct account.ID) error {
	f.calls++
	if f.fail != nil {
		return f.fail
	}
	return acct.Check()
}

func (f *fakeStore) failWith(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = err
}

func (f *fakeStore) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func (f *fakeStore) group(acct account.ID, name string) (*fakeGroup, error) {
	g := f.accts[acct][name]
	if g == nil {
		return nil, errkind.New(errkind.NotFound, "log group not found")
	}
	return g, nil
}

func (f *fakeStore) ensureGroup(acct account.ID, name string) *fakeGroup {
	if f.accts[acct] == nil {
		f.accts[acct] = map[string]*fakeGroup{}
	}
	g := f.accts[acct][name]
	if g == nil {
		g = &fakeGroup{created: f.now(), streams: map[string]*store.LogStream{}}
		f.accts[acct][name] = g
	}
	return g
}

func (g *fakeGroup) ensureStream(name string, now int64) *store.LogStream {
	s := g.streams[name]
	if s == nil {
		s = &store.LogStream{Name: name, CreationTime: now}
		g.streams[name] = s
	}
	return s
}

func (f *fakeStore) AppendLogEvents(_ context.Context, acct account.ID, group, stream string, events []store.LogEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return err
	}
	g := f.ensureGroup(acct, group)
	s := g.ensureStream(stream, f.now())
	for _, ev := range events {
		f.nextID++
		ev.ID, ev.Stream = f.nextID, stream
		g.events = append(g.events, ev)
		if s.FirstEventTimestamp == 0 || ev.Timestamp < s.FirstEventTimestamp {
			s.FirstEventTimestamp = ev.Timestamp
		}
		s.LastEventTimestamp = max(s.LastEventTimestamp, ev.Timestamp)
		s.LastIngestionTime = max(s.LastIngestionTime, ev.IngestionTime)
		s.StoredBytes += int64(len(ev.Message))
		g.bytes += int64(len(ev.Message))
	}
	return nil
}

func (f *fakeStore) QueryLogEvents(_ context.Context, acct account.ID, q store.LogQuery) ([]store.LogEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return nil, err
	}
	g, err := f.group(acct, q.Group)
	if err != nil {
		return nil, err
	}
	evs, out := g.events, []store.LogEvent(nil)
	full := func() bool { return q.Limit > 0 && len(out) == q.Limit }
	if !q.Backward {
		i := sort.Search(len(evs), func(i int) bool { return evs[i].ID > q.AfterID })
		for ; i < len(evs) && !full(); i++ {
			if queryMatches(q, evs[i]) {
				out = append(out, evs[i])
			}
		}
		return out, nil
	}
	end := len(evs)
	if q.BeforeID > 0 {
		end = sort.Search(len(evs), func(i int) bool { return evs[i].ID >= q.BeforeID })
	}
	for i := end - 1; i >= 0 && !full(); i-- {
		if queryMatches(q, evs[i]) {
			out = append(out, evs[i])
		}
	}
	return out, nil
}

func queryMatches(q store.LogQuery, ev store.LogEvent) bool {
	switch {
	case ev.ID <= q.AfterID, q.BeforeID > 0 && ev.ID >= q.BeforeID:
		return false
	case len(q.Streams) > 0 && !slices.Contains(q.Streams, ev.Stream):
		return false
	case !strings.HasPrefix(ev.Stream, q.StreamPrefix):
		return false
	case q.Start != 0 && ev.Timestamp < q.Start, q.End != 0 && ev.Timestamp >= q.End:
		return false
	}
	return true
}

func (f *fakeStore) ListLogGroups(_ context.Context, acct account.ID, prefix, after string, limit int) ([]store.LogGroup, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return nil, err
	}
	var out []store.LogGroup
	for name, g := range f.accts[acct] {
		if strings.HasPrefix(name, prefix) && name > after {
			out = append(out, store.LogGroup{Name: name, CreationTime: g.created, StoredBytes: g.bytes})
		}
	}
	slices.SortFunc(out, func(a, b store.LogGroup) int { return strings.Compare(a.Name, b.Name) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// ListLogStreams pages with the offset into the sorted listing as position.
func (f *fakeStore) ListLogStreams(_ context.Context, acct account.ID, q store.StreamQuery) ([]store.LogStream, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return nil, "", err
	}
	g, err := f.group(acct, q.Group)
	if err != nil {
		return nil, "", err
	}
	var all []store.LogStream
	for _, s := range g.streams {
		if strings.HasPrefix(s.Name, q.Prefix) {
			all = append(all, *s)
		}
	}
	slices.SortFunc(all, func(a, b store.LogStream) int {
		c := strings.Compare(a.Name, b.Name)
		if q.OrderByTime {
			c = cmp.Or(cmp.Compare(a.LastEventTimestamp, b.LastEventTimestamp), c)
		}
		if q.Descending {
			return -c
		}
		return c
	})
	start := 0
	if q.After != "" {
		if start, err = strconv.Atoi(q.After); err != nil || start > len(all) {
			return nil, "", errkind.New(errkind.InvalidArgument, "bad position")
		}
	}
	end := min(start+q.Limit, len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return all[start:end], next, nil
}

func (f *fakeStore) DeleteLogGroup(_ context.Context, acct account.ID, group string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return err
	}
	if _, err := f.group(acct, group); err != nil {
		return err
	}
	delete(f.accts[acct], group)
	return nil
}

func (f *fakeStore) CreateLogGroup(_ context.Context, acct account.ID, group string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return err
	}
	if f.accts[acct][group] != nil {
		return errkind.New(errkind.AlreadyExists, "log group exists")
	}
	f.ensureGroup(acct, group)
	return nil
}

func (f *fakeStore) CreateLogStream(_ context.Context, acct account.ID, group, stream string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.begin(acct); err != nil {
		return err
	}
	g, err := f.group(acct, group)
	if err != nil {
		return err
	}
	if g.streams[stream] != nil {
		return errkind.New(errkind.AlreadyExists, "log stream exists")
	}
	g.ensureStream(stream, f.now())
	return nil
}
