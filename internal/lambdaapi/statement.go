package lambdaapi

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/policy"
)

// AddPermission member patterns, verbatim from the Lambda service model;
// they appear in ValidationException messages.
const (
	statementIDPattern      = `([a-zA-Z0-9-_]+)`
	namespacedSIDPattern    = `([a-zA-Z0-9-_.]+)`
	actionPattern           = `(lambda:[*]|lambda:[a-zA-Z]+|[*])`
	principalPattern        = `[^\s]+`
	sourceARNPattern        = `arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`
	sourceAccountPattern    = `\d{12}`
	eventSourceTokenPattern = `[a-zA-Z0-9._\-]+`
	principalOrgIDPattern   = `o-[a-z0-9]{10,32}`
)

// The same patterns anchored for Go. Java's \s is [ \t\n\x0B\f\r] and its
// '.' stops at line terminators; the Go forms spell that out.
var (
	statementIDRE      = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
	namespacedSIDRE    = regexp.MustCompile(`^[a-zA-Z0-9-_.]+$`)
	actionRE           = regexp.MustCompile(`^(?:lambda:[*]|lambda:[a-zA-Z]+|[*])$`)
	principalRE        = regexp.MustCompile(`^[^ \t\n\x0B\f\r]+$`)
	sourceARNRE        = regexp.MustCompile(`^arn:aws[a-zA-Z0-9-]*:[a-zA-Z0-9-]+:(?:(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)?:(?:\d{12})?:[^\r\n\x{85}\x{2028}\x{2029}]*$`)
	sourceAccountRE    = regexp.MustCompile(`^\d{12}$`)
	eventSourceTokenRE = regexp.MustCompile(`^[a-zA-Z0-9._\-]+$`)
	principalOrgIDRE   = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
	aliasNameRE        = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)
)

// addPermissionInput is AddPermission's body.
type addPermissionInput struct {
	StatementId           *string `json:"StatementId"`
	Action                *string `json:"Action"`
	Principal             *string `json:"Principal"`
	SourceArn             string  `json:"SourceArn"`
	SourceAccount         string  `json:"SourceAccount"`
	EventSourceToken      string  `json:"EventSourceToken"`
	RevisionId            string  `json:"RevisionId"`
	PrincipalOrgID        string  `json:"PrincipalOrgID"`
	FunctionUrlAuthType   string  `json:"FunctionUrlAuthType"`
	InvokedViaFunctionUrl bool    `json:"InvokedViaFunctionUrl"`
}

// check returns the model violations of the body, in the model's member
// order.
func (in *addPermissionInput) check() arn.Violations {
	var vs arn.Violations
	vs = append(vs, required("statementId", in.StatementId, 1, 100, statementIDRE, statementIDPattern)...)
	vs = append(vs, required("action", in.Action, 0, 10000, actionRE, actionPattern)...)
	vs = append(vs, required("principal", in.Principal, 0, 2048, principalRE, principalPattern)...)
	vs = append(vs, optional("sourceArn", in.SourceArn, 0, 10000, sourceARNRE, sourceARNPattern)...)
	vs = append(vs, optional("sourceAccount", in.SourceAccount, 0, 12, sourceAccountRE, sourceAccountPattern)...)
	vs = append(vs, optional("eventSourceToken", in.EventSourceToken, 0, 256, eventSourceTokenRE, eventSourceTokenPattern)...)
	vs = append(vs, optional("principalOrgID", in.PrincipalOrgID, 12, 34, principalOrgIDRE, principalOrgIDPattern)...)
	switch in.FunctionUrlAuthType {
	case "", "NONE", "AWS_IAM":
	default:
		vs = append(vs, arn.Violation{Member: "functionUrlAuthType", Value: in.FunctionUrlAuthType,
			Constraint: "Member must satisfy enum value set: [NONE, AWS_IAM]"})
	}
	return vs
}

// required checks a required string member.
func required(member string, v *string, minLen, maxLen int, re *regexp.Regexp, pattern string) arn.Violations {
	if v == nil {
		return arn.Violations{{Member: member, Null: true, Constraint: "Member must not be null"}}
	}
	return checkString(member, *v, minLen, maxLen, re, pattern)
}

// optional checks an optional string member; "" means absent.
func optional(member, v string, minLen, maxLen int, re *regexp.Regexp, pattern string) arn.Violations {
	if v == "" {
		return nil
	}
	return checkString(member, v, minLen, maxLen, re, pattern)
}

func checkString(member, v string, minLen, maxLen int, re *regexp.Regexp, pattern string) arn.Violations {
	vs := arn.LengthViolations(member, v, minLen, maxLen)
	if !re.MatchString(v) {
		vs = append(vs, arn.PatternViolation(member, v, pattern))
	}
	return vs
}

// checkStatementID validates RemovePermission's {StatementId} label.
func checkStatementID(sid string) arn.Violations {
	return checkString("statementId", sid, 1, 100, namespacedSIDRE, namespacedSIDPattern)
}

// statement is one statement of a function policy, with its members in the
// order AWS writes them (§7.1).
type statement struct {
	Sid       string      `json:"Sid"`
	Effect    string      `json:"Effect"`
	Principal principal   `json:"Principal"`
	Action    string      `json:"Action"`
	Resource  string      `json:"Resource"`
	Condition *conditions `json:"Condition,omitempty"`
}

