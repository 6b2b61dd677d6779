package lambdaapi

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/invoke"
	"lambent/internal/store"
)

// Invoke limits.
const (
	maxSyncPayload     = 6291456
	maxClientContext   = 3583
	invocationTypeSync = "RequestResponse"
)

// invocable resolves the function an invocation names, in the order
// Lambda checks: it exists (404), the caller may invoke it (403), it is
// ready (409).
func (a *API) invocable(c *call) (target, *store.Function, *function.Config, error) {
	t, err := a.resolve(c, true)
	if err != nil {
		return target{}, nil, nil, err
	}
	// Another account's callers learn nothing, not even whether the
	// function exists, unless its policy lets them invoke it: they are
	// authorised first; the function's own account after the lookup.
	crossAccount := t.acct != c.caller()
	if crossAccount {
		if err := a.authorizeOn(c, t, "lambda:InvokeFunction", nil); err != nil {
			return target{}, nil, nil, err
		}
	}
	f, cfg, err := a.loadForInvoke(c, t)
	if err != nil {
		if errkind.Is(err, errkind.NotFound) && t.qualifier == "" {
			err = errkind.Wrap(errkind.NotFound, "Function not found: "+t.arn+":"+store.LatestVersion, err)
		}
		return target{}, nil, nil, err
	}
	if !crossAccount {
		if err := a.authorizeOn(c, t, "lambda:InvokeFunction", nil); err != nil {
			return target{}, nil, nil, err
		}
	}
	if cfg.Live == nil {
		return target{}, nil, nil, errkind.New(errkind.Conflict,
			"The operation cannot be performed at this time. The function is currently in the following state: "+cfg.State)
	}
	return t, f, cfg, nil
}

func (a *API) invoke(c *call) error {
	t, f, cfg, err := a.invocable(c)
	if err != nil {
		return err
	}
	typ := c.r.Header.Get("X-Amz-Invocation-Type")
	if err := checkInvocationType(typ); err != nil {
		return err
	}
	if typ == invocationTypeEvent {
		return a.invokeEvent(c, t, cfg)
	}
	if len(c.body) > maxSyncPayload {
		return errkind.Newf(errkind.TooLarge, "Request must be smaller than %d bytes for the InvokeFunction operation", maxSyncPayload)
	}
	if len(c.body) > 0 && !json.Valid(c.body) {
		return errkind.New(errkind.InvalidContent, "Could not parse request body into json: Could not parse payload into json: Unexpected character or end of input")
	}
	clientContext, err := decodeClientContext(c.r.Header.Get("X-Amz-Client-Context"))
	if err != nil {
		return err
	}
	if typ == "DryRun" {
		awswireJSON(c, http.StatusNoContent, nil)
		return nil
	}
	resp, err := a.cfg.Invoker.Invoke(c.r.Context(), invoke.Target{
		Account: t.acct, FunctionName: t.name, Version: f.Version, InvokedARN: t.qualifiedARN(), Deployment: cfg.Live,
	}, invoke.Request{
		RequestID: c.requestID, Payload: c.body, ClientContext: clientContext,
		Tail: c.r.Header.Get("X-Amz-Log-Type") == "Tail", TraceID: c.r.Header.Get("X-Amzn-Trace-Id"),
	})
	if err != nil {
		return err
	}
	writeInvokeResponse(c, resp)
	return nil
}

func checkInvocationType(typ string) error {
	switch typ {
	case "", invocationTypeSync, "DryRun", invocationTypeEvent:
		return nil
	default:
		return errkind.Newf(errkind.Validation,
			"1 validation error detected: Value '%s' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]", typ)
	}
}

func decodeClientContext(h string) (string, error) {
	if h == "" {
		return "", nil
	}
	if len(h) > maxClientContext {
		return "", errkind.New(errkind.InvalidArgument, "Client context must be smaller than 3583 bytes.")
	}
	raw, err := base64.StdEncoding.DecodeString(h)
	if err != nil || !json.Valid(raw) {
		return "", errkind.New(errkind.InvalidArgument, "Client context must be a valid Base64-encoded JSON object.")
	}
	return string(raw), nil
}

func writeInvokeResponse(c *call, resp *invoke.Response) {
	h := c.w.Header()
	h["X-Amzn-Requestid"] = []string{c.requestID}
	h["X-Amz-Executed-Version"] = []string{resp.ExecutedVersion}
	h["Content-Type"] = []string{"application/json"}
	if resp.FunctionError != "" {
		h["X-Amz-Function-Error"] = []string{resp.FunctionError}
	}
	if resp.LogTail != nil {
		h["X-Amz-Log-Result"] = []string{base64.StdEncoding.EncodeToString(resp.LogTail)}
	}
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(resp.Payload)
}
