package iam

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lambent/internal/testenv"
)

const polARN = "arn:aws:iam::123456789012:policy/team/P1"

func TestManagedPolicyVersions(t *testing.T) {
	f := newFixture(t)
	p, err := f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "P1", Path: "/team/", Document: allowInvoke, Description: "d"})
	must(t, err)
	if p.ARN != polARN || !strings.HasPrefix(p.PolicyID, "ANPA") || p.DefaultVersionID != "v1" || !p.IsAttachable {
		t.Errorf("CreatePolicy = %+v", p)
	}
	_, err = f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "p1", Document: allowInvoke})
	wantErr(t, err, codeAlreadyExists, "A policy called p1 already exists. Duplicate names are not allowed.")

	for i := 2; i <= 5; i++ {
		v, err := f.CreatePolicyVersion(ctx(t), acct, polARN, allowLogs, i == 3)
		must(t, err)
		if v.VersionID != "v"+strconv.Itoa(i) || v.IsDefault != (i == 3) {
			t.Errorf("version %d = %+v", i, v)
		}
	}
	_, err = f.CreatePolicyVersion(ctx(t), acct, polARN, allowLogs, false)
	wantErr(t, err, codeLimitExceeded,
		"A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
	got, err := f.GetPolicy(ctx(t), acct, polARN)
	must(t, err)
	if got.DefaultVersionID != "v3" {
		t.Errorf("default = %s", got.DefaultVersionID)
	}
	wantErr(t, f.DeletePolicyVersion(ctx(t), acct, polARN, "v3"), codeDeleteConflict, "Cannot delete the default version of a policy.")
	wantErr(t, f.DeletePolicyVersion(ctx(t), acct, polARN, "v9"), codeNoSuchEntity, "")
	must(t, f.DeletePolicyVersion(ctx(t), acct, polARN, "v2"))
	v6, err := f.CreatePolicyVersion(ctx(t), acct, polARN, allowInvoke, false)
	must(t, err)
	if v6.VersionID != "v6" {
		t.Errorf("version IDs must not be reused: got %s", v6.VersionID)
	}
	must(t, f.SetDefaultPolicyVersion(ctx(t), acct, polARN, "v6"))
	wantErr(t, f.SetDefaultPolicyVersion(ctx(t), acct, polARN, "v2"), codeNoSuchEntity,
		"Policy "+polARN+" version v2 does not exist or is not attachable.")
	vs, err := f.ListPolicyVersions(ctx(t), acct, polARN)
	must(t, err)
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.VersionID)
	}
	if strings.Join(ids, ",") != "v6,v5,v4,v3,v1" || !vs[0].IsDefault {
		t.Errorf("ListPolicyVersions = %v", ids)
	}
	v, err := f.GetPolicyVersion(ctx(t), acct, polARN, "v1")
	must(t, err)
	if v.Document != allowInvoke || v.IsDefault {
		t.Errorf("GetPolicyVersion = %+v", v)
	}

	wantErr(t, f.DeletePolicy(ctx(t), acct, polARN), codeDeleteConflict, "")
	for _, id := range []string{"v1", "v3", "v4", "v5"} {
		must(t, f.DeletePolicyVersion(ctx(t), acct, polARN, id))
	}
	_, err = f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trustLambda})
	must(t, err)
	must(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", polARN))
	got, err = f.GetPolicy(ctx(t), acct, polARN)
	must(t, err)
	if got.AttachmentCount != 1 {
		t.Errorf("AttachmentCount = %d", got.AttachmentCount)
	}
	wantErr(t, f.DeletePolicy(ctx(t), acct, polARN), codeDeleteConflict, "Cannot delete a policy attached to entities.")
	must(t, f.DetachPolicy(ctx(t), acct, KindRole, "r", polARN))
	must(t, f.DeletePolicy(ctx(t), acct, polARN))
	_, err = f.GetPolicy(ctx(t), acct, polARN)
	wantErr(t, err, codeNoSuchEntity, "Policy "+polARN+" was not found.")
}

func TestCreatePolicyErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name      string
		in        CreatePolicyInput
		code, msg string
	}{
		{"too large", CreatePolicyInput{Name: "p", Document: bigPolicy(6144)}, codeLimitExceeded, "Cannot exceed quota for PolicySize: 6144"},
		{"2008 version", CreatePolicyInput{Name: "p", Document: `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
			codeMalformed, "Policy document must be version 2012-10-17 or greater."},
		{"bad name", CreatePolicyInput{Name: "p!", Document: allowInvoke}, codeValidation, ""},
		{"long name", CreatePolicyInput{Name: strings.Repeat("p", 129), Document: allowInvoke}, codeValidation, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.CreatePolicy(ctx(t), acct, tt.in)
			wantErr(t, err, tt.code, tt.msg)
		})
	}
	// Whitespace does not count towards the quota.
	_, err := f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "spacious", Document: strings.Replace(allowInvoke, ",", ",\n"+strings.Repeat(" ", 7000), 1)})
	must(t, err)
}

// TestDeleteMissingPolicyRecorded checks the message AWS recorded.
func TestDeleteMissingPolicyRecorded(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(testenv.SharedTestdata(t, "aws-recorded-localstack-snapshots"), "iam_test_iam.snapshot.json")
	b, err := os.ReadFile(path)
	must(t, err)
	var snap map[string]struct {
		RecordedContent map[string]struct {
			Error struct{ Code, Message string }
		} `json:"recorded-content"`
	}
	must(t, json.Unmarshal(b, &snap))
	rec := snap["tests/aws/services/iam/test_iam.py::TestIAMIntegrations::test_delete_non_existent_policy_returns_no_such_entity"].
		RecordedContent["delete-non-existent-policy-exc"].Error
	want := strings.ReplaceAll(rec.Message, "<partition>", "aws")
	err = f.DeletePolicy(ctx(t), "111111111111", "arn:aws:iam::111111111111:policy/non-existent-policy")
	wantErr(t, err, rec.Code, want)
}

func TestAWSManagedPolicies(t *testing.T) {
	f := newFixture(t)
	const basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
	p, err := f.GetPolicy(ctx(t), acct, basic)
	must(t, err)
	if p.PolicyID != "ANPAJNCQGXC42545SKXIK" || p.Path != "/service-role/" || p.DefaultVersionID != "v1" {
		t.Errorf("GetPolicy = %+v", p)
	}
	v, err := f.GetPolicyVersion(ctx(t), "210987654321", basic, "v1")
	must(t, err)
	const want = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`
	if v.Document != want || !v.IsDefault {
		t.Errorf("document = %s", v.Document)
	}
	vpc, err := f.GetPolicy(ctx(t), acct, "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole")
	must(t, err)
	if vpc.PolicyID != "ANPAJVTME3YLVNL72YR2K" || vpc.DefaultVersionID != "v3" {
		t.Errorf("VPC policy = %+v", vpc)
	}
	for _, name := range []string{"service-role/AWSLambdaBasicDurableExecutionRolePolicy", "service-role/AWSLambdaRole",
		"AWSLambda_FullAccess", "AWSLambda_ReadOnlyAccess", "AdministratorAccess", "ReadOnlyAccess", "IAMFullAccess"} {
		if _, err := f.ManagedPolicyDocument(ctx(t), acct, "arn:aws:iam::aws:policy/"+name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err = f.CreatePolicyVersion(ctx(t), acct, basic, allowInvoke, true)
	wantErr(t, err, codeUnmodifiableEntity, "")
	wantErr(t, f.DeletePolicy(ctx(t), acct, basic), codeUnmodifiableEntity, "")
	_, err = f.GetPolicy(ctx(t), acct, "arn:aws:iam::aws:policy/NoSuchPolicy")
	wantErr(t, err, codeNoSuchEntity, "Policy arn:aws:iam::aws:policy/NoSuchPolicy was not found.")
	_, err = f.GetPolicy(ctx(t), acct, "not-an-arn")
	wantErr(t, err, codeValidation, "Invalid ARN:  Could not be parsed!")
}

func TestListPolicies(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "mine", Document: allowInvoke})
	must(t, err)
	_, err = f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	must(t, f.AttachPolicy(ctx(t), acct, KindUser, "u", "arn:aws:iam::aws:policy/AdministratorAccess"))
	count := func(o ListPoliciesOptions) []*ManagedPolicy {
		t.Helper()
		var all []*ManagedPolicy
		o.MaxItems = 4
		for {
			p, err := f.ListPolicies(ctx(t), acct, o)
			must(t, err)
			all = append(all, p.Items...)
			if !p.IsTruncated {
				return all
			}
			o.Marker = p.Marker
		}
	}
	if n := len(count(ListPoliciesOptions{})); n != 10 {
		t.Errorf("All = %d, want 10", n)
	}
	if n := len(count(ListPoliciesOptions{Scope: "AWS"})); n != 9 {
		t.Errorf("AWS = %d, want 9", n)
	}
	local := count(ListPoliciesOptions{Scope: "Local"})
	if len(local) != 1 || local[0].Name != "mine" {
		t.Errorf("Local = %+v", local)
	}
	att := count(ListPoliciesOptions{OnlyAttached: true})
	if len(att) != 1 || att[0].Name != "AdministratorAccess" || att[0].AttachmentCount != 1 {
		t.Errorf("OnlyAttached = %+v", att)
	}
	if n := len(count(ListPoliciesOptions{ListOptions: ListOptions{PathPrefix: "/service-role/"}})); n != 4 {
		t.Errorf("/service-role/ = %d, want 4", n)
	}
	_, err = f.ListPolicies(ctx(t), acct, ListPoliciesOptions{Scope: "Mine"})
	wantErr(t, err, codeValidation, "")
}

func TestAttachPolicy(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateRole(ctx(t), acct, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trustLambda})
	must(t, err)
	wantErr(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", "arn:aws:iam::111111111111:policy/p123"), codeNoSuchEntity,
		"Policy arn:aws:iam::111111111111:policy/p123 does not exist or is not attachable.")
	wantErr(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", "p123"), codeValidation, "Invalid ARN:  Could not be parsed!")
	wantErr(t, f.AttachPolicy(ctx(t), acct, KindRole, "nope", "arn:aws:iam::aws:policy/AdministratorAccess"), codeNoSuchEntity,
		"The role with name nope cannot be found.")
	_, err = f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: "p", Path: "/x/", Document: allowInvoke})
	must(t, err)
	// The path is part of the ARN.
	wantErr(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", "arn:aws:iam::123456789012:policy/p"), codeNoSuchEntity, "")
	var arns []string
	for i := range 10 {
		name := "q" + strconv.Itoa(i)
		_, err := f.CreatePolicy(ctx(t), acct, CreatePolicyInput{Name: name, Document: allowInvoke})
		must(t, err)
		arns = append(arns, "arn:aws:iam::123456789012:policy/"+name)
		must(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", arns[i]))
	}
	must(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", arns[0])) // already attached: no-op
	wantErr(t, f.AttachPolicy(ctx(t), acct, KindRole, "r", "arn:aws:iam::123456789012:policy/x/p"), codeLimitExceeded,
		"Cannot exceed quota for PoliciesPerRole: 10")
	p, err := f.ListAttachedPolicies(ctx(t), acct, KindRole, "r", ListOptions{MaxItems: 6})
	must(t, err)
	if len(p.Items) != 6 || !p.IsTruncated || p.Items[0] != (AttachedPolicy{"q0", arns[0]}) {
		t.Errorf("page 1 = %+v", p)
	}
	p, err = f.ListAttachedPolicies(ctx(t), acct, KindRole, "r", ListOptions{Marker: p.Marker})
	must(t, err)
	if len(p.Items) != 4 || p.IsTruncated {
		t.Errorf("page 2 = %+v", p)
	}
	must(t, f.DetachPolicy(ctx(t), acct, KindRole, "r", arns[0]))
	wantErr(t, f.DetachPolicy(ctx(t), acct, KindRole, "r", arns[0]), codeNoSuchEntity, "Policy "+arns[0]+" was not attached.")
	wantErr(t, f.DetachPolicy(ctx(t), acct, KindRole, "r", "bad"), codeValidation, "Invalid ARN:  Could not be parsed!")
	p, err = f.ListAttachedPolicies(ctx(t), acct, KindRole, "r", ListOptions{PathPrefix: "/x/"})
	must(t, err)
	if len(p.Items) != 0 {
		t.Errorf("PathPrefix /x/ = %+v", p)
	}
}

func TestListEntitiesForPolicy(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	const admin = "arn:aws:iam::aws:policy/AdministratorAccess"
	_, err := f.CreateUser(ctx, acct, "bob", "/", nil, "")
	must(t, err)
	_, err = f.CreateRole(ctx, acct, CreateRoleInput{Name: "r", AssumeRolePolicyDocument: trustLambda})
	must(t, err)
	_, err = f.CreateGroup(ctx, acct, "ops", "/")
	must(t, err)
	_, err = f.CreateUser(ctx, acct, "eve", "/", nil, "")
	must(t, err)
	for _, h := range []struct {
		k EntityKind
		n string
	}{{KindUser, "bob"}, {KindRole, "r"}, {KindGroup, "ops"}} {
		must(t, f.AttachPolicy(ctx, acct, h.k, h.n, admin))
	}
	es, err := f.ListEntitiesForPolicy(ctx, acct, admin)
	must(t, err)
	if len(es.Users) != 1 || es.Users[0].Name != "bob" || len(es.Roles) != 1 || es.Roles[0].Name != "r" ||
		len(es.Groups) != 1 || es.Groups[0].Name != "ops" || es.Users[0].ID == "" {
		t.Fatalf("entities = %+v", es)
	}
	// Another account's holders are not listed.
	other, err := f.ListEntitiesForPolicy(ctx, "210987654321", admin)
	must(t, err)
	if len(other.Users)+len(other.Roles)+len(other.Groups) != 0 {
		t.Fatalf("other account = %+v", other)
	}
	_, err = f.ListEntitiesForPolicy(ctx, acct, "arn:aws:iam::123456789012:policy/nope")
	wantErr(t, err, "NoSuchEntity", "")
}
