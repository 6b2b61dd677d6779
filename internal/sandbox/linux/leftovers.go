package linux

import (
	"context"
	"fmt"
	"time"
)

// CleanupLeftovers kills the processes of, and removes, the environment
// cgroups of every linux sandbox instance whose owning process is gone: a
// Lambent that crashed or was killed. Live instances, in this process or
// another, are left alone. The /tmp loop devices of those environments
// detach themselves once their processes are dead, and their images were
// unlinked when attached, so the cgroups are all there is to clean,
// besides their nftables rules and veths (cleanupNetwork). It
// returns how many environments it removed. Call it at start-up, before
// New; it needs root.
func CleanupLeftovers() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mode, err := detectCgroupMode()
	if err != nil {
		return 0, err
	}
	var n int
	if mode == cgroupUnified {
		n, err = cleanupV2(ctx, cgroupRoot)
	} else {
		n, err = cleanupV1(ctx)
	}
	if err != nil {
		return n, fmt.Errorf("clean up leftover environments: %w", err)
	}
	// The processes are dead: what is left of the network is rules and,
	// rarely, veths whose namespace outlived them.
	if err := cleanupNetwork(); err != nil {
		return n, fmt.Errorf("clean up leftover egress: %w", err)
	}
	return n, nil
}
