package iam

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"lambent/internal/account"
	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/store/sqlite"
)

const acct account.ID = "123456789012"

const trustLambda = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

const allowInvoke = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}]}`

const allowLogs = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}`

type fixture struct {
	*Service
	dir   string
	clock *clocktest.Clock
}

// newFixture returns a Service over a real SQLite file in a temp dir.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "lambent.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	c := clocktest.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	s, err := New(Config{Store: db, Clock: c, SecretKey: bytes.Repeat([]byte{7}, 32), Region: "us-east-1"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &fixture{Service: s, dir: dir, clock: c}
}

// wantErr fails unless err carries the AWS code and, if msg is not "",
// the public message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	e, ok := errkind.As(err)
	if !ok {
		t.Fatalf("err = %v, want %s %q", err, code, msg)
	}
	if e.Detail != code || msg != "" && e.Public != msg {
		t.Fatalf("err = %s %q, want %s %q", e.Detail, e.Public, code, msg)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }
