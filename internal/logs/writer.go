package logs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// Defaults and limits of a Writer.
const (
	DefaultFlushInterval    = 200 * time.Millisecond
	DefaultMaxBatch         = 1000
	DefaultMaxBacklogBytes  = 64 << 20
	DefaultMaxBacklogEvents = 1_000_000
	// MaxMessageBytes is CloudWatch's event size limit; longer messages
	// are truncated (at a UTF-8 boundary).
	MaxMessageBytes = 256 << 10
	// eventOverhead approximates the memory an event costs besides its
	// message, for the backlog bound.
	eventOverhead = 64
)

// ErrClosed is returned by Flush after Close.
var ErrClosed = errors.New("log writer closed")

// Event is one log line.
type Event struct {
	Timestamp time.Time // the zero time means now
	Message   string
}

// WriterConfig tunes a Writer. Zero fields take the defaults.
type WriterConfig struct {
	// FlushInterval bounds how long an appended event waits before it is
	// written. Default 200ms.
	FlushInterval time.Duration
	// MaxBatch is the stream batch size that triggers an immediate write
	// and the most events written in one store call. Default 1000.
	MaxBatch int
	// MaxBacklogBytes and MaxBacklogEvents bound the events held in memory,
	// pending or being written; appends beyond either are dropped and
	// counted. Defaults 64 MiB and 1e6. Bytes are approximate: the message
	// plus a fixed per-event overhead.
	MaxBacklogBytes  int64
	MaxBacklogEvents int
	// Clock schedules flushes and stamps ingestion times; nil for the wall
	// clock.
	Clock clock.Clock
}

// Validate reports fields that are out of range.
func (c WriterConfig) Validate() error {
	if c.FlushInterval < 0 || c.MaxBatch < 0 || c.MaxBacklogBytes < 0 || c.MaxBacklogEvents < 0 {
		return errkind.New(errkind.InvalidArgument, "log writer limits must not be negative")
	}
	return nil
}

func (c WriterConfig) withDefaults() WriterConfig {
	if c.FlushInterval <= 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.MaxBacklogBytes <= 0 {
		c.MaxBacklogBytes = DefaultMaxBacklogBytes
	}
	if c.MaxBacklogEvents <= 0 {
		c.MaxBacklogEvents = DefaultMaxBacklogEvents
	}
	if c.Clock == nil {
		c.Clock = clock.Real{}
	}
	return c
}

// streamKey names the batch an event belongs to.
type streamKey struct {
	acct          account.ID
	group, stream string
}

type flushRequest struct {
	reply chan error // buffered
}

// Writer batches log events and writes them in the background. Its methods
// are safe for concurrent use.
type Writer struct {
	st     store.Logs
	logger *slog.Logger
	cfg    WriterConfig

	// ctx is the context of store writes; cancel aborts them when Close
	// runs out of time.
	ctx    context.Context
	cancel context.CancelFunc

	wake     chan struct{} // cap 1: a batch is full or the timer fired
	requests chan flushRequest
	stop     chan struct{} // closed by Close
	done     chan struct{} // closed when the flusher exits
	closeErr error         // the final flush's error; read after done

	dropped  atomic.Uint64
	reported uint64 // drops already warned about; flusher only

	mu      sync.Mutex
	pending map[streamKey][]store.LogEvent
	bytes   int64 // held in memory: pending and being written
	events  int
	timer   clock.Timer // armed while a flush is due
	closed  bool
}

// NewWriter starts a background flusher that groups appends per (account,
// group, stream) and writes them with st.AppendLogEvents at most every
// cfg.FlushInterval, or as soon as a batch reaches cfg.MaxBatch events.
func NewWriter(st store.Logs, logger *slog.Logger, cfg WriterConfig) *Writer {
	ctx, cancel := context.WithCancel(context.Background())
	w := &Writer{
		st:       st,
		logger:   logger,
		cfg:      cfg.withDefaults(),
		ctx:      ctx,
		cancel:   cancel,
		wake:     make(chan struct{}, 1),
		requests: make(chan flushRequest),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		pending:  make(map[streamKey][]store.LogEvent),
	}
	go w.run()
	return w
}

// Append queues events for the stream without blocking on I/O. When the
// backlog bound would be exceeded, the writer is closed or acct is invalid,
// the events are dropped and counted instead.
func (w *Writer) Append(acct account.ID, group, stream string, events ...Event) {
	if len(events) == 0 {
		return
	}
	var size int64
	for _, e := range events {
		size += eventOverhead + int64(len(truncate(e.Message)))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		w.dropped.Add(uint64(len(events)))
		return
	}
	w.armLocked()
	if !acct.Valid() || w.bytes+size > w.cfg.MaxBacklogBytes || w.events+len(events) > w.cfg.MaxBacklogEvents {
		w.dropped.Add(uint64(len(events)))
		return
	}
	k := streamKey{acct, group, stream}
	batch := w.pending[k]
	var now int64
	for _, e := range events {
		ts := e.Timestamp.UnixMilli()
		if e.Timestamp.IsZero() {
			if now == 0 {
				now = w.cfg.Clock.Now().UnixMilli()
			}
			ts = now
		}
		batch = append(batch, store.LogEvent{Stream: stream, Timestamp: ts, Message: truncate(e.Message)})
	}
	w.pending[k] = batch
	w.bytes += size
	w.events += len(events)
	if len(batch) >= w.cfg.MaxBatch {
		w.signal()
	}
}

