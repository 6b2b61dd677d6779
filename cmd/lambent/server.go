package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"lambent/internal/daemon"
)

func runServer(args []string) error {
	fs := flag.NewFlagSet("server", flag.ExitOnError)
	var cfg daemon.Config
	fs.StringVar(&cfg.Listen, "listen", "127.0.0.1:9000", "address the API listens on")
	fs.StringVar(&cfg.MetricsListen, "metrics-listen", "127.0.0.1:9091", `address serving GET /metrics (Prometheus), or "off"`)
	fs.StringVar(&cfg.DataDir, "data-dir", "./lambent-data", "directory for the database, packages and keys")
	fs.StringVar(&cfg.Region, "region", "us-east-1", "region named in every ARN")
	fs.StringVar(&cfg.AccountID, "account-id", "000000000000", "bootstrap account ID")
	fs.IntVar(&cfg.AccountConcurrency, "concurrency", 1000, "concurrent invocations per account")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", 0, "reap execution environments idle this long (default 10m)")
	fs.DurationVar(&cfg.MaxLifetime, "max-lifetime", 0, "retire execution environments this old (default 2h)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 0, "how long SIGTERM waits for running invocations (default 60s)")
	fs.DurationVar(&cfg.AsyncRetryDelay, "async-retry-delay", 0,
		"wait before the first retry of a failed Event invocation; the second waits twice as long (default 1m)")
	fs.StringVar(&cfg.Sandbox, "sandbox", "", "execution environments: linux (isolated; needs root) or process (no isolation) (default linux when root, else process)")
	fs.StringVar(&cfg.SandboxEgress, "sandbox-egress", "nat",
		"functions' network access under the linux sandbox: nat (outbound through NAT; a function tagged lambent:egress=none gets none) or none")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	_ = fs.Parse(args)

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	cfg.Out = os.Stdout
	cfg.RootAccessKeyID = os.Getenv("LAMBENT_ROOT_ACCESS_KEY_ID")
	cfg.RootSecretAccessKey = os.Getenv("LAMBENT_ROOT_SECRET_ACCESS_KEY")

	daemon.TuneGC()
	d, err := daemon.New(cfg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return d.Run(ctx)
}
