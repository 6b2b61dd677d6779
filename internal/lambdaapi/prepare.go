package lambdaapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/awswire"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

// startPrepare moves a Pending function (or an InProgress update) to its
// final state in the background: the package is extracted and the runtime
// checked, then the version becomes Active / Successful with a new live
// deployment, or Failed with a reason.
func (a *API) startPrepare(acct account.ID, name, version string) {
	a.prepares.Add(1)
	go func() {
		defer a.prepares.Done()
		ctx, cancel := context.WithTimeout(a.ctx, 5*time.Minute)
		defer cancel()
		if err := a.prepare(ctx, acct, name, version); err != nil {
			a.cfg.Logger.Error("prepare function", "account", acct, "function", name, "version", version, "err", err)
		}
	}()
}

func (a *API) prepare(ctx context.Context, acct account.ID, name, version string) error {
	f, err := a.cfg.Functions.GetFunction(ctx, acct, name, version)
	if err != nil {
		return fmt.Errorf("read function: %w", err)
	}
	cfg, err := function.Decode(f.Config)
	if err != nil {
		return err
	}
	code, reason := a.check(ctx, cfg)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: leave the state for the next start
	}
	_, err = a.cfg.Functions.UpdateFunction(ctx, acct, name, version, func(f *store.Function) error {
		cur, err := function.Decode(f.Config)
		if err != nil {
			return err
		}
		if cur.CodeDigest != cfg.CodeDigest || !cur.LastModified.Equal(cfg.LastModified) {
			return errSuperseded // a newer change will be prepared by its own run
		}
		settle(cur, code, reason)
		f.Config, f.RevisionID, f.UpdatedAt = cur.Encode(), newRevision(), a.cfg.Clock.Now()
		return nil
	})
	if errors.Is(err, errSuperseded) {
		return nil
	}
	a.cache.forget(acct, name)
	if err != nil {
		return fmt.Errorf("settle function state: %w", err)
	}
	if code == "" {
		a.cfg.Invoker.Retire(acct, name)
	}
	return nil
}

var errSuperseded = errkind.New(errkind.Conflict, "superseded by a newer change")

// check prepares what an invocation needs and returns a failure reason
// code and text, or "" when everything is ready.
func (a *API) check(ctx context.Context, cfg *function.Config) (code, reason string) {
	if _, err := a.cfg.Runtimes.Lookup(cfg.Runtime); err != nil {
		return "InvalidRuntime", publicMessage(err)
	}
	if _, err := a.cfg.Code.Dir(ctx, cfg.CodeDigest); err != nil {
		a.cfg.Logger.Warn("prepare package", "err", err)
		return "InvalidZipFileException", "Lambda was unable to unzip the deployment package."
	}
	return "", ""
}

// settle applies the outcome of a preparation to the state fields.
func settle(c *function.Config, code, reason string) {
	creating := c.State == function.StatePending
	if code == "" {
		c.State, c.StateReason, c.StateReasonCode = function.StateActive, "", ""
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = function.UpdateSuccessful, "", ""
		c.Live = c.Deployment(newRevision())
		return
	}
	if creating {
		c.State, c.StateReason, c.StateReasonCode = function.StateFailed, reason, code
	}
	c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = function.UpdateFailed, reason, code
}

// ResumePending restarts the preparation of every version of acct left
// Pending or InProgress by a previous run of the server.
func (a *API) ResumePending(ctx context.Context, acct account.ID) error {
	after := ""
	for {
		page, err := a.cfg.Functions.ListFunctions(ctx, acct, after, 100)
		if err != nil {
			return fmt.Errorf("list functions: %w", err)
		}
		for _, f := range page {
			a.resumeVersions(ctx, acct, f.Name)
			after = f.Name
		}
		if len(page) < 100 {
			return nil
		}
	}
}

func (a *API) resumeVersions(ctx context.Context, acct account.ID, name string) {
	versions, err := a.cfg.Functions.ListVersions(ctx, acct, name, "", 10000)
	if err != nil {
		a.cfg.Logger.Error("list versions", "function", name, "err", err)
		return
	}
	for _, v := range versions {
		cfg, err := function.Decode(v.Config)
		if err != nil {
			continue
		}
		if cfg.State == function.StatePending || cfg.LastUpdateStatus == function.UpdateInProgress {
			a.startPrepare(acct, name, v.Version)
		}
	}
}

func newRevision() string { return awswire.NewRequestID() }

func publicMessage(err error) string {
	if e, ok := errkind.As(err); ok {
		return e.Public
	}
	return "internal error"
}
