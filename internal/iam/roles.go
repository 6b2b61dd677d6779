package iam

import (
	"context"
	"fmt"
	"time"

	"lambent/internal/account"
	"lambent/internal/arn"
	"lambent/internal/awsid"
	"lambent/internal/store"
)

// MaxSessionDuration bounds (seconds).
const (
	defaultSessionDuration = 3600
	maxSessionDuration     = 43200
)

// roleDoc is a role as stored.
type roleDoc struct {
	Name        string    `json:"name"`
	ID          string    `json:"id"`
	Path        string    `json:"path"`
	Created     time.Time `json:"created"`
	Description string    `json:"description,omitempty"`
	Trust       string    `json:"trust"`
	MaxSession  int       `json:"maxSession"`
	Tags        []Tag     `json:"tags,omitempty"`
	Boundary    string    `json:"boundary,omitempty"`
	holderPolicies
}

func (d *roleDoc) role(acct account.ID) *Role {
	return &Role{Name: d.Name, RoleID: d.ID, Path: d.Path, ARN: roleARN(acct, d.Path, d.Name),
		Description: d.Description, AssumeRolePolicyDocument: d.Trust, MaxSessionDuration: d.MaxSession,
		CreateDate: d.Created, Tags: append([]Tag(nil), d.Tags...), PermissionsBoundary: d.Boundary}
}

func checkSessionDuration(n int) error {
	var c string
	switch {
	case n < defaultSessionDuration:
		c = fmt.Sprintf("Member must have value greater than or equal to %d", defaultSessionDuration)
	case n > maxSessionDuration:
		c = fmt.Sprintf("Member must have value less than or equal to %d", maxSessionDuration)
	default:
		return nil
	}
	return violations(arn.Violations{{Member: "maxSessionDuration", Value: fmt.Sprint(n), Constraint: c}})
}

func (in *CreateRoleInput) check() (path string, err error) {
	if err := checkName("roleName", in.Name, maxRoleName); err != nil {
		return "", err
	}
	if path, err = checkPath(in.Path); err != nil {
		return "", err
	}
	if err := checkDescription(in.Description); err != nil {
		return "", err
	}
	if in.MaxSessionDuration != 0 {
		if err := checkSessionDuration(in.MaxSessionDuration); err != nil {
			return "", err
		}
	}
	return path, checkTags(in.Tags)
}

// CreateRole creates a role with a trust policy.
func (s *Service) CreateRole(ctx context.Context, acct account.ID, in CreateRoleInput) (*Role, error) {
	path, err := in.check()
	if err != nil {
		return nil, err
	}
	if err := s.checkTrust(ctx, in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	if err := s.checkBoundary(ctx, acct, in.PermissionsBoundary); err != nil {
		return nil, err
	}
	d := &roleDoc{Name: in.Name, ID: awsid.UniqueID(awsid.Role), Path: path, Created: s.now(),
		Description: in.Description, Trust: in.AssumeRolePolicyDocument, MaxSession: in.MaxSessionDuration,
		Tags: in.Tags, Boundary: in.PermissionsBoundary}
	if d.MaxSession == 0 {
		d.MaxSession = defaultSessionDuration
	}
	err = s.createDoc(ctx, acct, store.KindRole, in.Name, d, func() error {
		return alreadyExists("Role with name %s already exists.", in.Name)
	})
	if err != nil {
		return nil, err
	}
	return d.role(acct), nil
}

func (s *Service) getRole(ctx context.Context, acct account.ID, name string) (*roleDoc, error) {
	if err := checkName("roleName", name, maxRoleName); err != nil {
		return nil, err
	}
	return getDoc[roleDoc](ctx, s, acct, store.KindRole, name, noRole(name))
}

// GetRole returns a role.
func (s *Service) GetRole(ctx context.Context, acct account.ID, name string) (*Role, error) {
	d, err := s.getRole(ctx, acct, name)
	if err != nil {
		return nil, err
	}
	return d.role(acct), nil
}

// ListRoles lists roles in name order (compared case-insensitively).
func (s *Service) ListRoles(ctx context.Context, acct account.ID, o ListOptions) (Page[*Role], error) {
	return listEntities(ctx, s, acct, store.KindRole, o, func(d *roleDoc) (*Role, string) {
		return d.role(acct), d.Path
	})
}

// DeleteRole deletes a role that has no policies left.
func (s *Service) DeleteRole(ctx context.Context, acct account.ID, name string) error {
	d, err := s.getRole(ctx, acct, name)
	if err != nil {
		return err
	}
	if err := d.checkEmpty(); err != nil {
		return err
	}
	return s.deleteDoc(ctx, acct, store.KindRole, name, noRole(name))
}

// UpdateAssumeRolePolicy replaces a role's trust policy.
func (s *Service) UpdateAssumeRolePolicy(ctx context.Context, acct account.ID, name, doc string) error {
	if err := checkName("roleName", name, maxRoleName); err != nil {
		return err
	}
	if err := s.checkTrust(ctx, doc); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindRole, name, noRole(name), func(d *roleDoc) error {
		d.Trust = doc
		return nil
	})
}

// UpdateRole changes a role's description (when description is not nil)
// and maximum session duration (when maxSessionDuration is not 0).
func (s *Service) UpdateRole(ctx context.Context, acct account.ID, name string, description *string, maxSessionDuration int) error {
	if err := checkName("roleName", name, maxRoleName); err != nil {
		return err
	}
	if description != nil {
		if err := checkDescription(*description); err != nil {
			return err
		}
	}
	if maxSessionDuration != 0 {
		if err := checkSessionDuration(maxSessionDuration); err != nil {
			return err
		}
	}
	return updateDoc(ctx, s, acct, store.KindRole, name, noRole(name), func(d *roleDoc) error {
		if description != nil {
			d.Description = *description
		}
		if maxSessionDuration != 0 {
			d.MaxSession = maxSessionDuration
		}
		return nil
	})
}

// TagRole adds or replaces tags of a role.
func (s *Service) TagRole(ctx context.Context, acct account.ID, name string, tags []Tag) error {
	if err := checkName("roleName", name, maxRoleName); err != nil {
		return err
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindRole, name, noRole(name), func(d *roleDoc) error {
		t, err := mergeTags(d.Tags, tags, "TagsPerRole")
		d.Tags = t
		return err
	})
}

// UntagRole removes tags of a role; absent keys are ignored.
func (s *Service) UntagRole(ctx context.Context, acct account.ID, name string, keys []string) error {
	if err := checkName("roleName", name, maxRoleName); err != nil {
		return err
	}
	if err := checkTagKeys(keys); err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindRole, name, noRole(name), func(d *roleDoc) error {
		d.Tags = removeTags(d.Tags, keys)
		return nil
	})
}

// RoleTrustPolicy returns a role's trust policy document as stored.
func (s *Service) RoleTrustPolicy(ctx context.Context, acct account.ID, roleName string) (string, error) {
	d, err := s.getRole(ctx, acct, roleName)
	if err != nil {
		return "", err
	}
	return d.Trust, nil
}
