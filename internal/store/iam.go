package store

import (
	"context"
	"time"

	"lambent/internal/account"
)

// IAM entity kinds. The store treats kinds and documents as opaque; these
// constants only keep their spelling in one place.
const (
	KindUser           = "user"
	KindRole           = "role"
	KindGroup          = "group"
	KindPolicy         = "policy"          // customer managed policy
	KindFunctionPolicy = "function-policy" // Lambda resource policy; Key is FunctionPolicyKey(name, qualifier)
	KindOrganization   = "organization"    // the organization an account manages; Key "o"
)

// FunctionPolicyKey is the entity key of a function's resource policy.
// DeleteFunction and DeleteVersion remove the matching entities.
func FunctionPolicyKey(function, qualifier string) string {
	if qualifier == "" {
		qualifier = LatestVersion
	}
	return function + ":" + qualifier
}

// IAMEntity is one stored identity object: a user, role, group, managed
// policy or function policy. The document is JSON owned by internal/iam
// (or internal/lambdaapi for function policies); Key is unique per
// (account, kind) and chosen by the caller (IAM names are compared
// case-insensitively, so internal/iam passes lower-cased keys).
type IAMEntity struct {
	Kind      string
	Key       string
	Doc       []byte
	UpdatedAt time.Time
}

// AccessKey is a long-term access key of an IAM user. Secret is sealed by
// internal/iam; the store never sees it in clear.
type AccessKey struct {
	ID        string // AKIA…
	Account   account.ID
	User      string // the user's entity key
	Secret    []byte
	Active    bool
	CreatedAt time.Time
	LastUsed  time.Time
}

// Account is one tenant account. Doc is JSON owned by internal/iam (name,
// e-mail, status, the organization it belongs to).
type Account struct {
	ID        account.ID
	Doc       []byte
	CreatedAt time.Time
}

// IAM stores identities and policies.
type IAM interface {
	// CreateIAMEntity inserts e. AlreadyExists if (kind, key) is taken.
	CreateIAMEntity(ctx context.Context, acct account.ID, e *IAMEntity) error
	// GetIAMEntity returns one entity. NotFound if absent.
	GetIAMEntity(ctx context.Context, acct account.ID, kind, key string) (*IAMEntity, error)
	// UpdateIAMEntity reads an entity, applies mutate and writes it back in
	// one transaction. If mutate returns an error nothing is written and
	// the error is returned as is. NotFound if absent.
	UpdateIAMEntity(ctx context.Context, acct account.ID, kind, key string, mutate func(*IAMEntity) error) (*IAMEntity, error)
	// PutIAMEntity inserts or replaces e.
	PutIAMEntity(ctx context.Context, acct account.ID, e *IAMEntity) error
	// DeleteIAMEntity removes one entity. NotFound if absent.
	DeleteIAMEntity(ctx context.Context, acct account.ID, kind, key string) error
	// ListIAMEntities returns up to limit entities of a kind with keys
	// greater than after, ordered by key.
	ListIAMEntities(ctx context.Context, acct account.ID, kind, after string, limit int) ([]*IAMEntity, error)

	// CreateAccessKey inserts k (k.Account must equal acct). AlreadyExists
	// if the ID is taken.
	CreateAccessKey(ctx context.Context, acct account.ID, k *AccessKey) error
	// AccessKeyByID finds a key by its ID in any account: authentication
	// is the one lookup that starts without an account. NotFound if absent.
	AccessKeyByID(ctx context.Context, id string) (*AccessKey, error)
	// ListAccessKeys returns a user's keys, oldest first.
	ListAccessKeys(ctx context.Context, acct account.ID, user string) ([]*AccessKey, error)
	// SetAccessKeyActive changes a key's status. NotFound if the key is not
	// the user's.
	SetAccessKeyActive(ctx context.Context, acct account.ID, user, id string, active bool) error
	// DeleteAccessKey removes a key. NotFound if the key is not the user's.
	DeleteAccessKey(ctx context.Context, acct account.ID, user, id string) error

	// IAMGeneration returns a number that changes after every write that
	// may change an IAM entity (function policies removed with their
	// function versions included), so that readers may cache what they
	// read at one generation. A backend shared by several servers must
	// also change it for the other servers' writes.
	IAMGeneration() uint64
}

// Accounts is the registry of accounts. It is not scoped by account: only
// the organization management code and authentication use it.
type Accounts interface {
	// CreateAccount inserts a. AlreadyExists if the ID is taken.
	CreateAccount(ctx context.Context, a *Account) error
	// GetAccount returns one account. NotFound if absent.
	GetAccount(ctx context.Context, id account.ID) (*Account, error)
	// ListAccounts returns every account ordered by ID.
	ListAccounts(ctx context.Context) ([]*Account, error)
	// UpdateAccount applies mutate to an account in one transaction.
	UpdateAccount(ctx context.Context, id account.ID, mutate func(*Account) error) (*Account, error)
}
