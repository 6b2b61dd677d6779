package lambdaapi

import (
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

// eventInvokeConfigPageMax is ListFunctionEventInvokeConfigs' MaxItems
// bound.
const eventInvokeConfigPageMax = 50

type listEventInvokeConfigsOutput struct {
	FunctionEventInvokeConfigs []functionEventInvokeConfig `json:"FunctionEventInvokeConfigs"`
	NextMarker                 string                      `json:"NextMarker,omitempty"`
}

// getEventInvokeConfig returns one configuration.
func (a *API) getEventInvokeConfig(c *call) error {
	t, err := a.begin(c, nil, "lambda:GetFunctionEventInvokeConfig", true)
	if err != nil {
		return err
	}
	configs, err := a.eventInvokeConfigs()
	if err != nil {
		return err
	}
	ec, err := configs.GetEventInvokeConfig(c.r.Context(), t.acct, t.name, t.version())
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return noEventInvokeConfig(t, err)
		}
		return err
	}
	awswireJSON(c, http.StatusOK, a.renderEventInvokeConfig(string(t.acct), ec))
	return nil
}

// listEventInvokeConfigs lists a function's configurations, by qualifier.
func (a *API) listEventInvokeConfigs(c *call) error {
	t, err := a.begin(c, nil, "lambda:ListFunctionEventInvokeConfigs", true)
	if err != nil {
		return err
	}
	q := c.r.URL.Query()
	limit, err := maxItems(q.Get("MaxItems"), eventInvokeConfigPageMax)
	if err != nil {
		return err
	}
	after, err := decodeMarker(q.Get("Marker"))
	if err != nil {
		return err
	}
	configs, err := a.eventInvokeConfigs()
	if err != nil {
		return err
	}
	if _, err := a.cfg.Functions.GetFunction(c.r.Context(), t.acct, t.name, store.LatestVersion); err != nil {
		return functionMissing(err)
	}
	page, err := configs.ListEventInvokeConfigs(c.r.Context(), t.acct, t.name, after, limit+1)
	if err != nil {
		return err
	}
	out := listEventInvokeConfigsOutput{FunctionEventInvokeConfigs: []functionEventInvokeConfig{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextMarker = encodeMarker(page[len(page)-1].Qualifier)
	}
	for _, ec := range page {
		out.FunctionEventInvokeConfigs = append(out.FunctionEventInvokeConfigs, a.renderEventInvokeConfig(string(t.acct), ec))
	}
	awswireJSON(c, http.StatusOK, out)
	return nil
}
