package sts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"lambent/internal/authz"
	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

// TestSessionCredentialsThroughSigV4 signs requests with the SDK's own
// signer and temporary credentials, and verifies them as the gateway
// does: accepted while valid, ExpiredToken after.
func TestSessionCredentialsThroughSigV4(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	c, err := f.sts.GetSessionToken(ctx, root(acctA), 900)
	if err != nil {
		t.Fatal(err)
	}
	v := sigv4.NewVerifier(sigv4.Config{Credentials: f.authn, Clock: f.clock})
	verify := func() (*sigv4.Result, error) {
		r := httptest.NewRequest("GET", "http://lambent.test/2015-03-31/functions", nil)
		sum := sha256.Sum256(nil)
		err := v4.NewSigner().SignHTTP(ctx, aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			SessionToken: c.SessionToken}, r, hex.EncodeToString(sum[:]), "lambda", "us-east-1", f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return v.Verify(ctx, sigv4.FromHTTP(r, nil), "lambda")
	}
	res, err := verify()
	if err != nil {
		t.Fatalf("valid session: %v", err)
	}
	if p := res.Credential.Subject.(*authz.Principal); !p.IsRoot || p.Session == nil {
		t.Fatalf("principal = %+v", p)
	}
	f.clock.Advance(901 * time.Second)
	_, err = verify()
	if e, ok := errkind.As(err); !ok || e.Detail != sigv4.CodeExpiredToken {
		t.Fatalf("expired session: %v", err)
	}
}
