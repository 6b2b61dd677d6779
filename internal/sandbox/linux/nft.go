package linux

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
	"golang.org/x/sys/unix"
)

// The nftables side of egress (reference §5). Every Lambent on the host
// shares one table, inet lambent:
//
//	chain input  (filter, hook input):   iifname "lbt*" ct state established,related accept
//	                                      iifname "lbt*" jump holes
//	                                      iifname "lbt*" drop
//	                                      iifname != "lbt*" iifname != "lo" jump gateways
//	chain forward (filter, hook forward): oifname "lbt*" ct state established,related accept
//	                                      iifname "lbt*" ip daddr 169.254.0.0/16 drop
//	                                      iifname "lbt*" jump uplinks
//	                                      iifname "lbt*" drop
//	                                      oifname "lbt*" drop
//	chain output (filter, hook output):   oifname "lbt*" ct state established,related accept
//	                                      oifname "lbt*" drop
//	chain postrouting (nat, srcnat):      jump masquerade
//
// The base chains are the same for every instance and rewritten as a
// whole, atomically, by each one that starts. The regular chains holes,
// gateways, uplinks and masquerade hold one instance's rules each, tagged
// with the instance's owner name in the rule's comment, so that an
// instance removes its own at Close and CleanupLeftovers removes those of
// instances whose process is gone:
//
//	holes:      ip daddr <gateway> tcp dport <API port> accept
//	gateways:   ip daddr <gateway> drop        (the gateway address is for sandboxes only)
//	uplinks:    oifname <uplink> accept
//	masquerade: ip saddr <network> oifname <uplink> masquerade
//
// Nothing else on the host is touched, and no iptables binary is run.

const (
	nftTable = "lambent"
	// vethPrefix starts the host-side name of every environment's veth:
	// lbt, 4 hex digits of the instance's tag, 8 of a sequence number.
	vethPrefix = "lbt"
	// ownerComment prefixes the comment of an instance's rules.
	ownerComment = "lambent owner "
)

// metadataNet is never reachable from sandboxes: cloud metadata services
// (169.254.169.254) hand out the host's credentials.
var metadataNet = netip.MustParsePrefix("169.254.0.0/16")

var (
	table        = &nftables.Table{Name: nftTable, Family: nftables.TableFamilyINet}
	accept       = &expr.Verdict{Kind: expr.VerdictAccept}
	drop         = &expr.Verdict{Kind: expr.VerdictDrop}
	ownerChains  = []string{"holes", "gateways", "uplinks", "masquerade"}
	policyAccept = nftables.ChainPolicyAccept
)

func jump(chain string) expr.Any { return &expr.Verdict{Kind: expr.VerdictJump, Chain: chain} }

// ifname matches the input (in) or output interface name; a name ending
// in "*" matches as a prefix, as nft's wildcard does.
func ifname(in bool, name string, op expr.CmpOp) []expr.Any {
	key := expr.MetaKeyOIFNAME
	if in {
		key = expr.MetaKeyIIFNAME
	}
	data := []byte(name + "\x00")
	if p, ok := strings.CutSuffix(name, "*"); ok {
		data = []byte(p)
	}
	return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: op, Register: 1, Data: data}}
}

// ctState matches packets whose conntrack state has one of bits.
func ctState(bits uint32) []expr.Any {
	return []expr.Any{
		&expr.Ct{Register: 1, Key: expr.CtKeySTATE},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binary.NativeEndian.AppendUint32(nil, bits), Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: make([]byte, 4)},
	}
}

// ipv4Addr matches the IPv4 source (src) or destination address against
// a prefix.
func ipv4Addr(src bool, p netip.Prefix) []expr.Any {
	off := uint32(16)
	if src {
		off = 12
	}
	a := p.Masked().Addr().As4()
	mask := netipMask(p.Bits())
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV4}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: a[:]},
	}
}

func netipMask(bits int) []byte {
	m := make([]byte, 4)
	for i := range bits {
		m[i/8] |= 0x80 >> (i % 8)
	}
	return m
}

// tcpDport matches TCP packets to port.
func tcpDport(port uint16) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.IPPROTO_TCP}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binary.BigEndian.AppendUint16(nil, port)},
	}
}

func rule(chain *nftables.Chain, parts ...[]expr.Any) *nftables.Rule {
	var exprs []expr.Any
	for _, p := range parts {
		exprs = append(exprs, p...)
	}
	return &nftables.Rule{Table: table, Chain: chain, Exprs: exprs}
}

func one(e expr.Any) []expr.Any { return []expr.Any{e} }

// chains returns the table's chains by name.
func chains() map[string]*nftables.Chain {
	base := func(name string, hook *nftables.ChainHook, typ nftables.ChainType, prio *nftables.ChainPriority) *nftables.Chain {
		return &nftables.Chain{Name: name, Table: table, Hooknum: hook, Priority: prio, Type: typ, Policy: &policyAccept}
	}
	c := map[string]*nftables.Chain{
		"input":       base("input", nftables.ChainHookInput, nftables.ChainTypeFilter, nftables.ChainPriorityFilter),
		"forward":     base("forward", nftables.ChainHookForward, nftables.ChainTypeFilter, nftables.ChainPriorityFilter),
		"output":      base("output", nftables.ChainHookOutput, nftables.ChainTypeFilter, nftables.ChainPriorityFilter),
		"postrouting": base("postrouting", nftables.ChainHookPostrouting, nftables.ChainTypeNAT, nftables.ChainPriorityNATSource),
	}
	for _, name := range ownerChains {
		c[name] = &nftables.Chain{Name: name, Table: table}
	}
	return c
}

