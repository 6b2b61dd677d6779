package function

import (
	"testing"

	"lambent/internal/errkind"
)

func ptr[T any](v T) *T { return &v }

// checkErr fails t unless err has kind k and public message msg; msg == ""
// means no error.
func checkErr(t *testing.T, err error, k errkind.Kind, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e, ok := errkind.As(err)
	if !ok {
		t.Fatalf("error = %v, want %v %q", err, k, msg)
	}
	if e.Kind != k {
		t.Errorf("kind = %v, want %v", e.Kind, k)
	}
	if e.Public != msg {
		t.Errorf("message:\n got %s\nwant %s", e.Public, msg)
	}
}

// one is the text of a single ValidationException violation.
func one(v string) string { return "1 validation error detected: " + v }
