package lambdaapi

import (
	"net/http"

	"lambent/internal/awswire"
)

type getFunctionOutput struct {
	Configuration functionConfiguration `json:"Configuration"`
	Code          codeLocation          `json:"Code"`
	Tags          map[string]string     `json:"Tags,omitempty"`
}

type codeLocation struct {
	RepositoryType string `json:"RepositoryType"`
	Location       string `json:"Location"`
}

func (a *API) getFunction(c *call) error {
	t, err := a.begin(c, nil, "lambda:GetFunction", true)
	if err != nil {
		return err
	}
	f, cfg, err := a.load(c, t)
	if err != nil {
		return err
	}
	out := getFunctionOutput{
		Configuration: a.configuration(string(t.acct), f, cfg),
		Code:          codeLocation{RepositoryType: "S3", Location: a.cfg.CodeURLs.URL(t.acct, cfg.CodeDigest)},
	}
	if t.qualifier == "" {
		out.Tags = f.Tags
	} else if latest, _, err := a.load(c, t.unqualified()); err == nil {
		out.Tags = latest.Tags
	}
	awswire.WriteJSON(c.w, c.requestID, http.StatusOK, out)
	return nil
}

func (a *API) getFunctionConfiguration(c *call) error {
	t, err := a.begin(c, nil, "lambda:GetFunctionConfiguration", true)
	if err != nil {
		return err
	}
	f, cfg, err := a.load(c, t)
	if err != nil {
		return err
	}
	awswire.WriteJSON(c.w, c.requestID, http.StatusOK, a.configuration(string(t.acct), f, cfg))
	return nil
}

func awswireJSON(c *call, status int, v any) { awswire.WriteJSON(c.w, c.requestID, status, v) }
