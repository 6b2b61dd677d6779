package iamapi

import (
	"strings"

	"lambent/internal/awsquery"
	"lambent/internal/policy"
)

type positionXML struct {
	Line   int `xml:"Line"`
	Column int `xml:"Column"`
}

type statementXML struct {
	SourcePolicyID   string      `xml:"SourcePolicyId"`
	SourcePolicyType string      `xml:"SourcePolicyType"`
	StartPosition    positionXML `xml:"StartPosition"`
	EndPosition      positionXML `xml:"EndPosition"`
}

type entryXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type decisionDetailsXML struct {
	Entry []entryXML `xml:"entry"`
}

type orgDetailXML struct {
	AllowedByOrganizations bool `xml:"AllowedByOrganizations"`
}

type boundaryDetailXML struct {
	AllowedByPermissionsBoundary bool `xml:"AllowedByPermissionsBoundary"`
}

type resourceResultXML struct {
	EvalResourceName     string                      `xml:"EvalResourceName"`
	EvalResourceDecision string                      `xml:"EvalResourceDecision"`
	MatchedStatements    awsquery.List[statementXML] `xml:"MatchedStatements"`
	MissingContextValues awsquery.List[string]       `xml:"MissingContextValues"`
	EvalDecisionDetails  *decisionDetailsXML         `xml:"EvalDecisionDetails,omitempty"`
	BoundaryDetail       *boundaryDetailXML          `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
}

type evalResultXML struct {
	EvalActionName          string                            `xml:"EvalActionName"`
	EvalResourceName        string                            `xml:"EvalResourceName"`
	EvalDecision            string                            `xml:"EvalDecision"`
	MatchedStatements       awsquery.List[statementXML]       `xml:"MatchedStatements"`
	MissingContextValues    awsquery.List[string]             `xml:"MissingContextValues"`
	OrgDetail               *orgDetailXML                     `xml:"OrganizationsDecisionDetail,omitempty"`
	BoundaryDetail          *boundaryDetailXML                `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
	EvalDecisionDetails     *decisionDetailsXML               `xml:"EvalDecisionDetails,omitempty"`
	ResourceSpecificResults *awsquery.List[resourceResultXML] `xml:"ResourceSpecificResults,omitempty"`
}

// outcome is one resource's evaluation.
type outcome struct {
	resource string
	d        policy.Decision
}

// run evaluates every action against every resource: one result per
// action, whose decision is the most restrictive over the resources.
func (s *simulation) run() []evalResultXML {
	missing := s.missingKeys()
	out := make([]evalResultXML, 0, len(s.actions))
	for _, action := range s.actions {
		outs := make([]outcome, len(s.resources))
		for i, res := range s.resources {
			outs[i] = outcome{resource: res, d: s.evaluate(action, res)}
		}
		out = append(out, s.result(action, outs, missing))
	}
	return out
}

func (s *simulation) policies() *policy.Policies {
	ps := &policy.Policies{ResourceAccount: s.owner}
	for _, src := range s.identity {
		ps.Identity = append(ps.Identity, src.p)
	}
	if s.boundary != nil {
		ps.Boundary = s.boundary.p
	}
	if s.resource != nil {
		ps.Resource = s.resource.p
	}
	for _, level := range s.scp {
		var l []*policy.Policy
		for _, src := range level {
			l = append(l, src.p)
		}
		ps.ServiceControl = append(ps.ServiceControl, l)
	}
	return ps
}

func (s *simulation) request(action, resource string) *policy.Request {
	return &policy.Request{Principal: s.principal, Action: action, Resource: resource, Context: s.context}
}

func (s *simulation) evaluate(action, resource string) policy.Decision {
	return policy.Explain(s.request(action, resource), s.policies())
}

// rank orders outcomes from least to most restrictive.
func rank(o policy.Outcome) int {
	switch o {
	case policy.Allowed:
		return 0
	case policy.ImplicitDeny:
		return 1
	}
	return 2
}

