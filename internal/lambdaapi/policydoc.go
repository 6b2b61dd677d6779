package lambdaapi

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"sync"
	"time"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// policyStore is the subset of store.IAM that keeps function policies
// (entities of kind store.KindFunctionPolicy).
type policyStore interface {
	GetIAMEntity(ctx context.Context, acct account.ID, kind, key string) (*store.IAMEntity, error)
	CreateIAMEntity(ctx context.Context, acct account.ID, e *store.IAMEntity) error
	UpdateIAMEntity(ctx context.Context, acct account.ID, kind, key string, mutate func(*store.IAMEntity) error) (*store.IAMEntity, error)
	DeleteIAMEntity(ctx context.Context, acct account.ID, kind, key string) error
}

// Function policy constants (§7.1).
const (
	policyVersion = "2012-10-17"
	policyID      = "default"
	// maxPolicySize is Lambda's 20 KB limit on a function policy.
	maxPolicySize = 20480
)

// policyDoc is a function's resource policy as stored and as GetPolicy
// returns it. The stored bytes are exactly the document, so the
// authoriser can hand them to policy.Parse as a policy.Resource.
type policyDoc struct {
	Version   string      `json:"Version"`
	ID        string      `json:"Id"`
	Statement []statement `json:"Statement"`
}

func decodePolicy(b []byte) (*policyDoc, error) {
	var d policyDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("decode function policy: %w", err)
	}
	return &d, nil
}

// index returns the position of the statement sid, or -1.
func (d *policyDoc) index(sid string) int {
	for i := range d.Statement {
		if d.Statement[i].Sid == sid {
			return i
		}
	}
	return -1
}

// encode renders d and checks that it is a policy Lambda would keep: at
// most 20 KB, and valid for the policy engine.
func (d *policyDoc) encode() ([]byte, error) {
	b, err := marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode function policy: %w", err)
	}
	if len(b) > maxPolicySize {
		return nil, errkind.WithDetail(errkind.InvalidArgument, "PolicyLengthExceededException",
			fmt.Sprintf("The final policy size (%d) is bigger than the limit (%d).", len(b), maxPolicySize))
	}
	if _, err := policy.Parse(b, policy.Resource); err != nil {
		return nil, err
	}
	return b, nil
}

