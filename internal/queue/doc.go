// Package queue runs asynchronous (Event) invocations. It accepts an event
// only once the store has it durably, leases it to a worker, invokes the
// function through the same invoke manager as synchronous invocations
// (same environments, concurrency limits and logs), retries function
// errors and deferrals per the event invoke config, and hands invocation
// records to destinations and original events to dead-letter targets by
// queueing Event invocations of those functions.
//
// Delivery is at least once. An event leaves the queue only in the same
// transaction that settles it, after its log lines are stored; an event
// whose worker died becomes visible again when its lease expires, or at
// once when its node restarts (Start releases the node's old leases).
//
// # Usage
//
//	q, err := queue.New(queue.Config{Store: db, Invoker: manager, Logs: logWriter,
//		Clock: clock.Real{}, Logger: logger, NewID: awswire.NewRequestID,
//		Region: "us-east-1", Owner: nodeID})
//	if err != nil {
//		return err
//	}
//	if err := q.Start(ctx); err != nil {
//		return err
//	}
//	err = q.Submit(ctx, queue.Submission{Account: acct, RequestID: id, Function: "thumbs",
//		Payload: event, TimeoutSec: 3}) // nil: durably queued, answer 202
//	…
//	err = q.Close(shutdownCtx) // stop taking events, let running ones finish
//	manager.Close(shutdownCtx)
//	q.Wait()
//
// docs/design/async.md describes the queue, leases, the retry schedule and
// what is and is not guaranteed.
package queue
