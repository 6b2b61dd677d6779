package iam

import (
	"fmt"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

func TestCreateUser(t *testing.T) {
	f := newFixture(t)
	u, err := f.CreateUser(ctx(t), acct, "Alice", "/eng/", []Tag{{"team", "a"}}, "")
	must(t, err)
	if u.ARN != "arn:aws:iam::123456789012:user/eng/Alice" || !strings.HasPrefix(u.UserID, "AIDA") || len(u.UserID) != 21 {
		t.Errorf("user = %+v", u)
	}
	got, err := f.GetUser(ctx(t), acct, "alice")
	must(t, err)
	if got.Name != "Alice" || got.UserID != u.UserID || got.Path != "/eng/" || len(got.Tags) != 1 || !got.CreateDate.Equal(u.CreateDate) {
		t.Errorf("GetUser = %+v, want %+v", got, u)
	}

	tests := []struct {
		name, user, path string
		tags             []Tag
		boundary         string
		code, msg        string
	}{
		{"duplicate any case", "ALICE", "", nil, "", codeAlreadyExists, "User with name ALICE already exists."},
		{"bad name", "a b", "", nil, "", codeValidation,
			`1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"long name", strings.Repeat("a", 65), "", nil, "", codeValidation,
			"1 validation error detected: Value '" + strings.Repeat("a", 65) + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"empty name", "", "", nil, "", codeValidation, ""},
		{"bad path", "bob", "eng", nil, "", codeValidation,
			"The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters."},
		{"duplicate tag keys", "bob", "", []Tag{{"Team", "a"}, {"team", "b"}}, "", codeInvalidInput,
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"long tag key", "bob", "", []Tag{{strings.Repeat("k", 129), ""}}, "", codeValidation, ""},
		{"too many tags", "bob", "", manyTags(51), "", codeValidation, ""},
		{"missing boundary", "bob", "", nil, "arn:aws:iam::123456789012:policy/nope", codeNoSuchEntity,
			"Scope ARN: arn:aws:iam::123456789012:policy/nope does not exist or is not attachable."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.CreateUser(ctx(t), acct, tt.user, tt.path, tt.tags, tt.boundary)
			wantErr(t, err, tt.code, tt.msg)
		})
	}
	_, err = f.GetUser(ctx(t), acct, "nobody")
	wantErr(t, err, codeNoSuchEntity, "The user with name nobody cannot be found.")
	if !errkind.Is(err, errkind.NotFound) {
		t.Errorf("kind = %v", errkind.KindOf(err))
	}
}

func manyTags(n int) []Tag {
	out := make([]Tag, n)
	for i := range out {
		out[i] = Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}
	}
	return out
}

func TestListUsersPagination(t *testing.T) {
	f := newFixture(t)
	for i := range 5 {
		path := "/a/"
		if i%2 == 1 {
			path = "/b/"
		}
		_, err := f.CreateUser(ctx(t), acct, fmt.Sprintf("U%d", i), path, nil, "")
		must(t, err)
	}
	var names []string
	o := ListOptions{MaxItems: 2}
	for {
		p, err := f.ListUsers(ctx(t), acct, o)
		must(t, err)
		for _, u := range p.Items {
			names = append(names, u.Name)
		}
		if !p.IsTruncated {
			break
		}
		o.Marker = p.Marker
	}
	if got := strings.Join(names, ","); got != "U0,U1,U2,U3,U4" {
		t.Errorf("pages = %s", got)
	}
	p, err := f.ListUsers(ctx(t), acct, ListOptions{PathPrefix: "/b"})
	must(t, err)
	if len(p.Items) != 2 || p.IsTruncated {
		t.Errorf("prefix /b = %d items, truncated %v", len(p.Items), p.IsTruncated)
	}
	for _, n := range []int{-1, 1001} {
		_, err = f.ListUsers(ctx(t), acct, ListOptions{MaxItems: n})
		wantErr(t, err, codeValidation, "")
	}
	_, err = f.ListUsers(ctx(t), acct, ListOptions{Marker: "!!"})
	wantErr(t, err, codeInvalidInput, "")
}

func TestTagUser(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateUser(ctx(t), acct, "u", "", []Tag{{"Team", "a"}, {"env", "dev"}}, "")
	must(t, err)
	must(t, f.TagUser(ctx(t), acct, "U", []Tag{{"team", "b"}, {"x", "y"}}))
	must(t, f.UntagUser(ctx(t), acct, "u", []string{"ENV", "absent"}))
	u, err := f.GetUser(ctx(t), acct, "u")
	must(t, err)
	if fmt.Sprint(u.Tags) != "[{team b} {x y}]" {
		t.Errorf("tags = %v", u.Tags)
	}
	wantErr(t, f.TagUser(ctx(t), acct, "u", manyTags(49)), codeLimitExceeded, "Cannot exceed quota for TagsPerUser: 50")
	wantErr(t, f.TagUser(ctx(t), acct, "nobody", []Tag{{"a", "b"}}), codeNoSuchEntity, "The user with name nobody cannot be found.")
	wantErr(t, f.UntagUser(ctx(t), acct, "nobody", []string{"a"}), codeNoSuchEntity, "")
}

func TestDeleteUserConflicts(t *testing.T) {
	f := newFixture(t)
	_, err := f.CreateUser(ctx(t), acct, "u", "", nil, "")
	must(t, err)
	_, err = f.CreateGroup(ctx(t), acct, "g", "")
	must(t, err)
	k, err := f.CreateAccessKey(ctx(t), acct, "u")
	must(t, err)
	steps := []struct {
		msg  string
		undo func() error
	}{
		{"Cannot delete entity, must delete access keys first.", func() error { return f.DeleteAccessKey(ctx(t), acct, "u", k.AccessKeyID) }},
		{"Cannot delete entity, must remove user from all groups first.", func() error { return f.RemoveUserFromGroup(ctx(t), acct, "g", "u") }},
		{"Cannot delete entity, must detach all policies first.", func() error {
			return f.DetachPolicy(ctx(t), acct, KindUser, "u", "arn:aws:iam::aws:policy/ReadOnlyAccess")
		}},
		{"Cannot delete entity, must delete policies first.", func() error { return f.DeleteInlinePolicy(ctx(t), acct, KindUser, "u", "p") }},
	}
	must(t, f.AddUserToGroup(ctx(t), acct, "g", "u"))
	must(t, f.AttachPolicy(ctx(t), acct, KindUser, "u", "arn:aws:iam::aws:policy/ReadOnlyAccess"))
	must(t, f.PutInlinePolicy(ctx(t), acct, KindUser, "u", "p", allowInvoke))
	for _, st := range steps {
		wantErr(t, f.DeleteUser(ctx(t), acct, "u"), codeDeleteConflict, st.msg)
		must(t, st.undo())
	}
	must(t, f.DeleteUser(ctx(t), acct, "U"))
	wantErr(t, f.DeleteUser(ctx(t), acct, "u"), codeNoSuchEntity, "The user with name u cannot be found.")
}
