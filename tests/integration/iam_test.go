package integration_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"lambent/tests/framework"
)

// newUser creates an IAM user with inline policies and an access key.
func newUser(t *testing.T, srv *framework.Server, name string, policies ...string) framework.Creds {
	t.Helper()
	return newUserWith(t, srv.IAM(), name, policies...)
}

func newUserWith(t *testing.T, c *iam.Client, name string, policies ...string) framework.Creds {
	t.Helper()
	ctx := context.Background()
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	for i, p := range policies {
		_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name),
			PolicyName: aws.String("p" + string(rune('0'+i))), PolicyDocument: aws.String(p)})
		if err != nil {
			t.Fatalf("put policy on %s: %v", name, err)
		}
	}
	k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("create access key for %s: %v", name, err)
	}
	return framework.Creds{AccessKeyID: aws.ToString(k.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(k.AccessKey.SecretAccessKey)}
}

func policyDoc(effect, action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

func TestIAMUsersAreDeniedUntilAllowed(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	framework.CreateGoFunction(t, srv.Lambda(), "guarded")

	nobody := srv.LambdaAs(newUser(t, srv, "nobody"))
	_, err := nobody.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	apiError(t, err, "AccessDeniedException", "User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: lambda:ListFunctions")

	reader := srv.LambdaAs(newUser(t, srv, "reader", policyDoc("Allow", "lambda:Get*", "*"), policyDoc("Allow", "lambda:List*", "*")))
	if _, err := reader.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("guarded")}); err != nil {
		t.Fatalf("reader GetFunction: %v", err)
	}
	_, err = reader.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("guarded")})
	apiError(t, err, "AccessDeniedException", "lambda:DeleteFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:guarded")

	// An explicit Deny wins over any Allow.
	mixed := srv.LambdaAs(newUser(t, srv, "mixed", policyDoc("Allow", "lambda:*", "*"),
		policyDoc("Deny", "lambda:InvokeFunction", "arn:aws:lambda:*:*:function:guarded")))
	if _, err := mixed.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("guarded")}); err != nil {
		t.Fatalf("mixed GetFunction: %v", err)
	}
	_, err = mixed.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("guarded")})
	apiError(t, err, "AccessDeniedException", "with an explicit deny")

	// IAM itself is guarded: the reader cannot grant itself more.
	_, err = srv.IAM(framework.Creds{}).ListUsers(ctx, &iam.ListUsersInput{})
	if err == nil {
		t.Fatal("anonymous ListUsers succeeded")
	}
}

func TestIAMPolicyChangeAppliesImmediately(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	creds := newUser(t, srv, "flip")
	c := srv.LambdaAs(creds)
	if _, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{}); err == nil {
		t.Fatal("allowed before any policy")
	}
	_, err := srv.IAM().AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("flip"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
		t.Fatalf("after attaching AWSLambda_ReadOnlyAccess: %v", err)
	}
	if _, err := srv.IAM().DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("flip"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListFunctions(ctx, &lambda.ListFunctionsInput{}); err == nil {
		t.Fatal("still allowed after detaching")
	}
	// A deactivated key stops working.
	if _, err := srv.IAM().UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("flip"),
		AccessKeyId: aws.String(creds.AccessKeyID), Status: "Inactive"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	apiError(t, err, "UnrecognizedClientException", "")
}

func TestPassRoleAndUntrustedRoles(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	admin := srv.IAM()
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("ec2-only"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	create := func(c *lambda.Client, name, role string) error {
		_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String(name), Runtime: types.RuntimeProvidedal2023,
			Handler: aws.String("bootstrap"), Role: aws.String(role), Code: &types.FunctionCode{ZipFile: framework.GoFunctionZip(t)}})
		return err
	}
	root := srv.Lambda()
	apiError(t, create(root, "f1", "arn:aws:iam::000000000000:role/ec2-only"), "InvalidParameterValueException",
		"The role defined for the function cannot be assumed by Lambda.")
	apiError(t, create(root, "f2", "arn:aws:iam::000000000000:role/missing"), "InvalidParameterValueException",
		"The role defined for the function cannot be assumed by Lambda.")

	noPass := srv.LambdaAs(newUser(t, srv, "deployer", policyDoc("Allow", "lambda:*", "*")))
	apiError(t, create(noPass, "f3", framework.Role), "AccessDeniedException", "iam:PassRole on resource: "+framework.Role)

	withPass := srv.LambdaAs(newUser(t, srv, "deployer2", policyDoc("Allow", "lambda:*", "*"), policyDoc("Allow", "iam:PassRole", framework.Role)))
	if err := create(withPass, "f4", framework.Role); err != nil {
		t.Fatalf("with iam:PassRole: %v", err)
	}
}

