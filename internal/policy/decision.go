package policy

import (
	"fmt"

	"lambent/internal/errkind"
)

// Outcome is the result of an evaluation. The zero value denies.
type Outcome uint8

// The outcomes.
const (
	ImplicitDeny Outcome = iota // nothing allowed the request
	Allowed
	ExplicitDeny // a Deny statement applied
)

func (o Outcome) String() string {
	switch o {
	case ImplicitDeny:
		return "implicitDeny"
	case Allowed:
		return "allowed"
	case ExplicitDeny:
		return "explicitDeny"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// PolicyType is the type of policy a statement came from. String gives
// the words AWS's denial messages use.
type PolicyType uint8

// The policy types. The zero value means "no policy".
const (
	IdentityBased PolicyType = iota + 1
	ResourceBased            // resource-based and trust policies
	PermissionsBoundary
	SessionPolicy
	ServiceControl  // Organizations SCP (hook: nothing in Lambent attaches one yet)
	ResourceControl // Organizations RCP (hook)
	numPolicyTypes
)

var policyTypeWords = [...]string{"", "identity-based policy", "resource-based policy", "permissions boundary",
	"session policy", "service control policy", "resource control policy"}

func (t PolicyType) String() string {
	if t < numPolicyTypes {
		return policyTypeWords[t]
	}
	return fmt.Sprintf("PolicyType(%d)", uint8(t))
}

// Match identifies one statement that applied to a request.
type Match struct {
	Type PolicyType
	// Policy indexes the policy within its type: Policies.Identity or
	// Policies.Session; 0 for the boundary and the resource policy; for
	// SCPs and RCPs, the position counting across levels, root first.
	Policy int
	// Statement indexes the policy's statements (Policy.Statements).
	Statement int
	Sid       string
}

// Decision is the result of Evaluate.
type Decision struct {
	Outcome Outcome
	// PolicyType says which policy type decided: the type of the Deny that
	// applied, the type that failed to allow, or the type of By.
	PolicyType PolicyType
	// By is the statement that decided: the first applicable Deny, or the
	// Allow that granted. It is the zero Match for an implicit deny and
	// for a root user allowed without any statement.
	By Match
	// Matched lists, for Explain only, every applicable Deny statement of
	// an explicit deny or every applicable Allow statement of an allow.
	Matched []Match
}

// Allowed reports whether the request is allowed.
func (d Decision) Allowed() bool { return d.Outcome == Allowed }

// Err returns nil when d allows, else an errkind.AccessDenied error whose
// public message is DenialMessage(req, d).
func (d Decision) Err(req *Request) error {
	if d.Allowed() {
		return nil
	}
	return errkind.New(errkind.AccessDenied, DenialMessage(req, d))
}

// Policies are all the policies that bear on one request (§4.6).
type Policies struct {
	// Identity holds the caller's identity-based policies: inline and
	// managed, including its groups' for a user, its role's for a session.
	Identity []*Policy
	// Boundary is the caller's permissions boundary, nil if none.
	Boundary *Policy
	// Session holds the session policies passed when the session was
	// created (AssumeRole Policy and PolicyArns); empty if none were.
	Session []*Policy
	// Resource is the target's resource-based policy, or the role's trust
	// policy for AssumeRole; nil if none.
	Resource *Policy
	// ResourceAccount owns the resource. When empty it is the account
	// component of Request.Resource, or the caller's account when the
	// resource ARN names none.
	ResourceAccount string
	// ServiceControl and ResourceControl are Organizations policies per
	// level, root first; at every level one policy must allow. Hooks for
	// the simulator: Lambent does not attach SCPs or RCPs yet.
	ServiceControl  [][]*Policy
	ResourceControl [][]*Policy
}
