package storetest

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

func testPublishVersion(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 10))
	for i := 1; i <= 3; i++ {
		rev := "rev-" + strconv.Itoa(i)
		v, err := s.PublishVersion(t.Context(), acctA, "hello", func(latest, version *store.Function) error {
			if version.Version != strconv.Itoa(i) {
				t.Errorf("mutate sees version %q, want %d", version.Version, i)
			}
			latest.RevisionID = rev + "-latest"
			version.RevisionID = rev
			version.CreatedAt = created.Add(time.Duration(i) * time.Hour)
			return nil
		})
		if err != nil {
			t.Fatalf("PublishVersion %d: %v", i, err)
		}
		want := newFunction("hello", "sha256:aa", 10)
		want.Version, want.RevisionID, want.Tags = strconv.Itoa(i), rev, nil
		want.CreatedAt = created.Add(time.Duration(i) * time.Hour)
		if diff := cmp.Diff(want, v, cmpOpts); diff != "" {
			t.Errorf("published version mismatch (-want +got):\n%s", diff)
		}
		got, err := s.GetFunction(t.Context(), acctA, "hello", want.Version)
		if err != nil {
			t.Fatalf("GetFunction(%s): %v", want.Version, err)
		}
		if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
			t.Errorf("stored version mismatch (-want +got):\n%s", diff)
		}
		latest, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion)
		if err != nil {
			t.Fatalf("GetFunction($LATEST): %v", err)
		}
		if latest.RevisionID != rev+"-latest" || latest.Tags["team"] != "blue" {
			t.Errorf("$LATEST = %+v, want revision %s-latest and its tags kept", latest, rev)
		}
	}
	_, err := s.PublishVersion(t.Context(), acctA, "missing", func(_, _ *store.Function) error {
		t.Error("mutate called for a missing function")
		return nil
	})
	wantKind(t, "PublishVersion(missing)", err, errkind.NotFound)
}

func testPublishVersionRollback(t *testing.T, s store.Store) {
	want := newFunction("hello", "sha256:aa", 10)
	mustCreate(t, s, acctA, want)
	errBoom := errors.New("boom")
	_, err := s.PublishVersion(t.Context(), acctA, "hello", func(latest, version *store.Function) error {
		latest.RevisionID, version.RevisionID = "changed", "changed"
		return errBoom
	})
	if err != errBoom { //nolint:errorlint // the contract returns mutate's error as is
		t.Errorf("PublishVersion err = %v, want mutate's error as is", err)
	}
	got, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("$LATEST changed by a failed publish (-want +got):\n%s", diff)
	}
	_, err = s.GetFunction(t.Context(), acctA, "hello", "1")
	wantKind(t, "GetFunction(1) after a failed publish", err, errkind.NotFound)
	if v := mustPublish(t, s, acctA, "hello"); v.Version != "1" {
		t.Errorf("first successful publish = version %s, want 1", v.Version)
	}
}

func testVersionNumbersNeverReused(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 1))
	mustCreate(t, s, acctA, newFunction("other", "sha256:aa", 1))
	for range 3 {
		mustPublish(t, s, acctA, "hello")
	}
	if v := mustPublish(t, s, acctA, "other"); v.Version != "1" {
		t.Errorf("first version of another function = %s, want 1 (numbers are per function)", v.Version)
	}
	for _, del := range []struct{ version, next string }{{"3", "4"}, {"4", "5"}, {"1", "6"}} {
		if _, err := s.DeleteVersion(t.Context(), acctA, "hello", del.version); err != nil {
			t.Fatalf("DeleteVersion(%s): %v", del.version, err)
		}
		if v := mustPublish(t, s, acctA, "hello"); v.Version != del.next {
			t.Errorf("publish after deleting %s = version %s, want %s", del.version, v.Version, del.next)
		}
	}
	fs, err := s.ListVersions(t.Context(), acctA, "hello", "", 100)
	if err != nil {
		t.Fatalf("ListVersions: %v", err)
	}
	if diff := cmp.Diff([]string{store.LatestVersion, "2", "5", "6"}, versions(fs)); diff != "" {
		t.Errorf("versions mismatch (-want +got):\n%s", diff)
	}
	// A function created again under a deleted name is a new function.
	if _, err := s.DeleteFunction(t.Context(), acctA, "hello"); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 1))
	if v := mustPublish(t, s, acctA, "hello"); v.Version != "1" {
		t.Errorf("first version of a re-created function = %s, want 1", v.Version)
	}
}

func testListVersions(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 1))
	for range 11 { // past 9, so that text order would differ from numeric order
		mustPublish(t, s, acctA, "hello")
	}
	var pages [][]string
	after := ""
	for range 20 {
		fs, err := s.ListVersions(t.Context(), acctA, "hello", after, 4)
		if err != nil {
			t.Fatalf("ListVersions(after %q): %v", after, err)
		}
		if len(fs) == 0 {
			break
		}
		pages = append(pages, versions(fs))
		after = fs[len(fs)-1].Version
	}
	want := [][]string{{store.LatestVersion, "1", "2", "3"}, {"4", "5", "6", "7"}, {"8", "9", "10", "11"}}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("pages mismatch (-want +got):\n%s", diff)
	}
	_, err := s.ListVersions(t.Context(), acctA, "missing", "", 10)
	wantKind(t, "ListVersions(missing)", err, errkind.NotFound)
	_, err = s.ListVersions(t.Context(), acctA, "hello", "banana", 10)
	wantKind(t, "ListVersions(after banana)", err, errkind.InvalidArgument)
}