func TestAssumeRoleChain(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	admin := srv.IAM()
	trustRoot := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`
	first, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("first"), AssumeRolePolicyDocument: aws.String(trustRoot)})
	if err != nil {
		t.Fatal(err)
	}
	trustFirst := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + aws.ToString(first.Role.Arn) + `"},"Action":"sts:AssumeRole"}]}`
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("second"), AssumeRolePolicyDocument: aws.String(trustFirst),
		MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("second"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")}); err != nil {
		t.Fatal(err)
	}
	out, err := srv.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: first.Role.Arn, RoleSessionName: aws.String("one")})
	if err != nil {
		t.Fatalf("assume first: %v", err)
	}
	c1 := credsOf(out)
	id, err := srv.STS(c1).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::000000000000:assumed-role/first/one" {
		t.Fatalf("identity of first: %v %v", err, aws.ToString(id.Arn))
	}
	_, err = srv.STS(c1).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/second"),
		RoleSessionName: aws.String("two"), DurationSeconds: aws.Int32(7200)})
	apiError(t, err, "ValidationError", "1 hour session limit")
	out2, err := srv.STS(c1).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/second"),
		RoleSessionName: aws.String("two")})
	if err != nil {
		t.Fatalf("assume second from first: %v", err)
	}
	c2 := credsOf(out2)
	if _, err := srv.LambdaAs(c2).ListFunctions(ctx, &lambda.ListFunctionsInput{}); err != nil {
		t.Fatalf("second lists functions: %v", err)
	}
	_, err = srv.LambdaAs(c1).ListFunctions(ctx, &lambda.ListFunctionsInput{})
	apiError(t, err, "AccessDeniedException", "assumed-role/first/one")
	// Root cannot skip the chain: second trusts only first.
	_, err = srv.STS().AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/second"), RoleSessionName: aws.String("x1")})
	apiError(t, err, "AccessDenied", "sts:AssumeRole")
}

func credsOf(out *sts.AssumeRoleOutput) framework.Creds {
	return framework.Creds{AccessKeyID: aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey), SessionToken: aws.ToString(out.Credentials.SessionToken)}
}

