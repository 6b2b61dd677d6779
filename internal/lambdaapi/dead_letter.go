package lambdaapi

import (
	"encoding/json"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// handler is a route's handler.
type handler = func(*API, *call) error

// withDeadLetterCheck vets the DeadLetterConfig of CreateFunction
// (creating) or UpdateFunctionConfiguration before h handles the call:
// Lambent delivers dead letters to Lambda functions of the account, and
// refuses queues and topics until event sources exist. A body h cannot
// parse is left to h to report.
func withDeadLetterCheck(h handler, creating bool) handler {
	return func(a *API, c *call) error {
		var in struct {
			FunctionName     string            `json:"FunctionName"`
			DeadLetterConfig *deadLetterConfig `json:"DeadLetterConfig"`
		}
		if len(c.body) > 0 && json.Unmarshal(c.body, &in) == nil && in.DeadLetterConfig != nil {
			self := c.route.function
			if creating {
				self = in.FunctionName
			}
			if err := a.checkDeadLetterTarget(c, self, in.DeadLetterConfig.TargetArn); err != nil {
				return err
			}
		}
		return h(a, c)
	}
}

// checkDeadLetterTarget vets target as the dead-letter target of the
// function self names.
func (a *API) checkDeadLetterTarget(c *call, self, target string) error {
	if target == "" {
		return nil
	}
	if err := refuseUnsupportedTarget(target, "dead-letter target"); err != nil {
		return err
	}
	if _, err := arn.Parse(target); err != nil {
		return nil // not an ARN: the handler reports the pattern violation
	}
	ref, err := arn.ParseFunctionName(target, a.cfg.Region)
	if err != nil || !isFunctionARN(target) {
		return errkind.New(errkind.InvalidArgument, "The dead-letter target "+target+
			" is not supported: Lambent delivers dead letters to Lambda functions only.")
	}
	if ref.Account != string(c.acct()) {
		return errkind.New(errkind.InvalidArgument, "The dead-letter target "+target+
			" is in another account; Lambent delivers only to functions of the same account.")
	}
	if own, err := arn.ParseFunctionName(self, a.cfg.Region); err == nil && own.Name == ref.Name {
		return errkind.New(errkind.InvalidArgument, "You can't specify the function as its own dead-letter target.")
	}
	return nil
}
