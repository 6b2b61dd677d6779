package enforce

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/iam"
	"lambent/internal/store"
	"lambent/internal/store/sqlite"
)

const (
	acctA = account.ID("111111111111")
	acctB = account.ID("222222222222")
	fnA   = "arn:aws:lambda:us-east-1:111111111111:function:f"
)

type fixture struct {
	db   *sqlite.DB
	iam  *iam.Service
	auth *Authorizer
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clocktest.New(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	is, err := iam.New(iam.Config{Store: db, Clock: clk, SecretKey: []byte(strings.Repeat("k", 32)), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	az, err := New(Config{Identities: is, Resources: db, Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, iam: is, auth: az}
}

func (f *fixture) user(t testing.TB, a account.ID, name string, policies ...string) *authz.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := f.iam.CreateUser(ctx, a, name, "/", []iam.Tag{{Key: "team", Value: "blue"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range policies {
		if err := f.iam.PutInlinePolicy(ctx, a, iam.KindUser, name, "p"+string(rune('0'+i)), p); err != nil {
			t.Fatal(err)
		}
	}
	return &authz.Principal{Account: a, ARN: u.ARN, UserID: u.UserID, Type: authz.TypeUser, Name: name}
}

func allow(action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func (f *fixture) check(t *testing.T, p *authz.Principal, action, resource string, owner account.ID, want bool) {
	t.Helper()
	f.checkCtx(t, context.Background(), p, action, resource, owner, want)
}

func (f *fixture) checkCtx(t *testing.T, ctx context.Context, p *authz.Principal, action, resource string, owner account.ID, want bool) {
	t.Helper()
	err := f.auth.Authorize(ctx, authz.Request{Principal: p, Action: action, Resource: resource, ResourceAccount: owner})
	switch {
	case want && err != nil:
		t.Errorf("%s %s on %s: %v, want allowed", p.ARN, action, resource, err)
	case !want && !errkind.Is(err, errkind.AccessDenied):
		t.Errorf("%s %s on %s: %v, want AccessDenied", p.ARN, action, resource, err)
	}
}

func TestRootAndUsers(t *testing.T) {
	f := newFixture(t)
	root := &authz.Principal{Account: acctA, ARN: "arn:aws:iam::111111111111:root", IsRoot: true, Type: authz.TypeAccount}
	f.check(t, root, "lambda:DeleteFunction", fnA, acctA, true)
	f.check(t, root, "lambda:InvokeFunction", "arn:aws:lambda:us-east-1:222222222222:function:g", acctB, false)

	nobody := f.user(t, acctA, "nobody")
	f.check(t, nobody, "lambda:GetFunction", fnA, acctA, false)

	reader := f.user(t, acctA, "reader", allow("lambda:Get*", "*"))
	f.check(t, reader, "lambda:GetFunction", fnA, acctA, true)
	f.check(t, reader, "lambda:DeleteFunction", fnA, acctA, false)

	denied := f.user(t, acctA, "denied", allow("lambda:*", "*"),
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"*"}]}`)
	f.check(t, denied, "lambda:GetFunction", fnA, acctA, true)
	f.check(t, denied, "lambda:DeleteFunction", fnA, acctA, false)

	err := f.auth.Authorize(context.Background(), authz.Request{Principal: nobody, Action: "lambda:GetFunction", Resource: fnA, ResourceAccount: acctA})
	if e, ok := errkind.As(err); !ok || e.Public != "User: arn:aws:iam::111111111111:user/nobody is not authorized to perform: lambda:GetFunction on resource: "+fnA+" because no identity-based policy allows the lambda:GetFunction action" {
		t.Errorf("denial message: %v", err)
	}
}

func TestDeletedUserIsDenied(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	u := f.user(t, acctA, "gone", allow("lambda:*", "*"))
	f.check(t, u, "lambda:GetFunction", fnA, acctA, true)
	if err := f.iam.DeleteInlinePolicy(ctx, acctA, iam.KindUser, "gone", "p0"); err != nil {
		t.Fatal(err)
	}
	f.check(t, u, "lambda:GetFunction", fnA, acctA, false)
	if err := f.iam.UntagUser(ctx, acctA, "gone", []string{"team"}); err != nil {
		t.Fatal(err)
	}
	if err := f.iam.DeleteUser(ctx, acctA, "gone"); err != nil {
		t.Fatal(err)
	}
	f.check(t, u, "lambda:GetFunction", fnA, acctA, false)
}

func TestGlobalConditionKeys(t *testing.T) {
	f := newFixture(t)
	byTag := f.user(t, acctA, "tagged", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue","aws:username":"tagged","aws:PrincipalType":"User"}}}]}`)
	f.check(t, byTag, "lambda:GetFunction", fnA, acctA, true)

	byIP := f.user(t, acctA, "office", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"Bool":{"aws:SecureTransport":"false"},"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}]}`)
	inside := authz.WithRequestInfo(context.Background(), authz.RequestInfo{SourceIP: "10.1.2.3", Region: "us-east-1"})
	outside := authz.WithRequestInfo(context.Background(), authz.RequestInfo{SourceIP: "192.0.2.1", Region: "us-east-1"})
	f.checkCtx(t, inside, byIP, "lambda:GetFunction", fnA, acctA, true)
	f.checkCtx(t, outside, byIP, "lambda:GetFunction", fnA, acctA, false)

	// aws:CurrentTime comes from the request time.
	byTime := f.user(t, acctA, "daytime", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}]}`)
	f.check(t, byTime, "lambda:GetFunction", fnA, acctA, true)
	late := authz.WithRequestInfo(context.Background(), authz.RequestInfo{Time: time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)})
	f.checkCtx(t, late, byTime, "lambda:GetFunction", fnA, acctA, false)
}

func TestFunctionPolicyCrossAccount(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	bob := f.user(t, acctB, "bob", allow("lambda:InvokeFunction", "*"))
	rootB := &authz.Principal{Account: acctB, ARN: "arn:aws:iam::222222222222:root", IsRoot: true, Type: authz.TypeAccount}
	f.check(t, bob, "lambda:InvokeFunction", fnA, acctA, false)
	f.check(t, rootB, "lambda:InvokeFunction", fnA, acctA, false)

	grant := `{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"b","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"lambda:InvokeFunction","Resource":"` + fnA + `"}]}`
	if err := f.db.PutIAMEntity(ctx, acctA, &store.IAMEntity{Kind: store.KindFunctionPolicy, Key: store.FunctionPolicyKey("f", ""), Doc: []byte(grant)}); err != nil {
		t.Fatal(err)
	}
	f.check(t, bob, "lambda:InvokeFunction", fnA, acctA, true)
	f.check(t, rootB, "lambda:InvokeFunction", fnA, acctA, true)
	f.check(t, bob, "lambda:GetFunction", fnA, acctA, false)
	// The policy of $LATEST does not cover a published version.
	f.check(t, bob, "lambda:InvokeFunction", fnA+":1", acctA, false)
	// Both sides must allow: bob's own account may still say no.
	carol := f.user(t, acctB, "carol")
	f.check(t, carol, "lambda:InvokeFunction", fnA, acctA, false)

	if err := f.db.DeleteIAMEntity(ctx, acctA, store.KindFunctionPolicy, store.FunctionPolicyKey("f", "")); err != nil {
		t.Fatal(err)
	}
	f.check(t, bob, "lambda:InvokeFunction", fnA, acctA, false)
}

func TestRoleSessionAndBoundary(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	r, err := f.iam.CreateRole(ctx, acctA, iam.CreateRoleInput{Name: "r", Path: "/", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.iam.PutInlinePolicy(ctx, acctA, iam.KindRole, "r", "all", allow("lambda:*", "*")); err != nil {
		t.Fatal(err)
	}
	sess := &authz.Principal{Account: acctA, ARN: "arn:aws:sts::111111111111:assumed-role/r/s", UserID: r.RoleID + ":s",
		Type: authz.TypeAssumedRole, Name: "r", Session: &authz.Session{Name: "s", RoleARN: r.ARN, RoleID: r.RoleID, Issued: time.Now()}}
	f.check(t, sess, "lambda:DeleteFunction", fnA, acctA, true)
	// A session policy narrows the role.
	narrowed := *sess
	narrowed.Session = &authz.Session{Name: "s", RoleARN: r.ARN, RoleID: r.RoleID, Policy: allow("lambda:GetFunction", "*")}
	f.check(t, &narrowed, "lambda:GetFunction", fnA, acctA, true)
	f.check(t, &narrowed, "lambda:DeleteFunction", fnA, acctA, false)
	// A session policy that no longer parses denies everything.
	broken := *sess
	broken.Session = &authz.Session{Name: "s", RoleARN: r.ARN, RoleID: r.RoleID, Policy: "{"}
	f.check(t, &broken, "lambda:GetFunction", fnA, acctA, false)
}
