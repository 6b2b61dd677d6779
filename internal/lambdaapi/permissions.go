package lambdaapi

import (
	"errors"
	"net/http"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// Function policies (iam.md §7): AddPermission, RemovePermission and
// GetPolicy. Each function version has its own policy, stored as an IAM
// entity of kind store.KindFunctionPolicy that the store deletes with the
// version; $LATEST's is the unqualified function's.

type addPermissionOutput struct {
	Statement string `json:"Statement"`
}

type getPolicyOutput struct {
	Policy     string `json:"Policy"`
	RevisionId string `json:"RevisionId"`
}

// permissionTarget validates the Qualifier query parameter together with
// the body's violations, then resolves the function.
func (a *API) permissionTarget(c *call, vs arn.Violations) (target, error) {
	vs = append(arn.CheckQualifier(c.r.URL.Query().Get("Qualifier")), vs...)
	if err := vs.Err(); err != nil {
		return target{}, err
	}
	return a.resolve(c, true)
}

func (a *API) addPermission(c *call) error {
	var in addPermissionInput
	if err := decode(c.body, &in); err != nil {
		return err
	}
	t, err := a.permissionTarget(c, in.check())
	if err != nil {
		return err
	}
	keys := map[string][]string{"lambda:Principal": {*in.Principal}}
	if in.FunctionUrlAuthType != "" {
		keys["lambda:FunctionUrlAuthType"] = []string{in.FunctionUrlAuthType}
	}
	if err := a.authorizeOn(c, t, "lambda:AddPermission", keys); err != nil {
		return err
	}
	if t.qualifier == store.LatestVersion {
		return errkind.New(errkind.InvalidArgument, "We currently do not support adding policies for $LATEST.")
	}
	f, err := a.policyFunction(c, t)
	if err != nil {
		return err
	}
	s, err := buildStatement(&in, t.qualifiedARN())
	if err != nil {
		return err
	}
	w := policyWrite{acct: t.acct, key: store.FunctionPolicyKey(t.name, t.qualifier), revision: in.RevisionId, now: a.cfg.Clock.Now()}
	if err := a.addStatement(c.r.Context(), w, s, f.RevisionID); err != nil {
		return err
	}
	if err := a.dropOrphanPolicy(c, t, w.key); err != nil {
		return err
	}
	b, err := marshal(s)
	if err != nil {
		return err
	}
	awswireJSON(c, http.StatusCreated, addPermissionOutput{Statement: string(b)})
	return nil
}

// policyFunction loads the function version a policy call names, with
// AddPermission's not-found texts: aliases do not exist yet.
func (a *API) policyFunction(c *call, t target) (*store.Function, error) {
	if q := t.qualifier; q != "" && !isVersionNumber(q) && aliasNameRE.MatchString(q) {
		return nil, errkind.New(errkind.NotFound, "Cannot find alias arn: "+t.qualifiedARN())
	}
	f, _, err := a.load(c, t)
	return f, err
}

// dropOrphanPolicy undoes a policy written for a version deleted
// meanwhile: the store deletes a version's policy with the version, but
// not one written after it.
func (a *API) dropOrphanPolicy(c *call, t target, key string) error {
	_, err := a.cfg.Functions.GetFunction(c.r.Context(), t.acct, t.name, t.version())
	if !errkind.Is(err, errkind.NotFound) {
		return err
	}
	if err := a.cfg.Policies.DeleteIAMEntity(c.r.Context(), t.acct, store.KindFunctionPolicy, key); err != nil &&
		!errkind.Is(err, errkind.NotFound) {
		return err
	}
	return errkind.Wrap(errkind.NotFound, "Function not found: "+t.qualifiedARN(), err)
}

func (a *API) removePermission(c *call) error {
	sid := c.route.statement
	t, err := a.permissionTarget(c, checkStatementID(sid))
	if err != nil {
		return err
	}
	key := store.FunctionPolicyKey(t.name, t.qualifier) // $LATEST's is the unqualified policy
	if err := a.authorizeOn(c, t, "lambda:RemovePermission", a.grantedKeys(c, t, key, sid)); err != nil {
		return err
	}
	w := policyWrite{acct: t.acct, key: key, revision: c.r.URL.Query().Get("RevisionId"), now: a.cfg.Clock.Now()}
	err = a.removeStatement(c.r.Context(), w, sid)
	if errors.Is(err, errNoPolicy) {
		return a.noPolicy(c, t, err)
	}
	if err != nil {
		return err
	}
	awswireJSON(c, http.StatusNoContent, nil)
	return nil
}

// grantedKeys are RemovePermission's condition keys: lambda:Principal and
// lambda:FunctionUrlAuthType of the statement being removed, when it
// exists.
func (a *API) grantedKeys(c *call, t target, key, sid string) map[string][]string {
	e, err := a.cfg.Policies.GetIAMEntity(c.r.Context(), t.acct, store.KindFunctionPolicy, key)
	if err != nil {
		return nil
	}
	d, err := decodePolicy(e.Doc)
	if err != nil {
		return nil
	}
	i := d.index(sid)
	if i < 0 {
		return nil
	}
	keys := map[string][]string{"lambda:Principal": {d.Statement[i].Principal.value()}}
	if u := d.Statement[i].urlAuthType(); u != "" {
		keys["lambda:FunctionUrlAuthType"] = []string{u}
	}
	return keys
}

// noPolicy is RemovePermission's answer when the version has no policy,
// worded by what is missing.
func (a *API) noPolicy(c *call, t target, cause error) error {
	q := t.qualifier
	if q != "" && !isVersionNumber(q) && q != store.LatestVersion && aliasNameRE.MatchString(q) {
		return errkind.Wrap(errkind.NotFound, "Cannot find alias arn: "+t.qualifiedARN(), cause)
	}
	if _, err := a.cfg.Functions.GetFunction(c.r.Context(), t.acct, t.name, t.version()); err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return errkind.Wrap(errkind.NotFound, "No policy found for: "+t.qualifiedARN(), err)
		}
		return err
	}
	return errkind.Wrap(errkind.NotFound, "No policy is associated with the given resource.", cause)
}

func (a *API) getPolicy(c *call) error {
	t, err := a.permissionTarget(c, nil)
	if err != nil {
		return err
	}
	if err := a.authorizeOn(c, t, "lambda:GetPolicy", nil); err != nil {
		return err
	}
	e, err := a.cfg.Policies.GetIAMEntity(c.r.Context(), t.acct, store.KindFunctionPolicy,
		store.FunctionPolicyKey(t.name, t.qualifier))
	if errkind.Is(err, errkind.NotFound) {
		return errkind.Wrap(errkind.NotFound, "The resource you requested does not exist.", err)
	}
	if err != nil {
		return err
	}
	awswireJSON(c, http.StatusOK, getPolicyOutput{Policy: string(e.Doc), RevisionId: policyRevision(e)})
	return nil
}
