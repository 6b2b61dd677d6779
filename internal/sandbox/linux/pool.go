package linux

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"lambent/internal/sandbox"
)

// pool keeps environments started ahead of Create, so that the fork and
// exec of the sandbox init, its Go runtime start, the cgroup creation and
// the v1 cgroup placement (with its RCU grace-period outliers, reference
// §3.2) leave the request path, and, with disk /tmp, /tmp images copied
// and attached to loop devices ahead of time.
//
// A pooled init is cloned into its namespaces and placed in a cgroup of
// its own ("pool-N" below the instance's cgroup, so CleanupLeftovers finds
// it after a crash) under the default limits, and blocks on its config
// socket: it runs none of the function's code and knows nothing of it
// until Start. Create takes one, writes the function's limits to its
// cgroup and gives it the environment's ID everywhere but in the cgroup
// name. The init's mount namespace is a copy of the host's from when it
// was cloned; the sources of its binds (code, runtime clients, system
// directories) are plain directories, looked up at Start. Images are
// handed out once and never reused: a fresh image per environment.
//
// One goroutine refills both, one item at a time, and never holds more
// than Config.Pool inits and Config.Pool images of each size class.
type pool struct {
	s *Sandbox

	mu     sync.Mutex
	inits  []*initProc
	images map[int][]tmpImage // size in MiB → attached images
	closed bool
	seq    int

	kick     chan struct{} // wakes the refill goroutine
	stop     chan struct{} // closed by close
	stopOnce sync.Once
	done     chan struct{} // closed when the refill goroutine ends
}

// tmpImage is an attached /tmp image: the loop device's path and
// Lambent's handle on it (autoclear detaches the device when the last
// handle and mount go).
type tmpImage struct {
	dev string
	f   *os.File
}

// poolRetry is how long the refill goroutine waits after a failure.
const poolRetry = time.Second

func newPool(s *Sandbox) *pool {
	p := &pool{s: s, images: map[int][]tmpImage{}, kick: make(chan struct{}, 1),
		stop: make(chan struct{}), done: make(chan struct{})}
	if s.cfg.Pool <= 0 {
		close(p.done)
		return p
	}
	go p.refill()
	return p
}

// takeInit returns a live pooled init, or nil when the pool has none.
func (p *pool) takeInit() *initProc {
	var dead []*initProc
	defer func() {
		for _, d := range dead {
			_ = d.destroy(d.exited)
		}
	}()
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.wake()
	for len(p.inits) > 0 {
		ip := p.inits[0]
		p.inits = p.inits[1:]
		select {
		case <-ip.exited: // killed while waiting
			dead = append(dead, ip)
		default:
			return ip
		}
	}
	return nil
}

// takeTmp returns an attached image of sizeMB, or a zero tmpImage.
func (p *pool) takeTmp(sizeMB int) tmpImage {
	p.mu.Lock()
	defer p.mu.Unlock()
	imgs := p.images[sizeMB]
	if len(imgs) == 0 {
		return tmpImage{}
	}
	img := imgs[0]
	p.images[sizeMB] = imgs[1:]
	p.wake()
	return img
}

func (p *pool) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// refill keeps the pool full until close.
func (p *pool) refill() {
	defer close(p.done)
	for {
		more, err := p.fillOne()
		if err != nil {
			p.s.cfg.Logger.Warn("linux sandbox: refill environment pool", "err", err.Error())
			select {
			case <-p.stop:
				return
			case <-time.After(poolRetry):
			}
			continue
		}
		if more {
			select {
			case <-p.stop:
				return
			default:
			}
			continue
		}
		select {
		case <-p.stop:
			return
		case <-p.kick:
		}
	}
}

// fillOne adds one missing item, inits first; more reports whether it
// added one (and so whether more may be missing).
func (p *pool) fillOne() (more bool, err error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return false, nil
	}
	p.seq++
	seq := p.seq
	needInit := len(p.inits) < p.s.cfg.Pool
	tmpMB := 0
	if !needInit && p.s.disk != nil {
		for _, mb := range p.s.cfg.TmpPoolMB {
			if len(p.images[mb]) < p.s.cfg.Pool {
				tmpMB = mb
				break
			}
		}
	}
	p.mu.Unlock()
	switch {
	case needInit:
		ip, err := p.s.newPooledInit("pool-" + strconv.Itoa(seq))
		if err != nil {
			return false, err
		}
		p.mu.Lock()
		if !p.closed {
			p.inits = append(p.inits, ip)
			ip = nil
		}
		p.mu.Unlock()
		if ip != nil {
			return false, ip.destroy(ip.exited)
		}
		return true, nil
	case tmpMB > 0:
		path := filepath.Join(p.s.cfg.Dir, ".tmp-pool-"+strconv.Itoa(seq)+".img")
		dev, f, err := p.s.disk.attach(tmpMB, path)
		if err != nil {
			return false, fmt.Errorf("prepare /tmp: %w", err)
		}
		p.mu.Lock()
		if !p.closed {
			p.images[tmpMB] = append(p.images[tmpMB], tmpImage{dev: dev, f: f})
			f = nil
		}
		p.mu.Unlock()
		if f != nil {
			f.Close()
		}
		return true, nil
	}
	return false, nil
}

// newPooledInit creates a cgroup named name under the default limits and
// starts an init in it. Its CPU weight is the minimum until Create takes
// it: the init's Go runtime start then yields to the runtimes being
// started on the request path.
func (s *Sandbox) newPooledInit(name string) (*initProc, error) {
	_, _, cl := s.limits(sandbox.Limits{})
	cl.CPUShares = 2
	cg, err := s.cg.Create(name, cl)
	if err != nil {
		return nil, err
	}
	ip := newInitProc()
	ip.cg = cg
	if err := s.startInit(ip); err != nil {
		return nil, errors.Join(err, ip.destroy(ip.exited))
	}
	if s.net != nil { // most environments have egress: the veth is made here, off the request path
		v, err := s.net.attach(ip.cmd.Process.Pid)
		if err != nil {
			return nil, errors.Join(err, ip.destroy(ip.exited))
		}
		ip.veth = v
	}
	return ip, nil
}

// close stops the refill goroutine, then destroys the pooled inits and
// detaches the pooled images. Later takes find nothing.
func (p *pool) close() error {
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.done
	p.mu.Lock()
	p.closed = true
	inits, images := p.inits, p.images
	p.inits, p.images = nil, map[int][]tmpImage{}
	p.mu.Unlock()
	for _, imgs := range images {
		for _, img := range imgs {
			img.f.Close()
		}
	}
	errs := make([]error, len(inits))
	var wg sync.WaitGroup
	for i, ip := range inits {
		wg.Go(func() { errs[i] = ip.destroy(ip.exited) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// full reports whether the pool holds all it should (tests).
func (p *pool) full() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.inits) < p.s.cfg.Pool {
		return false
	}
	if p.s.disk != nil {
		for _, mb := range p.s.cfg.TmpPoolMB {
			if len(p.images[mb]) < p.s.cfg.Pool {
				return false
			}
		}
	}
	return true
}
