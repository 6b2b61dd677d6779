// Package logs collects function log lines on the invoke path and writes them
// to the store in batches, so that an invocation never waits for disk I/O.
//
// A Writer groups appended events per (account, log group, log stream) and a
// single background goroutine writes each group with store.Logs.AppendLogEvents
// at most FlushInterval after the first pending append, or at once when a
// stream's batch reaches MaxBatch. Memory is bounded: once the backlog (pending
// plus being written) would exceed MaxBacklogBytes or MaxBacklogEvents, Append
// drops the events, counts them (Dropped) and the writer logs one warning per
// flush cycle.
//
// Typical use by the invoke path:
//
//	w := logs.NewWriter(st, logger, logs.WriterConfig{})
//	defer w.Close(ctx)
//	stream := logs.StreamName(start, "$LATEST", envID)
//	w.Append(acct, "/aws/lambda/"+fn, stream, logs.Event{Timestamp: now, Message: line})
//	// Before acknowledging an async event, make its log lines durable:
//	if err := w.Flush(ctx); err != nil { … }
package logs
