package function

import (
	"fmt"
	"regexp"
	"strconv"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// Bounds Lambent enforces. Memory and timeout are Lambda's on-demand
// limits; the model admits more (32,768 MB, 5,400 s) for Managed Instances,
// which Lambent does not offer, so the message names these bounds.
const (
	MinMemoryMB    = 128
	MaxMemoryMB    = 10240
	MinTimeoutSec  = 1
	MaxTimeoutSec  = 900
	MinEphemeralMB = 512
	MaxEphemeralMB = 10240
	MaxDescription = 256
	MaxHandler     = 128
	MaxLogGroup    = 512
	MaxResourceARN = 10000
)

// Model patterns that appear in messages. Go's \s and '.' differ from
// Java's, so the compiled forms below spell the classes out.
const (
	HandlerPattern     = `[^\s]+`
	LogGroupPattern    = `[\.\-_/#A-Za-z0-9]+`
	ResourceARNPattern = `(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()`
)

var (
	handlerRE     = regexp.MustCompile(`^[^\t\n\x0B\f\r ]+$`)
	logGroupRE    = regexp.MustCompile(`^(?:` + LogGroupPattern + `)$`)
	resourceARNRE = regexp.MustCompile(`^(?:(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:[^\n\r\x{85}\x{2028}\x{2029}]*)|())$`)
)

// CreateRequest is a CreateFunction request as far as this package
// validates it.
type CreateRequest struct {
	// FunctionName is the name or ARN the caller sent.
	FunctionName string
	Settings
	PackageType *string
	// Architectures is nil when omitted.
	Architectures []string
	Tags          map[string]string
}

// ValidateCreate validates a CreateFunction request in AWS's order: every
// model constraint first, all failures reported together as one
// errkind.Validation error ("N validation errors detected: …; …"); then the
// function name's region (errkind.NotFound), and then, first failure wins,
// the service's own checks (errkind.InvalidArgument): name length, package
// type, mandatory runtime and handler, architecture, environment and tags.
// region is the server's region. It returns the parsed FunctionName; the
// caller checks its Account.
func ValidateCreate(req *CreateRequest, region string) (arn.FunctionRef, error) {
	vs := arn.ShapeFunctionName.Check(req.FunctionName)
	if req.Role == nil {
		vs = append(vs, arn.Violation{Member: "role", Null: true, Constraint: "Member must not be null"})
	}
	vs = append(vs, settingsViolations(&req.Settings, req.PackageType, req.Tags, req.Architectures)...)
	if err := vs.Err(); err != nil {
		return arn.FunctionRef{}, err
	}
	ref, err := arn.ParseFunctionName(req.FunctionName, region)
	if err != nil {
		return arn.FunctionRef{}, err
	}
	if err := ValidateFunctionName(ref.Name); err != nil {
		return arn.FunctionRef{}, err
	}
	if err := checkCreate(req); err != nil {
		return arn.FunctionRef{}, err
	}
	return ref, nil
}

// ValidateUpdate validates an UpdateFunctionConfiguration request (the
// FunctionName path label and the supplied members) in AWS's order, as
// ValidateCreate does.
func ValidateUpdate(functionName string, s *Settings, region string) (arn.FunctionRef, error) {
	vs := append(arn.ShapeFunctionName.Check(functionName), settingsViolations(s, nil, nil, nil)...)
	if err := vs.Err(); err != nil {
		return arn.FunctionRef{}, err
	}
	ref, err := arn.ParseFunctionName(functionName, region)
	if err != nil {
		return arn.FunctionRef{}, err
	}
	if s.Environment != nil {
		if err := checkEnvironment(s.Environment.Variables); err != nil {
			return arn.FunctionRef{}, err
		}
	}
	return ref, nil
}

// settingsViolations collects the model violations of the members, in the
// order of CreateFunction's members in the model. (AWS's own order across
// members is not pinned down by any recording.)
func settingsViolations(s *Settings, packageType *string, tags map[string]string, archs []string) arn.Violations {
	var vs arn.Violations
	if s.Role != nil {
		vs = append(vs, arn.CheckRoleARN(*s.Role)...)
	}
	if s.Handler != nil {
		vs = append(vs, stringViolations("handler", *s.Handler, 0, MaxHandler, handlerRE, HandlerPattern)...)
	}
	if s.Description != nil {
		vs = append(vs, arn.LengthViolations("description", *s.Description, 0, MaxDescription)...)
	}
	vs = append(vs, rangeViolations("timeout", s.TimeoutSec, MinTimeoutSec, MaxTimeoutSec)...)
	vs = append(vs, rangeViolations("memorySize", s.MemoryMB, MinMemoryMB, MaxMemoryMB)...)
	vs = append(vs, enumViolations("packageType", packageType, PackageZip, PackageImage)...)
	if s.DeadLetterTarget != nil {
		vs = append(vs, stringViolations("deadLetterConfig.targetArn", *s.DeadLetterTarget, 0, MaxResourceARN,
			resourceARNRE, ResourceARNPattern)...)
	}
	if s.Environment != nil {
		vs = append(vs, environmentViolations(s.Environment.Variables)...)
	}
	vs = append(vs, enumViolations("tracingConfig.mode", s.TracingMode, TracingActive, TracingPassThrough)...)
	vs = append(vs, tagViolations(tags)...)
	vs = append(vs, architectureViolations(archs)...)
	vs = append(vs, rangeViolations("ephemeralStorage.size", s.EphemeralMB, MinEphemeralMB, MaxEphemeralMB)...)
	vs = append(vs, enumViolations("loggingConfig.logFormat", s.LogFormat, LogFormatJSON, LogFormatText)...)
	if s.LogGroup != nil {
		vs = append(vs, stringViolations("loggingConfig.logGroup", *s.LogGroup, 1, MaxLogGroup, logGroupRE, LogGroupPattern)...)
	}
	return vs
}

// checkCreate holds CreateFunction's checks after model validation.
func checkCreate(req *CreateRequest) error {
	if req.PackageType != nil && *req.PackageType == PackageImage {
		return errkind.New(errkind.InvalidArgument,
			"PackageType Image is not supported: this server runs .zip deployment packages only (PackageType Zip).")
	}
	if req.Runtime == nil || req.Handler == nil {
		return errkind.New(errkind.InvalidArgument,
			"Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	}
	if err := checkArchitectures(req.Architectures); err != nil {
		return err
	}
	if req.Environment != nil {
		if err := checkEnvironment(req.Environment.Variables); err != nil {
			return err
		}
	}
	return checkTags(req.Tags, nil)
}

func stringViolations(member, value string, minLen, maxLen int, re *regexp.Regexp, pattern string) arn.Violations {
	vs := arn.LengthViolations(member, value, minLen, maxLen)
	if !re.MatchString(value) {
		vs = append(vs, arn.PatternViolation(member, value, pattern))
	}
	return vs
}

func rangeViolations(member string, value *int, minValue, maxValue int) arn.Violations {
	switch {
	case value == nil:
		return nil
	case *value > maxValue:
		return arn.Violations{{Member: member, Value: strconv.Itoa(*value),
			Constraint: fmt.Sprintf("Member must have value less than or equal to %d", maxValue)}}
	case *value < minValue:
		return arn.Violations{{Member: member, Value: strconv.Itoa(*value),
			Constraint: fmt.Sprintf("Member must have value greater than or equal to %d", minValue)}}
	}
	return nil
}

func enumViolations(member string, value *string, allowed ...string) arn.Violations {
	if value == nil {
		return nil
	}
	for _, a := range allowed {
		if *value == a {
			return nil
		}
	}
	return arn.Violations{{Member: member, Value: *value,
		Constraint: "Member must satisfy enum value set: " + listString(allowed)}}
}
