package iam

import (
	"context"
	"slices"
	"sort"
	"strings"

	"lambent/internal/account"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// holderPolicies are the policies a user, role or group holds: inline
// documents by name (verbatim text) and attached managed policy ARNs.
type holderPolicies struct {
	Inline   map[string]string `json:"inline,omitempty"`
	Attached []string          `json:"attached,omitempty"`
}

func (h *holderPolicies) checkEmpty() error {
	if len(h.Attached) > 0 {
		return deleteConflict("Cannot delete entity, must detach all policies first.")
	}
	if len(h.Inline) > 0 {
		return deleteConflict("Cannot delete entity, must delete policies first.")
	}
	return nil
}

// maxAttached is the default quota of managed policies per entity.
const maxAttached = 10

// holderSpec is what differs between the three holder kinds.
type holderSpec struct {
	storeKind string
	noun      string // "user", as in "The user policy with name …"
	member    string // "userName"
	maxName   int
	maxInline int    // aggregate inline policy size quota
	quota     string // "PoliciesPerUser"
	notFound  func(string) func() error
}

// specFor returns the spec of a holder kind (iam.md §3 quotas).
func specFor(kind EntityKind) (holderSpec, bool) {
	switch kind {
	case KindUser:
		return holderSpec{store.KindUser, "user", "userName", maxUserName, 2048, "PoliciesPerUser", noUser}, true
	case KindRole:
		return holderSpec{store.KindRole, "role", "roleName", maxRoleName, 10240, "PoliciesPerRole", noRole}, true
	case KindGroup:
		return holderSpec{store.KindGroup, "group", "groupName", maxGroupName, 5120, "PoliciesPerGroup", noGroup}, true
	}
	return holderSpec{}, false
}

// specOf returns the spec of kind after validating the entity's name.
func specOf(kind EntityKind, name string) (holderSpec, error) {
	sp, ok := specFor(kind)
	if !ok {
		return sp, invalidInput("Unknown entity kind %q.", kind)
	}
	return sp, checkName(sp.member, name, sp.maxName)
}

// getHolder reads the policies an entity holds.
func (s *Service) getHolder(ctx context.Context, acct account.ID, kind EntityKind, name string) (*holderPolicies, error) {
	sp, err := specOf(kind, name)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindUser:
		d, err := getDoc[userDoc](ctx, s, acct, sp.storeKind, name, sp.notFound(name))
		return holderOf(d, err, func(d *userDoc) *holderPolicies { return &d.holderPolicies })
	case KindRole:
		d, err := getDoc[roleDoc](ctx, s, acct, sp.storeKind, name, sp.notFound(name))
		return holderOf(d, err, func(d *roleDoc) *holderPolicies { return &d.holderPolicies })
	default:
		d, err := getDoc[groupDoc](ctx, s, acct, sp.storeKind, name, sp.notFound(name))
		return holderOf(d, err, func(d *groupDoc) *holderPolicies { return &d.holderPolicies })
	}
}

func holderOf[T any](d *T, err error, f func(*T) *holderPolicies) (*holderPolicies, error) {
	if err != nil {
		return nil, err
	}
	return f(d), nil
}

// updateHolder applies mutate to the policies an entity holds.
func (s *Service) updateHolder(ctx context.Context, acct account.ID, kind EntityKind, name string, mutate func(*holderPolicies) error) error {
	sp, err := specOf(kind, name)
	if err != nil {
		return err
	}
	nf := sp.notFound(name)
	switch kind {
	case KindUser:
		return updateDoc(ctx, s, acct, sp.storeKind, name, nf, func(d *userDoc) error { return mutate(&d.holderPolicies) })
	case KindRole:
		return updateDoc(ctx, s, acct, sp.storeKind, name, nf, func(d *roleDoc) error { return mutate(&d.holderPolicies) })
	default:
		return updateDoc(ctx, s, acct, sp.storeKind, name, nf, func(d *groupDoc) error { return mutate(&d.holderPolicies) })
	}
}

// PutInlinePolicy creates or replaces an inline policy of a user, role or
// group. The document is stored verbatim.
func (s *Service) PutInlinePolicy(ctx context.Context, acct account.ID, kind EntityKind, entity, policyName, doc string) error {
	sp, err := specOf(kind, entity)
	if err != nil {
		return err
	}
	if err := checkName("policyName", policyName, maxPolicyName); err != nil {
		return err
	}
	if _, err := policy.Parse([]byte(doc), policy.Identity); err != nil {
		return err
	}
	return s.updateHolder(ctx, acct, kind, entity, func(h *holderPolicies) error {
		size := policySize(doc)
		for n, d := range h.Inline {
			if n != policyName {
				size += policySize(d)
			}
		}
		if size > sp.maxInline {
			return limitExceeded("Maximum policy size of %d bytes exceeded for %s %s", sp.maxInline, sp.noun, entity)
		}
		if h.Inline == nil {
			h.Inline = map[string]string{}
		}
		h.Inline[policyName] = doc
		return nil
	})
}

