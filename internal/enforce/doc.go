// Package enforce is Lambent's IAM-backed authorisation point: an
// authz.Authorizer that decides every request with the policy engine
// (internal/policy). It resolves the caller's identity-based policies,
// permissions boundary and session policies, loads the target's resource
// policy (Lambda function policies), fills the global condition keys from
// the principal and the transport, and returns AWS's AccessDenied error
// when the engine denies.
//
// An account's root user acting inside its own account is allowed without
// reading anything, as in AWS (no SCPs exist in Lambent), so the common
// path of the invoke benchmark costs nothing. Every other decision reads
// policies through caches that the writers invalidate (internal/iam), so a
// policy change applies to the next request.
package enforce
