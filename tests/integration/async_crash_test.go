package integration_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

// slowPy prints its marker, then works for a while, so that a kill finds
// events running as well as queued.
const slowPy = `
import time
def handler(event, context):
    print("MARKER", event.get("id"), context.aws_request_id)
    time.sleep(0.3)
`

// TestAsyncSurvivesKill kills the server with SIGKILL while events are
// queued and running, restarts it on the same data directory, and finds
// every accepted event run at least once.
func TestAsyncSurvivesKill(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "lambent")
	if err := framework.BuildBinary(t, bin); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	// Two workers, so that most events wait in the queue.
	args := []string{"--concurrency", "2", "--async-retry-delay", "10ms", "--sandbox", "process"}
	first := framework.StartBinary(t, framework.BinaryOptions{Binary: bin, DataDir: dataDir, Args: args})
	c := first.Lambda()
	createPython(t, c, "slow", slowPy)
	const n = 24
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("crash-%02d", i)
		invokeEvent(t, c, "slow", map[string]string{"id": ids[i]})
	}
	cw := cloudwatchlogs.NewFromConfig(first.AWSConfig())
	logged := 0
	testenv.WaitFor(t, asyncWait, func() error {
		runs, err := markers(t, cw, "slow")
		if logged = len(runs); err != nil || logged < 2 {
			return fmt.Errorf("%d runs logged (%v); waiting for some to run", logged, err)
		}
		return nil
	})
	// Both workers are busy and the rest of the events wait their turn.
	first.Kill()
	if logged >= n {
		t.Fatalf("all %d events ran before the kill; nothing was left queued", n)
	}
	t.Logf("killed with %d of %d runs logged", logged, n)

	second := framework.StartBinary(t, framework.BinaryOptions{Binary: bin, DataDir: dataDir, Args: args})
	cw = cloudwatchlogs.NewFromConfig(second.AWSConfig())
	got := waitRuns(t, cw, "slow", ids...)
	dups := 0
	for _, id := range ids {
		dups += len(got[id]) - 1
	}
	t.Logf("all %d events ran after the restart; %d ran more than once (at least once)", n, dups)
}
