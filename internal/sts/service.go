package sts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/authz"
	"lambent/internal/awsid"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/gencache"
	"lambent/internal/iam"
	"lambent/internal/policy"
)

// roles reads roles and managed policies; *iam.Service implements it.
type roles interface {
	GetRole(ctx context.Context, acct account.ID, name string) (*iam.Role, error)
	ManagedPolicyDocument(ctx context.Context, acct account.ID, arn string) (*policy.Policy, error)
}

// preparer builds the caller's side of a decision; *enforce.Authorizer
// implements it.
type preparer interface {
	Prepare(ctx context.Context, r authz.Request) (*policy.Request, *policy.Policies, error)
}

// Config wires the service.
type Config struct {
	Roles   roles
	Callers preparer
	Clock   clock.Clock
	// MasterKey is the server's master key; the token key is derived from
	// it.
	MasterKey []byte
}

// Service issues temporary credentials.
type Service struct {
	roles   roles
	callers preparer
	clock   clock.Clock
	seal    *sealer
	trust   gencache.Cache[string, *policy.Policy] // compiled trust documents; immutable, generation 0

	execMu sync.Mutex
	exec   map[execKey]Credentials
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Roles == nil || cfg.Callers == nil || cfg.Clock == nil || len(cfg.MasterKey) < 32 {
		return nil, errors.New("sts: missing dependency")
	}
	s, err := newSealer(cfg.MasterKey)
	if err != nil {
		return nil, err
	}
	return &Service{roles: cfg.Roles, callers: cfg.Callers, clock: cfg.Clock, seal: s, exec: map[execKey]Credentials{}}, nil
}

// Session-length bounds (docs iam.md §5).
const (
	defaultDuration       = 3600
	minDuration           = 900
	chainedMaxDuration    = 3600
	sessionTokenDefault   = 43200
	sessionTokenMax       = 129600
	sessionTokenRootMax   = 3600
	maxPackedPolicyLength = 2048
)

// AssumeRole implements sts:AssumeRole for caller.
func (s *Service) AssumeRole(ctx context.Context, caller *authz.Principal, in AssumeRoleInput) (*AssumeRoleOutput, error) {
	ref, ok := arn.ParseRole(in.RoleARN)
	if !ok {
		return nil, errkind.WithDetail(errkind.Validation, "ValidationError", in.RoleARN+" is invalid")
	}
	if err := checkSessionName(in.RoleSessionName); err != nil {
		return nil, err
	}
	chained := caller.Type == authz.TypeAssumedRole
	denied := authz.Denied(authz.Request{Principal: caller, Action: "sts:AssumeRole", Resource: in.RoleARN})
	role, err := s.roles.GetRole(ctx, account.ID(ref.Account), ref.Name)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return nil, denied
		}
		return nil, fmt.Errorf("assume role: %w", err)
	}
	duration, err := sessionDuration(in.DurationSeconds, role.MaxSessionDuration, chained)
	if err != nil {
		return nil, err
	}
	packed, err := s.checkSessionPolicies(ctx, account.ID(ref.Account), in)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeAssume(ctx, caller, role, in); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC().Truncate(time.Second)
	c := &claims{Account: ref.Account, Type: "role", Name: role.Name, EntityID: role.RoleID, RoleARN: role.ARN,
		SessionName: in.RoleSessionName, Issued: now.Unix(), Expires: now.Add(duration).Unix(),
		Policy: in.Policy, PolicyARNs: in.PolicyARNs, Chained: chained, SourceIdentity: in.SourceIdentity,
		Tags: in.Tags, Transitive: in.TransitiveTagKeys}
	if chained && caller.Session != nil && c.SourceIdentity == "" {
		c.SourceIdentity = caller.Session.SourceIdentity
	}
	creds, err := s.mint(c)
	if err != nil {
		return nil, err
	}
	return &AssumeRoleOutput{Credentials: creds, AssumedRoleID: role.RoleID + ":" + in.RoleSessionName,
		ARN: sessionARN(ref.Partition, ref.Account, role.Name, in.RoleSessionName), PackedPolicySize: packed,
		SourceIdentity: c.SourceIdentity}, nil
}

func sessionARN(partition, acct, role, session string) string {
	return "arn:" + partition + ":sts::" + acct + ":assumed-role/" + role + "/" + session
}

// authorizeAssume evaluates the role's trust policy together with the
// caller's own policies (§4.7): same-account, a trust policy naming the
// caller suffices; cross-account both sides must allow.
func (s *Service) authorizeAssume(ctx context.Context, caller *authz.Principal, role *iam.Role, in AssumeRoleInput) error {
	ar := authz.Request{Principal: caller, Action: "sts:AssumeRole", Resource: role.ARN,
		ResourceAccount: account.ID(accountOf(role.ARN)), Context: assumeContext(in)}
	req, ps, err := s.callers.Prepare(ctx, ar)
	if err != nil {
		return err
	}
	trust, err := s.trustPolicy(role.AssumeRolePolicyDocument)
	if err != nil {
		return authz.Denied(ar)
	}
	return policy.EvaluateTrust(req, trust, ps).Err(req)
}

