package queue

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the asynchronous invocation metrics exported at /metrics.
type Metrics struct {
	enqueued prometheus.Counter
	attempts *prometheus.CounterVec
	finished *prometheus.CounterVec
	lag      prometheus.Histogram
}

// NewMetrics creates the metrics and registers them with reg (nil: not
// registered, for tests).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		enqueued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "lambent_async_events_enqueued_total", Help: "Event invocations accepted (stored durably)."}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lambent_async_attempts_total",
			Help: "Attempts to run queued events, by result: ok, function_error, deferred (throttle or platform error)."},
			[]string{"result"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lambent_async_events_finished_total",
			Help: "Queued events that left the queue, by condition (Success, RetriesExhausted, EventAgeExceeded, FunctionNotFound)."},
			[]string{"condition"}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "lambent_async_start_latency_seconds", Help: "Time from accepting an event to its first invocation starting.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5, 30, 60}}),
	}
	if reg != nil {
		reg.MustRegister(m.enqueued, m.attempts, m.finished, m.lag)
	}
	return m
}

var resultNames = [...]string{ranOK: "ok", ranFunctionError: "function_error", deferred: "deferred"}

func (m *Metrics) attempt(r result) { m.attempts.WithLabelValues(resultNames[r]).Inc() }

func (m *Metrics) finish(condition string) { m.finished.WithLabelValues(condition).Inc() }

func (m *Metrics) started(lag time.Duration) { m.lag.Observe(max(lag, 0).Seconds()) }
