package invoke_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"lambent/internal/clock/clocktest"
	"lambent/internal/invoke"
)

// roleIssuer stands in for internal/sts: it records what the manager asks
// and hands out credentials valid for ttl from the fake clock's now. (The
// real issuer is tested in internal/sts and end to end in
// tests/integration; here the manager's use of expiry is under test.)
type roleIssuer struct {
	clock *clocktest.Clock
	ttl   time.Duration
	err   error

	mu    sync.Mutex
	asked []string
}

func (r *roleIssuer) ExecutionCredentials(_ context.Context, role, fn, name string) (invoke.Credentials, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, role+" "+fn+" "+name)
	if r.err != nil {
		return invoke.Credentials{}, r.err
	}
	n := len(r.asked)
	return invoke.Credentials{AccessKeyID: "ASIA" + string(rune('A'+n)), SecretAccessKey: "secret", SessionToken: "token",
		Expiration: r.clock.Now().Add(r.ttl)}, nil
}

func TestExecutionRoleCredentials(t *testing.T) {
	clk := clocktest.New(time.Now())
	issuer := &roleIssuer{clock: clk, ttl: time.Hour}
	f := newFixture(t, func(c *invoke.Config) {
		c.Clock = clk
		c.IdleTimeout = 10 * time.Hour
		c.MaxLifetime = 10 * time.Hour
		c.Credentials = issuer
	})
	d := deployment(handlerOK, 120)
	d.Role = "arn:aws:iam::123456789012:role/exec"
	tgt := target(d)

	r1 := decode(t, first(f.call(t, tgt, event{Action: "env"})))
	for _, want := range []string{"AWS_ACCESS_KEY_ID=ASIAB", "AWS_SECRET_ACCESS_KEY=secret", "AWS_SESSION_TOKEN=token"} {
		if !slices.Contains(r1.Env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
	if len(issuer.asked) != 1 || issuer.asked[0] != d.Role+" arn:aws:lambda:us-east-1:123456789012:function:fn fn" {
		t.Fatalf("asked = %q", issuer.asked)
	}
	// Reused while the credentials outlast the longest invocation.
	clk.Advance(40 * time.Minute)
	r2 := decode(t, first(f.call(t, tgt, event{Action: "echo"})))
	if r2.PID != r1.PID {
		t.Fatal("environment not reused while its credentials were fresh")
	}
	// 15 minutes left: not enough for a 15-minute invocation; retired.
	clk.Advance(5 * time.Minute)
	r3 := decode(t, first(f.call(t, tgt, event{Action: "env"})))
	if r3.PID == r1.PID {
		t.Fatal("environment reused with credentials about to expire")
	}
	if !slices.Contains(r3.Env, "AWS_ACCESS_KEY_ID=ASIAC") {
		t.Errorf("new environment did not get new credentials: %v", r3.Env)
	}
}

func TestExecutionRoleRefused(t *testing.T) {
	issuer := &roleIssuer{clock: clocktest.New(time.Now()), err: errors.New("The role defined for the function cannot be assumed by Lambda.")}
	f := newFixture(t, func(c *invoke.Config) { c.Credentials = issuer })
	d := deployment(handlerOK, 10)
	d.Role = "arn:aws:iam::123456789012:role/gone"
	_, err := f.m.Invoke(t.Context(), target(d), invokeRequest("id-1", event{Action: "echo"}))
	if err == nil {
		t.Fatal("invoked without credentials")
	}
	if n := f.m.Environments(); n != 0 {
		t.Fatalf("%d environments left", n)
	}
}
