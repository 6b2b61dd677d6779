package iamapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"lambent/internal/authz"
	"lambent/internal/errkind"
)

// denyAll denies everything as the authorisation point does.
type denyAll struct{}

func (denyAll) Authorize(_ context.Context, r authz.Request) error { return authz.Denied(r) }

func TestAccessDenied(t *testing.T) {
	f := newFixture(t, denyAll{})
	tests := []struct {
		name string
		kv   []string
		msg  string
	}{
		{"existing path-less", []string{"Action", "GetRole", "RoleName", "missing"},
			"User: arn:aws:iam::111111111111:root is not authorized to perform: iam:GetRole on resource: arn:aws:iam::111111111111:role/missing"},
		{"list", []string{"Action", "ListUsers"},
			"User: arn:aws:iam::111111111111:root is not authorized to perform: iam:ListUsers on resource: *"},
		{"create with path", []string{"Action", "CreateUser", "UserName", "u", "Path", "/a/b/"},
			"User: arn:aws:iam::111111111111:root is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::111111111111:user/a/b/u"},
		{"policy arn", []string{"Action", "GetPolicy", "PolicyArn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
			"User: arn:aws:iam::111111111111:root is not authorized to perform: iam:GetPolicy on resource: arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, code, msg := f.fail(t, root, tt.kv...)
			if st != http.StatusForbidden || code != "AccessDenied" || msg != tt.msg {
				t.Errorf("%d %s %q, want 403 AccessDenied %q", st, code, msg, tt.msg)
			}
		})
	}
	// Nothing was created behind the denial.
	if _, err := f.svc.GetUser(t.Context(), acct, "u"); err == nil {
		t.Error("denied CreateUser created the user")
	}
}

func TestAuthorizedResources(t *testing.T) {
	f := newFixture(t, nil)
	f.ok(t, "Action", "CreateRole", "RoleName", "r", "Path", "/svc/", "AssumeRolePolicyDocument", ec2Trust)
	tests := []struct {
		kv       []string
		action   string
		resource string
	}{
		{[]string{"Action", "GetRole", "RoleName", "r"}, "iam:GetRole", "arn:aws:iam::111111111111:role/svc/r"},
		{[]string{"Action", "GetRole", "RoleName", "R"}, "iam:GetRole", "arn:aws:iam::111111111111:role/svc/r"},
		{[]string{"Action", "ListRoles"}, "iam:ListRoles", "*"},
		{[]string{"Action", "ListPolicies"}, "iam:ListPolicies", "*"},
		{[]string{"Action", "SimulateCustomPolicy", "PolicyInputList.member.1", allowS3, "ActionNames.member.1", "s3:PutObject"},
			"iam:SimulateCustomPolicy", "*"},
	}
	for _, tt := range tests {
		t.Run(tt.kv[1], func(t *testing.T) {
			f.do(t, root, tt.kv...)
			got := f.az.last()
			if got.Action != tt.action || got.Resource != tt.resource || got.ResourceAccount != acct || got.Principal != root {
				t.Errorf("authorised %+v, want %s on %s", got, tt.action, tt.resource)
			}
		})
	}
}

func TestProtocolErrors(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name   string
		kv     []string
		status int
		code   string
		msg    string
	}{
		{"unknown action", []string{"Action", "FlyToTheMoon"}, 400, "InvalidAction",
			"Could not find operation FlyToTheMoon for version 2010-05-08"},
		{"missing param", []string{"Action", "CreateRole", "RoleName", "r"}, 400, "ValidationError",
			"1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null"},
		{"two missing", []string{"Action", "PutUserPolicy", "UserName", "u"}, 400, "ValidationError",
			"2 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"},
		{"malformed policy", []string{"Action", "CreatePolicy", "PolicyName", "p", "PolicyDocument", "{"}, 400, "MalformedPolicyDocument", ""},
		{"bad max items", []string{"Action", "ListUsers", "MaxItems", "0"}, 400, "ValidationError",
			"1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, code, msg := f.fail(t, root, tt.kv...)
			if st != tt.status || code != tt.code || tt.msg != "" && msg != tt.msg {
				t.Errorf("%d %s %q, want %d %s %q", st, code, msg, tt.status, tt.code, tt.msg)
			}
		})
	}
}

func TestUnauthenticated(t *testing.T) {
	f := newFixture(t, nil)
	st, code, _ := f.fail(t, nil, "Action", "ListUsers")
	if st != 403 || code != "MissingAuthenticationToken" {
		t.Errorf("%d %s", st, code)
	}
}

func TestGetQueryString(t *testing.T) {
	f := newFixture(t, nil)
	r := httptest.NewRequest(http.MethodGet, "/?Action=ListRoles&Version=2010-05-08", nil)
	r = r.WithContext(authz.WithPrincipal(r.Context(), root))
	w := httptest.NewRecorder()
	f.api.Serve(w, r, nil, "req-1")
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), `<ListRolesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ListRolesResult><Roles></Roles><IsTruncated>false</IsTruncated></ListRolesResult>`) {
		t.Errorf("%d %s", w.Code, w.Body)
	}
	if w.Header().Get("Content-Type") != "text/xml" || w.Header().Get("X-Amzn-Requestid") != "req-1" {
		t.Errorf("headers %v", w.Header())
	}
}

func TestWriteError(t *testing.T) {
	f := newFixture(t, nil)
	w := httptest.NewRecorder()
	f.api.WriteError(w, "req-1", errkind.WithDetail(errkind.Unauthenticated, "SignatureDoesNotMatch", "bad signature"))
	if w.Code != 403 || !strings.Contains(w.Body.String(), "<Code>SignatureDoesNotMatch</Code><Message>bad signature</Message>") {
		t.Errorf("%d %s", w.Code, w.Body)
	}
}
