package logs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/account"
	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/store"
	"lambent/internal/testenv"
)

const acct = account.ID("111111111111")

// appendCall is one recorded AppendLogEvents call.
type appendCall struct {
	Acct          account.ID
	Group, Stream string
	Messages      []string
}

// fakeLogs records AppendLogEvents calls; the rest of store.Logs is not used
// by the writer (calling it panics on the nil embedded interface).
type fakeLogs struct {
	store.Logs
	// appendFn, when set, runs before an append is recorded; an error
	// rejects the append.
	appendFn func(ctx context.Context, events []store.LogEvent) error

	mu    sync.Mutex
	calls []appendCall
}

var _ store.Logs = (*fakeLogs)(nil)

func (f *fakeLogs) AppendLogEvents(ctx context.Context, a account.ID, group, stream string, events []store.LogEvent) error {
	if f.appendFn != nil {
		if err := f.appendFn(ctx, events); err != nil {
			return err
		}
	}
	c := appendCall{Acct: a, Group: group, Stream: stream}
	for _, e := range events {
		c.Messages = append(c.Messages, e.Message)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	return nil
}

func (f *fakeLogs) recorded() []appendCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]appendCall(nil), f.calls...)
}

// messages returns all stored messages of one stream, in order.
func (f *fakeLogs) messages(stream string) []string {
	var out []string
	for _, c := range f.recorded() {
		if c.Stream == stream {
			out = append(out, c.Messages...)
		}
	}
	return out
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func events(prefix string, n int) []Event {
	out := make([]Event, n)
	for i := range out {
		out[i] = Event{Timestamp: time.UnixMilli(int64(1000 + i)), Message: fmt.Sprintf("%s%d", prefix, i)}
	}
	return out
}

func closeWriter(t *testing.T, w *Writer) {
	t.Helper()
	if err := w.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestFlushIntervalGroupsAppends(t *testing.T) {
	st := &fakeLogs{}
	clk := clocktest.New(time.Unix(1700000000, 0))
	w := NewWriter(st, discard(), WriterConfig{Clock: clk})
	defer closeWriter(t, w)

	w.Append(acct, "g", "s1", events("a", 2)...)
	w.Append(acct, "g", "s2", events("b", 1)...)
	w.Append(acct, "g", "s1", events("c", 1)...)
	// Nothing can be written before the interval: the fake clock has not
	// moved and no batch is full.
	if got := st.recorded(); len(got) != 0 {
		t.Fatalf("written before the flush interval: %v", got)
	}
	clk.Advance(DefaultFlushInterval)
	testenv.WaitFor(t, 5*time.Second, func() error {
		if n := len(st.recorded()); n != 2 {
			return fmt.Errorf("%d calls, want 2 (one per stream)", n)
		}
		return nil
	})
	if diff := cmp.Diff([]string{"a0", "a1", "c0"}, st.messages("s1")); diff != "" {
		t.Errorf("s1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"b0"}, st.messages("s2")); diff != "" {
		t.Errorf("s2 (-want +got):\n%s", diff)
	}
}

func TestFullBatchIsWrittenWithoutWaiting(t *testing.T) {
	st := &fakeLogs{}
	clk := clocktest.New(time.Unix(1700000000, 0))
	w := NewWriter(st, discard(), WriterConfig{Clock: clk, MaxBatch: 3})
	defer closeWriter(t, w)

	w.Append(acct, "g", "s", events("m", 7)...)
	testenv.WaitFor(t, 5*time.Second, func() error {
		if n := len(st.messages("s")); n != 7 {
			return fmt.Errorf("%d events stored, want 7", n)
		}
		return nil
	})
	var sizes []int
	for _, c := range st.recorded() {
		sizes = append(sizes, len(c.Messages))
	}
	if diff := cmp.Diff([]int{3, 3, 1}, sizes); diff != "" {
		t.Errorf("batch sizes (-want +got):\n%s", diff)
	}
}

func TestFlushStoresEverythingAppendedBefore(t *testing.T) {
	st := &fakeLogs{}
	clk := clocktest.New(time.Unix(1700000000, 0))
	w := NewWriter(st, discard(), WriterConfig{Clock: clk})
	defer closeWriter(t, w)

	other := account.ID("222222222222")
	w.Append(acct, "g", "s", Event{Message: "one"})
	w.Append(other, "g", "s", Event{Message: "two"})
	if err := w.Flush(t.Context()); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	got := st.recorded()
	byAcct := map[account.ID][]string{}
	for _, c := range got {
		byAcct[c.Acct] = append(byAcct[c.Acct], c.Messages...)
	}
	want := map[account.ID][]string{acct: {"one"}, other: {"two"}}
	if diff := cmp.Diff(want, byAcct); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
	// Flushing with nothing pending is a no-op.
	if err := w.Flush(t.Context()); err != nil {
		t.Fatalf("empty Flush: %v", err)
	}
	if n := len(st.recorded()); n != len(got) {
		t.Fatalf("empty flush wrote %d calls", n-len(got))
	}
}

func TestFlushStampsTimes(t *testing.T) {
	var mu sync.Mutex
	var seen []store.LogEvent
	st := &fakeLogs{appendFn: func(_ context.Context, evs []store.LogEvent) error {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, evs...)
		return nil
	}}
	now := time.UnixMilli(1700000000123)
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(now)})
	defer closeWriter(t, w)

	w.Append(acct, "g", "s", Event{Timestamp: time.UnixMilli(5), Message: "old"}, Event{Message: "now"})
	if err := w.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := []store.LogEvent{
		{Stream: "s", Timestamp: 5, IngestionTime: now.UnixMilli(), Message: "old"},
		{Stream: "s", Timestamp: now.UnixMilli(), IngestionTime: now.UnixMilli(), Message: "now"},
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestFlushErrorKeepsEventsForRetry(t *testing.T) {
	var mu sync.Mutex
	fail := errkind.New(errkind.Unavailable, "database is locked")
	st := &fakeLogs{}
	st.appendFn = func(context.Context, []store.LogEvent) error {
		mu.Lock()
		defer mu.Unlock()
		return fail
	}
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(time.Unix(0, 0))})
	defer closeWriter(t, w)

	w.Append(acct, "g", "s", Event{Message: "first"})
	if err := w.Flush(t.Context()); !errkind.Is(err, errkind.Unavailable) {
		t.Fatalf("Flush = %v, want the store's Unavailable error", err)
	}
	w.Append(acct, "g", "s", Event{Message: "second"})
	mu.Lock()
	fail = nil
	mu.Unlock()
	if err := w.Flush(t.Context()); err != nil {
		t.Fatalf("retry Flush: %v", err)
	}
	if diff := cmp.Diff([]string{"first", "second"}, st.messages("s")); diff != "" {
		t.Errorf("order after retry (-want +got):\n%s", diff)
	}
	if d := w.Dropped(); d != 0 {
		t.Errorf("Dropped = %d, want 0", d)
	}
}

