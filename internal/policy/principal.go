package policy

import (
	"fmt"
	"strings"

	"lambent/internal/arn"
)

// PrincipalType is the kind of caller; String gives the aws:PrincipalType
// value where AWS defines one.
type PrincipalType uint8

// The principal types. The zero value is the anonymous caller.
const (
	Anonymous         PrincipalType = iota
	Root                            // an account's root user
	User                            // an IAM user
	AssumedRole                     // a role session
	FederatedUser                   // a GetFederationToken session
	ServicePrincipal                // an AWS service, e.g. lambda.amazonaws.com
	FederatedProvider               // a web-identity or SAML provider (AssumeRoleWith…)
)

var principalTypeNames = [...]string{"Anonymous", "Account", "User", "AssumedRole", "FederatedUser",
	"Service", "FederatedProvider"}

func (t PrincipalType) String() string {
	if int(t) < len(principalTypeNames) {
		return principalTypeNames[t]
	}
	return fmt.Sprintf("PrincipalType(%d)", uint8(t))
}

// inAccount reports whether principals of type t belong to an account and
// so have an identity side to evaluate.
func (t PrincipalType) inAccount() bool { return t >= Root && t <= FederatedUser }

// isSession reports whether t is a temporary-credential session.
func (t PrincipalType) isSession() bool { return t == AssumedRole || t == FederatedUser }

// Principal is the authenticated caller of a request.
type Principal struct {
	Type PrincipalType
	// ARN is the caller's ARN: arn:aws:iam::A:root, …:user/PATH/NAME,
	// arn:aws:sts::A:assumed-role/ROLE/SESSION, …:federated-user/NAME. For
	// a service principal it is the service name (lambda.amazonaws.com),
	// for a federated provider the provider's name or ARN. Empty for
	// anonymous callers.
	ARN string
	// Account is the caller's 12-digit account ID (empty for services,
	// providers and anonymous callers).
	Account string
	// RoleARN is the ARN, with its path, of the role a session belongs to.
	// Role sessions only; when empty, a role principal in a policy matches
	// the session by account and role name.
	RoleARN string
	// UniqueID is the unique ID of the user (AIDA…) or of the role a
	// session belongs to (AROA…). Policies whose principals Lambent stored
	// bound to unique IDs (§4.5) match on it.
	UniqueID string
}

// grant is the strength of a resource-policy Allow for the principal it
// matched (§4.6 step 3), weakest first.
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // names the caller's account: identity must allow too
	grantRole          // names the caller's role: boundary and session apply
	grantDirect        // names the caller itself, everyone, or a service
)

type principalKind uint8

const (
	pkEveryone principalKind = iota
	pkAccount
	pkUser
	pkRole
	pkSession       // arn:aws:sts::A:assumed-role/R/S
	pkFederatedUser // arn:aws:sts::A:federated-user/N
	pkUserID        // AIDA…
	pkRoleID        // AROA…
	pkService
	pkFederated
	pkCanonical // never matches: Lambent has no canonical users
)

type principalEntry struct {
	kind  principalKind
	value string // account ID, ARN, unique ID or service name
}

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	entries []principalEntry
}

// compilePrincipal validates and compiles p. The error message is AWS's
// "Invalid principal in policy" text.
func compilePrincipal(p *rawPrincipal) (*principalSet, string) {
	if p.star {
		return &principalSet{entries: []principalEntry{{kind: pkEveryone}}}, ""
	}
	ps := &principalSet{}
	for _, e := range p.entries {
		for _, v := range e.values {
			pe, ok := classifyPrincipal(e.typ, v)
			if !ok {
				return nil, fmt.Sprintf("Invalid principal in policy: %q:%q", strings.ToUpper(e.typ), v)
			}
			ps.entries = append(ps.entries, pe)
		}
	}
	return ps, ""
}

func classifyPrincipal(typ, v string) (principalEntry, bool) {
	if v == "" || v != "*" && strings.ContainsAny(v, "*?") {
		return principalEntry{}, false
	}
	switch typ {
	case "AWS":
		return classifyAWSPrincipal(v)
	case "Service":
		return principalEntry{kind: pkService, value: v}, isServiceName(v)
	case "Federated":
		return principalEntry{kind: pkFederated, value: v}, v != "*"
	case "CanonicalUser":
		return principalEntry{kind: pkCanonical, value: v}, v != "*" && isHex(v)
	}
	return principalEntry{}, false
}

