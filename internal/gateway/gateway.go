// Package gateway is Lambent's HTTP front door. It answers the health
// endpoint and presigned code downloads itself, and for every
// other request it reads the (bounded) body, picks the API from the
// request's shape, verifies the SigV4 signature for that API's signing
// name, and hands the authenticated principal to the API handler. No
// request other than /healthz and a presigned code URL reaches a handler
// without a valid signature. Metrics are served on their own listener.
package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"

	"lambent/internal/authz"
	"lambent/internal/awswire"
	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

// MaxBody bounds every request body: Lambda's CreateFunction limit.
const MaxBody = 70167211

// lambdaServer is the subset of lambdaapi.API the gateway uses.
type lambdaServer interface {
	Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string)
}

// apiServer serves one API family and words its own errors, for failures
// the gateway meets before the request reaches it (a bad signature).
type apiServer interface {
	Serve(w http.ResponseWriter, r *http.Request, body []byte, requestID string)
	WriteError(w http.ResponseWriter, requestID string, err error)
}

// verifier is the subset of sigv4.Verifier the gateway uses.
type verifier interface {
	Verify(ctx context.Context, req *sigv4.Request, service string) (*sigv4.Result, error)
}

// Config wires the gateway.
type Config struct {
	Verifier verifier
	Lambda   lambdaServer
	Logs     http.Handler
	Code     http.Handler
	// IAM and STS speak the Query protocol on POST /, told apart by the
	// signing name of the credential scope; Organizations speaks JSON 1.1.
	IAM           apiServer
	STS           apiServer
	Organizations apiServer
	Logger        *slog.Logger
}

// Gateway is the root HTTP handler.
type Gateway struct{ cfg Config }

// New returns the gateway.
func New(cfg Config) (*Gateway, error) {
	if cfg.Verifier == nil || cfg.Lambda == nil || cfg.Logs == nil || cfg.Code == nil || cfg.Logger == nil ||
		cfg.IAM == nil || cfg.STS == nil || cfg.Organizations == nil {
		return nil, errors.New("gateway: missing dependency")
	}
	return &Gateway{cfg: cfg}, nil
}

// api names the protocol family of a request.
type api int

const (
	apiLambda api = iota
	apiLogs
	apiIAM
	apiSTS
	apiOrganizations
)

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
		return
	case strings.HasPrefix(r.URL.Path, "/code/") && r.Method == http.MethodGet && r.Header.Get("Authorization") == "":
		g.cfg.Code.ServeHTTP(w, r)
		return
	}
	g.serveAPI(w, r)
}

func (g *Gateway) serveAPI(w http.ResponseWriter, r *http.Request) {
	requestID := awswire.NewRequestID()
	which, service := classify(r)
	body, err := readBody(w, r)
	if err != nil {
		g.fail(w, which, requestID, err)
		return
	}
	res, err := g.cfg.Verifier.Verify(r.Context(), sigv4.FromHTTP(r, body), service)
	if err != nil {
		g.fail(w, which, requestID, err)
		return
	}
	p, ok := res.Credential.Subject.(*authz.Principal)
	if !ok {
		g.fail(w, which, requestID, errors.New("credential without a principal"))
		return
	}
	ctx := authz.WithPrincipal(r.Context(), p)
	r = r.WithContext(authz.WithRequestInfo(ctx, requestInfo(r, res.Region)))
	switch which {
	case apiLogs:
		r.Header.Set("X-Lambent-Request-Id", requestID)
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		g.cfg.Logs.ServeHTTP(w, r)
	case apiIAM:
		g.cfg.IAM.Serve(w, r, body, requestID)
	case apiSTS:
		g.cfg.STS.Serve(w, r, body, requestID)
	case apiOrganizations:
		g.cfg.Organizations.Serve(w, r, body, requestID)
	default:
		g.cfg.Lambda.Serve(w, r, body, requestID)
	}
}

// requestInfo records the transport facts behind aws:SourceIp,
// aws:SecureTransport and aws:RequestedRegion.
func requestInfo(r *http.Request, region string) authz.RequestInfo {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	return authz.RequestInfo{SourceIP: ip, SecureTransport: r.TLS != nil, Region: region}
}

// classify picks the API and its SigV4 signing name. JSON 1.1 APIs name
// themselves in X-Amz-Target; Query APIs (POST / with a form, or GET /
// with Action=) are told apart by the credential scope's service.
func classify(r *http.Request) (api, string) {
	target := r.Header.Get("X-Amz-Target")
	switch {
	case strings.HasPrefix(target, "Logs_20140328."):
		return apiLogs, "logs"
	case strings.HasPrefix(target, "AWSOrganizationsV20161128."):
		return apiOrganizations, "organizations"
	case r.URL.Path == "/" && target == "":
		if scopeService(r) == "sts" {
			return apiSTS, "sts"
		}
		return apiIAM, "iam"
	}
	return apiLambda, "lambda"
}

// scopeService returns the service of the request's credential scope, from
// the Authorization header or a presigned X-Amz-Credential.
func scopeService(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if auth := r.Header.Get("Authorization"); auth != "" {
		if i := strings.Index(auth, "Credential="); i >= 0 {
			cred = auth[i+len("Credential="):]
			if j := strings.IndexAny(cred, ", "); j >= 0 {
				cred = cred[:j]
			}
		}
	}
	parts := strings.Split(cred, "/")
	if len(parts) == 5 {
		return parts[3]
	}
	return ""
}

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > MaxBody {
		return nil, errkind.New(errkind.TooLarge, "Request must be smaller than "+strconv.Itoa(MaxBody)+" bytes for the CreateFunction operation")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errkind.New(errkind.TooLarge, "Request must be smaller than "+strconv.Itoa(MaxBody)+" bytes for the CreateFunction operation")
		}
		return nil, errkind.Wrap(errkind.InvalidContent, "could not read the request body", err)
	}
	return body, nil
}

func (g *Gateway) fail(w http.ResponseWriter, which api, requestID string, err error) {
	switch which {
	case apiLogs:
		writeJSON11Error(w, g.cfg.Logger, requestID, err)
	case apiIAM:
		g.cfg.IAM.WriteError(w, requestID, err)
	case apiSTS:
		g.cfg.STS.WriteError(w, requestID, err)
	case apiOrganizations:
		g.cfg.Organizations.WriteError(w, requestID, err)
	default:
		awswire.WriteLambdaError(w, g.cfg.Logger, requestID, err)
	}
}

// writeJSON11Error answers a JSON 1.1 (CloudWatch Logs) request that
// failed before reaching its handler.
func writeJSON11Error(w http.ResponseWriter, log *slog.Logger, requestID string, err error) {
	le := awswire.ToLambda(err)
	if le.Status >= 500 {
		log.Error("request failed", "request_id", requestID, "err", err)
	}
	code := le.Code
	if e, ok := errkind.As(err); ok && e.Kind == errkind.Unauthenticated && e.Detail != "" {
		code = e.Detail
		if code == sigv4.CodeInvalidClientTokenID {
			code = "UnrecognizedClientException"
		}
	}
	b, _ := json.Marshal(map[string]string{"__type": code, "message": le.Message})
	h := w.Header()
	h["Content-Type"] = []string{"application/x-amz-json-1.1"}
	h["X-Amzn-Requestid"] = []string{requestID}
	w.WriteHeader(le.Status)
	_, _ = w.Write(b)
}
