package linux

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Egress is the outbound networking of environments (reference §5).
type Egress string

const (
	// EgressNone: every environment's network namespace holds lo only.
	EgressNone Egress = "none"
	// EgressNAT: environments whose Spec asks for egress get a veth pair
	// with a routed /32 address, a default route through the host and
	// masquerading to the uplinks, under nftables rules that allow
	// nothing else (nft.go).
	EgressNAT Egress = "nat"
)

// DefaultEgressNetwork is where environments' addresses come from; its
// first address is the gateway, the host's side of every veth.
var DefaultEgressNetwork = netip.MustParsePrefix("10.200.0.0/16")

// network gives environments their veth, address and routes, and keeps
// this instance's nftables rules.
type network struct {
	owner string
	tag   string // 4 hex digits in this instance's veth names
	gw    netip.Addr
	net   netip.Prefix
	log   *slog.Logger
	// nameservers are the host's resolvers an environment can reach
	// through NAT; empty when the host resolves through loopback.
	nameservers []string

	mu     sync.Mutex
	seq    uint32
	cursor uint32 // next host offset in net to try
}

// veth is an environment's link to the host.
type veth struct {
	host string     // host-side name (lbt…)
	addr netip.Addr // the environment's address
}

// ownerTag is the part of an owner's veth names that identifies it.
func ownerTag(owner string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(owner))
	return fmt.Sprintf("%04x", h.Sum32()&0xffff)
}

// newNetwork enables IPv4 forwarding, installs the shared table and this
// instance's rules.
func newNetwork(cfg Config, owner string) (*network, error) {
	p := cfg.EgressNetwork.Masked()
	if !p.Addr().Is4() || p.Bits() > 28 || p.Bits() < 8 {
		return nil, fmt.Errorf("egress network %s: want an IPv4 prefix between /8 and /28", cfg.EgressNetwork)
	}
	n := &network{owner: owner, tag: ownerTag(owner), gw: p.Addr().Next(), net: p, log: cfg.Logger, cursor: 2,
		nameservers: hostNameservers("/etc/resolv.conf")}
	uplinks := cfg.Uplinks
	if uplinks == nil {
		var err error
		if uplinks, err = defaultUplinks(); err != nil {
			return nil, err
		}
		if len(uplinks) == 0 {
			n.log.Warn("linux sandbox: no IPv4 default route; environments reach only the gateway address")
		}
	}
	if err := enableForwarding(n.log); err != nil {
		return nil, err
	}
	c, err := nftables.New()
	if err != nil {
		return nil, fmt.Errorf("nftables: %w", err)
	}
	ensureTable(c)
	for _, r := range ownerRules(owner, n.gw, p, uplinks) {
		c.AddRule(r)
	}
	if err := c.Flush(); err != nil {
		return nil, fmt.Errorf("nftables: table inet %s: %w", nftTable, err)
	}
	return n, nil
}

// enableForwarding turns on IPv4 forwarding, which NAT needs.
func enableForwarding(log *slog.Logger) error {
	const p = "/proc/sys/net/ipv4/ip_forward"
	if b, err := os.ReadFile(p); err == nil && strings.TrimSpace(string(b)) == "1" {
		return nil
	}
	if err := os.WriteFile(p, []byte("1"), 0); err != nil {
		return fmt.Errorf("enable IPv4 forwarding: %w", err)
	}
	log.Info("linux sandbox: enabled IPv4 forwarding (net.ipv4.ip_forward=1) for environment egress")
	return nil
}

