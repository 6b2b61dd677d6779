package iamapi

import (
	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

// authorizeAttachment authorises an attach or detach on the holder, with
// the policy's ARN as iam:PolicyARN.
func (a *API) authorizeAttachment(c *call, k iam.EntityKind, holder, policyARN string) error {
	arn, err := a.resolve(c, k, holder)
	if err != nil {
		return err
	}
	return a.authorizeWith(c, arn, map[string][]string{"iam:PolicyARN": {policyARN}})
}

func attach(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		v, err := c.required(holderParam(k), "PolicyArn")
		if err != nil {
			return nil, err
		}
		if err := a.authorizeAttachment(c, k, v[0], v[1]); err != nil {
			return nil, err
		}
		return nil, a.cfg.IAM.AttachPolicy(c.ctx, c.acct(), k, v[0], v[1])
	}
}

func detach(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		v, err := c.required(holderParam(k), "PolicyArn")
		if err != nil {
			return nil, err
		}
		if err := a.authorizeAttachment(c, k, v[0], v[1]); err != nil {
			return nil, err
		}
		return nil, a.cfg.IAM.DetachPolicy(c.ctx, c.acct(), k, v[0], v[1])
	}
}

type attachedPolicyXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedResult struct {
	AttachedPolicies awsquery.List[attachedPolicyXML] `xml:"AttachedPolicies"`
	IsTruncated      bool                             `xml:"IsTruncated"`
	Marker           string                           `xml:"Marker,omitempty"`
}

func listAttached(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		name, o, err := a.beginHolderList(c, k)
		if err != nil {
			return nil, err
		}
		p, err := a.cfg.IAM.ListAttachedPolicies(c.ctx, c.acct(), k, name, o)
		if err != nil {
			return nil, err
		}
		out := listAttachedResult{IsTruncated: p.IsTruncated, Marker: marker(p.IsTruncated, p.Marker)}
		out.AttachedPolicies.Member = make([]attachedPolicyXML, len(p.Items))
		for i, ap := range p.Items {
			out.AttachedPolicies.Member[i] = attachedPolicyXML{PolicyName: ap.PolicyName, PolicyArn: ap.PolicyARN}
		}
		return out, nil
	}
}

// beginHolderList reads the holder and the paging parameters of a list of
// a user's, role's or group's policies and authorises the call.
func (a *API) beginHolderList(c *call, k iam.EntityKind) (string, iam.ListOptions, error) {
	name, err := c.one(holderParam(k))
	if err != nil {
		return "", iam.ListOptions{}, err
	}
	o, err := c.listOptions()
	if err != nil {
		return "", iam.ListOptions{}, err
	}
	return name, o, a.authorizeEntity(c, k, name)
}

// namedEntity reads the user, role or group a call names (UserName,
// RoleName or GroupName) and authorises the call on it.
func (a *API) namedEntity(c *call, k iam.EntityKind) (string, error) {
	name, err := c.one(holderParam(k))
	if err != nil {
		return "", err
	}
	return name, a.authorizeEntity(c, k, name)
}
