package iamapi

import (
	"encoding/xml"

	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

// holderParam is the parameter naming the holder of an inline policy.
func holderParam(k iam.EntityKind) string {
	switch k {
	case iam.KindUser:
		return "UserName"
	case iam.KindRole:
		return "RoleName"
	}
	return "GroupName"
}

func putInline(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		v, err := c.required(holderParam(k), "PolicyName", "PolicyDocument")
		if err != nil {
			return nil, err
		}
		if err := a.authorizeEntity(c, k, v[0]); err != nil {
			return nil, err
		}
		return nil, a.cfg.IAM.PutInlinePolicy(c.ctx, c.acct(), k, v[0], v[1], v[2])
	}
}

// inlinePolicyResult is Get{User,Role,Group}PolicyResult: the holder's
// name element differs per kind.
type inlinePolicyResult struct {
	holderElem, holder, name, doc string
}

// MarshalXML implements xml.Marshaler.
func (r inlinePolicyResult) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, f := range [...][2]string{{r.holderElem, r.holder}, {"PolicyName", r.name},
		{"PolicyDocument", awsquery.PolicyDocument(r.doc)}} {
		if err := e.EncodeElement(f[1], xml.StartElement{Name: xml.Name{Local: f[0]}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func getInline(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		v, err := c.required(holderParam(k), "PolicyName")
		if err != nil {
			return nil, err
		}
		if err := a.authorizeEntity(c, k, v[0]); err != nil {
			return nil, err
		}
		doc, err := a.cfg.IAM.GetInlinePolicy(c.ctx, c.acct(), k, v[0], v[1])
		if err != nil {
			return nil, err
		}
		return inlinePolicyResult{holderElem: holderParam(k), holder: v[0], name: v[1], doc: doc}, nil
	}
}

type listInlineResult struct {
	PolicyNames awsquery.List[string] `xml:"PolicyNames"`
	IsTruncated bool                  `xml:"IsTruncated"`
	Marker      string                `xml:"Marker,omitempty"`
}

func listInline(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		name, o, err := a.beginHolderList(c, k)
		if err != nil {
			return nil, err
		}
		p, err := a.cfg.IAM.ListInlinePolicies(c.ctx, c.acct(), k, name, o)
		if err != nil {
			return nil, err
		}
		out := listInlineResult{IsTruncated: p.IsTruncated, Marker: marker(p.IsTruncated, p.Marker)}
		out.PolicyNames.Member = p.Items
		return out, nil
	}
}

func deleteInline(k iam.EntityKind) handler {
	return func(a *API, c *call) (any, error) {
		v, err := c.required(holderParam(k), "PolicyName")
		if err != nil {
			return nil, err
		}
		if err := a.authorizeEntity(c, k, v[0]); err != nil {
			return nil, err
		}
		return nil, a.cfg.IAM.DeleteInlinePolicy(c.ctx, c.acct(), k, v[0], v[1])
	}
}
