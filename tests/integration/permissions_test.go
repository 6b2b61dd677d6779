package integration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"lambent/tests/framework"
)

// TestFunctionPolicyAPI drives AddPermission, GetPolicy and
// RemovePermission through the AWS SDK: the shapes (JSON documents as
// strings), RevisionId guards and AWS's errors (iam.md §7).
func TestFunctionPolicyAPI(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	c := srv.Lambda()
	framework.CreateGoFunction(t, c, "pol")
	fnARN := "arn:aws:lambda:us-east-1:000000000000:function:pol"

	add := func(sid, principal string, mutate ...func(*lambda.AddPermissionInput)) (*lambda.AddPermissionOutput, error) {
		in := &lambda.AddPermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String(sid),
			Action: aws.String("lambda:InvokeFunction"), Principal: aws.String(principal)}
		for _, m := range mutate {
			m(in)
		}
		return c.AddPermission(ctx, in)
	}
	out, err := add("s3", "s3.amazonaws.com", func(in *lambda.AddPermissionInput) {
		in.SourceArn, in.SourceAccount = aws.String("arn:aws:s3:::bkt"), aws.String("000000000000")
	})
	if err != nil {
		t.Fatal(err)
	}
	s3 := `{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + fnARN +
		`","Condition":{"StringEquals":{"AWS:SourceAccount":"000000000000"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bkt"}}}`
	if aws.ToString(out.Statement) != s3 {
		t.Fatalf("Statement = %s", aws.ToString(out.Statement))
	}
	got, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("pol")})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Version":"2012-10-17","Id":"default","Statement":[` + s3 + `]}`; aws.ToString(got.Policy) != want {
		t.Fatalf("Policy = %s", aws.ToString(got.Policy))
	}
	rev := aws.ToString(got.RevisionId)

	// Duplicate statement IDs conflict; stale revisions fail the guard.
	_, err = add("s3", "sqs.amazonaws.com")
	var conflict *types.ResourceConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("duplicate: %v", err)
	}
	apiError(t, err, "ResourceConflictException",
		"The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement.")
	_, err = add("acct", "123456789012", func(in *lambda.AddPermissionInput) { in.RevisionId = aws.String("stale") })
	var stale *types.PreconditionFailedException
	if !errors.As(err, &stale) {
		t.Fatalf("stale RevisionId: %v", err)
	}
	apiError(t, err, "PreconditionFailedException", "Call the GetPolicy API to retrieve the latest Revision Id")
	if _, err := add("acct", "123456789012", func(in *lambda.AddPermissionInput) { in.RevisionId = aws.String(rev) }); err != nil {
		t.Fatalf("current RevisionId: %v", err)
	}
	got, err = c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String(fnARN)})
	if err != nil || aws.ToString(got.RevisionId) == rev ||
		!strings.Contains(aws.ToString(got.Policy), `"Principal":{"AWS":"arn:aws:iam::123456789012:root"}`) {
		t.Fatalf("after the second statement: %v %s", err, aws.ToString(got.Policy))
	}
	_, err = c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("acct"),
		RevisionId: aws.String(rev)})
	apiError(t, err, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id.")

	// Validation and missing things.
	_, err = add("example.com", "s3.amazonaws.com")
	apiError(t, err, "ValidationException", "Value 'example.com' at 'statementId' failed to satisfy constraint")
	_, err = add("x", "not a principal")
	apiError(t, err, "ValidationException", "at 'principal'")
	_, err = add("x", "nonsense")
	apiError(t, err, "InvalidParameterValueException", "The provided principal was invalid. Please check the principal and try again.")
	_, err = add("x", "*", func(in *lambda.AddPermissionInput) { in.Qualifier = aws.String("$LATEST") })
	apiError(t, err, "InvalidParameterValueException", "We currently do not support adding policies for $LATEST.")
	_, err = add("x", "*", func(in *lambda.AddPermissionInput) { in.Qualifier = aws.String("prod") })
	apiError(t, err, "ResourceNotFoundException", "Cannot find alias arn: "+fnARN+":prod")
	_, err = add("x", "*", func(in *lambda.AddPermissionInput) { in.FunctionName = aws.String("missing") })
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) {
		t.Fatalf("unknown function: %v", err)
	}
	apiError(t, err, "ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing")
	_, err = c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("non-existent")})
	apiError(t, err, "ResourceNotFoundException", "Statement non-existent is not found in resource policy.")
	_, err = c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("pol"), Qualifier: aws.String("1")})
	apiError(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	_, err = c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("missing"), StatementId: aws.String("s3")})
	apiError(t, err, "ResourceNotFoundException", "No policy found for: arn:aws:lambda:us-east-1:000000000000:function:missing")

	// Removing the last statement removes the policy.
	for _, sid := range []string{"acct", "s3"} {
		if _, err := c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String(sid)}); err != nil {
			t.Fatalf("remove %s: %v", sid, err)
		}
	}
	_, err = c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("pol")})
	apiError(t, err, "ResourceNotFoundException", "The resource you requested does not exist.")
	_, err = c.RemovePermission(ctx, &lambda.RemovePermissionInput{FunctionName: aws.String("pol"), StatementId: aws.String("s3")})
	apiError(t, err, "ResourceNotFoundException", "No policy is associated with the given resource.")

	// A policy over 20 KB is refused with the typed error.
	long := "arn:aws:s3:::" + strings.Repeat("b", 1000)
	for i := 0; ; i++ {
		_, err := add(fmt.Sprint("big", i), "s3.amazonaws.com", func(in *lambda.AddPermissionInput) { in.SourceArn = aws.String(long) })
		if err == nil {
			continue
		}
		var tooBig *types.PolicyLengthExceededException
		if !errors.As(err, &tooBig) {
			t.Fatalf("statement %d: %v", i, err)
		}
		apiError(t, err, "PolicyLengthExceededException", "is bigger than the limit (20480).")
		break
	}
}

