package lambdaapi

import (
	"net/http"

	"lambent/internal/errkind"
	"lambent/internal/store"
)

func (a *API) deleteFunction(c *call) error {
	t, err := a.begin(c, nil, "lambda:DeleteFunction", true)
	if err != nil {
		return err
	}
	var orphans []string
	switch t.qualifier {
	case "":
		orphans, err = a.cfg.Functions.DeleteFunction(c.r.Context(), t.acct, t.name)
	case store.LatestVersion:
		return errkind.New(errkind.InvalidArgument, "$LATEST version cannot be deleted without deleting the function.")
	default:
		orphans, err = a.cfg.Functions.DeleteVersion(c.r.Context(), t.acct, t.name, t.qualifier)
	}
	if err != nil {
		if errkind.Is(err, errkind.NotFound) {
			return errkind.Wrap(errkind.NotFound, "Function not found: "+t.qualifiedARN(), err)
		}
		return err
	}
	a.cache.forget(t.acct, t.name)
	a.cfg.Invoker.Retire(t.acct, t.name)
	for _, d := range orphans {
		a.cfg.Code.Forget(d)
		if err := a.cfg.Artifacts.Delete(d); err != nil {
			a.cfg.Logger.Warn("delete package", "digest", d, "err", err)
		}
	}
	awswireJSON(c, http.StatusNoContent, nil)
	return nil
}
