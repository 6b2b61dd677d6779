package lambdaapi

import (
	"context"
	"fmt"
	"strings"

	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/policy"
)

// roleTrust is the subset of iam.Service the API uses: the trust policy of
// an execution role.
type roleTrust interface {
	// RoleTrustPolicy returns the role's trust policy document;
	// errkind.NotFound if there is no such role.
	RoleTrustPolicy(ctx context.Context, acct account.ID, roleName string) (string, error)
}

// lambdaService is the service principal that assumes execution roles.
const lambdaService = "lambda.amazonaws.com"

func errRoleNotAssumable(cause error) error {
	return errkind.Wrap(errkind.InvalidArgument, "The role defined for the function cannot be assumed by Lambda.", cause)
}

// passRole checks that the caller may give function fn the execution role
// role (iam:PassRole, iam.md §4.7) and that Lambda can assume it: the role
// exists in the function's account and its trust policy lets
// lambda.amazonaws.com call sts:AssumeRole, with aws:SourceArn and
// aws:SourceAccount set as they are when an environment assumes it. role
// has passed the RoleArn pattern.
func (a *API) passRole(c *call, fn target, role string) error {
	ra, err := arn.Parse(role)
	if err != nil {
		return errRoleNotAssumable(err)
	}
	if ra.Account != string(fn.acct) {
		return errRoleNotAssumable(fmt.Errorf("role %s is not in the function's account %s", role, fn.acct))
	}
	if err := a.authorizeIn(c, fn.acct, "iam:PassRole", role,
		map[string][]string{"iam:PassedToService": {lambdaService}}); err != nil {
		return err
	}
	doc, err := a.cfg.Roles.RoleTrustPolicy(c.r.Context(), fn.acct, roleName(ra.Resource))
	if errkind.Is(err, errkind.NotFound) {
		return errRoleNotAssumable(err)
	}
	if err != nil {
		return fmt.Errorf("read trust policy of %s: %w", role, err)
	}
	trust, err := policy.Parse([]byte(doc), policy.Trust)
	if err != nil {
		return errRoleNotAssumable(err)
	}
	req := &policy.Request{
		Principal: policy.Principal{Type: policy.ServicePrincipal, ARN: lambdaService},
		Action:    "sts:AssumeRole", Resource: role,
		Context: map[string][]string{"aws:sourcearn": {fn.arn}, "aws:sourceaccount": {string(fn.acct)}},
	}
	if d := policy.EvaluateTrust(req, trust, nil); !d.Allowed() {
		return errRoleNotAssumable(fmt.Errorf("trust policy of %s: %s", role, d.Outcome))
	}
	return nil
}

// roleName is the name in a role ARN's resource, "role/PATH/NAME".
func roleName(resource string) string {
	resource = strings.TrimPrefix(resource, "role")
	return resource[strings.LastIndexByte(resource, '/')+1:]
}

// configKeys are the condition keys of CreateFunction and
// UpdateFunctionConfiguration (iam.md §7.5): lambda:Layer with the layer
// ARNs given, lambda:SubnetIds and lambda:SecurityGroupIds with the
// VpcConfig members given. lambda:VpcIds stays absent: Lambent has no EC2
// to tell which VPC a subnet is in (and refuses VPC settings anyway).
func configKeys(layers []string, vpc *vpcConfig) map[string][]string {
	keys := map[string][]string{}
	if len(layers) > 0 {
		keys["lambda:Layer"] = layers
	}
	if vpc != nil && len(vpc.SubnetIds) > 0 {
		keys["lambda:SubnetIds"] = vpc.SubnetIds
	}
	if vpc != nil && len(vpc.SecurityGroupIds) > 0 {
		keys["lambda:SecurityGroupIds"] = vpc.SecurityGroupIds
	}
	return keys
}
