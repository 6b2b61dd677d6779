package daemon

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"lambent/internal/account"
	"lambent/internal/sandbox/linux"
	"lambent/internal/store"
)

// listenGateway serves the API to functions on the linux sandbox's
// gateway address, the one host address their firewall lets them reach,
// at the API's own port when it is free there and at any port otherwise.
// Without egress it does nothing.
func (d *Daemon) listenGateway(sb *linux.Sandbox) error {
	d.isolatedNet = true
	if _, ok := sb.Gateway(); !ok {
		return nil
	}
	port := 0
	if a, ok := d.ln.Addr().(*net.TCPAddr); ok {
		port = a.Port
	}
	ln, err := sb.ListenGateway(port)
	if err != nil {
		ln, err = sb.ListenGateway(0)
	}
	if err != nil {
		return fmt.Errorf("listen on the sandbox gateway: %w", err)
	}
	d.gwln = ln
	d.cfg.Logger.Info("functions reach the API on the sandbox gateway", "address", ln.Addr().String())
	return nil
}

// environmentEndpoint is the API's URL as functions reach it: the gateway
// listener under the linux sandbox with egress, none without, and the
// API's own address (loopback for a wildcard listener) under the process
// tier, whose functions share the host's network.
func (d *Daemon) environmentEndpoint() string {
	if d.gwln != nil {
		return "http://" + d.gwln.Addr().String()
	}
	if d.isolatedNet {
		return ""
	}
	a, ok := d.ln.Addr().(*net.TCPAddr)
	if !ok || !a.IP.IsUnspecified() {
		return d.Endpoint()
	}
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
}

// functionTags reads a function's tags, which live on its $LATEST.
func (d *Daemon) functionTags(ctx context.Context, acct account.ID, name string) (map[string]string, error) {
	f, err := d.db.GetFunction(ctx, acct, name, store.LatestVersion)
	if err != nil {
		return nil, err
	}
	return f.Tags, nil
}
