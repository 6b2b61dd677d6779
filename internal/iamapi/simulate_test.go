package iamapi

import (
	"testing"
)

func TestSimulatePrincipalPolicyMatchesRecording(t *testing.T) {
	for _, kind := range []string{"user", "role", "group"} {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, nil)
			arn := get(f.ok(t, "Action", "CreatePolicy", "PolicyName", "p1", "PolicyDocument", allowS3), "Policy", "Arn").(string)
			var source string
			switch kind {
			case "user":
				source = get(f.ok(t, "Action", "CreateUser", "UserName", "u1"), "User", "Arn").(string)
				f.ok(t, "Action", "AttachUserPolicy", "UserName", "u1", "PolicyArn", arn)
			case "role":
				source = get(f.ok(t, "Action", "CreateRole", "RoleName", "r1", "AssumeRolePolicyDocument",
					`{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}}`),
					"Role", "Arn").(string)
				f.ok(t, "Action", "AttachRolePolicy", "RoleName", "r1", "PolicyArn", arn)
			default:
				source = get(f.ok(t, "Action", "CreateGroup", "GroupName", "g1"), "Group", "Arn").(string)
				f.ok(t, "Action", "AttachGroupPolicy", "GroupName", "g1", "PolicyArn", arn)
			}
			res := f.ok(t, "Action", "SimulatePrincipalPolicy", "PolicySourceArn", source,
				"ActionNames.member.1", "s3:PutObject", "ActionNames.member.2", "s3:GetObjectVersion",
				"ResourceArns.member.1", "arn:aws:s3:::bucket")
			sameShape(t, "result", snapshot(t, "TestIAMIntegrations::test_simulate_principle_policy["+kind+"]", "response"), res)
			want := []struct{ action, decision string }{{"s3:PutObject", "allowed"}, {"s3:GetObjectVersion", "implicitDeny"}}
			for i, w := range want {
				r := get(res, "EvaluationResults", i)
				if get(r, "EvalActionName") != w.action || get(r, "EvalDecision") != w.decision ||
					get(r, "ResourceSpecificResults", 0, "EvalResourceDecision") != w.decision {
					t.Errorf("result %d = %v, want %s %s", i, r, w.action, w.decision)
				}
			}
			st := get(res, "EvaluationResults", 0, "MatchedStatements", 0)
			if get(st, "SourcePolicyId") != "p1" || get(st, "SourcePolicyType") != "IAM Policy" ||
				get(st, "StartPosition", "Column") != "41" || get(st, "EndPosition", "Column") != "113" ||
				get(st, "StartPosition", "Line") != "1" {
				t.Errorf("matched statement = %v, want p1 at 1:41–1:113 as recorded", st)
			}
			if f.az.last().Resource != source {
				t.Errorf("authorised on %s", f.az.last().Resource)
			}
		})
	}
}

