package orgs

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"lambent/internal/authz"
)

// FuzzAPI sends arbitrary operations and bodies as the management account's
// root user: the API answers every one in the JSON 1.1 error or result
// shape and never with a server error.
func FuzzAPI(f *testing.F) {
	svc, _ := newService(f)
	api, err := NewAPI(svc, authz.RootOnly{}, slog.New(slog.DiscardHandler))
	if err != nil {
		f.Fatal(err)
	}
	root := &authz.Principal{Account: mgmt, ARN: "arn:aws:iam::000000000000:root", IsRoot: true, Type: authz.TypeAccount}
	for _, seed := range []struct{ op, body string }{
		{"CreateAccount", `{"Email":"a@example.com","AccountName":"a"}`},
		{"CreateAccount", `{"Email":"","AccountName":""}`},
		{"DescribeCreateAccountStatus", `{"CreateAccountRequestId":"car-1"}`},
		{"ListAccounts", `{}`},
		{"DescribeAccount", `{"AccountId":"000000000000"}`},
		{"DescribeOrganization", ``},
		{"Nope", `{`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		r.Header.Set("X-Amz-Target", targetPrefix+op)
		r = r.WithContext(authz.WithPrincipal(r.Context(), root))
		w := httptest.NewRecorder()
		api.Serve(w, r, body, "req-1")
		if w.Code >= 500 {
			t.Fatalf("%s %q: %d %s", op, body, w.Code, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
			t.Fatalf("content type %q", ct)
		}
	})
}
