package function

import (
	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// ValidateArchitectures checks the Architectures member of CreateFunction
// and UpdateFunctionCode; nil means omitted. The model wants exactly one of
// x86_64 and arm64 (errkind.Validation); this server runs only
// HostArchitecture (errkind.InvalidArgument).
func ValidateArchitectures(archs []string) error {
	if err := architectureViolations(archs).Err(); err != nil {
		return err
	}
	return checkArchitectures(archs)
}

func architectureViolations(archs []string) arn.Violations {
	if archs == nil {
		return nil
	}
	var vs arn.Violations
	value := listString(archs)
	if len(archs) > 1 {
		vs = append(vs, arn.Violation{Member: "architectures", Value: value,
			Constraint: "Member must have length less than or equal to 1"})
	}
	if len(archs) < 1 {
		vs = append(vs, arn.Violation{Member: "architectures", Value: value,
			Constraint: "Member must have length greater than or equal to 1"})
	}
	for _, a := range archs {
		if a != ArchX86_64 && a != ArchARM64 {
			vs = append(vs, arn.Violation{Member: "architectures", Value: value,
				Constraint: "Member must satisfy constraint: [Member must satisfy enum value set: " +
					listString([]string{ArchX86_64, ArchARM64}) + ", Member must not be null]"})
			break
		}
	}
	return vs
}

func checkArchitectures(archs []string) error {
	if len(archs) == 1 && archs[0] != HostArchitecture {
		return errkind.Newf(errkind.InvalidArgument,
			"Architecture %s is not supported: this server runs %s functions only.", archs[0], HostArchitecture)
	}
	return nil
}