func noInline(sp holderSpec, policyName string) error {
	return noSuchEntity("The %s policy with name %s cannot be found.", sp.noun, policyName)
}

// GetInlinePolicy returns an inline policy's document as stored.
func (s *Service) GetInlinePolicy(ctx context.Context, acct account.ID, kind EntityKind, entity, policyName string) (string, error) {
	h, err := s.getHolder(ctx, acct, kind, entity)
	if err != nil {
		return "", err
	}
	sp, _ := specFor(kind)
	doc, ok := h.Inline[policyName]
	if !ok {
		return "", noInline(sp, policyName)
	}
	return doc, nil
}

// ListInlinePolicies lists the names of an entity's inline policies in
// order. PathPrefix does not apply.
func (s *Service) ListInlinePolicies(ctx context.Context, acct account.ID, kind EntityKind, entity string, o ListOptions) (Page[string], error) {
	h, err := s.getHolder(ctx, acct, kind, entity)
	if err != nil {
		return Page[string]{}, err
	}
	names := make([]string, 0, len(h.Inline))
	for n := range h.Inline {
		names = append(names, n)
	}
	sort.Strings(names)
	return pageOf(names, func(n string) string { return n }, func(string) bool { return true }, o)
}

// DeleteInlinePolicy deletes an inline policy.
func (s *Service) DeleteInlinePolicy(ctx context.Context, acct account.ID, kind EntityKind, entity, policyName string) error {
	sp, err := specOf(kind, entity)
	if err != nil {
		return err
	}
	return s.updateHolder(ctx, acct, kind, entity, func(h *holderPolicies) error {
		if _, ok := h.Inline[policyName]; !ok {
			return noInline(sp, policyName)
		}
		delete(h.Inline, policyName)
		return nil
	})
}

// AttachPolicy attaches a managed policy (customer managed in acct, or
// AWS managed) to a user, role or group. Attaching it again is a no-op.
func (s *Service) AttachPolicy(ctx context.Context, acct account.ID, kind EntityKind, entity, policyARN string) error {
	sp, err := specOf(kind, entity)
	if err != nil {
		return err
	}
	ref, ok := parsePolicyARN(policyARN)
	if !ok {
		return invalidARN()
	}
	if _, err := s.lookupManaged(ctx, acct, ref, policyARN); err != nil {
		if isNoSuchEntity(err) {
			return notAttachable(policyARN)
		}
		return err
	}
	return s.updateHolder(ctx, acct, kind, entity, func(h *holderPolicies) error {
		if slices.Contains(h.Attached, policyARN) {
			return nil
		}
		if len(h.Attached) >= maxAttached {
			return limitExceeded("Cannot exceed quota for %s: %d", sp.quota, maxAttached)
		}
		h.Attached = append(h.Attached, policyARN)
		return nil
	})
}

// DetachPolicy detaches a managed policy.
func (s *Service) DetachPolicy(ctx context.Context, acct account.ID, kind EntityKind, entity, policyARN string) error {
	if _, err := specOf(kind, entity); err != nil {
		return err
	}
	if _, ok := parsePolicyARN(policyARN); !ok {
		return invalidARN()
	}
	return s.updateHolder(ctx, acct, kind, entity, func(h *holderPolicies) error {
		i := slices.Index(h.Attached, policyARN)
		if i < 0 {
			return noSuchEntity("Policy %s was not attached.", policyARN)
		}
		h.Attached = slices.Delete(h.Attached, i, i+1)
		return nil
	})
}

// ListAttachedPolicies lists the managed policies attached to an entity,
// ordered by ARN; PathPrefix filters on the policies' paths.
func (s *Service) ListAttachedPolicies(ctx context.Context, acct account.ID, kind EntityKind, entity string, o ListOptions) (Page[AttachedPolicy], error) {
	h, err := s.getHolder(ctx, acct, kind, entity)
	if err != nil {
		return Page[AttachedPolicy]{}, err
	}
	arns := slices.Sorted(slices.Values(h.Attached))
	items := make([]AttachedPolicy, 0, len(arns))
	paths := map[string]string{}
	for _, a := range arns {
		ref, _ := parsePolicyARN(a)
		items = append(items, AttachedPolicy{PolicyName: ref.name, PolicyARN: a})
		paths[a] = ref.path
	}
	return pageOf(items, func(p AttachedPolicy) string { return p.PolicyARN },
		func(p AttachedPolicy) bool { return strings.HasPrefix(paths[p.PolicyARN], o.PathPrefix) }, o)
}