// principal is "*" or an {"AWS": …} / {"Service": …} object.
type principal struct {
	Star    bool
	AWS     string
	Service string
}

func (p principal) MarshalJSON() ([]byte, error) {
	switch {
	case p.Star:
		return []byte(`"*"`), nil
	case p.Service != "":
		return marshal(struct {
			Service string `json:"Service"`
		}{p.Service})
	default:
		return marshal(struct {
			AWS string `json:"AWS"`
		}{p.AWS})
	}
}

func (p *principal) UnmarshalJSON(b []byte) error {
	if string(b) == `"*"` {
		*p = principal{Star: true}
		return nil
	}
	var o struct {
		AWS     string `json:"AWS"`
		Service string `json:"Service"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	*p = principal{AWS: o.AWS, Service: o.Service}
	return nil
}

// value is the principal as lambda:Principal names it.
func (p principal) value() string {
	switch {
	case p.Star:
		return "*"
	case p.Service != "":
		return p.Service
	}
	return p.AWS
}

// conditions are the operators AddPermission writes, in AWS's order:
// StringEquals before ArnLike.
type conditions struct {
	StringEquals *stringEquals `json:"StringEquals,omitempty"`
	ArnLike      *arnLike      `json:"ArnLike,omitempty"`
	Bool         *boolKeys     `json:"Bool,omitempty"`
}

type stringEquals struct {
	SourceAccount       string `json:"AWS:SourceAccount,omitempty"`
	FunctionURLAuthType string `json:"lambda:FunctionUrlAuthType,omitempty"`
	PrincipalOrgID      string `json:"aws:PrincipalOrgID,omitempty"`
	EventSourceToken    string `json:"lambda:EventSourceToken,omitempty"`
}

type arnLike struct {
	SourceArn string `json:"AWS:SourceArn"`
}

type boolKeys struct {
	InvokedViaFunctionURL string `json:"lambda:InvokedViaFunctionUrl"`
}

// urlAuthType is the statement's lambda:FunctionUrlAuthType, if any.
func (s *statement) urlAuthType() string {
	if s.Condition == nil || s.Condition.StringEquals == nil {
		return ""
	}
	return s.Condition.StringEquals.FunctionURLAuthType
}

var errBadPrincipal = errkind.New(errkind.InvalidArgument,
	"The provided principal was invalid. Please check the principal and try again.")

// buildStatement turns a validated AddPermission body into the statement
// AWS writes for it on resource (§7.1).
func buildStatement(in *addPermissionInput, resource string) (statement, error) {
	p, err := parsePrincipal(*in.Principal)
	if err != nil {
		return statement{}, err
	}
	s := statement{Sid: *in.StatementId, Effect: "Allow", Principal: p, Action: *in.Action, Resource: resource}
	var c conditions
	if in.SourceAccount != "" || in.FunctionUrlAuthType != "" || in.PrincipalOrgID != "" || in.EventSourceToken != "" {
		c.StringEquals = &stringEquals{SourceAccount: in.SourceAccount, FunctionURLAuthType: in.FunctionUrlAuthType,
			PrincipalOrgID: in.PrincipalOrgID, EventSourceToken: in.EventSourceToken}
	}
	if in.SourceArn != "" {
		c.ArnLike = &arnLike{SourceArn: in.SourceArn}
	}
	if in.InvokedViaFunctionUrl {
		c.Bool = &boolKeys{InvokedViaFunctionURL: "true"}
	}
	if c != (conditions{}) {
		s.Condition = &c
	}
	return s, nil
}

// parsePrincipal maps AddPermission's Principal to the policy element:
// "*", an account ID (its root), an IAM or STS ARN, or a service name.
// The result must be a principal the policy engine accepts.
func parsePrincipal(s string) (principal, error) {
	var p principal
	switch {
	case s == "*":
		return principal{Star: true}, nil
	case len(s) == 12 && sourceAccountRE.MatchString(s):
		p.AWS = "arn:" + arn.Partition + ":iam::" + s + ":root"
	case strings.HasPrefix(s, "arn:"):
		p.AWS = s
	case isServicePrincipal(s):
		p.Service = s
	default:
		return p, errBadPrincipal
	}
	if !principalParses(p) {
		return principal{}, errBadPrincipal
	}
	return p, nil
}

// isServicePrincipal accepts DNS names of AWS services (s3.amazonaws.com,
// alexa-appkit.amazon.com).
func isServicePrincipal(s string) bool {
	host, ok := strings.CutSuffix(s, ".amazonaws.com")
	if !ok {
		host, ok = strings.CutSuffix(s, ".amazon.com")
	}
	if !ok || host == "" || host[0] == '.' || host[0] == '-' {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// principalParses asks the policy engine whether it accepts p in a
// resource policy.
func principalParses(p principal) bool {
	b, err := marshal(policyDoc{Version: policyVersion, ID: policyID, Statement: []statement{
		{Sid: "probe", Effect: "Allow", Principal: p, Action: "lambda:InvokeFunction", Resource: "*"}}})
	if err != nil {
		return false
	}
	_, err = policy.Parse(b, policy.Resource)
	return err == nil
}

// marshal is json.Marshal without HTML escaping, so that stored and
// returned policies read as AWS writes them.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
