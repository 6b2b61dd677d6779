package policy

import "testing"

func TestActionMatching(t *testing.T) {
	tests := []struct {
		pattern, action string
		want            bool
	}{
		{"*", "lambda:InvokeFunction", true},
		{"lambda:*", "lambda:InvokeFunction", true},
		{"lambda:*", "iam:GetRole", false},
		{"lambda:InvokeFunction", "LAMBDA:invokefunction", true},
		{"LAMBDA:INVOKE*", "lambda:InvokeFunctionUrl", true},
		{"lambda:Invoke*", "lambda:GetFunction", false},
		{"lambda:Get*Config*", "lambda:GetFunctionConfiguration", true},
		{"lambda:Get?unction", "lambda:GetFunction", true},
		{"lambda:Get?unction", "lambda:GetAlias", false},
		{"lambda:*Function", "lambda:InvokeFunctionUrl", false},
		{"lambda:*Function*", "lambda:InvokeFunctionUrl", true},
		{"*:GetRole", "iam:GetRole", true},
		{"iam:*Role*", "iam:PassRole", true},
		{"sts:AssumeRole", "sts:AssumeRoleWithSAML", false},
		{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl", false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.action, func(t *testing.T) {
			p := idp(t, `{"Effect":"Allow","Action":`+jsonText(t, tt.pattern)+`,"Resource":"*"}`)
			got := p.Evaluate(&Request{Principal: alice, Action: tt.action, Resource: fnA}).Allowed()
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a*b*c", "xxaxxbxxc", true},
		{"*a*b*c", "xxaxxcxxb", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true}, // ? is one character, not one byte
		{"**", "abc", true},
		{"*?", "", false},
		{"a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	}
	for _, tt := range tests {
		p := compilePattern(tt.pattern, true, false)
		if got := p.match(nil, tt.s, false); got != tt.want {
			t.Errorf("%q ~ %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// TestResourceMatching covers §4.2's ARN rules and §7.4's qualifier table.
func TestResourceMatching(t *testing.T) {
	const f = "arn:aws:lambda:us-east-1:111111111111:function:f"
	tests := []struct {
		name, pattern, resource string
		want                    bool
	}{
		{"bare star", "*", "anything at all", true},
		{"exact", f, f, true},
		{"unqualified pattern, qualified request", f, f + ":1", false},
		{"version pattern", f + ":1", f + ":1", true},
		{"version pattern, alias request", f + ":1", f + ":prod", false},
		{"f:* qualified", f + ":*", f + ":prod", true},
		{"f:* unqualified", f + ":*", f, false},
		{"f* unqualified", f + "*", f, true},
		{"f* qualified", f + "*", f + ":1", true},
		{"my* crosses : in the resource", "arn:aws:lambda:us-east-1:111111111111:function:my*",
			"arn:aws:lambda:us-east-1:111111111111:function:my-fn:1", true},
		{"region wildcard", "arn:aws:lambda:*:111111111111:function:f", f, true},
		{"account wildcard stays in its component", "arn:aws:lambda:us-east-1:*:f",
			"arn:aws:lambda:us-east-1:111111111111:function:f", false},
		{"case-sensitive", "arn:aws:lambda:us-east-1:111111111111:function:F", f, false},
		{"fewer than six components never match", "arn:aws:fdsasf", "arn:aws:fdsasf", false},
		{"request with fewer than six components", "arn:aws:lambda:*:*:*", "not-an-arn", false},
		{"request * only matches bare *", "arn:aws:lambda:*:*:*", "*", false},
		{"question mark", "arn:aws:iam::111111111111:user/al?ce", aliceARN, true},
		{"empty region", "arn:aws:iam::111111111111:user/*", aliceARN, true},
		{"region must be empty when pattern's is", "arn:aws:iam::111111111111:user/*",
			"arn:aws:iam:us-east-1:111111111111:user/alice", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, Session, doc(`{"Effect":"Allow","Action":"lambda:GetFunction","Resource":`+
				jsonText(t, tt.pattern)+`}`))
			got := p.Evaluate(&Request{Principal: alice, Action: "lambda:GetFunction", Resource: tt.resource}).Allowed()
			if got != tt.want {
				t.Errorf("%s ~ %s = %v, want %v", tt.pattern, tt.resource, got, tt.want)
			}
		})
	}
}

func TestNotActionNotResource(t *testing.T) {
	p := idp(t,
		`{"Effect":"Allow","NotAction":["iam:*","sts:*"],"Resource":"*"}`,
		`{"Effect":"Deny","Action":"lambda:DeleteFunction","NotResource":["arn:aws:lambda:*:*:function:scratch-*"]}`)
	tests := []struct {
		action, resource string
		want             Outcome
	}{
		{"lambda:InvokeFunction", fnA, Allowed},
		{"iam:CreateRole", "arn:aws:iam::111111111111:role/x", ImplicitDeny},
		{"sts:AssumeRole", roleA, ImplicitDeny},
		{"lambda:DeleteFunction", fnA, ExplicitDeny},
		{"lambda:DeleteFunction", "arn:aws:lambda:us-east-1:111111111111:function:scratch-1", Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.resource, func(t *testing.T) {
			got := Evaluate(&Request{Principal: alice, Action: tt.action, Resource: tt.resource},
				&Policies{Identity: []*Policy{p}})
			if got.Outcome != tt.want {
				t.Errorf("got %v, want %v", got.Outcome, tt.want)
			}
		})
	}
}

// TestNullResource: AWS accepts a null in a Resource array; it matches
// nothing. A list of only nulls counts as no resources.
func TestNullResource(t *testing.T) {
	p := idp(t, `{"Effect":"Allow","Action":"lambda:GetFunction","Resource":["arn:aws:lambda:*:*:function:other",null]}`)
	if p.Evaluate(&Request{Principal: alice, Action: "lambda:GetFunction", Resource: fnA}).Allowed() {
		t.Fatal("null resource matched")
	}
	for _, elem := range []string{"Resource", "NotResource"} {
		_, err := Parse([]byte(doc(`{"Effect":"Allow","Action":"lambda:GetFunction","`+elem+`":[null]}`)), Identity)
		if got := publicMessage(err); got != msgNoResources {
			t.Errorf("%s [null]: %q, want %q", elem, got, msgNoResources)
		}
	}
}
