package iamapi

import (
	"testing"

	"lambent/internal/authz"
)

func TestUsersAndAccessKeys(t *testing.T) {
	f := newFixture(t, nil)
	u := f.ok(t, "Action", "CreateUser", "UserName", "alice", "Path", "/eng/",
		"Tags.member.1.Key", "team", "Tags.member.1.Value", "a")
	if get(u, "User", "Arn") != "arn:aws:iam::"+acct+":user/eng/alice" || get(u, "User", "Tags", 0, "Key") != "team" {
		t.Fatalf("CreateUser = %v", u)
	}
	id, _ := get(u, "User", "UserId").(string)

	k := f.ok(t, "Action", "CreateAccessKey", "UserName", "alice")
	keyID, _ := get(k, "AccessKey", "AccessKeyId").(string)
	if secret, _ := get(k, "AccessKey", "SecretAccessKey").(string); len(secret) != 40 || get(k, "AccessKey", "Status") != "Active" {
		t.Errorf("CreateAccessKey = %v", k)
	}
	l := f.ok(t, "Action", "ListAccessKeys", "UserName", "alice")
	if get(l, "AccessKeyMetadata", 0, "AccessKeyId") != keyID || get(l, "AccessKeyMetadata", 0, "SecretAccessKey") != nil {
		t.Errorf("ListAccessKeys = %v", l)
	}

	// An IAM user's own calls may leave UserName out.
	alice := &authz.Principal{Account: acct, ARN: "arn:aws:iam::" + acct + ":user/eng/alice", UserID: id,
		Type: authz.TypeUser, Name: "alice"}
	w := f.do(t, alice, "Action", "UpdateAccessKey", "AccessKeyId", keyID, "Status", "Inactive")
	if w.Code != 200 {
		t.Fatalf("UpdateAccessKey as alice: %d %s", w.Code, w.Body)
	}
	if got := f.az.last(); got.Resource != "arn:aws:iam::"+acct+":user/eng/alice" || got.Action != "iam:UpdateAccessKey" {
		t.Errorf("authorised %+v", got)
	}
	self := tree(t, f.do(t, alice, "Action", "GetUser").Body.Bytes())
	if get(self, "GetUserResponse", "GetUserResult", "User", "UserName") != "alice" {
		t.Errorf("GetUser as alice = %v", self)
	}
	if get(f.ok(t, "Action", "ListAccessKeys", "UserName", "alice"), "AccessKeyMetadata", 0, "Status") != "Inactive" {
		t.Error("key still active")
	}

	if st, code, _ := f.fail(t, root, "Action", "DeleteUser", "UserName", "alice"); st != 409 || code != "DeleteConflict" {
		t.Errorf("DeleteUser with a key: %d %s", st, code)
	}
	f.ok(t, "Action", "DeleteAccessKey", "UserName", "alice", "AccessKeyId", keyID)

	f.ok(t, "Action", "TagUser", "UserName", "alice", "Tags.member.1.Key", "x", "Tags.member.1.Value", "y")
	f.ok(t, "Action", "UntagUser", "UserName", "alice", "TagKeys.member.1", "team")
	tags := f.ok(t, "Action", "ListUserTags", "UserName", "alice")
	if get(tags, "Tags", 0, "Key") != "x" || get(tags, "Tags", 1) != nil {
		t.Errorf("ListUserTags = %v", tags)
	}
	list := f.ok(t, "Action", "ListUsers", "PathPrefix", "/eng/")
	if get(list, "Users", 0, "UserName") != "alice" || get(list, "Users", 0, "Tags") != nil || get(list, "IsTruncated") != "false" {
		t.Errorf("ListUsers = %v", list)
	}
	f.ok(t, "Action", "DeleteUser", "UserName", "alice")
	if empty := f.ok(t, "Action", "ListUsers"); get(empty, "Users") != "" {
		t.Errorf("ListUsers after delete = %v", empty)
	}
}

