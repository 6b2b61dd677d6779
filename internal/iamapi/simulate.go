package iamapi

import (
	"fmt"
	"strconv"
	"strings"

	"lambent/internal/arn"
	"lambent/internal/awsquery"
	"lambent/internal/errkind"
	"lambent/internal/policy"
)

// source is one policy the simulator evaluates, kept with its text so
// that matched statements can be located in it (§9 positions).
type source struct {
	id, typ string // SourcePolicyId, SourcePolicyType
	text    string
	p       *policy.Policy
}

// Source types as AWS reports them [obs].
const (
	typeIAM      = "IAM Policy"
	typeResource = "Resource Policy"
	typeBoundary = "Permissions Boundary Policy"
	typeSCP      = "Service Control Policy"
)

// simulation is one simulator request, decoded.
type simulation struct {
	identity  []source
	boundary  *source
	resource  *source
	scp       [][]source
	principal policy.Principal
	context   map[string][]string
	owner     string // account owning the resources
	actions   []string
	resources []string
	explicit  bool // ResourceArns were given
	orgDetail bool // report OrganizationsDecisionDetail
}

func invalidInput(format string, args ...any) error {
	return errkind.WithDetail(errkind.InvalidArgument, "InvalidInput", fmt.Sprintf(format, args...))
}

// parseSource parses a simulator input policy; a bad one is InvalidInput
// with the validator's message.
func parseSource(id, typ, text string, kind policy.Kind) (source, error) {
	p, err := policy.Parse([]byte(text), kind)
	if err != nil {
		if e, ok := errkind.As(err); ok && e.Kind != errkind.Internal {
			return source{}, errkind.Wrap(errkind.InvalidArgument, e.Public, err)
		}
		return source{}, fmt.Errorf("parse %s: %w", id, err)
	}
	return source{id: id, typ: typ, text: text, p: p}, nil
}

