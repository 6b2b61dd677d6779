package policy

import (
	"fmt"
	"strings"
)

// Kind says what a policy document is attached to. It decides which
// elements the document must or must not have (§3).
type Kind uint8

// The kinds.
const (
	// Identity: identity-based policies of users, groups and roles (inline
	// and managed), permissions boundaries and SCPs. Version 2012-10-17 is
	// required; Principal is forbidden.
	Identity Kind = iota + 1
	// Resource: resource-based policies such as Lambda function policies.
	// Every statement names a Principal (or, with Deny, a NotPrincipal).
	Resource
	// Trust: a role's trust policy. Principal is required; Resource,
	// NotResource and NotPrincipal are prohibited.
	Trust
	// Session: a session policy passed to AssumeRole. Principal is
	// forbidden; Version 2008-10-17 is accepted.
	Session
)

func (k Kind) String() string {
	switch k {
	case Identity:
		return "Identity"
	case Resource:
		return "Resource"
	case Trust:
		return "Trust"
	case Session:
		return "Session"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Policy is a validated policy document compiled into matchers. It is
// immutable and safe for concurrent use.
type Policy struct {
	kind  Kind
	doc   *rawDoc // the validated source, for MarshalJSON and Statements
	stmts []statement
}

// statement is one compiled statement.
type statement struct {
	sid          string
	deny         bool
	notAction    bool
	actions      []pattern // compiled with wildcards, matched ASCII case-insensitively
	hasResource  bool      // false in trust policies
	notResource  bool
	resources    []arnPattern
	principal    *principalSet // nil in identity and session policies
	notPrincipal bool
	conds        []condition
}

// Parse validates doc as a policy of the given kind and compiles it.
//
// A document IAM would refuse yields an errkind.InvalidArgument error with
// Detail Malformed and AWS's public message, for example "Syntax errors in
// policy." or "Policy statement must contain actions.". Parse enforces no
// size limit; callers apply the quota of the policy's kind first.
func Parse(doc []byte, kind Kind) (*Policy, error) {
	if kind < Identity || kind > Session {
		return nil, fmt.Errorf("parse policy: unknown kind %d", kind)
	}
	d, err := decodeDocument(doc)
	if err != nil {
		return nil, malformed(msgSyntax, err)
	}
	conds, err := validate(d, kind)
	if err != nil {
		return nil, err
	}
	p := &Policy{kind: kind, doc: d, stmts: make([]statement, len(d.statements))}
	vars := d.version == version2012
	for i := range d.statements {
		p.stmts[i] = compileStatement(&d.statements[i], conds[i], vars)
	}
	return p, nil
}

func compileStatement(s *rawStatement, conds []condition, vars bool) statement {
	c := statement{sid: s.sid, deny: s.effect == "Deny", conds: conds}
	actions := s.action
	if actions == nil {
		actions, c.notAction = s.notAction, true
	}
	for _, it := range actions.items {
		c.actions = append(c.actions, compilePattern(it.s, true, false))
	}
	resources := s.resource
	if resources == nil {
		resources, c.notResource = s.notResource, s.notResource != nil
	}
	if resources != nil {
		c.hasResource = true
		for _, it := range resources.items {
			if !it.null {
				c.resources = append(c.resources, compileARNPattern(it.s, vars))
			}
		}
	}
	if p := s.principal; p != nil {
		c.principal, _ = compilePrincipal(p)
	} else if p := s.notPrincipal; p != nil {
		c.principal, _ = compilePrincipal(p)
		c.notPrincipal = true
	}
	return c
}

// Kind returns the kind the policy was parsed as.
func (p *Policy) Kind() Kind { return p.kind }

// Version returns the document's Version, "" when it has none.
func (p *Policy) Version() string { return p.doc.version }

// ID returns the document's Id element, "" when it has none.
func (p *Policy) ID() string { return p.doc.id }

// StatementInfo locates one statement of the source document.
type StatementInfo struct {
	Sid    string
	Effect string // "Allow" or "Deny"
	// Start and End are the byte offsets in the parsed document of the
	// statement's opening brace and one past its closing brace; the
	// simulator turns them into line and column positions (§9).
	Start, End int
}

// Statements describes the policy's statements in document order; a
// Match's Statement indexes this list.
func (p *Policy) Statements() []StatementInfo {
	out := make([]StatementInfo, len(p.doc.statements))
	for i, s := range p.doc.statements {
		out[i] = StatementInfo{Sid: s.sid, Effect: s.effect, Start: s.start, End: s.end}
	}
	return out
}

// ConditionKeys returns every context key the policy references, in
// condition blocks and as policy variables, each once (compared
// case-insensitively) as first written (§9 GetContextKeysFor…Policy).
func (p *Policy) ConditionKeys() []string {
	var out []string
	seen := map[string]bool{}
	add := func(k string) {
		if l := strings.ToLower(k); !seen[l] {
			seen[l] = true
			out = append(out, k)
		}
	}
	vars := p.doc.version == version2012
	for _, s := range p.doc.statements {
		for _, l := range []*rawList{s.resource, s.notResource} {
			if l != nil && vars {
				for _, it := range l.items {
					variableKeys(it.s, add)
				}
			}
		}
		for _, op := range s.condition {
			for _, k := range op.keys {
				add(k.key)
				for _, v := range k.values {
					if vars && v.kind == jsonString {
						variableKeys(v.text, add)
					}
				}
			}
		}
	}
	return out
}

// variableKeys calls add with the key of every policy variable in s.
func variableKeys(s string, add func(string)) {
	for i := strings.Index(s, "${"); i >= 0; {
		if t, n, ok := parseVariable(s[i:]); ok {
			if t.kind == tokVar {
				add(t.name)
			}
			i += n
		} else {
			i += 2
		}
		j := strings.Index(s[i:], "${")
		if j < 0 {
			return
		}
		i += j
	}
}

// applies reports whether the statement applies to the request (§4.2) and,
// for statements with a Principal, how strongly it names the caller.
func (s *statement) applies(ec *evalCtx) (bool, grant) {
	if !s.matchAction(ec.req.Action) {
		return false, grantNone
	}
	if s.hasResource && !s.matchResource(ec) {
		return false, grantNone
	}
	g := grantDirect
	if s.principal != nil {
		p := &ec.req.Principal
		if s.notPrincipal {
			if s.principal.exempts(p) {
				return false, grantNone
			}
		} else if g = s.principal.match(p); g == grantNone {
			return false, grantNone
		}
	}
	for i := range s.conds {
		if !s.conds[i].eval(ec) {
			return false, grantNone
		}
	}
	return true, g
}

func (s *statement) matchAction(action string) bool {
	for i := range s.actions {
		if s.actions[i].match(nil, action, true) {
			return !s.notAction
		}
	}
	return s.notAction
}

func (s *statement) matchResource(ec *evalCtx) bool {
	for i := range s.resources {
		if s.resources[i].match(ec, &ec.res, ec.resOK) {
			return !s.notResource
		}
	}
	return s.notResource
}
