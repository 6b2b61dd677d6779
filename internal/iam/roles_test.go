package iam

import (
	"strings"
	"testing"
)

func TestRoles(t *testing.T) {
	f := newFixture(t)
	r, err := f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "Exec", Path: "/service-role/", AssumeRolePolicyDocument: trustLambda,
		Description: "d", Tags: []Tag{{"a", "b"}}})
	must(t, err)
	if r.ARN != "arn:aws:iam::123456789012:role/service-role/Exec" || !strings.HasPrefix(r.RoleID, "AROA") ||
		r.MaxSessionDuration != 3600 || r.AssumeRolePolicyDocument != trustLambda {
		t.Errorf("role = %+v", r)
	}
	got, err := f.GetRole(ctx(t), acct, "EXEC")
	must(t, err)
	if got.RoleID != r.RoleID || got.Description != "d" {
		t.Errorf("GetRole = %+v", got)
	}
	_, err = f.GetRole(ctx(t), acct, "r1")
	wantErr(t, err, codeNoSuchEntity, "The role with name r1 cannot be found.")

	desc := "new"
	must(t, f.UpdateRole(ctx(t), acct, "exec", &desc, 7200))
	must(t, f.UpdateRole(ctx(t), acct, "exec", nil, 0))
	got, err = f.GetRole(ctx(t), acct, "exec")
	must(t, err)
	if got.Description != "new" || got.MaxSessionDuration != 7200 {
		t.Errorf("after UpdateRole = %+v", got)
	}
	wantErr(t, f.UpdateRole(ctx(t), acct, "exec", nil, 43201), codeValidation,
		"1 validation error detected: Value '43201' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200")
	wantErr(t, f.UpdateRole(ctx(t), acct, "nope", nil, 3600), codeNoSuchEntity, "The role with name nope cannot be found.")

	trust2 := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/service-role/Exec"},"Action":"sts:AssumeRole"}]}`
	must(t, f.UpdateAssumeRolePolicy(ctx(t), acct, "exec", trust2))
	doc, err := f.RoleTrustPolicy(ctx(t), acct, "Exec")
	must(t, err)
	if doc != trust2 {
		t.Errorf("RoleTrustPolicy = %s", doc)
	}

	must(t, f.TagRole(ctx(t), acct, "exec", []Tag{{"A", "c"}}))
	must(t, f.UntagRole(ctx(t), acct, "exec", []string{"zz"}))
	got, err = f.GetRole(ctx(t), acct, "exec")
	must(t, err)
	if len(got.Tags) != 1 || got.Tags[0] != (Tag{"A", "c"}) {
		t.Errorf("tags = %v", got.Tags)
	}

	must(t, f.PutInlinePolicy(ctx(t), acct, KindRole, "exec", "p", allowInvoke))
	wantErr(t, f.DeleteRole(ctx(t), acct, "exec"), codeDeleteConflict, "Cannot delete entity, must delete policies first.")
	must(t, f.DeleteInlinePolicy(ctx(t), acct, KindRole, "exec", "p"))
	must(t, f.AttachPolicy(ctx(t), acct, KindRole, "exec", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
	wantErr(t, f.DeleteRole(ctx(t), acct, "exec"), codeDeleteConflict, "Cannot delete entity, must detach all policies first.")
	must(t, f.DetachPolicy(ctx(t), acct, KindRole, "exec", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"))
	must(t, f.DeleteRole(ctx(t), acct, "exec"))
	_, err = f.RoleTrustPolicy(ctx(t), acct, "exec")
	wantErr(t, err, codeNoSuchEntity, "The role with name exec cannot be found.")
}

func TestCreateRoleErrors(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "r1", AssumeRolePolicyDocument: trustLambda})
	must(t, err)
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Sid":"` +
		strings.Repeat("a", 2048) + `"}]}`
	tests := []struct {
		name      string
		in        CreateRoleInput
		code, msg string
	}{
		{"duplicate", CreateRoleInput{Name: "R1", AssumeRolePolicyDocument: trustLambda}, codeAlreadyExists, "Role with name R1 already exists."},
		{"invalid json", CreateRoleInput{Name: "r2", AssumeRolePolicyDocument: "{"}, codeMalformed, "This policy contains invalid Json"},
		{"no principal", CreateRoleInput{Name: "r2", AssumeRolePolicyDocument: allowInvoke}, codeMalformed, ""},
		{"missing principal", CreateRoleInput{Name: "r2", AssumeRolePolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/nope"},"Action":"sts:AssumeRole"}]}`},
			codeMalformed, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/nope"`},
		{"trust too large", CreateRoleInput{Name: "r2", AssumeRolePolicyDocument: big}, codeLimitExceeded, "Cannot exceed quota for ACLSizePerRole: 2048"},
		{"short session", CreateRoleInput{Name: "r2", AssumeRolePolicyDocument: trustLambda, MaxSessionDuration: 100}, codeValidation,
			"1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600"},
		{"bad name", CreateRoleInput{Name: "r/2", AssumeRolePolicyDocument: trustLambda}, codeValidation, ""},
		{"long name", CreateRoleInput{Name: strings.Repeat("r", 65), AssumeRolePolicyDocument: trustLambda}, codeValidation, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.CreateRole(ctx(t), acct, tt.in)
			wantErr(t, err, tt.code, tt.msg)
		})
	}
	wantErr(t, f.UpdateAssumeRolePolicy(ctx(t), acct, "r1", "nope"), codeMalformed, "This policy contains invalid Json")
}

func TestListRoles(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"b", "A", "c"} {
		_, err := f.CreateRole(ctx(t), acct, CreateRoleInput{Name: n, AssumeRolePolicyDocument: trustLambda})
		must(t, err)
	}
	p, err := f.ListRoles(ctx(t), acct, ListOptions{MaxItems: 2})
	must(t, err)
	if len(p.Items) != 2 || p.Items[0].Name != "A" || p.Items[1].Name != "b" || !p.IsTruncated {
		t.Fatalf("page 1 = %+v", p)
	}
	p, err = f.ListRoles(ctx(t), acct, ListOptions{MaxItems: 2, Marker: p.Marker})
	must(t, err)
	if len(p.Items) != 1 || p.Items[0].Name != "c" || p.IsTruncated || p.Items[0].MaxSessionDuration != 3600 {
		t.Fatalf("page 2 = %+v", p)
	}
}
