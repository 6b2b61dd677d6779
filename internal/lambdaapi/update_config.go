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
	if err := decode(c.body, &in); err != nil {
		return err
	}
	t, err := a.resolve(c, false)
	if err != nil {
		return err
	}
	if err := a.authorizeOn(c, t, "lambda:UpdateFunctionConfiguration", configKeys(in.Layers, in.VpcConfig)); err != nil {
		return err
	}
	set := updateSettings(&in)
	if _, err := function.ValidateUpdate(t.name, &set, a.cfg.Region); err != nil {
		return err
	}
	if err := unsupported(in.Layers, in.VpcConfig); err != nil {
		return err
	}
	if err := a.passChangedRole(c, t, in.Role); err != nil {
		return err
	}
	if in.DeadLetterConfig != nil {
		if err := a.checkDeadLetterTarget(t, in.DeadLetterConfig.TargetArn); err != nil {
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
	awswireJSON(c, 200, a.configuration(string(t.acct), f, cfg))
	return nil
}

// passChangedRole runs the PassRole checks when the update gives the
// function a role other than the one it has.
func (a *API) passChangedRole(c *call, t target, role *string) error {
	if role == nil {
		return nil
	}
	_, cfg, err := a.load(c, t.unqualified())
	if err != nil {
		return err
	}
	if cfg.Role == *role {
		return nil
	}
	return a.passRole(c, t.unqualified(), *role)
}
