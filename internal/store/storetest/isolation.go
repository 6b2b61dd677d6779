package storetest

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// testAccountIsolationFunctions writes under A and proves that every
// function method called from B neither sees nor changes it.
func testAccountIsolationFunctions(t *testing.T, s store.Store) {
	ctx := t.Context()
	want := newFunction("hello", "sha256:a", 10)
	mustCreate(t, s, acctA, want)
	v1 := mustPublish(t, s, acctA, "hello")
	noMutate := func(*store.Function) error { t.Error("mutate called across accounts"); return nil }

	for _, v := range []string{store.LatestVersion, "1"} {
		_, err := s.GetFunction(ctx, acctB, "hello", v)
		wantKind(t, "B GetFunction "+v, err, errkind.NotFound)
	}
	if fs, err := s.ListFunctions(ctx, acctB, "", 10); err != nil || len(fs) != 0 {
		t.Errorf("B ListFunctions = %d functions, %v; want none", len(fs), err)
	}
	_, err := s.ListVersions(ctx, acctB, "hello", "", 10)
	wantKind(t, "B ListVersions", err, errkind.NotFound)
	_, err = s.UpdateFunction(ctx, acctB, "hello", store.LatestVersion, noMutate)
	wantKind(t, "B UpdateFunction", err, errkind.NotFound)
	_, err = s.PublishVersion(ctx, acctB, "hello", func(l, _ *store.Function) error { return noMutate(l) })
	wantKind(t, "B PublishVersion", err, errkind.NotFound)
	_, err = s.DeleteVersion(ctx, acctB, "hello", "1")
	wantKind(t, "B DeleteVersion", err, errkind.NotFound)
	_, err = s.DeleteFunction(ctx, acctB, "hello")
	wantKind(t, "B DeleteFunction", err, errkind.NotFound)
	if n, size, err := s.Usage(ctx, acctB); err != nil || n != 0 || size != 0 {
		t.Errorf("B Usage = %d, %d, %v; want 0, 0, nil", n, size, err)
	}

	// B's attempts left A's function as it was.
	checkFunction(t, s, acctA, want)
	checkFunction(t, s, acctA, v1)

	// Names are per account: B gets its own function and version numbers.
	mine := newFunction("hello", "sha256:b", 5)
	mustCreate(t, s, acctB, mine)
	if v := mustPublish(t, s, acctB, "hello"); v.Version != "1" {
		t.Errorf("B's first version = %s, want 1", v.Version)
	}
	setDigest(t, s, acctB, "hello", store.LatestVersion, "sha256:c")
	checkFunction(t, s, acctA, want)
	if _, err := s.DeleteFunction(ctx, acctB, "hello"); err != nil {
		t.Fatalf("B DeleteFunction: %v", err)
	}
	checkFunction(t, s, acctA, want)
	if n, size, err := s.Usage(ctx, acctA); err != nil || n != 1 || size != 20 {
		t.Errorf("A Usage = %d, %d, %v; want 1, 20, nil", n, size, err)
	}
}

// testAccountIsolationLogs does the same for the log methods.
func testAccountIsolationLogs(t *testing.T, s store.Store) {
	ctx := t.Context()
	want := seedEvents(t, s, acctA, "g")
	wantStreams := listStreams(t, s, acctA, "g")

	_, err := s.QueryLogEvents(ctx, acctB, store.LogQuery{Group: "g", Limit: 100})
	wantKind(t, "B QueryLogEvents", err, errkind.NotFound)
	if gs, err := s.ListLogGroups(ctx, acctB, "", "", 10); err != nil || len(gs) != 0 {
		t.Errorf("B ListLogGroups = %v, %v; want none", gs, err)
	}
	_, _, err = s.ListLogStreams(ctx, acctB, store.StreamQuery{Group: "g", Limit: 10})
	wantKind(t, "B ListLogStreams", err, errkind.NotFound)
	err = s.DeleteLogGroup(ctx, acctB, "g")
	wantKind(t, "B DeleteLogGroup", err, errkind.NotFound)

	// B's group of the same name is its own.
	mine := []store.LogEvent{{Stream: "s1", Timestamp: t0, IngestionTime: t0, Message: "B's secret"}}
	if err := s.AppendLogEvents(ctx, acctB, "g", "s1", mine); err != nil {
		t.Fatalf("B AppendLogEvents: %v", err)
	}
	checkEvents(t, queryAll(t, s, acctB, store.LogQuery{Group: "g"}), mine)
	checkEvents(t, queryAll(t, s, acctA, store.LogQuery{Group: "g"}), want)
	if diff := cmp.Diff(wantStreams, listStreams(t, s, acctA, "g")); diff != "" {
		t.Errorf("A's streams changed by B's append (-want +got):\n%s", diff)
	}
	if err := s.DeleteLogGroup(ctx, acctB, "g"); err != nil {
		t.Fatalf("B DeleteLogGroup: %v", err)
	}
	checkEvents(t, queryAll(t, s, acctA, store.LogQuery{Group: "g"}), want)
	gs, err := s.ListLogGroups(ctx, acctA, "", "", 10)
	if err != nil || len(gs) != 1 || gs[0].StoredBytes != storedBytes(want) {
		t.Errorf("A ListLogGroups = %+v, %v; want g with %d bytes", gs, err, storedBytes(want))
	}
}

