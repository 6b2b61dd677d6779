package iam

import (
	"strings"

	"lambent/internal/account"
)

// entityARN formats arn:aws:iam::ACCT:TYPE/PATH/NAME; path "/" adds nothing.
func entityARN(owner string, typ, path, name string) string {
	return "arn:aws:iam::" + owner + ":" + typ + path + name
}

func userARN(acct account.ID, path, name string) string {
	return entityARN(string(acct), "user", path, name)
}

func roleARN(acct account.ID, path, name string) string {
	return entityARN(string(acct), "role", path, name)
}

func groupARN(acct account.ID, path, name string) string {
	return entityARN(string(acct), "group", path, name)
}

// awsOwner is the account field of AWS managed policy ARNs.
const awsOwner = "aws"

// policyRef is a parsed managed policy ARN.
type policyRef struct {
	owner, path, name string
}

// parsePolicyARN parses arn:aws:iam::OWNER:policy/PATH/NAME.
func parsePolicyARN(s string) (policyRef, bool) {
	rest, ok := strings.CutPrefix(s, "arn:aws:iam::")
	if !ok {
		return policyRef{}, false
	}
	owner, res, ok := strings.Cut(rest, ":")
	if !ok || owner != awsOwner && !account.ID(owner).Valid() {
		return policyRef{}, false
	}
	res, ok = strings.CutPrefix(res, "policy/")
	if !ok || res == "" {
		return policyRef{}, false
	}
	i := strings.LastIndexByte(res, '/')
	r := policyRef{owner: owner, path: "/" + res[:i+1], name: res[i+1:]}
	if r.name == "" {
		return policyRef{}, false
	}
	return r, true
}
