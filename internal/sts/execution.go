package sts

import (
	"context"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/iam"
	"lambent/internal/policy"
)

// LambdaService is the service principal that assumes execution roles.
const LambdaService = "lambda.amazonaws.com"

// msgCannotAssume is Lambda's error for an execution role it cannot use.
const msgCannotAssume = "The role defined for the function cannot be assumed by Lambda."

type execKey struct{ role, function string }

// refreshBefore is how long before expiry cached execution credentials
// are replaced; environments whose credentials expire sooner are retired
// by the invoke manager.
const refreshBefore = 30 * time.Minute

// ExecutionCredentials returns temporary credentials of a function's
// execution role for its environments (seed 004): the session is
// arn:aws:sts::ACCT:assumed-role/ROLE/FUNCTION and carries the function's
// ARN as lambda:SourceFunctionArn. Credentials are cached per role and
// function and refreshed refreshBefore they expire. The role's trust
// policy must let lambda.amazonaws.com assume it.
func (s *Service) ExecutionCredentials(ctx context.Context, roleARN, functionARN, functionName string) (Credentials, error) {
	k := execKey{roleARN, functionARN}
	now := s.clock.Now()
	s.execMu.Lock()
	c, ok := s.exec[k]
	s.execMu.Unlock()
	if ok && c.Expiration.Sub(now) > refreshBefore {
		return c, nil
	}
	c, err := s.assumeExecutionRole(ctx, roleARN, functionARN, functionName)
	if err != nil {
		return Credentials{}, err
	}
	s.execMu.Lock()
	s.exec[k] = c
	s.execMu.Unlock()
	return c, nil
}

func (s *Service) assumeExecutionRole(ctx context.Context, roleARN, functionARN, functionName string) (Credentials, error) {
	ref, ok := arn.ParseRole(roleARN)
	if !ok {
		return Credentials{}, errkind.New(errkind.InvalidArgument, msgCannotAssume)
	}
	role, err := s.roles.GetRole(ctx, account.ID(ref.Account), ref.Name)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return Credentials{}, errkind.Wrap(errkind.InvalidArgument, msgCannotAssume, err)
		}
		return Credentials{}, fmt.Errorf("execution role: %w", err)
	}
	if err := s.lambdaMayAssume(role, functionARN); err != nil {
		return Credentials{}, err
	}
	d := role.MaxSessionDuration
	if d == 0 {
		d = defaultDuration
	}
	now := s.clock.Now().UTC().Truncate(time.Second)
	c := &claims{Account: ref.Account, Type: "role", Name: role.Name, EntityID: role.RoleID, RoleARN: role.ARN,
		SessionName: sessionNameOf(functionName), Issued: now.Unix(), Expires: now.Add(time.Duration(d) * time.Second).Unix(),
		SourceFunction: functionARN}
	return s.mint(c)
}

// lambdaMayAssume evaluates role's trust policy for the Lambda service.
func (s *Service) lambdaMayAssume(role *iam.Role, functionARN string) error {
	trust, err := s.trustPolicy(role.AssumeRolePolicyDocument)
	if err != nil {
		return errkind.Wrap(errkind.InvalidArgument, msgCannotAssume, err)
	}
	req := &policy.Request{
		Principal: policy.Principal{Type: policy.ServicePrincipal, ARN: LambdaService},
		Action:    "sts:AssumeRole", Resource: role.ARN,
		Context: map[string][]string{"aws:sourcearn": {functionARN}, "aws:sourceaccount": {accountOf(functionARN)}},
	}
	if !policy.EvaluateTrust(req, trust, nil).Allowed() {
		return errkind.New(errkind.InvalidArgument, msgCannotAssume)
	}
	return nil
}

// sessionNameOf fits a function name into a RoleSessionName (2–64).
func sessionNameOf(name string) string {
	if len(name) > 64 {
		return name[:64]
	}
	if len(name) < 2 {
		return name + "_"
	}
	return name
}
