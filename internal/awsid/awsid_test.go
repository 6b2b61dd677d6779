package awsid

import (
	"strings"
	"testing"
)

func TestShapes(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		for _, tt := range []struct {
			got    string
			prefix string
			n      int
		}{
			{UniqueID(Role), Role, 21},
			{AccessKeyID(TemporaryKey), TemporaryKey, 20},
		} {
			if len(tt.got) != tt.n || !strings.HasPrefix(tt.got, tt.prefix) ||
				strings.Trim(tt.got[4:], alphabet) != "" {
				t.Fatalf("%q: want %s + %d of [A-Z2-7]", tt.got, tt.prefix, tt.n-4)
			}
			if seen[tt.got] {
				t.Fatalf("%q repeated", tt.got)
			}
			seen[tt.got] = true
		}
		if s := SecretKey(); len(s) != 40 {
			t.Fatalf("secret %q is not 40 characters", s)
		}
	}
}
