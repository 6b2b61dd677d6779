package policy

import (
	"slices"
	"testing"
)

func TestPolicyVariables(t *testing.T) {
	const userRes = `"arn:aws:iam::111111111111:user/${aws:username}"`
	tests := []struct {
		name     string
		version  string // "" for no Version element
		resource string // JSON
		cond     string // JSON condition block, optional
		target   string
		ctx      map[string][]string
		want     bool
	}{
		{"username substituted", "2012-10-17", userRes, "", aliceARN, ctx("aws:username", "alice"), true},
		{"other user", "2012-10-17", userRes, "", "arn:aws:iam::111111111111:user/bob", ctx("aws:username", "alice"), false},
		{"absent key matches nothing", "2012-10-17", userRes, "", aliceARN, nil, false},
		{"key names are case-insensitive", "2012-10-17", `"arn:aws:iam::111111111111:user/${AWS:UserName}"`, "", aliceARN,
			ctx("aws:username", "alice"), true},
		{"value is literal, not a wildcard", "2012-10-17", userRes, "", aliceARN, ctx("aws:username", "*"), false},
		{"value ? is literal", "2012-10-17", userRes, "", "arn:aws:iam::111111111111:user/a", ctx("aws:username", "?"), false},
		{"value with : stays in its component", "2012-10-17", `"arn:aws:lambda:us-east-1:${aws:PrincipalAccount}:f"`, "",
			fnA, ctx("aws:PrincipalAccount", "111111111111:function"), false},
		{"variable in account component", "2012-10-17", `"arn:aws:lambda:us-east-1:${aws:PrincipalAccount}:function:f"`, "",
			fnA, ctx("aws:PrincipalAccount", acctA), true},
		{"tag variable", "2012-10-17", `"arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:red-api", ctx("aws:PrincipalTag/Team", "red"), true},
		{"default used when absent", "2012-10-17", `"arn:aws:lambda:*:*:function:${aws:PrincipalTag/team, 'shared'}-*"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:shared-api", nil, true},
		{"default ignored when present", "2012-10-17", `"arn:aws:lambda:*:*:function:${aws:PrincipalTag/team, 'shared'}-*"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:shared-api", ctx("aws:PrincipalTag/team", "red"), false},
		{"${*} is a literal star", "2012-10-17", `"arn:aws:lambda:*:*:function:a${*}b"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:a*b", nil, true},
		{"${*} does not glob", "2012-10-17", `"arn:aws:lambda:*:*:function:a${*}b"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:axxb", nil, false},
		{"${?} and ${$}", "2012-10-17", `"arn:aws:lambda:*:*:function:${?}${$}"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:?$", nil, true},
		{"multivalued key is not substituted", "2012-10-17", `"arn:aws:lambda:*:*:function:${aws:TagKeys}"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:a", ctx("aws:TagKeys", "a"), false},
		{"2008 keeps variables literal", "2008-10-17", userRes, "",
			"arn:aws:iam::111111111111:user/${aws:username}", ctx("aws:username", "alice"), true},
		{"2008 does not substitute", "2008-10-17", userRes, "", aliceARN, ctx("aws:username", "alice"), false},
		{"no Version is 2008", "", userRes, "", aliceARN, ctx("aws:username", "alice"), false},
		{"in StringEquals", "2012-10-17", `"*"`, `{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}`, fnA,
			ctx("aws:username", "alice", "aws:PrincipalTag/owner", "alice"), true},
		{"in StringEquals, absent variable: positive false", "2012-10-17", `"*"`,
			`{"StringEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}`, fnA, ctx("aws:PrincipalTag/owner", "alice"), false},
		{"in StringNotEquals, absent variable: negated true", "2012-10-17", `"*"`,
			`{"StringNotEquals":{"aws:PrincipalTag/owner":"${aws:username}"}}`, fnA, ctx("aws:PrincipalTag/owner", "alice"), true},
		{"in StringLike, value escaped", "2012-10-17", `"*"`, `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, fnA,
			ctx("aws:username", "*", "s3:prefix", "home/bob/x"), false},
		{"in StringLike", "2012-10-17", `"*"`, `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, fnA,
			ctx("aws:username", "alice", "s3:prefix", "home/alice/x"), true},
		{"in StringEqualsIgnoreCase", "2012-10-17", `"*"`,
			`{"StringEqualsIgnoreCase":{"aws:PrincipalTag/owner":"${aws:username}"}}`, fnA,
			ctx("aws:username", "Alice", "aws:PrincipalTag/owner", "ALICE"), true},
		{"in ArnLike", "2012-10-17", `"*"`,
			`{"ArnLike":{"aws:SourceArn":"arn:aws:lambda:*:${aws:PrincipalAccount}:function:*"}}`, fnA,
			ctx("aws:PrincipalAccount", acctA, "aws:SourceArn", fnA), true},
		{"in Bool", "2012-10-17", `"*"`, `{"Bool":{"aws:SecureTransport":"${custom:flag}"}}`, fnA,
			ctx("custom:flag", "true", "aws:SecureTransport", "true"), true},
		{"in Bool, absent", "2012-10-17", `"*"`, `{"Bool":{"aws:SecureTransport":"${custom:flag}"}}`, fnA,
			ctx("aws:SecureTransport", "true"), false},
		{"malformed variable is literal", "2012-10-17", `"arn:aws:lambda:*:*:function:${oops"`, "",
			"arn:aws:lambda:us-east-1:111111111111:function:${oops", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmt := `{"Effect":"Allow","Action":"lambda:GetFunction","Resource":` + tt.resource
			if tt.cond != "" {
				stmt += `,"Condition":` + tt.cond
			}
			d := `{"Statement":[` + stmt + `}]}`
			if tt.version != "" {
				d = `{"Version":"` + tt.version + `","Statement":[` + stmt + `}]}`
			}
			p := mustParse(t, Session, d)
			got := p.Evaluate(&Request{Principal: alice, Action: "lambda:GetFunction", Resource: tt.target,
				Context: tt.ctx}).Allowed()
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestVariablesRefusedInTypedOperators: Numeric and Date values take no
// variables (§4.3), so one fails to parse and the policy is invalid.
func TestVariablesRefusedInTypedOperators(t *testing.T) {
	for _, op := range []string{"NumericEquals", "DateLessThan", "IpAddress"} {
		_, err := Parse([]byte(doc(`{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*","Condition":{"`+
			op+`":{"aws:CurrentTime":"${aws:EpochTime}"}}}`)), Identity)
		if msg := publicMessage(err); msg != msgLegacy {
			t.Errorf("%s with a variable: %q, want %q", op, msg, msgLegacy)
		}
	}
}

func TestConditionKeys(t *testing.T) {
	p := idp(t, `{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"arn:aws:lambda:*:*:function:${aws:PrincipalTag/team}-*",
		"Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1","lambda:FunctionUrlAuthType":"${aws:username}"},
		"Bool":{"AWS:requestedregion":"true"}}}`)
	want := []string{"aws:PrincipalTag/team", "aws:RequestedRegion", "lambda:FunctionUrlAuthType", "aws:username"}
	if got := p.ConditionKeys(); !slices.Equal(got, want) {
		t.Errorf("ConditionKeys() = %q, want %q", got, want)
	}
}
