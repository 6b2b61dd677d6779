// Package errkind is the closed vocabulary of error kinds that core packages
// use to classify failures. Core code wraps a kind with a public message; only
// the wire edge (internal/awswire) maps a kind to an AWS error code and HTTP
// status. The internal cause travels in the chain for logs and never reaches a
// tenant.
package errkind

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the edge.
type Kind int

// The kinds. Internal is the zero value so that an unclassified error is never
// mistaken for a client mistake.
const (
	Internal           Kind = iota
	NotFound                // the named resource does not exist
	AlreadyExists           // a resource with that identity exists
	Conflict                // the resource is in a state that forbids the call
	InvalidArgument         // a semantic problem with the request
	Validation              // a constraint on a field (pattern, length, range)
	InvalidContent          // the request body cannot be parsed
	TooLarge                // the request or an entity in it is over a limit
	PreconditionFailed      // an optimistic-concurrency guard did not match
	Unauthenticated         // the caller could not be authenticated
	AccessDenied            // the caller is not allowed to do this
	Throttled               // a rate or concurrency limit was reached
	Unavailable             // a dependency is temporarily unavailable
)

var names = [...]string{"Internal", "NotFound", "AlreadyExists", "Conflict", "InvalidArgument",
	"Validation", "InvalidContent", "TooLarge", "PreconditionFailed", "Unauthenticated",
	"AccessDenied", "Throttled", "Unavailable"}

func (k Kind) String() string {
	if int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Error is a classified error with a message that is safe to show a tenant.
type Error struct {
	Kind Kind
	// Public is the message shown to the caller.
	Public string
	// Detail refines the kind for the edge, for example the throttling reason
	// (ReservedFunctionConcurrentInvocationLimitExceeded) or an AWS sub-code
	// such as the SigV4 failure class. Optional.
	Detail string
	// Err is the internal cause; it is logged, never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Kind.String() + ": " + e.Public + ": " + e.Err.Error()
	}
	return e.Kind.String() + ": " + e.Public
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an error of kind k with a public message.
func New(k Kind, public string) error { return &Error{Kind: k, Public: public} }

// Newf is New with a formatted public message.
func Newf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Public: fmt.Sprintf(format, args...)}
}

// Wrap classifies cause as kind k with a public message.
func Wrap(k Kind, public string, cause error) error {
	return &Error{Kind: k, Public: public, Err: cause}
}

// WithDetail returns an error of kind k carrying a detail for the edge.
func WithDetail(k Kind, detail, public string) error {
	return &Error{Kind: k, Public: public, Detail: detail}
}

// As returns the outermost classified error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// KindOf returns the kind of the outermost classified error, or Internal.
func KindOf(err error) Kind {
	if e, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is classified as kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }
