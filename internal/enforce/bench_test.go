package enforce

import (
	"context"
	"testing"

	"lambent/internal/authz"
)

// BenchmarkAuthorizeUser is one warm decision for an IAM user with an
// inline policy: the PolicySet comes from the IAM cache, the function has
// no resource policy (one store read), the context is built, the engine
// decides. The root user of the same account skips all of it.
func BenchmarkAuthorizeUser(b *testing.B) {
	f := newFixture(b)
	u := f.user(b, acctA, "bench", allow("lambda:InvokeFunction", "arn:aws:lambda:*:*:function:*"))
	req := authz.Request{Principal: u, Action: "lambda:InvokeFunction", Resource: fnA, ResourceAccount: acctA,
		Context: map[string][]string{"lambda:FunctionArn": {fnA}}}
	ctx := authz.WithRequestInfo(context.Background(), authz.RequestInfo{SourceIP: "127.0.0.1", Region: "us-east-1"})
	if err := f.auth.Authorize(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := f.auth.Authorize(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
