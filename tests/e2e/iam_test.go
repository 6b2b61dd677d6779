package e2e_test

import (
	"strings"
	"testing"

	"lambent/tests/framework"
)

// withSession returns a copy of c that signs with temporary credentials.
func (c *awsCLI) withSession(keyID, secret, token string) *awsCLI {
	env := make([]string, 0, len(c.env)+3)
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			env = append(env, kv)
		}
	}
	env = append(env, "AWS_ACCESS_KEY_ID="+keyID, "AWS_SECRET_ACCESS_KEY="+secret, "AWS_SESSION_TOKEN="+token)
	return &awsCLI{path: c.path, endpoint: c.endpoint, env: env, dir: c.dir}
}

type accessKeyOutput struct {
	AccessKey struct{ AccessKeyId, SecretAccessKey, UserName, Status string }
}

type assumeRoleOutput struct {
	Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	AssumedRoleUser struct{ AssumedRoleId, Arn string }
}

type callerIdentity struct{ UserId, Account, Arn string }

// TestCLIUsersAndPolicies drives IAM with the stock CLI: a user without a
// policy is refused, a managed policy lets it in, an explicit deny wins.
func TestCLIUsersAndPolicies(t *testing.T) {
	srv := startServer(t, t.TempDir())
	admin := cliFor(t, srv)
	admin.ok(t, nil, "iam", "create-user", "--user-name", "dev")
	var key accessKeyOutput
	admin.ok(t, &key, "iam", "create-access-key", "--user-name", "dev")
	dev := newCLI(t, srv.Endpoint, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey)

	var who callerIdentity
	dev.ok(t, &who, "sts", "get-caller-identity")
	if who.Arn != "arn:aws:iam::000000000000:user/dev" || !strings.HasPrefix(who.UserId, "AIDA") || who.Account != framework.AccountID {
		t.Fatalf("get-caller-identity = %+v", who)
	}
	dev.fail(t, exitServiceError, "AccessDeniedException",
		"User: arn:aws:iam::000000000000:user/dev is not authorized to perform: lambda:ListFunctions", "lambda", "list-functions")
	dev.fail(t, exitServiceError, "AccessDenied", "iam:CreateUser", "iam", "create-user", "--user-name", "eve")

	admin.ok(t, nil, "iam", "attach-user-policy", "--user-name", "dev", "--policy-arn", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")
	dev.ok(t, nil, "lambda", "list-functions")
	admin.ok(t, nil, "iam", "put-user-policy", "--user-name", "dev", "--policy-name", "no-list",
		"--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"lambda:ListFunctions","Resource":"*"}]}`)
	dev.fail(t, exitServiceError, "AccessDeniedException", "with an explicit deny", "lambda", "list-functions")

	var attached struct {
		AttachedPolicies []struct{ PolicyName, PolicyArn string }
	}
	admin.ok(t, &attached, "iam", "list-attached-user-policies", "--user-name", "dev")
	if len(attached.AttachedPolicies) != 1 || attached.AttachedPolicies[0].PolicyName != "AWSLambda_ReadOnlyAccess" {
		t.Fatalf("attached = %+v", attached)
	}
	var holders struct {
		PolicyUsers []struct{ UserName, UserId string }
	}
	admin.ok(t, &holders, "iam", "list-entities-for-policy", "--policy-arn", "arn:aws:iam::aws:policy/AWSLambda_ReadOnlyAccess")
	if len(holders.PolicyUsers) != 1 || holders.PolicyUsers[0].UserName != "dev" || holders.PolicyUsers[0].UserId != who.UserId {
		t.Fatalf("list-entities-for-policy = %+v", holders)
	}
	admin.fail(t, exitServiceError, "MalformedPolicyDocument", "", "iam", "put-user-policy", "--user-name", "dev",
		"--policy-name", "bad", "--policy-document", `{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}`)

	var sim struct {
		EvaluationResults []struct{ EvalActionName, EvalDecision string }
	}
	admin.ok(t, &sim, "iam", "simulate-custom-policy", "--action-names", "lambda:InvokeFunction", "lambda:DeleteFunction",
		"--policy-input-list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:Invoke*","Resource":"*"}]}`)
	if len(sim.EvaluationResults) != 2 || sim.EvaluationResults[0].EvalDecision != "allowed" || sim.EvaluationResults[1].EvalDecision != "implicitDeny" {
		t.Fatalf("simulate-custom-policy = %+v", sim)
	}
}

// TestCLIOrganizationAccount creates a second account with the stock CLI,
// reaches it through OrganizationAccountAccessRole, deploys there, and
// grants and revokes a cross-account invoke.
func TestCLIOrganizationAccount(t *testing.T) {
	srv := startServer(t, t.TempDir())
	admin := cliFor(t, srv)
	createGoFunction(t, admin, "shared")

	var created struct {
		CreateAccountStatus struct{ Id, State, AccountId string }
	}
	admin.ok(t, &created, "organizations", "create-account", "--email", "team-b@example.com", "--account-name", "team-b")
	var status struct {
		CreateAccountStatus struct{ State, AccountId string }
	}
	admin.ok(t, &status, "organizations", "describe-create-account-status", "--create-account-request-id", created.CreateAccountStatus.Id)
	b := status.CreateAccountStatus.AccountId
	if status.CreateAccountStatus.State != "SUCCEEDED" || len(b) != 12 {
		t.Fatalf("create account status = %+v", status)
	}
	var accounts struct {
		Accounts []struct{ Id, Name, Status string }
	}
	admin.ok(t, &accounts, "organizations", "list-accounts")
	if len(accounts.Accounts) != 2 {
		t.Fatalf("list-accounts = %+v", accounts)
	}
	var org struct {
		Organization struct{ Id, MasterAccountId string }
	}
	admin.ok(t, &org, "organizations", "describe-organization")
	if org.Organization.MasterAccountId != framework.AccountID || !strings.HasPrefix(org.Organization.Id, "o-") {
		t.Fatalf("describe-organization = %+v", org)
	}

	var assumed assumeRoleOutput
	admin.ok(t, &assumed, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+b+":role/OrganizationAccountAccessRole",
		"--role-session-name", "admin")
	adminB := admin.withSession(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken)
	var who callerIdentity
	adminB.ok(t, &who, "sts", "get-caller-identity")
	if who.Account != b || who.Arn != "arn:aws:sts::"+b+":assumed-role/OrganizationAccountAccessRole/admin" {
		t.Fatalf("identity in the new account = %+v", who)
	}
	// The new account deploys its own function with its own role.
	adminB.ok(t, nil, "iam", "create-role", "--role-name", "exec", "--assume-role-policy-document", framework.LambdaTrustPolicy)
	zip := writeFile(t, "gofn.zip", framework.GoFunctionZip(t))
	adminB.ok(t, nil, "lambda", "create-function", "--function-name", "mine", "--runtime", "provided.al2023",
		"--handler", "bootstrap", "--role", "arn:aws:iam::"+b+":role/exec", "--zip-file", zip)
	adminB.waitActive(t, "mine")
	var list struct {
		Functions []struct{ FunctionName string }
	}
	adminB.ok(t, &list, "lambda", "list-functions")
	if len(list.Functions) != 1 || list.Functions[0].FunctionName != "mine" {
		t.Fatalf("functions of the new account = %+v", list)
	}

	sharedARN := "arn:aws:lambda:us-east-1:000000000000:function:shared"
	adminB.fail(t, exitServiceError, "AccessDeniedException", "lambda:InvokeFunction", invokeArgs(sharedARN, `{}`, adminB.outfile())...)
	admin.ok(t, nil, "lambda", "add-permission", "--function-name", "shared", "--statement-id", "team-b",
		"--action", "lambda:InvokeFunction", "--principal", b)
	meta, payload := adminB.invoke(t, sharedARN, `{"action":"echo","value":"from b"}`)
	if meta.StatusCode != 200 || !strings.Contains(string(payload), "from b") {
		t.Fatalf("cross-account invoke: %+v %s", meta, payload)
	}
	admin.ok(t, nil, "lambda", "remove-permission", "--function-name", "shared", "--statement-id", "team-b")
	adminB.fail(t, exitServiceError, "AccessDeniedException", "lambda:InvokeFunction", invokeArgs(sharedARN, `{}`, adminB.outfile())...)
}
