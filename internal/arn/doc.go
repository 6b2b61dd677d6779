// Package arn parses and formats Amazon Resource Names and the FunctionName
// identifiers of the Lambda API, and words their failures as AWS does.
//
// A generic ARN splits into its five fields and formats back byte for byte:
//
//	a, err := arn.Parse("arn:aws:iam::123456789012:role/exec")
//	// a.Service == "iam", a.Resource == "role/exec", a.String() == the input
//
// A FunctionName path label may be a name, name:qualifier, a partial ARN
// (123456789012:function:name), a full ARN or a qualified ARN. Operations
// typed FunctionName (CreateFunction, UpdateFunctionConfiguration, …) use
// ParseFunctionName; those typed NamespacedFunctionName (GetFunction,
// DeleteFunction, Invoke, …) use ParseNamespacedFunctionName, or
// ResolveFunction when the request also carries a Qualifier query parameter:
//
//	ref, err := arn.ResolveFunction(label, r.URL.Query().Get("Qualifier"), "us-east-1")
//	// ref.Name, ref.Qualifier ("" when neither form gave one), ref.Account ("" unless given)
//	fnARN := arn.QualifiedFunctionARN(ref.Region, acct, ref.Name, ref.Qualifier)
//
// Errors carry errkind kinds and AWS's exact public messages: a malformed or
// over-long input is errkind.Validation ("1 validation error detected: Value
// '…' at 'functionName' failed to satisfy constraint: …"), an ARN of another
// region is errkind.NotFound, and a qualifier that contradicts the one in
// the name is errkind.InvalidArgument.
//
// Violation and Violations carry field-constraint failures in the wording of
// AWS's ValidationException so that a caller validating a whole request can
// report every failure at once ("2 validation errors detected: …; …"), as
// AWS does. Package function builds on them for CreateFunction and
// UpdateFunctionConfiguration.
//
// The patterns and bounds are copied from the Lambda service model
// (botocore lambda/2015-03-31/service-2.json) and are part of the messages
// clients see, so they are kept verbatim as constants.
package arn