func TestOrganizationAccountsAndCrossAccountInvoke(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	org := srv.Organizations()
	created, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("team-b"), Email: aws.String("b@example.com")})
	if err != nil {
		t.Fatalf("create account: %v", err)
	}
	st, err := org.DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{CreateAccountRequestId: created.CreateAccountStatus.Id})
	if err != nil || st.CreateAccountStatus.State != "SUCCEEDED" {
		t.Fatalf("status: %v %+v", err, st)
	}
	acctB := aws.ToString(st.CreateAccountStatus.AccountId)
	list, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{})
	if err != nil || len(list.Accounts) != 2 || aws.ToString(list.Accounts[0].Id) != framework.AccountID {
		t.Fatalf("list accounts: %v %+v", err, list)
	}
	if _, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{}); err != nil {
		t.Fatalf("describe organization: %v", err)
	}
	// The management account reaches the new account through its role.
	out, err := srv.STS().AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acctB + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("admin")})
	if err != nil {
		t.Fatalf("assume OrganizationAccountAccessRole: %v", err)
	}
	adminB := credsOf(out)
	id, err := srv.STS(adminB).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != acctB {
		t.Fatalf("identity in B: %v %+v", err, id)
	}
	// Accounts are isolated: B sees none of A's functions.
	framework.CreateGoFunction(t, srv.Lambda(), "shared")
	lb := srv.LambdaAs(adminB)
	fns, err := lb.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(fns.Functions) != 0 {
		t.Fatalf("B lists A's functions: %v %d", err, len(fns.Functions))
	}
	// A member account cannot manage the organization.
	if _, err := srv.Organizations(adminB).ListAccounts(ctx, &organizations.ListAccountsInput{}); err == nil {
		t.Fatal("member account listed the organization's accounts")
	}

	// Cross-account invoke needs both sides: B's identity (admin) and A's
	// function policy.
	fnARN := "arn:aws:lambda:us-east-1:000000000000:function:shared"
	_, err = lb.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnARN)})
	apiError(t, err, "AccessDeniedException", "lambda:InvokeFunction")
	if _, err := srv.Lambda().AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("shared"),
		StatementId: aws.String("team-b"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(acctB)}); err != nil {
		t.Fatalf("add permission: %v", err)
	}
	inv, err := lb.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnARN), Payload: []byte(`{"action":"echo","value":"hi"}`)})
	if err != nil || inv.FunctionError != nil || !strings.Contains(string(inv.Payload), `"value":"hi"`) {
		t.Fatalf("cross-account invoke: %v %s", err, inv.Payload)
	}
	// A user of B without an identity policy is still refused.
	nobodyB := newUserWith(t, srv.IAM(adminB), "nobody-b")
	_, err = srv.LambdaAs(nobodyB).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnARN)})
	apiError(t, err, "AccessDeniedException", "user/nobody-b")
	if _, err := srv.Lambda().RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("shared"),
		StatementId: aws.String("team-b")}); err != nil {
		t.Fatalf("remove permission: %v", err)
	}
	_, err = lb.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnARN)})
	apiError(t, err, "AccessDeniedException", "lambda:InvokeFunction")

	// A grant to the whole organization (aws:PrincipalOrgID) reaches B.
	desc, err := org.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Lambda().AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("shared"),
		StatementId: aws.String("org"), Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("*"),
		PrincipalOrgID: desc.Organization.Id}); err != nil {
		t.Fatalf("add org permission: %v", err)
	}
	if _, err := lb.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnARN)}); err != nil {
		t.Fatalf("invoke through the organization grant: %v", err)
	}
}

func TestFunctionCallsAWSWithItsRole(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	admin := srv.IAM()
	if _, err := admin.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("caller"),
		AssumeRolePolicyDocument: aws.String(framework.LambdaTrustPolicy)}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"caller", "bare"} {
		role := framework.Role
		if name == "caller" {
			role = "arn:aws:iam::000000000000:role/caller"
		}
		framework.CreateAndWait(t, srv.Lambda(), &lambda.CreateFunctionInput{FunctionName: aws.String(name),
			Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Role: aws.String(role), Timeout: aws.Int32(20),
			Code: &types.FunctionCode{ZipFile: framework.CallerFunctionZip(t)}})
	}
	// Only the caller role may read functions, and only itself.
	if _, err := admin.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*","Condition":{"ArnEquals":{"lambda:SourceFunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:caller"}}}]}`)}); err != nil {
		t.Fatal(err)
	}
	type reply struct{ Account, ARN, UserID, GetResult string }
	call := func(fn string) reply {
		t.Helper()
		out := invokeJSON(t, srv.Lambda(), fn, map[string]string{"function": "caller"})
		if out.FunctionError != nil {
			t.Fatalf("%s failed: %s", fn, out.Payload)
		}
		var r reply
		if err := json.Unmarshal(out.Payload, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := call("caller")
	if r.ARN != "arn:aws:sts::000000000000:assumed-role/caller/caller" || r.Account != framework.AccountID || r.GetResult != "ok" {
		t.Fatalf("caller: %+v", r)
	}
	r = call("bare")
	if r.ARN != "arn:aws:sts::000000000000:assumed-role/lambent-test/bare" || r.GetResult != "AccessDeniedException" {
		t.Fatalf("bare: %+v", r)
	}
	// Revoking the role's policy applies to the next call.
	if _, err := admin.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("caller"), PolicyName: aws.String("self")}); err != nil {
		t.Fatal(err)
	}
	if r = call("caller"); r.GetResult != "AccessDeniedException" {
		t.Fatalf("after revoking: %+v", r)
	}
}