func TestPermanentErrorDrops(t *testing.T) {
	st := &fakeLogs{appendFn: func(context.Context, []store.LogEvent) error {
		return errkind.New(errkind.InvalidArgument, "bad group name")
	}}
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(time.Unix(0, 0))})
	defer closeWriter(t, w)

	w.Append(acct, "g", "s", events("m", 3)...)
	if err := w.Flush(t.Context()); err == nil {
		t.Fatal("Flush succeeded")
	}
	if err := w.Flush(t.Context()); err != nil {
		t.Fatalf("second Flush retried a permanent failure: %v", err)
	}
	if d := w.Dropped(); d != 3 {
		t.Errorf("Dropped = %d, want 3", d)
	}
}

func TestBacklogBoundDrops(t *testing.T) {
	tests := []struct {
		name    string
		cfg     WriterConfig
		appends [][]Event
		kept    int
		dropped uint64
	}{
		{
			name:    "events",
			cfg:     WriterConfig{MaxBacklogEvents: 5},
			appends: [][]Event{events("a", 3), events("b", 2), events("c", 1), events("d", 4)},
			kept:    5, dropped: 5,
		},
		{
			name: "bytes",
			cfg:  WriterConfig{MaxBacklogBytes: 2 * (eventOverhead + 10)},
			appends: [][]Event{
				{{Message: strings.Repeat("x", 10)}},
				{{Message: strings.Repeat("y", 11)}},
				{{Message: strings.Repeat("z", 10)}},
			},
			kept: 2, dropped: 1,
		},
		{
			name:    "invalid account",
			cfg:     WriterConfig{},
			appends: [][]Event{events("a", 2)},
			kept:    0, dropped: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeLogs{}
			var logBuf syncBuffer
			tt.cfg.Clock = clocktest.New(time.Unix(0, 0))
			w := NewWriter(st, slog.New(slog.NewTextHandler(&logBuf, nil)), tt.cfg)
			defer closeWriter(t, w)
			a := acct
			if tt.name == "invalid account" {
				a = ""
			}
			for _, evs := range tt.appends {
				w.Append(a, "g", "s", evs...)
			}
			if d := w.Dropped(); d != tt.dropped {
				t.Errorf("Dropped = %d, want %d", d, tt.dropped)
			}
			if err := w.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			if n := len(st.messages("s")); n != tt.kept {
				t.Errorf("stored %d events, want %d", n, tt.kept)
			}
			if !strings.Contains(logBuf.String(), "dropped="+fmt.Sprint(tt.dropped)) {
				t.Errorf("no drop warning in log:\n%s", logBuf.String())
			}
			// The backlog frees up once written.
			w.Append(acct, "g", "s", Event{Message: "again"})
			if d := w.Dropped(); d != tt.dropped {
				t.Errorf("append after flush dropped: Dropped = %d", d)
			}
		})
	}
}

