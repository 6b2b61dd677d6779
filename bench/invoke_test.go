package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"lambent/tests/framework"
)

// floorClient is the SDK client pointed at a do-nothing endpoint that
// answers every request with 200 and "{}".
func floorClient(b *testing.B) *lambda.Client {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "{}")
	}))
	b.Cleanup(srv.Close)
	return lambda.New(lambda.Options{Region: framework.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider(framework.AccessKeyID, framework.SecretAccessKey, "")})
}

var payload = []byte(`{"value":"bench"}`)

func invokeOnce(ctx context.Context, c *lambda.Client, fn string) error {
	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: payload})
	if err != nil {
		return err
	}
	if out.FunctionError != nil {
		return fmt.Errorf("function error: %s", out.Payload)
	}
	return nil
}

// latencies runs n sequential invocations and returns their durations.
func latencies(b *testing.B, c *lambda.Client, fn string, n int) []time.Duration {
	b.Helper()
	ctx := context.Background()
	d := make([]time.Duration, 0, n)
	for range n {
		start := time.Now()
		if err := invokeOnce(ctx, c, fn); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	return d
}

func percentile(d []time.Duration, p float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkWarmInvoke measures a warm synchronous Invoke of a Go
// (aws-lambda-go) function at one caller, against the floor.
func BenchmarkWarmInvoke(b *testing.B) {
	s := framework.StartInProcess(b, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(b, c, "warm")
	floor := floorClient(b)
	latencies(b, c, "warm", 50) // warm up: the environment, connections
	latencies(b, floor, "warm", 50)

	n := max(b.N, 200)
	b.ResetTimer()
	got := latencies(b, c, "warm", n)
	b.StopTimer()
	base := latencies(b, floor, "warm", n)
	p50, p99, f50 := percentile(got, .5), percentile(got, .99), percentile(base, .5)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(ms(f50), "floor-p50-ms")
	b.ReportMetric(float64(p50)/float64(f50), "p50-x-floor")
}

// BenchmarkWarmInvokeParallel measures throughput at 16 callers against
// the floor at 16 callers.
func BenchmarkWarmInvokeParallel(b *testing.B) {
	const callers = 16
	s := framework.StartInProcess(b, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(b, c, "warmpar")
	floor := floorClient(b)
	n := max(b.N, 2000)
	throughput(b, c, "warmpar", callers, n/4) // warm up every environment
	b.ResetTimer()
	rps := throughput(b, c, "warmpar", callers, n)
	b.StopTimer()
	base := throughput(b, floor, "warmpar", callers, n)
	b.ReportMetric(rps, "rps")
	b.ReportMetric(base, "floor-rps")
	b.ReportMetric(rps/base, "rps-x-floor")
}

func throughput(b *testing.B, c *lambda.Client, fn string, callers, n int) float64 {
	b.Helper()
	var left atomic.Int64
	left.Store(int64(n))
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				if err := invokeOnce(context.Background(), c, fn); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkColdStart measures the first invocation of freshly created Go
// functions, end to end through the API (environment creation, runtime
// start, init, invoke).
func BenchmarkColdStart(b *testing.B) {
	s := framework.StartInProcess(b, framework.Options{})
	c := s.Lambda()
	floor := floorClient(b)
	n := max(b.N, 20)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("cold-%d", i)
		framework.CreateGoFunction(b, c, names[i])
	}
	framework.CreateGoFunction(b, c, "cold-warmup")
	latencies(b, c, "cold-warmup", 1) // extracts nothing shared, but warms the HTTP client
	ctx := context.Background()
	d := make([]time.Duration, 0, n)
	b.ResetTimer()
	for _, fn := range names {
		start := time.Now()
		if err := invokeOnce(ctx, c, fn); err != nil {
			b.Fatal(err)
		}
		d = append(d, time.Since(start))
	}
	b.StopTimer()
	base := latencies(b, floor, "x", 50)
	p50 := percentile(d, .5)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(percentile(d, .9)), "p90-ms")
	b.ReportMetric(float64(p50)/float64(percentile(base, .5)), "p50-x-floor")
}

// BenchmarkWarmInvokeAsUser measures the warm Invoke of BenchmarkWarmInvoke
// signed by an IAM user whose access comes from an attached managed
// policy, so every request is decided by the policy engine (the root user
// of the function's account skips it). It reports the user's p50 against
// the root user's in the same run: the cost of authorisation.
func BenchmarkWarmInvokeAsUser(b *testing.B) {
	ctx := context.Background()
	s := framework.StartInProcess(b, framework.Options{})
	root := s.Lambda()
	framework.CreateGoFunction(b, root, "warm")
	admin := s.IAM()
	if _, err := admin.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("invoker")}); err != nil {
		b.Fatal(err)
	}
	if _, err := admin.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("invoker"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaRole")}); err != nil {
		b.Fatal(err)
	}
	k, err := admin.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("invoker")})
	if err != nil {
		b.Fatal(err)
	}
	user := s.LambdaAs(framework.Creds{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)})
	latencies(b, user, "warm", 50)
	latencies(b, root, "warm", 50)

	n := max(b.N, 200)
	b.ResetTimer()
	got := latencies(b, user, "warm", n)
	b.StopTimer()
	base := latencies(b, root, "warm", n)
	p50, r50 := percentile(got, .5), percentile(base, .5)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(percentile(got, .99)), "p99-ms")
	b.ReportMetric(ms(r50), "root-p50-ms")
	b.ReportMetric(float64(p50)/float64(r50), "p50-x-root")
}
