package lambdaapi

import (
	"lambent/internal/arn"
	"lambent/internal/function"
	"lambent/internal/store"
)

// functionConfiguration is Lambda's FunctionConfiguration shape.
type functionConfiguration struct {
	FunctionName               string            `json:"FunctionName"`
	FunctionArn                string            `json:"FunctionArn"`
	Runtime                    string            `json:"Runtime,omitempty"`
	Role                       string            `json:"Role"`
	Handler                    string            `json:"Handler,omitempty"`
	CodeSize                   int64             `json:"CodeSize"`
	Description                string            `json:"Description"`
	Timeout                    int               `json:"Timeout"`
	MemorySize                 int               `json:"MemorySize"`
	LastModified               string            `json:"LastModified"`
	CodeSha256                 string            `json:"CodeSha256"`
	Version                    string            `json:"Version"`
	Environment                *environment      `json:"Environment,omitempty"`
	TracingConfig              tracingConfig     `json:"TracingConfig"`
	RevisionId                 string            `json:"RevisionId"`
	State                      string            `json:"State,omitempty"`
	StateReason                string            `json:"StateReason,omitempty"`
	StateReasonCode            string            `json:"StateReasonCode,omitempty"`
	LastUpdateStatus           string            `json:"LastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string            `json:"LastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string            `json:"LastUpdateStatusReasonCode,omitempty"`
	PackageType                string            `json:"PackageType"`
	Architectures              []string          `json:"Architectures"`
	EphemeralStorage           ephemeralStorage  `json:"EphemeralStorage"`
	LoggingConfig              loggingConfig     `json:"LoggingConfig"`
	SnapStart                  snapStart         `json:"SnapStart"`
	DeadLetterConfig           *deadLetterConfig `json:"DeadLetterConfig,omitempty"`
}

type environment struct {
	Variables map[string]string `json:"Variables"`
}

type tracingConfig struct {
	Mode string `json:"Mode"`
}

type ephemeralStorage struct {
	Size int `json:"Size"`
}

type loggingConfig struct {
	LogFormat string `json:"LogFormat"`
	LogGroup  string `json:"LogGroup"`
}

type snapStart struct {
	ApplyOn            string `json:"ApplyOn"`
	OptimizationStatus string `json:"OptimizationStatus"`
}

type deadLetterConfig struct {
	TargetArn string `json:"TargetArn,omitempty"`
}

// configuration renders a stored version. Unqualified $LATEST reads show
// the unqualified ARN; published versions show NAME:N.
func (a *API) configuration(acct string, f *store.Function, c *function.Config) functionConfiguration {
	fnARN := arn.FunctionARN(a.cfg.Region, acct, f.Name)
	if f.Version != store.LatestVersion {
		fnARN = arn.QualifiedFunctionARN(a.cfg.Region, acct, f.Name, f.Version)
	}
	out := functionConfiguration{
		FunctionName: f.Name, FunctionArn: fnARN, Runtime: c.Runtime, Role: c.Role, Handler: c.Handler,
		CodeSize: c.CodeSize, Description: c.Description, Timeout: c.TimeoutSec, MemorySize: c.MemoryMB,
		LastModified: timestamp(c.LastModified), CodeSha256: c.CodeSha256, Version: f.Version,
		TracingConfig: tracingConfig{Mode: orElse(c.TracingMode, "PassThrough")},
		RevisionId:    f.RevisionID,
		State:         c.State, StateReason: c.StateReason, StateReasonCode: c.StateReasonCode,
		LastUpdateStatus: c.LastUpdateStatus, LastUpdateStatusReason: c.LastUpdateStatusReason,
		LastUpdateStatusReasonCode: c.LastUpdateStatusReasonCode,
		PackageType:                orElse(c.PackageType, "Zip"),
		Architectures:              []string{orElse(c.Architecture, "x86_64")},
		EphemeralStorage:           ephemeralStorage{Size: c.EphemeralMB},
		LoggingConfig:              loggingConfig{LogFormat: orElse(c.LogFormat, "Text"), LogGroup: c.LogGroup},
		SnapStart:                  snapStart{ApplyOn: "None", OptimizationStatus: "Off"},
	}
	if len(c.Environment) > 0 {
		out.Environment = &environment{Variables: c.Environment}
	}
	if c.DeadLetterTarget != "" {
		out.DeadLetterConfig = &deadLetterConfig{TargetArn: c.DeadLetterTarget}
	}
	return out
}

// listed drops the fields ListFunctions does not return.
func listed(fc functionConfiguration) functionConfiguration {
	fc.State, fc.StateReason, fc.StateReasonCode = "", "", ""
	fc.LastUpdateStatus, fc.LastUpdateStatusReason, fc.LastUpdateStatusReasonCode = "", "", ""
	return fc
}

func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
