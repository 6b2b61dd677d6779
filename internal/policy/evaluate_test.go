package policy

import (
	"slices"
	"testing"

	"lambent/internal/errkind"
)

const invoke = "lambda:InvokeFunction"

type decisionCase struct {
	name     string
	p        Principal
	resource string // defaults to fnA
	ps       Policies
	ctx      map[string][]string
	want     Outcome
	wantType PolicyType
}

func runDecisionCases(t *testing.T, action string, cases []decisionCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.resource
			if res == "" {
				res = fnA
			}
			req := &Request{Principal: c.p, Action: action, Resource: res, Context: c.ctx}
			got := Evaluate(req, &c.ps)
			if got.Outcome != c.want || got.PolicyType != c.wantType {
				t.Errorf("got %v (%v), want %v (%v); message %q", got.Outcome, got.PolicyType, c.want, c.wantType,
					DenialMessage(req, got))
			}
			if ex := Explain(req, &c.ps); ex.Outcome != got.Outcome || ex.PolicyType != got.PolicyType {
				t.Errorf("Explain = %v (%v), Evaluate = %v (%v)", ex.Outcome, ex.PolicyType, got.Outcome, got.PolicyType)
			}
		})
	}
}

// resourceAllow is a function policy granting invoke on fnA to principal
// (a JSON Principal value).
func resourceAllow(t *testing.T, principal string) *Policy {
	return rsp(t, `{"Sid":"grant","Effect":"Allow","Principal":`+principal+`,"Action":"lambda:InvokeFunction","Resource":"`+fnA+`"}`)
}

