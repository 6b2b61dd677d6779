package enforce

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/gencache"
	"lambent/internal/iam"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// identities resolves the identity side of a principal; *iam.Service
// implements it.
type identities interface {
	PrincipalPolicies(ctx context.Context, acct account.ID, kind iam.EntityKind, name string) (*iam.PolicySet, error)
	ManagedPolicyDocument(ctx context.Context, acct account.ID, arn string) (*policy.Policy, error)
}

// resourcePolicies reads stored resource policies; store.IAM implements it.
type resourcePolicies interface {
	GetIAMEntity(ctx context.Context, acct account.ID, kind, key string) (*store.IAMEntity, error)
	IAMGeneration() uint64
}

// organizations tells which organization an account belongs to;
// *orgs.Service implements it.
type organizations interface {
	OrganizationOf(ctx context.Context, acct account.ID) (string, error)
}

// Config wires an Authorizer.
type Config struct {
	Identities identities
	Resources  resourcePolicies
	Clock      clock.Clock
	// Organizations, when set, fills aws:PrincipalOrgID.
	Organizations organizations
}

// Authorizer decides requests with the policy engine.
type Authorizer struct {
	ids       identities
	resources resourcePolicies
	clock     clock.Clock
	orgs      organizations
	parsed    gencache.Cache[parseKey, *policy.Policy] // resource and session policy documents
	// functions caches function policies (nil for none) by the store's
	// IAM generation, so AddPermission and RemovePermission apply to the
	// next request.
	functions gencache.Cache[resourceKey, *policy.Policy]
}

var _ authz.Authorizer = (*Authorizer)(nil)

// New returns an Authorizer.
func New(cfg Config) (*Authorizer, error) {
	if cfg.Identities == nil || cfg.Resources == nil || cfg.Clock == nil {
		return nil, errors.New("enforce: missing dependency")
	}
	return &Authorizer{ids: cfg.Identities, resources: cfg.Resources, clock: cfg.Clock, orgs: cfg.Organizations}, nil
}

// Authorize implements authz.Authorizer.
func (a *Authorizer) Authorize(ctx context.Context, r authz.Request) error {
	p := r.Principal
	if p == nil {
		return authz.Denied(r)
	}
	if p.IsRoot && p.Session == nil && p.Account == r.ResourceAccount {
		return nil
	}
	req, ps, err := a.Prepare(ctx, r)
	if err != nil {
		return err
	}
	if err := a.loadResourcePolicy(ctx, r, ps); err != nil {
		return err
	}
	return policy.Evaluate(req, ps).Err(req)
}

// Prepare builds the engine's request and the caller's policies for r
// without a resource policy; callers that bring their own (AssumeRole's
// trust policy) evaluate themselves. A caller whose identity no longer
// exists (a deleted user or role) is denied.
func (a *Authorizer) Prepare(ctx context.Context, r authz.Request) (*policy.Request, *policy.Policies, error) {
	p := r.Principal
	if p == nil {
		return nil, nil, authz.Denied(r)
	}
	req := &policy.Request{Principal: enginePrincipal(p), Action: r.Action, Resource: r.Resource}
	ps := &policy.Policies{ResourceAccount: string(r.ResourceAccount)}
	var tags map[string]string
	if !p.IsRoot {
		set, err := a.identity(ctx, p)
		if err != nil {
			if errkind.Is(err, errkind.NotFound) {
				return nil, nil, authz.Denied(r)
			}
			return nil, nil, fmt.Errorf("resolve %s: %w", p.ARN, err)
		}
		ps.Identity, ps.Boundary, tags = set.Identity, set.Boundary, set.Tags
		if p.Session != nil && p.Type == authz.TypeAssumedRole {
			if ps.Session, err = a.sessionPolicies(ctx, p); err != nil {
				return nil, nil, err
			}
		}
	}
	req.Context = a.context(ctx, r, tags)
	if org := a.organizationOf(ctx, p.Account); org != "" {
		req.Context["aws:principalorgid"] = []string{org}
	}
	return req, ps, nil
}

