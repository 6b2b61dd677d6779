package iam

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"lambent/internal/errkind"
)

func TestAccessKeys(t *testing.T) {
	f := newFixture(t)
	u, err := f.CreateUser(ctx(t), acct, "Alice", "/p/", nil, "")
	must(t, err)
	k1, err := f.CreateAccessKey(ctx(t), acct, "alice")
	must(t, err)
	if !regexp.MustCompile(`^AKIA[A-Z2-7]{16}$`).MatchString(k1.AccessKeyID) ||
		!regexp.MustCompile(`^[A-Za-z0-9+/]{40}$`).MatchString(k1.SecretAccessKey) ||
		k1.Status != "Active" || k1.UserName != "Alice" {
		t.Errorf("key = %+v", k1)
	}
	f.clock.Advance(time.Second) // keys list oldest first
	k2, err := f.CreateAccessKey(ctx(t), acct, "Alice")
	must(t, err)
	_, err = f.CreateAccessKey(ctx(t), acct, "Alice")
	wantErr(t, err, codeLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2")
	_, err = f.CreateAccessKey(ctx(t), acct, "bob")
	wantErr(t, err, codeNoSuchEntity, "The user with name bob cannot be found.")

	id, err := f.LookupAccessKey(ctx(t), k1.AccessKeyID)
	must(t, err)
	want := AccessKeyIdentity{Account: acct, UserName: "Alice", UserID: u.UserID, UserARN: u.ARN, Secret: k1.SecretAccessKey, Active: true}
	if *id != want {
		t.Errorf("LookupAccessKey = %+v, want %+v", id, want)
	}

	must(t, f.UpdateAccessKey(ctx(t), acct, "Alice", k1.AccessKeyID, "Inactive"))
	wantErr(t, f.UpdateAccessKey(ctx(t), acct, "Alice", k1.AccessKeyID, "Off"), codeValidation,
		"1 validation error detected: Value 'Off' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
	wantErr(t, f.UpdateAccessKey(ctx(t), acct, "Alice", "AKIANOPE", "Active"), codeNoSuchEntity,
		"The Access Key with id AKIANOPE cannot be found.")
	keys, err := f.ListAccessKeys(ctx(t), acct, "alice")
	must(t, err)
	if len(keys) != 2 || keys[0].Status != "Inactive" || keys[1].Status != "Active" || keys[0].SecretAccessKey != "" {
		t.Errorf("ListAccessKeys = %+v", keys)
	}
	id, err = f.LookupAccessKey(ctx(t), k1.AccessKeyID)
	must(t, err)
	if id.Active {
		t.Error("inactive key looked up as active")
	}

	must(t, f.DeleteAccessKey(ctx(t), acct, "alice", k2.AccessKeyID))
	wantErr(t, f.DeleteAccessKey(ctx(t), acct, "alice", k2.AccessKeyID), codeNoSuchEntity, "")
	_, err = f.LookupAccessKey(ctx(t), k2.AccessKeyID)
	if !errkind.Is(err, errkind.NotFound) {
		t.Errorf("lookup deleted key: %v", err)
	}
}

// TestSecretSealed checks that no secret reaches the database in clear.
func TestSecretSealed(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	k, err := f.CreateAccessKey(ctx(t), acct, "u")
	must(t, err)
	files, err := filepath.Glob(filepath.Join(f.dir, "*"))
	must(t, err)
	found := false
	for _, p := range files {
		b, err := os.ReadFile(p)
		must(t, err)
		if bytes.Contains(b, []byte(k.SecretAccessKey)) {
			t.Errorf("%s holds the secret in clear", filepath.Base(p))
		}
		found = found || bytes.Contains(b, []byte(k.AccessKeyID))
	}
	if !found {
		t.Error("key ID not found in any database file: the check looked in the wrong place")
	}
}

// TestOrphanKeyDoesNotAuthenticateNewUser: the sealed secret is bound to
// the user's ID, so a key left by a deleted user never resolves to a
// later user of the same name.
func TestOrphanKeyDoesNotAuthenticateNewUser(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	k, err := f.CreateAccessKey(ctx(t), acct, "u")
	must(t, err)
	// Simulate a race that left the key behind: delete the user directly.
	must(t, f.store.DeleteIAMEntity(ctx(t), acct, "user", "u"))
	_, err = f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	_, err = f.LookupAccessKey(ctx(t), k.AccessKeyID)
	if !errkind.Is(err, errkind.NotFound) {
		t.Errorf("orphan key lookup: %v, want NotFound", err)
	}
}
