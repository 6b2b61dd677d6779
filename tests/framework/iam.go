package framework

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Role is the execution role of the test functions: it exists on every
// test server (see ensureTestRole), trusts lambda.amazonaws.com and has
// AWSLambdaBasicExecutionRole attached.
const Role = "arn:aws:iam::000000000000:role/lambent-test"

// LambdaTrustPolicy lets the Lambda service assume a role.
const LambdaTrustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

// Creds are static credentials for a client.
type Creds struct{ AccessKeyID, SecretAccessKey, SessionToken string }

// RootCreds are the bootstrap account's root credentials.
var RootCreds = Creds{AccessKeyID, SecretAccessKey, ""}

func (s *Server) config(c Creds) aws.Config {
	return aws.Config{Region: Region, BaseEndpoint: aws.String(s.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)}
}

// IAM returns an IAM client with root credentials, or with c.
func (s *Server) IAM(c ...Creds) *iam.Client { return iam.NewFromConfig(s.config(pick(c))) }

// STS returns an STS client with root credentials, or with c.
func (s *Server) STS(c ...Creds) *sts.Client { return sts.NewFromConfig(s.config(pick(c))) }

// Organizations returns an Organizations client with root credentials, or with c.
func (s *Server) Organizations(c ...Creds) *organizations.Client {
	return organizations.NewFromConfig(s.config(pick(c)))
}

// LambdaAs returns a Lambda client with c.
func (s *Server) LambdaAs(c Creds) *lambda.Client { return lambda.NewFromConfig(s.config(c)) }

func pick(c []Creds) Creds {
	if len(c) > 0 {
		return c[0]
	}
	return RootCreds
}

// ensureTestRole creates Role on s (a restarted server already has it).
func ensureTestRole(t testing.TB, s *Server) {
	t.Helper()
	ctx := context.Background()
	c := s.IAM()
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("lambent-test"), AssumeRolePolicyDocument: aws.String(LambdaTrustPolicy)})
	var exists *iamtypes.EntityAlreadyExistsException
	if errors.As(err, &exists) {
		return
	}
	if err != nil {
		t.Fatalf("create the test execution role: %v", err)
	}
	_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("lambent-test"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")})
	if err != nil {
		t.Fatalf("attach the test execution role's policy: %v", err)
	}
}
