package daemon

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"lambent/internal/awswire"
	"lambent/internal/clock"
	"lambent/internal/queue"
)

// maxAsyncWorkers caps the default number of queue workers.
const maxAsyncWorkers = 64

// asyncWorkers is the number of events run at once: the configured value,
// else the account concurrency up to maxAsyncWorkers.
func asyncWorkers(cfg Config) int {
	if cfg.AsyncWorkers > 0 {
		return cfg.AsyncWorkers
	}
	return min(concurrencyOrDefault(cfg.AccountConcurrency), maxAsyncWorkers)
}

// loadNodeID returns the node's lease owner name, kept in the data dir so
// that a restart releases the leases its previous run held.
func loadNodeID(dataDir string) (string, error) {
	path := filepath.Join(dataDir, "node-id")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read node ID: %w", err)
	}
	var r [8]byte
	_, _ = rand.Read(r[:])
	id := "node-" + hex.EncodeToString(r[:])
	if err := os.WriteFile(path, []byte(id+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write node ID: %w", err)
	}
	return id, nil
}

// buildQueue builds the asynchronous invocation queue over the store, the
// invoke manager and the log writer.
func (d *Daemon) buildQueue(clk clock.Clock, reg prometheus.Registerer) error {
	nodeID, err := loadNodeID(d.cfg.DataDir)
	if err != nil {
		return err
	}
	d.q, err = queue.New(queue.Config{
		Store: d.db, Invoker: d.inv, Logs: d.logw, Clock: clk, Logger: d.cfg.Logger, Metrics: queue.NewMetrics(reg),
		NewID: awswire.NewRequestID, Region: d.cfg.Region, Owner: nodeID, Workers: asyncWorkers(d.cfg),
		RetryDelay: d.cfg.AsyncRetryDelay,
	})
	return err
}