// policyRevision is the RevisionId of a stored policy. Each policy has its
// own (iam.md §7.2 [dec]); it is derived from the document and the time of
// its last change, so every change gives a new one and nothing else needs
// storing.
func policyRevision(e *store.IAMEntity) string {
	h := sha256.New()
	_ = binary.Write(h, binary.BigEndian, e.UpdatedAt.UnixMilli())
	h.Write(e.Doc)
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50 // a name-based (version 5 style) UUID
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// errPreconditionPolicy is AddPermission's and RemovePermission's stale
// RevisionId (2025 wording).
func errPreconditionPolicy() error {
	return errkind.New(errkind.PreconditionFailed,
		"The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
}

// policyLocks serialises policy writes of one function version on this
// server, so that removing the last statement (which deletes the stored
// policy) cannot drop a statement added at the same moment.
type policyLocks struct {
	seed  maphash.Seed
	locks [64]sync.Mutex
}

func newPolicyLocks() *policyLocks { return &policyLocks{seed: maphash.MakeSeed()} }

func (l *policyLocks) lock(acct account.ID, key string) func() {
	m := &l.locks[maphash.String(l.seed, string(acct)+"\x00"+key)%uint64(len(l.locks))]
	m.Lock()
	return m.Unlock
}

// policyWrite is one change to a function version's policy.
type policyWrite struct {
	acct     account.ID
	key      string // store.FunctionPolicyKey
	revision string // the caller's RevisionId guard, "" for none
	now      time.Time
}

// addStatement appends s to the policy, creating the policy when there is
// none. Without a policy the RevisionId guard is checked against
// fnRevision, the function version's RevisionId.
func (a *API) addStatement(ctx context.Context, w policyWrite, s statement, fnRevision string) error {
	defer a.policyLocks.lock(w.acct, w.key)()
	for attempt := 0; ; attempt++ {
		err := a.appendStatement(ctx, w, s)
		if !errkind.Is(err, errkind.NotFound) {
			return err
		}
		if w.revision != "" && w.revision != fnRevision {
			return errPreconditionPolicy()
		}
		d := &policyDoc{Version: policyVersion, ID: policyID, Statement: []statement{s}}
		b, err := d.encode()
		if err != nil {
			return err
		}
		err = a.cfg.Policies.CreateIAMEntity(ctx, w.acct, &store.IAMEntity{Kind: store.KindFunctionPolicy, Key: w.key, Doc: b, UpdatedAt: w.now})
		if !errkind.Is(err, errkind.AlreadyExists) || attempt > 0 {
			return err
		}
		// Another server created the policy meanwhile: append to it.
	}
}

// appendStatement appends s to an existing policy. NotFound (from the
// store) when there is none.
func (a *API) appendStatement(ctx context.Context, w policyWrite, s statement) error {
	_, err := a.cfg.Policies.UpdateIAMEntity(ctx, w.acct, store.KindFunctionPolicy, w.key, func(e *store.IAMEntity) error {
		if w.revision != "" && w.revision != policyRevision(e) {
			return errPreconditionPolicy()
		}
		d, err := decodePolicy(e.Doc)
		if err != nil {
			return err
		}
		if d.index(s.Sid) >= 0 {
			return errkind.Newf(errkind.AlreadyExists, "The statement id (%s) provided already exists. "+
				"Please provide a new statement id, or remove the existing statement.", s.Sid)
		}
		d.Statement = append(d.Statement, s)
		if e.Doc, err = d.encode(); err != nil {
			return err
		}
		e.UpdatedAt = w.now
		return nil
	})
	return err
}

// errNoPolicy reports that the function version has no policy.
var errNoPolicy = errors.New("no function policy")

// errPolicyEmptied stops an update that would leave no statement: the
// policy is deleted instead.
var errPolicyEmptied = errors.New("policy has no statement left")

// removeStatement removes statement sid; the policy goes when its last
// statement does. errNoPolicy when there is no policy.
func (a *API) removeStatement(ctx context.Context, w policyWrite, sid string) error {
	defer a.policyLocks.lock(w.acct, w.key)()
	missing := false
	_, err := a.cfg.Policies.UpdateIAMEntity(ctx, w.acct, store.KindFunctionPolicy, w.key, func(e *store.IAMEntity) error {
		if w.revision != "" && w.revision != policyRevision(e) {
			return errPreconditionPolicy()
		}
		d, err := decodePolicy(e.Doc)
		if err != nil {
			return err
		}
		i := d.index(sid)
		if i < 0 {
			missing = true
			return errkind.Newf(errkind.NotFound, "Statement %s is not found in resource policy.", sid)
		}
		d.Statement = append(d.Statement[:i], d.Statement[i+1:]...)
		if len(d.Statement) == 0 {
			return errPolicyEmptied
		}
		if e.Doc, err = d.encode(); err != nil {
			return err
		}
		e.UpdatedAt = w.now
		return nil
	})
	switch {
	case errors.Is(err, errPolicyEmptied):
		return a.cfg.Policies.DeleteIAMEntity(ctx, w.acct, store.KindFunctionPolicy, w.key)
	case errkind.Is(err, errkind.NotFound) && !missing:
		return fmt.Errorf("%w: %w", errNoPolicy, err)
	}
	return err
}

// copyPolicy gives a newly published version a copy of $LATEST's policy,
// each statement's Resource rewritten to the version's ARN (§7.2). The
// copy gets its own RevisionId.
func (a *API) copyPolicy(ctx context.Context, t target, version string) error {
	e, err := a.cfg.Policies.GetIAMEntity(ctx, t.acct, store.KindFunctionPolicy, store.FunctionPolicyKey(t.name, ""))
	if errkind.Is(err, errkind.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	d, err := decodePolicy(e.Doc)
	if err != nil {
		return err
	}
	for i := range d.Statement {
		d.Statement[i].Resource = t.arn + ":" + version
	}
	b, err := d.encode()
	if err != nil {
		return err
	}
	return a.cfg.Policies.CreateIAMEntity(ctx, t.acct, &store.IAMEntity{Kind: store.KindFunctionPolicy,
		Key: store.FunctionPolicyKey(t.name, version), Doc: b, UpdatedAt: a.cfg.Clock.Now()})
}

// isVersionNumber reports whether q names a published version.
func isVersionNumber(q string) bool {
	_, err := strconv.ParseUint(q, 10, 64)
	return err == nil
}
