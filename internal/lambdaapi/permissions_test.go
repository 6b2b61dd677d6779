package lambdaapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/policy"
	"lambent/internal/store"
	"lambent/internal/testenv"
)

// lambdaTrust is a trust policy that lets Lambda assume the role.
const lambdaTrust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// testRoles is a hand-written roleTrust: role name → trust policy, in
// every account.
type testRoles map[string]string

var _ roleTrust = testRoles(nil)

func (r testRoles) RoleTrustPolicy(_ context.Context, _ account.ID, name string) (string, error) {
	doc, ok := r[name]
	if !ok {
		return "", errkind.New(errkind.NotFound, "no such role")
	}
	return doc, nil
}

const fnARN = "arn:aws:lambda:us-east-1:111111111111:function:f"

// createActive creates function name and waits until it is Active.
func createActive(t *testing.T, api *API, name string) {
	t.Helper()
	if w := do(api, "POST", "/2015-03-31/functions", createBody(t, name)); w.Code != 201 {
		t.Fatalf("create %s: %d %s", name, w.Code, w.Body)
	}
	waitConfig(t, api, name, `"State":"Active"`)
}

// waitConfig waits until the function's configuration contains want.
func waitConfig(t *testing.T, api *API, name, want string) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		w := do(api, "GET", "/2015-03-31/functions/"+name+"/configuration", nil)
		if !strings.Contains(w.Body.String(), want) {
			return fmt.Errorf("configuration without %s: %s", want, w.Body)
		}
		return nil
	})
}

// jsonBody marshals v.
func jsonBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantStatus fails unless w answered status (and, for errors, code with a
// message containing msg).
func wantStatus(t *testing.T, w *httptest.ResponseRecorder, status int, code, msg string) {
	t.Helper()
	if w.Code != status || w.Header().Get("X-Amzn-Errortype") != code {
		t.Fatalf("got %d %s, want %d %s: %s", w.Code, w.Header().Get("X-Amzn-Errortype"), status, code, w.Body)
	}
	if msg != "" && !strings.Contains(w.Body.String(), msg) {
		t.Fatalf("body %s, want it to contain %q", w.Body, msg)
	}
}

type policyResponse struct {
	Policy     string
	RevisionId string
}

func getPolicy(t *testing.T, api *API, target string) policyResponse {
	t.Helper()
	w := do(api, "GET", target, nil)
	wantStatus(t, w, 200, "", "")
	var out policyResponse
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPermissionLifecycle(t *testing.T) {
	api := newTestAPI(t)
	createActive(t, api, "f")
	w := do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::bkt"}`))
	wantStatus(t, w, 201, "", "")
	s3 := `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",` +
		`"Resource":"` + fnARN + `","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bkt"}}}`
	if got := w.Body.String(); got != string(jsonBody(t, map[string]string{"Statement": s3})) {
		t.Fatalf("AddPermission answered %s", got)
	}
	first := getPolicy(t, api, "/2015-03-31/functions/f/policy")
	if want := `{"Version":"2012-10-17","Id":"default","Statement":[` + s3 + `]}`; first.Policy != want {
		t.Fatalf("policy %s\nwant   %s", first.Policy, want)
	}
	w = do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"sqs","Action":"lambda:InvokeFunction","Principal":"sqs.amazonaws.com"}`))
	wantStatus(t, w, 201, "", "")
	second := getPolicy(t, api, "/2015-03-31/functions/f/policy")
	if second.RevisionId == first.RevisionId || !strings.Contains(second.Policy, `}}},{"Sid":"sqs"`) {
		t.Fatalf("after the second statement: %+v (first revision %s)", second, first.RevisionId)
	}

	w = do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}`))
	wantStatus(t, w, 409, "ResourceConflictException",
		`"message":"The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement."`)
	w = do(api, "DELETE", "/2015-03-31/functions/f/policy/non-existent", nil)
	wantStatus(t, w, 404, "ResourceNotFoundException", `"Message":"Statement non-existent is not found in resource policy."`)
	if got := getPolicy(t, api, "/2015-03-31/functions/f/policy"); got != second {
		t.Fatalf("refused calls changed the policy: %+v", got)
	}

	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/sqs", nil), 204, "", "")
	if got := getPolicy(t, api, "/2015-03-31/functions/f/policy"); !strings.Contains(got.Policy, `"Statement":[`+s3+`]`) {
		t.Fatalf("after removing sqs: %s", got.Policy)
	}
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/s3", nil), 204, "", "")
	wantStatus(t, do(api, "GET", "/2015-03-31/functions/f/policy", nil), 404, "ResourceNotFoundException",
		`"Message":"The resource you requested does not exist."`)
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/s3", nil), 404, "ResourceNotFoundException",
		"No policy is associated with the given resource.")
	if _, err := api.cfg.Policies.GetIAMEntity(t.Context(), testAccount, store.KindFunctionPolicy, "f:$LATEST"); !errkind.Is(err, errkind.NotFound) {
		t.Fatalf("an emptied policy is kept: %v", err)
	}
}

