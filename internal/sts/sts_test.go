package sts

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/clock/clocktest"
	"lambent/internal/enforce"
	"lambent/internal/errkind"
	"lambent/internal/iam"
	"lambent/internal/store/sqlite"
)

const (
	acctA = account.ID("111111111111")
	acctB = account.ID("222222222222")
)

type fixture struct {
	iam   *iam.Service
	auth  *enforce.Authorizer
	sts   *Service
	authn *Authenticator
	clock *clocktest.Clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clocktest.New(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	key := []byte(strings.Repeat("k", 32))
	is, err := iam.New(iam.Config{Store: db, Clock: clk, SecretKey: key, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	az, err := enforce.New(enforce.Config{Identities: is, Resources: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Roles: is, Callers: az, Clock: clk, MasterKey: key})
	if err != nil {
		t.Fatal(err)
	}
	authn := NewAuthenticator([]RootKey{{Account: acctA, AccessKeyID: "AKIAROOTA", SecretAccessKey: "secretA"}}, is, s)
	return &fixture{iam: is, auth: az, sts: s, authn: authn, clock: clk}
}

func root(a account.ID) *authz.Principal {
	return &authz.Principal{Account: a, ARN: "arn:aws:iam::" + string(a) + ":root", UserID: string(a), IsRoot: true, Type: authz.TypeAccount}
}

func trustDoc(principal string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}]}`
}

func (f *fixture) role(t *testing.T, a account.ID, name, trust string) *iam.Role {
	t.Helper()
	r, err := f.iam.CreateRole(context.Background(), a, iam.CreateRoleInput{Name: name, Path: "/", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// user creates a user with an access key and returns the principal the
// Authenticator makes of that key.
func (f *fixture) user(t *testing.T, a account.ID, name string) *authz.Principal {
	t.Helper()
	ctx := context.Background()
	if _, err := f.iam.CreateUser(ctx, a, name, "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	k, err := f.iam.CreateAccessKey(ctx, a, name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.authn.LookupAccessKey(ctx, k.AccessKeyID, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.SecretAccessKey != k.SecretAccessKey {
		t.Fatalf("secret of %s does not round-trip", name)
	}
	return c.Subject.(*authz.Principal)
}

// open authenticates temporary credentials as the SigV4 layer would.
func (f *fixture) open(t *testing.T, c Credentials) *authz.Principal {
	t.Helper()
	got, err := f.authn.LookupAccessKey(context.Background(), c.AccessKeyID, c.SessionToken)
	if err != nil {
		t.Fatalf("look up session: %v", err)
	}
	if got.SecretAccessKey != c.SecretAccessKey || got.SessionToken != c.SessionToken || !got.Expiration.Equal(c.Expiration) {
		t.Fatalf("session credential does not round-trip: %+v", got)
	}
	return got.Subject.(*authz.Principal)
}

func TestAssumeRoleSameAccountRoot(t *testing.T) {
	f := newFixture(t)
	r := f.role(t, acctA, "r1", trustDoc(`{"AWS":"arn:aws:iam::111111111111:root"}`))
	out, err := f.sts.AssumeRole(context.Background(), root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	if out.ARN != "arn:aws:sts::111111111111:assumed-role/r1/s1" || out.AssumedRoleID != r.RoleID+":s1" || out.PackedPolicySize != -1 {
		t.Fatalf("output = %+v", out)
	}
	if !strings.HasPrefix(out.Credentials.AccessKeyID, "ASIA") || out.Credentials.Expiration.Sub(f.clock.Now()) != time.Hour {
		t.Fatalf("credentials = %+v", out.Credentials)
	}
	p := f.open(t, out.Credentials)
	if p.Type != authz.TypeAssumedRole || p.ARN != out.ARN || p.Name != "r1" || p.Session.RoleARN != r.ARN ||
		p.UserID != out.AssumedRoleID || p.Account != acctA {
		t.Fatalf("session principal = %+v %+v", p, p.Session)
	}
}

func TestAssumeRoleTrustAndIdentity(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	alice := f.user(t, acctA, "alice")
	bob := f.user(t, acctA, "bob")
	byAccount := f.role(t, acctA, "by-account", trustDoc(`{"AWS":"111111111111"}`))
	byAlice := f.role(t, acctA, "by-alice", trustDoc(`{"AWS":"`+alice.ARN+`"}`))

	// Trust naming the user directly suffices in the same account.
	if _, err := f.sts.AssumeRole(ctx, alice, AssumeRoleInput{RoleARN: byAlice.ARN, RoleSessionName: "s1"}); err != nil {
		t.Fatalf("alice via direct trust: %v", err)
	}
	if _, err := f.sts.AssumeRole(ctx, bob, AssumeRoleInput{RoleARN: byAlice.ARN, RoleSessionName: "s1"}); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("bob via alice's trust: %v", err)
	}
	// Trust naming the account needs an identity Allow too.
	_, err := f.sts.AssumeRole(ctx, alice, AssumeRoleInput{RoleARN: byAccount.ARN, RoleSessionName: "s1"})
	if !errkind.Is(err, errkind.AccessDenied) || !strings.Contains(err.Error(), "is not authorized to perform: sts:AssumeRole on resource: "+byAccount.ARN) {
		t.Fatalf("alice without identity policy: %v", err)
	}
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + byAccount.ARN + `"}]}`
	if err := f.iam.PutInlinePolicy(ctx, acctA, iam.KindUser, "alice", "assume", allow); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sts.AssumeRole(ctx, alice, AssumeRoleInput{RoleARN: byAccount.ARN, RoleSessionName: "s1"}); err != nil {
		t.Fatalf("alice with identity policy: %v", err)
	}
	// A missing role is an AccessDenied, not a NoSuchEntity.
	_, err = f.sts.AssumeRole(ctx, alice, AssumeRoleInput{RoleARN: "arn:aws:iam::111111111111:role/nope", RoleSessionName: "s1"})
	if !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("missing role: %v", err)
	}
}

