package lambdaapi

import (
	"lambent/internal/arn"
	"lambent/internal/errkind"
)

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
