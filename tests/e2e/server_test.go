package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

// TestRestartAndGracefulDrain creates a function, restarts the server on
// the same data dir and invokes it, then sends SIGTERM while an invocation
// is running: the CLI call must still succeed and the server exit 0.
func TestRestartAndGracefulDrain(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	s1 := startServer(t, dataDir)
	createGoFunction(t, cliFor(t, s1), "keeper", "--timeout", "10")
	s1.Stop()
	if out := s1.Stdout(); out != "" {
		t.Fatalf("a server with preset credentials printed on stdout:\n%s", out)
	}

	s2 := startServer(t, dataDir)
	c := cliFor(t, s2)
	out, payload := c.invoke(t, "keeper", `{"value":"after-restart"}`)
	if r := decodeJSON[gofnReply](t, payload); out.FunctionError != "" || r.Value != "after-restart" {
		t.Fatalf("invoke after restart: %+v %s", out, payload)
	}

	// Start a 1.5 s invocation in the background.
	outfile := c.outfile()
	args := invokeArgs("keeper", `{"action":"sleep","millis":1500}`, outfile)
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := c.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()

	testenv.WaitFor(t, 60*time.Second, func() error {
		select {
		case err := <-waited:
			t.Fatalf("the sleeping invocation ended before it was seen running: %s", finished(t, args, err, &stdout, &stderr))
		default:
		}
		if !strings.Contains(metrics(t, s2.MetricsURL), "\nlambent_concurrent_executions 1\n") {
			return errors.New("the sleeping invocation is not running yet")
		}
		return nil
	})
	if err := s2.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	r := finished(t, args, <-waited, &stdout, &stderr)
	if r.code != exitOK {
		t.Fatalf("in-flight invocation during shutdown: %s", r)
	}
	meta := decodeJSON[invokeOutput](t, []byte(r.stdout))
	if reply := decodeJSON[gofnReply](t, readFile(t, outfile)); meta.StatusCode != 200 || meta.FunctionError != "" || reply.Action != "sleep" {
		t.Fatalf("in-flight invocation during shutdown: %+v %s", meta, readFile(t, outfile))
	}
	<-s2.Exited()
	if err := s2.ExitErr(); err != nil {
		t.Fatalf("server exit after SIGTERM: %v\nstderr:\n%s", err, s2.Stderr())
	}
	if resp, err := http.Get(s2.Endpoint + "/healthz"); err == nil {
		resp.Body.Close()
		t.Fatalf("/healthz answered %d after shutdown", resp.StatusCode)
	}
}

// metrics returns the server's Prometheus exposition.
func metrics(t *testing.T, endpoint string) string {
	t.Helper()
	resp, err := http.Get(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	bannerKeyID    = regexp.MustCompile(`(?m)^\s*export AWS_ACCESS_KEY_ID=(\S+)$`)
	bannerSecret   = regexp.MustCompile(`(?m)^\s*export AWS_SECRET_ACCESS_KEY=(\S+)$`)
	bannerEndpoint = regexp.MustCompile(`(?m)^\s*export AWS_ENDPOINT_URL=(\S+)$`)
)

// TestGeneratedCredentials starts a server without preset credentials
// twice on one data dir: the first start prints the generated root key
// once and stores it mode 0600; the second prints nothing, and the printed
// key works with the CLI.
func TestGeneratedCredentials(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	start := func() *framework.Binary {
		return framework.StartBinary(t, framework.BinaryOptions{Binary: lambentBinary(t), DataDir: dataDir, GenerateCredentials: true})
	}
	s1 := start()
	s1.Stop() // stdout is complete once the process has exited
	banner := s1.Stdout()
	if n := strings.Count(banner, "export AWS_ACCESS_KEY_ID="); n != 1 {
		t.Fatalf("first start printed the access key %d times, want 1:\n%s", n, banner)
	}
	keyID, secret := submatch(t, bannerKeyID, banner), submatch(t, bannerSecret, banner)
	if ep := submatch(t, bannerEndpoint, banner); ep != s1.Endpoint {
		t.Fatalf("banner endpoint %s, server served on %s", ep, s1.Endpoint)
	}

	path := filepath.Join(dataDir, "root-credentials.json")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("%s has mode %v, want 0600", filepath.Base(path), info.Mode().Perm())
	}
	var stored struct{ AccessKeyID, SecretAccessKey string }
	if err := json.Unmarshal(readFile(t, path), &stored); err != nil {
		t.Fatal(err)
	}
	if stored.AccessKeyID != keyID || stored.SecretAccessKey != secret {
		t.Fatalf("stored credentials %q differ from the printed ones %q", stored.AccessKeyID, keyID)
	}

	s2 := start()
	var list struct{ Functions []functionConfig }
	newCLI(t, s2.Endpoint, keyID, secret).ok(t, &list, "lambda", "list-functions")
	if len(list.Functions) != 0 {
		t.Fatalf("list-functions on a fresh server: %+v", list.Functions)
	}
	s2.Stop()
	if out := s2.Stdout(); strings.Contains(out, "AWS_ACCESS_KEY_ID") || strings.Contains(out, secret) {
		t.Fatalf("second start printed the credentials again:\n%s", out)
	}
	for _, s := range []*framework.Binary{s1, s2} {
		if strings.Contains(s.Stderr(), secret) {
			t.Fatal("the secret access key appears in the server log")
		}
	}
}

func submatch(t *testing.T, re *regexp.Regexp, s string) string {
	t.Helper()
	m := re.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no match for %s in:\n%s", re, s)
	}
	return m[1]
}
