package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// Two valid accounts; the suite writes under A and probes from B.
const (
	acctA account.ID = "111111111111"
	acctB account.ID = "222222222222"
)

// Run runs the contract suite. open must return a new, empty store for each
// call and arrange for it to be closed when t ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"CreateGet", testCreateGet},
		{"CreateAlreadyExists", testCreateAlreadyExists},
		{"GetNotFound", testGetNotFound},
		{"ListFunctions", testListFunctions},
		{"UpdateFunction", testUpdateFunction},
		{"UpdateFunctionRollback", testUpdateFunctionRollback},
		{"PublishVersion", testPublishVersion},
		{"PublishVersionRollback", testPublishVersionRollback},
		{"VersionNumbersNeverReused", testVersionNumbersNeverReused},
		{"ListVersions", testListVersions},
		{"DeleteFunction", testDeleteFunction},
		{"DeleteVersion", testDeleteVersion},
		{"Usage", testUsage},
		{"LimitMustBePositive", testLimitMustBePositive},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"ConcurrentPublishes", testConcurrentPublishes},
		{"ConcurrentAppends", testConcurrentAppends},
		{"AccountIsolationFunctions", testAccountIsolationFunctions},
		{"AccountIsolationLogs", testAccountIsolationLogs},
		{"InvalidAccount", testInvalidAccount},
		{"LogsAppendQuery", testLogsAppendQuery},
		{"LogsQueryPagination", testLogsQueryPagination},
		{"LogsStreamFilters", testLogsStreamFilters},
		{"LogsTimeFilters", testLogsTimeFilters},
		{"LogsQueryNotFound", testLogsQueryNotFound},
		{"LogsStreamStats", testLogsStreamStats},
		{"ListLogGroups", testListLogGroups},
		{"ListLogStreamsByName", testListLogStreamsByName},
		{"ListLogStreamsByTime", testListLogStreamsByTime},
		{"ListLogStreamsInvalidPosition", testListLogStreamsInvalidPosition},
		{"DeleteLogGroup", testDeleteLogGroup},
		{"IAMEntities", testIAMEntities},
		{"IAMGeneration", testIAMGeneration},
		{"FunctionPoliciesFollowVersions", testFunctionPoliciesFollowVersions},
		{"AccessKeys", testAccessKeys},
		{"Accounts", testAccounts},
		{"AccountIsolationIAM", testAccountIsolationIAM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
	runQueue(t, open)
}

// cmpOpts compares stored values: backends may return nil or empty for an
// empty map or slice.
var cmpOpts = cmp.Options{cmpopts.EquateEmpty()}

// created is a timestamp every backend stores exactly (microseconds).
var created = time.Date(2025, 3, 14, 15, 9, 26, 535_000, time.UTC)

// newFunction returns a $LATEST function with the given code.
func newFunction(name, digest string, size int64) *store.Function {
	return &store.Function{
		Name:       name,
		Version:    store.LatestVersion,
		RevisionID: "rev-" + name,
		CodeDigest: digest,
		CodeSize:   size,
		Config:     []byte(`{"Handler":"index.handler","Runtime":"nodejs22.x"}`),
		Tags:       map[string]string{"team": "blue"},
		CreatedAt:  created,
		UpdatedAt:  created.Add(time.Second),
	}
}

func mustCreate(t *testing.T, s store.Store, acct account.ID, f *store.Function) {
	t.Helper()
	if err := s.CreateFunction(t.Context(), acct, f); err != nil {
		t.Fatalf("CreateFunction(%s, %s): %v", acct, f.Name, err)
	}
}

// mustPublish publishes $LATEST unchanged and returns the new version.
func mustPublish(t *testing.T, s store.Store, acct account.ID, name string) *store.Function {
	t.Helper()
	v, err := s.PublishVersion(t.Context(), acct, name, func(_, _ *store.Function) error { return nil })
	if err != nil {
		t.Fatalf("PublishVersion(%s, %s): %v", acct, name, err)
	}
	return v
}

// setDigest points a version at new code.
func setDigest(t *testing.T, s store.Store, acct account.ID, name, version, digest string) {
	t.Helper()
	_, err := s.UpdateFunction(t.Context(), acct, name, version, func(f *store.Function) error {
		f.CodeDigest = digest
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateFunction(%s, %s): %v", name, version, err)
	}
}

// wantKind fails unless err is classified as k.
func wantKind(t *testing.T, what string, err error, k errkind.Kind) {
	t.Helper()
	if got := errkind.KindOf(err); err == nil || got != k {
		t.Errorf("%s: err = %v (kind %v), want kind %v", what, err, got, k)
	}
}

// names returns the name of each function.
func names(fs []*store.Function) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// versions returns the version of each function.
func versions(fs []*store.Function) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Version
	}
	return out
}