// organizationOf returns an account's organization ("" for none).
func (a *Authorizer) organizationOf(ctx context.Context, acct account.ID) string {
	if a.orgs == nil {
		return ""
	}
	org, err := a.orgs.OrganizationOf(ctx, acct)
	if err != nil {
		return "" // the key is absent; conditions on it fail closed
	}
	return org
}

func (a *Authorizer) identity(ctx context.Context, p *authz.Principal) (*iam.PolicySet, error) {
	switch p.Type {
	case authz.TypeUser:
		return a.ids.PrincipalPolicies(ctx, p.Account, iam.KindUser, p.Name)
	case authz.TypeAssumedRole:
		return a.ids.PrincipalPolicies(ctx, p.Account, iam.KindRole, p.Name)
	}
	return nil, errkind.New(errkind.NotFound, "unknown principal type")
}

// sessionPolicies compiles a session's inline and managed session policies.
// A session created with policies that no longer parse or exist is denied
// everything (fail closed): the session slot then holds an empty policy.
func (a *Authorizer) sessionPolicies(ctx context.Context, p *authz.Principal) ([]*policy.Policy, error) {
	s := p.Session
	if s.Policy == "" && len(s.PolicyARNs) == 0 {
		return nil, nil
	}
	out := make([]*policy.Policy, 0, 1+len(s.PolicyARNs))
	if s.Policy != "" {
		pol, err := a.parse(s.Policy, policy.Session)
		if err != nil {
			return []*policy.Policy{denyAll}, nil
		}
		out = append(out, pol)
	}
	for _, arn := range s.PolicyARNs {
		pol, err := a.ids.ManagedPolicyDocument(ctx, p.Account, arn)
		if err != nil {
			if errkind.Is(err, errkind.NotFound) {
				continue // a deleted managed session policy grants nothing
			}
			return nil, fmt.Errorf("session policy %s: %w", arn, err)
		}
		out = append(out, pol)
	}
	if len(out) == 0 {
		return []*policy.Policy{denyAll}, nil
	}
	return out, nil
}

