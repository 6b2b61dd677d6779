package lambdaapi

import (
	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/artifact"
	"lambent/internal/authz"
	"lambent/internal/errkind"
)

// parseFunctionName parses a {FunctionName} label in any of its input
// forms. ref.Account is "" when the input names no account.
func parseFunctionName(input, region string, namespaced bool) (arn.FunctionRef, error) {
	if namespaced {
		return arn.ParseNamespacedFunctionName(input, region)
	}
	return arn.ParseFunctionName(input, region)
}

// owner is the account whose function ref names: the caller's, unless ref
// is an ARN of another account. Only the operations a function policy can
// grant across accounts (crossAccountOp) may name one; any other is
// refused as AWS refuses it, with AccessDeniedException.
func (a *API) owner(c *call, ref arn.FunctionRef) (account.ID, error) {
	if ref.Account == "" || ref.Account == string(c.caller()) {
		return c.caller(), nil
	}
	if !crossAccountOp(c.route.op) {
		return "", authz.Denied(authz.Request{Principal: c.principal, Action: lambdaAction(c.route.op),
			Resource: arn.QualifiedFunctionARN(a.cfg.Region, ref.Account, ref.Name, ref.Qualifier)})
	}
	return account.Parse(ref.Account)
}

// crossAccountOp reports whether a function policy can grant op to
// another account (iam.md §4.6). Anything else needs a role in the
// function's account.
func crossAccountOp(op string) bool {
	switch op {
	case "Invoke", "InvokeAsync", "GetFunction", "GetFunctionConfiguration", "UpdateFunctionCode", "DeleteFunction",
		"PublishVersion", "ListVersionsByFunction", "CreateAlias", "GetAlias", "ListAliases", "UpdateAlias", "DeleteAlias",
		"GetPolicy", "PutFunctionConcurrency", "DeleteFunctionConcurrency", "ListTags", "TagResource", "UntagResource":
		return true
	}
	return false
}

// lambdaAction is the IAM action of a Lambda operation.
func lambdaAction(op string) string {
	switch op {
	case "Invoke", "InvokeAsync":
		return "lambda:InvokeFunction"
	case "ListFailedEvents":
		return "lambent:ListFailedEvents"
	}
	return "lambda:" + op
}

// createName is CreateFunction's FunctionName: any input form of the
// caller's account, but no qualifier.
func (a *API) createName(c *call, input string) (string, error) {
	ref, err := parseFunctionName(input, a.cfg.Region, false)
	if err != nil {
		return "", err
	}
	if _, err := a.owner(c, ref); err != nil {
		return "", err
	}
	if ref.Qualifier != "" {
		return "", errkind.New(errkind.InvalidArgument, "Function name cannot contain a qualifier when creating a function.")
	}
	return ref.Name, nil
}

func inspectZip(zip []byte, l artifact.Limits) (artifact.Info, error) {
	return artifact.Inspect(zip, l)
}
