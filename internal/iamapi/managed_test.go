package iamapi

import (
	"net/url"
	"strings"
	"testing"
)

const allowS3 = `{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}`

const listFunctions = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["lambda:ListFunctions"], "Resource": ["*"]}]}`

func TestAttachPolicyMatchesRecording(t *testing.T) {
	for _, holder := range []struct{ test, create, param, attach string }{
		{"TestIAMIntegrations::test_role_attach_policy", "CreateRole", "RoleName", "AttachRolePolicy"},
		{"TestIAMIntegrations::test_user_attach_policy", "CreateUser", "UserName", "AttachUserPolicy"},
	} {
		t.Run(holder.attach, func(t *testing.T) {
			f := newFixture(t, nil)
			kv := []string{"Action", holder.create, holder.param, "h1"}
			if holder.create == "CreateRole" {
				kv = append(kv, "AssumeRolePolicyDocument", ec2Trust)
			}
			f.ok(t, kv...)
			p := f.ok(t, "Action", "CreatePolicy", "PolicyName", "pol1", "PolicyDocument", listFunctions)
			sameShape(t, "create", snapshot(t, holder.test, "create_policy_response"), p)
			arn := get(p, "Policy", "Arn").(string)

			for _, c := range []struct{ key, arn string }{
				{"non_existent_malformed_policy_arn", "longpolicynamebutnoarn"},
				{"existing_policy_name_provided", "pol1"},
				{"valid_arn_not_existent", arn + "123"},
			} {
				rec := snapshot(t, holder.test, c.key)["Error"].(map[string]any)
				want := strings.NewReplacer("<partition>", "aws", "<policy-name:1>", "pol1").Replace(rec["Message"].(string))
				_, code, msg := f.fail(t, root, "Action", holder.attach, holder.param, "h1", "PolicyArn", c.arn)
				if code != rec["Code"] || msg != want {
					t.Errorf("%s: %s %q, want %s %q", c.key, code, msg, rec["Code"], want)
				}
			}
			if res := f.ok(t, "Action", holder.attach, holder.param, "h1", "PolicyArn", arn); res != nil {
				t.Errorf("attach result = %v, want none", res)
			}
			if got := f.az.last(); got.Context["iam:PolicyARN"][0] != arn || !strings.HasSuffix(got.Resource, "/h1") {
				t.Errorf("authorised %+v", got)
			}
		})
	}
}

func TestDeleteMissingPolicyMatchesRecording(t *testing.T) {
	f := newFixture(t, nil)
	rec := snapshot(t, "TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity", "delete-non-existent-policy-exc")
	want := strings.ReplaceAll(rec["Error"].(map[string]any)["Message"].(string), "<partition>", "aws")
	st, code, msg := f.fail(t, root, "Action", "DeletePolicy", "PolicyArn", "arn:aws:iam::"+acct+":policy/non-existent-policy")
	if st != 404 || code != "NoSuchEntity" || msg != want {
		t.Errorf("%d %s %q, want 404 NoSuchEntity %q", st, code, msg, want)
	}
}

func TestManagedPolicyVersions(t *testing.T) {
	f := newFixture(t, nil)
	p := f.ok(t, "Action", "CreatePolicy", "PolicyName", "p", "Path", "/a/", "PolicyDocument", listFunctions,
		"Description", "desc")
	arn := get(p, "Policy", "Arn").(string)
	if arn != "arn:aws:iam::"+acct+":policy/a/p" || get(p, "Policy", "DefaultVersionId") != "v1" ||
		get(p, "Policy", "AttachmentCount") != "0" || get(p, "Policy", "IsAttachable") != "true" {
		t.Fatalf("CreatePolicy = %v", p)
	}
	v2 := f.ok(t, "Action", "CreatePolicyVersion", "PolicyArn", arn, "PolicyDocument", allowS3, "SetAsDefault", "true")
	if get(v2, "PolicyVersion", "VersionId") != "v2" || get(v2, "PolicyVersion", "IsDefaultVersion") != "true" ||
		get(v2, "PolicyVersion", "Document") != nil {
		t.Errorf("CreatePolicyVersion = %v", v2)
	}
	gv := f.ok(t, "Action", "GetPolicyVersion", "PolicyArn", arn, "VersionId", "v2")
	if doc, _ := url.PathUnescape(get(gv, "PolicyVersion", "Document").(string)); doc != allowS3 {
		t.Errorf("GetPolicyVersion document = %q", doc)
	}
	vs := f.ok(t, "Action", "ListPolicyVersions", "PolicyArn", arn)
	if l, _ := get(vs, "Versions").([]any); len(l) != 2 {
		t.Errorf("ListPolicyVersions = %v", vs)
	}
	f.ok(t, "Action", "SetDefaultPolicyVersion", "PolicyArn", arn, "VersionId", "v1")
	f.ok(t, "Action", "DeletePolicyVersion", "PolicyArn", arn, "VersionId", "v2")
	gp := f.ok(t, "Action", "GetPolicy", "PolicyArn", arn)
	if get(gp, "Policy", "DefaultVersionId") != "v1" || get(gp, "Policy", "Description") != "desc" {
		t.Errorf("GetPolicy = %v", gp)
	}
	local := f.ok(t, "Action", "ListPolicies", "Scope", "Local")
	if get(local, "Policies", 0, "Arn") != arn || get(local, "Policies", 1) != nil || get(local, "Policies", 0, "Description") != nil {
		t.Errorf("ListPolicies Local = %v", local)
	}
	aws := f.ok(t, "Action", "ListPolicies", "Scope", "AWS")
	if l, _ := get(aws, "Policies").([]any); len(l) == 0 {
		t.Errorf("ListPolicies AWS = %v", aws)
	}
	f.ok(t, "Action", "CreateRole", "RoleName", "r", "AssumeRolePolicyDocument", ec2Trust)
	f.ok(t, "Action", "AttachRolePolicy", "RoleName", "r", "PolicyArn", arn)
	att := f.ok(t, "Action", "ListAttachedRolePolicies", "RoleName", "r")
	if get(att, "AttachedPolicies", 0, "PolicyName") != "p" || get(att, "AttachedPolicies", 0, "PolicyArn") != arn {
		t.Errorf("ListAttachedRolePolicies = %v", att)
	}
	if st, code, _ := f.fail(t, root, "Action", "DeleteRole", "RoleName", "r"); st != 409 || code != "DeleteConflict" {
		t.Errorf("DeleteRole with attachment: %d %s", st, code)
	}
	f.ok(t, "Action", "DetachRolePolicy", "RoleName", "r", "PolicyArn", arn)
	f.ok(t, "Action", "DeletePolicy", "PolicyArn", arn)
}