func TestAssumeRoleCrossAccountNeedsBothSides(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.role(t, acctB, "cross", trustDoc(`{"AWS":"111111111111"}`))
	// Root of A: identity side is implicit, trust names A.
	if _, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1"}); err != nil {
		t.Fatalf("root of A: %v", err)
	}
	alice := f.user(t, acctA, "alice")
	if _, err := f.sts.AssumeRole(ctx, alice, AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1"}); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("alice without identity policy: %v", err)
	}
	// An account the trust does not name is refused whatever it allows.
	if _, err := f.sts.AssumeRole(ctx, root(account.ID("333333333333")), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1"}); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("untrusted account: %v", err)
	}
}

func TestAssumeRoleDurationsAndChaining(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.role(t, acctA, "r", trustDoc(`{"AWS":"arn:aws:iam::111111111111:root"}`))
	chain := f.role(t, acctA, "chain", trustDoc(`{"AWS":"`+r.ARN+`"}`))
	for _, tt := range []struct {
		d    int
		want string
	}{
		{899, "greater than or equal to 900"},
		{3601, "exceeds the MaxSessionDuration set for this role"},
	} {
		_, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1", DurationSeconds: tt.d})
		if e, ok := errkind.As(err); !ok || e.Detail != "ValidationError" || !strings.Contains(e.Public, tt.want) {
			t.Errorf("duration %d: %v", tt.d, err)
		}
	}
	out, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1", DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	sess := f.open(t, out.Credentials)
	if err := f.iam.UpdateRole(ctx, acctA, "chain", nil, 43200); err != nil {
		t.Fatal(err)
	}
	_, err = f.sts.AssumeRole(ctx, sess, AssumeRoleInput{RoleARN: chain.ARN, RoleSessionName: "c1", DurationSeconds: 7200})
	if e, ok := errkind.As(err); !ok || !strings.Contains(e.Public, "1 hour session limit for roles assumed by role chaining") {
		t.Fatalf("chained 7200: %v", err)
	}
	out, err = f.sts.AssumeRole(ctx, sess, AssumeRoleInput{RoleARN: chain.ARN, RoleSessionName: "c1"})
	if err != nil {
		t.Fatalf("chained default: %v", err)
	}
	if p := f.open(t, out.Credentials); !p.Session.Chained {
		t.Fatal("chained session not marked chained")
	}
}

