package runtimeapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"lambent/internal/testenv"
)

// lockedBuffer collects a child's output.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// buildGoFunction builds tests/testfunctions/gofn as the e2e tests do.
func buildGoFunction(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.CommandContext(t.Context(), goTool, "build", "-tags", "lambda.norpc", "-trimpath", "-o", bin, "./tests/testfunctions/gofn")
	cmd.Dir = testenv.RepoRoot(t)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build gofn: %v\n%s", err, out)
	}
	return bin
}

// TestAWSLambdaGoClient runs a function built with the real aws-lambda-go
// runtime client against the server.
func TestAWSLambdaGoClient(t *testing.T) {
	bin := buildGoFunction(t)
	h := newHarness(t)
	var out lockedBuffer
	cmd := exec.Command(bin)
	cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + h.addr, "AWS_LAMBDA_FUNCTION_NAME=gofn"}
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("function output:\n%s", out.String())
		}
	})

	const arn = "arn:aws:lambda:us-east-1:123456789012:function:gofn:live"
	type reply struct {
		Action       string            `json:"action"`
		Value        string            `json:"value"`
		RequestID    string            `json:"requestId"`
		FunctionARN  string            `json:"functionArn"`
		RemainingMs  int64             `json:"remainingMs"`
		ClientCustom map[string]string `json:"clientCustom"`
	}
	tests := []struct {
		name          string
		payload       string
		clientContext string
		wantErrType   string // "" for a successful result
		wantValue     string
		wantOutput    string
	}{
		{name: "echo", payload: `{"action":"echo","value":"hi"}`, wantValue: "hi",
			clientContext: `{"custom":{"tenant":"blue"}}`},
		{name: "handler error", payload: `{"action":"error","value":"boom"}`, wantErrType: "errorString"},
		{name: "log lines", payload: `{"action":"log","value":"v"}`, wantValue: "v",
			wantOutput: "log line: v\n"},
		{name: "echo again", payload: `{"action":"echo","value":"warm"}`, wantValue: "warm"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &Invocation{
				RequestID: "req-" + string(rune('a'+i)), Payload: []byte(tt.payload),
				Deadline: time.Now().Add(30 * time.Second), FunctionARN: arn, ClientContext: tt.clientContext,
				TraceID: "Root=1-65f0a1b2-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0",
			}
			o := wait(t, h.invoke(t.Context(), inv))
			if o.err != nil {
				t.Fatal(o.err)
			}
			if tt.wantErrType != "" {
				if !o.res.Error || o.res.ErrorType != tt.wantErrType {
					t.Fatalf("Result = %+v (%s), want error %s", o.res, o.res.Payload, tt.wantErrType)
				}
				return
			}
			if o.res.Error {
				t.Fatalf("Result is an error: %s %s", o.res.ErrorType, o.res.Payload)
			}
			var r reply
			if err := json.Unmarshal(o.res.Payload, &r); err != nil {
				t.Fatalf("decode %s: %v", o.res.Payload, err)
			}
			if r.Value != tt.wantValue || r.RequestID != inv.RequestID || r.FunctionARN != arn {
				t.Errorf("reply = %+v, want value %q, request ID %s, ARN %s", r, tt.wantValue, inv.RequestID, arn)
			}
			if r.RemainingMs <= 0 || r.RemainingMs > 30_000 {
				t.Errorf("remaining time %d ms, want within the 30 s deadline", r.RemainingMs)
			}
			if tt.clientContext != "" && r.ClientCustom["tenant"] != "blue" {
				t.Errorf("client context custom = %v, want tenant=blue", r.ClientCustom)
			}
			if tt.wantOutput != "" {
				testenv.WaitFor(t, waitLimit, func() error {
					if !strings.Contains(out.String(), tt.wantOutput) {
						return fmt.Errorf("output %q lacks %q", out.String(), tt.wantOutput)
					}
					return nil
				})
			}
		})
	}

	// Closing the server ends the function: its /next fails and
	// lambda.Start exits.
	h.s.Close()
	select {
	case <-exited:
		exited <- nil // for the cleanup
	case <-time.After(waitLimit):
		t.Error("the function did not exit after the server closed")
	}
}