func testDeleteFunction(t *testing.T, s store.Store) {
	// hello: version 1 on code a, version 2 on b, $LATEST on c.
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	mustPublish(t, s, acctA, "hello")
	setDigest(t, s, acctA, "hello", store.LatestVersion, "sha256:b")
	mustPublish(t, s, acctA, "hello")
	setDigest(t, s, acctA, "hello", store.LatestVersion, "sha256:c")
	// b is shared with a function of the same account, c with another account.
	mustCreate(t, s, acctA, newFunction("sibling", "sha256:b", 1))
	mustCreate(t, s, acctB, newFunction("stranger", "sha256:c", 1))

	orphans, err := s.DeleteFunction(t.Context(), acctA, "hello")
	if err != nil {
		t.Fatalf("DeleteFunction(hello): %v", err)
	}
	if diff := cmp.Diff([]string{"sha256:a"}, orphans, cmpOpts); diff != "" {
		t.Errorf("orphans mismatch (-want +got):\n%s", diff)
	}
	for _, v := range []string{store.LatestVersion, "1", "2"} {
		_, err := s.GetFunction(t.Context(), acctA, "hello", v)
		wantKind(t, "GetFunction(hello, "+v+") after delete", err, errkind.NotFound)
	}
	_, err = s.ListVersions(t.Context(), acctA, "hello", "", 10)
	wantKind(t, "ListVersions after delete", err, errkind.NotFound)
	fs, err := s.ListFunctions(t.Context(), acctA, "", 10)
	if err != nil {
		t.Fatalf("ListFunctions: %v", err)
	}
	if diff := cmp.Diff([]string{"sibling"}, names(fs)); diff != "" {
		t.Errorf("functions after delete mismatch (-want +got):\n%s", diff)
	}
	_, err = s.DeleteFunction(t.Context(), acctA, "hello")
	wantKind(t, "second DeleteFunction", err, errkind.NotFound)

	orphans, err = s.DeleteFunction(t.Context(), acctA, "sibling")
	if err != nil {
		t.Fatalf("DeleteFunction(sibling): %v", err)
	}
	if diff := cmp.Diff([]string{"sha256:b"}, orphans, cmpOpts); diff != "" {
		t.Errorf("orphans of the last user of b mismatch (-want +got):\n%s", diff)
	}
}

func testDeleteVersion(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	mustPublish(t, s, acctA, "hello") // 1 on a
	setDigest(t, s, acctA, "hello", store.LatestVersion, "sha256:b")
	mustPublish(t, s, acctA, "hello") // 2 on b, shared with $LATEST

	tests := []struct {
		version string
		orphans []string
		kind    errkind.Kind // of the error; Internal for none
	}{
		{"2", nil, errkind.Internal},
		{"1", []string{"sha256:a"}, errkind.Internal},
		{"1", nil, errkind.NotFound},
		{"7", nil, errkind.NotFound},
		{store.LatestVersion, nil, errkind.InvalidArgument},
	}
	for _, tt := range tests {
		orphans, err := s.DeleteVersion(t.Context(), acctA, "hello", tt.version)
		if tt.kind != errkind.Internal {
			wantKind(t, "DeleteVersion("+tt.version+")", err, tt.kind)
			continue
		}
		if err != nil {
			t.Fatalf("DeleteVersion(%s): %v", tt.version, err)
		}
		if diff := cmp.Diff(tt.orphans, orphans, cmpOpts); diff != "" {
			t.Errorf("DeleteVersion(%s) orphans mismatch (-want +got):\n%s", tt.version, diff)
		}
	}
	if _, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion); err != nil {
		t.Errorf("$LATEST gone after deleting versions: %v", err)
	}
}

func testUsage(t *testing.T, s store.Store) {
	n, size, err := s.Usage(t.Context(), acctA)
	if err != nil || n != 0 || size != 0 {
		t.Fatalf("Usage of an empty account = %d, %d, %v; want 0, 0, nil", n, size, err)
	}
	mustCreate(t, s, acctA, newFunction("one", "sha256:a", 100))
	mustCreate(t, s, acctA, newFunction("two", "sha256:b", 20))
	mustPublish(t, s, acctA, "one")
	mustPublish(t, s, acctA, "one")
	mustCreate(t, s, acctB, newFunction("other", "sha256:c", 5000))
	n, size, err = s.Usage(t.Context(), acctA)
	if err != nil {
		t.Fatalf("Usage: %v", err)
	}
	if n != 2 || size != 320 {
		t.Errorf("Usage = %d functions, %d bytes; want 2, 320 (all versions count)", n, size)
	}
}

func testLimitMustBePositive(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	if err := s.AppendLogEvents(ctx, acctA, "g", "s", nil); err != nil {
		t.Fatalf("AppendLogEvents: %v", err)
	}
	for _, limit := range []int{0, -1} {
		_, err := s.ListFunctions(ctx, acctA, "", limit)
		wantKind(t, "ListFunctions", err, errkind.InvalidArgument)
		_, err = s.ListVersions(ctx, acctA, "hello", "", limit)
		wantKind(t, "ListVersions", err, errkind.InvalidArgument)
		_, err = s.ListLogGroups(ctx, acctA, "", "", limit)
		wantKind(t, "ListLogGroups", err, errkind.InvalidArgument)
		_, err = s.QueryLogEvents(ctx, acctA, store.LogQuery{Group: "g", Limit: limit})
		wantKind(t, "QueryLogEvents", err, errkind.InvalidArgument)
		_, _, err = s.ListLogStreams(ctx, acctA, store.StreamQuery{Group: "g", Limit: limit})
		wantKind(t, "ListLogStreams", err, errkind.InvalidArgument)
	}
}
