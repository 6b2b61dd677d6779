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

// maxLine bounds one log line; longer output is split.
const maxLine = 256 << 10

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
}

func newOutput(r *os.File, sink func(string)) (*output, error) {
	rc, err := r.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	o := &output{r: r, rc: rc, sink: sink, buf: make([]byte, 32<<10), done: make(chan struct{})}
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
			o.partial = append(o.partial, p...)
			if len(o.partial) >= maxLine {
				o.sink(string(o.partial))
				o.partial = o.partial[:0]
			}
			return
		}
		if len(o.partial) > 0 {
			o.partial = append(o.partial, p[:i]...)
			o.sink(string(o.partial))
			o.partial = o.partial[:0]
		} else {
			o.sink(string(p[:i]))
		}
		p = p[i+1:]
	}
}

func (o *output) flushPartialLocked() {
	if len(o.partial) > 0 {
		o.sink(string(o.partial))
		o.partial = o.partial[:0]
	}
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
