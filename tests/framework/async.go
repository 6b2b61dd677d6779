package framework

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"lambent/internal/daemon"
)

// ServerOption adjusts the daemon configuration of an in-process server
// beyond what Options covers.
type ServerOption func(*daemon.Config)

// WithAsyncRetryDelay sets the base delay of Event invocation retries, so
// that tests run Lambda's retry schedule in milliseconds.
func WithAsyncRetryDelay(d time.Duration) ServerOption {
	return func(c *daemon.Config) { c.AsyncRetryDelay = d }
}

// WithAsyncWorkers caps the Event invocations run at once.
func WithAsyncWorkers(n int) ServerOption {
	return func(c *daemon.Config) { c.AsyncWorkers = n }
}

// StartInProcessWith is StartInProcess with opts applied to the daemon
// configuration.
func StartInProcessWith(t testing.TB, o Options, opts ...ServerOption) *Server {
	t.Helper()
	if o.DataDir == "" {
		o.DataDir = t.TempDir()
	}
	cfg := daemon.Config{
		Listen: "127.0.0.1:0", MetricsListen: "127.0.0.1:0", DataDir: o.DataDir, Region: Region, AccountID: AccountID,
		RootAccessKeyID: AccessKeyID, RootSecretAccessKey: SecretAccessKey,
		AccountConcurrency: o.Concurrency, IdleTimeout: o.IdleTimeout, MaxLifetime: o.MaxLifetime, ShutdownTimeout: 30 * time.Second,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	d, err := daemon.New(cfg)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	<-d.Ready()
	var once sync.Once
	s := &Server{Endpoint: d.Endpoint(), MetricsURL: d.MetricsURL(), DataDir: o.DataDir, stop: func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server stopped with error: %v", err)
			}
		})
	}}
	t.Cleanup(s.Stop)
	ensureTestRole(t, s)
	return s
}

// Kill kills the server process with SIGKILL, as a crash or power cut
// would, and waits for it to exit. The test's cleanup then expects
// nothing more of it.
func (b *Binary) Kill() {
	_ = b.cmd.Process.Kill()
	<-b.exited
	b.Server.stop = func() {}
}
