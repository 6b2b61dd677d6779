package function

import "maps"

// Settings are the configuration members that CreateFunction and
// UpdateFunctionConfiguration share, as the caller sent them. A nil field
// means the member was omitted: create then takes Lambda's default (see
// Config.Defaults) and update leaves the current value.
type Settings struct {
	Runtime     *string
	Handler     *string
	Role        *string
	Description *string
	MemoryMB    *int // MemorySize
	TimeoutSec  *int // Timeout
	EphemeralMB *int // EphemeralStorage.Size
	// Environment replaces all variables when non-nil; an empty map
	// removes them.
	Environment      *Environment
	TracingMode      *string // TracingConfig.Mode
	LogFormat        *string // LoggingConfig.LogFormat
	LogGroup         *string // LoggingConfig.LogGroup
	DeadLetterTarget *string // DeadLetterConfig.TargetArn
}

// Environment is the Environment member: the function's variables.
type Environment struct {
	Variables map[string]string
}

// ApplyTo copies every member s sets into c. Lambda replaces each supplied
// top-level member wholesale (the environment is not merged).
func (s *Settings) ApplyTo(c *Config) {
	apply(&c.Runtime, s.Runtime)
	apply(&c.Handler, s.Handler)
	apply(&c.Role, s.Role)
	apply(&c.Description, s.Description)
	apply(&c.MemoryMB, s.MemoryMB)
	apply(&c.TimeoutSec, s.TimeoutSec)
	apply(&c.EphemeralMB, s.EphemeralMB)
	apply(&c.TracingMode, s.TracingMode)
	apply(&c.LogFormat, s.LogFormat)
	apply(&c.LogGroup, s.LogGroup)
	apply(&c.DeadLetterTarget, s.DeadLetterTarget)
	if s.Environment != nil {
		c.Environment = maps.Clone(s.Environment.Variables)
	}
}

func apply[T any](field *T, value *T) {
	if value != nil {
		*field = *value
	}
}
