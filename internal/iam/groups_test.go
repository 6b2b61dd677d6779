package iam

import (
	"strings"
	"testing"
)

func TestGroups(t *testing.T) {
	f := newFixture(t)
	g, err := f.CreateGroup(ctx(t), acct, "Devs", "/eng/")
	must(t, err)
	if g.ARN != "arn:aws:iam::123456789012:group/eng/Devs" || !strings.HasPrefix(g.GroupID, "AGPA") {
		t.Errorf("group = %+v", g)
	}
	_, err = f.CreateGroup(ctx(t), acct, "devs", "")
	wantErr(t, err, codeAlreadyExists, "Group with name devs already exists.")
	_, err = f.CreateGroup(ctx(t), acct, "Ops", "")
	must(t, err)
	for _, u := range []string{"bob", "Amy", "carl"} {
		_, err := f.CreateUser(ctx(t), acct, u, "", nil, "")
		must(t, err)
	}
	must(t, f.AddUserToGroup(ctx(t), acct, "devs", "BOB"))
	must(t, f.AddUserToGroup(ctx(t), acct, "Devs", "amy"))
	must(t, f.AddUserToGroup(ctx(t), acct, "Devs", "amy")) // no-op
	must(t, f.AddUserToGroup(ctx(t), acct, "ops", "amy"))
	wantErr(t, f.AddUserToGroup(ctx(t), acct, "nope", "amy"), codeNoSuchEntity, "The group with name nope cannot be found.")
	wantErr(t, f.AddUserToGroup(ctx(t), acct, "devs", "nope"), codeNoSuchEntity, "The user with name nope cannot be found.")

	g2, members, err := f.GetGroup(ctx(t), acct, "DEVS")
	must(t, err)
	if g2.Name != "Devs" || len(members) != 2 || members[0].Name != "Amy" || members[1].Name != "bob" {
		t.Errorf("GetGroup = %+v %+v", g2, members)
	}
	gs, err := f.ListGroupsForUser(ctx(t), acct, "amy")
	must(t, err)
	if len(gs) != 2 || gs[0].Name != "Devs" || gs[1].Name != "Ops" {
		t.Errorf("ListGroupsForUser = %+v", gs)
	}
	p, err := f.ListGroups(ctx(t), acct, ListOptions{PathPrefix: "/eng/"})
	must(t, err)
	if len(p.Items) != 1 || p.Items[0].Name != "Devs" {
		t.Errorf("ListGroups = %+v", p)
	}

	wantErr(t, f.DeleteGroup(ctx(t), acct, "devs"), codeDeleteConflict, "Cannot delete entity, must remove users from group first.")
	must(t, f.RemoveUserFromGroup(ctx(t), acct, "devs", "amy"))
	must(t, f.RemoveUserFromGroup(ctx(t), acct, "devs", "bob"))
	wantErr(t, f.RemoveUserFromGroup(ctx(t), acct, "devs", "carl"), codeNoSuchEntity, "")
	must(t, f.PutInlinePolicy(ctx(t), acct, KindGroup, "devs", "p", allowInvoke))
	wantErr(t, f.DeleteGroup(ctx(t), acct, "devs"), codeDeleteConflict, "Cannot delete entity, must delete policies first.")
	must(t, f.DeleteInlinePolicy(ctx(t), acct, KindGroup, "devs", "p"))
	must(t, f.DeleteGroup(ctx(t), acct, "devs"))
	_, _, err = f.GetGroup(ctx(t), acct, "devs")
	wantErr(t, err, codeNoSuchEntity, "The group with name devs cannot be found.")
}
