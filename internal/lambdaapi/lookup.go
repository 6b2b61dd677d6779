package lambdaapi

import (
	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

// target is a resolved {FunctionName}[?Qualifier] of a call.
type target struct {
	acct      account.ID // the account that owns the function
	name      string
	qualifier string // "" when none was given
	arn       string // unqualified function ARN
}

// resolve parses the call's function label and qualifier.
func (a *API) resolve(c *call, namespaced bool) (target, error) {
	ref, err := parseFunctionName(c.route.function, a.cfg.Region, namespaced)
	if err != nil {
		return target{}, err
	}
	q, err := arn.ResolveQualifier(ref, c.r.URL.Query().Get("Qualifier"))
	if err != nil {
		return target{}, err
	}
	acct, err := a.owner(c, ref)
	if err != nil {
		return target{}, err
	}
	t := a.function(acct, ref.Name)
	t.qualifier = q
	return t, nil
}

// function is the unqualified target of function name in acct.
func (a *API) function(acct account.ID, name string) target {
	return target{acct: acct, name: name, arn: arn.FunctionARN(a.cfg.Region, string(acct), name)}
}

// unqualified is t without its qualifier: the function's $LATEST.
func (t target) unqualified() target {
	t.qualifier = ""
	return t
}

// version is the stored version a qualifier names ($LATEST when none).
func (t target) version() string {
	if t.qualifier == "" {
		return store.LatestVersion
	}
	return t.qualifier
}

// qualifiedARN is the ARN with the qualifier, if one was given.
func (t target) qualifiedARN() string {
	if t.qualifier == "" {
		return t.arn
	}
	return t.arn + ":" + t.qualifier
}

// load reads the version t names, with Lambda's not-found texts.
func (a *API) load(c *call, t target) (*store.Function, *function.Config, error) {
	f, err := a.cfg.Functions.GetFunction(c.r.Context(), t.acct, t.name, t.version())
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return nil, nil, errkind.Wrap(errkind.NotFound, "Function not found: "+t.qualifiedARN(), err)
		}
		return nil, nil, err
	}
	cfg, err := function.Decode(f.Config)
	if err != nil {
		return nil, nil, err
	}
	return f, cfg, nil
}

// checkRevision enforces an optional RevisionId guard.
func checkRevision(given, current string) error {
	if given != "" && given != current {
		return errkind.New(errkind.PreconditionFailed,
			"The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
	}
	return nil
}

// checkUpdatable refuses changes while the function is not Active or an
// update is still in progress.
func checkUpdatable(cfg *function.Config, fnARN string) error {
	if cfg.State != function.StateActive {
		return errkind.New(errkind.Conflict,
			"The operation cannot be performed at this time. The function is currently in the following state: "+cfg.State)
	}
	if cfg.LastUpdateStatus == function.UpdateInProgress {
		return errkind.New(errkind.Conflict,
			"The operation cannot be performed at this time. An update is in progress for resource: "+fnARN)
	}
	return nil
}

// begin is the common start of a function handler: decode the body into in
// (unless in is nil), resolve the function label and qualifier, and
// authorise action on the function (qualified when the call names a
// qualifier).
func (a *API) begin(c *call, in any, action string, namespaced bool) (target, error) {
	if in != nil {
		if err := decode(c.body, in); err != nil {
			return target{}, err
		}
	}
	t, err := a.resolve(c, namespaced)
	if err != nil {
		return target{}, err
	}
	return t, a.authorizeOn(c, t, action, nil)
}
