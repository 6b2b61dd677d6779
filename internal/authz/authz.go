// Package authz is the single authorisation point of Lambent. Every API
// handler describes what a request wants to do — the IAM action name, the
// resource ARN and the condition context — and asks an Authorizer. The
// foundation's RootOnly authorizer lets an account's root credentials do
// anything inside that account; the IAM policy engine plugs in behind the
// same interface without touching handlers.
package authz

import (
	"context"
	"fmt"

	"lambent/internal/account"
	"lambent/internal/errkind"
)

// Principal is an authenticated caller.
type Principal struct {
	Account     account.ID
	ARN         string // arn:aws:iam::ACCT:root, …:user/NAME, arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
	UserID      string
	AccessKeyID string
	IsRoot      bool
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
