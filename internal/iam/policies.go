package iam

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lambent/internal/account"
	"lambent/internal/awsid"
	"lambent/internal/errkind"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// Managed policy quotas (iam.md §3).
const (
	maxManagedSize = 6144
	maxVersions    = 5
)

// policyDoc is a customer managed policy as stored. Version IDs are never
// reused: Next numbers the next one.
type policyDoc struct {
	Name        string       `json:"name"`
	ID          string       `json:"id"`
	Path        string       `json:"path"`
	Description string       `json:"description,omitempty"`
	Created     time.Time    `json:"created"`
	Updated     time.Time    `json:"updated"`
	Default     string       `json:"default"`
	Next        int          `json:"next"`
	Versions    []versionDoc `json:"versions"`
	Tags        []Tag        `json:"tags,omitempty"`
}

type versionDoc struct {
	ID       string    `json:"id"`
	Document string    `json:"document"`
	Created  time.Time `json:"created"`
}

func (d *policyDoc) arn(acct account.ID) string {
	return entityARN(string(acct), "policy", d.Path, d.Name)
}

func (d *policyDoc) info(acct account.ID) *ManagedPolicy {
	return &ManagedPolicy{Name: d.Name, PolicyID: d.ID, ARN: d.arn(acct), Path: d.Path, Description: d.Description,
		DefaultVersionID: d.Default, IsAttachable: true, CreateDate: d.Created, UpdateDate: d.Updated,
		Tags: append([]Tag(nil), d.Tags...)}
}

func (d *policyDoc) version(id string) (*versionDoc, bool) {
	for i := range d.Versions {
		if d.Versions[i].ID == id {
			return &d.Versions[i], true
		}
	}
	return nil, false
}

func (d *policyDoc) policyVersion(v *versionDoc) *PolicyVersion {
	return &PolicyVersion{VersionID: v.ID, Document: v.Document, IsDefault: v.ID == d.Default, CreateDate: v.Created}
}

// managed is a resolved managed policy: exactly one field is set.
type managed struct {
	aws      *builtin
	customer *policyDoc
}

func (m managed) info(acct account.ID) *ManagedPolicy {
	if m.aws != nil {
		return m.aws.info()
	}
	return m.customer.info(acct)
}

// lookupManaged resolves a managed policy ARN visible in acct. A policy of
// another account or a path that does not match is not found.
func (s *Service) lookupManaged(ctx context.Context, acct account.ID, ref policyRef, policyARN string) (managed, error) {
	if ref.owner == awsOwner {
		if b, ok := s.managed.byARN[policyARN]; ok {
			return managed{aws: b}, nil
		}
		return managed{}, noPolicy(policyARN)()
	}
	if ref.owner != string(acct) || checkName("policyName", ref.name, maxPolicyName) != nil {
		return managed{}, noPolicy(policyARN)()
	}
	d, err := getDoc[policyDoc](ctx, s, acct, store.KindPolicy, ref.name, noPolicy(policyARN))
	if err != nil {
		return managed{}, err
	}
	if d.arn(acct) != policyARN {
		return managed{}, noPolicy(policyARN)()
	}
	return managed{customer: d}, nil
}

// resolve parses a policy ARN and resolves it.
func (s *Service) resolve(ctx context.Context, acct account.ID, policyARN string) (managed, error) {
	ref, ok := parsePolicyARN(policyARN)
	if !ok {
		return managed{}, invalidARN()
	}
	return s.lookupManaged(ctx, acct, ref, policyARN)
}

func isNoSuchEntity(err error) bool {
	e, ok := errkind.As(err)
	return ok && e.Detail == codeNoSuchEntity
}

// checkManagedDoc applies the managed policy quota and grammar.
func checkManagedDoc(doc string) error {
	if policySize(doc) > maxManagedSize {
		return limitExceeded("Cannot exceed quota for PolicySize: %d", maxManagedSize)
	}
	_, err := policy.Parse([]byte(doc), policy.Identity)
	return err
}

