// Package bench holds Lambent's end-to-end benchmarks. Each scenario is
// measured together with a floor in the same run — the same AWS SDK client
// against a do-nothing HTTP endpoint on loopback — and reported as a ratio
// to it, so the figures survive a change of hardware:
//
//	go test ./bench/ -run '^$' -bench . -benchtime 2000x
//
// Metrics: p50-ms / p99-ms (latency percentiles), p50-x-floor (ratio of
// the p50 to the floor's p50), rps and rps-x-floor (throughput and its
// ratio to the floor's throughput).
package bench
