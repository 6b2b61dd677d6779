package sts

import (
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
	good, err := s.seal(&claims{AccessKeyID: "ASIAX", Secret: "s", Account: "111111111111", Type: "root"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add("LMT1.")
	f.Add("LMT1.AAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.open(token)
		if err == nil && token != good {
			t.Fatalf("opened a token other than the one it sealed: %q → %+v", token, c)
		}
	})
}