// defaultUplinks names the interfaces of the host's IPv4 default routes.
func defaultUplinks() ([]string, error) {
	routes, err := netlink.RouteList(nil, netlink.FAMILY_V4)
	if err != nil {
		return nil, fmt.Errorf("list routes: %w", err)
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range routes {
		if r.Dst != nil {
			if ones, _ := r.Dst.Mask.Size(); ones != 0 {
				continue
			}
		}
		l, err := netlink.LinkByIndex(r.LinkIndex)
		if err != nil {
			continue
		}
		if name := l.Attrs().Name; !seen[name] && !strings.HasPrefix(name, vethPrefix) {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, nil
}

// hostNameservers returns the IPv4 resolvers of a resolv.conf that an
// environment could reach through NAT (not loopback or link-local).
func hostNameservers(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[0] != "nameserver" {
			continue
		}
		a, err := netip.ParseAddr(fields[1])
		if err != nil || !a.Is4() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified() {
			continue
		}
		out = append(out, a.String())
	}
	return out
}

// attach gives the process pid's network namespace a veth pair: eth0
// inside with a /32 address and a default route through the gateway, and
// lbt… on the host with the gateway address and a route to it.
func (n *network) attach(pid int) (*veth, error) {
	n.mu.Lock()
	n.seq++
	name := fmt.Sprintf("%s%s%08x", vethPrefix, n.tag, n.seq)
	n.mu.Unlock()
	la := netlink.NewLinkAttrs()
	la.Name = name
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: la, PeerName: "eth0", PeerNamespace: netlink.NsPid(pid)}); err != nil {
		return nil, fmt.Errorf("create veth: %w", err)
	}
	v, err := n.configure(name, pid)
	if err != nil {
		// Rare; deleting a veth takes tens of milliseconds, so not inline.
		go n.deleteLink(name)
		return nil, err
	}
	return v, nil
}

func (n *network) configure(name string, pid int) (*veth, error) {
	link, err := netlink.LinkByName(name)
	if err != nil {
		return nil, fmt.Errorf("find veth: %w", err)
	}
	gw := &net.IPNet{IP: n.gw.AsSlice(), Mask: net.CIDRMask(32, 32)}
	if err := netlink.AddrAdd(link, &netlink.Addr{IPNet: gw, Scope: int(netlink.SCOPE_LINK)}); err != nil {
		return nil, fmt.Errorf("veth gateway address: %w", err)
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return nil, fmt.Errorf("veth up: %w", err)
	}
	addr, err := n.allocate(link.Attrs().Index)
	if err != nil {
		return nil, err
	}
	if err := n.inside(pid, func(h *netlink.Handle) error {
		eth0, err := h.LinkByName("eth0")
		if err != nil {
			return err
		}
		idx := eth0.Attrs().Index
		if err := h.AddrAdd(eth0, &netlink.Addr{IPNet: &net.IPNet{IP: addr.AsSlice(), Mask: net.CIDRMask(32, 32)}}); err != nil {
			return err
		}
		if err := h.LinkSetUp(eth0); err != nil {
			return err
		}
		if err := h.RouteAdd(&netlink.Route{LinkIndex: idx, Dst: gw, Scope: netlink.SCOPE_LINK}); err != nil {
			return err
		}
		return h.RouteAdd(&netlink.Route{LinkIndex: idx, Gw: gw.IP})
	}); err != nil {
		return nil, fmt.Errorf("configure eth0 inside the environment: %w", err)
	}
	return &veth{host: name, addr: addr}, nil
}

// allocate picks the environment's address: the host route to it is
// added exclusively, so an address another environment (of any Lambent on
// the host) still holds fails with EEXIST and the next one is tried.
func (n *network) allocate(linkIndex int) (netip.Addr, error) {
	size := uint32(1) << (32 - n.net.Bits())
	base := n.net.Addr().As4()
	baseN := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	for range min(size, 4096) {
		n.mu.Lock()
		off := n.cursor
		if n.cursor++; n.cursor >= size-1 { // skip the network, gateway and broadcast addresses
			n.cursor = 2
		}
		n.mu.Unlock()
		v := baseN + off
		a := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
		err := netlink.RouteAdd(&netlink.Route{LinkIndex: linkIndex, Scope: netlink.SCOPE_LINK,
			Dst: &net.IPNet{IP: a.AsSlice(), Mask: net.CIDRMask(32, 32)}, Src: n.gw.AsSlice()})
		if err == nil {
			return a, nil
		}
		if !errors.Is(err, unix.EEXIST) {
			return netip.Addr{}, fmt.Errorf("route to environment: %w", err)
		}
	}
	return netip.Addr{}, fmt.Errorf("no free address in %s", n.net)
}

