package iam

import (
	"context"
	"fmt"
	"slices"

	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/awsid"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// maxAccessKeys is IAM's AccessKeysPerUser quota.
const maxAccessKeys = 2

// Access key statuses.
const (
	statusActive   = "Active"
	statusInactive = "Inactive"
)

// CreateAccessKey creates an access key for a user. The secret is returned
// once, here, and stored sealed.
func (s *Service) CreateAccessKey(ctx context.Context, acct account.ID, user string) (*AccessKey, error) {
	d, err := s.getUser(ctx, acct, user)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListAccessKeys(ctx, acct, key(user))
	if err != nil {
		return nil, fmt.Errorf("create access key: %w", err)
	}
	if len(keys) >= maxAccessKeys {
		return nil, limitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeys)
	}
	id, secret := awsid.AccessKeyID(awsid.AccessKey), awsid.SecretKey()
	k := &store.AccessKey{ID: id, Account: acct, User: key(user), Active: true, CreatedAt: s.now(),
		Secret: s.sealer.seal(secret, keyAD(string(acct), id, d.ID))}
	defer s.wrote()
	if err := s.store.CreateAccessKey(ctx, acct, k); err != nil {
		return nil, fmt.Errorf("create access key: %w", err)
	}
	return &AccessKey{AccessKeyID: id, UserName: d.Name, Status: statusActive, SecretAccessKey: secret, CreateDate: k.CreatedAt}, nil
}

// ListAccessKeys lists a user's access keys, oldest first, without secrets.
func (s *Service) ListAccessKeys(ctx context.Context, acct account.ID, user string) ([]*AccessKey, error) {
	d, err := s.getUser(ctx, acct, user)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListAccessKeys(ctx, acct, key(user))
	if err != nil {
		return nil, fmt.Errorf("list access keys: %w", err)
	}
	out := make([]*AccessKey, len(keys))
	for i, k := range keys {
		out[i] = &AccessKey{AccessKeyID: k.ID, UserName: d.Name, Status: status(k.Active), CreateDate: k.CreatedAt.UTC()}
	}
	return out, nil
}

func status(active bool) string {
	if active {
		return statusActive
	}
	return statusInactive
}

func noAccessKey(id string) error {
	return noSuchEntity("The Access Key with id %s cannot be found.", id)
}

// UpdateAccessKey sets a key's status, Active or Inactive.
func (s *Service) UpdateAccessKey(ctx context.Context, acct account.ID, user, id, st string) error {
	if !slices.Contains([]string{statusActive, statusInactive}, st) {
		return violations(arn.Violations{{Member: "status", Value: st,
			Constraint: "Member must satisfy enum value set: [Active, Inactive]"}})
	}
	if _, err := s.getUser(ctx, acct, user); err != nil {
		return err
	}
	defer s.wrote()
	err := s.store.SetAccessKeyActive(ctx, acct, key(user), id, st == statusActive)
	if errkind.Is(err, errkind.NotFound) {
		return noAccessKey(id)
	}
	if err != nil {
		return fmt.Errorf("update access key: %w", err)
	}
	return nil
}

// DeleteAccessKey deletes a user's key.
func (s *Service) DeleteAccessKey(ctx context.Context, acct account.ID, user, id string) error {
	if _, err := s.getUser(ctx, acct, user); err != nil {
		return err
	}
	defer s.wrote()
	err := s.store.DeleteAccessKey(ctx, acct, key(user), id)
	if errkind.Is(err, errkind.NotFound) {
		return noAccessKey(id)
	}
	if err != nil {
		return fmt.Errorf("delete access key: %w", err)
	}
	return nil
}

// LookupAccessKey resolves an access key ID for authentication, in any
// account. An unknown key, a key whose user is gone, and a key that does
// not unseal for its user are all errkind.NotFound.
func (s *Service) LookupAccessKey(ctx context.Context, id string) (*AccessKeyIdentity, error) {
	// The generation is read before the store, so a concurrent write makes
	// the entry stale.
	return s.keys.GetOr(id, s.generation(), func() (*AccessKeyIdentity, error) { return s.lookupAccessKey(ctx, id) })
}

func (s *Service) lookupAccessKey(ctx context.Context, id string) (*AccessKeyIdentity, error) {
	k, err := s.store.AccessKeyByID(ctx, id)
	if errkind.Is(err, errkind.NotFound) {
		return nil, noAccessKey(id)
	}
	if err != nil {
		return nil, fmt.Errorf("lookup access key: %w", err)
	}
	e, err := s.store.GetIAMEntity(ctx, k.Account, store.KindUser, k.User)
	if errkind.Is(err, errkind.NotFound) {
		return nil, noAccessKey(id)
	}
	if err != nil {
		return nil, fmt.Errorf("lookup access key: %w", err)
	}
	var d userDoc
	if err := decode(e, &d); err != nil {
		return nil, fmt.Errorf("lookup access key: %w", err)
	}
	secret, err := s.sealer.open(k.Secret, keyAD(string(k.Account), k.ID, d.ID))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", noAccessKey(id), err)
	}
	return &AccessKeyIdentity{Account: k.Account, UserName: d.Name, UserID: d.ID,
		UserARN: userARN(k.Account, d.Path, d.Name), Secret: secret, Active: k.Active}, nil
}
