package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

func intp(n int) *int { return &n }

func invokeConfig(qualifier string) *store.EventInvokeConfig {
	return &store.EventInvokeConfig{Function: "hello", Qualifier: qualifier, MaximumRetryAttempts: intp(1),
		MaximumEventAgeSeconds: intp(3600), OnSuccess: "arn:aws:lambda:us-east-1:111111111111:function:ok",
		LastModified: qt0}
}

func mustPutConfig(t *testing.T, s store.Store, c *store.EventInvokeConfig) {
	t.Helper()
	if err := s.PutEventInvokeConfig(t.Context(), acctA, c); err != nil {
		t.Fatalf("PutEventInvokeConfig(%s): %v", c.Qualifier, err)
	}
}

func getConfig(t *testing.T, s store.Store, qualifier string) *store.EventInvokeConfig {
	t.Helper()
	c, err := s.GetEventInvokeConfig(t.Context(), acctA, "hello", qualifier)
	if err != nil {
		t.Fatalf("GetEventInvokeConfig(%s): %v", qualifier, err)
	}
	return c
}

func testEventInvokeConfigCRUD(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	mustPublish(t, s, acctA, "hello")
	want := invokeConfig(store.LatestVersion)
	mustPutConfig(t, s, want)
	if diff := cmp.Diff(want, getConfig(t, s, store.LatestVersion)); diff != "" {
		t.Errorf("stored config mismatch (-want +got):\n%s", diff)
	}

	// Put replaces: what it omits is cleared.
	replaced := &store.EventInvokeConfig{Function: "hello", Qualifier: store.LatestVersion,
		OnFailure: "arn:aws:lambda:us-east-1:111111111111:function:bad", LastModified: qt0.Add(time.Second)}
	mustPutConfig(t, s, replaced)
	if diff := cmp.Diff(replaced, getConfig(t, s, store.LatestVersion)); diff != "" {
		t.Errorf("replaced config mismatch (-want +got):\n%s", diff)
	}

	updated, err := s.UpdateEventInvokeConfig(ctx, acctA, "hello", store.LatestVersion, func(c *store.EventInvokeConfig) error {
		c.MaximumRetryAttempts = intp(0)
		return nil
	})
	if err != nil {
		t.Fatalf("UpdateEventInvokeConfig: %v", err)
	}
	replaced.MaximumRetryAttempts = intp(0)
	if diff := cmp.Diff(replaced, updated); diff != "" {
		t.Errorf("updated config mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(replaced, getConfig(t, s, store.LatestVersion)); diff != "" {
		t.Errorf("config after update mismatch (-want +got):\n%s", diff)
	}

	mustPutConfig(t, s, invokeConfig("1"))
	list, err := s.ListEventInvokeConfigs(ctx, acctA, "hello", "", 10)
	if err != nil {
		t.Fatalf("ListEventInvokeConfigs: %v", err)
	}
	if diff := cmp.Diff([]*store.EventInvokeConfig{replaced, invokeConfig("1")}, list); diff != "" {
		t.Errorf("list mismatch, want ordered by qualifier (-want +got):\n%s", diff)
	}
	page, err := s.ListEventInvokeConfigs(ctx, acctA, "hello", store.LatestVersion, 10)
	if err != nil || len(page) != 1 || page[0].Qualifier != "1" {
		t.Errorf("list after $LATEST = %v, %v; want 1 only", page, err)
	}

	if err := s.DeleteEventInvokeConfig(ctx, acctA, "hello", "1"); err != nil {
		t.Fatalf("DeleteEventInvokeConfig: %v", err)
	}
	_, err = s.GetEventInvokeConfig(ctx, acctA, "hello", "1")
	wantKind(t, "Get after delete", err, errkind.NotFound)
	err = s.DeleteEventInvokeConfig(ctx, acctA, "hello", "1")
	wantKind(t, "second delete", err, errkind.NotFound)
	_, err = s.UpdateEventInvokeConfig(ctx, acctA, "hello", "1", func(*store.EventInvokeConfig) error {
		t.Error("mutate called for an absent config")
		return nil
	})
	wantKind(t, "Update of an absent config", err, errkind.NotFound)
}

func testEventInvokeConfigNeedsVersion(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	for _, c := range []*store.EventInvokeConfig{
		{Function: "nope", Qualifier: store.LatestVersion},
		{Function: "hello", Qualifier: "1"},
		{Function: "hello", Qualifier: "live"},
	} {
		err := s.PutEventInvokeConfig(t.Context(), acctA, c)
		wantKind(t, "Put for "+c.Function+":"+c.Qualifier, err, errkind.NotFound)
	}
}

func testEventInvokeConfigUpdateRollback(t *testing.T, s store.Store) {
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	want := invokeConfig(store.LatestVersion)
	mustPutConfig(t, s, want)
	boom := errors.New("boom")
	_, err := s.UpdateEventInvokeConfig(t.Context(), acctA, "hello", store.LatestVersion, func(c *store.EventInvokeConfig) error {
		c.OnSuccess = ""
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want mutate's error", err)
	}
	if diff := cmp.Diff(want, getConfig(t, s, store.LatestVersion)); diff != "" {
		t.Errorf("a failed mutate changed the config (-want +got):\n%s", diff)
	}
}

func testEventInvokeConfigFollowsFunction(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	mustPublish(t, s, acctA, "hello")
	mustPublish(t, s, acctA, "hello")
	for _, q := range []string{store.LatestVersion, "1", "2"} {
		mustPutConfig(t, s, invokeConfig(q))
	}
	if _, err := s.DeleteVersion(ctx, acctA, "hello", "1"); err != nil {
		t.Fatalf("DeleteVersion: %v", err)
	}
	_, err := s.GetEventInvokeConfig(ctx, acctA, "hello", "1")
	wantKind(t, "config of a deleted version", err, errkind.NotFound)
	getConfig(t, s, "2")
	if _, err := s.DeleteFunction(ctx, acctA, "hello"); err != nil {
		t.Fatalf("DeleteFunction: %v", err)
	}
	// A function created again under the name starts without configs.
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	if list, err := s.ListEventInvokeConfigs(ctx, acctA, "hello", "", 10); err != nil || len(list) != 0 {
		t.Errorf("configs after DeleteFunction = %v, %v; want none", list, err)
	}
}

func testEventInvokeConfigAccountIsolation(t *testing.T, s store.Store) {
	ctx := t.Context()
	mustCreate(t, s, acctA, newFunction("hello", "sha256:a", 1))
	want := invokeConfig(store.LatestVersion)
	mustPutConfig(t, s, want)

	_, err := s.GetEventInvokeConfig(ctx, acctB, "hello", store.LatestVersion)
	wantKind(t, "B Get", err, errkind.NotFound)
	if list, err := s.ListEventInvokeConfigs(ctx, acctB, "hello", "", 10); err != nil || len(list) != 0 {
		t.Errorf("B List = %v, %v; want none", list, err)
	}
	_, err = s.UpdateEventInvokeConfig(ctx, acctB, "hello", store.LatestVersion, func(*store.EventInvokeConfig) error {
		t.Error("mutate called across accounts")
		return nil
	})
	wantKind(t, "B Update", err, errkind.NotFound)
	wantKind(t, "B Delete", s.DeleteEventInvokeConfig(ctx, acctB, "hello", store.LatestVersion), errkind.NotFound)
	err = s.PutEventInvokeConfig(ctx, acctB, invokeConfig(store.LatestVersion))
	wantKind(t, "B Put for A's function", err, errkind.NotFound)
	if diff := cmp.Diff(want, getConfig(t, s, store.LatestVersion)); diff != "" {
		t.Errorf("A's config changed by B (-want +got):\n%s", diff)
	}
}
