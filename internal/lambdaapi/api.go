// Package lambdaapi serves the Lambda REST-JSON API: the control plane
// (functions, code, configuration, versions, tags, function policies,
// account settings) and synchronous Invoke. The gateway authenticates
// every request first; each handler names its IAM action and resource and
// asks the single authorisation point before it touches anything.
package lambdaapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"lambent/internal/account"
	"lambent/internal/artifact"
	"lambent/internal/authz"
	"lambent/internal/awswire"
	"lambent/internal/clock"
	"lambent/internal/errkind"
	"lambent/internal/invoke"
	"lambent/internal/runtimes"
	"lambent/internal/store"
)

// artifacts is the subset of artifact.Store the API uses.
type artifacts interface {
	Put(data []byte) (string, error)
	Get(digest string) ([]byte, error)
	Delete(digest string) error
}

// invoker is the subset of invoke.Manager the API uses.
type invoker interface {
	Invoke(ctx context.Context, t invoke.Target, req invoke.Request) (*invoke.Response, error)
	Retire(acct account.ID, name string)
}

// codeDirs prepares (and forgets) extracted packages.
type codeDirs interface {
	Dir(ctx context.Context, digest string) (string, error)
	Forget(digest string)
}

// runtimeCatalog validates runtime names.
type runtimeCatalog interface {
	Lookup(name string) (runtimes.Runtime, error)
}

// Config configures the API. All fields are required unless noted.
type Config struct {
	Region    string
	Functions store.Functions
	Artifacts artifacts
	Code      codeDirs
	Runtimes  runtimeCatalog
	Invoker   invoker
	// Events accepts Event invocations (the async queue).
	Events eventQueue
	// EventConfigs stores event invoke configs; FailedEvents lists events
	// that exhausted their retries with nowhere to go.
	EventConfigs store.EventInvokeConfigs
	FailedEvents failedEventLister
	Authorizer   authz.Authorizer
	Clock        clock.Clock
	Logger       *slog.Logger
	CodeURLs     *CodeURLSigner
	Limits       artifact.Limits
	// Policies keeps function policies (AddPermission, GetPolicy).
	Policies policyStore
	// Roles reads execution roles' trust policies (*iam.Service).
	Roles roleTrust
	// AccountConcurrency is reported by GetAccountSettings.
	AccountConcurrency int
}

// API serves the Lambda API.
type API struct {
	cfg         Config
	cache       *versionCache
	policyLocks *policyLocks
	prepares    sync.WaitGroup
	ctx         context.Context
	cancel      context.CancelFunc
}

// New returns the API.
func New(cfg Config) (*API, error) {
	if cfg.Functions == nil || cfg.Artifacts == nil || cfg.Code == nil || cfg.Runtimes == nil ||
		cfg.Invoker == nil || cfg.Events == nil || cfg.EventConfigs == nil || cfg.FailedEvents == nil || cfg.Authorizer == nil || cfg.Clock == nil || cfg.Logger == nil || cfg.CodeURLs == nil ||
		cfg.Policies == nil || cfg.Roles == nil {
		return nil, errors.New("lambdaapi: missing dependency")
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &API{cfg: cfg, cache: newVersionCache(time.Second), policyLocks: newPolicyLocks(), ctx: ctx, cancel: cancel}, nil
}

// Close waits for background preparations to finish.
func (a *API) Close() {
	a.cancel()
	a.prepares.Wait()
}

// call is one API request in flight.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	body      []byte
	requestID string
	principal *authz.Principal
	route     route
}

// caller is the caller's account. It owns what the call creates or lists;
// a function the call names may belong to another account (target.acct).
func (c *call) caller() account.ID { return c.principal.Account }

// ServeHTTP handles one authenticated Lambda request. body is the request
// body the gateway already read (and verified).
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string) {
	c := &call{w: w, r: r, body: body, requestID: requestID}
	p, ok := authz.PrincipalFrom(r.Context())
	if !ok {
		awswire.WriteLambdaError(w, a.cfg.Logger, requestID, errkind.New(errkind.Unauthenticated, "Request is missing Authentication Token"))
		return
	}
	c.principal = p
	rt, err := match(r)
	if err == nil {
		c.route = rt
		err = rt.handle(a, c)
	}
	if err != nil {
		awswire.WriteLambdaError(w, a.cfg.Logger, requestID, err)
	}
}

// authorize asks the authorisation point about action on a resource of
// the caller's own account ("*" when the action has none).
func (a *API) authorize(c *call, action, resource string) error {
	return a.authorizeIn(c, c.caller(), action, resource, nil)
}

// authorizeOn asks about action on the function t names, qualified when
// the call names a qualifier, in the account that owns it. keys are
// condition keys besides lambda:FunctionArn.
func (a *API) authorizeOn(c *call, t target, action string, keys map[string][]string) error {
	ctx := map[string][]string{"lambda:FunctionArn": {t.qualifiedARN()}}
	maps.Copy(ctx, keys)
	return a.authorizeIn(c, t.acct, action, t.qualifiedARN(), ctx)
}

// authorizeIn asks about action on resource, owned by acct, with the
// condition keys keys.
func (a *API) authorizeIn(c *call, acct account.ID, action, resource string, keys map[string][]string) error {
	return a.cfg.Authorizer.Authorize(c.r.Context(), authz.Request{
		Principal: c.principal, Action: action, Resource: resource, ResourceAccount: acct, Context: keys,
	})
}

// decode parses a JSON request body into v. An empty body is {}.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errkind.Wrap(errkind.InvalidContent, "Could not parse request body into json: "+jsonProblem(err), err)
	}
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "Unexpected character or end of input at offset " + itoa(int(se.Offset))
	case errors.As(err, &te):
		return "Cannot deserialize value of type " + te.Value + " for field " + te.Field
	default:
		return "malformed JSON"
	}
}

// timestamp renders a time the way Lambda's string timestamps look.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000-0700") }