func TestSimulatePrincipalPolicyUserWithGroupsAndBoundary(t *testing.T) {
	f := newFixture(t, nil)
	boundary := get(f.ok(t, "Action", "CreatePolicy", "PolicyName", "b", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`), "Policy", "Arn").(string)
	f.ok(t, "Action", "CreateUser", "UserName", "u", "PermissionsBoundary", boundary)
	f.ok(t, "Action", "CreateGroup", "GroupName", "g")
	f.ok(t, "Action", "AddUserToGroup", "GroupName", "g", "UserName", "u")
	f.ok(t, "Action", "PutGroupPolicy", "GroupName", "g", "PolicyName", "gp", "PolicyDocument",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","lambda:InvokeFunction"],"Resource":"*"}]}`)
	f.ok(t, "Action", "PutUserPolicy", "UserName", "u", "PolicyName", "deny", "PolicyDocument",
		"{\"Version\":\"2012-10-17\",\n\"Statement\":[\n  {\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::secret/*\"}]}")
	res := f.ok(t, "Action", "SimulatePrincipalPolicy", "PolicySourceArn", "arn:aws:iam::"+acct+":user/u",
		"ActionNames.member.1", "s3:GetObject", "ActionNames.member.2", "lambda:InvokeFunction",
		"ResourceArns.member.1", "arn:aws:s3:::public/a", "ResourceArns.member.2", "arn:aws:s3:::secret/b")
	get0 := get(res, "EvaluationResults", 0)
	if get(get0, "EvalDecision") != "explicitDeny" || get(get0, "EvalResourceName") != "arn:aws:s3:::secret/b" ||
		get(get0, "ResourceSpecificResults", 0, "EvalResourceDecision") != "allowed" ||
		get(get0, "ResourceSpecificResults", 1, "EvalResourceDecision") != "explicitDeny" {
		t.Errorf("s3:GetObject = %v", get0)
	}
	deny := get(get0, "MatchedStatements", 0)
	if get(deny, "SourcePolicyId") != "deny" || get(deny, "StartPosition", "Line") != "3" ||
		get(deny, "StartPosition", "Column") != "4" || get(get0, "MatchedStatements", 1) != nil {
		t.Errorf("deny statement = %v", get(get0, "MatchedStatements"))
	}
	if get(get0, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary") != "true" {
		t.Errorf("boundary detail = %v", get0)
	}
	inv := get(res, "EvaluationResults", 1)
	if get(inv, "EvalDecision") != "implicitDeny" ||
		get(inv, "PermissionsBoundaryDecisionDetail", "AllowedByPermissionsBoundary") != "false" {
		t.Errorf("lambda:InvokeFunction outside the boundary = %v", inv)
	}
}

func TestSimulateCustomPolicy(t *testing.T) {
	f := newFixture(t, nil)
	const cond = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`
	tests := []struct {
		name     string
		kv       []string
		decision string
		missing  any
	}{
		{"allowed with context", []string{"ContextEntries.member.1.ContextKeyName", "aws:SourceIp",
			"ContextEntries.member.1.ContextKeyValues.member.1", "10.1.2.3", "ContextEntries.member.1.ContextKeyType", "ip"},
			"allowed", ""},
		{"outside range", []string{"ContextEntries.member.1.ContextKeyName", "aws:sourceip",
			"ContextEntries.member.1.ContextKeyValues.member.1", "192.0.2.1", "ContextEntries.member.1.ContextKeyType", "ip"},
			"implicitDeny", ""},
		{"missing context", nil, "implicitDeny", []any{"aws:SourceIp"}},
		{"deny wins", []string{"PolicyInputList.member.2", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:*","Resource":"*"}]}`},
			"explicitDeny", []any{"aws:SourceIp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := append([]string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", cond,
				"ActionNames.member.1", "lambda:InvokeFunction"}, tt.kv...)
			r := get(f.ok(t, kv...), "EvaluationResults", 0)
			if get(r, "EvalDecision") != tt.decision || get(r, "EvalResourceName") != "*" {
				t.Errorf("result = %v, want %s", r, tt.decision)
			}
			if m := get(r, "MissingContextValues"); tt.missing != nil && !equalAny(m, tt.missing) {
				t.Errorf("MissingContextValues = %v, want %v", m, tt.missing)
			}
			if get(r, "ResourceSpecificResults") != nil || get(r, "EvalDecisionDetails") != nil {
				t.Errorf("resource * must not carry per-resource results: %v", r)
			}
			matched := get(r, "MatchedStatements", 0, "SourcePolicyId")
			switch tt.decision {
			case "allowed":
				if matched != "PolicyInputList.1" {
					t.Errorf("matched %v", matched)
				}
			case "explicitDeny":
				if matched != "PolicyInputList.2" || get(r, "MatchedStatements", 1) != nil {
					t.Errorf("matched %v", get(r, "MatchedStatements"))
				}
			default:
				if matched != nil {
					t.Errorf("implicit deny matched %v", matched)
				}
			}
		})
	}
}