func assumeContext(in AssumeRoleInput) map[string][]string {
	m := map[string][]string{"sts:rolesessionname": {in.RoleSessionName}}
	if in.ExternalID != "" {
		m["sts:externalid"] = []string{in.ExternalID}
	}
	if in.SourceIdentity != "" {
		m["sts:sourceidentity"] = []string{in.SourceIdentity}
	}
	if len(in.Tags) > 0 {
		keys := make([]string, 0, len(in.Tags))
		for _, t := range in.Tags {
			m["aws:requesttag/"+strings.ToLower(t.Key)] = []string{t.Value}
			keys = append(keys, t.Key)
		}
		m["aws:tagkeys"] = keys
	}
	return m
}

func accountOf(a string) string {
	parts := strings.SplitN(a, ":", 6)
	if len(parts) < 5 {
		return ""
	}
	return parts[4]
}

func (s *Service) trustPolicy(doc string) (*policy.Policy, error) {
	return s.trust.GetOr(doc, 0, func() (*policy.Policy, error) { return policy.Parse([]byte(doc), policy.Trust) })
}

// checkSessionPolicies validates Policy and PolicyArns and returns the
// packed size percentage (-1 when neither nor tags were given).
func (s *Service) checkSessionPolicies(ctx context.Context, acct account.ID, in AssumeRoleInput) (int, error) {
	if in.Policy == "" && len(in.PolicyARNs) == 0 && len(in.Tags) == 0 {
		return -1, nil
	}
	size := 0
	if in.Policy != "" {
		if _, err := policy.Parse([]byte(in.Policy), policy.Session); err != nil {
			return 0, err
		}
		size += nonSpaceLen(in.Policy)
	}
	for _, a := range in.PolicyARNs {
		if _, err := s.roles.ManagedPolicyDocument(ctx, acct, a); err != nil {
			if errkind.Is(err, errkind.NotFound) {
				return 0, errkind.WithDetail(errkind.InvalidArgument, "InvalidParameterValue",
					"The policy "+a+" does not exist or is not attachable.")
			}
			return 0, err
		}
		size += len(a)
	}
	for _, t := range in.Tags {
		size += len(t.Key) + len(t.Value)
	}
	if size > maxPackedPolicyLength {
		return 0, errkind.WithDetail(errkind.TooLarge, "PackedPolicyTooLarge",
			"Packed size of consumed session policies and session tags exceeds the limit.")
	}
	return size * 100 / maxPackedPolicyLength, nil
}

func nonSpaceLen(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}

func sessionDuration(given, roleMax int, chained bool) (time.Duration, error) {
	d := given
	if d == 0 {
		d = defaultDuration
	}
	if roleMax == 0 {
		roleMax = defaultDuration
	}
	switch {
	case d < minDuration:
		return 0, errkind.WithDetail(errkind.Validation, "ValidationError",
			"1 validation error detected: Value '"+strconv.Itoa(d)+"' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
	case chained && d > chainedMaxDuration:
		return 0, errkind.WithDetail(errkind.Validation, "ValidationError",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case d > roleMax:
		return 0, errkind.WithDetail(errkind.Validation, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	return time.Duration(d) * time.Second, nil
}

func checkSessionName(n string) error {
	if utf8.RuneCountInString(n) < 2 || len(n) > 64 {
		return errkind.WithDetail(errkind.Validation, "ValidationError",
			"1 validation error detected: Value '"+n+"' at 'roleSessionName' failed to satisfy constraint: Member must have length between 2 and 64")
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_+=,.@-", c)) {
			return errkind.WithDetail(errkind.Validation, "ValidationError",
				"1 validation error detected: Value '"+n+"' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
		}
	}
	return nil
}

// GetSessionToken issues temporary credentials for a user or root caller
// with long-term keys.
func (s *Service) GetSessionToken(ctx context.Context, caller *authz.Principal, durationSeconds int) (*Credentials, error) {
	if caller.Session != nil {
		return nil, errkind.WithDetail(errkind.AccessDenied, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	}
	d := durationSeconds
	if d == 0 {
		d = sessionTokenDefault
		if caller.IsRoot {
			d = sessionTokenRootMax
		}
	}
	if d < minDuration || d > sessionTokenMax {
		return nil, errkind.WithDetail(errkind.Validation, "ValidationError",
			"1 validation error detected: Value '"+strconv.Itoa(d)+"' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600")
	}
	if caller.IsRoot && d > sessionTokenRootMax {
		d = sessionTokenRootMax
	}
	now := s.clock.Now().UTC().Truncate(time.Second)
	c := &claims{Account: string(caller.Account), Type: "user", Name: caller.Name, EntityID: caller.UserID,
		RoleARN: caller.ARN, Issued: now.Unix(), Expires: now.Add(time.Duration(d) * time.Second).Unix()}
	if caller.IsRoot {
		c.Type = "root"
	}
	creds, err := s.mint(c)
	if err != nil {
		return nil, err
	}
	return &creds, nil
}

// mint fills in a fresh key pair and seals the token.
func (s *Service) mint(c *claims) (Credentials, error) {
	c.AccessKeyID = awsid.AccessKeyID(awsid.TemporaryKey)
	c.Secret = awsid.SecretKey()
	tok, err := s.seal.seal(c)
	if err != nil {
		return Credentials{}, fmt.Errorf("seal session token: %w", err)
	}
	return Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.Secret, SessionToken: tok, Expiration: c.expiration()}, nil
}