func TestGetUserWithoutName(t *testing.T) {
	f := newFixture(t, nil)
	r := f.ok(t, "Action", "GetUser")
	if get(r, "User", "UserId") != acct || get(r, "User", "Arn") != "arn:aws:iam::"+acct+":root" {
		t.Errorf("root GetUser = %v", r)
	}
	session := &authz.Principal{Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/r/s", UserID: "AROAEXAMPLE:s",
		Type: authz.TypeAssumedRole, Name: "r"}
	st, code, msg := f.fail(t, session, "Action", "GetUser")
	if st != 400 || code != "ValidationError" || msg != "Must specify userName when calling with non-User credentials" {
		t.Errorf("session GetUser: %d %s %q", st, code, msg)
	}
}

func TestPagination(t *testing.T) {
	f := newFixture(t, nil)
	for _, n := range []string{"u1", "u2", "u3"} {
		f.ok(t, "Action", "CreateUser", "UserName", n)
	}
	p1 := f.ok(t, "Action", "ListUsers", "MaxItems", "2")
	m, _ := get(p1, "Marker").(string)
	if get(p1, "IsTruncated") != "true" || m == "" || get(p1, "Users", 1, "UserName") != "u2" {
		t.Fatalf("page 1 = %v", p1)
	}
	p2 := f.ok(t, "Action", "ListUsers", "MaxItems", "2", "Marker", m)
	if get(p2, "IsTruncated") != "false" || get(p2, "Marker") != nil || get(p2, "Users", 0, "UserName") != "u3" {
		t.Errorf("page 2 = %v", p2)
	}
}

func TestGroups(t *testing.T) {
	f := newFixture(t, nil)
	g := f.ok(t, "Action", "CreateGroup", "GroupName", "devs", "Path", "/t/")
	if get(g, "Group", "Arn") != "arn:aws:iam::"+acct+":group/t/devs" {
		t.Fatalf("CreateGroup = %v", g)
	}
	f.ok(t, "Action", "CreateUser", "UserName", "bob")
	f.ok(t, "Action", "AddUserToGroup", "GroupName", "devs", "UserName", "bob")
	if got := f.az.last(); got.Resource != "arn:aws:iam::"+acct+":group/t/devs" {
		t.Errorf("AddUserToGroup authorised on %s", got.Resource)
	}
	gg := f.ok(t, "Action", "GetGroup", "GroupName", "devs")
	if get(gg, "Users", 0, "UserName") != "bob" || get(gg, "Group", "GroupName") != "devs" {
		t.Errorf("GetGroup = %v", gg)
	}
	if get(f.ok(t, "Action", "ListGroupsForUser", "UserName", "bob"), "Groups", 0, "GroupName") != "devs" {
		t.Error("ListGroupsForUser")
	}
	if get(f.ok(t, "Action", "ListGroups"), "Groups", 0, "Path") != "/t/" {
		t.Error("ListGroups")
	}
	f.ok(t, "Action", "PutGroupPolicy", "GroupName", "devs", "PolicyName", "gp", "PolicyDocument", allowS3)
	gp := f.ok(t, "Action", "GetGroupPolicy", "GroupName", "devs", "PolicyName", "gp")
	if get(gp, "GroupName") != "devs" || get(gp, "PolicyName") != "gp" {
		t.Errorf("GetGroupPolicy = %v", gp)
	}
	f.ok(t, "Action", "DeleteGroupPolicy", "GroupName", "devs", "PolicyName", "gp")
	f.ok(t, "Action", "RemoveUserFromGroup", "GroupName", "devs", "UserName", "bob")
	f.ok(t, "Action", "DeleteGroup", "GroupName", "devs")
	if st, code, _ := f.fail(t, root, "Action", "GetGroup", "GroupName", "devs"); st != 404 || code != "NoSuchEntity" {
		t.Errorf("GetGroup after delete: %d %s", st, code)
	}
}
