package lambdaapi

import (
	"sync"
	"time"

	"lambent/internal/account"
	"lambent/internal/function"
	"lambent/internal/store"
)

// versionCache keeps recently read function versions for the Invoke hot
// path, so a warm invocation does not read and decode the stored
// configuration every time. Every change this server makes to a function
// forgets its entries; the short lifetime bounds staleness should another
// server share the store.
type versionCache struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

type cacheKey struct {
	acct    account.ID
	name    string
	version string
}

type cacheEntry struct {
	f       *store.Function
	cfg     *function.Config
	expires time.Time
}

// cacheLimit bounds the cache; when full it is simply emptied.
const cacheLimit = 10000

func newVersionCache(ttl time.Duration) *versionCache {
	return &versionCache{ttl: ttl, entries: map[cacheKey]cacheEntry{}}
}

func (c *versionCache) get(k cacheKey, now time.Time) (*store.Function, *function.Config, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || now.After(e.expires) {
		return nil, nil, false
	}
	return e.f, e.cfg, true
}

func (c *versionCache) put(k cacheKey, f *store.Function, cfg *function.Config, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= cacheLimit {
		clear(c.entries)
	}
	c.entries[k] = cacheEntry{f: f, cfg: cfg, expires: now.Add(c.ttl)}
}

// forget drops every cached version of a function.
func (c *versionCache) forget(acct account.ID, name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.entries {
		if k.acct == acct && k.name == name {
			delete(c.entries, k)
		}
	}
}

// loadForInvoke is load with the cache in front.
func (a *API) loadForInvoke(c *call, t target) (*store.Function, *function.Config, error) {
	k := cacheKey{acct: t.acct, name: t.name, version: t.version()}
	now := a.cfg.Clock.Now()
	if f, cfg, ok := a.cache.get(k, now); ok {
		return f, cfg, nil
	}
	f, cfg, err := a.load(c, t)
	if err != nil {
		return nil, nil, err
	}
	a.cache.put(k, f, cfg, now)
	return f, cfg, nil
}
