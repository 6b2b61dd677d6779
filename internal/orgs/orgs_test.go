package orgs

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/iam"
	"lambent/internal/store/sqlite"
)

const mgmt = account.ID("000000000000")

func newService(t testing.TB) (*Service, *iam.Service) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clocktest.New(time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC))
	is, err := iam.New(iam.Config{Store: db, Clock: clk, SecretKey: []byte(strings.Repeat("k", 32))})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Accounts: db, Roles: is, Clock: clk, Management: mgmt})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Bootstrap(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Bootstrap(ctx); err != nil {
		t.Fatalf("second bootstrap: %v", err)
	}
	return s, is
}

func TestOrganizationLifecycle(t *testing.T) {
	ctx := context.Background()
	s, is := newService(t)
	if _, err := s.Organization(ctx); !errkind.Is(err, errkind.InvalidArgument) {
		t.Fatalf("before CreateOrganization: %v", err)
	}
	if org, err := s.OrganizationOf(ctx, mgmt); err != nil || org != "" {
		t.Fatalf("OrganizationOf before: %q %v", org, err)
	}
	// CreateAccount makes the organization on first use.
	st, err := s.CreateAccount(ctx, CreateAccountInput{Email: "b@example.com", AccountName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if st.State != "SUCCEEDED" || !account.ID(st.AccountID).Valid() || !strings.HasPrefix(st.ID, "car-") {
		t.Fatalf("status = %+v", st)
	}
	org, err := s.Organization(ctx)
	if err != nil || !strings.HasPrefix(org.ID, "o-") || org.ManagementAccount != string(mgmt) {
		t.Fatalf("organization = %+v %v", org, err)
	}
	if _, err := s.CreateOrganization(ctx); !errkind.Is(err, errkind.Conflict) {
		t.Fatalf("second CreateOrganization: %v", err)
	}
	for _, a := range []account.ID{mgmt, account.ID(st.AccountID)} {
		if got, err := s.OrganizationOf(ctx, a); err != nil || got != org.ID {
			t.Fatalf("OrganizationOf(%s) = %q %v; want %s (cache must follow writes)", a, got, err, org.ID)
		}
	}
	again, err := s.CreateAccountStatus(ctx, st.ID)
	if err != nil || again.AccountID != st.AccountID {
		t.Fatalf("status lookup: %+v %v", again, err)
	}
	if _, err := s.CreateAccountStatus(ctx, "car-nope"); !errkind.Is(err, errkind.NotFound) {
		t.Fatalf("unknown request: %v", err)
	}
	accts, err := s.Accounts(ctx)
	if err != nil || len(accts) != 2 || accts[0].ID != string(mgmt) || accts[1].Email != "b@example.com" {
		t.Fatalf("accounts = %+v %v", accts, err)
	}
	// The access role trusts the management account and is an administrator.
	role, err := is.GetRole(ctx, account.ID(st.AccountID), DefaultAccessRole)
	if err != nil || !strings.Contains(role.AssumeRolePolicyDocument, "arn:aws:iam::000000000000:root") {
		t.Fatalf("access role = %+v %v", role, err)
	}
	attached, err := is.ListAttachedPolicies(ctx, account.ID(st.AccountID), iam.KindRole, DefaultAccessRole, iam.ListOptions{})
	if err != nil || len(attached.Items) != 1 || attached.Items[0].PolicyARN != administratorAccess {
		t.Fatalf("attached = %+v %v", attached, err)
	}
}

func TestCustomAccessRoleName(t *testing.T) {
	ctx := context.Background()
	s, is := newService(t)
	st, err := s.CreateAccount(ctx, CreateAccountInput{Email: "c@example.com", AccountName: "c", RoleName: "Admin"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := is.GetRole(ctx, account.ID(st.AccountID), "Admin"); err != nil {
		t.Fatalf("custom role: %v", err)
	}
}
