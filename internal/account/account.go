// Package account defines the tenant identity that scopes every stored
// resource. The zero ID is invalid by construction.
package account

import (
	"lambent/internal/errkind"
)

// ID is a 12-digit AWS account ID.
type ID string

// Parse validates s as a 12-digit account ID.
func Parse(s string) (ID, error) {
	if len(s) != 12 {
		return "", errkind.Newf(errkind.InvalidArgument, "invalid account ID %q", s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", errkind.Newf(errkind.InvalidArgument, "invalid account ID %q", s)
		}
	}
	return ID(s), nil
}

// Valid reports whether id is a well-formed, non-zero account ID.
func (id ID) Valid() bool {
	_, err := Parse(string(id))
	return err == nil
}

// Check returns an InvalidArgument error for an invalid ID. Store
// implementations call it first in every method.
func (id ID) Check() error {
	if !id.Valid() {
		return errkind.New(errkind.InvalidArgument, "account ID required")
	}
	return nil
}

func (id ID) String() string { return string(id) }
