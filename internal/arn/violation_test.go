package arn

import (
	"strings"
	"testing"

	"lambent/internal/errkind"
)

func TestViolations(t *testing.T) {
	mem := Violation{Member: "memorySize", Value: "64", Constraint: "Member must have value greater than or equal to 128"}
	tests := []struct {
		name string
		vs   Violations
		want string
	}{
		{"one", Violations{mem},
			"1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{"null", Violations{{Member: "role", Constraint: "Member must not be null", Null: true}},
			"1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null"},
		{"redacted", Violations{{Member: "environment.variables", Value: "secret", Constraint: "c", Redacted: true}},
			"1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: c"},
		{"two joined with semicolon and space", Violations{mem, {Member: "timeout", Value: "0", Constraint: "Member must have value greater than or equal to 1"}},
			"2 validation errors detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128; " +
				"Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.vs.Err(), errkind.Validation, tt.want)
		})
	}
	if err := Violations(nil).Err(); err != nil {
		t.Fatalf("empty Violations.Err() = %v, want nil", err)
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"é", 1},                      // two UTF-8 bytes, one UTF-16 unit
		{"😀", 2},                      // four UTF-8 bytes, a surrogate pair
		{"\xff\xfe", 2},               // invalid bytes count one each
		{strings.Repeat("€", 10), 10}, // three bytes each
	}
	for _, tt := range tests {
		if got := Length(tt.in); got != tt.want {
			t.Errorf("Length(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestLengthViolations(t *testing.T) {
	if vs := LengthViolations("description", strings.Repeat("😀", 128), 0, 256); len(vs) != 0 {
		t.Fatalf("256 UTF-16 units must pass, got %v", vs)
	}
	vs := LengthViolations("description", strings.Repeat("😀", 128)+"x", 0, 256)
	want := "Member must have length less than or equal to 256"
	if len(vs) != 1 || vs[0].Constraint != want {
		t.Fatalf("257 units: got %v, want one %q", vs, want)
	}
	vs = LengthViolations("name", "", 1, -1)
	if len(vs) != 1 || vs[0].Constraint != "Member must have length greater than or equal to 1" {
		t.Fatalf("empty with min 1: got %v", vs)
	}
}
