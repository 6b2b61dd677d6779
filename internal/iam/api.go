// Package iam manages IAM identities and policies: users, access keys, roles, groups, inline and managed policies, the built-in AWS managed policies.
package iam

import (
	"time"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// Config configures a Service.
type Config struct {
	Store     interface{ store.IAM }
	Clock     clock.Clock
	SecretKey []byte // 32 bytes; AES-256-GCM seals access-key secrets at rest
	Region    string
}

// Tag is a key/value tag of a user or role.
type Tag struct{ Key, Value string }

// User is an IAM user.
type User struct {
	Name, UserID, Path, ARN string
	CreateDate              time.Time
	Tags                    []Tag
	PermissionsBoundary     string
}

// Role is an IAM role.
type Role struct {
	Name, RoleID, Path, ARN, Description, AssumeRolePolicyDocument string
	MaxSessionDuration                                             int
	CreateDate                                                     time.Time
	Tags                                                           []Tag
	PermissionsBoundary                                            string
}

// Group is an IAM group.
type Group struct {
	Name, GroupID, Path, ARN string
	CreateDate               time.Time
}

// AccessKey is a user's long-term access key. SecretAccessKey is set only
// by CreateAccessKey.
type AccessKey struct {
	AccessKeyID, UserName, Status, SecretAccessKey string
	CreateDate                                     time.Time
}

// ManagedPolicy is a customer or AWS managed policy.
type ManagedPolicy struct {
	Name, PolicyID, ARN, Path, Description, DefaultVersionID string
	AttachmentCount                                          int
	IsAttachable                                             bool
	CreateDate, UpdateDate                                   time.Time
	Tags                                                     []Tag
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID, Document string
	IsDefault           bool
	CreateDate          time.Time
}

// AttachedPolicy names a managed policy attached to an entity.
type AttachedPolicy struct{ PolicyName, PolicyARN string }

// ListOptions filter and paginate a list call.
type ListOptions struct {
	PathPrefix, Marker string
	MaxItems           int // 0 = 100
}

// Page is one page of a list.
type Page[T any] struct {
	Items       []T
	Marker      string
	IsTruncated bool
}

// CreateRoleInput is the input of CreateRole.
type CreateRoleInput struct {
	Name, Path, AssumeRolePolicyDocument, Description string
	MaxSessionDuration                                int
	Tags                                              []Tag
	PermissionsBoundary                               string
}

// CreatePolicyInput is the input of CreatePolicy.
type CreatePolicyInput struct {
	Name, Path, Document, Description string
	Tags                              []Tag
}

// ListPoliciesOptions filter ListPolicies.
type ListPoliciesOptions struct {
	Scope        string // All|AWS|Local, "" = All
	OnlyAttached bool
	ListOptions
}

// EntityKind names the holder of inline/attached policies.
type EntityKind string

// The policy holders.
const (
	KindUser  EntityKind = "user"
	KindRole  EntityKind = "role"
	KindGroup EntityKind = "group"
)

// AccessKeyIdentity is what authentication learns from an access key ID.
type AccessKeyIdentity struct {
	Account                           account.ID
	UserName, UserID, UserARN, Secret string
	Active                            bool
}

// PolicySet is everything identity-side that applies to a user or a role:
// inline + attached (default versions) and, for a user, its groups' inline +
// attached; the permissions boundary; the entity's tags (for
// aws:PrincipalTag/*).
type PolicySet struct {
	Identity []*policy.Policy
	Boundary *policy.Policy
	Tags     map[string]string
	ID       string // AIDA…/AROA…
	ARN      string
}
