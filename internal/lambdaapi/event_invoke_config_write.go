package lambdaapi

import (
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

// putEventInvokeConfig replaces the configuration (PUT); settings it omits
// are cleared.
func (a *API) putEventInvokeConfig(c *call) error {
	return a.writeEventInvokeConfig(c, "lambda:PutFunctionEventInvokeConfig", false)
}

// updateEventInvokeConfig merges into an existing configuration (POST).
func (a *API) updateEventInvokeConfig(c *call) error {
	return a.writeEventInvokeConfig(c, "lambda:UpdateFunctionEventInvokeConfig", true)
}

func (a *API) writeEventInvokeConfig(c *call, action string, merge bool) error {
	var in eventInvokeConfigInput
	t, err := a.begin(c, &in, action, true)
	if err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	configs, err := a.eventInvokeConfigs()
	if err != nil {
		return err
	}
	if _, err := a.cfg.Functions.GetFunction(c.r.Context(), t.acct, t.name, t.version()); err != nil {
		return functionMissing(err)
	}
	if d := in.DestinationConfig; d != nil {
		for _, dst := range []*destination{d.OnSuccess, d.OnFailure} {
			if dst == nil {
				continue
			}
			if err := a.checkDestination(c, t, deref(dst.Destination)); err != nil {
				return err
			}
		}
	}
	now := a.cfg.Clock.Now()
	var out *store.EventInvokeConfig
	if merge {
		out, err = configs.UpdateEventInvokeConfig(c.r.Context(), t.acct, t.name, t.version(), func(ec *store.EventInvokeConfig) error {
			in.merge(ec, now)
			return nil
		})
		if errkind.Is(err, errkind.NotFound) {
			return noEventInvokeConfig(t, err)
		}
	} else {
		out = &store.EventInvokeConfig{Function: t.name, Qualifier: t.version()}
		in.merge(out, now)
		err = configs.PutEventInvokeConfig(c.r.Context(), t.acct, out)
		if errkind.Is(err, errkind.NotFound) {
			return functionMissing(err)
		}
	}
	if err != nil {
		return err
	}
	awswireJSON(c, http.StatusOK, a.renderEventInvokeConfig(string(t.acct), out))
	return nil
}

// deleteEventInvokeConfig removes a configuration.
func (a *API) deleteEventInvokeConfig(c *call) error {
	t, err := a.begin(c, nil, "lambda:DeleteFunctionEventInvokeConfig", true)
	if err != nil {
		return err
	}
	configs, err := a.eventInvokeConfigs()
	if err != nil {
		return err
	}
	if err := configs.DeleteEventInvokeConfig(c.r.Context(), t.acct, t.name, t.version()); err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return noEventInvokeConfig(t, err)
		}
		return err
	}
	awswireJSON(c, http.StatusNoContent, nil)
	return nil
}

// functionMissing is the event invoke config operations' text for an
// unknown function or version.
func functionMissing(err error) error {
	if errkind.Is(err, errkind.NotFound) {
		return errkind.Wrap(errkind.NotFound, "The function doesn't exist.", err)
	}
	return err
}

// noEventInvokeConfig is the not-configured error, naming the version or
// alias (:$LATEST when the call named none).
func noEventInvokeConfig(t target, cause error) error {
	return errkind.Wrap(errkind.NotFound, "The function "+t.arn+":"+t.version()+" doesn't have an EventInvokeConfig", cause)
}