func TestAssumeRoleExternalID(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"xyz-123"}}}]}`
	r := f.role(t, acctA, "ext", trust)
	if _, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1"}); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("no external ID: %v", err)
	}
	if _, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1", ExternalID: "wrong"}); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("wrong external ID: %v", err)
	}
	if _, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1", ExternalID: "xyz-123"}); err != nil {
		t.Fatalf("right external ID: %v", err)
	}
}

func TestSessionPolicyNarrowsRole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.role(t, acctA, "r", trustDoc(`{"AWS":"arn:aws:iam::111111111111:root"}`))
	if err := f.iam.AttachPolicy(ctx, acctA, iam.KindRole, "r", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	_, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1", Policy: `{"Version":"2012-10-17","Statement":[`})
	if e, ok := errkind.As(err); !ok || e.Detail != "MalformedPolicyDocument" {
		t.Fatalf("malformed session policy: %v", err)
	}
	session := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*"}]}`
	out, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "s1", Policy: session})
	if err != nil {
		t.Fatal(err)
	}
	if out.PackedPolicySize < 1 {
		t.Fatalf("PackedPolicySize = %d", out.PackedPolicySize)
	}
	p := f.open(t, out.Credentials)
	fn := "arn:aws:lambda:us-east-1:111111111111:function:f"
	if err := f.auth.Authorize(ctx, authz.Request{Principal: p, Action: "lambda:GetFunction", Resource: fn, ResourceAccount: acctA}); err != nil {
		t.Fatalf("allowed by role and session policy: %v", err)
	}
	if err := f.auth.Authorize(ctx, authz.Request{Principal: p, Action: "lambda:DeleteFunction", Resource: fn, ResourceAccount: acctA}); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("outside the session policy: %v", err)
	}
}

func TestGetSessionToken(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	alice := f.user(t, acctA, "alice")
	c, err := f.sts.GetSessionToken(ctx, alice, 0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Expiration.Sub(f.clock.Now()) != 12*time.Hour {
		t.Fatalf("default duration: %v", c.Expiration.Sub(f.clock.Now()))
	}
	p := f.open(t, *c)
	if p.Type != authz.TypeUser || p.ARN != alice.ARN || p.Name != "alice" || p.Session == nil {
		t.Fatalf("principal = %+v", p)
	}
	if _, err := f.sts.GetSessionToken(ctx, p, 0); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("with session credentials: %v", err)
	}
	rc, err := f.sts.GetSessionToken(ctx, root(acctA), 7200)
	if err != nil {
		t.Fatal(err)
	}
	if rc.Expiration.Sub(f.clock.Now()) != time.Hour {
		t.Fatalf("root is capped at an hour: %v", rc.Expiration.Sub(f.clock.Now()))
	}
	if _, err := f.sts.GetSessionToken(ctx, alice, 200000); err == nil {
		t.Fatal("duration above 129600 accepted")
	}
}

