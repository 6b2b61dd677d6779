package orgs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/gencache"
	"lambent/internal/iam"
	"lambent/internal/store"
)

// roleMaker creates the access role in a new account; *iam.Service
// implements it.
type roleMaker interface {
	CreateRole(ctx context.Context, acct account.ID, in iam.CreateRoleInput) (*iam.Role, error)
	AttachPolicy(ctx context.Context, acct account.ID, kind iam.EntityKind, entity, arn string) error
}

// accounts is the account registry; store.Accounts.
type accounts interface {
	CreateAccount(ctx context.Context, a *store.Account) error
	GetAccount(ctx context.Context, id account.ID) (*store.Account, error)
	ListAccounts(ctx context.Context) ([]*store.Account, error)
	UpdateAccount(ctx context.Context, id account.ID, mutate func(*store.Account) error) (*store.Account, error)
}

// DefaultAccessRole is the role CreateAccount makes when RoleName is not given.
const DefaultAccessRole = "OrganizationAccountAccessRole"

const administratorAccess = "arn:aws:iam::aws:policy/AdministratorAccess"

// record is the JSON document of an account in the registry.
type record struct {
	Name   string `json:"name"`
	Email  string `json:"email"`
	Status string `json:"status"` // ACTIVE
	// Management is the organization's management account ("" before an
	// organization exists; the management account names itself).
	Management string    `json:"management,omitempty"`
	OrgID      string    `json:"orgId,omitempty"`
	Joined     string    `json:"joinedMethod"` // CREATED or INVITED
	JoinedAt   time.Time `json:"joinedAt"`
	Request    *Status   `json:"request,omitempty"`
}

// Status is a CreateAccount request's status.
type Status struct {
	ID            string    `json:"id"`
	AccountName   string    `json:"accountName"`
	State         string    `json:"state"`
	AccountID     string    `json:"accountId,omitempty"`
	FailureReason string    `json:"failureReason,omitempty"`
	Requested     time.Time `json:"requested"`
	Completed     time.Time `json:"completed"`
}

// Account is a member of the organization.
type Account struct {
	ID, Name, Email, Status, JoinedMethod string
	JoinedAt                              time.Time
}

// Organization describes the organization.
type Organization struct {
	ID, ManagementAccount, ManagementEmail string
}

// Config wires the service.
type Config struct {
	Accounts accounts
	Roles    roleMaker
	Clock    clock.Clock
	// Management is the bootstrap account.
	Management account.ID
}

// Service manages the organization.
type Service struct {
	cfg Config
	// orgOf caches OrganizationOf; every write of the Service bumps gen,
	// which makes every entry stale.
	orgOf gencache.Cache[account.ID, string]
	gen   atomic.Uint64
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Accounts == nil || cfg.Roles == nil || cfg.Clock == nil || !cfg.Management.Valid() {
		return nil, errors.New("orgs: missing dependency")
	}
	return &Service{cfg: cfg}, nil
}

// Bootstrap registers the management account if it is not registered yet.
func (s *Service) Bootstrap(ctx context.Context) error {
	_, err := s.cfg.Accounts.GetAccount(ctx, s.cfg.Management)
	if err == nil || !errkind.Is(err, errkind.NotFound) {
		return err
	}
	doc, _ := json.Marshal(record{Name: "management", Status: "ACTIVE", Joined: "CREATED", JoinedAt: s.cfg.Clock.Now().UTC()})
	err = s.cfg.Accounts.CreateAccount(ctx, &store.Account{ID: s.cfg.Management, Doc: doc, CreatedAt: s.cfg.Clock.Now()})
	if errkind.Is(err, errkind.AlreadyExists) {
		return nil
	}
	return err
}

func (s *Service) management(ctx context.Context) (*record, error) {
	a, err := s.cfg.Accounts.GetAccount(ctx, s.cfg.Management)
	if err != nil {
		return nil, fmt.Errorf("read management account: %w", err)
	}
	var r record
	if err := json.Unmarshal(a.Doc, &r); err != nil {
		return nil, fmt.Errorf("decode management account: %w", err)
	}
	return &r, nil
}

var errNotInUse = errkind.WithDetail(errkind.InvalidArgument, "AWSOrganizationsNotInUseException",
	"Your account is not a member of an organization.")

// Organization returns the organization; AWSOrganizationsNotInUseException
// before CreateOrganization.
func (s *Service) Organization(ctx context.Context) (*Organization, error) {
	r, err := s.management(ctx)
	if err != nil {
		return nil, err
	}
	if r.OrgID == "" {
		return nil, errNotInUse
	}
	return &Organization{ID: r.OrgID, ManagementAccount: string(s.cfg.Management), ManagementEmail: r.Email}, nil
}

// CreateOrganization makes the organization with the management account.
func (s *Service) CreateOrganization(ctx context.Context) (*Organization, error) {
	if _, err := s.Organization(ctx); err == nil {
		return nil, errkind.WithDetail(errkind.Conflict, "AlreadyInOrganizationException",
			"The provided account is already a member of an organization.")
	}
	return s.ensureOrganization(ctx)
}

