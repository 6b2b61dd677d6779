package invoke

import (
	"context"
	"sync"
	"time"

	"lambent/internal/sandbox"
)

// DefaultFreezeDelay is how long an environment stays idle and unfrozen
// after an invocation before it is frozen. Freezing and thawing cost a
// few hundred microseconds of cgroup writes; the delay keeps them off
// back-to-back invocations while still stopping any background work of
// an idle function almost at once.
const DefaultFreezeDelay = 10 * time.Millisecond

// freezeTimeout bounds a freeze; a process stuck in the kernel must not
// hold an environment forever.
const freezeTimeout = time.Second

// freezer freezes an idle environment (the sandbox's cgroup freezer) and
// thaws it before its next invocation. Its zero value, or one without a
// sandbox.Freezer, does nothing.
type freezer struct {
	f     sandbox.Freezer
	delay time.Duration

	mu     sync.Mutex
	timer  *time.Timer
	idle   bool // released and not acquired since
	frozen bool
	dead   bool
}

func newFreezer(env sandbox.Env, delay time.Duration) *freezer {
	f, _ := env.(sandbox.Freezer)
	if delay < 0 {
		f = nil
	}
	return &freezer{f: f, delay: delay}
}

// idleNow schedules the freeze of an environment just released.
func (z *freezer) idleNow() {
	if z.f == nil {
		return
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.dead {
		return
	}
	z.idle = true
	if z.timer == nil {
		z.timer = time.AfterFunc(z.delay, z.freeze)
	} else {
		z.timer.Reset(z.delay)
	}
}

func (z *freezer) freeze() {
	z.mu.Lock()
	defer z.mu.Unlock()
	if !z.idle || z.frozen || z.dead {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), freezeTimeout)
	defer cancel()
	if err := z.f.Freeze(ctx); err != nil {
		// Partly frozen at worst: thaw so that the next invocation runs.
		_ = z.f.Thaw()
		return
	}
	z.frozen = true
}

// busy cancels a pending freeze and thaws a frozen environment, before
// it receives an event.
func (z *freezer) busy() error {
	if z.f == nil {
		return nil
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.idle = false
	if z.timer != nil {
		z.timer.Stop()
	}
	if !z.frozen {
		return nil
	}
	z.frozen = false
	return z.f.Thaw()
}

// stop ends freezing for an environment being destroyed (destroying
// kills frozen processes too).
func (z *freezer) stop() {
	if z.f == nil {
		return
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.dead = true
	if z.timer != nil {
		z.timer.Stop()
	}
}
