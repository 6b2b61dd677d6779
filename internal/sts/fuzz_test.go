package sts

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzOpenToken feeds arbitrary session tokens to the sealer: it must
// never panic and must never open anything it did not seal.
func FuzzOpenToken(f *testing.F) {
	s, err := newSealer([]byte(strings.Repeat("k", 32)))
	if err != nil {
		f.Fatal(err)
	}
	sealed := claims{AccessKeyID: "ASIAX", Secret: "s", Account: "111111111111", Type: "root"}
	good, err := s.seal(&sealed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("LMT1.")
	f.Add("LMT1.AAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		// Every worker seals its own token (the nonce is random), so the
		// property is on content: whatever opens is what this key sealed.
		c, err := s.open(token)
		if err == nil && !reflect.DeepEqual(*c, sealed) {
			t.Fatalf("opened something this key never sealed: %q → %+v", token, c)
		}
	})
}