func classifyAWSPrincipal(v string) (principalEntry, bool) {
	switch {
	case v == "*":
		return principalEntry{kind: pkEveryone}, true
	case isAccountID(v):
		return principalEntry{kind: pkAccount, value: v}, true
	case isUniqueID(v, "AIDA"):
		return principalEntry{kind: pkUserID, value: v}, true
	case isUniqueID(v, "AROA"):
		return principalEntry{kind: pkRoleID, value: v}, true
	}
	a, err := arn.Parse(v)
	if err != nil || !isAccountID(a.Account) || a.Region != "" || !validPartition(a.Partition) {
		return principalEntry{}, false
	}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		return principalEntry{kind: pkAccount, value: a.Account}, true
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		return principalEntry{kind: pkUser, value: v}, true
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		return principalEntry{kind: pkRole, value: v}, true
	case a.Service == "sts" && strings.Count(a.Resource, "/") == 2 && strings.HasPrefix(a.Resource, "assumed-role/"):
		return principalEntry{kind: pkSession, value: v}, true
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		return principalEntry{kind: pkFederatedUser, value: v}, true
	}
	return principalEntry{}, false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	_, ok := parseDigits(s)
	return ok
}

// isUniqueID reports whether s is a 21-character unique ID with prefix.
func isUniqueID(s, prefix string) bool {
	if len(s) != 21 || !strings.HasPrefix(s, prefix) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// isServiceName accepts DNS-like service principals such as
// lambda.amazonaws.com; a bare "lambda" is refused, as AWS refuses it.
func isServiceName(s string) bool {
	if !strings.Contains(s, ".") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('a' <= c && c <= 'z' || '0' <= s[i] && s[i] <= '9' || s[i] == '.' || s[i] == '-') {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// match returns the strongest grant with which an entry of ps names p.
func (ps *principalSet) match(p *Principal) grant {
	best := grantNone
	for i := range ps.entries {
		if g := ps.entries[i].match(p); g > best {
			best = g
			if best == grantDirect {
				break
			}
		}
	}
	return best
}

func (e *principalEntry) match(p *Principal) grant {
	switch e.kind {
	case pkEveryone:
		return grantDirect
	case pkAccount:
		if p.Type.inAccount() && p.Account == e.value {
			return grantAccount
		}
	case pkUser:
		if p.Type == User && p.ARN == e.value {
			return grantDirect
		}
	case pkUserID:
		if p.Type == User && p.UniqueID == e.value {
			return grantDirect
		}
	case pkRole:
		if p.Type == AssumedRole && sessionOfRole(p, e.value) {
			return grantRole
		}
	case pkRoleID:
		if p.Type == AssumedRole && p.UniqueID == e.value {
			return grantRole
		}
	case pkSession:
		if p.Type == AssumedRole && p.ARN == e.value {
			return grantDirect
		}
	case pkFederatedUser:
		if p.Type == FederatedUser && p.ARN == e.value {
			return grantDirect
		}
	case pkService:
		if p.Type == ServicePrincipal && strings.EqualFold(p.ARN, e.value) {
			return grantDirect
		}
	case pkFederated:
		if p.Type == FederatedProvider && p.ARN == e.value {
			return grantDirect
		}
	}
	return grantNone
}

// sessionOfRole reports whether session p belongs to the role roleARN.
func sessionOfRole(p *Principal, roleARN string) bool {
	if p.RoleARN != "" {
		return p.RoleARN == roleARN
	}
	// arn:aws:sts::A:assumed-role/NAME/SESSION against
	// arn:aws:iam::A:role/PATH/NAME.
	sp, ok1 := splitARN(p.ARN)
	rp, ok2 := splitARN(roleARN)
	if !ok1 || !ok2 || sp[4] != rp[4] {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(sp[5], "assumed-role/"), "/")
	return name != "" && rp[5][strings.LastIndexByte(rp[5], '/')+1:] == name
}

// exempts reports whether a NotPrincipal set spares p from a Deny. It is
// strict, as AWS evaluates the account, the role and the session
// separately: an account principal is spared only when both its account
// and its own ARN (user, session or federated user) or unique ID are
// listed; a role ARN alone spares no session.
func (ps *principalSet) exempts(p *Principal) bool {
	var account, self bool
	for i := range ps.entries {
		e := &ps.entries[i]
		switch e.kind {
		case pkEveryone:
			return true
		case pkAccount:
			account = account || p.Type.inAccount() && p.Account == e.value
		case pkUser, pkUserID, pkSession, pkFederatedUser:
			self = self || e.match(p) == grantDirect
		case pkService, pkFederated:
			if e.match(p) == grantDirect {
				return true
			}
		}
	}
	if p.Type == Root {
		return account
	}
	return account && self
}
