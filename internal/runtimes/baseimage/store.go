package baseimage

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"lambent/internal/runtimes"
)

// recheckEvery is how often, at most, a Store looks for host changes
// behind an image it has built.
const recheckEvery = time.Minute

// Store builds and keeps the images of the runtimes a server runs, in one
// directory (under the server's run directory, wiped at each start). Safe
// for concurrent use.
type Store struct {
	dir  string
	host string // the host's root: "/" outside tests
	log  *slog.Logger
	now  func() time.Time

	mu     sync.Mutex
	images map[string]*slot // by recipe name
}

// slot is one recipe's current image.
type slot struct {
	ready    chan struct{} // closed once the first build ended
	dir      string        // guarded by Store.mu after ready
	err      error         // the first build's error; set before ready closes
	checked  time.Time     // last build or check; guarded by Store.mu
	checking bool          // a background check runs; guarded by Store.mu
}

// NewStore returns a store that builds images in dir. now is nil for
// time.Now.
func NewStore(dir string, log *slog.Logger, now func() time.Time) *Store {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Store{dir: dir, host: "/", log: log, now: now, images: map[string]*slot{}}
}

// Image returns the directory of rt's image. The first call for a runtime
// builds it (a cold start waits for that); later calls return at once
// and, when the image was last checked over a minute ago, re-check the
// host in the background: a changed host makes a new image, returned from
// then on. A failed first build is retried by the next call.
func (s *Store) Image(ctx context.Context, rt runtimes.Runtime) (string, error) {
	r, err := For(rt)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	sl := s.images[r.Name]
	first := sl == nil
	if first {
		sl = &slot{ready: make(chan struct{})}
		s.images[r.Name] = sl
	}
	s.mu.Unlock()
	if first {
		s.firstBuild(r, sl)
	}
	select {
	case <-sl.ready:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if sl.err != nil {
		return "", sl.err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !sl.checking && s.now().Sub(sl.checked) >= recheckEvery {
		sl.checking = true
		go s.recheck(r, sl)
	}
	return sl.dir, nil
}

// firstBuild builds r's first image into sl; a failure removes the slot
// so that the next Image tries again.
func (s *Store) firstBuild(r Recipe, sl *slot) {
	start := s.now()
	dir, err := build(s.dir, s.host, r, s.log)
	s.mu.Lock()
	sl.dir, sl.err, sl.checked = dir, err, s.now()
	if err != nil {
		delete(s.images, r.Name)
	}
	s.mu.Unlock()
	close(sl.ready)
	if err == nil {
		s.log.Info("runtime base image ready", "image", dir, "took", s.now().Sub(start).Round(time.Millisecond))
	}
}

// recheck rebuilds r from the host; Build returns the current image when
// nothing changed.
func (s *Store) recheck(r Recipe, sl *slot) {
	dir, err := build(s.dir, s.host, r, s.log)
	s.mu.Lock()
	defer s.mu.Unlock()
	sl.checking, sl.checked = false, s.now()
	switch {
	case err != nil:
		s.log.Warn("runtime base image: re-check failed; keeping the current image", "image", sl.dir, "err", err)
	case dir != sl.dir:
		s.log.Info("runtime base image: the host changed; new environments use a new image", "old", sl.dir, "new", dir)
		sl.dir = dir
	}
}
