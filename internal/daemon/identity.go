package daemon

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"log/slog"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/enforce"
	"lambent/internal/iam"
	"lambent/internal/iamapi"
	"lambent/internal/invoke"
	"lambent/internal/orgs"
	"lambent/internal/store/sqlite"
	"lambent/internal/sts"
	"lambent/internal/stsapi"
)

// identity is the IAM side of the server: identities, the authorisation
// point, temporary credentials, accounts, and their APIs.
type identity struct {
	iam     *iam.Service
	authz   *enforce.Authorizer
	sts     *sts.Service
	authn   *sts.Authenticator
	orgs    *orgs.Service
	iamAPI  *iamapi.API
	stsAPI  *stsapi.API
	orgsAPI *orgs.API
}

// buildIdentity wires the identity side over db. Keys for sealing access
// key secrets and session tokens are derived from the master key.
func buildIdentity(ctx context.Context, db *sqlite.DB, clk clock.Clock, log *slog.Logger, region string,
	masterKey []byte, mgmt account.ID, rc rootCredentials) (*identity, error) {
	secretKey, err := hkdf.Key(sha256.New, masterKey, nil, "lambent iam access key secrets v1", 32)
	if err != nil {
		return nil, fmt.Errorf("derive access key secret key: %w", err)
	}
	id := &identity{}
	if id.iam, err = iam.New(iam.Config{Store: db, Clock: clk, SecretKey: secretKey, Region: region}); err != nil {
		return nil, err
	}
	if id.orgs, err = orgs.New(orgs.Config{Accounts: db, Roles: id.iam, Clock: clk, Management: mgmt}); err != nil {
		return nil, err
	}
	if err := id.orgs.Bootstrap(ctx); err != nil {
		return nil, fmt.Errorf("register the management account: %w", err)
	}
	if id.authz, err = enforce.New(enforce.Config{Identities: id.iam, Resources: db, Clock: clk, Organizations: id.orgs}); err != nil {
		return nil, err
	}
	if id.sts, err = sts.New(sts.Config{Roles: id.iam, Callers: id.authz, Clock: clk, MasterKey: masterKey}); err != nil {
		return nil, err
	}
	id.authn = sts.NewAuthenticator([]sts.RootKey{{Account: mgmt, AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey}},
		id.iam, id.sts)
	if id.orgsAPI, err = orgs.NewAPI(id.orgs, id.authz, log); err != nil {
		return nil, err
	}
	if id.iamAPI, err = iamapi.New(iamapi.Config{IAM: id.iam, Authorizer: id.authz, Logger: log}); err != nil {
		return nil, err
	}
	if id.stsAPI, err = stsapi.New(stsapi.Config{STS: id.sts, Logger: log}); err != nil {
		return nil, err
	}
	return id, nil
}

// executionRoles adapts the STS service to the invoke manager.
type executionRoles struct{ sts *sts.Service }

func (e executionRoles) ExecutionCredentials(ctx context.Context, roleARN, functionARN, functionName string) (invoke.Credentials, error) {
	c, err := e.sts.ExecutionCredentials(ctx, roleARN, functionARN, functionName)
	if err != nil {
		return invoke.Credentials{}, err
	}
	return invoke.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken, Expiration: c.Expiration}, nil
}
