package iam

import (
	"strconv"
	"strings"
	"testing"
)

func TestInlinePolicies(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	_, err = f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trustLambda})
	must(t, err)
	_, err = f.CreateGroup(ctx(t), acct, "g", "")
	must(t, err)
	// A document with a % must come back verbatim (iam.md §6.2).
	odd := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a%3Ab"}]}`
	tests := []struct {
		kind   EntityKind
		entity string
		quota  int
		noun   string
	}{
		{KindUser, "u", 2048, "user"},
		{KindRole, "r", 10240, "role"},
		{KindGroup, "g", 5120, "group"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			must(t, f.PutInlinePolicy(ctx(t), acct, tt.kind, strings.ToUpper(tt.entity), "b", allowInvoke))
			must(t, f.PutInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "a", odd))
			doc, err := f.GetInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "a")
			must(t, err)
			if doc != odd {
				t.Errorf("GetInlinePolicy = %s", doc)
			}
			p, err := f.ListInlinePolicies(ctx(t), acct, tt.kind, tt.entity, ListOptions{MaxItems: 1})
			must(t, err)
			if len(p.Items) != 1 || p.Items[0] != "a" || !p.IsTruncated {
				t.Errorf("page 1 = %+v", p)
			}
			p, err = f.ListInlinePolicies(ctx(t), acct, tt.kind, tt.entity, ListOptions{Marker: p.Marker})
			must(t, err)
			if len(p.Items) != 1 || p.Items[0] != "b" || p.IsTruncated {
				t.Errorf("page 2 = %+v", p)
			}
			_, err = f.GetInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "P")
			wantErr(t, err, codeNoSuchEntity, "The "+tt.noun+" policy with name P cannot be found.")
			wantErr(t, f.DeleteInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "P"), codeNoSuchEntity, "")
			wantErr(t, f.PutInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "c", `{"Version":"2012-10-17","Statement":[]}`),
				codeMalformed, "Syntax errors in policy.")
			wantErr(t, f.PutInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "c", bigPolicy(tt.quota)), codeLimitExceeded,
				"Maximum policy size of "+strconv.Itoa(tt.quota)+" bytes exceeded for "+tt.noun+" "+tt.entity)
			wantErr(t, f.PutInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "c d", allowInvoke), codeValidation, "")
			must(t, f.DeleteInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "a"))
			must(t, f.DeleteInlinePolicy(ctx(t), acct, tt.kind, tt.entity, "b"))
			_, err = f.ListInlinePolicies(ctx(t), acct, tt.kind, "nobody", ListOptions{})
			wantErr(t, err, codeNoSuchEntity, "The "+tt.noun+" with name nobody cannot be found.")
		})
	}
}

// bigPolicy returns a valid identity policy of more than n characters
// not counting whitespace.
func bigPolicy(n int) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("a", n) +
		`","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
}
