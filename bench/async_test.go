package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/internal/daemon"
	"lambent/tests/framework"
)

// asyncCallers is the number of concurrent clients in the enqueue
// throughput benchmark.
const asyncCallers = 32

func invokeEvent(ctx context.Context, c *lambda.Client, fn string, payload []byte) error {
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload,
		InvocationType: types.InvocationTypeEvent})
	if err != nil {
		return err
	}
	// The floor answers 200; Lambent must answer 202.
	if out.StatusCode != http.StatusAccepted && out.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", out.StatusCode)
	}
	return nil
}

// eventThroughput sends n Event invocations from callers clients and
// returns the accepted events per second.
func eventThroughput(b *testing.B, c *lambda.Client, fn string, callers, n int) float64 {
	b.Helper()
	var left atomic.Int64
	left.Store(int64(n))
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range callers {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := invokeEvent(context.Background(), c, fn, payload); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}

// startProcessTier starts a server on the process sandbox. The async
// benchmarks measure the queue; the linux tier's per-environment cost
// (measured by the sandbox benchmarks) would only add noise, and it has no
// network for the start probe to call back on.
func startProcessTier(b *testing.B) *framework.Server {
	return framework.StartInProcessWith(b, framework.Options{}, func(c *daemon.Config) { c.Sandbox = daemon.SandboxProcess })
}

// BenchmarkAsyncEnqueue measures accepted Event invocations per second
// through the real HTTP API (SigV4, validation, a durable fsync'd commit
// per 202) at asyncCallers concurrent SDK clients, while the queue runs the
// events, against the same clients sending to a do-nothing endpoint.
func BenchmarkAsyncEnqueue(b *testing.B) {
	s := startProcessTier(b)
	c := s.Lambda()
	framework.CreateGoFunction(b, c, "asyncsink")
	floor := floorClient(b)
	n := max(b.N, 4000)
	eventThroughput(b, c, "asyncsink", asyncCallers, n/10) // warm up connections and an environment
	b.ResetTimer()
	eps := eventThroughput(b, c, "asyncsink", asyncCallers, n)
	b.StopTimer()
	base := eventThroughput(b, floor, "asyncsink", asyncCallers, n)
	b.ReportMetric(eps, "events/s")
	b.ReportMetric(base, "floor-rps")
	b.ReportMetric(eps/base, "rps-x-floor")
}

// startProbe is a Node function that calls back the URL in its event as
// soon as it starts: the benchmark timestamps the call.
const startProbe = `
const http = require("http");
exports.handler = async (event) => {
  await new Promise((resolve) => {
    http.get(event.url, (res) => { res.resume(); res.on("end", resolve); }).on("error", resolve);
  });
  return null;
};
`

// BenchmarkAsyncStartLatency measures, one event at a time, the time from
// the client receiving the 202 to the function starting (its first
// action is an HTTP call to the benchmark), against the synchronous floor:
// the same SDK client's round trip to a do-nothing endpoint.
func BenchmarkAsyncStartLatency(b *testing.B) {
	s := startProcessTier(b)
	c := s.Lambda()
	framework.CreateAndWait(b, c, &lambda.CreateFunctionInput{
		FunctionName: aws.String("probe"), Runtime: types.RuntimeNodejs20x, Handler: aws.String("index.handler"),
		Role: aws.String(framework.Role), Timeout: aws.Int32(10),
		Code: &types.FunctionCode{ZipFile: framework.Zip(b, map[string]string{"index.js": startProbe})},
	})
	started := make(chan time.Time, 1)
	probe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		select {
		case started <- now:
		default:
		}
	}))
	b.Cleanup(probe.Close)
	event := []byte(`{"url":"` + probe.URL + `/started"}`)
	run := func(n int) []time.Duration {
		d := make([]time.Duration, 0, n)
		for range n {
			if err := invokeEvent(context.Background(), c, "probe", event); err != nil {
				b.Fatal(err)
			}
			accepted := time.Now()
			select {
			case at := <-started:
				d = append(d, at.Sub(accepted))
			case <-time.After(30 * time.Second):
				b.Fatal("the function did not start within 30 s")
			}
		}
		return d
	}
	run(20) // warm up: the environment, connections
	floor := floorClient(b)
	n := max(b.N, 200)
	b.ResetTimer()
	got := run(n)
	b.StopTimer()
	base := latencies(b, floor, "probe", n)
	b.ReportMetric(ms(percentile(got, .5)), "p50-ms")
	b.ReportMetric(ms(percentile(got, .99)), "p99-ms")
	b.ReportMetric(ms(percentile(base, .5)), "floor-p50-ms")
}
