package iamapi

import (
	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func tagsXML(tags []iam.Tag) *awsquery.List[tagXML] {
	out := make([]tagXML, len(tags))
	for i, t := range tags {
		out[i] = tagXML(t)
	}
	return awsquery.OptionalList(out)
}

type boundaryXML struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

func boundary(arn string) *boundaryXML {
	if arn == "" {
		return nil
	}
	return &boundaryXML{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

type userXML struct {
	Path                string                 `xml:"Path,omitempty"`
	UserName            string                 `xml:"UserName,omitempty"`
	UserID              string                 `xml:"UserId"`
	Arn                 string                 `xml:"Arn"`
	CreateDate          string                 `xml:"CreateDate,omitempty"`
	PermissionsBoundary *boundaryXML           `xml:"PermissionsBoundary,omitempty"`
	Tags                *awsquery.List[tagXML] `xml:"Tags,omitempty"`
}

// user renders u; withTags adds tags and boundary (GetUser, CreateUser).
func user(u *iam.User, withTags bool) userXML {
	x := userXML{Path: u.Path, UserName: u.Name, UserID: u.UserID, Arn: u.ARN, CreateDate: awsquery.Time(u.CreateDate)}
	x.PermissionsBoundary = boundary(u.PermissionsBoundary)
	if withTags {
		x.Tags = tagsXML(u.Tags)
	}
	return x
}

type roleLastUsedXML struct{}

type roleXML struct {
	Path                     string                 `xml:"Path"`
	RoleName                 string                 `xml:"RoleName"`
	RoleID                   string                 `xml:"RoleId"`
	Arn                      string                 `xml:"Arn"`
	CreateDate               string                 `xml:"CreateDate"`
	AssumeRolePolicyDocument string                 `xml:"AssumeRolePolicyDocument"`
	Description              string                 `xml:"Description,omitempty"`
	MaxSessionDuration       int                    `xml:"MaxSessionDuration,omitempty"`
	PermissionsBoundary      *boundaryXML           `xml:"PermissionsBoundary,omitempty"`
	Tags                     *awsquery.List[tagXML] `xml:"Tags,omitempty"`
	RoleLastUsed             *roleLastUsedXML       `xml:"RoleLastUsed,omitempty"`
}

// roleView says which optional members a response carries [rec
// test_create_describe_role, test_role_with_tags].
type roleView uint8

const (
	roleCreated roleView = iota // no MaxSessionDuration
	roleGot                     // MaxSessionDuration, Tags, RoleLastUsed
	roleListed                  // MaxSessionDuration, no Tags
)

func role(r *iam.Role, v roleView) roleXML {
	x := roleXML{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, Arn: r.ARN,
		CreateDate: awsquery.Time(r.CreateDate), Description: r.Description,
		AssumeRolePolicyDocument: awsquery.PolicyDocument(r.AssumeRolePolicyDocument),
		PermissionsBoundary:      boundary(r.PermissionsBoundary)}
	if v != roleCreated {
		x.MaxSessionDuration = r.MaxSessionDuration
	}
	if v != roleListed {
		x.Tags = tagsXML(r.Tags)
	}
	if v == roleGot {
		x.RoleLastUsed = &roleLastUsedXML{}
	}
	return x
}

type groupXML struct {
	Path       string `xml:"Path"`
	GroupName  string `xml:"GroupName"`
	GroupID    string `xml:"GroupId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

func group(g *iam.Group) groupXML {
	return groupXML{Path: g.Path, GroupName: g.Name, GroupID: g.GroupID, Arn: g.ARN, CreateDate: awsquery.Time(g.CreateDate)}
}

func groups(gs []*iam.Group) awsquery.List[groupXML] {
	out := make([]groupXML, len(gs))
	for i, g := range gs {
		out[i] = group(g)
	}
	return awsquery.List[groupXML]{Member: out}
}

type policyXML struct {
	PolicyName                    string                 `xml:"PolicyName"`
	PolicyID                      string                 `xml:"PolicyId"`
	Arn                           string                 `xml:"Arn"`
	Path                          string                 `xml:"Path"`
	DefaultVersionID              string                 `xml:"DefaultVersionId"`
	AttachmentCount               int                    `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int                    `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool                   `xml:"IsAttachable"`
	Description                   string                 `xml:"Description,omitempty"`
	CreateDate                    string                 `xml:"CreateDate"`
	UpdateDate                    string                 `xml:"UpdateDate"`
	Tags                          *awsquery.List[tagXML] `xml:"Tags,omitempty"`
}

// managedPolicy renders p; full adds Description and Tags (GetPolicy;
// CreatePolicy returns Tags only).
func managedPolicy(p *iam.ManagedPolicy, full bool) policyXML {
	x := policyXML{PolicyName: p.Name, PolicyID: p.PolicyID, Arn: p.ARN, Path: p.Path,
		DefaultVersionID: p.DefaultVersionID, AttachmentCount: p.AttachmentCount, IsAttachable: p.IsAttachable,
		CreateDate: awsquery.Time(p.CreateDate), UpdateDate: awsquery.Time(p.UpdateDate)}
	if full {
		x.Description = p.Description
		x.Tags = tagsXML(p.Tags)
	}
	return x
}

type policyVersionXML struct {
	Document         string `xml:"Document,omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

func policyVersion(v *iam.PolicyVersion, withDoc bool) policyVersionXML {
	x := policyVersionXML{VersionID: v.VersionID, IsDefaultVersion: v.IsDefault, CreateDate: awsquery.Time(v.CreateDate)}
	if withDoc {
		x.Document = awsquery.PolicyDocument(v.Document)
	}
	return x
}

// marker is the Marker member of a truncated page.
func marker(truncated bool, m string) string {
	if !truncated {
		return ""
	}
	return m
}
