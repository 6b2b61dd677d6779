package policy

import (
	"fmt"
	"strings"
)

// validPartition lists the AWS partitions a resource ARN may name.
func validPartition(p string) bool {
	switch p {
	case "aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc":
		return true
	}
	return false
}

var iamResourcePrefixes = []string{"user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
	"server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/", "report/", "access-report/"}

// resourceFormatMessage returns the message IAM gives for a Resource or
// NotResource value with a bad format, or "" when the format is fine.
// These errors are reported only after the Sid and action-presence checks
// (see validate), which is why they are returned, not raised.
func resourceFormatMessage(r string) string {
	if r == "*" {
		return ""
	}
	prefix, rest, ok := strings.Cut(r, ":")
	if !ok {
		return fmt.Sprintf(`Resource %s must be in ARN format or "*".`, r)
	}
	partition, rest, ok := strings.Cut(rest, ":")
	if partition != "*" && !validPartition(partition) {
		return partitionMessage(partition, rest)
	}
	if !ok {
		return msgResourceVendor
	}
	service, rest, _ := strings.Cut(rest, ":")
	if strings.ContainsAny(service, "*?") {
		return msgResourceVendor
	}
	if prefix != "arn" {
		return fmt.Sprintf(`Resource %s must be in ARN format or "*".`, r)
	}
	region, rest, _ := strings.Cut(rest, ":")
	_, resource, _ := strings.Cut(rest, ":")
	switch {
	case service == "iam" && region != "":
		return fmt.Sprintf("IAM resource %s cannot contain region information.", r)
	case service == "s3" && region != "" && !strings.HasPrefix(resource, "accesspoint/"):
		return fmt.Sprintf("Resource %s can not contain region information.", r)
	case service == "iam" && !iamResourcePathOK(resource):
		return `IAM resource path must either be "*" or start with ` + strings.Join(iamResourcePrefixes, ", ") + "."
	}
	return ""
}

func iamResourcePathOK(resource string) bool {
	if resource == "*" {
		return true
	}
	for _, p := range iamResourcePrefixes {
		if strings.HasPrefix(resource, p) {
			return true
		}
	}
	return false
}

// partitionMessage rebuilds the ARN as IAM quotes it: the components after
// the partition, * for each missing one.
func partitionMessage(partition, rest string) string {
	parts := strings.Split(rest, ":")
	comp := func(i int) string {
		if i < len(parts) {
			return parts[i]
		}
		return "*"
	}
	first := parts[0]
	if first == "" && len(parts) == 1 {
		first = "*"
	}
	last := "*"
	if len(parts) > 3 {
		last = strings.Join(parts[3:], ":")
	}
	return fmt.Sprintf(`Partition "%s" is not valid for resource "arn:%s:%s:%s:%s:%s".`,
		partition, partition, first, comp(1), comp(2), last)
}

// resourceLegacyOK is IAM's legacy structural check of a resource: an ARN
// with fewer than six components must not contain "::", and the service
// component must not be empty.
func resourceLegacyOK(r string) bool {
	if r == "*" {
		return true
	}
	n := strings.Count(r, ":")
	if n < 5 && strings.Contains(r, "::") {
		return false
	}
	parts := strings.SplitN(r, ":", 4)
	return len(parts) >= 3 && parts[2] != ""
}
