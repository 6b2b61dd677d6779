package sigv4

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"lambent/internal/errkind"
)

// TestVerifyAllocs guards the hot path: a warm header-form verification
// allocates only its *Result.
func TestVerifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not stable under the race detector")
	}
	v := testVerifier(suiteTime)
	req := benchRequest(t)
	ctx := t.Context()
	var err error
	allocs := testing.AllocsPerRun(200, func() { _, err = v.Verify(ctx, req, "lambda") })
	if err != nil {
		t.Fatal(err)
	}
	if allocs > 1 {
		t.Fatalf("Verify allocates %v times per call, want at most 1", allocs)
	}
}

// TestConcurrentVerify shares one Verifier (pool and key cache) between
// goroutines, with enough distinct regions to exercise cache eviction.
func TestConcurrentVerify(t *testing.T) {
	v := testVerifier(suiteTime)
	const workers, perWorker = 8, 40
	reqs := make([]*Request, workers*perWorker)
	for i := range reqs {
		region := fmt.Sprintf("region-%d", i%(maxCachedKeys/64+3))
		reqs[i] = lambdaRequest(withAuthz(strings.Replace(testAuthz, "us-east-1", region, 1)))
		selfSign(t, reqs[i], suiteSecret, false)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(reqs))
	for w := range workers {
		wg.Go(func() {
			for _, req := range reqs[w*perWorker : (w+1)*perWorker] {
				if _, err := v.Verify(t.Context(), req, "lambda"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestPublicMessageCapped: messages that echo request text stay bounded.
func TestPublicMessageCapped(t *testing.T) {
	huge := "AWS4-HMAC-SHA256 SignedHeaders=" + strings.Repeat("host;", 100000) + " Signature=" + zeroSig
	_, err := testVerifier(suiteTime).Verify(t.Context(), lambdaRequest(withAuthz(huge)), "lambda")
	e, ok := errkind.As(err)
	if !ok || e.Detail != CodeIncompleteSignature {
		t.Fatalf("err = %v", err)
	}
	if len(e.Public) > maxPublic+len("…") || !strings.HasSuffix(e.Public, "…") {
		t.Fatalf("public message of %d bytes", len(e.Public))
	}
}