// inside runs f with a netlink handle in pid's network namespace.
func (n *network) inside(pid int, f func(h *netlink.Handle) error) error {
	fd, err := unix.Open("/proc/"+strconv.Itoa(pid)+"/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	h, err := netlink.NewHandleAt(netns.NsHandle(fd), unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer h.Close()
	return f(h)
}

// detach cuts a pooled init's veth before it runs a function without
// egress: eth0 goes down inside (which also drops its routes, so connects
// fail at once with ENETUNREACH), and the pair is deleted in the
// background.
func (n *network) detach(pid int, v *veth) error {
	err := n.inside(pid, func(h *netlink.Handle) error {
		eth0, err := h.LinkByName("eth0")
		if err != nil {
			return err
		}
		return h.LinkSetDown(eth0)
	})
	go n.deleteLink(v.host)
	if err != nil {
		return fmt.Errorf("disconnect environment: %w", err)
	}
	return nil
}

func (n *network) deleteLink(name string) {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return
	}
	if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
		n.log.Warn("linux sandbox: delete veth", "name", name, "err", err.Error())
	}
}

// listenGateway listens on the gateway address (IP_FREEBIND: it exists
// only while some veth carries it) and opens the firewall for that port.
func (n *network) listenGateway(port int) (net.Listener, error) {
	ln, err := listenFreebind(n.gw, port)
	if err != nil {
		return nil, err
	}
	c, err := nftables.New()
	if err == nil {
		c.AddRule(holeRule(n.owner, n.gw, uint16(ln.Addr().(*net.TCPAddr).Port)))
		err = c.Flush()
	}
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("nftables: open the gateway port: %w", err)
	}
	return ln, nil
}

// listenFreebind listens on addr:port, whether addr is configured on the
// host yet or not.
func listenFreebind(addr netip.Addr, port int) (net.Listener, error) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_FREEBIND, 1)
		})
		return errors.Join(err, serr)
	}}
	return lc.Listen(context.Background(), "tcp4", netip.AddrPortFrom(addr, uint16(port)).String())
}

// close removes this instance's rules. Its veths go with their
// environments' network namespaces.
func (n *network) close() error {
	c, err := nftables.New()
	if err != nil {
		return err
	}
	_, _, err = deleteOwnerRules(c, func(o string) bool { return o == n.owner })
	return err
}

// cleanupNetwork removes what dead instances left: their rules in the
// shared table and their veths (normally gone with their environments'
// network namespaces). The table itself stays: its base chains match only
// sandbox veths, and a starting instance rewrites them. Links are listed
// before the rules, so that a veth of an instance starting meanwhile
// (which adds its rules before it makes any veth) is never taken for a
// leftover.
func cleanupNetwork() error {
	links, err := netlink.LinkList()
	if err != nil {
		return fmt.Errorf("list links: %w", err)
	}
	c, err := nftables.New()
	if err != nil {
		return err
	}
	live := map[string]bool{}
	if ok, err := tableExists(c); err != nil {
		return fmt.Errorf("nftables: %w", err)
	} else if ok {
		seen, removed, err := deleteOwnerRules(c, func(o string) bool { return !ownerAlive(o) })
		if err != nil {
			return fmt.Errorf("nftables: %w", err)
		}
		for o := range seen {
			if !removed[o] {
				live[ownerTag(o)] = true
			}
		}
	}
	var errs []error
	for _, l := range links {
		name := l.Attrs().Name
		if l.Type() != "veth" || !strings.HasPrefix(name, vethPrefix) || len(name) != len(vethPrefix)+12 ||
			live[name[len(vethPrefix):len(vethPrefix)+4]] {
			continue
		}
		if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
			errs = append(errs, fmt.Errorf("delete veth %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
