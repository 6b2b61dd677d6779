package lambdaapi

import (
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

type publishVersionInput struct {
	CodeSha256  string `json:"CodeSha256"`
	Description string `json:"Description"`
	RevisionId  string `json:"RevisionId"`
}

func (a *API) publishVersion(c *call) error {
	var in publishVersionInput
	t, err := a.begin(c, &in, "lambda:PublishVersion", false)
	if err != nil {
		return err
	}
	f, cfg, err := a.load(c, t.unqualified())
	if err != nil {
		return err
	}
	if err := checkRevision(in.RevisionId, f.RevisionID); err != nil {
		return err
	}
	if err := checkUpdatable(cfg, t.arn); err != nil {
		return err
	}
	if in.CodeSha256 != "" && in.CodeSha256 != cfg.CodeSha256 {
		return errkind.Newf(errkind.InvalidArgument,
			"CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.",
			in.CodeSha256, cfg.CodeSha256)
	}
	if v, ok := a.unchangedVersion(c, t, cfg); ok {
		vc, err := function.Decode(v.Config)
		if err != nil {
			return err
		}
		awswireJSON(c, http.StatusCreated, a.configuration(string(t.acct), v, vc))
		return nil
	}
	v, err := a.publish(c, t, in.Description)
	if err != nil {
		return notFoundAs(err, t.arn)
	}
	vc, err := function.Decode(v.Config)
	if err != nil {
		return err
	}
	awswireJSON(c, http.StatusCreated, a.configuration(string(t.acct), v, vc))
	return nil
}

// unchangedVersion finds the newest version when $LATEST has not changed
// since it was published: publishing again returns it.
func (a *API) unchangedVersion(c *call, t target, latest *function.Config) (*store.Function, bool) {
	versions, err := a.cfg.Functions.ListVersions(c.r.Context(), t.acct, t.name, "", 10000)
	if err != nil || len(versions) < 2 {
		return nil, false
	}
	newest := versions[len(versions)-1]
	cfg, err := function.Decode(newest.Config)
	if err != nil || cfg.Live == nil || latest.Live == nil {
		return nil, false
	}
	if cfg.CodeSha256 == latest.CodeSha256 && cfg.LastModified.Equal(latest.LastModified) {
		return newest, true
	}
	return nil, false
}

// publish publishes $LATEST of t as a new version, which gets a copy of
// $LATEST's function policy.
func (a *API) publish(c *call, t target, description string) (*store.Function, error) {
	v, err := a.cfg.Functions.PublishVersion(c.r.Context(), t.acct, t.name, stampVersion(a, description))
	a.cache.forget(t.acct, t.name)
	if err != nil {
		return nil, err
	}
	if err := a.copyPolicy(c.r.Context(), t, v.Version); err != nil {
		// The version is published; without its policy it grants less,
		// never more, so the call still succeeds.
		a.cfg.Logger.Warn("copy function policy to new version", "account", t.acct, "function", t.name,
			"version", v.Version, "err", err)
	}
	return v, nil
}

// stampVersion returns the PublishVersion mutation: the new version gets
// its own RevisionId and description, $LATEST a new RevisionId.
func stampVersion(a *API, description string) func(latest, version *store.Function) error {
	return func(latest, version *store.Function) error {
		cfg, err := function.Decode(version.Config)
		if err != nil {
			return err
		}
		if description != "" {
			cfg.Description = description
		}
		version.Config = cfg.Encode()
		now := a.cfg.Clock.Now()
		version.RevisionID, version.CreatedAt, version.UpdatedAt = newRevision(), now, now
		latest.RevisionID, latest.UpdatedAt = newRevision(), now
		return nil
	}
}

type listVersionsOutput struct {
	Versions   []functionConfiguration `json:"Versions"`
	NextMarker string                  `json:"NextMarker,omitempty"`
}

func (a *API) listVersions(c *call) error {
	t, err := a.begin(c, nil, "lambda:ListVersionsByFunction", false)
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	limit, err := maxItems(q.Get("MaxItems"), 10000)
	if err != nil {
		return err
	}
	after, err := decodeMarker(q.Get("Marker"))
	if err != nil {
		return err
	}
	page, err := a.cfg.Functions.ListVersions(c.r.Context(), t.acct, t.name, after, limit+1)
	if err != nil {
		return notFoundAs(err, t.arn)
	}
	if len(page) == 0 && after == "" {
		return errkind.New(errkind.NotFound, "Function not found: "+t.arn)
	}
	out := listVersionsOutput{Versions: []functionConfiguration{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextMarker = encodeMarker(page[len(page)-1].Version)
	}
	for _, v := range page {
		cfg, err := function.Decode(v.Config)
		if err != nil {
			return err
		}
		fc := listed(a.configuration(string(t.acct), v, cfg))
		if v.Version == store.LatestVersion {
			fc.FunctionArn = t.arn + ":" + store.LatestVersion
		}
		out.Versions = append(out.Versions, fc)
	}
	awswireJSON(c, http.StatusOK, out)
	return nil
}
