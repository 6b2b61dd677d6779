// Package function is the model of a Lambda function version: its
// configuration, its state machine (Pending → Active | Failed, and
// LastUpdateStatus InProgress → Successful | Failed) and the validation of
// everything a caller may set, with AWS's messages. It does no I/O.
package function

import (
	"encoding/json"
	"fmt"
	"time"
)

// States and update statuses as Lambda reports them.
const (
	StatePending = "Pending"
	StateActive  = "Active"
	StateFailed  = "Failed"

	UpdateInProgress = "InProgress"
	UpdateSuccessful = "Successful"
	UpdateFailed     = "Failed"
)

// Defaults Lambda applies when a field is omitted.
const (
	DefaultMemoryMB    = 128
	DefaultTimeoutSec  = 3
	DefaultEphemeralMB = 512
)

// Config is the stored configuration of one function version. It is
// encoded as JSON into store.Function.Config.
type Config struct {
	Runtime          string            `json:"runtime"`
	Handler          string            `json:"handler"`
	Role             string            `json:"role"`
	Description      string            `json:"description"`
	MemoryMB         int               `json:"memoryMB"`
	TimeoutSec       int               `json:"timeoutSec"`
	EphemeralMB      int               `json:"ephemeralMB"`
	Environment      map[string]string `json:"environment,omitempty"`
	Architecture     string            `json:"architecture"`
	PackageType      string            `json:"packageType"`
	CodeSha256       string            `json:"codeSha256"`
	CodeSize         int64             `json:"codeSize"`
	LastModified     time.Time         `json:"lastModified"`
	LogFormat        string            `json:"logFormat,omitempty"`
	LogGroup         string            `json:"logGroup,omitempty"`
	TracingMode      string            `json:"tracingMode,omitempty"`
	DeadLetterTarget string            `json:"deadLetterTarget,omitempty"`

	State                      string `json:"state"`
	StateReason                string `json:"stateReason,omitempty"`
	StateReasonCode            string `json:"stateReasonCode,omitempty"`
	LastUpdateStatus           string `json:"lastUpdateStatus,omitempty"`
	LastUpdateStatusReason     string `json:"lastUpdateStatusReason,omitempty"`
	LastUpdateStatusReasonCode string `json:"lastUpdateStatusReasonCode,omitempty"`

	// CodeDigest is the artifact-store address of the package described by
	// CodeSha256 (the plaintext digest, hex).
	CodeDigest string `json:"codeDigest"`

	// Live is what invocations run: the last configuration whose package and
	// runtime were prepared successfully. While an update is in progress, or
	// after one failed, it still describes the previous code and settings.
	Live *Deployment `json:"live,omitempty"`
}

// Deployment is the runnable snapshot of a configuration.
type Deployment struct {
	Runtime     string            `json:"runtime"`
	Handler     string            `json:"handler"`
	Role        string            `json:"role"`
	MemoryMB    int               `json:"memoryMB"`
	TimeoutSec  int               `json:"timeoutSec"`
	EphemeralMB int               `json:"ephemeralMB"`
	Environment map[string]string `json:"environment,omitempty"`
	CodeDigest  string            `json:"codeDigest"`
	CodeSha256  string            `json:"codeSha256"`
	LogGroup    string            `json:"logGroup"`
	// Generation changes whenever the deployment changes; environments of
	// an older generation are retired.
	Generation string `json:"generation"`
}

// Deployment returns the runnable snapshot of c with the given generation.
func (c *Config) Deployment(generation string) *Deployment {
	env := make(map[string]string, len(c.Environment))
	for k, v := range c.Environment {
		env[k] = v
	}
	return &Deployment{
		Runtime: c.Runtime, Handler: c.Handler, Role: c.Role,
		MemoryMB: c.MemoryMB, TimeoutSec: c.TimeoutSec, EphemeralMB: c.EphemeralMB,
		Environment: env, CodeDigest: c.CodeDigest, CodeSha256: c.CodeSha256,
		LogGroup: c.LogGroup, Generation: generation,
	}
}

// Encode returns c as stored bytes.
func (c *Config) Encode() []byte {
	b, err := json.Marshal(c)
	if err != nil {
		// Config holds only strings, numbers, maps and times: Marshal
		// cannot fail.
		panic(fmt.Sprintf("encode function config: %v", err))
	}
	return b
}

// Decode parses stored bytes.
func Decode(b []byte) (*Config, error) {
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("decode function config: %w", err)
	}
	return &c, nil
}
