package lambdaapi

import (
	"encoding/base64"
	"net/http"
	"strconv"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

type listFunctionsOutput struct {
	Functions  []functionConfiguration `json:"Functions"`
	NextMarker string                  `json:"NextMarker,omitempty"`
}

// listPageMax is ListFunctions' page size cap, whatever MaxItems says.
const listPageMax = 50

func (a *API) listFunctions(c *call) error {
	if err := a.authorize(c, "lambda:ListFunctions", "*"); err != nil {
		return err
	}
	q := c.r.URL.Query()
	limit, err := maxItems(q.Get("MaxItems"), 10000)
	if err != nil {
		return err
	}
	limit = min(limit, listPageMax)
	after, err := decodeMarker(q.Get("Marker"))
	if err != nil {
		return err
	}
	all := q.Get("FunctionVersion") == "ALL"
	page, err := a.cfg.Functions.ListFunctions(c.r.Context(), c.caller(), after, limit+1)
	if err != nil {
		return err
	}
	out := listFunctionsOutput{Functions: []functionConfiguration{}}
	if len(page) > limit {
		page = page[:limit]
		out.NextMarker = encodeMarker(page[len(page)-1].Name)
	}
	for _, f := range page {
		if err := a.appendListed(c, &out, f, all); err != nil {
			return err
		}
	}
	awswireJSON(c, http.StatusOK, out)
	return nil
}

func (a *API) appendListed(c *call, out *listFunctionsOutput, f *store.Function, all bool) error {
	versions := []*store.Function{f}
	if all {
		var err error
		if versions, err = a.cfg.Functions.ListVersions(c.r.Context(), c.caller(), f.Name, "", 10000); err != nil {
			return err
		}
	}
	for _, v := range versions {
		cfg, err := function.Decode(v.Config)
		if err != nil {
			return err
		}
		fc := listed(a.configuration(string(c.caller()), v, cfg))
		if all && v.Version == store.LatestVersion {
			fc.FunctionArn = arn.QualifiedFunctionARN(a.cfg.Region, string(c.caller()), v.Name, store.LatestVersion)
		}
		out.Functions = append(out.Functions, fc)
	}
	return nil
}

func maxItems(s string, upper int) (int, error) {
	if s == "" {
		return upper, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > upper {
		return 0, errkind.Newf(errkind.Validation,
			"1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value %s",
			s, bound(n, upper))
	}
	return n, nil
}

func bound(n, upper int) string {
	if n > upper {
		return "less than or equal to " + strconv.Itoa(upper)
	}
	return "greater than or equal to 1"
}

func encodeMarker(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func decodeMarker(m string) (string, error) {
	if m == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil {
		return "", errkind.New(errkind.InvalidArgument, "Invalid Marker: it must be a NextMarker value returned by a previous call.")
	}
	return string(b), nil
}
