package policy

import (
	"testing"
)

// typicalUser is a user with three attached managed policies of ten
// statements each, most with conditions, and the request context the
// gateway builds for an invoke.
func typicalUser(tb testing.TB) (*Request, *Policies) {
	tb.Helper()
	developer := idp(tb,
		`{"Sid":"Read","Effect":"Allow","Action":["lambda:Get*","lambda:List*"],"Resource":"*"}`,
		`{"Sid":"InvokeTeam","Effect":"Allow","Action":"lambda:InvokeFunction",
		  "Resource":"arn:aws:lambda:*:111111111111:function:${aws:PrincipalTag/team}-*",
		  "Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"Bool":{"aws:SecureTransport":"true"}}}`,
		`{"Sid":"UpdateTeam","Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:UpdateFunctionConfiguration"],
		  "Resource":"arn:aws:lambda:*:111111111111:function:${aws:PrincipalTag/team}-*",
		  "Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`,
		`{"Sid":"Tagging","Effect":"Allow","Action":["lambda:TagResource","lambda:UntagResource"],"Resource":"*",
		  "Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","cost-center"]}}}`,
		`{"Sid":"NoDelete","Effect":"Deny","Action":"lambda:DeleteFunction","Resource":"*",
		  "Condition":{"StringNotEquals":{"aws:PrincipalTag/role":"admin"}}}`,
		`{"Sid":"TLSOnly","Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"Network","Effect":"Deny","Action":"lambda:*","Resource":"*",
		  "Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24","2001:db8::/32"]}}}`,
		`{"Sid":"PassExecRole","Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111111111111:role/lambda-*",
		  "Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}`,
		`{"Sid":"Logs","Effect":"Allow","Action":["logs:GetLogEvents","logs:FilterLogEvents"],
		  "Resource":"arn:aws:logs:*:111111111111:log-group:/aws/lambda/${aws:PrincipalTag/team}-*"}`,
		`{"Sid":"Window","Effect":"Deny","Action":"lambda:Update*","Resource":"*",
		  "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}`)
	platform := idp(tb,
		`{"Sid":"Layers","Effect":"Allow","Action":["lambda:GetLayerVersion","lambda:ListLayers"],"Resource":"*"}`,
		`{"Sid":"ESM","Effect":"Allow","Action":["lambda:CreateEventSourceMapping","lambda:DeleteEventSourceMapping"],"Resource":"*",
		  "Condition":{"ArnLike":{"lambda:FunctionArn":"arn:aws:lambda:*:111111111111:function:platform-*"}}}`,
		`{"Sid":"URLs","Effect":"Allow","Action":"lambda:CreateFunctionUrlConfig","Resource":"*",
		  "Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}`,
		`{"Sid":"VPC","Effect":"Deny","Action":["lambda:CreateFunction","lambda:UpdateFunctionConfiguration"],"Resource":"*",
		  "Condition":{"ForAnyValue:StringNotEquals":{"lambda:SubnetIds":["subnet-1","subnet-2"]}}}`,
		`{"Sid":"NoPublic","Effect":"Deny","Action":"lambda:AddPermission","Resource":"*",
		  "Condition":{"StringEquals":{"lambda:Principal":"*"}}}`,
		`{"Sid":"Roles","Effect":"Allow","Action":["iam:GetRole","iam:ListRoles"],"Resource":"arn:aws:iam::111111111111:role/*"}`,
		`{"Sid":"Self","Effect":"Allow","Action":["iam:GetUser","iam:ListAccessKeys"],"Resource":"arn:aws:iam::111111111111:user/${aws:username}"}`,
		`{"Sid":"MFA","Effect":"Deny","Action":["iam:CreateAccessKey","iam:DeleteAccessKey"],"Resource":"*",
		  "Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`,
		`{"Sid":"Age","Effect":"Deny","Action":"iam:*","Resource":"*","Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}}`,
		`{"Sid":"Identity","Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}`)
	guard := idp(tb,
		`{"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",
		  "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}`,
		`{"Sid":"Account","Effect":"Deny","Action":"*","NotResource":["arn:aws:lambda:*:111111111111:*","arn:aws:logs:*:111111111111:*","arn:aws:iam::111111111111:*"],
		  "Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:*"}}}`,
		`{"Sid":"OrgRole","Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::*:role/OrganizationAccountAccessRole"}`,
		`{"Sid":"Concurrency","Effect":"Deny","Action":"lambda:PutFunctionConcurrency","Resource":"*"}`,
		`{"Sid":"CodeSigning","Effect":"Deny","Action":"lambda:CreateFunction","Resource":"*",
		  "Condition":{"Null":{"lambda:CodeSigningConfigArn":"true"}}}`,
		`{"Sid":"Tags","Effect":"Deny","Action":"lambda:TagResource","Resource":"*",
		  "Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"aws:*"}}}`,
		`{"Sid":"Source","Effect":"Deny","Action":"lambda:InvokeFunction","Resource":"*",
		  "Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:*:*:111111111111:*"},"Null":{"aws:SourceArn":"false"}}}`,
		`{"Sid":"Time","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:EpochTime":"1500000000"}}}`,
		`{"Sid":"Case","Effect":"Deny","Action":"lambda:*","Resource":"*",
		  "Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalTag/state":"SUSPENDED"}}}`,
		`{"Sid":"Agent","Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:UserAgent":"*sqlmap*"}}}`)
	req := &Request{
		Principal: alice,
		Action:    "lambda:InvokeFunction",
		Resource:  "arn:aws:lambda:us-east-1:111111111111:function:red-api",
		Context: map[string][]string{
			"aws:principaltag/team":        {"red"},
			"aws:principaltag/role":        {"developer"},
			"aws:requestedregion":          {"us-east-1"},
			"aws:securetransport":          {"true"},
			"aws:sourceip":                 {"10.1.2.3"},
			"aws:currenttime":              {"2024-05-01T12:00:00Z"},
			"aws:epochtime":                {"1714564800"},
			"aws:principalarn":             {aliceARN},
			"aws:principalaccount":         {acctA},
			"aws:principaltype":            {"User"},
			"aws:username":                 {"alice"},
			"aws:userid":                   {"AIDAALICEALICEALICEAA"},
			"aws:useragent":                {"aws-sdk-go-v2/1.30"},
			"lambda:functionarn":           {"arn:aws:lambda:us-east-1:111111111111:function:red-api"},
			"aws:resourcetag/team":         {"red"},
			"lambda:invokedviafunctionurl": {"false"},
		},
	}
	return req, &Policies{Identity: []*Policy{developer, platform, guard}}
}

