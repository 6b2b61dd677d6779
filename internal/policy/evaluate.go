package policy

import "strings"

// Evaluate decides req against ps with AWS's evaluation logic (§4.6, §4.8):
// an applicable Deny anywhere wins; within one account an Allow in an
// identity-based or a resource-based policy suffices (how far a
// resource-policy Allow reaches depends on the principal it names), cut
// down by the permissions boundary and session policies; across accounts
// both the caller's side and the resource policy must allow. A trust
// policy in ps.Resource is necessary, not merely sufficient.
//
// Evaluate does not allocate when req.Context keys are lower-case.
func Evaluate(req *Request, ps *Policies) Decision {
	return decide(req, ps, nil)
}

// Explain is Evaluate that also lists in Decision.Matched every statement
// behind the outcome, for the simulator (§9) and the audit log.
func Explain(req *Request, ps *Policies) Decision {
	ex := &explanation{}
	d := decide(req, ps, ex)
	switch d.Outcome {
	case ExplicitDeny:
		d.Matched = ex.denies
	case Allowed:
		d.Matched = ex.allows
	}
	return d
}

// EvaluateTrust decides an AssumeRole request (§4.7): req.Resource is the
// role's ARN, trust its trust policy and caller the caller's own policies
// (nil for a service principal). Same-account, a trust policy naming the
// caller suffices; naming only the account also needs an identity Allow;
// cross-account both sides must allow.
func EvaluateTrust(req *Request, trust *Policy, caller *Policies) Decision {
	if trust == nil || trust.kind != Trust {
		return Decision{Outcome: ImplicitDeny, PolicyType: ResourceBased}
	}
	var ps Policies
	if caller != nil {
		ps = *caller
	}
	ps.Resource = trust
	return decide(req, &ps, nil)
}

// Evaluate decides req against this policy alone: ExplicitDeny when a Deny
// statement applies, Allowed when an Allow does, else ImplicitDeny.
// Resource and trust policies match the statement's Principal.
func (p *Policy) Evaluate(req *Request) Decision {
	ec := newEvalCtx(req)
	t := p.kind.policyType()
	var r evalResult
	p.eval(&ec, t, 0, &r, nil)
	switch {
	case r.hasDeny:
		return Decision{Outcome: ExplicitDeny, PolicyType: t, By: r.deny}
	case r.hasAllow:
		return Decision{Outcome: Allowed, PolicyType: t, By: r.allow}
	}
	return Decision{Outcome: ImplicitDeny, PolicyType: t}
}

func (k Kind) policyType() PolicyType {
	switch k {
	case Resource, Trust:
		return ResourceBased
	case Session:
		return SessionPolicy
	}
	return IdentityBased
}

// evalResult summarises the statements of one policy type that applied.
type evalResult struct {
	hasDeny, hasAllow bool
	deny, allow       Match // the first applicable Deny and Allow
	grant             grant // the strongest principal grant among Allows
	grantBy           Match
}

// explanation collects every applicable statement for Explain.
type explanation struct {
	denies, allows []Match
}

// eval runs p's statements. Without an explanation it stops at the first
// applicable Deny, which decides the whole request.
func (p *Policy) eval(ec *evalCtx, t PolicyType, idx int, r *evalResult, ex *explanation) {
	for i := range p.stmts {
		s := &p.stmts[i]
		ok, g := s.applies(ec)
		if !ok {
			continue
		}
		m := Match{Type: t, Policy: idx, Statement: i, Sid: s.sid}
		if s.deny {
			if !r.hasDeny {
				r.hasDeny, r.deny = true, m
			}
			if ex == nil {
				return
			}
			ex.denies = append(ex.denies, m)
			continue
		}
		if !r.hasAllow {
			r.hasAllow, r.allow = true, m
		}
		if g > r.grant {
			r.grant, r.grantBy = g, m
		}
		if ex != nil {
			ex.allows = append(ex.allows, m)
		}
	}
}

// evaluator evaluates the policy types in the order their Denies are
// reported.
type evaluator struct {
	ec     evalCtx
	ex     *explanation
	r      [numPolicyTypes]evalResult
	denied bool
}

func (e *evaluator) list(t PolicyType, ps []*Policy, base int) {
	for i, p := range ps {
		e.one(t, p, base+i)
	}
}

func (e *evaluator) one(t PolicyType, p *Policy, idx int) {
	e.into(&e.r[t], t, p, idx)
}

func (e *evaluator) into(r *evalResult, t PolicyType, p *Policy, idx int) {
	if p == nil || e.denied && e.ex == nil {
		return
	}
	p.eval(&e.ec, t, idx, r, e.ex)
	e.denied = e.denied || r.hasDeny
}

// levels evaluates Organizations policies level by level and reports
// whether every level has an applicable Allow.
func (e *evaluator) levels(t PolicyType, levels [][]*Policy) bool {
	ok, base := true, 0
	all := &e.r[t]
	for _, level := range levels {
		var r evalResult
		for i, p := range level {
			e.into(&r, t, p, base+i)
		}
		if r.hasDeny && !all.hasDeny {
			all.hasDeny, all.deny = true, r.deny
		}
		if r.hasAllow && !all.hasAllow {
			all.hasAllow, all.allow = true, r.allow
		}
		ok = ok && r.hasAllow
		base += len(level)
	}
	return ok
}

var denyOrder = [...]PolicyType{ServiceControl, ResourceControl, IdentityBased, ResourceBased,
	PermissionsBoundary, SessionPolicy}

