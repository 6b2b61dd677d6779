package lambdaapi

import (
	"lambent/internal/function"
)

// settings converts the wire members shared by create and update into the
// model's settings (nil means "not supplied").
func settings(role, handler, description, runtime *string, timeout, memory *int, env *environment,
	eph *ephemeralStorage, tracing *tracingConfig, dlq *deadLetterConfig, logging *loggingConfig) function.Settings {
	s := function.Settings{Role: role, Handler: handler, Description: description, Runtime: runtime,
		TimeoutSec: timeout, MemoryMB: memory}
	if env != nil {
		s.Environment = &function.Environment{Variables: env.Variables}
	}
	if eph != nil {
		s.EphemeralMB = &eph.Size
	}
	if tracing != nil {
		s.TracingMode = &tracing.Mode
	}
	if dlq != nil {
		s.DeadLetterTarget = &dlq.TargetArn
	}
	if logging != nil {
		if logging.LogFormat != "" {
			s.LogFormat = &logging.LogFormat
		}
		if logging.LogGroup != "" {
			s.LogGroup = &logging.LogGroup
		}
	}
	return s
}

func createSettings(in *createFunctionInput) function.Settings {
	return settings(nonEmpty(in.Role), nonEmpty(in.Handler), in.Description, nonEmpty(in.Runtime), in.Timeout, in.MemorySize,
		in.Environment, in.EphemeralStorage, in.TracingConfig, in.DeadLetterConfig, in.LoggingConfig)
}

func updateSettings(in *updateFunctionConfigurationInput) function.Settings {
	return settings(in.Role, in.Handler, in.Description, in.Runtime, in.Timeout, in.MemorySize,
		in.Environment, in.EphemeralStorage, in.TracingConfig, in.DeadLetterConfig, in.LoggingConfig)
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