func TestDecisionSameAccount(t *testing.T) {
	idAllow := idp(t, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}`)
	idDeny := idp(t, `{"Effect":"Deny","Action":"lambda:*","Resource":"*"}`)
	otherAllow := idp(t, `{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}`)
	rsUser := resourceAllow(t, `{"AWS":"`+aliceARN+`"}`)
	rsUserID := resourceAllow(t, `{"AWS":"AIDAALICEALICEALICEAA"}`)
	rsAccount := resourceAllow(t, `{"AWS":"111111111111"}`)
	rsRoot := resourceAllow(t, `{"AWS":"arn:aws:iam::111111111111:root"}`)
	rsRole := resourceAllow(t, `{"AWS":"`+roleA+`"}`)
	rsRoleID := resourceAllow(t, `{"AWS":"AROADEPLOYERDEPLOYERD"}`)
	rsSession := resourceAllow(t, `{"AWS":"`+session.ARN+`"}`)
	rsStar := resourceAllow(t, `"*"`)
	rsAWSStar := resourceAllow(t, `{"AWS":"*"}`)
	rsDeny := rsp(t, `{"Effect":"Deny","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}`)
	boundaryOther := idp(t, `{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}`)
	boundaryAll := idp(t, `{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`)
	boundaryDeny := idp(t, `{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*"}`)
	sessOther := mustParse(t, Session, doc(`{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}`))
	sessAll := mustParse(t, Session, doc(`{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`))
	ids := func(ps ...*Policy) []*Policy { return ps }

	runDecisionCases(t, invoke, []decisionCase{
		{name: "no policies", p: alice, want: ImplicitDeny, wantType: IdentityBased},
		{name: "identity allows", p: alice, ps: Policies{Identity: ids(idAllow)}, want: Allowed, wantType: IdentityBased},
		{name: "identity allows another action", p: alice, ps: Policies{Identity: ids(otherAllow)}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "any identity policy suffices", p: alice, ps: Policies{Identity: ids(otherAllow, idAllow)}, want: Allowed, wantType: IdentityBased},
		{name: "resource names user", p: alice, ps: Policies{Resource: rsUser}, want: Allowed, wantType: ResourceBased},
		{name: "resource names user by unique ID", p: alice, ps: Policies{Resource: rsUserID}, want: Allowed, wantType: ResourceBased},
		{name: "resource names account only", p: alice, ps: Policies{Resource: rsAccount}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "resource names account root only", p: alice, ps: Policies{Resource: rsRoot}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "resource names account, identity allows", p: alice, ps: Policies{Resource: rsAccount, Identity: ids(idAllow)},
			want: Allowed, wantType: IdentityBased},
		{name: "resource names *", p: alice, ps: Policies{Resource: rsStar}, want: Allowed, wantType: ResourceBased},
		{name: "resource names AWS *", p: alice, ps: Policies{Resource: rsAWSStar}, want: Allowed, wantType: ResourceBased},
		{name: "resource names another user", p: alice, ps: Policies{Resource: resourceAllow(t, `{"AWS":"arn:aws:iam::111111111111:user/eve"}`)},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "identity deny beats resource allow", p: alice, ps: Policies{Identity: ids(idDeny), Resource: rsUser},
			want: ExplicitDeny, wantType: IdentityBased},
		{name: "resource deny beats identity allow", p: alice, ps: Policies{Identity: ids(idAllow), Resource: rsDeny},
			want: ExplicitDeny, wantType: ResourceBased},
		{name: "deny in one identity policy beats allow in another", p: alice, ps: Policies{Identity: ids(idAllow, idDeny)},
			want: ExplicitDeny, wantType: IdentityBased},
		// Permissions boundaries.
		{name: "boundary does not allow", p: alice, ps: Policies{Identity: ids(idAllow), Boundary: boundaryOther},
			want: ImplicitDeny, wantType: PermissionsBoundary},
		{name: "boundary allows", p: alice, ps: Policies{Identity: ids(idAllow), Boundary: boundaryAll}, want: Allowed, wantType: IdentityBased},
		{name: "boundary alone grants nothing", p: alice, ps: Policies{Boundary: boundaryAll}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "boundary deny", p: alice, ps: Policies{Identity: ids(idAllow), Boundary: boundaryDeny},
			want: ExplicitDeny, wantType: PermissionsBoundary},
		{name: "resource names user: boundary not consulted", p: alice, ps: Policies{Resource: rsUser, Boundary: boundaryOther},
			want: Allowed, wantType: ResourceBased},
		// Sessions.
		{name: "role session, identity allows, no session policy", p: session, ps: Policies{Identity: ids(idAllow)},
			want: Allowed, wantType: IdentityBased},
		{name: "role session, session policy does not allow", p: session, ps: Policies{Identity: ids(idAllow), Session: ids(sessOther)},
			want: ImplicitDeny, wantType: SessionPolicy},
		{name: "role session, session policy allows", p: session, ps: Policies{Identity: ids(idAllow), Session: ids(sessOther, sessAll)},
			want: Allowed, wantType: IdentityBased},
		{name: "session policy alone grants nothing", p: session, ps: Policies{Session: ids(sessAll)},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "federated user without session policy", p: fedUser, ps: Policies{Identity: ids(idAllow)},
			want: ImplicitDeny, wantType: SessionPolicy},
		{name: "federated user with session policy", p: fedUser, ps: Policies{Identity: ids(idAllow), Session: ids(sessAll)},
			want: Allowed, wantType: IdentityBased},
		{name: "resource names role", p: session, ps: Policies{Resource: rsRole}, want: Allowed, wantType: ResourceBased},
		{name: "resource names role by unique ID", p: session, ps: Policies{Resource: rsRoleID}, want: Allowed, wantType: ResourceBased},
		{name: "resource names role, session policy does not allow", p: session, ps: Policies{Resource: rsRole, Session: ids(sessOther)},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "resource names role, boundary does not allow", p: session, ps: Policies{Resource: rsRole, Boundary: boundaryOther},
			want: ImplicitDeny, wantType: IdentityBased},
		{name: "resource names role, boundary blocks, identity allows", p: session,
			ps: Policies{Resource: rsRole, Boundary: boundaryOther, Identity: ids(idAllow)}, want: ImplicitDeny, wantType: PermissionsBoundary},
		{name: "resource names session: not limited by session policy", p: session, ps: Policies{Resource: rsSession, Session: ids(sessOther)},
			want: Allowed, wantType: ResourceBased},
		{name: "resource names role, other role's session", p: Principal{Type: AssumedRole, Account: acctA,
			ARN: "arn:aws:sts::111111111111:assumed-role/other/s", RoleARN: "arn:aws:iam::111111111111:role/other"},
			ps: Policies{Resource: rsRole}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "role matched by name when RoleARN unknown", p: Principal{Type: AssumedRole, Account: acctA,
			ARN: "arn:aws:sts::111111111111:assumed-role/deployer/x"}, ps: Policies{Resource: rsRole}, want: Allowed, wantType: ResourceBased},
		// Root, services, anonymous.
		{name: "root needs no identity policy", p: rootA, want: Allowed},
		{name: "root is bound by resource deny", p: rootA, ps: Policies{Resource: rsDeny}, want: ExplicitDeny, wantType: ResourceBased},
		{name: "service named", p: Principal{Type: ServicePrincipal, ARN: "s3.amazonaws.com"},
			ps: Policies{Resource: resourceAllow(t, `{"Service":"s3.amazonaws.com"}`)}, want: Allowed, wantType: ResourceBased},
		{name: "service not named", p: Principal{Type: ServicePrincipal, ARN: "sns.amazonaws.com"},
			ps: Policies{Resource: resourceAllow(t, `{"Service":"s3.amazonaws.com"}`)}, want: ImplicitDeny, wantType: ResourceBased},
		{name: "service ignores identity policies", p: Principal{Type: ServicePrincipal, ARN: "s3.amazonaws.com"},
			ps: Policies{Identity: ids(idAllow)}, want: ImplicitDeny, wantType: ResourceBased},
		{name: "service matched by account principal? no", p: Principal{Type: ServicePrincipal, ARN: "s3.amazonaws.com"},
			ps: Policies{Resource: rsAccount}, want: ImplicitDeny, wantType: ResourceBased},
		{name: "anonymous, *", p: anon, ps: Policies{Resource: rsStar}, want: Allowed, wantType: ResourceBased},
		{name: "anonymous, account", p: anon, ps: Policies{Resource: rsAccount}, want: ImplicitDeny, wantType: ResourceBased},
		{name: "anonymous, identity policies are not its own", p: anon, ps: Policies{Identity: ids(idAllow)},
			want: ImplicitDeny, wantType: ResourceBased},
	})
}

func TestDecisionServiceConditions(t *testing.T) {
	// The confused-deputy guard of §7.4: a service grant conditioned on
	// aws:SourceArn and aws:SourceAccount.
	rs := rsp(t, `{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",
		"Resource":"`+fnA+`","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::uploads"},
		"StringEquals":{"aws:SourceAccount":"111111111111"}}}`)
	s3 := Principal{Type: ServicePrincipal, ARN: "s3.amazonaws.com"}
	runDecisionCases(t, invoke, []decisionCase{
		{name: "source matches", p: s3, ps: Policies{Resource: rs},
			ctx: ctx("aws:SourceArn", "arn:aws:s3:::uploads", "aws:SourceAccount", acctA), want: Allowed, wantType: ResourceBased},
		{name: "other bucket", p: s3, ps: Policies{Resource: rs},
			ctx: ctx("aws:SourceArn", "arn:aws:s3:::other", "aws:SourceAccount", acctA), want: ImplicitDeny, wantType: ResourceBased},
		{name: "no source keys", p: s3, ps: Policies{Resource: rs}, want: ImplicitDeny, wantType: ResourceBased},
	})
}

func TestDecisionCrossAccount(t *testing.T) {
	idAllow := idp(t, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}`)
	boundaryOther := idp(t, `{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}`)
	rsBob := resourceAllow(t, `{"AWS":"`+bobARN+`"}`)
	rsAcctB := resourceAllow(t, `{"AWS":"222222222222"}`)
	rsStar := resourceAllow(t, `"*"`)
	rsDeny := rsp(t, `{"Effect":"Deny","Principal":{"AWS":"222222222222"},"Action":"lambda:*","Resource":"*"}`)
	rootB := Principal{Type: Root, ARN: "arn:aws:iam::222222222222:root", Account: acctB}
	ids := func(ps ...*Policy) []*Policy { return ps }

	runDecisionCases(t, invoke, []decisionCase{
		{name: "identity only", p: bob, ps: Policies{Identity: ids(idAllow)}, want: ImplicitDeny, wantType: ResourceBased},
		{name: "resource names user, no identity", p: bob, ps: Policies{Resource: rsBob}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "resource * alone", p: bob, ps: Policies{Resource: rsStar}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "both sides, user", p: bob, ps: Policies{Identity: ids(idAllow), Resource: rsBob}, want: Allowed, wantType: IdentityBased},
		{name: "both sides, account", p: bob, ps: Policies{Identity: ids(idAllow), Resource: rsAcctB}, want: Allowed, wantType: IdentityBased},
		{name: "both sides, boundary blocks", p: bob, ps: Policies{Identity: ids(idAllow), Resource: rsBob, Boundary: boundaryOther},
			want: ImplicitDeny, wantType: PermissionsBoundary},
		{name: "resource names another account", p: bob, ps: Policies{Identity: ids(idAllow), Resource: resourceAllow(t, `{"AWS":"333333333333"}`)},
			want: ImplicitDeny, wantType: ResourceBased},
		{name: "resource deny", p: bob, ps: Policies{Identity: ids(idAllow), Resource: rsDeny}, want: ExplicitDeny, wantType: ResourceBased},
		{name: "root of the other account, named", p: rootB, ps: Policies{Resource: rsAcctB}, want: Allowed, wantType: ResourceBased},
		{name: "root of the other account, not named", p: rootB, want: ImplicitDeny, wantType: ResourceBased},
		{name: "explicit ResourceAccount", p: bob, resource: "*", ps: Policies{Identity: ids(idAllow), ResourceAccount: acctA},
			want: ImplicitDeny, wantType: ResourceBased},
		{name: "resource without account is the caller's", p: bob, resource: "*", ps: Policies{Identity: ids(idAllow)},
			want: Allowed, wantType: IdentityBased},
	})
}

func TestDecisionTrust(t *testing.T) {
	trustUser := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":{"AWS":"`+aliceARN+`"},"Action":"sts:AssumeRole"}`))
	trustAcct := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`))
	trustBob := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":{"AWS":"`+bobARN+`"},"Action":"sts:AssumeRole",
		"Condition":{"StringEquals":{"sts:ExternalId":"ext-42"}}}`))
	trustLambda := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`))
	trustRole := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":{"AWS":"`+roleA+`"},"Action":["sts:AssumeRole","sts:TagSession"]}`))
	trustDeny := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`,
		`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`))
	idAssume := idp(t, `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}`)
	const roleA2 = "arn:aws:iam::111111111111:role/target"
	tests := []struct {
		name     string
		p        Principal
		role     string
		trust    *Policy
		identity []*Policy
		ctx      map[string][]string
		want     Outcome
		wantType PolicyType
	}{
		{"trust names user", alice, roleA2, trustUser, nil, nil, Allowed, ResourceBased},
		{"trust names account, no identity", alice, roleA2, trustAcct, nil, nil, ImplicitDeny, IdentityBased},
		{"trust names account, identity allows", alice, roleA2, trustAcct, []*Policy{idAssume}, nil, Allowed, IdentityBased},
		{"trust does not name caller, identity allows", alice, roleA2, trustBob, []*Policy{idAssume}, nil, ImplicitDeny, ResourceBased},
		{"cross-account, external ID, identity allows", bob, roleA2, trustBob, []*Policy{idAssume},
			ctx("sts:ExternalId", "ext-42"), Allowed, IdentityBased},
		{"cross-account, external ID, no identity", bob, roleA2, trustBob, nil, ctx("sts:ExternalId", "ext-42"), ImplicitDeny, IdentityBased},
		{"cross-account, wrong external ID", bob, roleA2, trustBob, []*Policy{idAssume}, ctx("sts:ExternalId", "ext-43"),
			ImplicitDeny, ResourceBased},
		{"cross-account, no external ID", bob, roleA2, trustBob, []*Policy{idAssume}, nil, ImplicitDeny, ResourceBased},
		{"lambda assumes execution role", lambdaS, roleA2, trustLambda, nil, nil, Allowed, ResourceBased},
		{"other service", Principal{Type: ServicePrincipal, ARN: "ec2.amazonaws.com"}, roleA2, trustLambda, nil, nil,
			ImplicitDeny, ResourceBased},
		{"role chaining", session, roleA2, trustRole, nil, nil, Allowed, ResourceBased},
		{"trust deny", alice, roleA2, trustDeny, []*Policy{idAssume}, ctx("aws:MultiFactorAuthPresent", "false"),
			ExplicitDeny, ResourceBased},
		{"trust deny not triggered", alice, roleA2, trustDeny, nil, ctx("aws:MultiFactorAuthPresent", "true"), Allowed, ResourceBased},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &Request{Principal: tt.p, Action: "sts:AssumeRole", Resource: tt.role, Context: tt.ctx}
			got := EvaluateTrust(req, tt.trust, &Policies{Identity: tt.identity})
			if got.Outcome != tt.want || got.PolicyType != tt.wantType {
				t.Errorf("got %v (%v), want %v (%v)", got.Outcome, got.PolicyType, tt.want, tt.wantType)
			}
		})
	}
	t.Run("not a trust policy", func(t *testing.T) {
		req := &Request{Principal: alice, Action: "sts:AssumeRole", Resource: roleA2}
		if got := EvaluateTrust(req, idAssume, nil); got.Allowed() {
			t.Fatal("an identity policy served as trust policy")
		}
	})
}

func TestNotPrincipal(t *testing.T) {
	// Deny everyone but alice (and her account) and the deployer session.
	rs := rsp(t, `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}`,
		`{"Effect":"Deny","NotPrincipal":{"AWS":["111111111111","`+aliceARN+`","`+session.ARN+`"]},"Action":"lambda:*","Resource":"*"}`)
	roleOnly := rsp(t, `{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"*"}`,
		`{"Effect":"Deny","NotPrincipal":{"AWS":["111111111111","`+roleA+`"]},"Action":"lambda:*","Resource":"*"}`)
	eve := Principal{Type: User, ARN: "arn:aws:iam::111111111111:user/eve", Account: acctA}
	runDecisionCases(t, invoke, []decisionCase{
		{name: "listed user", p: alice, ps: Policies{Resource: rs}, want: Allowed, wantType: ResourceBased},
		{name: "listed session", p: session, ps: Policies{Resource: rs}, want: Allowed, wantType: ResourceBased},
		{name: "unlisted user of the listed account", p: eve, ps: Policies{Resource: rs}, want: ExplicitDeny, wantType: ResourceBased},
		{name: "root of the listed account", p: rootA, ps: Policies{Resource: rs}, want: Allowed, wantType: ResourceBased},
		{name: "other account", p: bob, ps: Policies{Resource: rs}, want: ExplicitDeny, wantType: ResourceBased},
		{name: "anonymous", p: anon, ps: Policies{Resource: rs}, want: ExplicitDeny, wantType: ResourceBased},
		{name: "role listed without session: session denied", p: session, ps: Policies{Resource: roleOnly},
			want: ExplicitDeny, wantType: ResourceBased},
	})
}

func TestServiceControlHook(t *testing.T) {
	idAllow := idp(t, `{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`)
	full := idp(t, `{"Effect":"Allow","Action":"*","Resource":"*"}`)
	noLambda := idp(t, `{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	denyInvoke := idp(t, `{"Effect":"Allow","Action":"*","Resource":"*"}`, `{"Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*"}`)
	runDecisionCases(t, invoke, []decisionCase{
		{name: "every level allows", p: alice, ps: Policies{Identity: []*Policy{idAllow},
			ServiceControl: [][]*Policy{{full}, {noLambda, full}}}, want: Allowed, wantType: IdentityBased},
		{name: "one level does not allow", p: alice, ps: Policies{Identity: []*Policy{idAllow},
			ServiceControl: [][]*Policy{{full}, {noLambda}}}, want: ImplicitDeny, wantType: ServiceControl},
		{name: "SCP deny", p: alice, ps: Policies{Identity: []*Policy{idAllow}, ServiceControl: [][]*Policy{{denyInvoke}}},
			want: ExplicitDeny, wantType: ServiceControl},
		{name: "SCPs grant nothing", p: alice, ps: Policies{ServiceControl: [][]*Policy{{full}}}, want: ImplicitDeny, wantType: IdentityBased},
		{name: "SCPs do not bind services", p: lambdaS, ps: Policies{Resource: resourceAllow(t, `{"Service":"lambda.amazonaws.com"}`),
			ServiceControl: [][]*Policy{{noLambda}}}, want: Allowed, wantType: ResourceBased},
		{name: "RCP does not allow", p: alice, ps: Policies{Identity: []*Policy{idAllow},
			ResourceControl: [][]*Policy{{noLambda}}}, want: ImplicitDeny, wantType: ResourceControl},
		{name: "RCP deny", p: alice, ps: Policies{Identity: []*Policy{idAllow}, ResourceControl: [][]*Policy{{denyInvoke}}},
			want: ExplicitDeny, wantType: ResourceControl},
	})
}

// TestStatementOrderIrrelevant: the strongest grant wins whatever the
// statement order, so an account-only statement before a direct one does
// not hide it.
func TestStatementOrderIrrelevant(t *testing.T) {
	acct := `{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"lambda:InvokeFunction","Resource":"*"}`
	user := `{"Effect":"Allow","Principal":{"AWS":"` + aliceARN + `"},"Action":"lambda:InvokeFunction","Resource":"*"}`
	for _, order := range [][]string{{acct, user}, {user, acct}} {
		got := Evaluate(&Request{Principal: alice, Action: invoke, Resource: fnA}, &Policies{Resource: rsp(t, order...)})
		if !got.Allowed() || got.By.Statement != slices.Index(order, user) {
			t.Errorf("order %d: got %v by statement %d", slices.Index(order, user), got.Outcome, got.By.Statement)
		}
	}
}

func TestDenialMessages(t *testing.T) {
	idAllow := idp(t, `{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`)
	idDeny := idp(t, `{"Effect":"Deny","Action":"lambda:*","Resource":"*"}`)
	rsDeny := rsp(t, `{"Effect":"Deny","Principal":"*","Action":"lambda:*","Resource":"*"}`)
	boundary := idp(t, `{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	boundaryDeny := idp(t, `{"Effect":"Deny","Action":"lambda:*","Resource":"*"}`)
	sess := mustParse(t, Session, doc(`{"Effect":"Allow","Action":"iam:*","Resource":"*"}`))
	sessDeny := mustParse(t, Session, doc(`{"Effect":"Deny","Action":"*","Resource":"*"}`))
	scp := idp(t, `{"Effect":"Allow","Action":"iam:*","Resource":"*"}`)
	trust := mustParse(t, Trust, doc(`{"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"sts:AssumeRole"}`))
	const prefix = "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: " + fnA
	tests := []struct {
		name   string
		p      Principal
		action string
		res    string
		ps     Policies
		want   string
	}{
		{"no identity allow", alice, invoke, fnA, Policies{},
			prefix + " because no identity-based policy allows the lambda:InvokeFunction action"},
		{"identity deny", alice, invoke, fnA, Policies{Identity: []*Policy{idDeny}},
			prefix + " with an explicit deny in an identity-based policy"},
		{"resource deny", alice, invoke, fnA, Policies{Identity: []*Policy{idAllow}, Resource: rsDeny},
			prefix + " with an explicit deny in a resource-based policy"},
		{"boundary", alice, invoke, fnA, Policies{Identity: []*Policy{idAllow}, Boundary: boundary},
			prefix + " because no permissions boundary allows the lambda:InvokeFunction action"},
		{"boundary deny", alice, invoke, fnA, Policies{Identity: []*Policy{idAllow}, Boundary: boundaryDeny},
			prefix + " with an explicit deny in a permissions boundary"},
		{"session", session, invoke, fnA, Policies{Identity: []*Policy{idAllow}, Session: []*Policy{sess}},
			"User: " + session.ARN + " is not authorized to perform: lambda:InvokeFunction on resource: " + fnA +
				" because no session policy allows the lambda:InvokeFunction action"},
		{"session deny", session, invoke, fnA, Policies{Identity: []*Policy{idAllow}, Session: []*Policy{sessDeny}},
			"User: " + session.ARN + " is not authorized to perform: lambda:InvokeFunction on resource: " + fnA +
				" with an explicit deny in a session policy"},
		{"scp", alice, invoke, fnA, Policies{Identity: []*Policy{idAllow}, ServiceControl: [][]*Policy{{scp}}},
			prefix + " because no service control policy allows the lambda:InvokeFunction action"},
		{"cross-account resource side", bob, invoke, fnA, Policies{Identity: []*Policy{idAllow}},
			"User: " + bobARN + " is not authorized to perform: lambda:InvokeFunction on resource: " + fnA +
				" because no resource-based policy allows the lambda:InvokeFunction action"},
		{"anonymous", anon, invoke, fnA, Policies{},
			"User: anonymous is not authorized to perform: lambda:InvokeFunction on resource: " + fnA +
				" because no resource-based policy allows the lambda:InvokeFunction action"},
		{"AssumeRole ends at the resource", Principal{Type: User, ARN: "arn:aws:iam::111111111111:user/x", Account: acctA},
			"sts:AssumeRole", "arn:aws:iam::222222222222:role/R", Policies{Resource: trust},
			"User: arn:aws:iam::111111111111:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/R"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := &Request{Principal: tt.p, Action: tt.action, Resource: tt.res}
			d := Evaluate(req, &tt.ps)
			if got := DenialMessage(req, d); got != tt.want {
				t.Errorf("DenialMessage:\n got %q\nwant %q", got, tt.want)
			}
			err := d.Err(req)
			if e, ok := errkind.As(err); !ok || e.Kind != errkind.AccessDenied || e.Public != tt.want {
				t.Errorf("Err = %v", err)
			}
		})
	}
	t.Run("allowed", func(t *testing.T) {
		req := &Request{Principal: alice, Action: invoke, Resource: fnA}
		d := Evaluate(req, &Policies{Identity: []*Policy{idAllow}})
		if DenialMessage(req, d) != "" || d.Err(req) != nil {
			t.Fatal("allowed decision has a denial")
		}
	})
}

func TestExplain(t *testing.T) {
	a := idp(t, `{"Sid":"A1","Effect":"Allow","Action":"lambda:Get*","Resource":"*"}`,
		`{"Sid":"A2","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}`)
	b := idp(t, `{"Sid":"B1","Effect":"Allow","Action":"lambda:*","Resource":"*"}`,
		`{"Sid":"B2","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"B3","Effect":"Deny","Action":"lambda:Invoke*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
	rs := rsp(t, `{"Sid":"R1","Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"lambda:InvokeFunction","Resource":"*"}`)
	ps := &Policies{Identity: []*Policy{a, b}, Resource: rs}
	tests := []struct {
		name string
		ctx  map[string][]string
		want []Match
	}{
		{"allow lists every allowing statement", ctx("aws:SecureTransport", "true"), []Match{
			{Type: IdentityBased, Policy: 0, Statement: 1, Sid: "A2"},
			{Type: IdentityBased, Policy: 1, Statement: 0, Sid: "B1"},
			{Type: ResourceBased, Policy: 0, Statement: 0, Sid: "R1"},
		}},
		{"deny lists only denies", ctx("aws:SecureTransport", "false"), []Match{
			{Type: IdentityBased, Policy: 1, Statement: 1, Sid: "B2"},
			{Type: IdentityBased, Policy: 1, Statement: 2, Sid: "B3"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Explain(&Request{Principal: alice, Action: invoke, Resource: fnA, Context: tt.ctx}, ps)
			if !slices.Equal(d.Matched, tt.want) {
				t.Errorf("Matched = %+v\nwant %+v", d.Matched, tt.want)
			}
			if len(d.Matched) > 0 && d.By != d.Matched[0] {
				t.Errorf("By = %+v, want first match %+v", d.By, d.Matched[0])
			}
		})
	}
	t.Run("implicit deny lists nothing", func(t *testing.T) {
		d := Explain(&Request{Principal: alice, Action: "iam:GetRole", Resource: "*"}, ps)
		if d.Outcome != ImplicitDeny || d.Matched != nil {
			t.Errorf("got %v %+v", d.Outcome, d.Matched)
		}
	})
}

// TestSlotKinds: a policy of the wrong kind in a slot denies instead of
// being misread (an identity policy as resource policy would grant all).
func TestSlotKinds(t *testing.T) {
	id := idp(t, `{"Effect":"Allow","Action":"*","Resource":"*"}`)
	rs := resourceAllow(t, `"*"`)
	tests := []struct {
		name string
		ps   Policies
		want PolicyType
	}{
		{"identity policy as resource policy", Policies{Identity: []*Policy{id}, Resource: id}, ResourceBased},
		{"resource policy as identity policy", Policies{Identity: []*Policy{rs}}, IdentityBased},
		{"resource policy as boundary", Policies{Identity: []*Policy{id}, Boundary: rs}, PermissionsBoundary},
		{"resource policy as session policy", Policies{Identity: []*Policy{id}, Session: []*Policy{rs}}, SessionPolicy},
		{"resource policy as SCP", Policies{Identity: []*Policy{id}, ServiceControl: [][]*Policy{{rs}}}, ServiceControl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(&Request{Principal: bob, Action: invoke, Resource: fnA}, &tt.ps)
			if got.Outcome != ImplicitDeny || got.PolicyType != tt.want {
				t.Errorf("got %v (%v), want implicitDeny (%v)", got.Outcome, got.PolicyType, tt.want)
			}
		})
	}
}