func TestTypicalDecision(t *testing.T) {
	req, ps := typicalUser(t)
	d := Evaluate(req, ps)
	if !d.Allowed() || d.By.Policy != 0 || d.By.Sid != "InvokeTeam" {
		t.Fatalf("got %v by %+v: %s", d.Outcome, d.By, DenialMessage(req, d))
	}
	other := *req
	other.Resource = "arn:aws:lambda:us-east-1:111111111111:function:blue-api"
	if d := Evaluate(&other, ps); d.Allowed() {
		t.Fatal("another team's function was allowed")
	}
}

// TestEvaluateAllocs guards the hot path: deciding with lower-cased
// context keys allocates nothing.
func TestEvaluateAllocs(t *testing.T) {
	req, ps := typicalUser(t)
	if n := testing.AllocsPerRun(100, func() { Evaluate(req, ps) }); n != 0 {
		t.Fatalf("Evaluate allocates %v times per call, want 0", n)
	}
}

func BenchmarkEvaluateTypical(b *testing.B) {
	req, ps := typicalUser(b)
	b.ReportAllocs()
	for b.Loop() {
		if !Evaluate(req, ps).Allowed() {
			b.Fatal("denied")
		}
	}
}

func BenchmarkParseTypical(b *testing.B) {
	src := []byte(doc(
		`{"Sid":"InvokeTeam","Effect":"Allow","Action":"lambda:InvokeFunction",
		  "Resource":"arn:aws:lambda:*:111111111111:function:${aws:PrincipalTag/team}-*",
		  "Condition":{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"Bool":{"aws:SecureTransport":"true"}}}`,
		`{"Sid":"Network","Effect":"Deny","Action":"lambda:*","Resource":"*",
		  "Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24","2001:db8::/32"]}}}`))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src, Identity); err != nil {
			b.Fatal(err)
		}
	}
}