// CreatePolicy creates a customer managed policy at version v1.
func (s *Service) CreatePolicy(ctx context.Context, acct account.ID, in CreatePolicyInput) (*ManagedPolicy, error) {
	if err := checkName("policyName", in.Name, maxPolicyName); err != nil {
		return nil, err
	}
	path, err := checkPath(in.Path)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	if err := checkManagedDoc(in.Document); err != nil {
		return nil, err
	}
	now := s.now()
	d := &policyDoc{Name: in.Name, ID: awsid.UniqueID(awsid.Policy), Path: path, Description: in.Description,
		Created: now, Updated: now, Default: "v1", Next: 2, Tags: in.Tags,
		Versions: []versionDoc{{ID: "v1", Document: in.Document, Created: now}}}
	err = s.createDoc(ctx, acct, store.KindPolicy, in.Name, d, func() error {
		return alreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.Name)
	})
	if err != nil {
		return nil, err
	}
	return d.info(acct), nil
}

// GetPolicy returns a managed policy with its attachment count in acct.
func (s *Service) GetPolicy(ctx context.Context, acct account.ID, policyARN string) (*ManagedPolicy, error) {
	m, err := s.resolve(ctx, acct, policyARN)
	if err != nil {
		return nil, err
	}
	u, err := s.usage(ctx, acct)
	if err != nil {
		return nil, err
	}
	p := m.info(acct)
	p.AttachmentCount = u.attached[policyARN]
	return p, nil
}

// ListPolicies lists AWS managed policies, then the account's own, each in
// ARN order. AttachmentCount counts attachments in acct only, for AWS
// managed policies too.
func (s *Service) ListPolicies(ctx context.Context, acct account.ID, o ListPoliciesOptions) (Page[*ManagedPolicy], error) {
	scope := o.Scope
	if scope == "" {
		scope = "All"
	}
	if !slices.Contains([]string{"All", "AWS", "Local"}, scope) {
		return Page[*ManagedPolicy]{}, validationError(fmt.Sprintf(
			"1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]", scope))
	}
	var all []*ManagedPolicy
	if scope != "Local" {
		for _, b := range s.managed.list {
			all = append(all, b.info())
		}
	}
	if scope != "AWS" {
		err := scan(ctx, s, acct, store.KindPolicy, "", func(_ string, d *policyDoc) bool {
			all = append(all, d.info(acct))
			return true
		})
		if err != nil {
			return Page[*ManagedPolicy]{}, err
		}
	}
	u, err := s.usage(ctx, acct)
	if err != nil {
		return Page[*ManagedPolicy]{}, err
	}
	for _, p := range all {
		p.AttachmentCount = u.attached[p.ARN]
	}
	// AWS managed ARNs ("arn:aws:iam::aws:") sort after account ones
	// ("arn:aws:iam::0…9"), so the page key puts them first explicitly.
	keyOf := func(p *ManagedPolicy) string {
		if strings.HasPrefix(p.ARN, "arn:aws:iam::aws:") {
			return "0" + p.ARN
		}
		return "1" + p.ARN
	}
	slices.SortFunc(all, func(a, b *ManagedPolicy) int { return strings.Compare(keyOf(a), keyOf(b)) })
	return pageOf(all, keyOf, func(p *ManagedPolicy) bool {
		return strings.HasPrefix(p.Path, o.PathPrefix) && (!o.OnlyAttached || p.AttachmentCount > 0)
	}, o.ListOptions)
}

// customer resolves a customer managed policy for a write; AWS managed
// policies are UnmodifiableEntity.
func (s *Service) customer(ctx context.Context, acct account.ID, policyARN string) (*policyDoc, error) {
	m, err := s.resolve(ctx, acct, policyARN)
	if err != nil {
		return nil, err
	}
	if m.aws != nil {
		return nil, unmodifiable(policyARN)
	}
	return m.customer, nil
}