func (s *simulation) result(action string, outs []outcome, missing []string) evalResultXML {
	worst := outs[0]
	for _, o := range outs[1:] {
		if rank(o.d.Outcome) > rank(worst.d.Outcome) {
			worst = o
		}
	}
	r := evalResultXML{EvalActionName: action, EvalResourceName: worst.resource,
		EvalDecision: worst.d.Outcome.String(), BoundaryDetail: s.boundaryDetail(worst.d)}
	r.MatchedStatements.Member = s.statements(worst.d.Matched)
	if s.orgDetail {
		r.OrgDetail = &orgDetailXML{AllowedByOrganizations: !(worst.d.PolicyType == policy.ServiceControl && !worst.d.Allowed())}
	}
	if !s.explicit {
		r.MissingContextValues.Member = missing
		return r
	}
	r.EvalDecisionDetails = s.decisionDetails(action, worst.resource)
	rs := make([]resourceResultXML, len(outs))
	for i, o := range outs {
		rs[i] = resourceResultXML{EvalResourceName: o.resource, EvalResourceDecision: o.d.Outcome.String(),
			BoundaryDetail: s.boundaryDetail(o.d)}
		rs[i].MatchedStatements.Member = s.statements(o.d.Matched)
		rs[i].MissingContextValues.Member = missing
	}
	r.ResourceSpecificResults = &awsquery.List[resourceResultXML]{Member: rs}
	return r
}

func (s *simulation) boundaryDetail(d policy.Decision) *boundaryDetailXML {
	if s.boundary == nil {
		return nil
	}
	return &boundaryDetailXML{AllowedByPermissionsBoundary: !(d.PolicyType == policy.PermissionsBoundary && !d.Allowed())}
}

// decisionDetails maps each policy type to its own decision: filled
// across accounts, empty within one (as recorded).
func (s *simulation) decisionDetails(action, resource string) *decisionDetailsXML {
	out := &decisionDetailsXML{}
	if s.owner == s.principal.Account {
		return out
	}
	req := s.request(action, resource)
	id := policy.ImplicitDeny
	for _, src := range s.identity {
		if o := src.p.Evaluate(req).Outcome; rank(o) == 2 || o == policy.Allowed && id == policy.ImplicitDeny {
			id = o
		}
	}
	out.Entry = append(out.Entry, entryXML{Key: typeIAM, Value: id.String()})
	if s.resource != nil {
		out.Entry = append(out.Entry, entryXML{Key: typeResource, Value: s.resource.p.Evaluate(req).Outcome.String()})
	}
	return out
}

// source returns the policy a match came from.
func (s *simulation) source(m policy.Match) *source {
	switch m.Type {
	case policy.IdentityBased:
		if m.Policy < len(s.identity) {
			return &s.identity[m.Policy]
		}
	case policy.ResourceBased:
		return s.resource
	case policy.PermissionsBoundary:
		return s.boundary
	case policy.ServiceControl:
		i := m.Policy
		for _, level := range s.scp {
			if i < len(level) {
				return &level[i]
			}
			i -= len(level)
		}
	}
	return nil
}

func (s *simulation) statements(ms []policy.Match) []statementXML {
	out := make([]statementXML, 0, len(ms))
	for _, m := range ms {
		src := s.source(m)
		if src == nil {
			continue
		}
		sts := src.p.Statements()
		if m.Statement >= len(sts) {
			continue
		}
		st := sts[m.Statement]
		out = append(out, statementXML{SourcePolicyID: src.id, SourcePolicyType: src.typ,
			StartPosition: position(src.text, st.Start), EndPosition: position(src.text, st.End-1)})
	}
	return out
}

// position locates the byte at off in text as AWS reports statement
// bounds: the 1-based line, and the 1-based column plus one (iam.md §9:
// "the column of the statement's { plus 1, … of its } plus 1").
func position(text string, off int) positionXML {
	off = min(max(off, 0), len(text))
	before := text[:off]
	nl := strings.LastIndexByte(before, '\n')
	return positionXML{Line: strings.Count(before, "\n") + 1, Column: off - nl + 1}
}

// missingKeys lists the context keys the policies reference that the
// request did not supply.
func (s *simulation) missingKeys() []string {
	all := append([]source(nil), s.identity...)
	for _, p := range []*source{s.boundary, s.resource} {
		if p != nil {
			all = append(all, *p)
		}
	}
	out := []string{}
	seen := map[string]bool{}
	for _, src := range all {
		for _, k := range src.p.ConditionKeys() {
			l := strings.ToLower(k)
			if _, ok := s.context[l]; !ok && !seen[l] {
				seen[l] = true
				out = append(out, k)
			}
		}
	}
	return out
}
