package iamapi

import (
	"lambent/internal/authz"
	"lambent/internal/awsquery"
	"lambent/internal/errkind"
	"lambent/internal/iam"
)

type userResult struct {
	User userXML `xml:"User"`
}

func createUser(a *API, c *call) (any, error) {
	name, err := c.one("UserName")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, c.entityARN("user", c.q.Get("Path"), name)); err != nil {
		return nil, err
	}
	u, err := a.cfg.IAM.CreateUser(c.ctx, c.acct(), name, c.q.Get("Path"), c.tags(), c.q.Get("PermissionsBoundary"))
	if err != nil {
		return nil, err
	}
	return userResult{User: user(u, true)}, nil
}

// getUser without UserName describes the caller: an IAM user itself, or
// the account's root user.
func getUser(a *API, c *call) (any, error) {
	name, given := c.q.Lookup("UserName")
	if !given {
		switch {
		case c.p.IsRoot:
			if err := a.authorize(c, c.p.ARN); err != nil {
				return nil, err
			}
			return userResult{User: userXML{UserID: c.acct().String(), Arn: c.p.ARN}}, nil
		case c.p.Type != authz.TypeUser:
			return nil, errkind.WithDetail(errkind.Validation, "ValidationError",
				"Must specify userName when calling with non-User credentials")
		}
		name = c.p.Name
	}
	if err := a.authorizeEntity(c, iam.KindUser, name); err != nil {
		return nil, err
	}
	u, err := a.cfg.IAM.GetUser(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	return userResult{User: user(u, true)}, nil
}

type listUsersResult struct {
	Users       awsquery.List[userXML] `xml:"Users"`
	IsTruncated bool                   `xml:"IsTruncated"`
	Marker      string                 `xml:"Marker,omitempty"`
}

func listUsers(a *API, c *call) (any, error) {
	o, err := c.listOptions()
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	p, err := a.cfg.IAM.ListUsers(c.ctx, c.acct(), o)
	if err != nil {
		return nil, err
	}
	out := listUsersResult{IsTruncated: p.IsTruncated, Marker: marker(p.IsTruncated, p.Marker)}
	out.Users.Member = make([]userXML, len(p.Items))
	for i, u := range p.Items {
		out.Users.Member[i] = user(u, false)
	}
	return out, nil
}

func deleteUser(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindUser)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.DeleteUser(c.ctx, c.acct(), name)
}

func tagUser(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindUser)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.TagUser(c.ctx, c.acct(), name, c.tags())
}

func untagUser(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindUser)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.UntagUser(c.ctx, c.acct(), name, c.q.List("TagKeys"))
}

type listTagsResult struct {
	Tags        awsquery.List[tagXML] `xml:"Tags"`
	IsTruncated bool                  `xml:"IsTruncated"`
}

func tagList(tags []iam.Tag) listTagsResult {
	out := listTagsResult{}
	out.Tags.Member = make([]tagXML, len(tags))
	for i, t := range tags {
		out.Tags.Member[i] = tagXML(t)
	}
	return out
}

func listUserTags(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindUser)
	if err != nil {
		return nil, err
	}
	u, err := a.cfg.IAM.GetUser(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	return tagList(u.Tags), nil
}
