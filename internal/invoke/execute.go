package invoke

import (
	"context"
	"fmt"
	"time"

	"lambent/internal/runtimeapi"
)

// execute runs one invocation in e and reports whether e may be reused.
// The deadline is exact: a result posted after it is discarded and the
// environment destroyed.
func (m *Manager) execute(e *environment, t Target, req Request, cold bool) (*Response, bool) {
	d := e.pool.deployment
	timeout := time.Duration(d.TimeoutSec) * time.Second
	start := m.cfg.Clock.Now()
	deadline := start.Add(timeout)

	var tail *tailBuffer
	if req.Tail {
		tail = &tailBuffer{}
	}
	e.out.Reset() // init output belongs before START; each invocation has its own log limit
	e.tailMu.Lock()
	e.tail = tail
	e.tailMu.Unlock()
	e.emit(start, startLine(req.RequestID, t.Version))

	ctx, cancel := context.WithDeadline(e.ctx, deadline)
	res, err := e.api.Invoke(ctx, &runtimeapi.Invocation{
		RequestID: req.RequestID, Payload: req.Payload, Deadline: deadline,
		FunctionARN: t.InvokedARN, ClientContext: req.ClientContext, TraceID: req.TraceID,
	})
	cancel()
	if err != nil {
		// The deadline passed, or the runtime exited: which one?
		res = m.abnormal(e, req, timeout)
	}
	end := m.cfg.Clock.Now()
	e.out.Sync()

	status, errType := "", ""
	if err != nil {
		status, errType = "error", res.ErrorType
		if res.ErrorType == "Sandbox.Timedout" {
			status, errType = "timeout", ""
			e.emit(end, fmt.Sprintf("%s %s Task timed out after %.2f seconds",
				end.UTC().Format("2006-01-02T15:04:05.000Z"), req.RequestID, timeout.Seconds()))
		}
	}
	init := time.Duration(0)
	if cold {
		init = e.initDur
	}
	e.emit(end, endLine(req.RequestID))
	e.emit(end, reportLine(req.RequestID, end.Sub(start), d.MemoryMB, e.peakMemory(end, err != nil), init, status, errType))

	e.tailMu.Lock()
	e.tail = nil
	e.tailMu.Unlock()

	resp := &Response{Payload: res.Payload, ExecutedVersion: t.Version}
	if res.Error {
		resp.FunctionError = "Unhandled"
	}
	if tail != nil {
		resp.LogTail = tail.bytes()
	}
	m.cfg.Metrics.observe(t, end.Sub(start), res.Error, cold)
	// A timed-out or crashed environment is never reused.
	return resp, err == nil
}

// abnormal classifies an invocation that got no result: the runtime
// exited, or the deadline passed (the environment is then killed).
func (m *Manager) abnormal(e *environment, req Request, timeout time.Duration) runtimeapi.Result {
	select {
	case <-e.sb.Done():
		typ, msg := exitReason(e.sb.ExitError())
		return runtimeapi.Result{Error: true, ErrorType: typ,
			Payload: errorDocument(typ, "RequestId: "+req.RequestID+" Error: "+msg)}
	default:
	}
	return runtimeapi.Result{Error: true, ErrorType: "Sandbox.Timedout", Payload: errorDocument("Sandbox.Timedout",
		fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", req.RequestID, timeout.Seconds()))}
}
