package lambdaapi

import (
	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// checkDeadLetterTarget vets dlq as the dead-letter target of function
// self.
func (a *API) checkDeadLetterTarget(self target, dlq string) error {
	if dlq == "" {
		return nil
	}
	if err := refuseUnsupportedTarget(dlq, "dead-letter target"); err != nil {
		return err
	}
	if _, err := arn.Parse(dlq); err != nil {
		return nil // not an ARN: the handler reports the pattern violation
	}
	ref, err := arn.ParseFunctionName(dlq, a.cfg.Region)
	if err != nil || !isFunctionARN(dlq) {
		return errkind.New(errkind.InvalidArgument, "The dead-letter target "+dlq+
			" is not supported: Lambent delivers dead letters to Lambda functions only.")
	}
	if ref.Account != string(self.acct) {
		return errkind.New(errkind.InvalidArgument, "The dead-letter target "+dlq+
			" is in another account; Lambent delivers only to functions of the same account.")
	}
	if ref.Name == self.name {
		return errkind.New(errkind.InvalidArgument, "You can't specify the function as its own dead-letter target.")
	}
	return nil
}