// testInvalidAccount calls every method with malformed account IDs.
func testInvalidAccount(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	seedEvents(t, s, acctA, "g")
	noMutate := func(*store.Function) error { t.Error("mutate called for an invalid account"); return nil }
	calls := []struct {
		method string
		call   func(t *testing.T, acct account.ID) error
	}{
		{"CreateFunction", func(t *testing.T, a account.ID) error {
			return s.CreateFunction(t.Context(), a, newFunction("new", "sha256:a", 1))
		}},
		{"GetFunction", func(t *testing.T, a account.ID) error {
			_, err := s.GetFunction(t.Context(), a, "hello", store.LatestVersion)
			return err
		}},
		{"ListFunctions", func(t *testing.T, a account.ID) error {
			_, err := s.ListFunctions(t.Context(), a, "", 10)
			return err
		}},
		{"ListVersions", func(t *testing.T, a account.ID) error {
			_, err := s.ListVersions(t.Context(), a, "hello", "", 10)
			return err
		}},
		{"UpdateFunction", func(t *testing.T, a account.ID) error {
			_, err := s.UpdateFunction(t.Context(), a, "hello", store.LatestVersion, noMutate)
			return err
		}},
		{"PublishVersion", func(t *testing.T, a account.ID) error {
			_, err := s.PublishVersion(t.Context(), a, "hello", func(l, _ *store.Function) error { return noMutate(l) })
			return err
		}},
		{"DeleteFunction", func(t *testing.T, a account.ID) error {
			_, err := s.DeleteFunction(t.Context(), a, "hello")
			return err
		}},
		{"DeleteVersion", func(t *testing.T, a account.ID) error {
			_, err := s.DeleteVersion(t.Context(), a, "hello", "1")
			return err
		}},
		{"Usage", func(t *testing.T, a account.ID) error {
			_, _, err := s.Usage(t.Context(), a)
			return err
		}},
		{"AppendLogEvents", func(t *testing.T, a account.ID) error {
			return s.AppendLogEvents(t.Context(), a, "g", "s1", []store.LogEvent{{Timestamp: t0, Message: "x"}})
		}},
		{"QueryLogEvents", func(t *testing.T, a account.ID) error {
			_, err := s.QueryLogEvents(t.Context(), a, store.LogQuery{Group: "g", Limit: 10})
			return err
		}},
		{"ListLogGroups", func(t *testing.T, a account.ID) error {
			_, err := s.ListLogGroups(t.Context(), a, "", "", 10)
			return err
		}},
		{"ListLogStreams", func(t *testing.T, a account.ID) error {
			_, _, err := s.ListLogStreams(t.Context(), a, store.StreamQuery{Group: "g", Limit: 10})
			return err
		}},
		{"DeleteLogGroup", func(t *testing.T, a account.ID) error {
			return s.DeleteLogGroup(t.Context(), a, "g")
		}},
	}
	for _, bad := range []account.ID{"", "12345678901", "1234567890123", "12345678901a", "*"} {
		for _, c := range calls {
			t.Run(c.method+"/"+string(bad), func(t *testing.T) {
				wantKind(t, c.method, c.call(t, bad), errkind.InvalidArgument)
			})
		}
	}
	// Nothing above reached A's data.
	checkFunction(t, s, acctA, newFunction("hello", "sha256:a", 1))
	if gs, err := s.ListLogGroups(t.Context(), acctA, "", "", 10); err != nil || len(gs) != 1 {
		t.Errorf("A ListLogGroups = %v, %v; want g intact", gs, err)
	}
}

// checkFunction fails unless the stored version equals want.
func checkFunction(t *testing.T, s store.Store, acct account.ID, want *store.Function) {
	t.Helper()
	got, err := s.GetFunction(t.Context(), acct, want.Name, want.Version)
	if err != nil {
		t.Fatalf("GetFunction(%s, %s@%s): %v", acct, want.Name, want.Version, err)
	}
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("%s@%s of %s mismatch (-want +got):\n%s", want.Name, want.Version, acct, diff)
	}
}
