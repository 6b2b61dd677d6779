package iam

import (
	"context"
	"time"

	"lambent/internal/account"
	"lambent/internal/awsid"
	"lambent/internal/store"
)

// userDoc is a user as stored; Groups holds the keys of its groups.
type userDoc struct {
	Name     string    `json:"name"`
	ID       string    `json:"id"`
	Path     string    `json:"path"`
	Created  time.Time `json:"created"`
	Tags     []Tag     `json:"tags,omitempty"`
	Boundary string    `json:"boundary,omitempty"`
	Groups   []string  `json:"groups,omitempty"`
	holderPolicies
}

func (d *userDoc) user(acct account.ID) *User {
	return &User{Name: d.Name, UserID: d.ID, Path: d.Path, ARN: userARN(acct, d.Path, d.Name),
		CreateDate: d.Created, Tags: append([]Tag(nil), d.Tags...), PermissionsBoundary: d.Boundary}
}

// CreateUser creates an IAM user.
func (s *Service) CreateUser(ctx context.Context, acct account.ID, name, path string, tags []Tag, boundary string) (*User, error) {
	if err := checkName("userName", name, maxUserName); err != nil {
		return nil, err
	}
	path, err := checkPath(path)
	if err != nil {
		return nil, err
	}
	if err := checkTags(tags); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, acct, boundary); err != nil {
		return nil, err
	}
	d := &userDoc{Name: name, ID: awsid.UniqueID(awsid.User), Path: path, Created: s.now(), Tags: tags, Boundary: boundary}
	err = s.createDoc(ctx, acct, store.KindUser, name, d, func() error {
		return alreadyExists("User with name %s already exists.", name)
	})
	if err != nil {
		return nil, err
	}
	return d.user(acct), nil
}

func (s *Service) getUser(ctx context.Context, acct account.ID, name string) (*userDoc, error) {
	if err := checkName("userName", name, maxUserName); err != nil {
		return nil, err
	}
	return getDoc[userDoc](ctx, s, acct, store.KindUser, name, noUser(name))
}

// GetUser returns a user.
func (s *Service) GetUser(ctx context.Context, acct account.ID, name string) (*User, error) {
	d, err := s.getUser(ctx, acct, name)
	if err != nil {
		return nil, err
	}
	return d.user(acct), nil
}

// ListUsers lists users in name order (compared case-insensitively).
func (s *Service) ListUsers(ctx context.Context, acct account.ID, o ListOptions) (Page[*User], error) {
	return listEntities(ctx, s, acct, store.KindUser, o, func(d *userDoc) (*User, string) {
		return d.user(acct), d.Path
	})
}

// DeleteUser deletes a user that has no access keys, policies or groups
// left, as IAM requires.
func (s *Service) DeleteUser(ctx context.Context, acct account.ID, name string) error {
	d, err := s.getUser(ctx, acct, name)
	if err != nil {
		return err
	}
	keys, err := s.store.ListAccessKeys(ctx, acct, key(name))
	if err != nil {
		return err
	}
	switch {
	case len(keys) > 0:
		return deleteConflict("Cannot delete entity, must delete access keys first.")
	case len(d.Groups) > 0:
		return deleteConflict("Cannot delete entity, must remove user from all groups first.")
	}
	if err := d.checkEmpty(); err != nil {
		return err
	}
	return s.deleteDoc(ctx, acct, store.KindUser, name, noUser(name))
}

// TagUser adds or replaces tags of a user.
func (s *Service) TagUser(ctx context.Context, acct account.ID, name string, tags []Tag) error {
	if err := checkName("userName", name, maxUserName); err != nil {
		return err
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindUser, name, noUser(name), func(d *userDoc) error {
		t, err := mergeTags(d.Tags, tags, "TagsPerUser")
		d.Tags = t
		return err
	})
}

// UntagUser removes tags of a user; absent keys are ignored.
func (s *Service) UntagUser(ctx context.Context, acct account.ID, name string, keys []string) error {
	if err := checkName("userName", name, maxUserName); err != nil {
		return err
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindUser, name, noUser(name), func(d *userDoc) error {
		d.Tags = removeTags(d.Tags, keys)
		return nil
	})
}

// now is the clock's time at the store's precision (milliseconds, UTC).
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }
