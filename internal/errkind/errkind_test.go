package errkind

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindSurvivesWrapping(t *testing.T) {
	cause := errors.New("disk on fire")
	err := fmt.Errorf("put function: %w", Wrap(Unavailable, "try later", cause))
	if got := KindOf(err); got != Unavailable {
		t.Fatalf("KindOf = %v, want Unavailable", got)
	}
	if !errors.Is(err, cause) {
		t.Fatal("cause lost in the chain")
	}
	e, _ := As(err)
	if e.Public != "try later" {
		t.Fatalf("Public = %q", e.Public)
	}
}

func TestUnclassifiedIsInternal(t *testing.T) {
	if got := KindOf(errors.New("x")); got != Internal {
		t.Fatalf("KindOf = %v, want Internal", got)
	}
	if Is(nil, Internal) {
		t.Fatal("nil error must not be of any kind")
	}
}