// ensureOrganization creates the organization on first use.
func (s *Service) ensureOrganization(ctx context.Context) (*Organization, error) {
	_, err := s.cfg.Accounts.UpdateAccount(ctx, s.cfg.Management, func(a *store.Account) error {
		var r record
		if err := json.Unmarshal(a.Doc, &r); err != nil {
			return err
		}
		if r.OrgID == "" {
			r.OrgID = "o-" + randomLower(10)
			r.Management = string(s.cfg.Management)
		}
		doc, err := json.Marshal(r)
		a.Doc = doc
		return err
	})
	s.gen.Add(1)
	if err != nil {
		return nil, fmt.Errorf("create organization: %w", err)
	}
	return s.Organization(ctx)
}

// CreateAccountInput is a CreateAccount request.
type CreateAccountInput struct {
	Email, AccountName, RoleName string
}

// CreateAccount makes a member account with its access role.
func (s *Service) CreateAccount(ctx context.Context, in CreateAccountInput) (*Status, error) {
	org, err := s.Organization(ctx)
	if err != nil {
		if !errkind.Is(err, errkind.InvalidArgument) {
			return nil, err
		}
		if org, err = s.ensureOrganization(ctx); err != nil {
			return nil, err
		}
	}
	if in.RoleName == "" {
		in.RoleName = DefaultAccessRole
	}
	now := s.cfg.Clock.Now().UTC()
	st := &Status{ID: "car-" + randomHex(16), AccountName: in.AccountName, State: "SUCCEEDED", Requested: now, Completed: now}
	id, err := s.newAccountID(ctx, org, in, st)
	if err != nil {
		return nil, err
	}
	st.AccountID = string(id)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` +
		string(s.cfg.Management) + `:root"},"Action":"sts:AssumeRole"}]}`
	if _, err := s.cfg.Roles.CreateRole(ctx, id, iam.CreateRoleInput{Name: in.RoleName, Path: "/", AssumeRolePolicyDocument: trust}); err != nil {
		return nil, fmt.Errorf("create access role: %w", err)
	}
	if err := s.cfg.Roles.AttachPolicy(ctx, id, iam.KindRole, in.RoleName, administratorAccess); err != nil {
		return nil, fmt.Errorf("attach access policy: %w", err)
	}
	return st, nil
}

// newAccountID registers a fresh random account ID.
func (s *Service) newAccountID(ctx context.Context, org *Organization, in CreateAccountInput, st *Status) (account.ID, error) {
	for range 8 {
		id := account.ID(randomDigits(12))
		st.AccountID = string(id)
		doc, _ := json.Marshal(record{Name: in.AccountName, Email: in.Email, Status: "ACTIVE", Management: org.ManagementAccount,
			OrgID: org.ID, Joined: "CREATED", JoinedAt: st.Completed, Request: st})
		err := s.cfg.Accounts.CreateAccount(ctx, &store.Account{ID: id, Doc: doc, CreatedAt: st.Completed})
		s.gen.Add(1)
		if err == nil {
			return id, nil
		}
		if !errkind.Is(err, errkind.AlreadyExists) {
			return "", fmt.Errorf("register account: %w", err)
		}
	}
	return "", errors.New("orgs: no free account ID")
}

// CreateAccountStatus finds a CreateAccount request by ID.
func (s *Service) CreateAccountStatus(ctx context.Context, id string) (*Status, error) {
	all, err := s.cfg.Accounts.ListAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	for _, a := range all {
		var r record
		if json.Unmarshal(a.Doc, &r) == nil && r.Request != nil && r.Request.ID == id {
			return r.Request, nil
		}
	}
	return nil, errkind.WithDetail(errkind.NotFound, "CreateAccountStatusNotFoundException",
		"We can't find an create account request with the CreateAccountRequestId that you specified.")
}

// Accounts lists the organization's accounts, the management account first.
func (s *Service) Accounts(ctx context.Context) ([]Account, error) {
	org, err := s.Organization(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.cfg.Accounts.ListAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	var out []Account
	for _, a := range all {
		var r record
		if json.Unmarshal(a.Doc, &r) != nil || r.OrgID != org.ID {
			continue
		}
		acc := Account{ID: string(a.ID), Name: r.Name, Email: r.Email, Status: r.Status, JoinedMethod: r.Joined, JoinedAt: r.JoinedAt}
		if a.ID == s.cfg.Management {
			out = append([]Account{acc}, out...)
			continue
		}
		out = append(out, acc)
	}
	return out, nil
}

// OrganizationOf returns the organization ID of an account ("" if none);
// it is aws:PrincipalOrgID.
func (s *Service) OrganizationOf(ctx context.Context, id account.ID) (string, error) {
	// The generation is read before the store, so a concurrent write makes
	// the entry stale.
	return s.orgOf.GetOr(id, s.gen.Load(), func() (string, error) { return s.organizationOf(ctx, id) })
}

func (s *Service) organizationOf(ctx context.Context, id account.ID) (string, error) {
	a, err := s.cfg.Accounts.GetAccount(ctx, id)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return "", nil
		}
		return "", err
	}
	var r record
	if err := json.Unmarshal(a.Doc, &r); err != nil {
		return "", err
	}
	return r.OrgID, nil
}

func randomDigits(n int) string {
	b := make([]byte, n)
	for i := range b {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b[i] = byte('0' + d.Int64())
	}
	if b[0] == '0' {
		b[0] = '1'
	}
	return string(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomLower(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		d, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[d.Int64()]
	}
	return string(b)
}
