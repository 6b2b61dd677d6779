// Package stsapi serves the STS Query API (docs iam.md §5, §6):
// GetCallerIdentity, AssumeRole and GetSessionToken. Handlers decode and
// check the syntax of parameters with AWS's ValidationError messages; the
// sts service behind them authorises (identity sts:AssumeRole plus the
// role's trust policy) and issues the credentials.
//
//	api, err := stsapi.New(stsapi.Config{STS: svc, Logger: log})
//	…
//	api.Serve(w, r, body, requestID) // principal in r.Context() (authz.WithPrincipal)
package stsapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"lambent/internal/authz"
	"lambent/internal/awsquery"
	"lambent/internal/sts"
)

// stsService is the subset of sts.Service the API uses.
type stsService interface {
	AssumeRole(ctx context.Context, caller *authz.Principal, in sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error)
	GetSessionToken(ctx context.Context, caller *authz.Principal, durationSeconds int) (*sts.Credentials, error)
}

// Config configures the API. All fields are required.
type Config struct {
	STS    stsService
	Logger *slog.Logger
}

// Validate reports a missing dependency.
func (c Config) Validate() error {
	if c.STS == nil || c.Logger == nil {
		return errors.New("stsapi: missing dependency")
	}
	return nil
}

// API serves the STS Query API.
type API struct {
	cfg Config
}

// New returns the API.
func New(cfg Config) (*API, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &API{cfg: cfg}, nil
}

// Serve handles one authenticated STS request. body is the request body
// the gateway already read (and verified); the principal is in r's
// context.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string) {
	awsquery.Serve(w, r, body, requestID, awsquery.STS, a.cfg.Logger, a.handle)
}

// handle dispatches one decoded request to its operation.
func (a *API) handle(ctx context.Context, p *authz.Principal, req *awsquery.Request) (any, error) {
	switch req.Action {
	case "GetCallerIdentity":
		return callerIdentity(p), nil
	case "AssumeRole":
		return a.assumeRole(ctx, p, req.Params)
	case "GetSessionToken":
		return a.getSessionToken(ctx, p, req.Params)
	}
	return nil, awsquery.InvalidAction(awsquery.STS, req.Action)
}

type callerIdentityResult struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

// callerIdentity needs no permission: root is the account ID and
// arn:aws:iam::ACCT:root, a user AIDA… and its ARN, a role session
// AROA…:session and the session ARN.
func callerIdentity(p *authz.Principal) callerIdentityResult {
	id, a := p.UserID, p.ARN
	if p.IsRoot {
		if id == "" {
			id = p.Account.String()
		}
		if a == "" {
			a = "arn:aws:iam::" + p.Account.String() + ":root"
		}
	}
	return callerIdentityResult{UserID: id, Account: p.Account.String(), Arn: a}
}

type credentialsXML struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func credentials(c *sts.Credentials) credentialsXML {
	return credentialsXML{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken, Expiration: awsquery.Time(c.Expiration)}
}

type sessionTokenResult struct {
	Credentials credentialsXML `xml:"Credentials"`
}

func (a *API) getSessionToken(ctx context.Context, p *authz.Principal, q awsquery.Params) (any, error) {
	var v violations
	dur := v.integer(q, "DurationSeconds", 900, 129600)
	v.str(q, "SerialNumber", 9, 256, `[\w+=/:,.@-]*`, isSerialChar)
	v.str(q, "TokenCode", 6, 6, `[\d]*`, isDigit)
	if err := v.err(); err != nil {
		return nil, err
	}
	c, err := a.cfg.STS.GetSessionToken(ctx, p, dur)
	if err != nil {
		return nil, err
	}
	return sessionTokenResult{Credentials: credentials(c)}, nil
}

// WriteError writes err as an STS <ErrorResponse>, for failures the
// gateway meets before a request reaches Serve (a bad signature).
func (a *API) WriteError(w http.ResponseWriter, requestID string, err error) {
	awsquery.WriteError(w, a.cfg.Logger, awsquery.STS, requestID, err)
}
