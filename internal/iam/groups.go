package iam

import (
	"context"
	"slices"
	"time"

	"lambent/internal/account"
	"lambent/internal/awsid"
	"lambent/internal/store"
)

// maxGroupsPerUser is IAM's GroupsPerUser quota.
const maxGroupsPerUser = 10

// groupDoc is a group as stored. Members are not listed here: each user
// names its groups.
type groupDoc struct {
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Path    string    `json:"path"`
	Created time.Time `json:"created"`
	holderPolicies
}

func (d *groupDoc) group(acct account.ID) *Group {
	return &Group{Name: d.Name, GroupID: d.ID, Path: d.Path, ARN: groupARN(acct, d.Path, d.Name), CreateDate: d.Created}
}

// CreateGroup creates a group.
func (s *Service) CreateGroup(ctx context.Context, acct account.ID, name, path string) (*Group, error) {
	if err := checkName("groupName", name, maxGroupName); err != nil {
		return nil, err
	}
	path, err := checkPath(path)
	if err != nil {
		return nil, err
	}
	d := &groupDoc{Name: name, ID: awsid.UniqueID(awsid.Group), Path: path, Created: s.now()}
	err = s.createDoc(ctx, acct, store.KindGroup, name, d, func() error {
		return alreadyExists("Group with name %s already exists.", name)
	})
	if err != nil {
		return nil, err
	}
	return d.group(acct), nil
}

func (s *Service) getGroup(ctx context.Context, acct account.ID, name string) (*groupDoc, error) {
	if err := checkName("groupName", name, maxGroupName); err != nil {
		return nil, err
	}
	return getDoc[groupDoc](ctx, s, acct, store.KindGroup, name, noGroup(name))
}

// GetGroup returns a group and its members in name order.
func (s *Service) GetGroup(ctx context.Context, acct account.ID, name string) (*Group, []*User, error) {
	d, err := s.getGroup(ctx, acct, name)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.members(ctx, acct, key(name))
	if err != nil {
		return nil, nil, err
	}
	return d.group(acct), users, nil
}

// members scans the users for those in the group with key gk.
func (s *Service) members(ctx context.Context, acct account.ID, gk string) ([]*User, error) {
	var out []*User
	err := scan(ctx, s, acct, store.KindUser, "", func(_ string, d *userDoc) bool {
		if slices.Contains(d.Groups, gk) {
			out = append(out, d.user(acct))
		}
		return true
	})
	return out, err
}

// ListGroups lists groups in name order (compared case-insensitively).
func (s *Service) ListGroups(ctx context.Context, acct account.ID, o ListOptions) (Page[*Group], error) {
	return listEntities(ctx, s, acct, store.KindGroup, o, func(d *groupDoc) (*Group, string) {
		return d.group(acct), d.Path
	})
}

// DeleteGroup deletes a group that has no members or policies left.
func (s *Service) DeleteGroup(ctx context.Context, acct account.ID, name string) error {
	d, err := s.getGroup(ctx, acct, name)
	if err != nil {
		return err
	}
	users, err := s.members(ctx, acct, key(name))
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return deleteConflict("Cannot delete entity, must remove users from group first.")
	}
	if err := d.checkEmpty(); err != nil {
		return err
	}
	return s.deleteDoc(ctx, acct, store.KindGroup, name, noGroup(name))
}

// AddUserToGroup adds a user to a group; adding a member again is a no-op.
func (s *Service) AddUserToGroup(ctx context.Context, acct account.ID, group, user string) error {
	if _, err := s.getGroup(ctx, acct, group); err != nil {
		return err
	}
	if err := checkName("userName", user, maxUserName); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindUser, user, noUser(user), func(d *userDoc) error {
		if slices.Contains(d.Groups, key(group)) {
			return nil
		}
		if len(d.Groups) >= maxGroupsPerUser {
			return limitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsPerUser)
		}
		d.Groups = append(d.Groups, key(group))
		return nil
	})
}

// RemoveUserFromGroup removes a user from a group.
func (s *Service) RemoveUserFromGroup(ctx context.Context, acct account.ID, group, user string) error {
	if _, err := s.getGroup(ctx, acct, group); err != nil {
		return err
	}
	if err := checkName("userName", user, maxUserName); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindUser, user, noUser(user), func(d *userDoc) error {
		i := slices.Index(d.Groups, key(group))
		if i < 0 {
			return noSuchEntity("User %s is not in group %s.", user, group)
		}
		d.Groups = slices.Delete(d.Groups, i, i+1)
		return nil
	})
}

// ListGroupsForUser lists a user's groups in the order they were joined.
func (s *Service) ListGroupsForUser(ctx context.Context, acct account.ID, user string) ([]*Group, error) {
	d, err := s.getUser(ctx, acct, user)
	if err != nil {
		return nil, err
	}
	return s.groupsOf(ctx, acct, d)
}

// groupsOf reads a user's groups, skipping any deleted concurrently.
func (s *Service) groupsOf(ctx context.Context, acct account.ID, u *userDoc) ([]*Group, error) {
	out := make([]*Group, 0, len(u.Groups))
	for _, gk := range u.Groups {
		g, err := getDoc[groupDoc](ctx, s, acct, store.KindGroup, gk, noGroup(gk))
		if isNoSuchEntity(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, g.group(acct))
	}
	return out, nil
}
