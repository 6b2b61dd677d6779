package stsapi

import (
	"context"
	"strings"

	"lambent/internal/authz"
	"lambent/internal/awsquery"
	"lambent/internal/errkind"
	"lambent/internal/sts"
)

// Limits of AssumeRole [model sts 2011-06-15].
const (
	maxPolicyARNs = 10
	maxTags       = 50
)

type assumedRoleUserXML struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type assumeRoleResult struct {
	AssumedRoleUser  assumedRoleUserXML `xml:"AssumedRoleUser"`
	Credentials      credentialsXML     `xml:"Credentials"`
	PackedPolicySize *int               `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   string             `xml:"SourceIdentity,omitempty"`
}

func (a *API) assumeRole(ctx context.Context, p *authz.Principal, q awsquery.Params) (any, error) {
	in, err := parseAssumeRole(q)
	if err != nil {
		return nil, err
	}
	out, err := a.cfg.STS.AssumeRole(ctx, p, in)
	if err != nil {
		return nil, err
	}
	res := assumeRoleResult{
		AssumedRoleUser: assumedRoleUserXML{AssumedRoleID: out.AssumedRoleID, Arn: out.ARN},
		Credentials:     credentials(&out.Credentials), SourceIdentity: out.SourceIdentity,
	}
	if out.PackedPolicySize >= 0 {
		n := out.PackedPolicySize
		res.PackedPolicySize = &n
	}
	return res, nil
}

// parseAssumeRole decodes and checks AssumeRole's parameters (§5.1): the
// model constraints first, all reported at once as AWS does, then the
// role ARN's shape and the tag rules.
func parseAssumeRole(q awsquery.Params) (sts.AssumeRoleInput, error) {
	var v violations
	in := sts.AssumeRoleInput{
		RoleARN:         v.required(q, "RoleArn", 20, 2048, arnPattern, isTextChar),
		RoleSessionName: v.required(q, "RoleSessionName", 2, 64, namePattern, isNameChar),
	}
	in.PolicyARNs = policyARNs(&v, q)
	in.Policy = v.str(q, "Policy", 1, 2048, policyPattern, isPolicyChar)
	in.DurationSeconds = v.integer(q, "DurationSeconds", 900, 43200)
	in.Tags = tags(&v, q)
	in.TransitiveTagKeys = transitiveKeys(&v, q)
	in.ExternalID = v.str(q, "ExternalId", 2, 1224, `[\w+=,.@:\/-]*`, isExternalIDChar)
	v.str(q, "SerialNumber", 9, 256, `[\w+=/:,.@-]*`, isSerialChar)
	v.str(q, "TokenCode", 6, 6, `[\d]*`, isDigit)
	in.SourceIdentity = v.str(q, "SourceIdentity", 2, 64, namePattern, isNameChar)
	if err := v.err(); err != nil {
		return in, err
	}
	if q.Has("ProvidedContexts") {
		return in, invalidParameter("ProvidedContexts is not supported.")
	}
	if !validARN(in.RoleARN) {
		return in, errkind.WithDetail(errkind.Validation, "ValidationError", in.RoleARN+" is invalid")
	}
	return in, checkTagRules(in.Tags, in.TransitiveTagKeys)
}

func policyARNs(v *violations, q awsquery.Params) []string {
	ms := q.Members("PolicyArns")
	v.count("policyArns", len(ms), maxPolicyARNs)
	var out []string
	for i, m := range ms {
		s := m.Get("arn")
		v.length(indexed("policyArns", i, "arn"), s, 20, 2048)
		out = append(out, s)
	}
	return out
}

func tags(v *violations, q awsquery.Params) []sts.Tag {
	ms := q.Members("Tags")
	v.count("tags", len(ms), maxTags)
	var out []sts.Tag
	for i, m := range ms {
		t := sts.Tag{Key: m.Get("Key"), Value: m.Get("Value")}
		v.check(indexed("tags", i, "key"), t.Key, 1, 128, tagKeyPattern, isTagChar)
		v.check(indexed("tags", i, "value"), t.Value, 0, 256, tagValuePattern, isTagChar)
		out = append(out, t)
	}
	return out
}

func transitiveKeys(v *violations, q awsquery.Params) []string {
	keys := q.List("TransitiveTagKeys")
	v.count("transitiveTagKeys", len(keys), maxTags)
	for _, k := range keys {
		v.check("transitiveTagKeys", k, 1, 128, tagKeyPattern, isTagChar)
	}
	return keys
}

// indexed is AWS's path of a list member's field: tags.1.member.key.
func indexed(list string, i int, field string) string {
	return list + "." + itoa(i+1) + ".member." + field
}

// validARN is STS's shape check of RoleArn [rec test_sts_invalid_parameters]:
// six colon-separated parts, "arn" first, and a partition, a service and
// a resource.
func validARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	return len(parts) == 6 && parts[0] == "arn" && parts[1] != "" && parts[2] != "" && parts[5] != ""
}

func invalidParameter(msg string) error {
	return errkind.WithDetail(errkind.InvalidArgument, "InvalidParameterValue", msg)
}

// checkTagRules enforces unique tag keys (ignoring case) and transitive
// keys that name a requested tag [rec test_assume_role_tag_validation].
func checkTagRules(tags []sts.Tag, transitive []string) error {
	seen := map[string]bool{}
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return invalidParameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	for _, k := range transitive {
		if !seen[strings.ToLower(k)] {
			return invalidParameter("The specified transitive tag key must be included in the requested tags.")
		}
	}
	return nil
}