// Dropped returns how many events Append has dropped since the start.
func (w *Writer) Dropped() uint64 { return w.dropped.Load() }

// Flush writes everything appended before the call and returns when it is
// stored, or with the write errors of this flush (the failed events stay
// queued and are retried), or with ctx's error. After Close it returns
// ErrClosed.
func (w *Writer) Flush(ctx context.Context) error {
	req := flushRequest{reply: make(chan error, 1)}
	select {
	case w.requests <- req:
	case <-w.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-req.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close flushes and stops the writer; later appends are dropped. If ctx ends
// first, in-flight writes are cancelled. Events that could not be written
// are counted as dropped.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	already := w.closed
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.mu.Unlock()
	if already {
		<-w.done
		return nil
	}
	close(w.stop)
	var err error
	select {
	case <-w.done:
	case <-ctx.Done():
		err = ctx.Err()
		w.cancel()
		<-w.done
	}
	w.cancel()
	w.mu.Lock()
	w.dropped.Add(uint64(w.events))
	w.pending = nil
	w.mu.Unlock()
	return errors.Join(err, w.closeErr)
}

// run is the flusher goroutine; it alone writes to the store.
func (w *Writer) run() {
	defer close(w.done)
	for {
		select {
		case <-w.wake:
			// flush logs its errors and requeues the events.
			_ = w.flush()
		case req := <-w.requests:
			req.reply <- w.flush()
		case <-w.stop:
			w.closeErr = w.flush()
			return
		}
	}
}

// armLocked schedules a flush one interval from now unless one is due.
func (w *Writer) armLocked() {
	if w.timer == nil {
		w.timer = w.cfg.Clock.AfterFunc(w.cfg.FlushInterval, w.signal)
	}
}

func (w *Writer) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// flush writes every pending batch, in chunks of MaxBatch.
func (w *Writer) flush() error {
	w.mu.Lock()
	batches := w.pending
	w.pending = make(map[streamKey][]store.LogEvent, len(batches))
	if w.timer != nil {
		w.timer.Stop()
		w.timer = nil
	}
	w.mu.Unlock()
	w.warnDrops()

	var errs []error
	for k, evs := range batches {
		if err := w.writeStream(k, evs); err != nil {
			errs = append(errs, err)
		}
	}
	err := errors.Join(errs...)
	if err != nil {
		w.logger.Warn("write function logs", "streams", len(errs), "err", err)
	}
	return err
}

// writeStream writes one stream's events; on failure it requeues the rest,
// or drops them when retrying cannot help.
func (w *Writer) writeStream(k streamKey, evs []store.LogEvent) error {
	for len(evs) > 0 {
		chunk := evs[:min(len(evs), w.cfg.MaxBatch)]
		now := w.cfg.Clock.Now().UnixMilli()
		for i := range chunk {
			chunk[i].IngestionTime = now
		}
		err := w.st.AppendLogEvents(w.ctx, k.acct, k.group, k.stream, chunk)
		if err != nil {
			err = fmt.Errorf("append log events to %s %s: %w", k.group, k.stream, err)
			if permanent(err) || w.ctx.Err() != nil {
				w.dropped.Add(uint64(len(evs)))
				w.release(evs)
			} else {
				w.requeue(k, evs)
			}
			return err
		}
		w.release(chunk)
		evs = evs[len(chunk):]
	}
	return nil
}

// permanent reports whether a write error will not go away on retry.
func permanent(err error) bool {
	switch errkind.KindOf(err) {
	case errkind.InvalidArgument, errkind.Validation, errkind.TooLarge:
		return true
	}
	return false
}

func (w *Writer) requeue(k streamKey, evs []store.LogEvent) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending[k] = append(evs[:len(evs):len(evs)], w.pending[k]...)
	if !w.closed {
		w.armLocked()
	}
}

func (w *Writer) release(evs []store.LogEvent) {
	var size int64
	for _, e := range evs {
		size += eventOverhead + int64(len(e.Message))
	}
	w.mu.Lock()
	w.bytes -= size
	w.events -= len(evs)
	w.mu.Unlock()
}

// warnDrops logs drops since the last warning, so at most once per flush.
func (w *Writer) warnDrops() {
	d := w.dropped.Load()
	if d > w.reported {
		w.logger.Warn("function log events dropped", "dropped", d-w.reported, "total", d)
		w.reported = d
	}
}

// truncate cuts s to MaxMessageBytes without splitting a UTF-8 sequence.
func truncate(s string) string {
	if len(s) <= MaxMessageBytes {
		return s
	}
	cut := MaxMessageBytes
	for i := 0; i < utf8.UTFMax && cut > 0 && !utf8.RuneStart(s[cut]); i++ {
		cut--
	}
	return s[:cut]
}