// denyAll is a session policy that allows nothing.
var denyAll = mustParse(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`, policy.Session)

func mustParse(doc string, k policy.Kind) *policy.Policy {
	p, err := policy.Parse([]byte(doc), k)
	if err != nil {
		panic(err)
	}
	return p
}

// loadResourcePolicy puts the target's resource policy into ps: today the
// Lambda function policy of the version or function r.Resource names.
func (a *Authorizer) loadResourcePolicy(ctx context.Context, r authz.Request, ps *policy.Policies) error {
	name, qualifier, ok := functionOf(r.Resource)
	if !ok || !r.ResourceAccount.Valid() {
		return nil
	}
	k := resourceKey{r.ResourceAccount, store.FunctionPolicyKey(name, qualifier)}
	// The generation is read before the store: a write during the read
	// makes the entry stale.
	pol, err := a.functions.GetOr(k, a.resources.IAMGeneration(), func() (*policy.Policy, error) {
		return a.readFunctionPolicy(ctx, k)
	})
	ps.Resource = pol
	return err
}

// readFunctionPolicy reads and compiles a function policy; nil when the
// function has none.
func (a *Authorizer) readFunctionPolicy(ctx context.Context, k resourceKey) (*policy.Policy, error) {
	e, err := a.resources.GetIAMEntity(ctx, k.acct, store.KindFunctionPolicy, k.key)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("read function policy: %w", err)
	}
	pol, err := a.parse(string(e.Doc), policy.Resource)
	if err != nil {
		return nil, fmt.Errorf("stored function policy does not parse: %w", err)
	}
	return pol, nil
}

type resourceKey struct {
	acct account.ID
	key  string
}

// functionOf splits arn:aws:lambda:REGION:ACCT:function:NAME[:QUALIFIER].
func functionOf(resource string) (name, qualifier string, ok bool) {
	parts := strings.SplitN(resource, ":", 8)
	if len(parts) < 7 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
		return "", "", false
	}
	if len(parts) == 8 {
		qualifier = parts[7]
	}
	return parts[6], qualifier, true
}

// enginePrincipal translates an authenticated principal.
func enginePrincipal(p *authz.Principal) policy.Principal {
	ep := policy.Principal{ARN: p.ARN, Account: string(p.Account)}
	switch {
	case p.IsRoot:
		ep.Type = policy.Root
	case p.Type == authz.TypeAssumedRole:
		ep.Type = policy.AssumedRole
		if p.Session != nil {
			ep.RoleARN, ep.UniqueID = p.Session.RoleARN, p.Session.RoleID
		}
	default:
		ep.Type = policy.User
		ep.UniqueID = p.UserID
	}
	return ep
}

// context merges the handler's keys with the global keys of §4.1. Keys are
// lower-cased, which lets the engine use the map as is.
func (a *Authorizer) context(ctx context.Context, r authz.Request, tags map[string]string) map[string][]string {
	p := r.Principal
	m := make(map[string][]string, len(r.Context)+12+len(tags))
	for k, v := range r.Context {
		m[strings.ToLower(k)] = v
	}
	now := a.clock.Now()
	ri, ok := authz.RequestInfoFrom(ctx)
	if ok {
		if !ri.Time.IsZero() {
			now = ri.Time
		}
		if ri.SourceIP != "" {
			m["aws:sourceip"] = []string{ri.SourceIP}
		}
		m["aws:securetransport"] = []string{strconv.FormatBool(ri.SecureTransport)}
		if ri.Region != "" {
			m["aws:requestedregion"] = []string{ri.Region}
		}
	}
	m["aws:currenttime"] = []string{now.UTC().Format(time.RFC3339)}
	m["aws:epochtime"] = []string{strconv.FormatInt(now.Unix(), 10)}
	m["aws:principalarn"] = []string{principalARN(p)}
	m["aws:principalaccount"] = []string{string(p.Account)}
	m["aws:principaltype"] = []string{principalType(p)}
	m["aws:userid"] = []string{p.UserID}
	if p.Type == authz.TypeUser {
		m["aws:username"] = []string{p.Name}
	}
	for k, v := range tags {
		m["aws:principaltag/"+strings.ToLower(k)] = []string{v}
	}
	if s := p.Session; s != nil {
		for k, v := range s.Tags {
			m["aws:principaltag/"+strings.ToLower(k)] = []string{v}
		}
		m["aws:tokenissuetime"] = []string{s.Issued.UTC().Format(time.RFC3339)}
		if s.SourceIdentity != "" {
			m["aws:sourceidentity"] = []string{s.SourceIdentity}
		}
		if s.SourceFunctionARN != "" {
			m["lambda:sourcefunctionarn"] = []string{s.SourceFunctionARN}
		}
		m["aws:multifactorauthpresent"] = []string{"false"}
	}
	return m
}

// principalARN is aws:PrincipalArn: for a role session, the role's ARN.
func principalARN(p *authz.Principal) string {
	if p.Type == authz.TypeAssumedRole && p.Session != nil && p.Session.RoleARN != "" {
		return p.Session.RoleARN
	}
	return p.ARN
}

func principalType(p *authz.Principal) string {
	if p.IsRoot {
		return authz.TypeAccount
	}
	return p.Type
}

// parseKey names a compiled resource or session policy document.
type parseKey struct {
	doc  string
	kind policy.Kind
}

// parse compiles a document once; documents are immutable, so entries
// live at generation 0 until the cache starts over.
func (a *Authorizer) parse(doc string, kind policy.Kind) (*policy.Policy, error) {
	return a.parsed.GetOr(parseKey{doc, kind}, 0, func() (*policy.Policy, error) {
		return policy.Parse([]byte(doc), kind)
	})
}
