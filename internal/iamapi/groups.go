package iamapi

import (
	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

type createGroupResult struct {
	Group groupXML `xml:"Group"`
}

func createGroup(a *API, c *call) (any, error) {
	name, err := c.one("GroupName")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, c.entityARN("group", c.q.Get("Path"), name)); err != nil {
		return nil, err
	}
	g, err := a.cfg.IAM.CreateGroup(c.ctx, c.acct(), name, c.q.Get("Path"))
	if err != nil {
		return nil, err
	}
	return createGroupResult{Group: group(g)}, nil
}

type getGroupResult struct {
	Group       groupXML               `xml:"Group"`
	Users       awsquery.List[userXML] `xml:"Users"`
	IsTruncated bool                   `xml:"IsTruncated"`
}

func getGroup(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindGroup)
	if err != nil {
		return nil, err
	}
	g, users, err := a.cfg.IAM.GetGroup(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	out := getGroupResult{Group: group(g)}
	out.Users.Member = make([]userXML, len(users))
	for i, u := range users {
		out.Users.Member[i] = user(u, false)
	}
	return out, nil
}

type listGroupsResult struct {
	Groups      awsquery.List[groupXML] `xml:"Groups"`
	IsTruncated bool                    `xml:"IsTruncated"`
	Marker      string                  `xml:"Marker,omitempty"`
}

func listGroups(a *API, c *call) (any, error) {
	o, err := c.listOptions()
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	p, err := a.cfg.IAM.ListGroups(c.ctx, c.acct(), o)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: groups(p.Items), IsTruncated: p.IsTruncated, Marker: marker(p.IsTruncated, p.Marker)}, nil
}

func deleteGroup(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindGroup)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.DeleteGroup(c.ctx, c.acct(), name)
}

// addUserToGroup and removeUserFromGroup act on the group's ARN, as AWS
// authorises them.
func addUserToGroup(a *API, c *call) (any, error) {
	v, err := c.required("GroupName", "UserName")
	if err != nil {
		return nil, err
	}
	if err := a.authorizeEntity(c, iam.KindGroup, v[0]); err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.AddUserToGroup(c.ctx, c.acct(), v[0], v[1])
}

func removeUserFromGroup(a *API, c *call) (any, error) {
	v, err := c.required("GroupName", "UserName")
	if err != nil {
		return nil, err
	}
	if err := a.authorizeEntity(c, iam.KindGroup, v[0]); err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.RemoveUserFromGroup(c.ctx, c.acct(), v[0], v[1])
}

func listGroupsForUser(a *API, c *call) (any, error) {
	name, err := a.namedEntity(c, iam.KindUser)
	if err != nil {
		return nil, err
	}
	gs, err := a.cfg.IAM.ListGroupsForUser(c.ctx, c.acct(), name)
	if err != nil {
		return nil, err
	}
	return listGroupsResult{Groups: groups(gs)}, nil
}
