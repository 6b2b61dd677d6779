// Package iamapi serves the IAM Query API (docs iam.md §6, §9): users,
// access keys, roles, groups, inline and managed policies, attachments,
// and the policy simulator. The gateway authenticates every request
// first; each handler names its IAM action and the ARN of its target and
// asks the single authorisation point before it touches anything. Wire
// shapes come from internal/awsquery; the domain is internal/iam.
//
//	api, err := iamapi.New(iamapi.Config{IAM: svc, Authorizer: az, Logger: log})
//	…
//	api.Serve(w, r, body, requestID) // principal in r.Context() (authz.WithPrincipal)
package iamapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"lambent/internal/account"
	"lambent/internal/authz"
	"lambent/internal/awsquery"
	"lambent/internal/iam"
)

// Config configures the API. All fields are required.
type Config struct {
	IAM        *iam.Service
	Authorizer authz.Authorizer
	Logger     *slog.Logger
}

// Validate reports a missing dependency.
func (c Config) Validate() error {
	if c.IAM == nil || c.Authorizer == nil || c.Logger == nil {
		return errors.New("iamapi: missing dependency")
	}
	return nil
}

// API serves the IAM Query API.
type API struct {
	cfg Config
	ops map[string]handler
}

// handler runs one operation and returns its result element (nil for
// operations without output).
type handler func(a *API, c *call) (any, error)

// New returns the API.
func New(cfg Config) (*API, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &API{cfg: cfg, ops: operations()}, nil
}

// call is one request in flight.
type call struct {
	ctx    context.Context
	p      *authz.Principal
	q      awsquery.Params
	action string
}

// acct is the caller's account; every IAM entity a call names lives there.
func (c *call) acct() account.ID { return c.p.Account }

// Serve handles one authenticated IAM request. body is the request body
// the gateway already read (and verified); the principal is in r's
// context.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string) {
	awsquery.Serve(w, r, body, requestID, awsquery.IAM, a.cfg.Logger, a.handle)
}

// handle dispatches one decoded request to its operation.
func (a *API) handle(ctx context.Context, p *authz.Principal, req *awsquery.Request) (any, error) {
	h, ok := a.ops[req.Action]
	if !ok {
		return nil, invalidAction(req.Action)
	}
	return h(a, &call{ctx: ctx, p: p, q: req.Params, action: req.Action})
}

func invalidAction(action string) error { return awsquery.InvalidAction(awsquery.IAM, action) }

// authorize asks the authorisation point whether the caller may perform
// iam:<action> on resource.
func (a *API) authorize(c *call, resource string) error {
	return a.authorizeWith(c, resource, nil)
}

// authorizeWith is authorize with condition keys (iam:PolicyARN, …).
func (a *API) authorizeWith(c *call, resource string, keys map[string][]string) error {
	return a.cfg.Authorizer.Authorize(c.ctx, authz.Request{
		Principal: c.p, Action: "iam:" + c.action, Resource: resource, ResourceAccount: c.acct(), Context: keys,
	})
}

// operations is the action table.
func operations() map[string]handler {
	return map[string]handler{
		"CreateUser": createUser, "GetUser": getUser, "ListUsers": listUsers, "DeleteUser": deleteUser,
		"TagUser": tagUser, "UntagUser": untagUser, "ListUserTags": listUserTags,
		"CreateAccessKey": createAccessKey, "ListAccessKeys": listAccessKeys,
		"UpdateAccessKey": updateAccessKey, "DeleteAccessKey": deleteAccessKey,
		"CreateRole": createRole, "GetRole": getRole, "ListRoles": listRoles, "DeleteRole": deleteRole,
		"UpdateAssumeRolePolicy": updateAssumeRolePolicy, "UpdateRole": updateRole,
		"TagRole": tagRole, "UntagRole": untagRole, "ListRoleTags": listRoleTags,
		"CreateGroup": createGroup, "GetGroup": getGroup, "ListGroups": listGroups, "DeleteGroup": deleteGroup,
		"AddUserToGroup": addUserToGroup, "RemoveUserFromGroup": removeUserFromGroup,
		"ListGroupsForUser": listGroupsForUser,
		"PutUserPolicy":     putInline(iam.KindUser), "GetUserPolicy": getInline(iam.KindUser),
		"ListUserPolicies": listInline(iam.KindUser), "DeleteUserPolicy": deleteInline(iam.KindUser),
		"PutRolePolicy": putInline(iam.KindRole), "GetRolePolicy": getInline(iam.KindRole),
		"ListRolePolicies": listInline(iam.KindRole), "DeleteRolePolicy": deleteInline(iam.KindRole),
		"PutGroupPolicy": putInline(iam.KindGroup), "GetGroupPolicy": getInline(iam.KindGroup),
		"ListGroupPolicies": listInline(iam.KindGroup), "DeleteGroupPolicy": deleteInline(iam.KindGroup),
		"CreatePolicy": createPolicy, "GetPolicy": getPolicy, "ListPolicies": listPolicies,
		"DeletePolicy": deletePolicy, "CreatePolicyVersion": createPolicyVersion,
		"GetPolicyVersion": getPolicyVersion, "ListPolicyVersions": listPolicyVersions,
		"DeletePolicyVersion": deletePolicyVersion, "SetDefaultPolicyVersion": setDefaultPolicyVersion,
		"AttachUserPolicy": attach(iam.KindUser), "DetachUserPolicy": detach(iam.KindUser),
		"ListAttachedUserPolicies": listAttached(iam.KindUser),
		"AttachRolePolicy":         attach(iam.KindRole), "DetachRolePolicy": detach(iam.KindRole),
		"ListAttachedRolePolicies": listAttached(iam.KindRole),
		"AttachGroupPolicy":        attach(iam.KindGroup), "DetachGroupPolicy": detach(iam.KindGroup),
		"ListAttachedGroupPolicies": listAttached(iam.KindGroup),
		"SimulateCustomPolicy":      simulateCustomPolicy, "SimulatePrincipalPolicy": simulatePrincipalPolicy,
		"ListEntitiesForPolicy": listEntitiesForPolicy,
	}
}

// WriteError writes err as an IAM <ErrorResponse>, for failures the
// gateway meets before a request reaches Serve (a bad signature).
func (a *API) WriteError(w http.ResponseWriter, requestID string, err error) {
	awsquery.WriteError(w, a.cfg.Logger, awsquery.IAM, requestID, err)
}
