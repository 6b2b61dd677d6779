package iamapi

import (
	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

type roleResult struct {
	Role roleXML `xml:"Role"`
}

func createRole(a *API, c *call) (any, error) {
	v, err := c.required("RoleName", "AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	maxDur, err := c.integer("MaxSessionDuration")
	if err != nil {
		return nil, err
	}
	in := iam.CreateRoleInput{Name: v[0], Path: c.q.Get("Path"), AssumeRolePolicyDocument: v[1],
		Description: c.q.Get("Description"), MaxSessionDuration: maxDur, Tags: c.tags(),
		PermissionsBoundary: c.q.Get("PermissionsBoundary")}
	if err := a.authorize(c, c.entityARN("role", in.Path, in.Name)); err != nil {
		return nil, err
	}
	r, err := a.cfg.IAM.CreateRole(c.ctx, c.acct(), in)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: role(r, roleCreated)}, nil
}

func getRole(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindRole)
	if err != nil {
		return nil, err
	}
	r, err := a.cfg.IAM.GetRole(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	return roleResult{Role: role(r, roleGot)}, nil
}

type listRolesResult struct {
	Roles       awsquery.List[roleXML] `xml:"Roles"`
	IsTruncated bool                   `xml:"IsTruncated"`
	Marker      string                 `xml:"Marker,omitempty"`
}

func listRoles(a *API, c *call) (any, error) {
	o, err := c.listOptions()
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	p, err := a.cfg.IAM.ListRoles(c.ctx, c.acct(), o)
	if err != nil {
		return nil, err
	}
	out := listRolesResult{IsTruncated: p.IsTruncated, Marker: marker(p.IsTruncated, p.Marker)}
	out.Roles.Member = make([]roleXML, len(p.Items))
	for i, r := range p.Items {
		out.Roles.Member[i] = role(r, roleListed)
	}
	return out, nil
}

func deleteRole(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindRole)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.DeleteRole(c.ctx, c.acct(), name)
}

func updateAssumeRolePolicy(a *API, c *call) (any, error) {
	v, err := c.required("RoleName", "PolicyDocument")
	if err != nil {
		return nil, err
	}
	if err := a.authorizeEntity(c, iam.KindRole, v[0]); err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.UpdateAssumeRolePolicy(c.ctx, c.acct(), v[0], v[1])
}

// updateRole changes the description (when given, even empty) and the
// maximum session duration (when given). Its output is an empty
// UpdateRoleResult.
func updateRole(a *API, c *call) (any, error) {
	name, err := c.one("RoleName")
	if err != nil {
		return nil, err
	}
	maxDur, err := c.integer("MaxSessionDuration")
	if err != nil {
		return nil, err
	}
	var desc *string
	if d, ok := c.q.Lookup("Description"); ok {
		desc = &d
	}
	if err := a.authorizeEntity(c, iam.KindRole, name); err != nil {
		return nil, err
	}
	if err := a.cfg.IAM.UpdateRole(c.ctx, c.acct(), name, desc, maxDur); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func tagRole(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindRole)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.TagRole(c.ctx, c.acct(), name, c.tags())
}

func untagRole(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindRole)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.UntagRole(c.ctx, c.acct(), name, c.q.List("TagKeys"))
}

func listRoleTags(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindRole)
	if err != nil {
		return nil, err
	}
	r, err := a.cfg.IAM.GetRole(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	return tagList(r.Tags), nil
}
