package lambdaapi

import (
	"maps"
	"net/http"

	"lambent/internal/arn"
	"lambent/internal/errkind"
	"lambent/internal/function"
	"lambent/internal/store"
)

type tagsBody struct {
	Tags map[string]string `json:"Tags"`
}

// taggedFunction resolves the {Resource} label of a tag route: only an
// unqualified function ARN is taggable.
func (a *API) taggedFunction(c *call) (target, error) {
	ref, err := arn.Parse(c.route.resource)
	if err != nil || ref.Service != "lambda" {
		return target{}, errkind.Newf(errkind.InvalidArgument, "Invalid resource ARN: %s", c.route.resource)
	}
	fn, err := parseFunctionName(c.route.resource, a.cfg.Region, false)
	if err != nil {
		return target{}, err
	}
	acct, err := a.owner(c, fn)
	if err != nil {
		return target{}, err
	}
	if fn.Qualifier != "" {
		return target{}, errkind.New(errkind.InvalidArgument,
			"Tags on function aliases and versions are not supported. Please specify a function ARN.")
	}
	return a.function(acct, fn.Name), nil
}

func (a *API) listTags(c *call) error {
	t, err := a.taggedFunction(c)
	if err != nil {
		return err
	}
	if err := a.authorizeOn(c, t, "lambda:ListTags", nil); err != nil {
		return err
	}
	f, _, err := a.load(c, t)
	if err != nil {
		return err
	}
	tags := f.Tags
	if tags == nil {
		tags = map[string]string{}
	}
	awswireJSON(c, http.StatusOK, tagsBody{Tags: tags})
	return nil
}

func (a *API) tagResource(c *call) error {
	var in tagsBody
	if err := decode(c.body, &in); err != nil {
		return err
	}
	t, err := a.taggedFunction(c)
	if err != nil {
		return err
	}
	if err := a.authorizeOn(c, t, "lambda:TagResource", nil); err != nil {
		return err
	}
	return a.retag(c, t, func(tags map[string]string) error {
		if err := function.ValidateTags(in.Tags, tags); err != nil {
			return err
		}
		maps.Copy(tags, in.Tags)
		return nil
	})
}

func (a *API) untagResource(c *call) error {
	t, err := a.taggedFunction(c)
	if err != nil {
		return err
	}
	keys, ok := c.r.URL.Query()["tagKeys"]
	if !ok {
		return errkind.New(errkind.Validation,
			"1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null")
	}
	if err := a.authorizeOn(c, t, "lambda:UntagResource", nil); err != nil {
		return err
	}
	return a.retag(c, t, func(tags map[string]string) error {
		for _, k := range keys {
			delete(tags, k)
		}
		return nil
	})
}

// retag applies a change to the function's tags. Tags are function-level
// and do not change the RevisionId.
func (a *API) retag(c *call, t target, change func(map[string]string) error) error {
	_, err := a.cfg.Functions.UpdateFunction(c.r.Context(), t.acct, t.name, store.LatestVersion, func(f *store.Function) error {
		tags := maps.Clone(f.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		if err := change(tags); err != nil {
			return err
		}
		f.Tags = tags
		return nil
	})
	if err != nil {
		return notFoundAs(err, t.arn)
	}
	awswireJSON(c, http.StatusNoContent, nil)
	return nil
}
