// Package gencache is a cache whose entries are valid for one generation
// of their source. A writer moves the generation on after every write; a
// reader reads the generation before it reads the source, computes, and
// stores the value under that generation. A value is served only while
// the generation is unchanged, so nothing written after a value was read
// is ever hidden by it, with no time-based expiry. A source that never
// changes (compiled immutable documents) uses one generation, 0.
package gencache

import "sync"

// DefaultMax bounds a cache; past it the cache starts over.
const DefaultMax = 10000

// Cache maps keys to values computed at a generation. The zero value is
// ready to use. Callers must not modify the values they get.
type Cache[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]entry[V]
}

type entry[V any] struct {
	gen uint64
	v   V
}

// Get returns the value stored for k at generation gen.
func (c *Cache[K, V]) Get(k K, gen uint64) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[k]
	if !ok || e.gen != gen {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Put stores v for k, computed at generation gen.
func (c *Cache[K, V]) Put(k K, gen uint64, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= DefaultMax {
		c.entries = make(map[K]entry[V])
	}
	c.entries[k] = entry[V]{gen: gen, v: v}
}

// GetOr returns the value stored for k at generation gen, or computes,
// stores and returns it. compute runs without the lock held; an error is
// returned and nothing is stored.
func (c *Cache[K, V]) GetOr(k K, gen uint64, compute func() (V, error)) (V, error) {
	if v, ok := c.Get(k, gen); ok {
		return v, nil
	}
	v, err := compute()
	if err != nil {
		return v, err
	}
	c.Put(k, gen, v)
	return v, nil
}
