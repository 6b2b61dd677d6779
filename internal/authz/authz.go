// Package authz is the contract of Lambent's single authorisation point.
// Every API handler describes what a request wants to do — the IAM action
// name, the resource ARN and the condition context — and asks an
// Authorizer. The server's Authorizer is internal/enforce (the IAM policy
// engine); RootOnly, which lets an account's root credentials do anything
// inside that account, serves tests of handlers that need no IAM.
package authz

import (
	"context"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
)

// Principal types, as aws:PrincipalType names them.
const (
	TypeAccount     = "Account" // an account's root user
	TypeUser        = "User"
	TypeAssumedRole = "AssumedRole"
)

// Principal is an authenticated caller.
type Principal struct {
	Account     account.ID
	ARN         string // arn:aws:iam::ACCT:root, …:user/NAME, arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	UserID      string // account ID, AIDA…, or AROA…:SESSION
	AccessKeyID string
	IsRoot      bool
	Type        string // TypeAccount, TypeUser or TypeAssumedRole
	// Name is the IAM user's or the role's name ("" for root).
	Name string
	// Session is set for temporary credentials (AssumeRole,
	// GetSessionToken), nil for long-term keys.
	Session *Session
}

// Session describes the temporary credentials a principal signed with.
type Session struct {
	Name    string // RoleSessionName; "" for GetSessionToken
	RoleARN string // arn:aws:iam::ACCT:role/PATH/NAME; "" for GetSessionToken
	RoleID  string // AROA…
	Issued  time.Time
	Expires time.Time
	// Policy is the inline session policy passed to AssumeRole ("" if none)
	// and PolicyARNs the managed session policies.
	Policy     string
	PolicyARNs []string
	// Chained is true when the session was created with role-session
	// credentials (role chaining).
	Chained        bool
	SourceIdentity string
	// SourceFunctionARN is the function whose execution role this session
	// is; requests carry it as lambda:SourceFunctionArn.
	SourceFunctionARN string
	// Tags are the session tags; they override the role's tags in
	// aws:PrincipalTag/*.
	Tags map[string]string
}

// RequestInfo is what the front door knows about a request's transport;
// it fills the global condition keys.
type RequestInfo struct {
	SourceIP        string
	SecureTransport bool
	Region          string
	Time            time.Time
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying ri.
func WithRequestInfo(ctx context.Context, ri RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, ri)
}

// RequestInfoFrom returns the request information the gateway recorded.
func RequestInfoFrom(ctx context.Context) (RequestInfo, bool) {
	ri, ok := ctx.Value(requestInfoKey{}).(RequestInfo)
	return ri, ok
}

// Request is one authorisation question.
type Request struct {
	Principal *Principal
	Action    string // service:Action, e.g. "lambda:InvokeFunction"
	Resource  string // ARN of the resource acted on, or "*"
	// ResourceAccount owns the resource; it decides whether the request is
	// cross-account.
	ResourceAccount account.ID
	// Context holds condition keys (aws:SourceIp, lambda:FunctionArn, …).
	Context map[string][]string
}

// Authorizer decides requests. It returns nil to allow, or an error of kind
// errkind.AccessDenied whose public message names principal, action and
// resource as AWS does.
type Authorizer interface {
	Authorize(ctx context.Context, r Request) error
}

// RootOnly allows an account's root principal everything inside its own
// account and denies everything else.
type RootOnly struct{}

var _ Authorizer = RootOnly{}

// Authorize implements Authorizer.
func (RootOnly) Authorize(_ context.Context, r Request) error {
	if r.Principal != nil && r.Principal.IsRoot && r.Principal.Account == r.ResourceAccount {
		return nil
	}
	return Denied(r)
}

// Denied returns AWS's access-denied error for r.
func Denied(r Request) error {
	who := "anonymous"
	if r.Principal != nil {
		who = r.Principal.ARN
	}
	return errkind.New(errkind.AccessDenied, fmt.Sprintf(
		"User: %s is not authorized to perform: %s on resource: %s", who, r.Action, r.Resource))
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal the gateway authenticated.
func PrincipalFrom(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
