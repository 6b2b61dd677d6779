package arn

import (
	"strings"

	"lambent/internal/errkind"
)

// ARN is an Amazon Resource Name:
// arn:<Partition>:<Service>:<Region>:<Account>:<Resource>.
type ARN struct {
	Partition string
	Service   string
	Region    string // empty for global resources (IAM)
	Account   string // empty for some resources (runtime versions, S3 buckets)
	Resource  string // may itself contain ':' and '/'
}

// Parse splits s into its fields. It checks structure only: the "arn"
// prefix, a partition and service of [a-zA-Z0-9-], a region of [a-z0-9-],
// an account of [a-z0-9] (12 digits, or "aws" in AWS-managed policy ARNs)
// and a non-empty resource. Whether the ARN names a resource of the right
// kind is for the caller to check. For every s that Parse accepts,
// Parse(s).String() == s.
func Parse(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ARN{}, malformed(s)
	}
	a := ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}
	switch {
	case a.Partition == "" || !only(a.Partition, isAlnumDash),
		a.Service == "" || !only(a.Service, isAlnumDash),
		!only(a.Region, isLowerDigitDash),
		!only(a.Account, isLowerDigit),
		a.Resource == "":
		return ARN{}, malformed(s)
	}
	return a, nil
}

// String formats a as arn:partition:service:region:account:resource.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

func malformed(s string) error {
	return errkind.Newf(errkind.InvalidArgument, "%s is not a valid ARN.", s)
}

func only(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isLowerDigit(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }

func isLowerDigitDash(c byte) bool { return isLowerDigit(c) || c == '-' }

func isAlnumDash(c byte) bool { return isLowerDigitDash(c) || 'A' <= c && c <= 'Z' }
