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
	"lambent/internal/clock"
	"lambent/internal/gateway"
	"lambent/internal/invoke"
	"lambent/internal/lambdaapi"
	"lambent/internal/logs"
	"lambent/internal/logsapi"
	"lambent/internal/queue"
	"lambent/internal/runtimes"
	"lambent/internal/runtimes/baseimage"
	"lambent/internal/sandbox"
	"lambent/internal/sandbox/linux"
	"lambent/internal/sandbox/process"
	"lambent/internal/sigv4"
	"lambent/internal/store/sqlite"
)

// Daemon is a running Lambent server.
type Daemon struct {
	cfg   Config
	ln    net.Listener
	mln   net.Listener // metrics; nil when off
	msrv  *http.Server
	srv   *http.Server
	db    *sqlite.DB
	logw  *logs.Writer
	inv   *invoke.Manager
	q     *queue.Service
	api   *lambdaapi.API
	ready chan struct{}
	// closeSandbox releases the sandbox tier's host resources.
	closeSandbox func() error
	// gwln serves the API on the linux sandbox's gateway address, for
	// functions (egress.go); nil without egress. isolatedNet is set under
	// the linux sandbox, whose functions do not share the host's network.
	gwln        net.Listener
	isolatedNet bool
}

// New builds the server and binds its listener; Run serves.
func New(cfg Config) (*Daemon, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := &Daemon{cfg: cfg, ready: make(chan struct{}), closeSandbox: func() error { return nil }}
	if err := d.build(); err != nil {
		_ = d.closeSandbox()
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
	id, err := buildIdentity(context.Background(), d.db, clk, cfg.Logger, cfg.Region, masterKey, acct, rc)
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
	d.logw = logs.NewWriter(d.db, cfg.Logger, logs.WriterConfig{FlushInterval: time.Second})
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
	sb, err := d.newSandbox(filepath.Join(runDir, "envs"))
	if err != nil {
		return err
	}
	var images interface { // only the linux tier isolates the file system
		Image(context.Context, runtimes.Runtime) (string, error)
	}
	if _, isolated := sb.(*linux.Sandbox); isolated {
		images = baseimage.NewStore(filepath.Join(runDir, "images"), cfg.Logger, nil)
	}
	d.inv, err = invoke.New(invoke.Config{
		Sandbox: sb, Runtimes: catalog, Code: code, Logs: d.logw, Clock: clk, Logger: cfg.Logger,
		Metrics: invoke.NewMetrics(reg), Region: cfg.Region, RuntimeDir: runtimeDir, Images: images,
		Endpoint: d.environmentEndpoint(), FunctionTags: d.functionTags,
		Credentials:        executionRoles{id.sts},
		AccountConcurrency: cfg.AccountConcurrency, IdleTimeout: cfg.IdleTimeout, MaxLifetime: cfg.MaxLifetime,
	})
	if err != nil {
		return err
	}
	if err := d.buildQueue(clk, reg); err != nil {
		return err
	}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "lambent_environments", Help: "Execution environments that exist now, idle or busy."},
		func() float64 { return float64(d.inv.Environments()) }))
	authorizer := id.authz
	codeURLs := lambdaapi.NewCodeURLSigner(masterKey, d.Endpoint(), clk, blobs)
	d.api, err = lambdaapi.New(lambdaapi.Config{
		Region: cfg.Region, Functions: d.db, Artifacts: blobs, Code: code, Runtimes: catalog, Invoker: d.inv, Events: d.q, EventConfigs: d.db, FailedEvents: d.db,
		Authorizer: authorizer, Clock: clk, Logger: cfg.Logger, CodeURLs: codeURLs, Limits: limits,
		Policies: d.db, Roles: id.iam,
		AccountConcurrency: concurrencyOrDefault(cfg.AccountConcurrency),
	})
	if err != nil {
		return err
	}
	logsHandler := logsapi.NewHandler(logsapi.Config{Region: cfg.Region, Logs: d.db, Authorizer: authorizer, Logger: cfg.Logger, Clock: clk})
	verifier := sigv4.NewVerifier(sigv4.Config{Credentials: id.authn, Clock: clk})
	gw, err := gateway.New(gateway.Config{Verifier: verifier, Lambda: d.api, Logs: logsHandler, Code: codeURLs, Logger: cfg.Logger,
		IAM: id.iamAPI, STS: id.stsAPI, Organizations: id.orgsAPI})
	if err != nil {
		return err
	}
	d.srv = &http.Server{Handler: gw, ReadHeaderTimeout: 30 * time.Second, MaxHeaderBytes: 1 << 20}
	if err := d.listenMetrics(reg); err != nil {
		return err
	}
	return d.resumePending(context.Background())
}

