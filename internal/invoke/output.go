package invoke

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxLine bounds one log line (CloudWatch's event size); the rest of a
// longer line is dropped.
const maxLine = 256 << 10

// DefaultLogLimit is how many bytes of output a runtime may write per
// invocation (and during init) by default; beyond it the output is read
// and dropped, after one truncatedLine.
const DefaultLogLimit = 10 << 20

// truncatedLine marks where a period's output was cut.
const truncatedLine = "...log output truncated: more than %d bytes were written in this invocation"

// output collects a runtime's stdout and stderr from a pipe. Reads happen
// either in the background (when the pipe becomes readable) or in Sync, and
// both read and hand off lines under one mutex, so Sync can guarantee that
// every byte written before it was called has been delivered.
type output struct {
	r    *os.File
	rc   syscall.RawConn
	fd   int
	sink func(line string) // called with mu held

	mu      sync.Mutex
	partial []byte
	buf     []byte
	eof     bool
	done    chan struct{}
	// skipping drops the rest of a line longer than maxLine.
	skipping bool
	// limit bounds the bytes delivered per period (Reset starts one);
	// used counts them; cut is set once the period's output was cut.
	limit int64
	used  int64
	cut   bool
}

func newOutput(r *os.File, sink func(string), limit int64) (*output, error) {
	rc, err := r.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	o := &output{r: r, rc: rc, sink: sink, buf: make([]byte, 32<<10), done: make(chan struct{}), limit: limit}
	if err := rc.Control(func(fd uintptr) { o.fd = int(fd) }); err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	go o.loop()
	return o, nil
}

func (o *output) loop() {
	defer close(o.done)
	for {
		var stop bool
		err := o.rc.Read(func(uintptr) bool {
			o.mu.Lock()
			defer o.mu.Unlock()
			more, eof := o.drainLocked()
			stop = eof
			return !more || eof
		})
		if err != nil || stop {
			return
		}
	}
}

// drainLocked reads what is available without blocking. more is true when
// a read would block (wait for readiness); eof when the writer closed.
func (o *output) drainLocked() (more, eof bool) {
	if o.eof {
		return false, true
	}
	for {
		n, err := unix.Read(o.fd, o.buf)
		if n > 0 {
			o.consumeLocked(o.buf[:n])
			continue
		}
		if errors.Is(err, unix.EAGAIN) {
			return true, false
		}
		if errors.Is(err, unix.EINTR) {
			continue
		}
		// n == 0 (EOF) or a hard error: nothing more will come.
		o.flushPartialLocked()
		o.eof = true
		return false, true
	}
}

func (o *output) consumeLocked(p []byte) {
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if !o.skipping {
				room := maxLine - len(o.partial)
				if len(p) >= room { // the line is too long: keep its head
					o.partial = append(o.partial, p[:room]...)
					o.deliverLocked(o.partial)
					o.partial = o.partial[:0]
					o.skipping = true
				} else {
					o.partial = append(o.partial, p...)
				}
			}
			return
		}
		switch {
		case o.skipping:
			o.skipping = false
		case len(o.partial) > 0:
			o.partial = append(o.partial, p[:min(i, maxLine-len(o.partial))]...)
			o.deliverLocked(o.partial)
			o.partial = o.partial[:0]
		default:
			o.deliverLocked(p[:min(i, maxLine)])
		}
		p = p[i+1:]
	}
}

// deliverLocked hands a line to the sink within the period's limit.
func (o *output) deliverLocked(line []byte) {
	if o.cut {
		return
	}
	if o.limit > 0 && o.used+int64(len(line)) > o.limit {
		o.cut = true
		o.sink(fmt.Sprintf(truncatedLine, o.limit))
		return
	}
	o.used += int64(len(line)) + 1
	o.sink(string(line))
}

func (o *output) flushPartialLocked() {
	if len(o.partial) > 0 {
		o.deliverLocked(o.partial)
		o.partial = o.partial[:0]
	}
	o.skipping = false
}

// Reset delivers what the runtime wrote so far (as Sync) and starts a new
// period with a fresh limit: each invocation has its own.
func (o *output) Reset() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.drainLocked()
	o.flushPartialLocked()
	o.used, o.cut = 0, false
}

// Sync delivers every byte the runtime wrote before Sync was called,
// including an unterminated last line.
func (o *output) Sync() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.drainLocked()
	o.flushPartialLocked()
}

// Close stops collection after delivering what is left.
func (o *output) Close() {
	o.Sync()
	_ = o.r.Close()
	<-o.done
}
