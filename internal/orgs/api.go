package orgs

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"lambent/internal/authz"
	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

const targetPrefix = "AWSOrganizationsV20161128."

// API serves the Organizations subset over AWS JSON 1.1.
type API struct {
	svc  *Service
	auth authz.Authorizer
	log  *slog.Logger
}

// NewAPI returns the API.
func NewAPI(svc *Service, auth authz.Authorizer, log *slog.Logger) (*API, error) {
	if svc == nil || auth == nil || log == nil {
		return nil, errors.New("orgs: missing dependency")
	}
	return &API{svc: svc, auth: auth, log: log}, nil
}

type operation func(a *API, c *call) (any, error)

var operations = map[string]operation{
	"CreateOrganization":          (*API).createOrganization,
	"DescribeOrganization":        (*API).describeOrganization,
	"CreateAccount":               (*API).createAccount,
	"DescribeCreateAccountStatus": (*API).describeCreateAccountStatus,
	"ListAccounts":                (*API).listAccounts,
	"DescribeAccount":             (*API).describeAccount,
}

type call struct {
	r         *http.Request
	body      []byte
	op        string
	principal *authz.Principal
}

// Serve handles one authenticated request.
func (a *API) Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string) {
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	serve, ok := operations[op]
	p, hasPrincipal := authz.PrincipalFrom(r.Context())
	if !ok || r.Method != http.MethodPost || !hasPrincipal {
		a.WriteError(w, requestID, errkind.WithDetail(errkind.InvalidArgument, "UnknownOperationException",
			"The operation "+op+" is not supported."))
		return
	}
	out, err := serve(a, &call{r: r, body: body, op: op, principal: p})
	if err != nil {
		a.WriteError(w, requestID, err)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		a.WriteError(w, requestID, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/x-amz-json-1.1"}
	h["X-Amzn-Requestid"] = []string{requestID}
	_, _ = w.Write(b)
}

// WriteError answers a failed request in the JSON 1.1 error shape.
func (a *API) WriteError(w http.ResponseWriter, requestID string, err error) {
	status, code, msg := 500, "ServiceException", "AWS Organizations can't complete your request because of an internal service error. Try again later."
	if e, ok := errkind.As(err); ok {
		status, code, msg = classify(e)
	}
	if status >= 500 {
		a.log.Error("organizations request failed", "request_id", requestID, "err", err)
	}
	b, _ := json.Marshal(map[string]string{"__type": code, "Message": msg})
	h := w.Header()
	h["Content-Type"] = []string{"application/x-amz-json-1.1"}
	h["X-Amzn-Requestid"] = []string{requestID}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func classify(e *errkind.Error) (int, string, string) {
	switch e.Kind {
	case errkind.Unauthenticated:
		code := e.Detail
		if code == sigv4.CodeInvalidClientTokenID {
			code = "UnrecognizedClientException"
		}
		return 403, orDefault(code, "UnrecognizedClientException"), e.Public
	case errkind.AccessDenied:
		return 400, "AccessDeniedException", e.Public
	case errkind.NotFound:
		return 400, orDefault(e.Detail, "AccountNotFoundException"), e.Public
	case errkind.Internal:
		return 500, "ServiceException", "AWS Organizations can't complete your request because of an internal service error. Try again later."
	}
	return 400, orDefault(e.Detail, "InvalidInputException"), e.Public
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// authorize allows only the management account's identities, as a
// member account is not allowed to manage the organization.
func (a *API) authorize(c *call, resource string) error {
	req := authz.Request{Principal: c.principal, Action: "organizations:" + c.op, Resource: resource,
		ResourceAccount: a.svc.cfg.Management}
	if c.principal.Account != a.svc.cfg.Management {
		return authz.Denied(req)
	}
	return a.auth.Authorize(c.r.Context(), req)
}

func decode(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errkind.WithDetail(errkind.InvalidContent, "SerializationException", "Could not parse the request body.")
	}
	return nil
}

func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

func (a *API) orgARN(o *Organization) string {
	return "arn:aws:organizations::" + o.ManagementAccount + ":organization/" + o.ID
}

func (a *API) accountARN(o *Organization, id string) string {
	return "arn:aws:organizations::" + o.ManagementAccount + ":account/" + o.ID + "/" + id
}

type orgShape struct {
	Id                   string
	Arn                  string
	FeatureSet           string
	MasterAccountArn     string
	MasterAccountId      string
	MasterAccountEmail   string
	AvailablePolicyTypes []any
}

func (a *API) orgShape(o *Organization) orgShape {
	return orgShape{Id: o.ID, Arn: a.orgARN(o), FeatureSet: "ALL", MasterAccountId: o.ManagementAccount,
		MasterAccountArn: a.accountARN(o, o.ManagementAccount), MasterAccountEmail: o.ManagementEmail,
		AvailablePolicyTypes: []any{}}
}

func (a *API) createOrganization(c *call) (any, error) {
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	o, err := a.svc.CreateOrganization(c.r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Organization": a.orgShape(o)}, nil
}

func (a *API) describeOrganization(c *call) (any, error) {
	o, err := a.svc.Organization(c.r.Context())
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, a.orgARN(o)); err != nil {
		return nil, err
	}
	return map[string]any{"Organization": a.orgShape(o)}, nil
}

func statusShape(s *Status) map[string]any {
	m := map[string]any{"Id": s.ID, "AccountName": s.AccountName, "State": s.State,
		"RequestedTimestamp": epoch(s.Requested), "CompletedTimestamp": epoch(s.Completed)}
	if s.AccountID != "" {
		m["AccountId"] = s.AccountID
	}
	if s.FailureReason != "" {
		m["FailureReason"] = s.FailureReason
	}
	return m
}

func (a *API) createAccount(c *call) (any, error) {
	var in struct{ Email, AccountName, RoleName, IamUserAccessToBilling string }
	if err := decode(c.body, &in); err != nil {
		return nil, err
	}
	if err := validateCreateAccount(in.Email, in.AccountName, in.RoleName); err != nil {
		return nil, err
	}
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	st, err := a.svc.CreateAccount(c.r.Context(), CreateAccountInput{Email: in.Email, AccountName: in.AccountName, RoleName: in.RoleName})
	if err != nil {
		return nil, err
	}
	return map[string]any{"CreateAccountStatus": statusShape(st)}, nil
}

func validateCreateAccount(email, name, role string) error {
	var problems []string
	if n := len(email); n < 6 || n > 64 || !strings.Contains(email, "@") {
		problems = append(problems, "Value at 'email' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s@]+@[^\\s@]+\\.[^\\s@]+")
	}
	if n := len(name); n < 1 || n > 50 {
		problems = append(problems, "Value at 'accountName' failed to satisfy constraint: Member must have length between 1 and 50")
	}
	if len(role) > 64 {
		problems = append(problems, "Value at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64")
	}
	if len(problems) == 0 {
		return nil
	}
	return errkind.WithDetail(errkind.Validation, "ValidationException",
		fmt.Sprintf("%d validation error%s detected: %s", len(problems), plural(len(problems)), strings.Join(problems, "; ")))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (a *API) describeCreateAccountStatus(c *call) (any, error) {
	var in struct{ CreateAccountRequestId string }
	if err := decode(c.body, &in); err != nil {
		return nil, err
	}
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	st, err := a.svc.CreateAccountStatus(c.r.Context(), in.CreateAccountRequestId)
	if err != nil {
		return nil, err
	}
	return map[string]any{"CreateAccountStatus": statusShape(st)}, nil
}

func (a *API) accountShapes(c *call) (*Organization, []map[string]any, error) {
	o, err := a.svc.Organization(c.r.Context())
	if err != nil {
		return nil, nil, err
	}
	accts, err := a.svc.Accounts(c.r.Context())
	if err != nil {
		return nil, nil, err
	}
	out := make([]map[string]any, 0, len(accts))
	for _, ac := range accts {
		out = append(out, map[string]any{"Id": ac.ID, "Arn": a.accountARN(o, ac.ID), "Email": ac.Email, "Name": ac.Name,
			"Status": ac.Status, "JoinedMethod": ac.JoinedMethod, "JoinedTimestamp": epoch(ac.JoinedAt)})
	}
	return o, out, nil
}

func (a *API) listAccounts(c *call) (any, error) {
	if err := a.authorize(c, "*"); err != nil {
		return nil, err
	}
	_, out, err := a.accountShapes(c)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Accounts": out}, nil
}

func (a *API) describeAccount(c *call) (any, error) {
	var in struct{ AccountId string }
	if err := decode(c.body, &in); err != nil {
		return nil, err
	}
	o, out, err := a.accountShapes(c)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(c, a.accountARN(o, in.AccountId)); err != nil {
		return nil, err
	}
	for _, m := range out {
		if m["Id"] == in.AccountId {
			return map[string]any{"Account": m}, nil
		}
	}
	return nil, errkind.WithDetail(errkind.NotFound, "AccountNotFoundException",
		"You specified an account that doesn't exist.")
}
