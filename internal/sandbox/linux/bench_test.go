package linux

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lambent/internal/sandbox"
)

// buildColdStart builds testdata/coldstart as a static bootstrap.
func buildColdStart(b *testing.B) (codeDir, runtimeDir string) {
	b.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go tool to build the bootstrap")
	}
	base := b.TempDir()
	if err := os.Chmod(base, 0o755); err != nil {
		b.Fatal(err)
	}
	codeDir, runtimeDir = filepath.Join(base, "code"), filepath.Join(base, "runtime")
	for _, d := range []string{codeDir, runtimeDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(codeDir, "bootstrap"), "./testdata/coldstart")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build bootstrap: %v\n%s", err, out)
	}
	return codeDir, runtimeDir
}

// BenchmarkColdStart measures the Lambda-style cold path with a static Go
// bootstrap: Create → Listen → Start → the bootstrap's first GET /next →
// exit → Destroy, with and without the pool of pre-started environments
// (refilled in the background between and during iterations). It reports
// the median and p90 of the whole cycle and of the time to the first /next.
func BenchmarkColdStart(b *testing.B) {
	code, rt := buildColdStart(b)
	for _, tmp := range []TmpStorage{TmpDisk, TmpMemory} {
		for _, pool := range []int{2, -1} { // the default pool, and none
			name := fmt.Sprintf("tmp=%s/pool=%d", tmp, max(pool, 0))
			b.Run(name, func(b *testing.B) { benchColdStart(b, Config{Tmp: tmp, Pool: pool}, code, rt) })
		}
	}
	// With egress: the veth is made with the pooled init, off this path.
	b.Run("tmp=disk/pool=2/egress", func(b *testing.B) {
		benchColdStart(b, Config{Tmp: TmpDisk, Pool: 2, Egress: EgressNAT}, code, rt)
	})
}

func benchColdStart(b *testing.B, cfg Config, code, rt string) {
	sb := newSandbox(b, cfg)
	waitPoolFull(b, sb)
	phases := map[string][]time.Duration{}
	mark := func(name string, since time.Time) time.Time {
		now := time.Now()
		phases[name] = append(phases[name], now.Sub(since))
		return now
	}
	i := 0
	for b.Loop() {
		i++
		start := time.Now()
		next := make(chan time.Time, 1)
		env, err := sb.Create(b.Context(), sandbox.Spec{ID: fmt.Sprintf("cold-%d", i), CodeDir: code, RuntimeDir: rt,
			Egress: cfg.Egress == EgressNAT})
		if err != nil {
			b.Fatal(err)
		}
		t := mark("create", start)
		ln, addr, err := env.Listen()
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next <- time.Now()
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "r1")
			_, _ = w.Write([]byte("{}"))
		})}
		go func() { _ = srv.Serve(ln) }()
		t = mark("listen", t)
		if err := env.Start([]string{"/var/task/bootstrap"}, []string{"AWS_LAMBDA_RUNTIME_API=" + addr}); err != nil {
			b.Fatal(err)
		}
		t = mark("start", t)
		<-env.Done()
		t = mark("exit", t)
		if err := env.ExitError(); err != nil {
			b.Fatalf("bootstrap: %v", err)
		}
		if err := env.Destroy(); err != nil {
			b.Fatal(err)
		}
		mark("destroy", t)
		_ = srv.Close()
		mark("cycle", start)
		phases["to-next"] = append(phases["to-next"], (<-next).Sub(start))
	}
	for name, d := range phases {
		slices.Sort(d)
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, name+"-p50-ms")
		if name == "cycle" || name == "to-next" {
			b.ReportMetric(float64(d[len(d)/10].Microseconds())/1000, name+"-p10-ms")
			b.ReportMetric(float64(d[len(d)*9/10].Microseconds())/1000, name+"-p90-ms")
		}
	}
}
