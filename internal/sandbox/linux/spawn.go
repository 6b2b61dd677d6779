package linux

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"

	"golang.org/x/sys/unix"

	"lambent/internal/sandbox/sandboxinit"
)

// spawner runs process starts on one goroutine locked to its OS thread for
// the sandbox's whole life. Pdeathsig fires when the *thread* that forked
// the child exits (golang/go#27505), and Go retires threads at will, so
// starting from an arbitrary goroutine could kill a healthy environment.
// When the spawner stops, its thread exits and every environment still
// alive receives SIGKILL, which is what Close wants anyway.
type spawner struct {
	mu     sync.Mutex
	reqs   chan func()
	closed bool
}

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan func())}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		for f := range s.reqs {
			f()
		}
	}()
	return s
}

var errSpawnerClosed = errors.New("sandbox is closed")

// run executes f on the spawner's thread and waits for it.
func (s *spawner) run(f func()) error {
	done := make(chan struct{})
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errSpawnerClosed
	}
	s.reqs <- func() { f(); close(done) }
	s.mu.Unlock()
	<-done
	return nil
}

func (s *spawner) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.reqs)
	}
}

// listenInside creates a TCP listener on addr inside the network
// namespace of the process behind pidfd (design §3.8): a fresh goroutine
// locks its thread, setns's in, brings lo up, listens and setns's back.
// Sockets stay in the namespace they were made in, so any goroutine can
// then serve on the listener. If returning to the host namespace fails,
// the thread stays locked and Go discards it when the goroutine ends.
func listenInside(pidfd int, addr string) (net.Listener, error) {
	type result struct {
		ln  net.Listener
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		ln, clean, err := listenOnThread(pidfd, addr)
		if clean {
			runtime.UnlockOSThread()
		}
		ch <- result{ln, err}
	}()
	r := <-ch
	return r.ln, r.err
}

// listenOnThread does listenInside's work on the locked calling thread;
// clean reports whether the thread is back in its own namespace.
func listenOnThread(pidfd int, addr string) (ln net.Listener, clean bool, err error) {
	host, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, true, fmt.Errorf("open own network namespace: %w", err)
	}
	defer unix.Close(host)
	if err := unix.Setns(pidfd, unix.CLONE_NEWNET); err != nil {
		return nil, true, fmt.Errorf("enter environment network namespace: %w", err)
	}
	if err = sandboxinit.LoopbackUp(); err == nil {
		ln, err = net.Listen("tcp", addr)
	}
	if serr := unix.Setns(host, unix.CLONE_NEWNET); serr != nil {
		if ln != nil {
			ln.Close()
		}
		return nil, false, fmt.Errorf("return to host network namespace: %w", serr)
	}
	if err != nil {
		return nil, true, fmt.Errorf("listen inside environment: %w", err)
	}
	return ln, true, nil
}
