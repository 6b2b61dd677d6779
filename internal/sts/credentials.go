package sts

import (
	"context"
	"fmt"
	"sync"
	"time"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/errkind"
	"lambent/internal/iam"
	"lambent/internal/sigv4"
)

// accessKeys resolves IAM users' long-term keys; *iam.Service implements
// it.
type accessKeys interface {
	LookupAccessKey(ctx context.Context, id string) (*iam.AccessKeyIdentity, error)
}

// RootKey is an account root user's long-term access key.
type RootKey struct {
	Account         account.ID
	AccessKeyID     string
	SecretAccessKey string
}

// Authenticator is the sigv4.CredentialSource of the server: root keys,
// IAM users' keys and session tokens.
type Authenticator struct {
	roots  map[string]sigv4.Credential
	users  accessKeys
	tokens *Service

	mu     sync.Mutex
	opened map[string]sigv4.Credential // session token → credential
}

var _ sigv4.CredentialSource = (*Authenticator)(nil)

// NewAuthenticator returns an Authenticator.
func NewAuthenticator(roots []RootKey, users accessKeys, tokens *Service) *Authenticator {
	a := &Authenticator{roots: map[string]sigv4.Credential{}, users: users, tokens: tokens, opened: map[string]sigv4.Credential{}}
	for _, r := range roots {
		p := &authz.Principal{Account: r.Account, ARN: "arn:aws:iam::" + string(r.Account) + ":root",
			UserID: string(r.Account), AccessKeyID: r.AccessKeyID, IsRoot: true, Type: authz.TypeAccount}
		a.roots[r.AccessKeyID] = sigv4.Credential{AccessKeyID: r.AccessKeyID, SecretAccessKey: r.SecretAccessKey, Subject: p}
	}
	return a
}

var errUnknownKey = errkind.New(errkind.NotFound, "unknown access key")

// LookupAccessKey implements sigv4.CredentialSource.
func (a *Authenticator) LookupAccessKey(ctx context.Context, id, token string) (sigv4.Credential, error) {
	if token != "" && len(id) > 4 && id[:4] == "ASIA" {
		return a.session(id, token)
	}
	if c, ok := a.roots[id]; ok {
		return c, nil
	}
	k, err := a.users.LookupAccessKey(ctx, id)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return sigv4.Credential{}, errUnknownKey
		}
		return sigv4.Credential{}, fmt.Errorf("look up access key: %w", err)
	}
	if !k.Active {
		return sigv4.Credential{}, errUnknownKey
	}
	p := &authz.Principal{Account: k.Account, ARN: k.UserARN, UserID: k.UserID, AccessKeyID: id,
		Type: authz.TypeUser, Name: k.UserName}
	return sigv4.Credential{AccessKeyID: id, SecretAccessKey: k.Secret, Subject: p}, nil
}

const openedMax = 4096

// session opens a session token (cached: a function's environment signs
// every call with the same one).
func (a *Authenticator) session(id, token string) (sigv4.Credential, error) {
	a.mu.Lock()
	c, ok := a.opened[token]
	a.mu.Unlock()
	if ok {
		if c.AccessKeyID != id {
			return sigv4.Credential{}, errUnknownKey
		}
		return c, nil
	}
	cl, err := a.tokens.seal.open(token)
	if err != nil || cl.AccessKeyID != id {
		return sigv4.Credential{}, errUnknownKey
	}
	c = sigv4.Credential{AccessKeyID: id, SecretAccessKey: cl.Secret, SessionToken: token,
		Expiration: cl.expiration(), Subject: cl.principal()}
	a.mu.Lock()
	if len(a.opened) >= openedMax {
		a.opened = map[string]sigv4.Credential{}
	}
	a.opened[token] = c
	a.mu.Unlock()
	return c, nil
}

// principal is the caller a token stands for.
func (c *claims) principal() *authz.Principal {
	s := &authz.Session{Name: c.SessionName, Issued: time.Unix(c.Issued, 0).UTC(), Expires: c.expiration(),
		Policy: c.Policy, PolicyARNs: c.PolicyARNs, Chained: c.Chained, SourceIdentity: c.SourceIdentity,
		SourceFunctionARN: c.SourceFunction}
	if len(c.Tags) > 0 {
		s.Tags = make(map[string]string, len(c.Tags))
		for _, t := range c.Tags {
			s.Tags[t.Key] = t.Value
		}
	}
	p := &authz.Principal{Account: account.ID(c.Account), AccessKeyID: c.AccessKeyID, Name: c.Name, Session: s}
	switch c.Type {
	case "role":
		s.RoleARN, s.RoleID = c.RoleARN, c.EntityID
		p.Type = authz.TypeAssumedRole
		p.ARN = sessionARN(partitionOf(c.RoleARN), c.Account, c.Name, c.SessionName)
		p.UserID = c.EntityID + ":" + c.SessionName
	case "root":
		p.Type, p.IsRoot = authz.TypeAccount, true
		p.ARN, p.UserID = "arn:aws:iam::"+c.Account+":root", c.Account
	default:
		p.Type, p.ARN, p.UserID = authz.TypeUser, c.RoleARN, c.EntityID
	}
	return p
}

func partitionOf(a string) string {
	if len(a) > 4 && a[:4] == "arn:" {
		for i := 4; i < len(a); i++ {
			if a[i] == ':' {
				return a[4:i]
			}
		}
	}
	return "aws"
}
