package lambdaapi

import (
	"lambent/internal/function"
)

type updateFunctionConfigurationInput struct {
	Role             *string           `json:"Role"`
	Handler          *string           `json:"Handler"`
	Description      *string           `json:"Description"`
	Timeout          *int              `json:"Timeout"`
	MemorySize       *int              `json:"MemorySize"`
	Environment      *environment      `json:"Environment"`
	Runtime          *string           `json:"Runtime"`
	EphemeralStorage *ephemeralStorage `json:"EphemeralStorage"`
	TracingConfig    *tracingConfig    `json:"TracingConfig"`
	DeadLetterConfig *deadLetterConfig `json:"DeadLetterConfig"`
	LoggingConfig    *loggingConfig    `json:"LoggingConfig"`
	Layers           []string          `json:"Layers"`
	VpcConfig        *vpcConfig        `json:"VpcConfig"`
	RevisionId       string            `json:"RevisionId"`
}

func (a *API) updateFunctionConfiguration(c *call) error {
	var in updateFunctionConfigurationInput
	t, err := a.begin(c, &in, "lambda:UpdateFunctionConfiguration", false)
	if err != nil {
		return err
	}
	set := updateSettings(&in)
	if _, err := function.ValidateUpdate(t.name, &set, a.cfg.Region); err != nil {
		return err
	}
	if err := unsupported(in.Layers, in.VpcConfig); err != nil {
		return err
	}
	if in.DeadLetterConfig != nil {
		if err := a.checkDeadLetterTarget(c, t.name, in.DeadLetterConfig.TargetArn); err != nil {
			return err
		}
	}
	if in.Runtime != nil {
		if _, err := a.cfg.Runtimes.Lookup(*in.Runtime); err != nil {
			return err
		}
	}
	f, cfg, err := a.updateLatest(c, t, in.RevisionId, set.ApplyTo)
	if err != nil {
		return err
	}
	awswireJSON(c, 200, a.configuration(string(c.acct()), f, cfg))
	return nil
}