func TestAuthenticatorRefusesForeignAndTamperedTokens(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c, err := f.sts.GetSessionToken(ctx, root(acctA), 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ id, token string }{
		"other key ID":  {"ASIAAAAAAAAAAAAAAAAA", c.SessionToken},
		"flipped byte":  {c.AccessKeyID, c.SessionToken[:len(c.SessionToken)-2] + flip(c.SessionToken[len(c.SessionToken)-2:])},
		"no prefix":     {c.AccessKeyID, strings.TrimPrefix(c.SessionToken, tokenPrefix)},
		"garbage":       {c.AccessKeyID, "LMT1.!!!"},
		"unknown user":  {"AKIAUNKNOWN", ""},
		"empty session": {c.AccessKeyID, ""},
	} {
		if _, err := f.authn.LookupAccessKey(ctx, tc.id, tc.token); !errkind.Is(err, errkind.NotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A token sealed under another master key does not open.
	other, err := New(Config{Roles: f.iam, Callers: f.auth, Clock: f.clock, MasterKey: []byte(strings.Repeat("o", 32))})
	if err != nil {
		t.Fatal(err)
	}
	oc, err := other.GetSessionToken(ctx, root(acctA), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.authn.LookupAccessKey(ctx, oc.AccessKeyID, oc.SessionToken); !errkind.Is(err, errkind.NotFound) {
		t.Fatalf("foreign token: %v", err)
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == 'A' {
		b[0] = 'B'
	} else {
		b[0] = 'A'
	}
	return string(b)
}

func TestInactiveAccessKeyRefused(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.iam.CreateUser(ctx, acctA, "carol", "/", nil, ""); err != nil {
		t.Fatal(err)
	}
	k, err := f.iam.CreateAccessKey(ctx, acctA, "carol")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.iam.UpdateAccessKey(ctx, acctA, "carol", k.AccessKeyID, "Inactive"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.authn.LookupAccessKey(ctx, k.AccessKeyID, ""); !errkind.Is(err, errkind.NotFound) {
		t.Fatalf("inactive key: %v", err)
	}
}

func TestExecutionCredentials(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fn := "arn:aws:lambda:us-east-1:111111111111:function:fn"
	good := f.role(t, acctA, "exec", trustDoc(`{"Service":"lambda.amazonaws.com"}`))
	bad := f.role(t, acctA, "not-lambda", trustDoc(`{"Service":"ec2.amazonaws.com"}`))
	c, err := f.sts.ExecutionCredentials(ctx, good.ARN, fn, "fn")
	if err != nil {
		t.Fatal(err)
	}
	p := f.open(t, c)
	if p.ARN != "arn:aws:sts::111111111111:assumed-role/exec/fn" || p.Session.SourceFunctionARN != fn {
		t.Fatalf("execution session = %+v %+v", p, p.Session)
	}
	again, err := f.sts.ExecutionCredentials(ctx, good.ARN, fn, "fn")
	if err != nil || again != c {
		t.Fatalf("credentials not reused: %v", err)
	}
	f.clock.Advance(45 * time.Minute) // inside refreshBefore of expiry
	fresh, err := f.sts.ExecutionCredentials(ctx, good.ARN, fn, "fn")
	if err != nil || fresh.AccessKeyID == c.AccessKeyID || !fresh.Expiration.After(c.Expiration) {
		t.Fatalf("credentials not refreshed: %v %+v", err, fresh)
	}
	for _, roleARN := range []string{bad.ARN, "arn:aws:iam::111111111111:role/missing", "not-an-arn"} {
		_, err := f.sts.ExecutionCredentials(ctx, roleARN, fn, "f")
		if e, ok := errkind.As(err); !ok || e.Public != "The role defined for the function cannot be assumed by Lambda." {
			t.Errorf("%s: %v", roleARN, err)
		}
	}
}

func TestRolePolicyChangeAppliesToNextRequest(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fn := "arn:aws:lambda:us-east-1:111111111111:function:f"
	f.role(t, acctA, "exec", trustDoc(`{"Service":"lambda.amazonaws.com"}`))
	c, err := f.sts.ExecutionCredentials(ctx, "arn:aws:iam::111111111111:role/exec", fn, "f")
	if err != nil {
		t.Fatal(err)
	}
	p := f.open(t, c)
	req := authz.Request{Principal: p, Action: "lambda:InvokeFunction", Resource: fn, ResourceAccount: acctA}
	if err := f.auth.Authorize(ctx, req); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("before the policy: %v", err)
	}
	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"ArnEquals":{"lambda:SourceFunctionArn":"` + fn + `"}}}]}`
	if err := f.iam.PutInlinePolicy(ctx, acctA, iam.KindRole, "exec", "invoke", pol); err != nil {
		t.Fatal(err)
	}
	if err := f.auth.Authorize(ctx, req); err != nil {
		t.Fatalf("after the policy: %v", err)
	}
	if err := f.iam.DeleteInlinePolicy(ctx, acctA, iam.KindRole, "exec", "invoke"); err != nil {
		t.Fatal(err)
	}
	if err := f.auth.Authorize(ctx, req); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("after deleting the policy: %v", err)
	}
}

// TestRevokeOlderSessions is AWS's "revoke active sessions": a deny on
// aws:TokenIssueTime before a moment ends the sessions issued before it
// and leaves later ones working.
func TestRevokeOlderSessions(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r := f.role(t, acctA, "r", trustDoc(`{"AWS":"arn:aws:iam::111111111111:root"}`))
	if err := f.iam.AttachPolicy(ctx, acctA, iam.KindRole, "r", "arn:aws:iam::aws:policy/AdministratorAccess"); err != nil {
		t.Fatal(err)
	}
	old, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "old"})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	cutoff := f.clock.Now().UTC().Format(time.RFC3339)
	revoke := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"` + cutoff + `"}}}]}`
	if err := f.iam.PutInlinePolicy(ctx, acctA, iam.KindRole, "r", "AWSRevokeOlderSessions", revoke); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	fresh, err := f.sts.AssumeRole(ctx, root(acctA), AssumeRoleInput{RoleARN: r.ARN, RoleSessionName: "new"})
	if err != nil {
		t.Fatal(err)
	}
	fn := "arn:aws:lambda:us-east-1:111111111111:function:f"
	req := func(c Credentials) error {
		return f.auth.Authorize(ctx, authz.Request{Principal: f.open(t, c), Action: "lambda:GetFunction", Resource: fn, ResourceAccount: acctA})
	}
	if err := req(old.Credentials); !errkind.Is(err, errkind.AccessDenied) {
		t.Fatalf("session issued before the cutoff: %v", err)
	}
	if err := req(fresh.Credentials); err != nil {
		t.Fatalf("session issued after the cutoff: %v", err)
	}
}
