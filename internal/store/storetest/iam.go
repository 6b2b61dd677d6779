package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// iamT0 is the time the IAM tests write; milliseconds, as stored.
var iamT0 = time.UnixMilli(1700000000000)

func entity(kind, key, doc string) *store.IAMEntity {
	return &store.IAMEntity{Kind: kind, Key: key, Doc: []byte(doc), UpdatedAt: iamT0}
}

// testIAMEntities covers the generic entity table: create, get, update in
// a transaction (and its rollback), put, list pages, delete.
func testIAMEntities(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, k := range []string{"bob", "alice", "carol"} {
		if err := s.CreateIAMEntity(ctx, acctA, entity(store.KindUser, k, `{"n":"`+k+`"}`)); err != nil {
			t.Fatalf("CreateIAMEntity %s: %v", k, err)
		}
	}
	wantKind(t, "duplicate", s.CreateIAMEntity(ctx, acctA, entity(store.KindUser, "bob", `{}`)), errkind.AlreadyExists)
	// The same key under another kind is another entity.
	if err := s.CreateIAMEntity(ctx, acctA, entity(store.KindRole, "bob", `{"role":true}`)); err != nil {
		t.Fatalf("role bob: %v", err)
	}
	got, err := s.GetIAMEntity(ctx, acctA, store.KindUser, "bob")
	if err != nil || string(got.Doc) != `{"n":"bob"}` || !got.UpdatedAt.Equal(iamT0) {
		t.Fatalf("GetIAMEntity = %+v, %v", got, err)
	}
	_, err = s.GetIAMEntity(ctx, acctA, store.KindUser, "dave")
	wantKind(t, "missing", err, errkind.NotFound)

	page, err := s.ListIAMEntities(ctx, acctA, store.KindUser, "", 2)
	if err != nil || len(page) != 2 || page[0].Key != "alice" || page[1].Key != "bob" {
		t.Fatalf("first page = %v, %v", keys(page), err)
	}
	page, err = s.ListIAMEntities(ctx, acctA, store.KindUser, "bob", 2)
	if err != nil || len(page) != 1 || page[0].Key != "carol" {
		t.Fatalf("second page = %v, %v", keys(page), err)
	}

	t1 := iamT0.Add(time.Minute)
	up, err := s.UpdateIAMEntity(ctx, acctA, store.KindUser, "bob", func(e *store.IAMEntity) error {
		e.Doc, e.UpdatedAt = []byte(`{"n":"bob","v":2}`), t1
		return nil
	})
	if err != nil || string(up.Doc) != `{"n":"bob","v":2}` {
		t.Fatalf("UpdateIAMEntity = %+v, %v", up, err)
	}
	boom := errors.New("boom")
	_, err = s.UpdateIAMEntity(ctx, acctA, store.KindUser, "bob", func(e *store.IAMEntity) error {
		e.Doc = []byte(`{"lost":true}`)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("mutate error = %v, want boom", err)
	}
	if got, _ := s.GetIAMEntity(ctx, acctA, store.KindUser, "bob"); string(got.Doc) != `{"n":"bob","v":2}` || !got.UpdatedAt.Equal(t1) {
		t.Fatalf("after a failed mutate: %+v", got)
	}
	_, err = s.UpdateIAMEntity(ctx, acctA, store.KindUser, "dave", func(*store.IAMEntity) error { return nil })
	wantKind(t, "update missing", err, errkind.NotFound)

	if err := s.PutIAMEntity(ctx, acctA, entity(store.KindUser, "bob", `{"put":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutIAMEntity(ctx, acctA, entity(store.KindUser, "erin", `{"put":2}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetIAMEntity(ctx, acctA, store.KindUser, "bob"); string(got.Doc) != `{"put":1}` {
		t.Fatalf("after Put: %s", got.Doc)
	}
	if err := s.DeleteIAMEntity(ctx, acctA, store.KindUser, "bob"); err != nil {
		t.Fatal(err)
	}
	wantKind(t, "delete twice", s.DeleteIAMEntity(ctx, acctA, store.KindUser, "bob"), errkind.NotFound)
	if _, err := s.GetIAMEntity(ctx, acctA, store.KindRole, "bob"); err != nil {
		t.Fatalf("role bob went with user bob: %v", err)
	}
}

func keys(es []*store.IAMEntity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Key
	}
	return out
}

// testIAMGeneration: every write that may change an entity moves the
// generation on, reads do not.
func testIAMGeneration(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreate(t, s, acctA, newFunction("fn", "sha256:a", 1))
	mustPublish(t, s, acctA, "fn")
	steps := []struct {
		name string
		do   func() error
	}{
		{"create", func() error { return s.CreateIAMEntity(ctx, acctA, entity(store.KindUser, "u", `{}`)) }},
		{"put", func() error { return s.PutIAMEntity(ctx, acctA, entity(store.KindUser, "u", `{"v":1}`)) }},
		{"update", func() error {
			_, err := s.UpdateIAMEntity(ctx, acctA, store.KindUser, "u", func(*store.IAMEntity) error { return nil })
			return err
		}},
		{"delete", func() error { return s.DeleteIAMEntity(ctx, acctA, store.KindUser, "u") }},
		{"delete version", func() error { _, err := s.DeleteVersion(ctx, acctA, "fn", "1"); return err }},
		{"delete function", func() error { _, err := s.DeleteFunction(ctx, acctA, "fn"); return err }},
	}
	for _, st := range steps {
		before := s.IAMGeneration()
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if s.IAMGeneration() == before {
			t.Errorf("%s left the generation at %d", st.name, before)
		}
	}
	before := s.IAMGeneration()
	if _, err := s.GetIAMEntity(ctx, acctA, store.KindUser, "u"); !errkind.Is(err, errkind.NotFound) {
		t.Fatalf("get: %v", err)
	}
	if _, err := s.ListIAMEntities(ctx, acctA, store.KindUser, "", 10); err != nil {
		t.Fatal(err)
	}
	if s.IAMGeneration() != before {
		t.Error("a read moved the generation")
	}
}

// testFunctionPoliciesFollowVersions: a function's resource policies go
// with the versions they are attached to.
func testFunctionPoliciesFollowVersions(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreate(t, s, acctA, newFunction("fn", "sha256:a", 1))
	mustPublish(t, s, acctA, "fn")
	mustPublish(t, s, acctA, "fn")
	for _, q := range []string{"", "1", "2"} {
		if err := s.PutIAMEntity(ctx, acctA, entity(store.KindFunctionPolicy, store.FunctionPolicyKey("fn", q), `{}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutIAMEntity(ctx, acctA, entity(store.KindFunctionPolicy, store.FunctionPolicyKey("fn-other", ""), `{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteVersion(ctx, acctA, "fn", "1"); err != nil {
		t.Fatal(err)
	}
	_, err := s.GetIAMEntity(ctx, acctA, store.KindFunctionPolicy, "fn:1")
	wantKind(t, "policy of a deleted version", err, errkind.NotFound)
	for _, k := range []string{"fn:$LATEST", "fn:2", "fn-other:$LATEST"} {
		if _, err := s.GetIAMEntity(ctx, acctA, store.KindFunctionPolicy, k); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if _, err := s.DeleteFunction(ctx, acctA, "fn"); err != nil {
		t.Fatal(err)
	}
	left, err := s.ListIAMEntities(ctx, acctA, store.KindFunctionPolicy, "", 10)
	if err != nil || cmp.Diff([]string{"fn-other:$LATEST"}, keys(left)) != "" {
		t.Fatalf("policies after DeleteFunction = %v, %v", keys(left), err)
	}
}

// testAccessKeys covers access keys: global lookup by ID, per-user lists,
// status, deletion scoped to the owning account and user.
func testAccessKeys(t *testing.T, s store.Store) {
	ctx := t.Context()
	k1 := &store.AccessKey{ID: "AKIA1", Account: acctA, User: "bob", Secret: []byte("sealed-1"), Active: true, CreatedAt: iamT0}
	k2 := &store.AccessKey{ID: "AKIA2", Account: acctA, User: "bob", Secret: []byte("sealed-2"), Active: true, CreatedAt: iamT0.Add(time.Second)}
	for _, k := range []*store.AccessKey{k1, k2} {
		if err := s.CreateAccessKey(ctx, acctA, k); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, "duplicate ID", s.CreateAccessKey(ctx, acctB, &store.AccessKey{ID: "AKIA1", Account: acctB, User: "x", Secret: []byte("s"), CreatedAt: iamT0}), errkind.AlreadyExists)
	wantKind(t, "account mismatch", s.CreateAccessKey(ctx, acctA, &store.AccessKey{ID: "AKIA3", Account: acctB, User: "x", Secret: []byte("s"), CreatedAt: iamT0}), errkind.InvalidArgument)

	got, err := s.AccessKeyByID(ctx, "AKIA1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(k1, got); diff != "" {
		t.Fatalf("AccessKeyByID (-want +got):\n%s", diff)
	}
	_, err = s.AccessKeyByID(ctx, "AKIANOPE")
	wantKind(t, "unknown key", err, errkind.NotFound)
	list, err := s.ListAccessKeys(ctx, acctA, "bob")
	if err != nil || len(list) != 2 || list[0].ID != "AKIA1" || list[1].ID != "AKIA2" {
		t.Fatalf("ListAccessKeys = %v, %v", list, err)
	}
	if list, err := s.ListAccessKeys(ctx, acctB, "bob"); err != nil || len(list) != 0 {
		t.Fatalf("B ListAccessKeys = %v, %v", list, err)
	}
	if err := s.SetAccessKeyActive(ctx, acctA, "bob", "AKIA1", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.AccessKeyByID(ctx, "AKIA1"); got.Active {
		t.Fatal("key still active")
	}
	wantKind(t, "B SetAccessKeyActive", s.SetAccessKeyActive(ctx, acctB, "bob", "AKIA2", false), errkind.NotFound)
	wantKind(t, "other user's key", s.DeleteAccessKey(ctx, acctA, "alice", "AKIA2"), errkind.NotFound)
	wantKind(t, "B DeleteAccessKey", s.DeleteAccessKey(ctx, acctB, "bob", "AKIA2"), errkind.NotFound)
	if err := s.DeleteAccessKey(ctx, acctA, "bob", "AKIA2"); err != nil {
		t.Fatal(err)
	}
	_, err = s.AccessKeyByID(ctx, "AKIA2")
	wantKind(t, "deleted key", err, errkind.NotFound)
}

// testAccounts covers the account registry.
func testAccounts(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, id := range []account.ID{acctB, acctA} {
		if err := s.CreateAccount(ctx, &store.Account{ID: id, Doc: []byte(`{"n":"` + string(id) + `"}`), CreatedAt: iamT0}); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, "duplicate", s.CreateAccount(ctx, &store.Account{ID: acctA, Doc: []byte(`{}`), CreatedAt: iamT0}), errkind.AlreadyExists)
	wantKind(t, "invalid", s.CreateAccount(ctx, &store.Account{ID: "12", Doc: []byte(`{}`), CreatedAt: iamT0}), errkind.InvalidArgument)
	all, err := s.ListAccounts(ctx)
	if err != nil || len(all) != 2 || all[0].ID != acctA || all[1].ID != acctB {
		t.Fatalf("ListAccounts = %v, %v", all, err)
	}
	if _, err := s.UpdateAccount(ctx, acctA, func(a *store.Account) error { a.Doc = []byte(`{"v":2}`); return nil }); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetAccount(ctx, acctA)
	if err != nil || string(got.Doc) != `{"v":2}` || !got.CreatedAt.Equal(iamT0) {
		t.Fatalf("GetAccount = %+v, %v", got, err)
	}
	_, err = s.GetAccount(ctx, "333333333333")
	wantKind(t, "missing", err, errkind.NotFound)
}

// testAccountIsolationIAM writes entities under A and proves that B's
// calls neither see nor change them.
func testAccountIsolationIAM(t *testing.T, s store.Store) {
	ctx := t.Context()
	if err := s.CreateIAMEntity(ctx, acctA, entity(store.KindUser, "bob", `{"secret":1}`)); err != nil {
		t.Fatal(err)
	}
	_, err := s.GetIAMEntity(ctx, acctB, store.KindUser, "bob")
	wantKind(t, "B GetIAMEntity", err, errkind.NotFound)
	_, err = s.UpdateIAMEntity(ctx, acctB, store.KindUser, "bob", func(*store.IAMEntity) error {
		t.Error("mutate called across accounts")
		return nil
	})
	wantKind(t, "B UpdateIAMEntity", err, errkind.NotFound)
	wantKind(t, "B DeleteIAMEntity", s.DeleteIAMEntity(ctx, acctB, store.KindUser, "bob"), errkind.NotFound)
	if l, err := s.ListIAMEntities(ctx, acctB, store.KindUser, "", 10); err != nil || len(l) != 0 {
		t.Fatalf("B ListIAMEntities = %v, %v", keys(l), err)
	}
	if err := s.CreateIAMEntity(ctx, acctB, entity(store.KindUser, "bob", `{"mine":1}`)); err != nil {
		t.Fatalf("B's own bob: %v", err)
	}
	if got, err := s.GetIAMEntity(ctx, acctA, store.KindUser, "bob"); err != nil || string(got.Doc) != `{"secret":1}` {
		t.Fatalf("A's bob = %+v, %v", got, err)
	}
	for _, bad := range []account.ID{"", "1234", "*"} {
		wantKind(t, "CreateIAMEntity "+string(bad), s.CreateIAMEntity(ctx, bad, entity(store.KindUser, "x", `{}`)), errkind.InvalidArgument)
		_, err := s.GetIAMEntity(ctx, bad, store.KindUser, "bob")
		wantKind(t, "GetIAMEntity "+string(bad), err, errkind.InvalidArgument)
		_, err = s.ListIAMEntities(ctx, bad, store.KindUser, "", 10)
		wantKind(t, "ListIAMEntities "+string(bad), err, errkind.InvalidArgument)
		wantKind(t, "DeleteIAMEntity "+string(bad), s.DeleteIAMEntity(ctx, bad, store.KindUser, "bob"), errkind.InvalidArgument)
		_, err = s.ListAccessKeys(ctx, bad, "bob")
		wantKind(t, "ListAccessKeys "+string(bad), err, errkind.InvalidArgument)
	}
}
