package lambdaapi

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/store"
)

// Bounds of the event invoke config members (Lambda service model).
const (
	minRetryAttempts      = 0
	maxRetryAttempts      = 2
	minEventAgeSeconds    = 60
	maxEventAgeSeconds    = 21600
	maxDestinationARN     = 350
	destinationARNPattern = `$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)`
)

var destinationARNRE = regexp.MustCompile(`^(?:` + destinationARNPattern + `)$`)

// eventInvokeConfigInput is the body of Put and Update.
type eventInvokeConfigInput struct {
	MaximumRetryAttempts     *int               `json:"MaximumRetryAttempts"`
	MaximumEventAgeInSeconds *int               `json:"MaximumEventAgeInSeconds"`
	DestinationConfig        *destinationConfig `json:"DestinationConfig"`
}

type destinationConfig struct {
	OnSuccess *destination `json:"OnSuccess"`
	OnFailure *destination `json:"OnFailure"`
}

type destination struct {
	Destination *string `json:"Destination,omitempty"`
}

// functionEventInvokeConfig is Lambda's FunctionEventInvokeConfig shape.
// LastModified is a Date: epoch seconds as a JSON number.
type functionEventInvokeConfig struct {
	LastModified             float64              `json:"LastModified"`
	FunctionArn              string               `json:"FunctionArn"`
	MaximumRetryAttempts     *int                 `json:"MaximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int                 `json:"MaximumEventAgeInSeconds,omitempty"`
	DestinationConfig        destinationConfigOut `json:"DestinationConfig"`
}

// destinationConfigOut renders unset destinations as {}.
type destinationConfigOut struct {
	OnSuccess destination `json:"OnSuccess"`
	OnFailure destination `json:"OnFailure"`
}

func (a *API) renderEventInvokeConfig(acct string, c *store.EventInvokeConfig) functionEventInvokeConfig {
	return functionEventInvokeConfig{
		LastModified:             float64(c.LastModified.UnixMilli()) / 1000,
		FunctionArn:              arn.QualifiedFunctionARN(a.cfg.Region, acct, c.Function, c.Qualifier),
		MaximumRetryAttempts:     c.MaximumRetryAttempts,
		MaximumEventAgeInSeconds: c.MaximumEventAgeSeconds,
		DestinationConfig:        destinationConfigOut{OnSuccess: destinationOf(c.OnSuccess), OnFailure: destinationOf(c.OnFailure)},
	}
}

func destinationOf(s string) destination {
	if s == "" {
		return destination{}
	}
	return destination{Destination: &s}
}

// eventInvokeConfigs is the store's event invoke config role.
func (a *API) eventInvokeConfigs() (store.EventInvokeConfigs, error) {
	return a.cfg.EventConfigs, nil
}

// check validates the members against the model (ValidationException),
// then requires at least one setting.
func (in *eventInvokeConfigInput) check() error {
	var vs arn.Violations
	vs = append(vs, intRange("maximumRetryAttempts", in.MaximumRetryAttempts, minRetryAttempts, maxRetryAttempts)...)
	vs = append(vs, intRange("maximumEventAgeInSeconds", in.MaximumEventAgeInSeconds, minEventAgeSeconds, maxEventAgeSeconds)...)
	if d := in.DestinationConfig; d != nil {
		vs = append(vs, destinationViolations("destinationConfig.onSuccess.destination", d.OnSuccess)...)
		vs = append(vs, destinationViolations("destinationConfig.onFailure.destination", d.OnFailure)...)
	}
	if err := vs.Err(); err != nil {
		return err
	}
	if in.MaximumRetryAttempts == nil && in.MaximumEventAgeInSeconds == nil && in.DestinationConfig == nil {
		return errkind.New(errkind.InvalidArgument, "You must specify at least one of error handling or destination setting.")
	}
	return nil
}

func intRange(member string, v *int, lo, hi int) arn.Violations {
	switch {
	case v == nil:
		return nil
	case *v > hi:
		return arn.Violations{{Member: member, Value: strconv.Itoa(*v),
			Constraint: "Member must have value less than or equal to " + strconv.Itoa(hi)}}
	case *v < lo:
		return arn.Violations{{Member: member, Value: strconv.Itoa(*v),
			Constraint: "Member must have value greater than or equal to " + strconv.Itoa(lo)}}
	}
	return nil
}

func destinationViolations(member string, d *destination) arn.Violations {
	if d == nil || d.Destination == nil {
		return nil
	}
	v := *d.Destination
	vs := arn.LengthViolations(member, v, 0, maxDestinationARN)
	if !destinationARNRE.MatchString(v) {
		vs = append(vs, arn.PatternViolation(member, v, destinationARNPattern))
	}
	return vs
}

// checkDestination vets one destination of function t: it must be
// another function of its account that exists. Queues, topics,
// buses and buckets are refused until Lambent has event sources.
func (a *API) checkDestination(c *call, t target, dest string) error {
	if dest == "" {
		return nil
	}
	if err := refuseUnsupportedTarget(dest, "destination"); err != nil {
		return err
	}
	invalid := errkind.New(errkind.InvalidArgument, "The destination ARN "+dest+" is invalid.")
	ref, err := arn.ParseFunctionName(dest, a.cfg.Region)
	if err != nil || !isFunctionARN(dest) {
		return invalid
	}
	if ref.Account != string(t.acct) {
		return errkind.New(errkind.InvalidArgument,
			"The destination ARN "+dest+" is in another account; Lambent delivers only to functions of the same account.")
	}
	if ref.Name == t.name {
		return errkind.New(errkind.InvalidArgument, "You can't specify the function as a destination for itself.")
	}
	version := ref.Qualifier
	if version == "" {
		version = store.LatestVersion
	}
	if _, err := a.cfg.Functions.GetFunction(c.r.Context(), t.acct, ref.Name, version); err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return invalid
		}
		return err
	}
	return nil
}

// isFunctionARN reports whether s is a full function ARN (not a bare name
// or partial ARN, which ParseFunctionName also accepts).
func isFunctionARN(s string) bool {
	a, err := arn.Parse(s)
	return err == nil && a.Service == "lambda" && strings.HasPrefix(a.Resource, "function:")
}

// unsupportedTargets names the services whose ARNs Lambda accepts as
// destinations or dead-letter targets but Lambent cannot deliver to yet.
var unsupportedTargets = map[string]string{
	"sqs": "Amazon SQS queues", "sns": "Amazon SNS topics", "events": "Amazon EventBridge event buses", "s3": "Amazon S3 buckets",
}

// refuseUnsupportedTarget refuses a queue, topic, bus or bucket ARN as
// what (a destination or a dead-letter target) with a clear message.
func refuseUnsupportedTarget(target, what string) error {
	a, err := arn.Parse(target)
	if err != nil {
		return nil
	}
	if name, ok := unsupportedTargets[a.Service]; ok {
		return errkind.New(errkind.InvalidArgument, "Lambent cannot use "+name+" as a "+what+" yet ("+target+
			"): event sources are not available. Use the ARN of a Lambda function in this account instead.")
	}
	return nil
}

// merge applies the members the input sets over c; Put starts from an
// empty config, so what it omits is cleared.
func (in *eventInvokeConfigInput) merge(c *store.EventInvokeConfig, now time.Time) {
	if in.MaximumRetryAttempts != nil {
		c.MaximumRetryAttempts = in.MaximumRetryAttempts
	}
	if in.MaximumEventAgeInSeconds != nil {
		c.MaximumEventAgeSeconds = in.MaximumEventAgeInSeconds
	}
	if d := in.DestinationConfig; d != nil {
		if d.OnSuccess != nil {
			c.OnSuccess = deref(d.OnSuccess.Destination)
		}
		if d.OnFailure != nil {
			c.OnFailure = deref(d.OnFailure.Destination)
		}
	}
	c.LastModified = now
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
