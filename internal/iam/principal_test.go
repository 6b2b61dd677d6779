package iam

import (
	"sync"
	"testing"

	"lambent/internal/errkind"
	"lambent/internal/policy"
)

// allowed evaluates action on * for the principal's current policy set.
func allowed(t *testing.T, f *fixture, kind EntityKind, name, action string) bool {
	t.Helper()
	set, err := f.PrincipalPolicies(ctx(t), acct, kind, name)
	must(t, err)
	pr := policy.Principal{Type: policy.User, Account: string(acct), ARN: set.ARN, UniqueID: set.ID}
	if kind == KindRole {
		pr = policy.Principal{Type: policy.AssumedRole, Account: string(acct), UniqueID: set.ID, RoleARN: set.ARN,
			ARN: "arn:aws:sts::123456789012:assumed-role/" + name + "/s"}
	}
	req := &policy.Request{
		Principal: pr,
		Action:    action,
		Resource:  "arn:aws:lambda:us-east-1:123456789012:function:f",
	}
	return policy.Evaluate(req, &policy.Policies{Identity: set.Identity, Boundary: set.Boundary}).Allowed()
}

func TestPrincipalPoliciesInvalidation(t *testing.T) {
	f := newFixture(t)
	r, err := f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trustLambda, Tags: []Tag{{"team", "a"}}})
	must(t, err)
	set, err := f.PrincipalPolicies(ctx(t), acct, KindRole, "R")
	must(t, err)
	if set.ID != r.RoleID || set.ARN != r.ARN || set.Tags["team"] != "a" || len(set.Identity) != 0 || set.Boundary != nil {
		t.Errorf("set = %+v", set)
	}
	again, err := f.PrincipalPolicies(ctx(t), acct, KindRole, "r")
	must(t, err)
	if again != set {
		t.Error("unchanged principal was not served from the cache")
	}

	steps := []struct {
		name   string
		write  func() error
		action string
		want   bool
	}{
		{"put inline", func() error { return f.PutInlinePolicy(ctx(t), acct, KindRole, "r", "p", allowInvoke) }, "lambda:InvokeFunction", true},
		{"delete inline", func() error { return f.DeleteInlinePolicy(ctx(t), acct, KindRole, "r", "p") }, "lambda:InvokeFunction", false},
		{"attach", func() error {
			return f.AttachPolicy(ctx(t), acct, KindRole, "r", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole")
		}, "lambda:InvokeFunction", true},
		{"detach", func() error {
			return f.DetachPolicy(ctx(t), acct, KindRole, "r", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole")
		}, "lambda:InvokeFunction", false},
	}
	for _, st := range steps {
		must(t, st.write())
		if got := allowed(t, f, KindRole, "r", st.action); got != st.want {
			t.Errorf("after %s: allowed = %v, want %v", st.name, got, st.want)
		}
	}
	_, err = f.PrincipalPolicies(ctx(t), acct, KindRole, "nope")
	if !errkind.Is(err, errkind.NotFound) {
		t.Errorf("missing role: %v", err)
	}
	_, err = f.PrincipalPolicies(ctx(t), acct, KindUser, "nope")
	if !errkind.Is(err, errkind.NotFound) {
		t.Errorf("missing user: %v", err)
	}
}

func TestPrincipalPoliciesManagedVersion(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	p, err := f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "p", Document: allowLogs})
	must(t, err)
	must(t, f.AttachPolicy(ctx(t), acct, KindUser, "u", p.ARN))
	if allowed(t, f, KindUser, "u", "lambda:InvokeFunction") {
		t.Fatal("v1 allows invoke")
	}
	_, err = f.CreatePolicyVersion(ctx(t), acct, p.ARN, allowInvoke, true)
	must(t, err)
	if !allowed(t, f, KindUser, "u", "lambda:InvokeFunction") {
		t.Error("new default version not in force")
	}
	doc, err := f.ManagedPolicyDocument(ctx(t), acct, p.ARN)
	must(t, err)
	if len(doc.Statements()) != 1 {
		t.Errorf("ManagedPolicyDocument statements = %v", doc.Statements())
	}
	must(t, f.SetDefaultPolicyVersion(ctx(t), acct, p.ARN, "v1"))
	if allowed(t, f, KindUser, "u", "lambda:InvokeFunction") {
		t.Error("rolled-back default version not in force")
	}
}

func TestPrincipalPoliciesGroupsAndBoundary(t *testing.T) {
	f := newFixture(t)
	b, err := f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "boundary", Document: allowLogs})
	must(t, err)
	_, err = f.CreateUser(ctx(t), acct, "u", "", nil, b.ARN)
	must(t, err)
	_, err = f.CreateGroup(ctx(t), acct, "g", "")
	must(t, err)
	must(t, f.PutInlinePolicy(ctx(t), acct, KindGroup, "g", "invoke", allowInvoke))
	if allowed(t, f, KindUser, "u", "lambda:InvokeFunction") {
		t.Fatal("allowed before joining the group")
	}
	must(t, f.AddUserToGroup(ctx(t), acct, "g", "u"))
	set, err := f.PrincipalPolicies(ctx(t), acct, KindUser, "u")
	must(t, err)
	if len(set.Identity) != 1 || set.Boundary == nil {
		t.Fatalf("set = %+v", set)
	}
	if allowed(t, f, KindUser, "u", "lambda:InvokeFunction") {
		t.Error("boundary did not limit the group's grant")
	}
	if u, _ := f.usage(ctx(t), acct); u.boundary[b.ARN] != 1 {
		t.Errorf("boundary usage = %v", u.boundary)
	}
	wantErr(t, f.DeletePolicy(ctx(t), acct, b.ARN), codeDeleteConflict, "Cannot delete a policy attached to entities.")
}

// TestPrincipalPoliciesConcurrent runs reads against writes; with -race it
// checks the cache's locking.
func TestPrincipalPoliciesConcurrent(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trustLambda})
	must(t, err)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if _, err := f.PrincipalPolicies(ctx(t), acct, KindRole, "r"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 10 {
		must(t, f.PutInlinePolicy(ctx(t), acct, KindRole, "r", "p"+string(rune('a'+i)), allowInvoke))
	}
	wg.Wait()
	set, err := f.PrincipalPolicies(ctx(t), acct, KindRole, "r")
	must(t, err)
	if len(set.Identity) != 10 {
		t.Errorf("final set has %d policies, want 10", len(set.Identity))
	}
}