// TestAddPermissionFields checks the statements AWS builds
// (test_add_lambda_permission_fields).
func TestAddPermissionFields(t *testing.T) {
	api := newTestAPI(t)
	createActive(t, api, "f")
	tests := []struct {
		name, body, want string
	}{
		{"wildcard", `{"StatementId":"wilcard","Action":"lambda:InvokeFunction","Principal":"*","SourceAccount":"111111111111"}`,
			`{"Sid":"wilcard","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + fnARN +
				`","Condition":{"StringEquals":{"AWS:SourceAccount":"111111111111"}}}`},
		{"service", `{"StatementId":"lambda","Action":"lambda:InvokeFunction","Principal":"lambda.amazonaws.com","SourceAccount":"111111111111"}`,
			`{"Sid":"lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN +
				`","Condition":{"StringEquals":{"AWS:SourceAccount":"111111111111"}}}`},
		{"account", `{"StatementId":"account-id","Action":"lambda:InvokeFunction","Principal":"222222222222"}`,
			`{"Sid":"account-id","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN + `"}`},
		{"arn", `{"StatementId":"user-arn","Action":"lambda:InvokeFunction","Principal":"arn:aws:iam::222222222222:user/u","SourceAccount":"111111111111"}`,
			`{"Sid":"user-arn","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/u"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN +
				`","Condition":{"StringEquals":{"AWS:SourceAccount":"111111111111"}}}`},
		{"optional fields", `{"StatementId":"urlPermission","Action":"lambda:InvokeFunctionUrl","Principal":"*","SourceArn":"arn:aws:s3:::bkt",` +
			`"SourceAccount":"111111111111","PrincipalOrgID":"o-1234567890","FunctionUrlAuthType":"NONE"}`,
			`{"Sid":"urlPermission","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + fnARN +
				`","Condition":{"StringEquals":{"AWS:SourceAccount":"111111111111","lambda:FunctionUrlAuthType":"NONE","aws:PrincipalOrgID":"o-1234567890"},` +
				`"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bkt"}}}`},
		{"alexa skill", `{"StatementId":"alexaSkill","Action":"lambda:InvokeFunction","Principal":"*","EventSourceToken":"amzn1.ask.skill.xxxxxxxxx-xxxx"}`,
			`{"Sid":"alexaSkill","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + fnARN +
				`","Condition":{"StringEquals":{"lambda:EventSourceToken":"amzn1.ask.skill.xxxxxxxxx-xxxx"}}}`},
		{"via function url", `{"StatementId":"viaURL","Action":"lambda:*","Principal":"alexa-appkit.amazon.com","InvokedViaFunctionUrl":true}`,
			`{"Sid":"viaURL","Effect":"Allow","Principal":{"Service":"alexa-appkit.amazon.com"},"Action":"lambda:*","Resource":"` + fnARN +
				`","Condition":{"Bool":{"lambda:InvokedViaFunctionUrl":"true"}}}`},
	}
	var all []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(api, "POST", "/2015-03-31/functions/f/policy", []byte(tt.body))
			wantStatus(t, w, 201, "", "")
			var out struct{ Statement string }
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if out.Statement != tt.want {
				t.Fatalf("statement %s\nwant      %s", out.Statement, tt.want)
			}
		})
		all = append(all, tt.want)
	}
	got := getPolicy(t, api, "/2015-03-31/functions/f/policy")
	if want := `{"Version":"2012-10-17","Id":"default","Statement":[` + strings.Join(all, ",") + `]}`; got.Policy != want {
		t.Fatalf("policy %s\nwant   %s", got.Policy, want)
	}
	// What is stored is exactly what GetPolicy shows, and the policy
	// engine reads it as a resource policy that grants what it says.
	e, err := api.cfg.Policies.GetIAMEntity(t.Context(), testAccount, store.KindFunctionPolicy, store.FunctionPolicyKey("f", ""))
	if err != nil || string(e.Doc) != got.Policy {
		t.Fatalf("stored %s, %v", e.Doc, err)
	}
	p, err := policy.Parse(e.Doc, policy.Resource)
	if err != nil {
		t.Fatal(err)
	}
	req := &policy.Request{Principal: policy.Principal{Type: policy.ServicePrincipal, ARN: "lambda.amazonaws.com"},
		Action: "lambda:InvokeFunction", Resource: fnARN, Context: map[string][]string{"aws:sourceaccount": {"111111111111"}}}
	if d := p.Evaluate(req); !d.Allowed() {
		t.Fatalf("the stored policy does not grant its statement: %v", d)
	}
	req.Context["aws:sourceaccount"] = []string{"333333333333"}
	if d := p.Evaluate(req); d.Allowed() && d.By.Sid == "lambda" {
		t.Fatal("the SourceAccount condition was not kept")
	}
}

// TestPermissionErrors checks AWS's answers to bad permission calls
// (test_permission_exceptions, test_remove_multi_permissions).
func TestPermissionErrors(t *testing.T) {
	api := newTestAPI(t)
	createActive(t, api, "f")
	valid := `{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}`
	wantStatus(t, do(api, "POST", "/2015-03-31/functions/f/policy", []byte(valid)), 201, "", "")
	tests := []struct {
		name, method, target, body string
		status                     int
		code, msg                  string
	}{
		{"bad statement id", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"example.com","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}`, 400, "ValidationException",
			`1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)`},
		{"bad action", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"x","Action":"s3:GetObject","Principal":"s3.amazonaws.com"}`, 400, "ValidationException",
			`Value 's3:GetObject' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`},
		{"no principal", "POST", "/2015-03-31/functions/f/policy", `{"StatementId":"x","Action":"lambda:InvokeFunction"}`, 400,
			"ValidationException", `Value null at 'principal' failed to satisfy constraint: Member must not be null`},
		{"principal with space", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"a b"}`, 400, "ValidationException",
			`Value 'a b' at 'principal' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`},
		{"bad url auth type", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"*","FunctionUrlAuthType":"SOME"}`, 400, "ValidationException",
			`Member must satisfy enum value set: [NONE, AWS_IAM]`},
		{"bad qualifier", "POST", "/2015-03-31/functions/f/policy?Qualifier=invalid-qualifier-with-%3F-char", valid, 400, "ValidationException",
			`1 validation error detected: Value 'invalid-qualifier-with-?-char' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`},
		{"qualifier mismatch", "POST", "/2015-03-31/functions/f:1/policy?Qualifier=2", valid, 400, "InvalidParameterValueException",
			`"message":"The derived qualifier from the function name does not match the specified qualifier."`},
		{"$LATEST", "POST", "/2015-03-31/functions/f/policy?Qualifier=%24LATEST", valid, 400, "InvalidParameterValueException",
			`"message":"We currently do not support adding policies for $LATEST."`},
		{"bad principal", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"invalid principal"}`, 400, "ValidationException", "at 'principal'"},
		{"unknown principal form", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"invalid.principal"}`, 400, "InvalidParameterValueException",
			`"message":"The provided principal was invalid. Please check the principal and try again."`},
		{"non-IAM ARN principal", "POST", "/2015-03-31/functions/f/policy",
			`{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"arn:aws:s3:::bkt"}`, 400, "InvalidParameterValueException",
			"The provided principal was invalid."},
		{"unknown function", "POST", "/2015-03-31/functions/doesnotexist/policy", valid, 404, "ResourceNotFoundException",
			`"Message":"Function not found: arn:aws:lambda:us-east-1:111111111111:function:doesnotexist"`},
		{"unknown alias", "POST", "/2015-03-31/functions/f/policy?Qualifier=alias-doesnotexist", valid, 404, "ResourceNotFoundException",
			"Cannot find alias arn: " + fnARN + ":alias-doesnotexist"},
		{"unknown version", "POST", "/2015-03-31/functions/f/policy?Qualifier=42", valid, 404, "ResourceNotFoundException",
			"Function not found: " + fnARN + ":42"},
		{"unknown version with $", "POST", "/2015-03-31/functions/f/policy?Qualifier=valid-with-%24-but-doesnotexist", valid, 404,
			"ResourceNotFoundException", "Function not found: " + fnARN + ":valid-with-$-but-doesnotexist"},
		{"get: unknown function", "GET", "/2015-03-31/functions/doesnotexist/policy", "", 404, "ResourceNotFoundException",
			"The resource you requested does not exist."},
		{"get: unknown version", "GET", "/2015-03-31/functions/f/policy?Qualifier=42", "", 404, "ResourceNotFoundException",
			"The resource you requested does not exist."},
		{"remove: unknown function", "DELETE", "/2015-03-31/functions/doesnotexist/policy/s3", "", 404, "ResourceNotFoundException",
			"No policy found for: arn:aws:lambda:us-east-1:111111111111:function:doesnotexist"},
		{"remove: unknown alias", "DELETE", "/2015-03-31/functions/f/policy/s3?Qualifier=alias-doesnotexist", "", 404,
			"ResourceNotFoundException", "Cannot find alias arn: " + fnARN + ":alias-doesnotexist"},
		{"remove: bad statement id", "DELETE", "/2015-03-31/functions/f/policy/a%20b", "", 400, "ValidationException",
			"at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)"},
		{"other account", "POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A222222222222%3Afunction%3Af/policy", valid, 403,
			"AccessDeniedException", "is not authorized to perform: lambda:AddPermission on resource: arn:aws:lambda:us-east-1:222222222222:function:f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, do(api, tt.method, tt.target, []byte(tt.body)), tt.status, tt.code, tt.msg)
		})
	}
	// $LATEST in GetPolicy and RemovePermission is the unqualified policy.
	if got := getPolicy(t, api, "/2015-03-31/functions/f/policy?Qualifier=%24LATEST"); !strings.Contains(got.Policy, `"Sid":"s3"`) {
		t.Fatalf("GetPolicy $LATEST: %s", got.Policy)
	}
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/s3?Qualifier=%24LATEST", nil), 204, "", "")
}

func TestPermissionRevisions(t *testing.T) {
	api := newTestAPI(t)
	createActive(t, api, "f")
	add := func(sid, revision string) *httptest.ResponseRecorder {
		return do(api, "POST", "/2015-03-31/functions/f/policy", jsonBody(t, map[string]string{
			"StatementId": sid, "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com", "RevisionId": revision}))
	}
	stale := "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id"
	wantStatus(t, add("s1", "wrong"), 412, "PreconditionFailedException", `"message":"`+stale+`"`)
	// Without a policy, the function's RevisionId is the current one.
	w := do(api, "GET", "/2015-03-31/functions/f/configuration", nil)
	var fn struct{ RevisionId string }
	_ = json.Unmarshal(w.Body.Bytes(), &fn)
	wantStatus(t, add("s1", fn.RevisionId), 201, "", "")
	p1 := getPolicy(t, api, "/2015-03-31/functions/f/policy")
	wantStatus(t, add("s2", fn.RevisionId), 412, "PreconditionFailedException", stale)
	wantStatus(t, add("s2", p1.RevisionId), 201, "", "")
	p2 := getPolicy(t, api, "/2015-03-31/functions/f/policy")
	if p2.RevisionId == p1.RevisionId || len(p2.RevisionId) != 36 {
		t.Fatalf("revisions %q then %q", p1.RevisionId, p2.RevisionId)
	}
	// The policy's revision is its own: the function's does not move.
	w = do(api, "GET", "/2015-03-31/functions/f/configuration", nil)
	if !strings.Contains(w.Body.String(), fn.RevisionId) {
		t.Fatalf("AddPermission changed the function's RevisionId: %s", w.Body)
	}
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/s1?RevisionId="+p1.RevisionId, nil), 412,
		"PreconditionFailedException", stale)
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f/policy/s1?RevisionId="+p2.RevisionId, nil), 204, "", "")
}

func TestPolicySizeLimit(t *testing.T) {
	api := newTestAPI(t)
	createActive(t, api, "f")
	long := "arn:aws:s3:::" + strings.Repeat("b", 900)
	for i := 0; ; i++ {
		w := do(api, "POST", "/2015-03-31/functions/f/policy", jsonBody(t, map[string]string{
			"StatementId": fmt.Sprint("s", i), "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com", "SourceArn": long}))
		if w.Code == 201 {
			continue
		}
		wantStatus(t, w, 400, "PolicyLengthExceededException", "is bigger than the limit (20480).")
		if i < 15 {
			t.Fatalf("refused after %d statements", i)
		}
		break
	}
	if p := getPolicy(t, api, "/2015-03-31/functions/f/policy"); len(p.Policy) > maxPolicySize {
		t.Fatalf("stored policy of %d bytes", len(p.Policy))
	}
}

// TestVersionPolicies checks that each version has its own policy and
// that PublishVersion copies $LATEST's (test_lambda_permission_fn_versioning).
func TestVersionPolicies(t *testing.T) {
	api := newTestAPI(t)
	createActive(t, api, "f")
	wantStatus(t, do(api, "POST", "/2015-03-31/functions/f/policy", []byte(
		`{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::bkt"}`)), 201, "", "")
	latest := getPolicy(t, api, "/2015-03-31/functions/f/policy")
	wantStatus(t, do(api, "POST", "/2015-03-31/functions/f/versions", []byte(`{}`)), 201, "", "")
	if got := getPolicy(t, api, "/2015-03-31/functions/f/policy"); got != latest {
		t.Fatalf("publishing changed $LATEST's policy: %+v", got)
	}
	v1 := getPolicy(t, api, "/2015-03-31/functions/f/policy?Qualifier=1")
	if !strings.Contains(v1.Policy, `"Resource":"`+fnARN+`:1"`) || v1.RevisionId == latest.RevisionId {
		t.Fatalf("version 1 policy %+v", v1)
	}
	wantStatus(t, do(api, "POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A111111111111%3Afunction%3Af%3A1/policy",
		[]byte(`{"StatementId":"v1only","Action":"lambda:InvokeFunction","Principal":"*"}`)), 201, "", "")
	if got := getPolicy(t, api, "/2015-03-31/functions/f/policy"); strings.Contains(got.Policy, "v1only") {
		t.Fatal("a version's statement reached $LATEST's policy")
	}
	if got := getPolicy(t, api, "/2015-03-31/functions/f/policy?Qualifier=1"); !strings.Contains(got.Policy,
		`"Sid":"v1only","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"`+fnARN+`:1"`) {
		t.Fatalf("version 1 policy %s", got.Policy)
	}
	// A version's policy goes with the version, and a function's with it.
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f?Qualifier=1", nil), 204, "", "")
	wantStatus(t, do(api, "GET", "/2015-03-31/functions/f/policy?Qualifier=1", nil), 404, "ResourceNotFoundException", "")
	wantStatus(t, do(api, "DELETE", "/2015-03-31/functions/f", nil), 204, "", "")
	createActive(t, api, "f")
	wantStatus(t, do(api, "GET", "/2015-03-31/functions/f/policy", nil), 404, "ResourceNotFoundException", "")
}
