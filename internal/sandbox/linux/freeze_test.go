package linux

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"lambent/internal/sandbox"
	"lambent/internal/testenv"
)

// spinLines counts the lines the spin probe has written.
func spinLines(o *output) int { return strings.Count(o.String(), "spin ") }

// procState is field 3 of /proc/PID/stat.
func procState(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return err.Error()
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && len(s) > i+2 {
		return s[i+2 : i+3]
	}
	return "?"
}

// TestFreezeStopsTheRuntime: a frozen environment's runtime does not run
// (its output stops while a reference environment's keeps growing) until
// Thaw.
func TestFreezeStopsTheRuntime(t *testing.T) {
	sb := newSandbox(t, Config{})
	frozenOut, refOut := newOutput(t), newOutput(t)
	frozen := envFor(t, sb, "frozen", sandbox.Limits{}, frozenOut)
	ref := envFor(t, sb, "reference", sandbox.Limits{}, refOut)
	for _, e := range []sandbox.Env{frozen, ref} {
		if err := e.Start([]string{"/var/task/bootstrap", probeArg, "spin"}, []string{"GORACE=atexit_sleep_ms=0"}); err != nil {
			t.Fatal(err)
		}
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		if spinLines(frozenOut) < 10 {
			return errors.New("not spinning yet")
		}
		return nil
	})
	fz := frozen.(sandbox.Freezer)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := fz.Freeze(ctx); err != nil {
		t.Fatalf("Freeze: %v", err)
	}
	pid := frozen.(*env).cmd.Process.Pid
	// v1's freezer shows frozen tasks in D; v2's stops them like SIGSTOP.
	if st := procState(pid); st != "D" && st != "T" && st != "S" {
		t.Errorf("frozen runtime's state %q, want D (frozen)", st)
	} else {
		t.Logf("frozen runtime's state: %s", st)
	}
	before, refBefore := spinLines(frozenOut), spinLines(refOut)
	// The reference writes a line about every millisecond: once it has
	// written 200 more, the frozen one had all that time to write.
	testenv.WaitFor(t, 30*time.Second, func() error {
		if n := spinLines(refOut); n < refBefore+200 {
			return fmt.Errorf("reference at %d lines, want %d", n, refBefore+200)
		}
		return nil
	})
	if after := spinLines(frozenOut); after != before {
		t.Errorf("frozen environment wrote %d lines while frozen", after-before)
	}
	if err := fz.Thaw(); err != nil {
		t.Fatalf("Thaw: %v", err)
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		if n := spinLines(frozenOut); n <= before {
			return errors.New("still not running after Thaw")
		}
		return nil
	})
	// Destroying a frozen environment works too.
	if err := fz.Freeze(ctx); err != nil {
		t.Fatalf("Freeze: %v", err)
	}
	if err := frozen.Destroy(); err != nil {
		t.Fatalf("Destroy of a frozen environment: %v", err)
	}
}
