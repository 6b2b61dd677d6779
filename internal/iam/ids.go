package iam

import (
	"crypto/rand"
	"encoding/base64"
	"strings"

	"lambent/internal/account"
)

// Unique-ID prefixes (iam.md §1).
const (
	prefixUser      = "AIDA"
	prefixRole      = "AROA"
	prefixGroup     = "AGPA"
	prefixPolicy    = "ANPA"
	prefixAccessKey = "AKIA"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// randomID returns prefix and n random characters of [A-Z2-7].
func randomID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = idAlphabet[b[i]&31]
	}
	return prefix + string(b)
}

// newUniqueID returns a 21-character unique ID with prefix.
func newUniqueID(prefix string) string { return randomID(prefix, 17) }

// newSecret returns a 40-character secret access key.
func newSecret() string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

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
