package lambdaapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/invoke"
)

// recordingAuthorizer records every question it is asked and answers
// with allow.
type recordingAuthorizer struct {
	allow func(authz.Request) bool

	mu   sync.Mutex
	reqs []authz.Request
}

var _ authz.Authorizer = (*recordingAuthorizer)(nil)

func (a *recordingAuthorizer) Authorize(_ context.Context, r authz.Request) error {
	a.mu.Lock()
	a.reqs = append(a.reqs, r)
	a.mu.Unlock()
	if a.allow(r) {
		return nil
	}
	return authz.Denied(r)
}

// asked returns the questions about action, oldest first.
func (a *recordingAuthorizer) asked(action string) []authz.Request {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []authz.Request
	for _, r := range a.reqs {
		if r.Action == action {
			out = append(out, r)
		}
	}
	return out
}

// ownAccount allows a root principal everything in its own account.
func ownAccount(r authz.Request) bool {
	return r.Principal.IsRoot && r.Principal.Account == r.ResourceAccount
}

func rootOf(acct account.ID) *authz.Principal {
	return &authz.Principal{Account: acct, ARN: "arn:aws:iam::" + string(acct) + ":root", IsRoot: true, Type: authz.TypeAccount}
}

// doAs serves one request as principal p.
func doAs(api *API, p *authz.Principal, method, target string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r = r.WithContext(authz.WithPrincipal(r.Context(), p))
	w := httptest.NewRecorder()
	api.Serve(w, r, body, "req-1")
	return w
}

const otherAccount = account.ID("222222222222")

// escapedFnARN is fnARN as a path label.
var escapedFnARN = strings.ReplaceAll(fnARN, ":", "%3A")

