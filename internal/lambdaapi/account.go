package lambdaapi

import "net/http"

type accountSettings struct {
	AccountLimit accountLimit `json:"AccountLimit"`
	AccountUsage accountUsage `json:"AccountUsage"`
}

type accountLimit struct {
	TotalCodeSize                  int64 `json:"TotalCodeSize"`
	CodeSizeUnzipped               int64 `json:"CodeSizeUnzipped"`
	CodeSizeZipped                 int64 `json:"CodeSizeZipped"`
	ConcurrentExecutions           int   `json:"ConcurrentExecutions"`
	UnreservedConcurrentExecutions int   `json:"UnreservedConcurrentExecutions"`
}

type accountUsage struct {
	TotalCodeSize int64 `json:"TotalCodeSize"`
	FunctionCount int   `json:"FunctionCount"`
}

// totalCodeSizeLimit is Lambda's 75 GB code storage per account.
const totalCodeSizeLimit = 80530636800

func (a *API) getAccountSettings(c *call) error {
	if err := a.authorize(c, "lambda:GetAccountSettings", "*"); err != nil {
		return err
	}
	n, size, err := a.cfg.Functions.Usage(c.r.Context(), c.caller())
	if err != nil {
		return err
	}
	awswireJSON(c, http.StatusOK, accountSettings{
		AccountLimit: accountLimit{
			TotalCodeSize: totalCodeSizeLimit, CodeSizeUnzipped: a.cfg.Limits.MaxUnzipped, CodeSizeZipped: a.cfg.Limits.MaxZipped,
			ConcurrentExecutions: a.cfg.AccountConcurrency, UnreservedConcurrentExecutions: a.cfg.AccountConcurrency,
		},
		AccountUsage: accountUsage{TotalCodeSize: size, FunctionCount: n},
	})
	return nil
}
