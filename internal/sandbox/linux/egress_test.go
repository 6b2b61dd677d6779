package linux

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"lambent/internal/sandbox"
	"lambent/internal/testenv"
)

// outsideNet is a stand-in for the internet: a network namespace behind
// a veth pair whose host end is the sandbox's only uplink. Its server
// reports the source address of every connection it accepts.
type outsideNet struct {
	uplink  string         // host end, in the host namespace
	hostIP  netip.Addr     // the host's address on the uplink
	server  netip.AddrPort // listening inside the outside namespace
	sources chan string
}

func newOutsideNet(t *testing.T) *outsideNet {
	t.Helper()
	var b [2]byte
	_, _ = rand.Read(b[:])
	suffix := hex.EncodeToString(b[:])
	// 198.18.0.0/15 is for benchmarks (RFC 2544): a random /30 in it.
	base := netip.AddrFrom4([4]byte{198, 18 + b[0]&1, b[1], 4 * (b[0] >> 2)})
	o := &outsideNet{uplink: "ltu" + suffix, hostIP: base.Next(), sources: make(chan string, 16)}
	peerIP := o.hostIP.Next()
	la := netlink.NewLinkAttrs()
	la.Name = o.uplink
	type result struct {
		ln  net.Listener
		err error
	}
	ch := make(chan result, 1)
	go func() {
		// This thread enters a new namespace and never leaves it: Go
		// discards it when the goroutine ends still locked.
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer orig.Close()
		ns, err := netns.New()
		if err != nil {
			ch <- result{err: err}
			return
		}
		defer ns.Close()
		// Back in the host namespace to create the pair, then in the new
		// one to configure its end and listen.
		if err := netns.Set(orig); err != nil {
			ch <- result{err: err}
			return
		}
		err = netlink.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "ltp" + suffix, PeerNamespace: netlink.NsFd(int(ns))})
		if err == nil {
			err = configureLink(o.uplink, netip.PrefixFrom(o.hostIP, 30))
		}
		if err == nil {
			err = netns.Set(ns)
		}
		if err == nil {
			err = configureLink("ltp"+suffix, netip.PrefixFrom(peerIP, 30))
		}
		var ln net.Listener
		if err == nil {
			ln, err = net.Listen("tcp4", netip.AddrPortFrom(peerIP, 0).String())
		}
		ch <- result{ln, err}
	}()
	r := <-ch
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(o.uplink); err == nil {
			_ = netlink.LinkDel(l)
		}
	})
	if r.err != nil {
		t.Fatalf("outside network: %v", r.err)
	}
	t.Cleanup(func() { r.ln.Close() })
	o.server = r.ln.Addr().(*net.TCPAddr).AddrPort()
	go func() {
		for {
			c, err := r.ln.Accept()
			if err != nil {
				return
			}
			select {
			case o.sources <- c.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().String():
			default:
			}
			c.Close()
		}
	}()
	return o
}

func configureLink(name string, p netip.Prefix) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	if err := netlink.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}}); err != nil {
		return err
	}
	return netlink.LinkSetUp(l)
}