func decide(req *Request, ps *Policies, ex *explanation) Decision {
	if ps == nil {
		ps = &Policies{}
	}
	if t, ok := checkSlots(ps); !ok {
		return implicit(t)
	}
	e := evaluator{ec: newEvalCtx(req), ex: ex}
	p := &req.Principal
	scpOK := !p.Type.inAccount() || e.levels(ServiceControl, ps.ServiceControl)
	rcpOK := p.Type == ServicePrincipal || e.levels(ResourceControl, ps.ResourceControl)
	e.list(IdentityBased, ps.Identity, 0)
	e.one(ResourceBased, ps.Resource, 0)
	e.one(PermissionsBoundary, ps.Boundary, 0)
	e.list(SessionPolicy, ps.Session, 0)
	for _, t := range denyOrder {
		if e.r[t].hasDeny {
			return Decision{Outcome: ExplicitDeny, PolicyType: t, By: e.r[t].deny}
		}
	}
	switch {
	case !rcpOK:
		return implicit(ResourceControl)
	case !p.Type.inAccount():
		// Services, identity providers and anonymous callers have no
		// identity side: the resource policy alone decides.
		return allowIf(&e.r[ResourceBased], ResourceBased)
	case !scpOK:
		return implicit(ServiceControl)
	}
	return e.decideAccount(ps, p, resourceAccount(ps, &e.ec))
}

// checkSlots verifies that every policy sits in a slot of its kind. A
// policy without Principal in the resource slot would grant everyone, so a
// mismatch is an evaluation error, and evaluation errors deny.
func checkSlots(ps *Policies) (PolicyType, bool) {
	noPrincipal := func(k Kind) bool { return k == Identity || k == Session }
	withPrincipal := func(k Kind) bool { return k == Resource || k == Trust }
	for _, slot := range [...]struct {
		t    PolicyType
		list []*Policy
		ok   func(Kind) bool
	}{
		{IdentityBased, ps.Identity, noPrincipal},
		{SessionPolicy, ps.Session, noPrincipal},
		{PermissionsBoundary, []*Policy{ps.Boundary}, noPrincipal},
		{ResourceBased, []*Policy{ps.Resource}, withPrincipal},
	} {
		for _, p := range slot.list {
			if p != nil && !slot.ok(p.kind) {
				return slot.t, false
			}
		}
	}
	for _, level := range ps.ServiceControl {
		for _, p := range level {
			if p != nil && !noPrincipal(p.kind) {
				return ServiceControl, false
			}
		}
	}
	return 0, true
}

// decideAccount finishes §4.8 for a principal that belongs to an account.
func (e *evaluator) decideAccount(ps *Policies, p *Principal, resAccount string) Decision {
	id, rs := &e.r[IdentityBased], &e.r[ResourceBased]
	boundaryOK := ps.Boundary == nil || e.r[PermissionsBoundary].hasAllow
	sessionOK := !p.Type.isSession() ||
		len(ps.Session) == 0 && p.Type == AssumedRole ||
		len(ps.Session) > 0 && e.r[SessionPolicy].hasAllow
	identityOK := p.Type == Root || id.hasAllow
	if resAccount != p.Account {
		switch {
		case !identityOK:
			return implicit(IdentityBased)
		case !boundaryOK:
			return implicit(PermissionsBoundary)
		case !sessionOK:
			return implicit(SessionPolicy)
		case !rs.hasAllow:
			return implicit(ResourceBased)
		case p.Type == Root:
			return allowed(rs.allow)
		}
		return allowed(id.allow)
	}
	if rs.grant == grantDirect || rs.grant == grantRole && boundaryOK && sessionOK {
		return allowed(rs.grantBy)
	}
	switch {
	case ps.Resource != nil && ps.Resource.kind == Trust && !rs.hasAllow:
		return implicit(ResourceBased)
	case p.Type == Root:
		if rs.hasAllow {
			return allowed(rs.allow)
		}
		return allowed(id.allow)
	case !id.hasAllow:
		return implicit(IdentityBased)
	case !boundaryOK:
		return implicit(PermissionsBoundary)
	case !sessionOK:
		return implicit(SessionPolicy)
	}
	return allowed(id.allow)
}

// resourceAccount is the account owning the request's resource.
func resourceAccount(ps *Policies, ec *evalCtx) string {
	if ps.ResourceAccount != "" {
		return ps.ResourceAccount
	}
	if ec.resOK && isAccountID(ec.res[4]) {
		return ec.res[4]
	}
	return ec.req.Principal.Account
}

func implicit(t PolicyType) Decision { return Decision{Outcome: ImplicitDeny, PolicyType: t} }

func allowed(by Match) Decision { return Decision{Outcome: Allowed, PolicyType: by.Type, By: by} }

func allowIf(r *evalResult, t PolicyType) Decision {
	if r.hasAllow {
		return allowed(r.allow)
	}
	return implicit(t)
}

// DenialMessage returns AWS's AccessDenied text for a denied request
// (§4.8), "" when d allows. AssumeRole-family denials end at the resource,
// as STS's do.
func DenialMessage(req *Request, d Decision) string {
	if d.Allowed() {
		return ""
	}
	who := req.Principal.ARN
	if who == "" {
		who = "anonymous"
	}
	msg := "User: " + who + " is not authorized to perform: " + req.Action + " on resource: " + req.Resource
	if isAssumeRole(req.Action) {
		return msg
	}
	t := d.PolicyType
	if t == 0 || t >= numPolicyTypes {
		t = IdentityBased
	}
	if d.Outcome == ExplicitDeny {
		article := "a "
		if t == IdentityBased {
			article = "an "
		}
		return msg + " with an explicit deny in " + article + t.String()
	}
	return msg + " because no " + t.String() + " allows the " + req.Action + " action"
}

func isAssumeRole(action string) bool {
	for _, a := range [...]string{"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"} {
		if strings.EqualFold(action, a) {
			return true
		}
	}
	return false
}
