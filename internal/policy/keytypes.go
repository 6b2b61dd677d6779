package policy

import (
	"fmt"
	"strings"
)

//go:generate go test -run ^TestKeyTypeTable$ . -args -update

// KeyType is the type of a condition key in the Service Authorization
// Reference. It decides whether a key is multivalued (§4.3).
type KeyType uint8

// The key types.
const (
	KeyString KeyType = iota + 1
	KeyArrayOfString
	KeyARN
	KeyArrayOfARN
	KeyNumeric
	KeyBool
	KeyDate
	KeyIPAddress
	KeyBinary
)

var keyTypeNames = [...]string{"", "String", "ArrayOfString", "ARN", "ArrayOfARN", "Numeric", "Bool",
	"Date", "IPAddress", "Binary"}

func (t KeyType) String() string {
	if int(t) < len(keyTypeNames) && t != 0 {
		return keyTypeNames[t]
	}
	return fmt.Sprintf("KeyType(%d)", uint8(t))
}

// Multivalued reports whether keys of type t carry a set of values.
func (t KeyType) Multivalued() bool { return t == KeyArrayOfString || t == KeyArrayOfARN }

// KeyTypeOf returns the type of condition key (case-insensitive): the aws:
// global keys and the keys of lambda, iam, sts and logs, including
// templated ones such as aws:ResourceTag/<tag>.
func KeyTypeOf(key string) (KeyType, bool) {
	return lookupKeyType(strings.ToLower(key))
}

// keyIsMultivalued reports whether a condition on key (lower-cased) must be
// ready for several request values: ArrayOf… keys and keys this engine does
// not know.
func keyIsMultivalued(key string) bool {
	t, ok := lookupKeyType(key)
	return !ok || t.Multivalued()
}

// keyIsKnownMultivalued reports whether key (lower-cased) is typed
// ArrayOf…; such keys are never substituted as policy variables (§4.4).
func keyIsKnownMultivalued(key string) bool {
	t, ok := lookupKeyType(key)
	return ok && t.Multivalued()
}

// lookupKeyType finds the type of a lower-cased key.
func lookupKeyType(key string) (KeyType, bool) {
	if t, ok := keyTypeExact(key); ok {
		return t, true
	}
	return keyTypeTemplated(key)
}

// hasAround reports whether key is prefix, a non-empty placeholder value,
// then suffix: the shape of a templated key such as aws:ResourceTag/${TagKey}.
func hasAround(key, prefix, suffix string) bool {
	return len(key) > len(prefix)+len(suffix) && strings.HasPrefix(key, prefix) && strings.HasSuffix(key, suffix)
}
