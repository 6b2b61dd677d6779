package logs

import (
	"regexp"
	"testing"
	"time"
)

func TestStreamName(t *testing.T) {
	at := time.Date(2024, 3, 9, 23, 30, 0, 0, time.FixedZone("UTC-2", -2*3600))
	tests := []struct {
		name, version, id, want string
	}{
		{"hex id kept", "$LATEST", "0123456789ABCDEF0123456789abcdef", "2024/03/10/[$LATEST]0123456789abcdef0123456789abcdef"},
		{"version number", "7", "00000000000000000000000000000000", "2024/03/10/[7]00000000000000000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StreamName(at, tt.version, tt.id); got != tt.want {
				t.Errorf("StreamName = %q, want %q", got, tt.want)
			}
		})
	}
	format := regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$`)
	for _, id := range []string{"", "3f1c2a9e-8a1b-4b7e-9d1e-0c0e0f0a1b2c", "not hex at all, but 32 bytes!!!!"} {
		got := StreamName(at, "$LATEST", id)
		if !format.MatchString(got) {
			t.Errorf("StreamName(id %q) = %q, not in Lambda's format", id, got)
		}
		if again := StreamName(at, "$LATEST", id); again != got {
			t.Errorf("StreamName(id %q) not stable: %q then %q", id, got, again)
		}
	}
}