// DeletePolicy deletes a customer managed policy that is attached to
// nothing, used as no permissions boundary, and has only its default
// version left.
func (s *Service) DeletePolicy(ctx context.Context, acct account.ID, policyARN string) error {
	d, err := s.customer(ctx, acct, policyARN)
	if err != nil {
		return err
	}
	u, err := s.usage(ctx, acct)
	if err != nil {
		return err
	}
	if u.attached[policyARN] > 0 || u.boundary[policyARN] > 0 {
		return deleteConflict("Cannot delete a policy attached to entities.")
	}
	if len(d.Versions) > 1 {
		return deleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	return s.deleteDoc(ctx, acct, store.KindPolicy, d.Name, noPolicy(policyARN))
}

// updatePolicy applies mutate to a customer managed policy, checking
// inside the transaction that the ARN still names it.
func (s *Service) updatePolicy(ctx context.Context, acct account.ID, policyARN string, mutate func(*policyDoc) error) error {
	d, err := s.customer(ctx, acct, policyARN)
	if err != nil {
		return err
	}
	return updateDoc(ctx, s, acct, store.KindPolicy, d.Name, noPolicy(policyARN), func(d *policyDoc) error {
		if d.arn(acct) != policyARN {
			return noPolicy(policyARN)()
		}
		return mutate(d)
	})
}

func noVersion(policyARN, id string) error {
	return noSuchEntity("Policy %s version %s does not exist or is not attachable.", policyARN, id)
}

// CreatePolicyVersion adds a version to a customer managed policy.
func (s *Service) CreatePolicyVersion(ctx context.Context, acct account.ID, policyARN, doc string, setAsDefault bool) (*PolicyVersion, error) {
	if err := checkManagedDoc(doc); err != nil {
		return nil, err
	}
	var out *PolicyVersion
	err := s.updatePolicy(ctx, acct, policyARN, func(d *policyDoc) error {
		if len(d.Versions) >= maxVersions {
			return limitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxVersions)
		}
		now := s.now()
		v := versionDoc{ID: fmt.Sprintf("v%d", d.Next), Document: doc, Created: now}
		d.Next++
		d.Versions = append(d.Versions, v)
		if setAsDefault {
			d.Default, d.Updated = v.ID, now
		}
		out = d.policyVersion(&v)
		return nil
	})
	return out, err
}

// GetPolicyVersion returns one version of a managed policy.
func (s *Service) GetPolicyVersion(ctx context.Context, acct account.ID, policyARN, versionID string) (*PolicyVersion, error) {
	m, err := s.resolve(ctx, acct, policyARN)
	if err != nil {
		return nil, err
	}
	if m.aws != nil {
		if versionID != m.aws.Version {
			return nil, noVersion(policyARN, versionID)
		}
		return m.aws.version(), nil
	}
	v, ok := m.customer.version(versionID)
	if !ok {
		return nil, noVersion(policyARN, versionID)
	}
	return m.customer.policyVersion(v), nil
}

// ListPolicyVersions lists a managed policy's versions, newest first.
func (s *Service) ListPolicyVersions(ctx context.Context, acct account.ID, policyARN string) ([]*PolicyVersion, error) {
	m, err := s.resolve(ctx, acct, policyARN)
	if err != nil {
		return nil, err
	}
	if m.aws != nil {
		return []*PolicyVersion{m.aws.version()}, nil
	}
	out := make([]*PolicyVersion, 0, len(m.customer.Versions))
	for i := len(m.customer.Versions) - 1; i >= 0; i-- {
		out = append(out, m.customer.policyVersion(&m.customer.Versions[i]))
	}
	return out, nil
}

// DeletePolicyVersion deletes a non-default version.
func (s *Service) DeletePolicyVersion(ctx context.Context, acct account.ID, policyARN, versionID string) error {
	return s.updatePolicy(ctx, acct, policyARN, func(d *policyDoc) error {
		i := slices.IndexFunc(d.Versions, func(v versionDoc) bool { return v.ID == versionID })
		if i < 0 {
			return noVersion(policyARN, versionID)
		}
		if versionID == d.Default {
			return deleteConflict("Cannot delete the default version of a policy.")
		}
		d.Versions = slices.Delete(d.Versions, i, i+1)
		return nil
	})
}

// SetDefaultPolicyVersion makes a version the one in force.
func (s *Service) SetDefaultPolicyVersion(ctx context.Context, acct account.ID, policyARN, versionID string) error {
	return s.updatePolicy(ctx, acct, policyARN, func(d *policyDoc) error {
		if _, ok := d.version(versionID); !ok {
			return noVersion(policyARN, versionID)
		}
		d.Default, d.Updated = versionID, s.now()
		return nil
	})
}

