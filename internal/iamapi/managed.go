package iamapi

import (
	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

type policyResult struct {
	Policy policyXML `xml:"Policy"`
}

func createPolicy(a *API, c *call) (any, error) {
	v, err := c.required("PolicyName", "PolicyDocument")
	if err != nil {
		return nil, err
	}
	in := iam.CreatePolicyInput{Name: v[0], Path: c.q.Get("Path"), Document: v[1],
		Description: c.q.Get("Description"), Tags: c.tags()}
	if err := a.authorize(c, c.entityARN("policy", in.Path, in.Name)); err != nil {
		return nil, err
	}
	p, err := a.cfg.IAM.CreatePolicy(c.ctx, c.acct(), in)
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: managedPolicy(p, true)}, nil
}

// policyARN reads PolicyArn and authorises the call on it.
func (a *API) policyARN(c *call, more ...string) ([]string, error) {
	v, err := c.required(append([]string{"PolicyArn"}, more...)...)
	if err != nil {
		return nil, err
	}
	return v, a.authorize(c, v[0])
}

func getPolicy(a *API, c *call) (any, error) {
	v, err := a.policyARN(c)
	if err != nil {
		return nil, err
	}
	p, err := a.cfg.IAM.GetPolicy(c.ctx, c.acct(), v[0])
	if err != nil {
		return nil, err
	}
	return policyResult{Policy: managedPolicy(p, true)}, nil
}

type listPoliciesResult struct {
	Policies    awsquery.List[policyXML] `xml:"Policies"`
	IsTruncated bool                     `xml:"IsTruncated"`
	Marker      string                   `xml:"Marker,omitempty"`
}

func listPolicies(a *API, c *call) (any, error) {
	lo, err := c.listOptions()
	if err != nil {
		return nil, err
	}
	attached, err := c.boolean("OnlyAttached")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	p, err := a.cfg.IAM.ListPolicies(c.ctx, c.acct(),
		iam.ListPoliciesOptions{Scope: c.q.Get("Scope"), OnlyAttached: attached, ListOptions: lo})
	if err != nil {
		return nil, err
	}
	out := listPoliciesResult{IsTruncated: p.IsTruncated, Marker: marker(p.IsTruncated, p.Marker)}
	out.Policies.Member = make([]policyXML, len(p.Items))
	for i, mp := range p.Items {
		out.Policies.Member[i] = managedPolicy(mp, false)
	}
	return out, nil
}

func deletePolicy(a *API, c *call) (any, error) {
	v, err := a.policyARN(c)
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.DeletePolicy(c.ctx, c.acct(), v[0])
}

type policyVersionResult struct {
	PolicyVersion policyVersionXML `xml:"PolicyVersion"`
}

func createPolicyVersion(a *API, c *call) (any, error) {
	v, err := c.required("PolicyArn", "PolicyDocument")
	if err != nil {
		return nil, err
	}
	def, err := c.boolean("SetAsDefault")
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, v[0]); err != nil {
		return nil, err
	}
	pv, err := a.cfg.IAM.CreatePolicyVersion(c.ctx, c.acct(), v[0], v[1], def)
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: policyVersion(pv, false)}, nil
}

func getPolicyVersion(a *API, c *call) (any, error) {
	v, err := a.policyARN(c, "VersionId")
	if err != nil {
		return nil, err
	}
	pv, err := a.cfg.IAM.GetPolicyVersion(c.ctx, c.acct(), v[0], v[1])
	if err != nil {
		return nil, err
	}
	return policyVersionResult{PolicyVersion: policyVersion(pv, true)}, nil
}

type listPolicyVersionsResult struct {
	Versions    awsquery.List[policyVersionXML] `xml:"Versions"`
	IsTruncated bool                            `xml:"IsTruncated"`
}

func listPolicyVersions(a *API, c *call) (any, error) {
	v, err := a.policyARN(c)
	if err != nil {
		return nil, err
	}
	vs, err := a.cfg.IAM.ListPolicyVersions(c.ctx, c.acct(), v[0])
	if err != nil {
		return nil, err
	}
	var out listPolicyVersionsResult
	out.Versions.Member = make([]policyVersionXML, len(vs))
	for i, pv := range vs {
		out.Versions.Member[i] = policyVersion(pv, false)
	}
	return out, nil
}

func deletePolicyVersion(a *API, c *call) (any, error) {
	v, err := a.policyARN(c, "VersionId")
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.DeletePolicyVersion(c.ctx, c.acct(), v[0], v[1])
}

func setDefaultPolicyVersion(a *API, c *call) (any, error) {
	v, err := a.policyARN(c, "VersionId")
	if err != nil {
		return nil, err
	}
	return nil, a.cfg.IAM.SetDefaultPolicyVersion(c.ctx, c.acct(), v[0], v[1])
}

type policyUserXML struct {
	UserName string `xml:"UserName"`
	UserId   string `xml:"UserId"`
}

type policyRoleXML struct {
	RoleName string `xml:"RoleName"`
	RoleId   string `xml:"RoleId"`
}

type policyGroupXML struct {
	GroupName string `xml:"GroupName"`
	GroupId   string `xml:"GroupId"`
}

type listEntitiesForPolicyResult struct {
	PolicyGroups awsquery.List[policyGroupXML] `xml:"PolicyGroups"`
	PolicyUsers  awsquery.List[policyUserXML]  `xml:"PolicyUsers"`
	PolicyRoles  awsquery.List[policyRoleXML]  `xml:"PolicyRoles"`
	IsTruncated  bool                          `xml:"IsTruncated"`
}

// listEntitiesForPolicy answers in one page: an account's holders of one
// policy are few.
func listEntitiesForPolicy(a *API, c *call) (any, error) {
	v, err := a.policyARN(c)
	if err != nil {
		return nil, err
	}
	es, err := a.cfg.IAM.ListEntitiesForPolicy(c.ctx, c.acct(), v[0])
	if err != nil {
		return nil, err
	}
	var out listEntitiesForPolicyResult
	for _, u := range es.Users {
		out.PolicyUsers.Member = append(out.PolicyUsers.Member, policyUserXML{u.Name, u.ID})
	}
	for _, r := range es.Roles {
		out.PolicyRoles.Member = append(out.PolicyRoles.Member, policyRoleXML{r.Name, r.ID})
	}
	for _, g := range es.Groups {
		out.PolicyGroups.Member = append(out.PolicyGroups.Member, policyGroupXML{g.Name, g.ID})
	}
	return out, nil
}
