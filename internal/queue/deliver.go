package queue

import (
	"context"

	"lambent/internal/arn"
	"lambent/internal/function"
	"lambent/internal/invoke"
	"lambent/internal/store"
)

// maxDepth stops delivery chains: an event reached through this many
// destination or dead-letter deliveries delivers no further, so two
// functions that are each other's destination cannot loop forever.
// Lambda's recursive loop detection stops at the same depth.
const maxDepth = 16

// deliveries returns the events that carry ev's outcome on, enqueued
// together with its settlement: the invocation record to destination, the
// original event to deadLetter (each "" for none). Both are Lambda
// function ARNs in ev's account; anything else was refused when it was
// configured.
func (s *Service) deliveries(ctx context.Context, j *job, v verdict, resp *invoke.Response, destination, deadLetter string) []*store.QueuedEvent {
	ev := j.ev
	if destination == "" && deadLetter == "" {
		return nil
	}
	if ev.Depth >= maxDepth {
		s.cfg.Logger.Warn("queued event reached the delivery depth limit; not delivering its outcome",
			"account", ev.Account, "function", ev.Function, "request_id", ev.ID, "depth", ev.Depth)
		return nil
	}
	var out []*store.QueuedEvent
	if destination != "" {
		qualifier := ev.Qualifier
		if qualifier == "" {
			qualifier = store.LatestVersion
		}
		rec := encodeRecord(recordInput{
			requestID:   ev.ID,
			functionARN: arn.QualifiedFunctionARN(s.cfg.Region, string(ev.Account), ev.Function, qualifier),
			condition:   v.condition, attempts: v.attempts, payload: ev.Payload, resp: resp, at: s.cfg.Clock.Now(),
		})
		out = s.appendDelivery(ctx, out, ev, destination, rec)
	}
	if deadLetter != "" {
		out = s.appendDelivery(ctx, out, ev, deadLetter, ev.Payload)
	}
	return out
}

// appendDelivery appends an Event invocation of the function target names.
func (s *Service) appendDelivery(ctx context.Context, out []*store.QueuedEvent, ev *store.QueuedEvent, target string, payload []byte) []*store.QueuedEvent {
	ref, err := arn.ParseFunctionName(target, s.cfg.Region)
	if err != nil || (ref.Account != "" && ref.Account != string(ev.Account)) {
		s.cfg.Logger.Warn("cannot deliver to a target that is not a function of the account",
			"account", ev.Account, "function", ev.Function, "request_id", ev.ID, "target", target)
		return out
	}
	now := s.cfg.Clock.Now()
	return append(out, &store.QueuedEvent{ID: s.cfg.NewID(), Function: ref.Name, Qualifier: ref.Qualifier,
		Payload: payload, EnqueuedAt: now, VisibleAt: now, Depth: ev.Depth + 1,
		LeaseFor: s.leaseFor(s.timeoutOf(ctx, ev, ref))})
}

// timeoutOf is the timeout of the target function, or the largest one
// allowed when it cannot be read (a missing target fails when its event
// runs).
func (s *Service) timeoutOf(ctx context.Context, ev *store.QueuedEvent, ref arn.FunctionRef) int {
	version := ref.Qualifier
	if version == "" {
		version = store.LatestVersion
	}
	f, err := s.cfg.Store.GetFunction(ctx, ev.Account, ref.Name, version)
	if err != nil {
		return function.MaxTimeoutSec
	}
	cfg, err := function.Decode(f.Config)
	if err != nil || cfg.Live == nil {
		return function.MaxTimeoutSec
	}
	return cfg.Live.TimeoutSec
}
