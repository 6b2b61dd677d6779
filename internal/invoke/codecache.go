package invoke

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"lambent/internal/artifact"
)

// blobs is the subset of artifact.Store that the code cache uses.
type blobs interface {
	Get(digest string) ([]byte, error)
}

// CodeCache extracts packages from the encrypted artifact store into a
// plaintext working directory, once per digest. The directory lives under
// the server's run dir, which is wiped at start.
type CodeCache struct {
	dir    string
	blobs  blobs
	limits artifact.Limits

	mu       sync.Mutex
	inflight map[string]*extraction
}

type extraction struct {
	done chan struct{}
	dir  string
	err  error
}

// NewCodeCache returns a cache rooted at dir.
func NewCodeCache(dir string, b blobs, limits artifact.Limits) (*CodeCache, error) {
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return nil, fmt.Errorf("create code cache: %w", err)
	}
	return &CodeCache{dir: dir, blobs: b, limits: limits, inflight: map[string]*extraction{}}, nil
}

// Dir returns the directory holding the extracted package with digest,
// extracting it on first use.
func (c *CodeCache) Dir(ctx context.Context, digest string) (string, error) {
	c.mu.Lock()
	x, ok := c.inflight[digest]
	if !ok {
		x = &extraction{done: make(chan struct{})}
		c.inflight[digest] = x
		go c.extract(digest, x)
	}
	c.mu.Unlock()
	select {
	case <-x.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if x.err != nil {
		c.mu.Lock()
		if c.inflight[digest] == x {
			delete(c.inflight, digest)
		}
		c.mu.Unlock()
	}
	return x.dir, x.err
}

func (c *CodeCache) extract(digest string, x *extraction) {
	defer close(x.done)
	final := filepath.Join(c.dir, digest)
	if _, err := os.Stat(final); err == nil {
		x.dir = final
		return
	}
	data, err := c.blobs.Get(digest)
	if err != nil {
		x.err = fmt.Errorf("read package: %w", err)
		return
	}
	tmp, err := os.MkdirTemp(c.dir, ".extract-")
	if err != nil {
		x.err = fmt.Errorf("extract package: %w", err)
		return
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		x.err = fmt.Errorf("extract package: %w", err)
		return
	}
	if err := artifact.Extract(data, tmp, c.limits); err != nil {
		_ = os.RemoveAll(tmp)
		x.err = fmt.Errorf("extract package: %w", err)
		return
	}
	if err := os.Rename(tmp, final); err != nil {
		_ = os.RemoveAll(tmp)
		x.err = fmt.Errorf("extract package: %w", err)
		return
	}
	x.dir = final
}

// Forget removes an extracted package (after its function was deleted).
func (c *CodeCache) Forget(digest string) {
	c.mu.Lock()
	delete(c.inflight, digest)
	c.mu.Unlock()
	_ = os.RemoveAll(filepath.Join(c.dir, digest))
}
