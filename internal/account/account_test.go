package account

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"000000000000", true},
		{"123456789012", true},
		{"", false},
		{"12345678901", false},
		{"12345678901a", false},
		{"1234567890123", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("Parse(%q) err = %v, want ok=%v", tt.in, err, tt.ok)
			}
			if ID(tt.in).Valid() != tt.ok {
				t.Fatalf("Valid(%q) != %v", tt.in, tt.ok)
			}
		})
	}
}