// serveOnHost listens on addr (IP_FREEBIND is not needed: the address
// exists) and accepts until the test ends.
func serveOnHost(t *testing.T, ln net.Listener) string {
	t.Helper()
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// TestEgress checks the egress rules from inside environments (reference
// §5): out through the uplink with the host's address, to the Lambent API
// hole on the gateway, and nowhere else: not other host services on the
// gateway or the uplink address, not another environment, not the
// metadata address; the host cannot connect in; and an environment
// without egress reaches nothing.
func TestEgress(t *testing.T) {
	testenv.RequireRoot(t)
	out := newOutsideNet(t)
	sb := newSandbox(t, Config{Egress: EgressNAT, Uplinks: []string{out.uplink}})
	waitPoolFull(t, sb) // the pooled inits carry veths: both paths below use them
	gw, ok := sb.Gateway()
	if !ok || gw != netip.MustParseAddr("10.200.0.1") {
		t.Fatalf("Gateway = %v, %v", gw, ok)
	}
	apiLn, err := sb.ListenGateway(0)
	if err != nil {
		t.Fatalf("ListenGateway: %v", err)
	}
	api := serveOnHost(t, apiLn)
	// A host service on the gateway address without a hole, and one on
	// the host's address on the uplink.
	other, err := listenFreebind(sb.net.gw, 0)
	if err != nil {
		t.Fatal(err)
	}
	otherGW := serveOnHost(t, other)
	hostLn, err := net.Listen("tcp4", netip.AddrPortFrom(out.hostIP, 0).String())
	if err != nil {
		t.Fatal(err)
	}
	hostSvc := serveOnHost(t, hostLn)

	// B listens on all its addresses.
	bOut := newOutput(t)
	b := envForEgress(t, sb, "egress-b", sandbox.Limits{}, bOut, true)
	bAddr, ok := b.(*env).egressAddr()
	if !ok {
		t.Fatal("environment B has no egress address")
	}
	if err := b.Start([]string{"/var/task/bootstrap", probeArg, "serve", "7000"}, []string{"GORACE=atexit_sleep_ms=0"}); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, 30*time.Second, func() error {
		if !strings.Contains(bOut.String(), `PROBE {"listen":"ok"}`) {
			return errors.New("B not listening yet: " + bOut.String())
		}
		return nil
	})
	inB := netip.AddrPortFrom(bAddr, 7000).String()

	// The host cannot open a connection into an environment.
	if c, err := net.DialTimeout("tcp", inB, 2*time.Second); err == nil {
		c.Close()
		t.Errorf("host connected to environment B at %s", inB)
	}

	aOut := newOutput(t)
	a := envForEgress(t, sb, "egress-a", sandbox.Limits{}, aOut, true)
	metadata := "169.254.169.254:80"
	runProbeIn(t, a, nil, "dial", out.server.String(), api, otherGW, hostSvc, inB, metadata)
	r := aOut.report(t)
	want := map[string]string{
		out.server.String(): "ok",
		api:                 "ok",
		otherGW:             "timeout",
		hostSvc:             "timeout",
		inB:                 "timeout",
		metadata:            "timeout",
	}
	for addr, w := range want {
		if r[addr] != w {
			t.Errorf("dial %s from A = %q, want %q", addr, r[addr], w)
		}
	}
	select {
	case src := <-out.sources:
		if src != out.hostIP.String() {
			t.Errorf("outside server saw source %s, want the host's %s (masquerade)", src, out.hostIP)
		}
	case <-time.After(10 * time.Second):
		t.Error("outside server saw no connection")
	}

	// Without egress (a pooled init's veth is taken away): nothing.
	cOut := newOutput(t)
	c := envForEgress(t, sb, "egress-none", sandbox.Limits{}, cOut, false)
	if _, ok := c.(*env).egressAddr(); ok {
		t.Error("environment without egress has an address")
	}
	runProbeIn(t, c, nil, "dial", out.server.String(), api)
	r = cOut.report(t)
	for _, addr := range []string{out.server.String(), api} {
		if r[addr] != "ENETUNREACH" {
			t.Errorf("dial %s without egress = %q, want ENETUNREACH", addr, r[addr])
		}
	}
}

// TestEgressOffByConfig: with Egress none, a Spec asking for egress gets
// lo only, and nothing touches the host's network.
func TestEgressOffByConfig(t *testing.T) {
	sb := newSandbox(t, Config{Pool: -1})
	if _, ok := sb.Gateway(); ok {
		t.Error("gateway without egress")
	}
	if _, err := sb.ListenGateway(0); err == nil {
		t.Error("ListenGateway without egress succeeded")
	}
	o := newOutput(t)
	e := envForEgress(t, sb, "off", sandbox.Limits{}, o, true)
	runProbeIn(t, e, nil, "dial", "10.200.0.1:80", "192.0.2.1:80")
	for addr, got := range o.report(t) {
		if got != "ENETUNREACH" {
			t.Errorf("dial %s = %q, want ENETUNREACH", addr, got)
		}
	}
}

// TestCleanupNetwork fakes a crashed Lambent's rules and veth: cleanup
// removes them and leaves a live instance's rules alone.
func TestCleanupNetwork(t *testing.T) {
	testenv.RequireRoot(t)
	sb := newSandbox(t, Config{Pool: -1, Egress: EgressNAT, Uplinks: []string{}})
	dead := "999999999.1.deadbeef"
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ownerRules(dead, sb.net.gw, sb.net.net, []string{"eth9"}) {
		c.AddRule(r)
	}
	c.AddRule(holeRule(dead, sb.net.gw, 1234))
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	name := vethPrefix + ownerTag(dead) + "00000001"
	la := netlink.NewLinkAttrs()
	la.Name = name
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "ltx" + ownerTag(dead)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(name); err == nil {
			_ = netlink.LinkDel(l)
		}
	})
	if err := cleanupNetwork(); err != nil {
		t.Fatalf("cleanupNetwork: %v", err)
	}
	owners := rulesByOwner(t)
	if owners[dead] != 0 {
		t.Errorf("%d rules of the dead owner left", owners[dead])
	}
	if owners[sb.net.owner] == 0 {
		t.Error("the live instance's rules were removed")
	}
	if _, err := netlink.LinkByName(name); err == nil {
		t.Errorf("veth %s of the dead owner left", name)
	}
}

func rulesByOwner(t testing.TB) map[string]int {
	t.Helper()
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, name := range ownerChains {
		rs, err := c.GetRules(table, chains()[name])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if o, ok := ruleOwner(r); ok {
				n[o]++
			}
		}
	}
	return n
}

// checkNoVeths waits until no veth of the instance tag is left.
func checkNoVeths(t testing.TB, tag string) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		links, err := netlink.LinkList()
		if err != nil {
			return err
		}
		for _, l := range links {
			if strings.HasPrefix(l.Attrs().Name, vethPrefix+tag) {
				return fmt.Errorf("veth %s left", l.Attrs().Name)
			}
		}
		return nil
	})
}
