package iamapi

import (
	"lambent/internal/errkind"
	"lambent/internal/iam"
)

// entityARN formats arn:aws:iam::ACCT:<typ><path><name>; path "" is "/".
func (c *call) entityARN(typ, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + c.acct().String() + ":" + typ + path + name
}

// resolve returns the ARN to authorise an operation on the named user,
// role or group against: the entity's own ARN, with its path, when it
// exists, and the path-less ARN otherwise, so that a caller without
// permission gets AccessDenied whether or not the entity exists.
func (a *API) resolve(c *call, kind iam.EntityKind, name string) (string, error) {
	var arn string
	var err error
	switch kind {
	case iam.KindUser:
		var u *iam.User
		if u, err = a.cfg.IAM.GetUser(c.ctx, c.acct(), name); err == nil {
			arn = u.ARN
		}
	case iam.KindRole:
		var r *iam.Role
		if r, err = a.cfg.IAM.GetRole(c.ctx, c.acct(), name); err == nil {
			arn = r.ARN
		}
	default:
		var g *iam.Group
		if g, _, err = a.cfg.IAM.GetGroup(c.ctx, c.acct(), name); err == nil {
			arn = g.ARN
		}
	}
	if err != nil && errkind.KindOf(err) == errkind.Internal {
		return "", err
	}
	if arn == "" {
		arn = c.entityARN(string(kind), "/", name)
	}
	return arn, nil
}

// authorizeEntity authorises the call on the named entity.
func (a *API) authorizeEntity(c *call, kind iam.EntityKind, name string) error {
	arn, err := a.resolve(c, kind, name)
	if err != nil {
		return err
	}
	return a.authorize(c, arn)
}
