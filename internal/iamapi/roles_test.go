package iamapi

import (
	"net/http"
	"net/url"
	"testing"
)

const ec2Trust = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`

func TestCreateDescribeRoleMatchesRecording(t *testing.T) {
	f := newFixture(t, nil)
	created := f.ok(t, "Action", "CreateRole", "RoleName", "r1", "Path", "/p1/", "AssumeRolePolicyDocument", ec2Trust)
	sameShape(t, "create", snapshot(t, "TestIAMIntegrations::test_create_describe_role", "create_role_result"), created)
	got := f.ok(t, "Action", "GetRole", "RoleName", "r1")
	sameShape(t, "get", snapshot(t, "TestIAMIntegrations::test_create_describe_role", "get_role_result"), got)
	listed := f.ok(t, "Action", "ListRoles", "PathPrefix", "/p1/")
	sameShape(t, "list", snapshot(t, "TestIAMIntegrations::test_create_describe_role", "list_roles_result"), listed)

	if arn := get(got, "Role", "Arn"); arn != "arn:aws:iam::"+acct+":role/p1/r1" {
		t.Errorf("Arn = %v", arn)
	}
	if d := get(got, "Role", "MaxSessionDuration"); d != "3600" {
		t.Errorf("MaxSessionDuration = %v", d)
	}
	if c := get(got, "Role", "CreateDate"); c != "2026-01-02T03:04:05Z" {
		t.Errorf("CreateDate = %v", c)
	}
	if doc, _ := url.PathUnescape(get(got, "Role", "AssumeRolePolicyDocument").(string)); doc != ec2Trust {
		t.Errorf("document = %q, want the text as submitted", doc)
	}
}

func TestRoleWithTagsMatchesRecording(t *testing.T) {
	f := newFixture(t, nil)
	const test = "TestRoles::test_role_with_tags"
	created := f.ok(t, "Action", "CreateRole", "RoleName", "r1", "Path", "/role-with-tags/",
		"AssumeRolePolicyDocument", ec2Trust, "Tags.member.1.Key", "test", "Tags.member.1.Value", "value")
	sameShape(t, "create", snapshot(t, test, "create-role-response"), created)
	sameShape(t, "get", snapshot(t, test, "get-role-response"), f.ok(t, "Action", "GetRole", "RoleName", "r1"))
	sameShape(t, "list", snapshot(t, test, "list-role-response"), f.ok(t, "Action", "ListRoles"))

	f.ok(t, "Action", "TagRole", "RoleName", "r1", "Tags.member.1.Key", "b", "Tags.member.1.Value", "2")
	f.ok(t, "Action", "UntagRole", "RoleName", "r1", "TagKeys.member.1", "test")
	tags := f.ok(t, "Action", "ListRoleTags", "RoleName", "r1")
	if get(tags, "Tags", 0, "Key") != "b" || get(tags, "Tags", 1) != nil || get(tags, "IsTruncated") != "false" {
		t.Errorf("ListRoleTags = %v", tags)
	}
}

func TestPolicyDocumentsRoundTrip(t *testing.T) {
	f := newFixture(t, nil)
	// The literal %3A must come back as %3A (iam.md §6.2, TestIAMPolicyEncoding).
	trust := `{"Version": "2012-10-17", "Statement": [{"Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}, "Effect": "Allow", "Condition": {"StringEquals": {"aws:SourceArn": "arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Faaeeieije"}}}]}`
	inline := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"apigatway:PUT\"], \"Resource\": [\"arn:aws:apigateway:us-east-1::/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Faaeeieije\"]}]\n}"
	const test = "TestIAMPolicyEncoding::test_put_role_policy_encoding"
	created := f.ok(t, "Action", "CreateRole", "RoleName", "r1", "Path", "/x/", "AssumeRolePolicyDocument", trust)
	sameShape(t, "create", snapshot(t, test, "create-role-response"), created)
	f.ok(t, "Action", "PutRolePolicy", "RoleName", "r1", "PolicyName", "p1", "PolicyDocument", inline)
	got := f.ok(t, "Action", "GetRolePolicy", "RoleName", "r1", "PolicyName", "p1")
	sameShape(t, "get-policy", snapshot(t, test, "get-policy-response"), got)
	for _, c := range []struct {
		enc  any
		want string
	}{{get(got, "PolicyDocument"), inline}, {get(f.ok(t, "Action", "GetRole", "RoleName", "r1"), "Role", "AssumeRolePolicyDocument"), trust}} {
		if doc, err := url.PathUnescape(c.enc.(string)); err != nil || doc != c.want {
			t.Errorf("decoded document = %q, %v; want %q", doc, err, c.want)
		}
	}
	sameShape(t, "list", snapshot(t, test, "list-roles-response"), f.ok(t, "Action", "ListRoles", "PathPrefix", "/x/"))
	names := f.ok(t, "Action", "ListRolePolicies", "RoleName", "r1")
	if get(names, "PolicyNames", 0) != "p1" {
		t.Errorf("ListRolePolicies = %v", names)
	}
	f.ok(t, "Action", "DeleteRolePolicy", "RoleName", "r1", "PolicyName", "p1")
	if st, code, msg := f.fail(t, root, "Action", "GetRolePolicy", "RoleName", "r1", "PolicyName", "p1"); st != 404 || code != "NoSuchEntity" {
		t.Errorf("after delete: %d %s %s", st, code, msg)
	}
}

func TestRoleUpdates(t *testing.T) {
	f := newFixture(t, nil)
	f.ok(t, "Action", "CreateRole", "RoleName", "r1", "AssumeRolePolicyDocument", ec2Trust, "Description", "d1")
	res := f.ok(t, "Action", "UpdateRole", "RoleName", "r1", "Description", "d2", "MaxSessionDuration", "7200")
	if res != "" {
		t.Errorf("UpdateRoleResult = %v, want empty", res)
	}
	r := f.ok(t, "Action", "GetRole", "RoleName", "r1")
	if get(r, "Role", "Description") != "d2" || get(r, "Role", "MaxSessionDuration") != "7200" {
		t.Errorf("after UpdateRole: %v", r)
	}
	const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	f.ok(t, "Action", "UpdateAssumeRolePolicy", "RoleName", "r1", "PolicyDocument", lambdaTrust)
	r = f.ok(t, "Action", "GetRole", "RoleName", "r1")
	if doc, _ := url.PathUnescape(get(r, "Role", "AssumeRolePolicyDocument").(string)); doc != lambdaTrust {
		t.Errorf("trust = %s", doc)
	}
	if st, code, _ := f.fail(t, root, "Action", "UpdateRole", "RoleName", "r1", "MaxSessionDuration", "abc"); st != 400 || code != "ValidationError" {
		t.Errorf("bad integer: %d %s", st, code)
	}
	f.ok(t, "Action", "DeleteRole", "RoleName", "r1")
	st, code, msg := f.fail(t, root, "Action", "GetRole", "RoleName", "r1")
	if st != http.StatusNotFound || code != "NoSuchEntity" || msg != "The role with name r1 cannot be found." {
		t.Errorf("GetRole after delete: %d %s %q", st, code, msg)
	}
}
