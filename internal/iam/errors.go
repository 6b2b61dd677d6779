package iam

import (
	"fmt"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// AWS Query error codes carried as errkind Detail (iam.md §6.3).
const (
	codeNoSuchEntity       = "NoSuchEntity"
	codeAlreadyExists      = "EntityAlreadyExists"
	codeDeleteConflict     = "DeleteConflict"
	codeLimitExceeded      = "LimitExceeded"
	codeMalformed          = "MalformedPolicyDocument"
	codeValidation         = "ValidationError"
	codeInvalidInput       = "InvalidInput"
	codeUnmodifiableEntity = "UnmodifiableEntity"
)

func noSuchEntity(format string, args ...any) error {
	return errkind.WithDetail(errkind.NotFound, codeNoSuchEntity, fmt.Sprintf(format, args...))
}

func alreadyExists(format string, args ...any) error {
	return errkind.WithDetail(errkind.AlreadyExists, codeAlreadyExists, fmt.Sprintf(format, args...))
}

func deleteConflict(msg string) error {
	return errkind.WithDetail(errkind.Conflict, codeDeleteConflict, msg)
}

func limitExceeded(format string, args ...any) error {
	return errkind.WithDetail(errkind.Conflict, codeLimitExceeded, fmt.Sprintf(format, args...))
}

func malformed(msg string) error {
	return errkind.WithDetail(errkind.InvalidArgument, codeMalformed, msg)
}

func invalidInput(format string, args ...any) error {
	return errkind.WithDetail(errkind.InvalidArgument, codeInvalidInput, fmt.Sprintf(format, args...))
}

func validationError(msg string) error {
	return errkind.WithDetail(errkind.Validation, codeValidation, msg)
}

// violations turns model violations into a ValidationError, nil if none.
func violations(vs arn.Violations) error {
	if len(vs) == 0 {
		return nil
	}
	return validationError(vs.Message())
}

func unmodifiable(policyARN string) error {
	return errkind.WithDetail(errkind.InvalidArgument, codeUnmodifiableEntity,
		fmt.Sprintf("Policy %s is an AWS managed policy and cannot be modified.", policyARN))
}

// The NoSuchEntity messages of the holders (iam.md §6.3).
func noUser(name string) func() error {
	return func() error { return noSuchEntity("The user with name %s cannot be found.", name) }
}

func noRole(name string) func() error {
	return func() error { return noSuchEntity("The role with name %s cannot be found.", name) }
}

func noGroup(name string) func() error {
	return func() error { return noSuchEntity("The group with name %s cannot be found.", name) }
}

func noPolicy(policyARN string) func() error {
	return func() error { return noSuchEntity("Policy %s was not found.", policyARN) }
}

func notAttachable(policyARN string) error {
	return noSuchEntity("Policy %s does not exist or is not attachable.", policyARN)
}

func invalidARN() error { return validationError("Invalid ARN:  Could not be parsed!") }
