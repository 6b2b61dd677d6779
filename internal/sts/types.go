package sts

import "time"

// Tag is a session tag.
type Tag struct {
	Key, Value string
}

// AssumeRoleInput is an AssumeRole request (docs iam.md §5.1).
type AssumeRoleInput struct {
	RoleARN         string
	RoleSessionName string
	// DurationSeconds is 0 when the caller gave none (3600 then).
	DurationSeconds   int
	Policy            string
	PolicyARNs        []string
	ExternalID        string
	SourceIdentity    string
	Tags              []Tag
	TransitiveTagKeys []string
}

// Credentials are temporary credentials.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// AssumeRoleOutput is AssumeRole's result.
type AssumeRoleOutput struct {
	Credentials   Credentials
	AssumedRoleID string // AROA…:SESSION
	ARN           string // arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	// PackedPolicySize is the percentage of the packed limit used; -1 when
	// no policy or tags were passed (the field is then omitted).
	PackedPolicySize int
	SourceIdentity   string
}

// Identity is GetCallerIdentity's result.
type Identity struct {
	Account string
	ARN     string
	UserID  string
}
