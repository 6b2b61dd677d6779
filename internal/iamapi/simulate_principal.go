package iamapi

import (
	"fmt"
	"strings"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/iam"
	"lambent/internal/policy"
)

// simulatePrincipalPolicy evaluates the policies of a user (with its
// groups'), group or role, plus any PolicyInputList. It gathers the
// policies itself rather than through iam.Service.PrincipalPolicies:
// the response names each matched policy and locates the statement in
// its text, which the compiled PolicySet does not keep, and groups are
// valid sources.
func simulatePrincipalPolicy(a *API, c *call) (any, error) {
	src, err := c.one("PolicySourceArn")
	if err != nil {
		return nil, err
	}
	kind, name, err := c.sourceEntity(src)
	if err != nil {
		return nil, err
	}
	var s simulation
	if err := decodeCommon(c, &s); err != nil {
		return nil, err
	}
	if err := a.authorize(c, src); err != nil {
		return nil, err
	}
	g := gatherer{a: a, c: c, s: &s}
	if err := g.entity(kind, name); err != nil {
		return nil, err
	}
	extra, err := inputList(c, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	s.identity = append(s.identity, extra...)
	if caller, ok := c.q.Lookup("CallerArn"); ok {
		s.principal = callerPrincipal(caller, c.acct().String())
	}
	s.orgDetail = true // no SCPs apply in Lambent: always allowed, as AWS reports outside an organisation [rec]
	return paginate(c, s.run())
}

// sourceEntity splits PolicySourceArn into the kind and name of an entity
// of the caller's account.
func (c *call) sourceEntity(src string) (iam.EntityKind, string, error) {
	a, err := arn.Parse(src)
	if err != nil || a.Service != "iam" {
		return "", "", invalidInput("Invalid PolicySourceArn: %s", src)
	}
	typ, rest, _ := strings.Cut(a.Resource, "/")
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	kind := iam.EntityKind(typ)
	if kind != iam.KindUser && kind != iam.KindRole && kind != iam.KindGroup || name == "" {
		return "", "", invalidInput("Invalid PolicySourceArn: %s", src)
	}
	if a.Account != c.acct().String() {
		return "", "", errNoEntity(kind, name)
	}
	return kind, name, nil
}

func errNoEntity(kind iam.EntityKind, name string) error {
	return invalidNoSuchEntity(fmt.Sprintf("The %s with name %s cannot be found.", kind, name))
}

// gatherer collects an entity's policies into a simulation.
type gatherer struct {
	a *API
	c *call
	s *simulation
}

func (g *gatherer) entity(kind iam.EntityKind, name string) error {
	acct := g.c.acct()
	p := policy.Principal{Account: acct.String()}
	var tags []iam.Tag
	boundary := ""
	switch kind {
	case iam.KindUser:
		u, err := g.a.cfg.IAM.GetUser(g.c.ctx, acct, name)
		if err != nil {
			return err
		}
		p.Type, p.ARN, p.UniqueID, tags, boundary = policy.User, u.ARN, u.UserID, u.Tags, u.PermissionsBoundary
		if err := g.userGroups(name); err != nil {
			return err
		}
	case iam.KindRole:
		r, err := g.a.cfg.IAM.GetRole(g.c.ctx, acct, name)
		if err != nil {
			return err
		}
		p.Type, p.ARN, p.RoleARN, p.UniqueID, tags, boundary = policy.AssumedRole, r.ARN, r.ARN, r.RoleID, r.Tags, r.PermissionsBoundary
	default:
		if _, _, err := g.a.cfg.IAM.GetGroup(g.c.ctx, acct, name); err != nil {
			return err
		}
		p.Type = policy.User
	}
	g.s.principal = p
	g.principalTags(tags)
	if err := g.holder(kind, name); err != nil {
		return err
	}
	return g.boundary(boundary)
}

// userGroups adds the policies of every group the user belongs to.
func (g *gatherer) userGroups(user string) error {
	gs, err := g.a.cfg.IAM.ListGroupsForUser(g.c.ctx, g.c.acct(), user)
	if err != nil {
		return err
	}
	for _, grp := range gs {
		if err := g.holder(iam.KindGroup, grp.Name); err != nil {
			return err
		}
	}
	return nil
}

// principalTags fills aws:PrincipalTag/<key> unless the caller gave it.
func (g *gatherer) principalTags(tags []iam.Tag) {
	for _, t := range tags {
		k := "aws:principaltag/" + strings.ToLower(t.Key)
		if _, ok := g.s.context[k]; !ok {
			g.s.context[k] = []string{t.Value}
		}
	}
}

// holder adds the inline and attached policies of one entity.
func (g *gatherer) holder(kind iam.EntityKind, name string) error {
	ctx, acct, svc := g.c.ctx, g.c.acct(), g.a.cfg.IAM
	for marker := ""; ; {
		page, err := svc.ListInlinePolicies(ctx, acct, kind, name, iam.ListOptions{Marker: marker, MaxItems: 1000})
		if err != nil {
			return err
		}
		for _, pn := range page.Items {
			doc, err := svc.GetInlinePolicy(ctx, acct, kind, name, pn)
			if err != nil {
				return err
			}
			if err := g.add(pn, doc); err != nil {
				return err
			}
		}
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	return g.attached(kind, name)
}

func (g *gatherer) attached(kind iam.EntityKind, name string) error {
	for marker := ""; ; {
		page, err := g.a.cfg.IAM.ListAttachedPolicies(g.c.ctx, g.c.acct(), kind, name, iam.ListOptions{Marker: marker, MaxItems: 1000})
		if err != nil {
			return err
		}
		for _, ap := range page.Items {
			doc, err := g.managedText(ap.PolicyARN)
			if err != nil {
				return err
			}
			if err := g.add(ap.PolicyName, doc); err != nil {
				return err
			}
		}
		if !page.IsTruncated {
			return nil
		}
		marker = page.Marker
	}
}

// managedText is the default version's document of a managed policy.
func (g *gatherer) managedText(policyARN string) (string, error) {
	mp, err := g.a.cfg.IAM.GetPolicy(g.c.ctx, g.c.acct(), policyARN)
	if err != nil {
		return "", err
	}
	v, err := g.a.cfg.IAM.GetPolicyVersion(g.c.ctx, g.c.acct(), policyARN, mp.DefaultVersionID)
	if err != nil {
		return "", err
	}
	return v.Document, nil
}

func (g *gatherer) add(name, doc string) error {
	src, err := parseSource(name, typeIAM, doc, policy.Identity)
	if err != nil {
		return errkind.Wrap(errkind.Internal, "stored policy", fmt.Errorf("parse stored policy %s: %w", name, err))
	}
	g.s.identity = append(g.s.identity, src)
	return nil
}

func (g *gatherer) boundary(policyARN string) error {
	if policyARN == "" {
		return nil
	}
	doc, err := g.managedText(policyARN)
	if err != nil {
		return err
	}
	src, err := parseSource(policyARN[strings.LastIndexByte(policyARN, '/')+1:], typeBoundary, doc, policy.Identity)
	if err != nil {
		return errkind.Wrap(errkind.Internal, "stored policy", fmt.Errorf("parse stored boundary %s: %w", policyARN, err))
	}
	g.s.boundary = &src
	return nil
}
