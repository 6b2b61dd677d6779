package lambdaapi

import (
	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/artifact"
	"lambent/internal/authz"
	"lambent/internal/errkind"
)

// parseFunctionName parses a {FunctionName} label in any of its input
// forms. A name in another account is refused until cross-account access
// exists.
func parseFunctionName(input, region string, acct account.ID, namespaced bool) (arn.FunctionRef, error) {
	parse := arn.ParseFunctionName
	if namespaced {
		parse = arn.ParseNamespacedFunctionName
	}
	ref, err := parse(input, region)
	if err != nil {
		return ref, err
	}
	if ref.Account != "" && ref.Account != string(acct) {
		return ref, authz.Denied(authz.Request{Principal: &authz.Principal{ARN: "the caller"}, Action: "lambda:*",
			Resource: arn.FunctionARN(region, ref.Account, ref.Name)})
	}
	return ref, nil
}

// createName is CreateFunction's FunctionName: any input form, but no
// qualifier.
func createName(input, region string, acct account.ID) (string, error) {
	ref, err := parseFunctionName(input, region, acct, false)
	if err != nil {
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
