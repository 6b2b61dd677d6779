package iam

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// denyAllDoc stands in for a permissions boundary whose policy has gone
// missing, so that a dangling boundary fails closed.
const denyAllDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`

// PrincipalPolicies returns the identity-side policies of a user or role.
// The result is cached and shared: callers must not modify it. Any write
// through the Service invalidates the cache, so a change applies to the
// next request. A missing principal is errkind.NotFound.
func (s *Service) PrincipalPolicies(ctx context.Context, acct account.ID, kind EntityKind, name string) (*PolicySet, error) {
	if kind != KindUser && kind != KindRole {
		return nil, errkind.Newf(errkind.InvalidArgument, "principal policies: kind %q is not user or role", kind)
	}
	if _, err := specOf(kind, name); err != nil {
		return nil, err
	}
	k := cacheKey{acct: acct, kind: kind, name: key(name)}
	// The generation is read before the store: a later write moves it on.
	return s.cache.GetOr(k, s.generation(), func() (*PolicySet, error) {
		if kind == KindUser {
			return s.userPolicies(ctx, acct, name)
		}
		return s.rolePolicies(ctx, acct, name)
	})
}

func (s *Service) userPolicies(ctx context.Context, acct account.ID, name string) (*PolicySet, error) {
	d, err := getDoc[userDoc](ctx, s, acct, store.KindUser, name, noUser(name))
	if err != nil {
		return nil, err
	}
	set := &PolicySet{ID: d.ID, ARN: userARN(acct, d.Path, d.Name), Tags: tagMap(d.Tags)}
	if set.Identity, err = s.heldPolicies(ctx, acct, &d.holderPolicies, nil); err != nil {
		return nil, err
	}
	for _, gk := range d.Groups {
		g, err := getDoc[groupDoc](ctx, s, acct, store.KindGroup, gk, noGroup(gk))
		if isNoSuchEntity(err) {
			continue // deleted concurrently
		}
		if err != nil {
			return nil, err
		}
		if set.Identity, err = s.heldPolicies(ctx, acct, &g.holderPolicies, set.Identity); err != nil {
			return nil, err
		}
	}
	set.Boundary, err = s.boundary(ctx, acct, d.Boundary)
	return set, err
}

func (s *Service) rolePolicies(ctx context.Context, acct account.ID, name string) (*PolicySet, error) {
	d, err := getDoc[roleDoc](ctx, s, acct, store.KindRole, name, noRole(name))
	if err != nil {
		return nil, err
	}
	set := &PolicySet{ID: d.ID, ARN: roleARN(acct, d.Path, d.Name), Tags: tagMap(d.Tags)}
	if set.Identity, err = s.heldPolicies(ctx, acct, &d.holderPolicies, nil); err != nil {
		return nil, err
	}
	set.Boundary, err = s.boundary(ctx, acct, d.Boundary)
	return set, err
}

// heldPolicies appends to out the compiled inline policies (in name order)
// and the default versions of the attached managed policies. An attached
// policy deleted concurrently grants nothing and is skipped.
func (s *Service) heldPolicies(ctx context.Context, acct account.ID, h *holderPolicies, out []*policy.Policy) ([]*policy.Policy, error) {
	for _, n := range slices.Sorted(maps.Keys(h.Inline)) {
		p, err := policy.Parse([]byte(h.Inline[n]), policy.Identity)
		if err != nil {
			return nil, fmt.Errorf("compile inline policy %s: %w", n, err)
		}
		out = append(out, p)
	}
	for _, a := range h.Attached {
		m, err := s.resolve(ctx, acct, a)
		if isNoSuchEntity(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		p, err := s.compiledDefault(m)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// boundary compiles a permissions boundary; one whose policy is gone
// denies everything.
func (s *Service) boundary(ctx context.Context, acct account.ID, arn string) (*policy.Policy, error) {
	if arn == "" {
		return nil, nil
	}
	m, err := s.resolve(ctx, acct, arn)
	if isNoSuchEntity(err) {
		return s.denyAll, nil
	}
	if err != nil {
		return nil, err
	}
	return s.compiledDefault(m)
}

func tagMap(tags []Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