// TestFunctionPolicyVersions checks per-version policies and their copy on
// PublishVersion.
func TestFunctionPolicyVersions(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	c := srv.Lambda()
	framework.CreateGoFunction(t, c, "ver")
	fnARN := "arn:aws:lambda:us-east-1:000000000000:function:ver"
	if _, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("ver"), StatementId: aws.String("s3"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("s3.amazonaws.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishVersion(ctx, &lambda.PublishVersionInput{FunctionName: aws.String("ver")}); err != nil {
		t.Fatal(err)
	}
	v1, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("ver"), Qualifier: aws.String("1")})
	if err != nil || !strings.Contains(aws.ToString(v1.Policy), `"Resource":"`+fnARN+`:1"`) {
		t.Fatalf("version 1 policy: %v %s", err, aws.ToString(v1.Policy))
	}
	out, err := c.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String(fnARN + ":1"), StatementId: aws.String("v1"),
		Action: aws.String("lambda:GetFunction"), Principal: aws.String("*")})
	if err != nil || !strings.Contains(aws.ToString(out.Statement), `"Resource":"`+fnARN+`:1"`) {
		t.Fatalf("add to version 1: %v %v", err, out)
	}
	latest, err := c.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("ver")})
	if err != nil || strings.Contains(aws.ToString(latest.Policy), `"v1"`) {
		t.Fatalf("$LATEST policy: %v %s", err, aws.ToString(latest.Policy))
	}
	var doc struct{ Statement []json.RawMessage }
	if err := json.Unmarshal([]byte(aws.ToString(latest.Policy)), &doc); err != nil || len(doc.Statement) != 1 {
		t.Fatalf("$LATEST policy: %v %s", err, aws.ToString(latest.Policy))
	}
}

// TestCrossAccountFunctionPolicy lets another account of the organization
// read a function and its policy through a function policy, and checks
// that operations a function policy cannot grant stay refused.
func TestCrossAccountFunctionPolicy(t *testing.T) {
	ctx := context.Background()
	srv := framework.StartInProcess(t, framework.Options{})
	created, err := srv.Organizations().CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String("b"), Email: aws.String("b@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	st, err := srv.Organizations().DescribeCreateAccountStatus(ctx, &organizations.DescribeCreateAccountStatusInput{
		CreateAccountRequestId: created.CreateAccountStatus.Id})
	if err != nil {
		t.Fatal(err)
	}
	acctB := aws.ToString(st.CreateAccountStatus.AccountId)
	as, err := srv.STS().AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + acctB + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("team-b")})
	if err != nil {
		t.Fatal(err)
	}
	lb := srv.LambdaAs(credsOf(as))
	framework.CreateGoFunction(t, srv.Lambda(), "shared")
	fnARN := aws.String("arn:aws:lambda:us-east-1:000000000000:function:shared")

	_, err = lb.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: fnARN})
	apiError(t, err, "AccessDeniedException", "lambda:GetFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:shared")
	for _, action := range []string{"lambda:GetFunction", "lambda:GetPolicy"} {
		if _, err := srv.Lambda().AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("shared"),
			StatementId: aws.String(strings.TrimPrefix(action, "lambda:")), Action: aws.String(action), Principal: aws.String(acctB)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := lb.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: fnARN})
	if err != nil || aws.ToString(got.Configuration.FunctionArn) != aws.ToString(fnARN) {
		t.Fatalf("cross-account GetFunction: %v", err)
	}
	pol, err := lb.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: fnARN})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), "arn:aws:iam::"+acctB+":root") {
		t.Fatalf("cross-account GetPolicy: %v", err)
	}
	// Not grantable across accounts, whatever the policy says.
	_, err = lb.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: fnARN, StatementId: aws.String("mine"),
		Action: aws.String("lambda:*"), Principal: aws.String("*")})
	apiError(t, err, "AccessDeniedException", "lambda:AddPermission")
	_, err = lb.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: fnARN, MemorySize: aws.Int32(256)})
	apiError(t, err, "AccessDeniedException", "lambda:UpdateFunctionConfiguration")
	// B's own namespace is untouched: it has no function "shared".
	_, err = lb.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("shared")})
	apiError(t, err, "ResourceNotFoundException", "function:shared")
}
