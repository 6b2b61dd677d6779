package invoke

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the invocation metrics exported at /metrics.
type Metrics struct {
	invocations *prometheus.CounterVec
	errors      *prometheus.CounterVec
	throttles   *prometheus.CounterVec
	coldStarts  *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	concurrent  prometheus.Gauge
}

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	labels := []string{"account", "function"}
	m := &Metrics{
		invocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lambent_invocations_total", Help: "Invocations that ran, by function."}, labels),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lambent_invocation_errors_total", Help: "Invocations that ended in a function error."}, labels),
		throttles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lambent_throttles_total", Help: "Invocations refused with 429 by a concurrency limit."}, labels),
		coldStarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lambent_cold_starts_total", Help: "Invocations that started a new execution environment."}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lambent_invocation_duration_seconds", Help: "Time from handing the event to the runtime to its result.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900}}, labels),
		concurrent: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "lambent_concurrent_executions", Help: "Invocations running now."}),
	}
	if reg != nil {
		reg.MustRegister(m.invocations, m.errors, m.throttles, m.coldStarts, m.duration, m.concurrent)
	}
	return m
}

func (m *Metrics) observe(t Target, d time.Duration, failed, cold bool) {
	acct, fn := string(t.Account), t.FunctionName
	m.invocations.WithLabelValues(acct, fn).Inc()
	if failed {
		m.errors.WithLabelValues(acct, fn).Inc()
	}
	if cold {
		m.coldStarts.WithLabelValues(acct, fn).Inc()
	}
	if d > 0 {
		m.duration.WithLabelValues(acct, fn).Observe(d.Seconds())
	}
}

func (m *Metrics) throttle(t Target) {
	m.throttles.WithLabelValues(string(t.Account), t.FunctionName).Inc()
}
