package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

func testCreateGet(t *testing.T, s store.Store) {
	want := newFunction("hello", "sha256:aa", 100)
	mustCreate(t, s, acctA, want)
	got, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("GetFunction mismatch (-want +got):\n%s", diff)
	}
}

func testCreateAlreadyExists(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 1))
	err := s.CreateFunction(t.Context(), acctA, newFunction("hello", "sha256:bb", 2))
	wantKind(t, "second CreateFunction", err, errkind.AlreadyExists)
	got, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if got.CodeDigest != "sha256:aa" {
		t.Errorf("CodeDigest = %q after a refused create, want the original", got.CodeDigest)
	}
}

func testGetNotFound(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 1))
	mustPublish(t, s, acctA, "hello")
	tests := []struct{ name, version string }{
		{"missing", store.LatestVersion},
		{"hello", "2"},
		{"hello", "0"},
		{"hello", "01"},
		{"hello", "-1"},
		{"hello", "latest"},
		{"hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name+"@"+tt.version, func(t *testing.T) {
			_, err := s.GetFunction(t.Context(), acctA, tt.name, tt.version)
			wantKind(t, "GetFunction", err, errkind.NotFound)
		})
	}
}

func testListFunctions(t *testing.T, s store.Store) {
	for _, n := range []string{"delta", "alpha", "echo", "charlie", "bravo"} {
		mustCreate(t, s, acctA, newFunction(n, "sha256:"+n, 1))
	}
	mustPublish(t, s, acctA, "bravo") // versions are not listed
	var pages [][]string
	after := ""
	for range 10 {
		fs, err := s.ListFunctions(t.Context(), acctA, after, 2)
		if err != nil {
			t.Fatalf("ListFunctions(after %q): %v", after, err)
		}
		for _, f := range fs {
			if f.Version != store.LatestVersion {
				t.Errorf("ListFunctions returned version %s of %s", f.Version, f.Name)
			}
		}
		if len(fs) == 0 {
			break
		}
		pages = append(pages, names(fs))
		after = fs[len(fs)-1].Name
	}
	want := [][]string{{"alpha", "bravo"}, {"charlie", "delta"}, {"echo"}}
	if diff := cmp.Diff(want, pages); diff != "" {
		t.Errorf("pages mismatch (-want +got):\n%s", diff)
	}
	got, err := s.ListFunctions(t.Context(), acctA, "", 100)
	if err != nil {
		t.Fatalf("ListFunctions: %v", err)
	}
	if diff := cmp.Diff(newFunction("alpha", "sha256:alpha", 1), got[0], cmpOpts); diff != "" {
		t.Errorf("listed function mismatch (-want +got):\n%s", diff)
	}
}

func testUpdateFunction(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:aa", 1))
	want := newFunction("hello", "sha256:bb", 2)
	want.RevisionID = "rev-2"
	want.Config = []byte(`{"Timeout":30}`)
	want.Tags = map[string]string{"team": "red", "env": "prod"}
	want.UpdatedAt = created.Add(time.Minute)
	got, err := s.UpdateFunction(t.Context(), acctA, "hello", store.LatestVersion, func(f *store.Function) error {
		f.RevisionID, f.CodeDigest, f.CodeSize = want.RevisionID, want.CodeDigest, want.CodeSize
		f.Config, f.Tags, f.UpdatedAt = want.Config, want.Tags, want.UpdatedAt
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateFunction: %v", err)
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("UpdateFunction result mismatch (-want +got):\n%s", diff)
	}
	stored, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if diff := cmp.Diff(want, stored, cmpOpts); diff != "" {
		t.Errorf("stored function mismatch (-want +got):\n%s", diff)
	}
	_, err = s.UpdateFunction(t.Context(), acctA, "missing", store.LatestVersion, func(*store.Function) error {
		t.Error("mutate called for a missing function")
		return nil
	})
	wantKind(t, "UpdateFunction(missing)", err, errkind.NotFound)
}

func testUpdateFunctionRollback(t *testing.T, s store.Store) {
	want := newFunction("hello", "sha256:aa", 1)
	mustCreate(t, s, acctA, want)
	errBoom := errors.New("boom")
	_, err := s.UpdateFunction(t.Context(), acctA, "hello", store.LatestVersion, func(f *store.Function) error {
		f.CodeDigest, f.CodeSize, f.Tags = "sha256:bb", 99, nil
		return errBoom
	})
	if err != errBoom { //nolint:errorlint // the contract returns mutate's error as is
		t.Errorf("UpdateFunction err = %v, want mutate's error as is", err)
	}
	got, err := s.GetFunction(t.Context(), acctA, "hello", store.LatestVersion)
	if err != nil {
		t.Fatalf("GetFunction: %v", err)
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("function changed by a failed update (-want +got):\n%s", diff)
	}
}