// inputList parses the identity policies of a member list parameter.
func inputList(c *call, param string) ([]source, error) {
	var out []source
	for i, doc := range c.q.List(param) {
		s, err := parseSource(param+"."+strconv.Itoa(i+1), typeIAM, doc, policy.Identity)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// decodeCommon reads the parameters both simulator operations share.
func decodeCommon(c *call, s *simulation) error {
	s.actions = c.q.List("ActionNames")
	if len(s.actions) == 0 && !c.q.Has("ActionNames") {
		_, err := c.required("ActionNames")
		return err
	}
	if c.q.Has("ResourceHandlingOption") {
		return invalidInput("ResourceHandlingOption is not supported.")
	}
	s.resources, s.explicit = c.q.List("ResourceArns"), c.q.Has("ResourceArns")
	if len(s.resources) == 0 {
		s.resources, s.explicit = []string{"*"}, false
	}
	if err := decodeOwner(c, s); err != nil {
		return err
	}
	if err := decodeContext(c, s); err != nil {
		return err
	}
	if doc, ok := c.q.Lookup("ResourcePolicy"); ok {
		rp, err := parseSource("ResourcePolicy", typeResource, doc, policy.Resource)
		if err != nil {
			return err
		}
		s.resource = &rp
	}
	bs, err := inputList(c, "PermissionsBoundaryPolicyInputList")
	switch {
	case err != nil:
		return err
	case len(bs) > 1:
		return invalidInput("Only one permissions boundary policy may be specified.")
	case len(bs) == 1:
		bs[0].typ = typeBoundary
		s.boundary = &bs[0]
	}
	return nil
}

func decodeOwner(c *call, s *simulation) error {
	s.owner = c.acct().String()
	owner, ok := c.q.Lookup("ResourceOwner")
	if !ok {
		return nil
	}
	a, err := arn.Parse(owner)
	if err != nil || a.Service != "iam" || a.Resource != "root" || len(a.Account) != 12 {
		return invalidInput("Invalid ResourceOwner: %s", owner)
	}
	s.owner = a.Account
	return nil
}

var contextTypes = map[string]bool{"string": true, "stringList": true, "numeric": true, "numericList": true,
	"boolean": true, "booleanList": true, "ip": true, "ipList": true, "binary": true, "binaryList": true,
	"date": true, "dateList": true}

func decodeContext(c *call, s *simulation) error {
	s.context = map[string][]string{}
	for _, e := range c.q.Members("ContextEntries") {
		name, typ := e.Get("ContextKeyName"), e.Get("ContextKeyType")
		if name == "" {
			return invalidInput("ContextKeyName is required.")
		}
		if typ != "" && !contextTypes[typ] {
			return invalidInput("Invalid ContextKeyType: %s", typ)
		}
		k := strings.ToLower(name)
		s.context[k] = append(s.context[k], e.List("ContextKeyValues")...)
	}
	return nil
}

// callerPrincipal is the simulated caller named by CallerArn.
func callerPrincipal(callerARN, acct string) policy.Principal {
	p := policy.Principal{Type: policy.User, ARN: callerARN, Account: acct}
	if a, err := arn.Parse(callerARN); err == nil {
		if a.Account != "" {
			p.Account = a.Account
		}
		if strings.HasPrefix(a.Resource, "role/") {
			p.Type, p.RoleARN = policy.AssumedRole, callerARN
		}
	}
	return p
}

func simulateCustomPolicy(a *API, c *call) (any, error) {
	var s simulation
	ids, err := inputList(c, "PolicyInputList")
	if err != nil {
		return nil, err
	}
	if !c.q.Has("PolicyInputList") {
		if _, err := c.required("PolicyInputList"); err != nil {
			return nil, err
		}
	}
	s.identity = ids
	if err := decodeCommon(c, &s); err != nil {
		return nil, err
	}
	if err := decodeSCPs(c, &s); err != nil {
		return nil, err
	}
	s.principal = callerPrincipal(c.q.Get("CallerArn"), c.acct().String())
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	return paginate(c, s.run())
}

// decodeSCPs reads OrderedOrganizationPolicyInputList, root level first.
func decodeSCPs(c *call, s *simulation) error {
	levels := c.q.Members("OrderedOrganizationPolicyInputList")
	for i, lv := range levels {
		var level []source
		for j, doc := range lv.List("ServiceControlPolicyInputList") {
			id := fmt.Sprintf("OrderedOrganizationPolicyInputList.%d.ServiceControlPolicyInputList.%d", i+1, j+1)
			src, err := parseSource(id, typeSCP, doc, policy.Identity)
			if err != nil {
				return err
			}
			level = append(level, src)
		}
		s.scp = append(s.scp, level)
	}
	s.orgDetail = len(levels) > 0
	return nil
}

type simulateResult struct {
	EvaluationResults awsquery.List[evalResultXML] `xml:"EvaluationResults"`
	IsTruncated       bool                         `xml:"IsTruncated"`
	Marker            string                       `xml:"Marker,omitempty"`
}

// paginate cuts the results to MaxItems (1–1000, default 100) from
// Marker, an index into the results.
func paginate(c *call, results []evalResultXML) (any, error) {
	n, err := c.integer("MaxItems")
	if err != nil {
		return nil, err
	}
	if _, ok := c.q.Lookup("MaxItems"); ok && (n < 1 || n > 1000) {
		return nil, invalidInput("MaxItems must be between 1 and 1000.")
	}
	if n == 0 {
		n = 100
	}
	start := 0
	if m, ok := c.q.Lookup("Marker"); ok {
		if start, err = strconv.Atoi(m); err != nil || start < 0 || start > len(results) {
			return nil, invalidInput("Invalid Marker.")
		}
	}
	end := min(start+n, len(results))
	out := simulateResult{IsTruncated: end < len(results)}
	out.EvaluationResults.Member = results[start:end]
	if out.IsTruncated {
		out.Marker = strconv.Itoa(end)
	}
	return out, nil
}

func invalidNoSuchEntity(msg string) error {
	return errkind.WithDetail(errkind.NotFound, "NoSuchEntity", msg)
}