// resumePending finishes function preparations a previous run left
// pending, in every account.
func (d *Daemon) resumePending(ctx context.Context) error {
	accts, err := d.db.ListAccounts(ctx)
	if err != nil {
		return fmt.Errorf("list accounts: %w", err)
	}
	for _, a := range accts {
		if err := d.api.ResumePending(ctx, a.ID); err != nil {
			return err
		}
	}
	return nil
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
	if err := d.q.Start(ctx); err != nil {
		d.cfg.Logger.Error("start async invocations", "err", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- d.srv.Serve(d.ln) }()
	if d.gwln != nil {
		go func() { _ = d.srv.Serve(d.gwln) }()
	}
	if d.mln != nil {
		go func() { _ = d.msrv.Serve(d.mln) }()
	}
	d.cfg.Logger.Info("lambent serving", "endpoint", d.Endpoint(), "metrics", d.MetricsURL(), "region", d.cfg.Region, "account", d.cfg.AccountID,
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
	if d.msrv != nil {
		_ = d.msrv.Close()
	}
	// The queue stops taking events and lets running ones finish within
	// the bound; the invoke manager then ends any still running, whose
	// events stay queued for the next start.
	err = errors.Join(err, d.q.Close(sctx))
	err = errors.Join(err, d.inv.Close(sctx))
	d.q.Wait()
	err = errors.Join(err, d.closeSandbox())
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
	if d.gwln != nil {
		_ = d.gwln.Close()
	}
	if d.mln != nil {
		_ = d.mln.Close()
	}
}

// newSandbox builds the execution-environment tier cfg.Sandbox names. The
// default is linux when running as root and process otherwise, loudly.
func (d *Daemon) newSandbox(dir string) (sandbox.Sandbox, error) {
	log := d.cfg.Logger
	tier := d.cfg.Sandbox
	if tier == "" {
		tier = SandboxLinux
		if os.Geteuid() != 0 {
			tier = SandboxProcess
			log.Warn("NOT ISOLATED: lambent is not running as root, so functions run as plain child processes " +
				"(process sandbox) with no isolation; run as root for the linux sandbox")
		}
	}
	if tier == SandboxLinux {
		sb, err := d.newLinuxSandbox(dir)
		if err == nil || d.cfg.Sandbox == SandboxLinux || !errors.Is(err, linux.ErrNoInit) {
			return sb, err
		}
		// Only a binary without the sandbox-init dispatch (a test binary)
		// gets here.
		log.Warn("NOT ISOLATED: this binary cannot act as the sandbox init; functions run as plain child processes "+
			"(process sandbox) with no isolation", "err", err)
	}
	sb, err := process.New(process.Config{Dir: dir})
	if err != nil {
		return nil, err
	}
	log.Warn("execution environments are plain child processes without isolation (process sandbox)")
	return sb, nil
}

// newLinuxSandbox removes what a crashed Lambent left behind, then builds
// the linux sandbox.
func (d *Daemon) newLinuxSandbox(dir string) (sandbox.Sandbox, error) {
	log := d.cfg.Logger
	if n, err := linux.CleanupLeftovers(); err != nil {
		log.Warn("clean up leftover execution environments", "err", err)
	} else if n > 0 {
		log.Info("removed leftover execution environments of a previous run", "count", n)
	}
	sb, err := linux.New(linux.Config{Dir: dir, Logger: log, Egress: linux.Egress(d.cfg.SandboxEgress)})
	if err != nil {
		return nil, fmt.Errorf("create linux sandbox (use --sandbox process to run without isolation): %w", err)
	}
	d.closeSandbox = sb.Close
	if err := d.listenGateway(sb); err != nil {
		return nil, err
	}
	log.Info("execution environments use the linux sandbox; each sees its runtime's base image " +
		"(built from the host's files on the runtime's first use), not the host's /usr")
	return sb, nil
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

// listenMetrics binds the metrics listener unless it is off.
func (d *Daemon) listenMetrics(reg *prometheus.Registry) error {
	if d.cfg.MetricsListen == "" || d.cfg.MetricsListen == "off" {
		return nil
	}
	ln, err := net.Listen("tcp", d.cfg.MetricsListen)
	if err != nil {
		return fmt.Errorf("listen for metrics on %s: %w", d.cfg.MetricsListen, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	d.mln = ln
	d.msrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// MetricsURL is where Prometheus metrics are served ("" when off).
func (d *Daemon) MetricsURL() string {
	if d.mln == nil {
		return ""
	}
	return "http://" + d.mln.Addr().String() + "/metrics"
}
