package lambdaapi

import (
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

type updateFunctionCodeInput struct {
	ZipFile         []byte   `json:"ZipFile"`
	S3Bucket        string   `json:"S3Bucket"`
	S3Key           string   `json:"S3Key"`
	S3ObjectVersion string   `json:"S3ObjectVersion"`
	ImageUri        string   `json:"ImageUri"`
	Publish         bool     `json:"Publish"`
	DryRun          bool     `json:"DryRun"`
	RevisionId      string   `json:"RevisionId"`
	Architectures   []string `json:"Architectures"`
}

func (a *API) updateFunctionCode(c *call) error {
	var in updateFunctionCodeInput
	t, err := a.begin(c, &in, "lambda:UpdateFunctionCode", false)
	if err != nil {
		return err
	}
	if err := function.ValidateArchitectures(in.Architectures); err != nil {
		return err
	}
	var staged function.Config
	if err := a.storeCode(&staged, &functionCode{ZipFile: in.ZipFile, S3Bucket: in.S3Bucket, S3Key: in.S3Key,
		S3ObjectVersion: in.S3ObjectVersion, ImageUri: in.ImageUri}); err != nil {
		return err
	}
	if in.DryRun {
		_, cfg, err := a.load(c, t.unqualified())
		if err != nil {
			return err
		}
		return a.respondUpdated(c, t, in.Publish, nil, cfg)
	}
	f, cfg, err := a.updateLatest(c, t, in.RevisionId, func(cfg *function.Config) {
		cfg.CodeDigest, cfg.CodeSha256, cfg.CodeSize = staged.CodeDigest, staged.CodeSha256, staged.CodeSize
	})
	if err != nil {
		return err
	}
	return a.respondUpdated(c, t, in.Publish, f, cfg)
}

// beginUpdate marks $LATEST as updating: State stays Active, the live
// deployment keeps serving until the preparation succeeds.
func (a *API) beginUpdate(f *store.Function, cfg *function.Config) {
	now := a.cfg.Clock.Now()
	cfg.LastModified = now
	cfg.LastUpdateStatus = function.UpdateInProgress
	cfg.LastUpdateStatusReason = "The function is being created."
	cfg.LastUpdateStatusReasonCode = "Creating"
	f.Config, f.RevisionID, f.UpdatedAt = cfg.Encode(), newRevision(), now
	f.CodeDigest, f.CodeSize = cfg.CodeDigest, cfg.CodeSize
}

// respondUpdated answers an update. With Publish, a version is published
// once the update has been prepared is not possible synchronously, so the
// version is published now from the updated $LATEST (it becomes Active
// with it).
func (a *API) respondUpdated(c *call, t target, publish bool, f *store.Function, cfg *function.Config) error {
	if f == nil {
		lf, _, err := a.load(c, t.unqualified())
		if err != nil {
			return err
		}
		f = lf
	}
	if publish {
		v, err := a.publish(c, t, "")
		if err != nil {
			return err
		}
		vc, err := function.Decode(v.Config)
		if err != nil {
			return err
		}
		a.startPrepare(t.acct, t.name, v.Version)
		f, cfg = v, vc
	}
	awswireJSON(c, http.StatusOK, a.configuration(string(t.acct), f, cfg))
	return nil
}

func notFoundAs(err error, fnARN string) error {
	if errkind.Is(err, errkind.NotFound) {
		return errkind.Wrap(errkind.NotFound, "Function not found: "+fnARN, err)
	}
	return err
}

// updateLatest applies change to $LATEST in one transaction — after the
// RevisionId guard and the state checks — marks the update in progress,
// and starts its preparation.
func (a *API) updateLatest(c *call, t target, revision string, change func(*function.Config)) (*store.Function, *function.Config, error) {
	f, err := a.cfg.Functions.UpdateFunction(c.r.Context(), t.acct, t.name, store.LatestVersion, func(f *store.Function) error {
		cfg, err := function.Decode(f.Config)
		if err != nil {
			return err
		}
		if err := checkRevision(revision, f.RevisionID); err != nil {
			return err
		}
		if err := checkUpdatable(cfg, t.arn); err != nil {
			return err
		}
		change(cfg)
		a.beginUpdate(f, cfg)
		return nil
	})
	a.cache.forget(t.acct, t.name)
	if err != nil {
		return nil, nil, notFoundAs(err, t.arn)
	}
	a.startPrepare(t.acct, t.name, store.LatestVersion)
	cfg, err := function.Decode(f.Config)
	if err != nil {
		return nil, nil, err
	}
	return f, cfg, nil
}