func TestAppendDoesNotBlockOnSlowStore(t *testing.T) {
	// Buffered: the flusher's non-blocking send must not be lost when this
	// goroutine is not yet waiting for it.
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	st := &fakeLogs{appendFn: func(ctx context.Context, _ []store.LogEvent) error {
		select {
		case entered <- struct{}{}:
		default:
		}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(time.Unix(0, 0)), MaxBatch: 1, MaxBacklogEvents: 3})
	defer closeWriter(t, w)
	defer close(release)

	w.Append(acct, "g", "s", Event{Message: "blocks the flusher"})
	<-entered
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 10 {
			w.Append(acct, "g", "s", Event{Message: fmt.Sprint(i)})
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Append blocked while the store was busy")
	}
	// One event in flight and two queued fill the bound of three.
	if d := w.Dropped(); d != 8 {
		t.Errorf("Dropped = %d, want 8", d)
	}
}

func TestClose(t *testing.T) {
	st := &fakeLogs{}
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(time.Unix(0, 0))})
	w.Append(acct, "g", "s", events("m", 2)...)
	if err := w.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if n := len(st.messages("s")); n != 2 {
		t.Fatalf("Close stored %d events, want 2", n)
	}
	w.Append(acct, "g", "s", Event{Message: "late"})
	if d := w.Dropped(); d != 1 {
		t.Errorf("append after Close: Dropped = %d, want 1", d)
	}
	if err := w.Flush(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close = %v, want ErrClosed", err)
	}
	if err := w.Close(t.Context()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestCloseGivesUpAtDeadline(t *testing.T) {
	st := &fakeLogs{appendFn: func(ctx context.Context, _ []store.LogEvent) error {
		<-ctx.Done()
		return ctx.Err()
	}}
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(time.Unix(0, 0))})
	w.Append(acct, "g", "s", events("m", 4)...)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := w.Close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Close = %v, want DeadlineExceeded", err)
	}
	if d := w.Dropped(); d != 4 {
		t.Errorf("Dropped = %d, want 4", d)
	}
}

func TestFlushHonoursContext(t *testing.T) {
	release := make(chan struct{})
	st := &fakeLogs{appendFn: func(ctx context.Context, _ []store.LogEvent) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	w := NewWriter(st, discard(), WriterConfig{Clock: clocktest.New(time.Unix(0, 0))})
	defer closeWriter(t, w)
	defer close(release)
	w.Append(acct, "g", "s", Event{Message: "m"})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Flush = %v, want Canceled", err)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"short", "hello", 5},
		{"at limit", strings.Repeat("a", MaxMessageBytes), MaxMessageBytes},
		{"over", strings.Repeat("a", MaxMessageBytes+10), MaxMessageBytes},
		// "€" is 3 bytes: 87381 of them end 1 byte short of the limit,
		// so the 87382nd straddles it and is cut whole.
		{"rune boundary", strings.Repeat("€", 87382), 87381 * 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := truncate(tt.in)
			if len(got) != tt.want || !utf8.ValidString(got) {
				t.Fatalf("len = %d (valid %v), want %d", len(got), utf8.ValidString(got), tt.want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	if err := (WriterConfig{}).Validate(); err != nil {
		t.Errorf("zero config: %v", err)
	}
	if err := (WriterConfig{MaxBatch: -1}).Validate(); !errkind.Is(err, errkind.InvalidArgument) {
		t.Errorf("negative MaxBatch: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// BenchmarkAppend measures the invoke path's cost of one log line.
func BenchmarkAppend(b *testing.B) {
	w := NewWriter(&fakeLogs{}, discard(), WriterConfig{})
	defer func() {
		if err := w.Close(b.Context()); err != nil {
			b.Fatal(err)
		}
	}()
	ev := Event{Timestamp: time.UnixMilli(1), Message: "2024-05-01T00:00:00.000Z\tINFO\thello from the function"}
	b.ReportAllocs()
	for b.Loop() {
		w.Append(acct, "/aws/lambda/f", "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef", ev)
	}
}
