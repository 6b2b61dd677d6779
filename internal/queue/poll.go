package queue

import (
	"time"
)

// Poller bounds.
const (
	// leaseBatch is the most events one lease call takes.
	leaseBatch = 32
	// purgeEvery is how often failed events past their retention are
	// deleted.
	purgeEvery = time.Hour
)

// pollLoop leases visible events whenever it is woken: by a new event, a
// worker finishing, or the timer armed for the next event to become
// visible.
func (s *Service) pollLoop() {
	defer close(s.pollDone)
	for {
		select {
		case <-s.stop:
			return
		case <-s.wake:
			s.poll()
		}
	}
}

// poll starts workers on visible events while slots are free, then arms
// the timer for the next visible event (or the poll interval).
func (s *Service) poll() {
	now := s.cfg.Clock.Now()
	s.purge(now)
	for {
		next, ok, err := s.cfg.Store.NextVisible(s.runCtx)
		if err != nil {
			s.cfg.Logger.Error("look for queued events", "err", err)
			s.arm(now, now.Add(s.cfg.PollInterval))
			return
		}
		if !ok || next.After(now) {
			s.arm(now, next)
			return
		}
		k := s.reserveUpTo(leaseBatch)
		if k == 0 {
			return // a finishing worker wakes the poller
		}
		evs, err := s.cfg.Store.LeaseEvents(s.runCtx, s.cfg.Owner, k, now)
		for range k - len(evs) {
			s.release()
		}
		if err != nil {
			s.cfg.Logger.Error("lease queued events", "err", err)
			s.arm(now, now.Add(s.cfg.PollInterval))
			return
		}
		for _, ev := range evs {
			go s.process(ev)
		}
		if len(evs) < k {
			s.arm(now, now.Add(s.cfg.PollInterval))
			return
		}
		now = s.cfg.Clock.Now()
	}
}

// arm schedules the next poll at next, or after the poll interval if
// that comes first (next zero: the queue is empty).
func (s *Service) arm(now, next time.Time) {
	d := s.cfg.PollInterval
	if !next.IsZero() {
		d = min(d, next.Sub(now))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return
	}
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if d <= 0 {
		s.signal() // due already: the clock moved on while polling
		return
	}
	s.timer = s.cfg.Clock.AfterFunc(d, s.signal)
}

// purge deletes failed events past their retention, at most once per
// purgeEvery.
func (s *Service) purge(now time.Time) {
	if now.Before(s.nextPurge) {
		return
	}
	s.nextPurge = now.Add(purgeEvery)
	n, err := s.cfg.Store.PurgeFailedEvents(s.runCtx, now.Add(-s.cfg.Retention))
	if err != nil {
		s.cfg.Logger.Error("purge failed events", "err", err)
		return
	}
	if n > 0 {
		s.cfg.Logger.Info("purged failed events past their retention", "events", n)
	}
}
