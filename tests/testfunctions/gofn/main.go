// Command gofn is the Go test function used by Lambent's integration and
// end-to-end tests and benchmarks. It is an ordinary aws-lambda-go
// function: the tests build it as "bootstrap" for provided.al2023 and zip
// it. The event's "action" selects a behaviour.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type event struct {
	Action string `json:"action"`
	Value  string `json:"value"`
	Millis int    `json:"millis"`
	Bytes  int    `json:"bytes"`
	Path   string `json:"path"`
}

type reply struct {
	Action       string            `json:"action,omitempty"`
	Value        string            `json:"value,omitempty"`
	RequestID    string            `json:"requestId,omitempty"`
	FunctionARN  string            `json:"functionArn,omitempty"`
	RemainingMs  int64             `json:"remainingMs,omitempty"`
	ClientCustom map[string]string `json:"clientCustom,omitempty"`
	Env          []string          `json:"env,omitempty"`
	Data         string            `json:"data,omitempty"`
	Cwd          string            `json:"cwd,omitempty"`
	// Instance identifies the runtime process: random per process, since
	// an isolated runtime is always PID 1 of its own namespace.
	Instance string `json:"instance,omitempty"`
}

func handle(ctx context.Context, ev event) (*reply, error) {
	lc, _ := lambdacontext.FromContext(ctx)
	r := &reply{Action: ev.Action, Value: ev.Value, Instance: instance}
	if lc != nil {
		r.RequestID, r.FunctionARN = lc.AwsRequestID, lc.InvokedFunctionArn
		r.ClientCustom = lc.ClientContext.Custom
	}
	if dl, ok := ctx.Deadline(); ok {
		r.RemainingMs = time.Until(dl).Milliseconds()
	}
	switch ev.Action {
	case "", "echo":
	case "log":
		fmt.Println("log line:", ev.Value)
		fmt.Fprintln(os.Stderr, "stderr line:", ev.Value)
	case "error":
		return nil, errors.New(ev.Value)
	case "sleep":
		time.Sleep(time.Duration(ev.Millis) * time.Millisecond)
	case "exit":
		fmt.Println("exiting on request")
		os.Exit(3)
	case "big":
		r.Data = strings.Repeat("x", ev.Bytes)
	case "env":
		r.Env = os.Environ()
		r.Cwd, _ = os.Getwd()
	case "write":
		if err := os.WriteFile(ev.Path, []byte(ev.Value), 0o644); err != nil {
			return nil, err
		}
	case "healthz": // GET /healthz of Lambent's API at AWS_ENDPOINT_URL_LAMBDA
		c := http.Client{Timeout: 5 * time.Second}
		resp, err := c.Get(os.Getenv("AWS_ENDPOINT_URL_LAMBDA") + "/healthz")
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		r.Data = resp.Status
	case "read":
		b, err := os.ReadFile(ev.Path)
		if err != nil {
			return nil, err
		}
		r.Data = string(b)
	default:
		return nil, fmt.Errorf("unknown action %q", ev.Action)
	}
	return r, nil
}

// instance is chosen once per runtime process.
var instance = func() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

func main() { lambda.Start(handle) }
