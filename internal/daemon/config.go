// Package daemon is Lambent's composition root: it maps a Config onto the
// subsystems (store, artifact store, sandbox, invoke manager, APIs,
// gateway), starts them in order and stops them in reverse order. Tests
// start exactly this object graph in-process.
package daemon

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"lambent/internal/account"
)

// Config is everything `lambent server` can be told.
type Config struct {
	Listen string // default 127.0.0.1:9000
	// MetricsListen serves GET /metrics (Prometheus) without
	// authentication, apart from the API; "" or "off" disables it (the
	// lambent command defaults it to 127.0.0.1:9091).
	MetricsListen string
	DataDir       string // default ./lambent-data
	// RunDir holds what is rebuilt at every start: extracted code, the
	// environments' directories and the runtime clients. It must be
	// traversable by the unprivileged runtime user, so it defaults to a
	// directory under the system temp dir named after the data dir.
	RunDir    string
	Region    string // default us-east-1
	AccountID string // the bootstrap account, default 000000000000

	// RootAccessKeyID and RootSecretAccessKey preset the bootstrap
	// account's root credentials; both or neither.
	RootAccessKeyID     string
	RootSecretAccessKey string

	AccountConcurrency int           // default 1000
	IdleTimeout        time.Duration // default 10m
	MaxLifetime        time.Duration // default 2h
	ShutdownTimeout    time.Duration // default 60s: how long SIGTERM waits for invocations

	// AsyncRetryDelay is the wait before the first retry of a failed Event
	// invocation (default 1m; the second waits twice as long). Throttle
	// backoff scales with it.
	AsyncRetryDelay time.Duration
	// AsyncWorkers caps the Event invocations run at once (default: the
	// account concurrency, at most 64).
	AsyncWorkers int

	// Sandbox is the execution-environment tier: "linux" (namespaces,
	// cgroups, seccomp; needs root and a binary whose main calls
	// sandboxinit.Dispatch) or "process" (plain child processes, no
	// isolation; development only). Empty means linux when running as
	// root and process, with a loud warning, otherwise.
	Sandbox string
	// SandboxEgress is the functions' outbound network access under the
	// linux sandbox: "nat" (the default: a veth, NAT to the uplinks, and
	// Lambent's API on the gateway address; a function tagged
	// lambent:egress=none still gets none) or "none" (no function gets
	// any network besides lo).
	SandboxEgress string

	Logger *slog.Logger
	// Out receives the one-time credentials banner (default: discarded).
	Out io.Writer
}

// Validate fills defaults and checks the values.
func (c *Config) Validate() error {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:9000"
	}
	if c.DataDir == "" {
		c.DataDir = "./lambent-data"
	}
	if c.RunDir == "" {
		abs, err := filepath.Abs(c.DataDir)
		if err != nil {
			return fmt.Errorf("resolve data dir: %w", err)
		}
		sum := sha256.Sum256([]byte(abs))
		c.RunDir = filepath.Join(os.TempDir(), "lambent-run-"+hex.EncodeToString(sum[:6]))
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.AccountID == "" {
		c.AccountID = "000000000000"
	}
	if _, err := account.Parse(c.AccountID); err != nil {
		return errors.New("account ID must be 12 digits")
	}
	if !validRegion(c.Region) {
		return errors.New("region must look like us-east-1")
	}
	if (c.RootAccessKeyID == "") != (c.RootSecretAccessKey == "") {
		return errors.New("set both the root access key ID and the root secret access key, or neither")
	}
	if c.RootAccessKeyID != "" && (len(c.RootAccessKeyID) < 16 || len(c.RootSecretAccessKey) < 16) {
		return errors.New("root access key ID and secret must be at least 16 characters")
	}
	switch c.Sandbox {
	case "", SandboxLinux, SandboxProcess:
	default:
		return fmt.Errorf("sandbox must be %s or %s", SandboxLinux, SandboxProcess)
	}
	switch c.SandboxEgress {
	case "":
		c.SandboxEgress = EgressNAT
	case EgressNAT, EgressNone:
	default:
		return fmt.Errorf("sandbox egress must be %s or %s", EgressNAT, EgressNone)
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 60 * time.Second
	}
	if c.AsyncRetryDelay < 0 || c.AsyncWorkers < 0 {
		return errors.New("async retry delay and async workers must not be negative")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	return nil
}

// The execution-environment tiers Config.Sandbox names.
const (
	SandboxLinux   = "linux"
	SandboxProcess = "process"
)

// The egress modes Config.SandboxEgress names.
const (
	EgressNAT  = "nat"
	EgressNone = "none"
)

// validRegion accepts region names of the shape the Lambda model's
// patterns require (xx-word-N, optionally with -gov/-iso parts).
func validRegion(r string) bool {
	if len(r) < 4 || len(r) > 32 {
		return false
	}
	dash := 0
	for i := 0; i < len(r); i++ {
		ch := r[i]
		switch {
		case ch >= 'a' && ch <= 'z':
		case ch >= '0' && ch <= '9':
		case ch == '-':
			dash++
		default:
			return false
		}
	}
	last := r[len(r)-1]
	return dash >= 2 && last >= '0' && last <= '9'
}
