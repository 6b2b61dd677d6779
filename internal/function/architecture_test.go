package function

import (
	"testing"

	"lambent/internal/errkind"
)

func TestValidateArchitectures(t *testing.T) {
	const enum = "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]"
	tests := []struct {
		name  string
		archs []string
		kind  errkind.Kind
		msg   string
	}{
		{name: "omitted"},
		{name: "x86_64", archs: []string{"x86_64"}},
		{name: "recorded two", archs: []string{"x86_64", "arm64"}, kind: errkind.Validation,
			msg: one("Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1")},
		{name: "recorded upper case", archs: []string{"X86_64"}, kind: errkind.Validation,
			msg: one("Value '[X86_64]' at 'architectures' failed to satisfy constraint: " + enum)},
		{name: "two, one unknown", archs: []string{"x86_64", "riscv"}, kind: errkind.Validation,
			msg: "2 validation errors detected: Value '[x86_64, riscv]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1; " +
				"Value '[x86_64, riscv]' at 'architectures' failed to satisfy constraint: " + enum},
		{name: "empty list", archs: []string{}, kind: errkind.Validation,
			msg: one("Value '[]' at 'architectures' failed to satisfy constraint: Member must have length greater than or equal to 1")},
		{name: "arm64 on an x86_64 host", archs: []string{"arm64"}, kind: errkind.InvalidArgument,
			msg: "Architecture arm64 is not supported: this server runs x86_64 functions only."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, ValidateArchitectures(tt.archs), tt.kind, tt.msg)
		})
	}
}
