package invoke

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// collectOutput runs an output collector on a fresh pipe with limit.
func collectOutput(t *testing.T, limit int64) (w *os.File, o *output, lines func() []string) {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	o, err = newOutput(pr, func(l string) { mu.Lock(); got = append(got, l); mu.Unlock() }, limit)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pw.Close(); o.Close() })
	return pw, o, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// TestOutputLongLinesAreTruncated: a line longer than 256 KiB keeps its
// first 256 KiB; the next line is intact.
func TestOutputLongLinesAreTruncated(t *testing.T) {
	w, o, lines := collectOutput(t, -1)
	long := strings.Repeat("x", 3*maxLine+17)
	if _, err := fmt.Fprintf(w, "%s\nafter\n", long); err != nil {
		t.Fatal(err)
	}
	o.Sync()
	got := lines()
	if len(got) != 2 || len(got[0]) != maxLine || got[1] != "after" {
		t.Fatalf("got %d lines, lengths %v", len(got), lengths(got))
	}
}

// TestOutputFloodIsCappedPerInvocation: output beyond the limit is read
// and dropped after one truncation line, and Reset starts a new budget.
func TestOutputFloodIsCappedPerInvocation(t *testing.T) {
	const limit = 64 << 10
	w, o, lines := collectOutput(t, limit)
	line := strings.Repeat("y", 1000)
	// 64 MiB, far beyond the limit: the writer never blocks for long,
	// because the collector keeps draining the pipe.
	for range 64 << 10 {
		if _, err := fmt.Fprintln(w, line); err != nil {
			t.Fatal(err)
		}
	}
	o.Sync()
	got := lines()
	var bytes int
	for _, l := range got[:len(got)-1] {
		bytes += len(l) + 1
	}
	if bytes > limit || !strings.HasPrefix(got[len(got)-1], "...log output truncated") {
		t.Fatalf("%d lines, %d bytes kept, last %.60q", len(got), bytes, got[len(got)-1])
	}
	n := len(got)
	o.Reset()
	fmt.Fprintln(w, "next invocation")
	o.Sync()
	if got := lines(); len(got) != n+1 || got[n] != "next invocation" {
		t.Fatalf("after Reset: %d lines, last %.60q", len(got), got[len(got)-1])
	}
}

func lengths(ls []string) []int {
	out := make([]int, len(ls))
	for i, l := range ls {
		out[i] = len(l)
	}
	return out
}
