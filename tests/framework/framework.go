// Package framework starts Lambent servers for the integration and
// end-to-end tiers — in-process through daemon.New, or as the built binary —
// and gives tests real AWS clients pointed at them, plus the test function
// packages (a Go function built with aws-lambda-go, Node and Python
// handlers) as zips.
package framework

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/internal/testenv"
)

// Test credentials preset on every test server.
const (
	AccessKeyID     = "AKIATESTLAMBENT00001"
	SecretAccessKey = "lambent/test/secret/key/0000000000000000"
	Region          = "us-east-1"
	AccountID       = "000000000000"
)

// Server is a running Lambent under test.
type Server struct {
	Endpoint string
	// MetricsURL is the Prometheus endpoint (its own listener).
	MetricsURL string
	DataDir    string
	stop       func()
}

// Stop shuts the server down (idempotent).
func (s *Server) Stop() { s.stop() }

// Options tune a test server.
type Options struct {
	DataDir     string // default: a fresh temp dir
	Concurrency int
	IdleTimeout time.Duration
	MaxLifetime time.Duration
}

// StartInProcess runs daemon.New(cfg).Run in this process.
func StartInProcess(t testing.TB, o Options) *Server {
	t.Helper()
	return StartInProcessWith(t, o)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// Lambda returns an aws-sdk-go-v2 Lambda client for s.
func (s *Server) Lambda() *lambda.Client {
	return lambda.New(lambda.Options{
		Region: Region, BaseEndpoint: aws.String(s.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
	})
}

// AWSConfig returns an SDK configuration pointed at s.
func (s *Server) AWSConfig() aws.Config {
	return aws.Config{Region: Region, BaseEndpoint: aws.String(s.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, "")}
}

// builds holds the test functions built so far, once per test binary.
var builds sync.Map // package name → *build

type build struct {
	once sync.Once
	zip  []byte
	err  error
}

// GoFunctionZip builds tests/testfunctions/gofn as a static "bootstrap"
// (once per test binary) and returns it zipped.
func GoFunctionZip(t testing.TB) []byte { return TestFunctionZip(t, "gofn") }

// CallerFunctionZip is tests/testfunctions/callerfn, a function that calls
// STS and Lambda with its execution role's credentials.
func CallerFunctionZip(t testing.TB) []byte { return TestFunctionZip(t, "callerfn") }

// TestFunctionZip builds tests/testfunctions/<pkg> as a static
// "bootstrap" (once per test binary) and returns it zipped.
func TestFunctionZip(t testing.TB, pkg string) []byte {
	t.Helper()
	v, _ := builds.LoadOrStore(pkg, &build{})
	b := v.(*build)
	b.once.Do(func() { b.zip, b.err = buildFunction(t, pkg) })
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.zip
}

func buildFunction(t testing.TB, pkg string) ([]byte, error) {
	dir, err := os.MkdirTemp("", "lambent-"+pkg+"-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, "./tests/testfunctions/"+pkg)
	cmd.Dir = testenv.RepoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build test function %s: %v\n%s", pkg, err, b)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	return zipBytes([]zipEntry{{name: "bootstrap", data: bin, mode: 0o755}})
}

type zipEntry struct {
	name string
	data []byte
	mode os.FileMode
}

// Zip builds a package from file names and contents (mode 0644).
func Zip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var entries []zipEntry
	for _, n := range names {
		entries = append(entries, zipEntry{name: n, data: []byte(files[n]), mode: 0o644})
	}
	b, err := zipBytes(entries)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zipBytes(entries []zipEntry) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		h.SetMode(e.mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CreateGoFunction creates a provided.al2023 function from the Go test
// function and waits until it is Active.
func CreateGoFunction(t testing.TB, c *lambda.Client, name string, mutate ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionOutput {
	t.Helper()
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Role: aws.String(Role), Code: &types.FunctionCode{ZipFile: GoFunctionZip(t)}, Timeout: aws.Int32(10),
	}
	for _, m := range mutate {
		m(in)
	}
	return CreateAndWait(t, c, in)
}

// CreateAndWait creates a function and waits for State Active with the
// SDK's own waiter.
func CreateAndWait(t testing.TB, c *lambda.Client, in *lambda.CreateFunctionInput) *lambda.CreateFunctionOutput {
	t.Helper()
	ctx := context.Background()
	out, err := c.CreateFunction(ctx, in)
	if err != nil {
		t.Fatalf("create function %s: %v", aws.ToString(in.FunctionName), err)
	}
	w := lambda.NewFunctionActiveV2Waiter(c, func(o *lambda.FunctionActiveV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(ctx, &lambda.GetFunctionInput{FunctionName: in.FunctionName}, 30*time.Second); err != nil {
		t.Fatalf("wait for %s to be Active: %v", aws.ToString(in.FunctionName), err)
	}
	return out
}
