package iam

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/gencache"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// Service is the IAM domain service. It is safe for concurrent use.
//
// Its caches are keyed by generation (generation): every write made
// through the Service bumps gen, and every entity write made to the store
// by anyone moves the store's IAM generation, so a cached PolicySet or
// access key is never served after a write that could change it.
type Service struct {
	store  store.IAM
	clock  clock.Clock
	sealer *sealer

	managed *builtins // the AWS managed policies, compiled once

	gen      atomic.Uint64
	cache    gencache.Cache[cacheKey, *PolicySet]       // PrincipalPolicies
	compiled gencache.Cache[string, *policy.Policy]     // managed versions by "policyID/vN"; immutable, generation 0
	keys     gencache.Cache[string, *AccessKeyIdentity] // LookupAccessKey by key ID
	denyAll  *policy.Policy
}

// New returns a Service. SecretKey must be 32 bytes; a nil Clock is the
// wall clock. Region is accepted for the composition root's convenience
// and unused: IAM ARNs carry no region (iam.md §1).
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("new iam service: store required")
	}
	c := cfg.Clock
	if c == nil {
		c = clock.Real{}
	}
	sl, err := newSealer(cfg.SecretKey)
	if err != nil {
		return nil, fmt.Errorf("new iam service: %w", err)
	}
	b, err := loadBuiltins()
	if err != nil {
		return nil, fmt.Errorf("new iam service: %w", err)
	}
	deny, err := policy.Parse([]byte(denyAllDoc), policy.Identity)
	if err != nil {
		return nil, fmt.Errorf("new iam service: %w", err)
	}
	s := &Service{store: cfg.Store, clock: c, sealer: sl, managed: b, denyAll: deny}
	return s, nil
}

// wrote records a write: every cached PolicySet becomes stale.
func (s *Service) wrote() { s.gen.Add(1) }

// generation is read before a cached value is computed: the sum of two
// counters that only grow changes whenever either does.
func (s *Service) generation() uint64 { return s.gen.Load() + s.store.IAMGeneration() }

// key is the store key of a name: IAM names are unique case-insensitively.
func key(name string) string { return strings.ToLower(name) }

// getDoc reads and decodes one entity; a missing entity is notFound.
func getDoc[T any](ctx context.Context, s *Service, acct account.ID, kind, name string, notFound func() error) (*T, error) {
	e, err := s.store.GetIAMEntity(ctx, acct, kind, key(name))
	if errkind.Is(err, errkind.NotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", kind, err)
	}
	var d T
	if err := decode(e, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

// decode unmarshals an entity's document into d.
func decode(e *store.IAMEntity, d any) error {
	if err := json.Unmarshal(e.Doc, d); err != nil {
		return fmt.Errorf("decode %s %s: %w", e.Kind, e.Key, err)
	}
	return nil
}

// createDoc stores a new entity; a taken key is exists.
func (s *Service) createDoc(ctx context.Context, acct account.ID, kind, name string, doc any, exists func() error) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("encode %s: %w", kind, err)
	}
	defer s.wrote()
	err = s.store.CreateIAMEntity(ctx, acct, &store.IAMEntity{Kind: kind, Key: key(name), Doc: b, UpdatedAt: s.clock.Now()})
	if errkind.Is(err, errkind.AlreadyExists) {
		return exists()
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", kind, err)
	}
	return nil
}

// updateDoc applies mutate to a decoded entity in one store transaction.
func updateDoc[T any](ctx context.Context, s *Service, acct account.ID, kind, name string, notFound func() error, mutate func(*T) error) error {
	defer s.wrote()
	_, err := s.store.UpdateIAMEntity(ctx, acct, kind, key(name), func(e *store.IAMEntity) error {
		var d T
		if err := json.Unmarshal(e.Doc, &d); err != nil {
			return fmt.Errorf("decode %s %s: %w", kind, e.Key, err)
		}
		if err := mutate(&d); err != nil {
			return err
		}
		b, err := json.Marshal(&d)
		if err != nil {
			return fmt.Errorf("encode %s: %w", kind, err)
		}
		e.Doc, e.UpdatedAt = b, s.clock.Now()
		return nil
	})
	var ke *errkind.Error
	if errors.As(err, &ke) && ke.Kind == errkind.NotFound && ke.Detail == "" {
		return notFound() // the store's own NotFound: the entity is gone
	}
	if err != nil {
		return fmt.Errorf("update %s: %w", kind, err)
	}
	return nil
}

// deleteDoc removes an entity.
func (s *Service) deleteDoc(ctx context.Context, acct account.ID, kind, name string, notFound func() error) error {
	defer s.wrote()
	err := s.store.DeleteIAMEntity(ctx, acct, kind, key(name))
	if errkind.Is(err, errkind.NotFound) {
		return notFound()
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", kind, err)
	}
	return nil
}

// scanBatch is how many entities one store call returns while scanning.
const scanBatch = 500

// scan calls fn with every entity of a kind in key order after after
// until fn returns false.
func scan[T any](ctx context.Context, s *Service, acct account.ID, kind, after string, fn func(key string, d *T) bool) error {
	for {
		es, err := s.store.ListIAMEntities(ctx, acct, kind, after, scanBatch)
		if err != nil {
			return fmt.Errorf("list %s: %w", kind, err)
		}
		for _, e := range es {
			var d T
			if err := json.Unmarshal(e.Doc, &d); err != nil {
				return fmt.Errorf("decode %s %s: %w", kind, e.Key, err)
			}
			if !fn(e.Key, &d) {
				return nil
			}
			after = e.Key
		}
		if len(es) < scanBatch {
			return nil
		}
	}
}

// cacheKey names a principal in the PolicySet cache.
type cacheKey struct {
	acct account.ID
	kind EntityKind
	name string // lower-cased
}