func TestCrossAccountCalls(t *testing.T) {
	// The owner may do anything; the other account is granted what a
	// function policy could grant it on f.
	granted := []string{"lambda:GetFunction", "lambda:InvokeFunction", "lambda:GetPolicy", "lambda:ListTags"}
	az := &recordingAuthorizer{allow: func(r authz.Request) bool {
		return ownAccount(r) || r.ResourceAccount == testAccount && strings.HasPrefix(r.Resource, fnARN) && slices.Contains(granted, r.Action)
	}}
	var invoked []invoke.Target
	api := newTestAPI(t, func(c *Config) {
		c.Authorizer = az
		c.Invoker = &fakeInvoker{invoke: func(t invoke.Target, req invoke.Request) (*invoke.Response, error) {
			invoked = append(invoked, t)
			return &invoke.Response{Payload: req.Payload, ExecutedVersion: t.Version}, nil
		}}
	})
	createActive(t, api, "f")
	wantStatus(t, do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"other","Action":"lambda:InvokeFunction","Principal":"222222222222"}`)), 201, "", "")
	other := rootOf(otherAccount)

	w := doAs(api, other, "GET", "/2015-03-31/functions/"+escapedFnARN, nil)
	wantStatus(t, w, 200, "", `"FunctionArn":"`+fnARN+`"`)
	if r := az.asked("lambda:GetFunction"); r[len(r)-1].ResourceAccount != testAccount || r[len(r)-1].Resource != fnARN {
		t.Fatalf("GetFunction asked %+v", r[len(r)-1])
	}
	wantStatus(t, doAs(api, other, "GET", "/2015-03-31/functions/"+escapedFnARN+"/configuration", nil), 403, "AccessDeniedException",
		"User: arn:aws:iam::222222222222:root is not authorized to perform: lambda:GetFunctionConfiguration on resource: "+fnARN)

	w = doAs(api, other, "POST", "/2015-03-31/functions/"+escapedFnARN+"/invocations", []byte(`{"x":1}`))
	wantStatus(t, w, 200, "", `{"x":1}`)
	if len(invoked) != 1 || invoked[0].Account != testAccount || invoked[0].InvokedARN != fnARN {
		t.Fatalf("invoked %+v", invoked)
	}
	// Another account learns nothing of functions it may not invoke.
	wantStatus(t, doAs(api, other, "POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Anope/invocations",
		[]byte(`{}`)), 403, "AccessDeniedException", "lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:nope")

	w = doAs(api, other, "GET", "/2015-03-31/functions/"+escapedFnARN+"/policy", nil)
	wantStatus(t, w, 200, "", `arn:aws:iam::222222222222:root`)
	wantStatus(t, doAs(api, other, "GET", "/2017-03-31/tags/"+escapedFnARN, nil), 200, "", "")

	// Operations a function policy cannot grant across accounts are
	// refused before the authoriser is asked.
	for _, tt := range []struct{ method, target, body, action string }{
		{"PUT", "/2015-03-31/functions/" + escapedFnARN + "/configuration", `{"MemorySize":256}`, "lambda:UpdateFunctionConfiguration"},
		{"POST", "/2015-03-31/functions/" + escapedFnARN + "/policy", `{"StatementId":"x","Action":"lambda:*","Principal":"*"}`, "lambda:AddPermission"},
		{"DELETE", "/2015-03-31/functions/" + escapedFnARN + "/policy/other", "", "lambda:RemovePermission"},
		{"GET", "/2019-09-25/functions/" + escapedFnARN + "/event-invoke-config", "", "lambda:GetFunctionEventInvokeConfig"},
		{"POST", "/2015-03-31/functions", string(createBody(t, fnARN)), "lambda:CreateFunction"},
	} {
		wantStatus(t, doAs(api, other, tt.method, tt.target, []byte(tt.body)), 403, "AccessDeniedException",
			"User: arn:aws:iam::222222222222:root is not authorized to perform: "+tt.action)
		for _, r := range az.asked(tt.action) {
			if r.Principal.Account == otherAccount {
				t.Fatalf("%s asked the authoriser: %+v", tt.action, r)
			}
		}
	}
	// Nothing of the caller's own account was touched: it has no f.
	wantStatus(t, doAs(api, other, "GET", "/2015-03-31/functions/f", nil), 404, "ResourceNotFoundException",
		"Function not found: arn:aws:lambda:us-east-1:222222222222:function:f")
}

func TestConditionKeys(t *testing.T) {
	az := &recordingAuthorizer{allow: ownAccount}
	api := newTestAPI(t, func(c *Config) { c.Authorizer = az })
	body := func(extra map[string]any) []byte {
		m := map[string]any{"FunctionName": "f", "Runtime": "python3.11", "Handler": "app.handler",
			"Role": "arn:aws:iam::111111111111:role/r", "Code": map[string]string{"ZipFile": base64.StdEncoding.EncodeToString(testZip(t))}}
		for k, v := range extra {
			m[k] = v
		}
		return jsonBody(t, m)
	}
	layer := "arn:aws:lambda:us-east-1:111111111111:layer:l:1"
	w := do(api, "POST", "/2015-03-31/functions", body(map[string]any{"Layers": []string{layer},
		"VpcConfig": map[string][]string{"SubnetIds": {"subnet-1", "subnet-2"}, "SecurityGroupIds": {"sg-1"}}}))
	wantStatus(t, w, 400, "InvalidParameterValueException", "not supported")
	ctx := az.asked("lambda:CreateFunction")[0].Context
	if !slices.Equal(ctx["lambda:Layer"], []string{layer}) || !slices.Equal(ctx["lambda:SubnetIds"], []string{"subnet-1", "subnet-2"}) ||
		!slices.Equal(ctx["lambda:SecurityGroupIds"], []string{"sg-1"}) || ctx["lambda:FunctionArn"][0] != fnARN {
		t.Fatalf("CreateFunction context %v", ctx)
	}
	if _, ok := ctx["lambda:VpcIds"]; ok {
		t.Fatalf("lambda:VpcIds without a known VPC: %v", ctx)
	}

	createActive(t, api, "f")
	ctx = az.asked("lambda:CreateFunction")[1].Context
	for _, k := range []string{"lambda:Layer", "lambda:SubnetIds", "lambda:SecurityGroupIds", "lambda:VpcIds"} {
		if _, ok := ctx[k]; ok {
			t.Fatalf("CreateFunction without layers or VPC has %s: %v", k, ctx)
		}
	}
	pass := az.asked("iam:PassRole")
	if len(pass) != 1 || pass[0].Resource != "arn:aws:iam::111111111111:role/r" || pass[0].ResourceAccount != testAccount ||
		!slices.Equal(pass[0].Context["iam:PassedToService"], []string{"lambda.amazonaws.com"}) {
		t.Fatalf("PassRole asked %+v", pass)
	}

	wantStatus(t, do(api, "PUT", "/2015-03-31/functions/f/configuration", jsonBody(t, map[string]any{
		"VpcConfig": map[string][]string{"SubnetIds": {}, "SecurityGroupIds": {}}})), 200, "", "")
	if ctx := az.asked("lambda:UpdateFunctionConfiguration")[0].Context; len(ctx) != 1 {
		t.Fatalf("UpdateFunctionConfiguration detaching from VPCs has keys %v", ctx)
	}
	if len(az.asked("iam:PassRole")) != 1 {
		t.Fatal("an update without Role asked for iam:PassRole")
	}

	wantStatus(t, do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"u","Action":"lambda:InvokeFunctionUrl","Principal":"*","FunctionUrlAuthType":"NONE"}`)), 201, "", "")
	ctx = az.asked("lambda:AddPermission")[0].Context
	if !slices.Equal(ctx["lambda:Principal"], []string{"*"}) || !slices.Equal(ctx["lambda:FunctionUrlAuthType"], []string{"NONE"}) {
		t.Fatalf("AddPermission context %v", ctx)
	}
	wantStatus(t, do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"a","Action":"lambda:InvokeFunction","Principal":"222222222222"}`)), 201, "", "")
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/a", nil), 204, "", "")
	ctx = az.asked("lambda:RemovePermission")[0].Context
	if !slices.Equal(ctx["lambda:Principal"], []string{"arn:aws:iam::222222222222:root"}) {
		t.Fatalf("RemovePermission context %v", ctx)
	}
}

func TestPassRole(t *testing.T) {
	roles := testRoles{
		"r":         lambdaTrust,
		"ec2":       strings.ReplaceAll(lambdaTrust, "lambda.amazonaws.com", "ec2.amazonaws.com"),
		"own":       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111111111111"}}}]}`,
		"elsewhere": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"999999999999"}}}]}`,
		"denied":    lambdaTrust,
		"garbage":   `{"Statement":`,
	}
	api := newTestAPI(t, func(c *Config) {
		c.Roles = roles
		c.Authorizer = &recordingAuthorizer{allow: func(r authz.Request) bool {
			return ownAccount(r) && r.Resource != "arn:aws:iam::111111111111:role/denied"
		}}
	})
	create := func(name, role string) *httptest.ResponseRecorder {
		var m map[string]any
		_ = json.Unmarshal(createBody(t, name), &m)
		m["Role"] = role
		return do(api, "POST", "/2015-03-31/functions", jsonBody(t, m))
	}
	const refused = `"message":"The role defined for the function cannot be assumed by Lambda."`
	for _, tt := range []struct{ role, code string }{
		{"arn:aws:iam::111111111111:role/missing", "InvalidParameterValueException"},
		{"arn:aws:iam::111111111111:role/ec2", "InvalidParameterValueException"},
		{"arn:aws:iam::111111111111:role/elsewhere", "InvalidParameterValueException"},
		{"arn:aws:iam::111111111111:role/garbage", "InvalidParameterValueException"},
		{"arn:aws:iam::222222222222:role/r", "InvalidParameterValueException"},
		{"arn:aws:iam::111111111111:role/denied", "AccessDeniedException"},
	} {
		w := create("f", tt.role)
		if tt.code == "AccessDeniedException" {
			wantStatus(t, w, 403, tt.code, "is not authorized to perform: iam:PassRole on resource: "+tt.role)
			continue
		}
		wantStatus(t, w, 400, tt.code, refused)
	}
	wantStatus(t, create("f", "arn:aws:iam::111111111111:role/own"), 201, "", "")
	wantStatus(t, create("g", "arn:aws:iam::111111111111:role/service-role/r"), 201, "", "")

	// UpdateFunctionConfiguration checks a new role only.
	delete(roles, "own")
	wantStatus(t, do(api, "PUT", "/2015-03-31/functions/f/configuration",
		[]byte(`{"Role":"arn:aws:iam::111111111111:role/own","MemorySize":256}`)), 200, "", "")
	waitConfig(t, api, "f", `"LastUpdateStatus":"Successful"`)
	wantStatus(t, do(api, "PUT", "/2015-03-31/functions/f/configuration",
		[]byte(`{"Role":"arn:aws:iam::111111111111:role/ec2"}`)), 400, "InvalidParameterValueException", refused)
	wantStatus(t, do(api, "PUT", "/2015-03-31/functions/f/configuration",
		[]byte(`{"Role":"arn:aws:iam::111111111111:role/r"}`)), 200, "", `"Role":"arn:aws:iam::111111111111:role/r"`)
}
