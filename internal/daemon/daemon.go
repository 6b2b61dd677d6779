package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"lambent/internal/account"
	"lambent/internal/artifact"
	"lambent/internal/authz"
	"lambent/internal/clock"
	"lambent/internal/gateway"
	"lambent/internal/invoke"
	"lambent/internal/lambdaapi"
	"lambent/internal/logs"
	"lambent/internal/logsapi"
	"lambent/internal/runtimes"
	"lambent/internal/sandbox/process"
	"lambent/internal/sigv4"
	"lambent/internal/store/sqlite"
)

// Daemon is a running Lambent server.
type Daemon struct {
	cfg   Config
	ln    net.Listener
	srv   *http.Server
	db    *sqlite.DB
	logw  *logs.Writer
	inv   *invoke.Manager
	api   *lambdaapi.API
	ready chan struct{}
}

// New builds the server and binds its listener; Run serves.
func New(cfg Config) (*Daemon, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, ready: make(chan struct{})}
	if err := d.build(); err != nil {
		d.closeStores()
		return nil, err
	}
	return d, nil
}

// Addr is the address the API serves on.
func (d *Daemon) Addr() string { return d.ln.Addr().String() }

// Endpoint is the API's base URL.
func (d *Daemon) Endpoint() string { return "http://" + d.Addr() }

func (d *Daemon) build() error {
	cfg := d.cfg
	acct := account.ID(cfg.AccountID)
	clk := clock.Real{}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return err
	}
	runDir := cfg.RunDir
	if err := resetRunDir(runDir); err != nil {
		return err
	}
	masterKey, err := artifact.LoadOrCreateMasterKey(filepath.Join(cfg.DataDir, "master.key"))
	if err != nil {
		return fmt.Errorf("load master key: %w", err)
	}
	blobs, err := artifact.OpenStore(filepath.Join(cfg.DataDir, "artifacts"), masterKey)
	if err != nil {
		return fmt.Errorf("open artifact store: %w", err)
	}
	if d.db, err = sqlite.Open(context.Background(), filepath.Join(cfg.DataDir, "lambent.db")); err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	rc, fresh, err := loadRootCredentials(cfg.DataDir, rootCredentials{cfg.RootAccessKeyID, cfg.RootSecretAccessKey})
	if err != nil {
		return err
	}
	if d.ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	if fresh {
		printCredentialsBanner(cfg.Out, d.Endpoint(), cfg.Region, rc)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	d.logw = logs.NewWriter(d.db, cfg.Logger, logs.WriterConfig{})
	catalog := runtimes.NewCatalog(systemLookPath)
	runtimeDir := filepath.Join(runDir, "runtime")
	if err := runtimes.WriteFiles(runtimeDir); err != nil {
		return fmt.Errorf("write runtime clients: %w", err)
	}
	limits := artifact.Limits{MaxZipped: artifact.DefaultMaxZipped, MaxUnzipped: artifact.DefaultMaxUnzipped}
	code, err := invoke.NewCodeCache(filepath.Join(runDir, "code"), blobs, limits)
	if err != nil {
		return err
	}
	sb, err := process.New(process.Config{Dir: filepath.Join(runDir, "envs")})
	if err != nil {
		return err
	}
	cfg.Logger.Warn("execution environments are plain child processes without isolation (process sandbox)")
	d.inv, err = invoke.New(invoke.Config{
		Sandbox: sb, Runtimes: catalog, Code: code, Logs: d.logw, Clock: clk, Logger: cfg.Logger,
		Metrics: invoke.NewMetrics(reg), Region: cfg.Region, RuntimeDir: runtimeDir, Endpoint: d.Endpoint(),
		AccountConcurrency: cfg.AccountConcurrency, IdleTimeout: cfg.IdleTimeout, MaxLifetime: cfg.MaxLifetime,
	})
	if err != nil {
		return err
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lambent_environments", Help: "Execution environments that exist now, idle or busy."},
		func() float64 { return float64(d.inv.Environments()) }))
	authorizer := authz.RootOnly{}
	codeURLs := lambdaapi.NewCodeURLSigner(masterKey, d.Endpoint(), clk, blobs)
	d.api, err = lambdaapi.New(lambdaapi.Config{
		Region: cfg.Region, Functions: d.db, Artifacts: blobs, Code: code, Runtimes: catalog, Invoker: d.inv,
		Authorizer: authorizer, Clock: clk, Logger: cfg.Logger, CodeURLs: codeURLs, Limits: limits,
		AccountConcurrency: concurrencyOrDefault(cfg.AccountConcurrency),
	})
	if err != nil {
		return err
	}
	logsHandler := logsapi.NewHandler(logsapi.Config{Region: cfg.Region, Logs: d.db, Authorizer: authorizer, Logger: cfg.Logger, Clock: clk})
	verifier := sigv4.NewVerifier(sigv4.Config{Credentials: newCredentialSource(acct, rc), Clock: clk})
	gw, err := gateway.New(gateway.Config{Verifier: verifier, Lambda: d.api, Logs: logsHandler, Code: codeURLs,
		Metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), Logger: cfg.Logger})
	if err != nil {
		return err
	}
	d.srv = &http.Server{Handler: gw, ReadHeaderTimeout: 30 * time.Second, MaxHeaderBytes: 1 << 20}
	return d.api.ResumePending(context.Background(), acct)
}

func concurrencyOrDefault(n int) int {
	if n <= 0 {
		return 1000
	}
	return n
}

// Run serves until ctx ends, then drains: it stops accepting requests,
// lets in-flight ones (invocations included) finish within
// ShutdownTimeout, and stops every subsystem in reverse order.
func (d *Daemon) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- d.srv.Serve(d.ln) }()
	d.cfg.Logger.Info("lambent serving", "endpoint", d.Endpoint(), "region", d.cfg.Region, "account", d.cfg.AccountID,
		"data_dir", d.cfg.DataDir)
	close(d.ready)
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	d.cfg.Logger.Info("lambent shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), d.cfg.ShutdownTimeout)
	defer cancel()
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	err := errors.Join(serveErr, d.srv.Shutdown(sctx))
	err = errors.Join(err, d.inv.Close(sctx))
	d.api.Close()
	err = errors.Join(err, d.logw.Close(sctx))
	d.closeStores()
	return err
}

// Ready is closed once Run serves.
func (d *Daemon) Ready() <-chan struct{} { return d.ready }

func (d *Daemon) closeStores() {
	if d.db != nil {
		_ = d.db.Close()
		d.db = nil
	}
	if d.ln != nil {
		_ = d.ln.Close()
	}
}

// prepareDataDir creates the data dir, private to the server.
func prepareDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	return nil
}

// resetRunDir wipes what a previous run left: extracted code, environment
// directories, runtime files. Processes of a crashed run died with it
// (they are killed when their parent dies).
func resetRunDir(dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clean run dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o711); err != nil {
		return fmt.Errorf("create run dir: %w", err)
	}
	return os.Chmod(dir, 0o711)
}

// systemLookPath finds interpreters in the system directories only, never
// through the server's own PATH: a runtime must be an installed system
// binary that the unprivileged runtime user can execute.
func systemLookPath(file string) (string, error) {
	for _, dir := range []string{"/usr/local/bin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, file)
		if info, err := os.Stat(p); err == nil && !info.IsDir() && info.Mode().Perm()&0o001 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in the system directories", file)
}
