package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lambent/tests/framework"
)

// AWS CLI v2 exit codes (see `aws help return-codes`).
const (
	exitOK           = 0
	exitParamInvalid = 252 // refused by the CLI's own validation; nothing was sent
	exitServiceError = 254 // the service answered with an error
)

// cliTimeout bounds one CLI command.
const cliTimeout = 2 * time.Minute

var cliCheck struct {
	once sync.Once
	err  error
}

// cliPath returns the AWS CLI v2 to drive (LAMBENT_AWS_CLI, default
// /usr/bin/aws). A missing CLI skips the test unless LAMBENT_E2E_REQUIRED=1.
func cliPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv("LAMBENT_AWS_CLI")
	if path == "" {
		path = "/usr/bin/aws"
	}
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("LAMBENT_E2E_REQUIRED") == "1" {
			t.Fatalf("AWS CLI v2 required (LAMBENT_E2E_REQUIRED=1): %v", err)
		}
		t.Skipf("AWS CLI v2 not installed (%v); set LAMBENT_AWS_CLI to use another", err)
	}
	cliCheck.once.Do(func() {
		out, err := exec.Command(path, "--version").CombinedOutput()
		if err != nil || !bytes.HasPrefix(out, []byte("aws-cli/2.")) {
			cliCheck.err = fmt.Errorf("%s is not AWS CLI v2: %q (%v)", path, out, err)
		}
	})
	if cliCheck.err != nil {
		t.Fatal(cliCheck.err)
	}
	return path
}

// awsCLI runs the stock AWS CLI against one server, configured only
// through its environment and flags, exactly as a user would.
type awsCLI struct {
	path     string
	endpoint string
	env      []string
	dir      string       // where response files are written
	files    atomic.Int32 // response files so far
}

// newCLI returns a CLI for endpoint signing with the given key. Nothing
// from the user's AWS configuration reaches it: HOME is a fresh temp dir
// and every AWS_ variable of the test's environment is dropped.
func newCLI(t *testing.T, endpoint, keyID, secret string) *awsCLI {
	t.Helper()
	home := t.TempDir()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	env = append(env, "HOME="+home, "AWS_PAGER=", "AWS_DEFAULT_REGION="+framework.Region,
		"AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret)
	return &awsCLI{path: cliPath(t), endpoint: endpoint, env: env, dir: t.TempDir()}
}

// cliFor returns a CLI for s with the preset test credentials.
func cliFor(t *testing.T, s *framework.Binary) *awsCLI {
	t.Helper()
	return newCLI(t, s.Endpoint, framework.AccessKeyID, framework.SecretAccessKey)
}

// cliResult is one finished CLI command.
type cliResult struct {
	args           []string
	code           int
	stdout, stderr string
}

func (r cliResult) String() string {
	return fmt.Sprintf("aws %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// command builds the CLI command; every call names the endpoint and asks
// for JSON output.
func (c *awsCLI) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{"--endpoint-url", c.endpoint, "--output", "json"}, args...)
	cmd := exec.CommandContext(ctx, c.path, full...)
	cmd.Env = c.env
	return cmd
}

// run runs the CLI to completion and returns its exit code and output.
func (c *awsCLI) run(t *testing.T, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := c.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return finished(t, args, cmd.Run(), &stdout, &stderr)
}

// finished turns a command's Run/Wait error into a result; an error other
// than a non-zero exit fails the test.
func finished(t *testing.T, args []string, err error, stdout, stderr *bytes.Buffer) cliResult {
	t.Helper()
	r := cliResult{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.Exited():
		r.code = exit.ExitCode()
	default:
		t.Fatalf("aws %s: %v\nstderr: %s", strings.Join(args, " "), err, r.stderr)
	}
	return r
}

// ok runs a command that must succeed and decodes its JSON output into out
// (when out is not nil).
func (c *awsCLI) ok(t *testing.T, out any, args ...string) {
	t.Helper()
	r := c.run(t, args...)
	if r.code != exitOK {
		t.Fatalf("want success, got %s", r)
	}
	if out == nil {
		return
	}
	if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
		t.Fatalf("decode JSON output of aws %s: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

// fail runs a command that must fail with exit code and, on stderr, the
// CLI's rendering of the AWS error code (when errCode is set) and msg.
func (c *awsCLI) fail(t *testing.T, code int, errCode, msg string, args ...string) {
	t.Helper()
	r := c.run(t, args...)
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
	if errCode != "" && !strings.Contains(r.stderr, "An error occurred ("+errCode+") when calling the ") {
		t.Fatalf("stderr lacks error code %s: %s", errCode, r)
	}
	if !strings.Contains(r.stderr, msg) {
		t.Fatalf("stderr lacks %q: %s", msg, r)
	}
}

// outfile returns a fresh path for an invoke response.
func (c *awsCLI) outfile() string {
	return filepath.Join(c.dir, fmt.Sprintf("response-%d.json", c.files.Add(1)))
}

// invokeArgs are the arguments of `aws lambda invoke` with a raw JSON payload.
func invokeArgs(name, payload, outfile string, extra ...string) []string {
	args := []string{"lambda", "invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", payload}
	return append(append(args, extra...), outfile)
}

// invoke runs `aws lambda invoke`, which must succeed, and returns the
// CLI's JSON output and the response payload it wrote to the outfile.
func (c *awsCLI) invoke(t *testing.T, name, payload string, extra ...string) (invokeOutput, []byte) {
	t.Helper()
	out := c.outfile()
	var meta invokeOutput
	c.ok(t, &meta, invokeArgs(name, payload, out, extra...)...)
	return meta, readFile(t, out)
}

// waitActive runs `aws lambda wait function-active-v2`.
func (c *awsCLI) waitActive(t *testing.T, name string) {
	t.Helper()
	c.ok(t, nil, "lambda", "wait", "function-active-v2", "--function-name", name)
}

// waitUpdated runs `aws lambda wait function-updated-v2`.
func (c *awsCLI) waitUpdated(t *testing.T, name string) {
	t.Helper()
	c.ok(t, nil, "lambda", "wait", "function-updated-v2", "--function-name", name)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeFile writes b into a fresh temp dir and returns the fileb:// URL
// the CLI reads it from.
func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return "fileb://" + path
}