// ManagedPolicyDocument returns the compiled default version of a managed
// policy.
func (s *Service) ManagedPolicyDocument(ctx context.Context, acct account.ID, policyARN string) (*policy.Policy, error) {
	m, err := s.resolve(ctx, acct, policyARN)
	if err != nil {
		return nil, err
	}
	return s.compiledDefault(m)
}

// compiledDefault compiles a managed policy's default version, once per
// (policy ID, version): versions are immutable and IDs never reused.
func (s *Service) compiledDefault(m managed) (*policy.Policy, error) {
	if m.aws != nil {
		return m.aws.compiled, nil
	}
	d := m.customer
	v, ok := d.version(d.Default)
	if !ok {
		return nil, fmt.Errorf("policy %s: default version %s missing", d.Name, d.Default)
	}
	return s.compiled.GetOr(d.ID+"/"+v.ID, 0, func() (*policy.Policy, error) {
		return policy.Parse([]byte(v.Document), policy.Identity)
	})
}

// usage counts, per policy ARN, the entities of acct it is attached to and
// those it bounds. It scans users, roles and groups.
type usage struct{ attached, boundary map[string]int }

func (s *Service) usage(ctx context.Context, acct account.ID) (usage, error) {
	u := usage{attached: map[string]int{}, boundary: map[string]int{}}
	count := func(h *holderPolicies, boundary string) bool {
		for _, a := range h.Attached {
			u.attached[a]++
		}
		if boundary != "" {
			u.boundary[boundary]++
		}
		return true
	}
	if err := scan(ctx, s, acct, store.KindUser, "", func(_ string, d *userDoc) bool { return count(&d.holderPolicies, d.Boundary) }); err != nil {
		return u, err
	}
	if err := scan(ctx, s, acct, store.KindRole, "", func(_ string, d *roleDoc) bool { return count(&d.holderPolicies, d.Boundary) }); err != nil {
		return u, err
	}
	err := scan(ctx, s, acct, store.KindGroup, "", func(_ string, d *groupDoc) bool { return count(&d.holderPolicies, "") })
	return u, err
}

// checkBoundary checks that a permissions boundary names a managed policy.
func (s *Service) checkBoundary(ctx context.Context, acct account.ID, boundary string) error {
	if boundary == "" {
		return nil
	}
	_, err := s.resolve(ctx, acct, boundary)
	if isNoSuchEntity(err) {
		return noSuchEntity("Scope ARN: %s does not exist or is not attachable.", boundary)
	}
	return err
}

// PolicyEntities are the users, roles and groups a managed policy is
// attached to.
type PolicyEntities struct {
	Users, Roles, Groups []PolicyEntity
}

// PolicyEntity names one holder of an attached policy.
type PolicyEntity struct{ Name, ID string }

// ListEntitiesForPolicy lists the holders in acct of a managed policy,
// each kind in name order. NoSuchEntity if the policy does not exist.
func (s *Service) ListEntitiesForPolicy(ctx context.Context, acct account.ID, policyARN string) (*PolicyEntities, error) {
	if _, err := s.resolve(ctx, acct, policyARN); err != nil {
		return nil, err
	}
	out := &PolicyEntities{}
	holds := func(h *holderPolicies) bool { return slices.Contains(h.Attached, policyARN) }
	err := scan(ctx, s, acct, store.KindUser, "", func(_ string, d *userDoc) bool {
		if holds(&d.holderPolicies) {
			out.Users = append(out.Users, PolicyEntity{d.Name, d.ID})
		}
		return true
	})
	if err == nil {
		err = scan(ctx, s, acct, store.KindRole, "", func(_ string, d *roleDoc) bool {
			if holds(&d.holderPolicies) {
				out.Roles = append(out.Roles, PolicyEntity{d.Name, d.ID})
			}
			return true
		})
	}
	if err == nil {
		err = scan(ctx, s, acct, store.KindGroup, "", func(_ string, d *groupDoc) bool {
			if holds(&d.holderPolicies) {
				out.Groups = append(out.Groups, PolicyEntity{d.Name, d.ID})
			}
			return true
		})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}