func TestSimulateCustomPolicyResourcePolicyAndPaging(t *testing.T) {
	f := newFixture(t, nil)
	const rp = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/x"},"Action":"lambda:InvokeFunction","Resource":"*"}]}`
	const id = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}`
	kv := []string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", id, "ResourcePolicy", rp,
		"CallerArn", "arn:aws:iam::222222222222:user/x", "ActionNames.member.1", "lambda:InvokeFunction",
		"ActionNames.member.2", "lambda:GetFunction", "ResourceArns.member.1", "arn:aws:lambda:us-east-1:" + acct + ":function:f",
		"MaxItems", "1"}
	p1 := f.ok(t, kv...)
	r := get(p1, "EvaluationResults", 0)
	if get(r, "EvalDecision") != "allowed" || get(p1, "IsTruncated") != "true" || get(p1, "Marker") != "1" {
		t.Fatalf("page 1 = %v", p1)
	}
	if get(r, "EvalDecisionDetails", "IAM Policy") != "allowed" || get(r, "EvalDecisionDetails", "Resource Policy") != "allowed" {
		t.Errorf("cross-account details = %v", get(r, "EvalDecisionDetails"))
	}
	p2 := f.ok(t, append(kv, "Marker", "1")...)
	r = get(p2, "EvaluationResults", 0)
	if get(r, "EvalActionName") != "lambda:GetFunction" || get(r, "EvalDecision") != "implicitDeny" || get(p2, "IsTruncated") != "false" {
		t.Errorf("page 2 = %v", p2)
	}
	if get(r, "EvalDecisionDetails", "Resource Policy") != "implicitDeny" {
		t.Errorf("details = %v", get(r, "EvalDecisionDetails"))
	}
}

func TestSimulateErrors(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name string
		kv   []string
		code string
	}{
		{"no policies", []string{"Action", "SimulateCustomPolicy", "ActionNames.member.1", "s3:GetObject"}, "ValidationError"},
		{"no actions", []string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", allowS3}, "ValidationError"},
		{"malformed", []string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", "{}", "ActionNames.member.1", "s3:GetObject"}, "InvalidInput"},
		{"resource handling", []string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", allowS3,
			"ActionNames.member.1", "s3:GetObject", "ResourceHandlingOption", "EC2-VPC-InstanceStore"}, "InvalidInput"},
		{"bad context type", []string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", allowS3, "ActionNames.member.1", "s3:GetObject",
			"ContextEntries.member.1.ContextKeyName", "k", "ContextEntries.member.1.ContextKeyType", "blob"}, "InvalidInput"},
		{"unknown user", []string{"Action", "SimulatePrincipalPolicy", "PolicySourceArn", "arn:aws:iam::" + acct + ":user/nobody",
			"ActionNames.member.1", "s3:GetObject"}, "NoSuchEntity"},
		{"other account", []string{"Action", "SimulatePrincipalPolicy", "PolicySourceArn", "arn:aws:iam::222222222222:user/u",
			"ActionNames.member.1", "s3:GetObject"}, "NoSuchEntity"},
		{"not an entity", []string{"Action", "SimulatePrincipalPolicy", "PolicySourceArn", "arn:aws:iam::" + acct + ":policy/p",
			"ActionNames.member.1", "s3:GetObject"}, "InvalidInput"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, code, msg := f.fail(t, root, tt.kv...); code != tt.code {
				t.Errorf("%s %q, want %s", code, msg, tt.code)
			}
		})
	}
}

func equalAny(a, b any) bool {
	if a == "" {
		a = []any{}
	}
	if b == "" {
		b = []any{}
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if !aok || !bok || len(al) != len(bl) {
		return false
	}
	for i := range al {
		if al[i] != bl[i] {
			return false
		}
	}
	return true
}
