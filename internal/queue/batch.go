package queue

import (
	"context"
	"sync"

	"lambent/internal/account"
)

// Batch bounds: one store call carries at most this many items or about
// this many payload bytes; the rest go in the next call.
const (
	batchMaxItems = 256
	batchMaxBytes = 4 << 20
)

// batcher group-commits store writes. Every durable write costs an fsync,
// which dwarfs the work of one item; so while one call runs, new items
// wait, and the next call takes all of them (one call per account, since
// every store call is scoped to one).
type batcher[T any] struct {
	// write stores items of one account in one transaction.
	write func(ctx context.Context, acct account.ID, items []T) error
	// size estimates an item's bytes, for the batch bound.
	size func(T) int
	ctx  context.Context

	mu      sync.Mutex
	pending []*batchItem[T]
	running bool
}

type batchItem[T any] struct {
	acct account.ID
	v    T
	// then runs with the write's outcome before done is signalled.
	then func(error)
	done chan error
}

func newBatcher[T any](ctx context.Context, write func(context.Context, account.ID, []T) error, size func(T) int) *batcher[T] {
	return &batcher[T]{write: write, size: size, ctx: ctx}
}

// add queues v for the next write and returns a channel that receives the
// write's outcome. then, if not nil, runs first, whether or not anyone
// still waits on the channel.
func (b *batcher[T]) add(acct account.ID, v T, then func(error)) <-chan error {
	it := &batchItem[T]{acct: acct, v: v, then: then, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, it)
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		go b.drain()
	}
	return it.done
}

// drain writes batches until nothing is pending.
func (b *batcher[T]) drain() {
	for {
		b.mu.Lock()
		batch := b.take()
		if len(batch) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		for _, group := range byAccount(batch) {
			b.flush(group)
		}
	}
}

// take removes the next batch from pending; b.mu is held.
func (b *batcher[T]) take() []*batchItem[T] {
	n, bytes := 0, 0
	for n < len(b.pending) && n < batchMaxItems && (n == 0 || bytes < batchMaxBytes) {
		bytes += b.size(b.pending[n].v)
		n++
	}
	batch := b.pending[:n:n]
	b.pending = b.pending[n:]
	return batch
}

func (b *batcher[T]) flush(group []*batchItem[T]) {
	vs := make([]T, len(group))
	for i, it := range group {
		vs[i] = it.v
	}
	err := b.write(b.ctx, group[0].acct, vs)
	for _, it := range group {
		if it.then != nil {
			it.then(err)
		}
		it.done <- err
	}
}

// byAccount splits items by account, keeping their order.
func byAccount[T any](items []*batchItem[T]) [][]*batchItem[T] {
	var groups [][]*batchItem[T]
	index := map[account.ID]int{}
	for _, it := range items {
		i, ok := index[it.acct]
		if !ok {
			i = len(groups)
			index[it.acct] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	return groups
}