// ensureTable queues the creation of the table and its chains, when
// missing, and the rewrite of the base chains' rules; the caller's Flush
// applies them, and its own rules, in one atomic batch. The owners'
// chains are created empty when missing and otherwise left alone.
func ensureTable(c *nftables.Conn) {
	ch := chains()
	c.AddTable(table)
	for _, name := range ownerChains {
		c.AddChain(ch[name])
	}
	sbx := vethPrefix + "*"
	established := ctState(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED)
	for _, name := range []string{"input", "forward", "output", "postrouting"} {
		c.AddChain(ch[name])
		c.FlushChain(ch[name])
	}
	in, fwd, out := ch["input"], ch["forward"], ch["output"]
	for _, r := range []*nftables.Rule{
		rule(in, ifname(true, sbx, expr.CmpOpEq), established, one(accept)),
		rule(in, ifname(true, sbx, expr.CmpOpEq), one(jump("holes"))),
		rule(in, ifname(true, sbx, expr.CmpOpEq), one(drop)),
		rule(in, ifname(true, sbx, expr.CmpOpNeq), ifname(true, "lo", expr.CmpOpNeq), one(jump("gateways"))),
		rule(fwd, ifname(false, sbx, expr.CmpOpEq), established, one(accept)),
		rule(fwd, ifname(true, sbx, expr.CmpOpEq), ipv4Addr(false, metadataNet), one(drop)),
		rule(fwd, ifname(true, sbx, expr.CmpOpEq), one(jump("uplinks"))),
		rule(fwd, ifname(true, sbx, expr.CmpOpEq), one(drop)),
		rule(fwd, ifname(false, sbx, expr.CmpOpEq), one(drop)),
		rule(out, ifname(false, sbx, expr.CmpOpEq), established, one(accept)),
		rule(out, ifname(false, sbx, expr.CmpOpEq), one(drop)),
		rule(ch["postrouting"], one(jump("masquerade"))),
	} {
		c.AddRule(r)
	}
}

// ownerRules are an instance's rules in the owners' chains.
func ownerRules(owner string, gw netip.Addr, network netip.Prefix, uplinks []string) []*nftables.Rule {
	ch := chains()
	gwP := netip.PrefixFrom(gw, 32)
	rs := []*nftables.Rule{rule(ch["gateways"], ipv4Addr(false, gwP), one(drop))}
	for _, u := range uplinks {
		rs = append(rs,
			rule(ch["uplinks"], ifname(false, u, expr.CmpOpEq), one(accept)),
			rule(ch["masquerade"], ipv4Addr(true, network), ifname(false, u, expr.CmpOpEq), one(&expr.Masq{})))
	}
	return tag(owner, rs)
}

// holeRule lets an instance's sandboxes open connections to port on the
// gateway address.
func holeRule(owner string, gw netip.Addr, port uint16) *nftables.Rule {
	r := rule(chains()["holes"], ipv4Addr(false, netip.PrefixFrom(gw, 32)), tcpDport(port), one(accept))
	return tag(owner, []*nftables.Rule{r})[0]
}

func tag(owner string, rs []*nftables.Rule) []*nftables.Rule {
	for _, r := range rs {
		r.UserData = userdata.AppendString(nil, userdata.TypeComment, ownerComment+owner)
	}
	return rs
}

// ruleOwner returns the owner named in a rule's comment.
func ruleOwner(r *nftables.Rule) (string, bool) {
	s, ok := userdata.GetString(r.UserData, userdata.TypeComment)
	if !ok {
		return "", false
	}
	return strings.CutPrefix(s, ownerComment)
}

// deleteOwnerRules removes the rules of the owners for which remove
// returns true, and returns every owner seen and those removed.
func deleteOwnerRules(c *nftables.Conn, remove func(owner string) bool) (seen, removed map[string]bool, err error) {
	seen, removed = map[string]bool{}, map[string]bool{}
	ch := chains()
	for _, name := range ownerChains {
		rs, err := c.GetRules(table, ch[name])
		if err != nil {
			return nil, nil, fmt.Errorf("list rules of %s: %w", name, err)
		}
		for _, r := range rs {
			owner, ok := ruleOwner(r)
			if !ok {
				continue
			}
			seen[owner] = true
			if remove(owner) {
				removed[owner] = true
				if err := c.DelRule(r); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	return seen, removed, c.Flush()
}

// tableExists reports whether the lambent table exists.
func tableExists(c *nftables.Conn) (bool, error) {
	ts, err := c.ListTablesOfFamily(nftables.TableFamilyINet)
	if err != nil {
		return false, err
	}
	for _, t := range ts {
		if t.Name == nftTable {
			return true, nil
		}
	}
	return false, nil
}
