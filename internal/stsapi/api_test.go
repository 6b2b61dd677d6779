package stsapi

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/authz"
	"lambent/internal/errkind"
	"lambent/internal/sts"
	"lambent/internal/testenv"
)

// fakeSTS is a hand-written stand-in for the sts service, which is being
// written concurrently; its functions record what the handler passed.
type fakeSTS struct {
	assumeRole      func(caller *authz.Principal, in sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error)
	getSessionToken func(caller *authz.Principal, d int) (*sts.Credentials, error)
}

var _ stsService = (*fakeSTS)(nil)

func (f *fakeSTS) AssumeRole(_ context.Context, caller *authz.Principal, in sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
	return f.assumeRole(caller, in)
}

func (f *fakeSTS) GetSessionToken(_ context.Context, caller *authz.Principal, d int) (*sts.Credentials, error) {
	return f.getSessionToken(caller, d)
}

const acct = "111111111111"

var (
	root = &authz.Principal{Account: acct, ARN: "arn:aws:iam::" + acct + ":root", UserID: acct, IsRoot: true,
		Type: authz.TypeAccount}
	user = &authz.Principal{Account: acct, ARN: "arn:aws:iam::" + acct + ":user/eng/alice", UserID: "AIDAEXAMPLEEXAMPLE01",
		Type: authz.TypeUser, Name: "alice"}
	session = &authz.Principal{Account: acct, ARN: "arn:aws:sts::" + acct + ":assumed-role/r1/s1",
		UserID: "AROAEXAMPLEEXAMPLE01:s1", Type: authz.TypeAssumedRole, Name: "r1"}
	creds = sts.Credentials{AccessKeyID: "ASIAEXAMPLEEXAMPLE01", SecretAccessKey: "secret",
		SessionToken: "token", Expiration: time.Date(2026, 11, 23, 7, 18, 34, 500, time.UTC)}
)

func newAPI(t *testing.T, f *fakeSTS) *API {
	t.Helper()
	a, err := New(Config{STS: f, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func serve(t *testing.T, a *API, p *authz.Principal, kv ...string) *httptest.ResponseRecorder {
	t.Helper()
	vals := url.Values{"Version": {"2011-06-15"}}
	for i := 0; i+1 < len(kv); i += 2 {
		vals.Add(kv[i], kv[i+1])
	}
	body := vals.Encode()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	if p != nil {
		r = r.WithContext(authz.WithPrincipal(r.Context(), p))
	}
	w := httptest.NewRecorder()
	a.Serve(w, r, []byte(body), "req-1")
	return w
}

type errorResponse struct {
	Xmlns string `xml:"xmlns,attr"`
	Error struct{ Type, Code, Message string }
	ReqID string `xml:"RequestId"`
}

func failure(t *testing.T, w *httptest.ResponseRecorder) (int, errorResponse) {
	t.Helper()
	var e errorResponse
	if err := xml.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Xmlns != "https://sts.amazonaws.com/doc/2011-06-15/" || e.ReqID != "req-1" {
		t.Fatalf("error body %s: %v", w.Body, err)
	}
	return w.Code, e
}

func TestGetCallerIdentity(t *testing.T) {
	a := newAPI(t, &fakeSTS{})
	tests := []struct {
		name string
		p    *authz.Principal
		want string
	}{
		{"root", &authz.Principal{Account: acct, IsRoot: true, Type: authz.TypeAccount},
			`<UserId>111111111111</UserId><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:root</Arn>`},
		{"user", user, `<UserId>AIDAEXAMPLEEXAMPLE01</UserId><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:user/eng/alice</Arn>`},
		{"session", session, `<UserId>AROAEXAMPLEEXAMPLE01:s1</UserId><Account>111111111111</Account><Arn>arn:aws:sts::111111111111:assumed-role/r1/s1</Arn>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(t, a, tt.p, "Action", "GetCallerIdentity")
			want := `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
				tt.want + `</GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`
			if w.Code != 200 || w.Body.String() != want {
				t.Errorf("got %d %s\nwant %s", w.Code, w.Body, want)
			}
		})
	}
}

func TestAssumeRole(t *testing.T) {
	var got sts.AssumeRoleInput
	var caller *authz.Principal
	f := &fakeSTS{assumeRole: func(c *authz.Principal, in sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		got, caller = in, c
		return &sts.AssumeRoleOutput{Credentials: creds, AssumedRoleID: "AROAEXAMPLEEXAMPLE02:s1",
			ARN: "arn:aws:sts::" + acct + ":assumed-role/r1/s1", PackedPolicySize: -1}, nil
	}}
	a := newAPI(t, f)
	w := serve(t, a, user, "Action", "AssumeRole", "RoleArn", "arn:aws:iam::"+acct+":role/r1", "RoleSessionName", "s1",
		"DurationSeconds", "900", "Policy", `{"Version":"2012-10-17"}`, "PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/p1",
		"Tags.member.1.Key", "team", "Tags.member.1.Value", "a b", "Tags.member.2.Key", "env", "Tags.member.2.Value", "",
		"TransitiveTagKeys.member.1", "Team", "ExternalId", "ext-1", "SourceIdentity", "alice@example.com")
	want := `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
		`<AssumedRoleUser><AssumedRoleId>AROAEXAMPLEEXAMPLE02:s1</AssumedRoleId><Arn>arn:aws:sts::111111111111:assumed-role/r1/s1</Arn></AssumedRoleUser>` +
		`<Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE01</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>` +
		`<SessionToken>token</SessionToken><Expiration>2026-11-23T07:18:34Z</Expiration></Credentials>` +
		`</AssumeRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>`
	if w.Code != 200 || w.Body.String() != want {
		t.Fatalf("got %d %s\nwant %s", w.Code, w.Body, want)
	}
	wantIn := sts.AssumeRoleInput{RoleARN: "arn:aws:iam::" + acct + ":role/r1", RoleSessionName: "s1", DurationSeconds: 900,
		Policy: `{"Version":"2012-10-17"}`, PolicyARNs: []string{"arn:aws:iam::aws:policy/p1"}, ExternalID: "ext-1",
		SourceIdentity: "alice@example.com", Tags: []sts.Tag{{Key: "team", Value: "a b"}, {Key: "env"}},
		TransitiveTagKeys: []string{"Team"}}
	if diff := cmp.Diff(wantIn, got); diff != "" || caller != user {
		t.Errorf("input (-want +got):\n%s", diff)
	}

	f.assumeRole = func(*authz.Principal, sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		return &sts.AssumeRoleOutput{Credentials: creds, AssumedRoleID: "X:s", ARN: "arn", PackedPolicySize: 6, SourceIdentity: "si"}, nil
	}
	w = serve(t, a, user, "Action", "AssumeRole", "RoleArn", "arn:aws:iam::"+acct+":role/r1", "RoleSessionName", "s1")
	if !strings.Contains(w.Body.String(), `</Credentials><PackedPolicySize>6</PackedPolicySize><SourceIdentity>si</SourceIdentity></AssumeRoleResult>`) {
		t.Errorf("optional members: %s", w.Body)
	}
}

func TestAssumeRoleMatchesRecording(t *testing.T) {
	rec := recorded(t)
	a := newAPI(t, &fakeSTS{assumeRole: func(*authz.Principal, sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		return &sts.AssumeRoleOutput{Credentials: creds, AssumedRoleID: "AROA:s", ARN: "arn", PackedPolicySize: -1}, nil
	}})
	w := serve(t, a, root, "Action", "AssumeRole", "RoleArn", "arn:aws:iam::"+acct+":role/r1", "RoleSessionName", "s1")
	var res struct {
		Result map[string]any
	}
	res.Result = members(t, w.Body.Bytes(), "AssumeRoleResult")
	want := rec["tests/aws/services/sts/test_sts.py::TestSTSIntegrations::test_assume_role"]["assume-role"]
	delete(want, "ResponseMetadata")
	if diff := cmp.Diff(shape(want), shape(res.Result)); diff != "" {
		t.Errorf("AssumeRoleResult members (-recorded +got):\n%s", diff)
	}
}

func TestAssumeRoleValidationMatchesRecording(t *testing.T) {
	rec := recorded(t)
	invalid := rec["tests/aws/services/sts/test_sts.py::TestSTSIntegrations::test_sts_invalid_parameters"]
	tags := rec["tests/aws/services/sts/test_sts.py::TestSTSAssumeRoleTagging::test_assume_role_tag_validation"]
	a := newAPI(t, &fakeSTS{assumeRole: func(*authz.Principal, sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
		t.Error("the service was called with an invalid request")
		return nil, errkind.New(errkind.Internal, "x")
	}})
	const role = "arn:aws:iam::111111111111:role/r1"
	tests := []struct {
		name string
		rec  map[string]any
		kv   []string
	}{
		{"malformed-arn", invalid["malformed-arn"], []string{"RoleArn", "nothing-valid-in-here", "RoleSessionName", "s1"}},
		{"no-partition", invalid["no-partition"], []string{"RoleArn", "arn::b:::something/test-role", "RoleSessionName", "s1"}},
		{"no-service", invalid["no-service"], []string{"RoleArn", "arn:a::::something/test-role", "RoleSessionName", "s1"}},
		{"not-enough-colons", invalid["not-enough-colons"], []string{"RoleArn", "arn:a:::something/test-role", "RoleSessionName", "s1"}},
		{"no-resource", invalid["no-resource"], []string{"RoleArn", "arn:a:a::aaaaaaaaaa:", "RoleSessionName", "s1"}},
		{"invalid-session-name", invalid["invalid-session-name"], []string{"RoleArn", role, "RoleSessionName", "Session1:2"}},
		{"invalid-transitive-tag-keys", tags["invalid-transitive-tag-keys"], []string{"RoleArn", role, "RoleSessionName", "s1",
			"Tags.member.1.Key", "k1", "Tags.member.1.Value", "v", "TransitiveTagKeys.member.1", "k2"}},
		{"duplicate-tag-keys-different-casing", tags["duplicate-tag-keys-different-casing"], []string{"RoleArn", role, "RoleSessionName", "s1",
			"Tags.member.1.Key", "k1", "Tags.member.1.Value", "v", "Tags.member.2.Key", "K1", "Tags.member.2.Value", "v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, e := failure(t, serve(t, a, root, append([]string{"Action", "AssumeRole"}, tt.kv...)...))
			want := tt.rec["Error"].(map[string]any)
			wantStatus := int(tt.rec["ResponseMetadata"].(map[string]any)["HTTPStatusCode"].(float64))
			if st != wantStatus || e.Error.Code != want["Code"] || e.Error.Message != want["Message"] || e.Error.Type != want["Type"] {
				t.Errorf("got %d %+v\nwant %d %v", st, e.Error, wantStatus, want)
			}
		})
	}
}

func TestAssumeRoleConstraints(t *testing.T) {
	a := newAPI(t, &fakeSTS{})
	const role = "arn:aws:iam::111111111111:role/r1"
	tests := []struct {
		name string
		kv   []string
		code string
		msg  string
	}{
		{"missing both", nil, "ValidationError",
			"2 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"},
		{"short arn", []string{"RoleArn", "arn:aws:iam::1:r", "RoleSessionName", "s1"}, "ValidationError",
			"1 validation error detected: Value 'arn:aws:iam::1:r' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20"},
		{"short duration", []string{"RoleArn", role, "RoleSessionName", "s1", "DurationSeconds", "899"}, "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"long duration", []string{"RoleArn", role, "RoleSessionName", "s1", "DurationSeconds", "43201"}, "ValidationError",
			"1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200"},
		{"bad tag key", []string{"RoleArn", role, "RoleSessionName", "s1", "Tags.member.1.Key", "a*b", "Tags.member.1.Value", "v"}, "ValidationError",
			"1 validation error detected: Value 'a*b' at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"},
		{"short external id", []string{"RoleArn", role, "RoleSessionName", "s1", "ExternalId", "x"}, "ValidationError",
			"1 validation error detected: Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"too many policy arns", append([]string{"RoleArn", role, "RoleSessionName", "s1"}, policyArns(11)...), "ValidationError",
			"1 validation error detected: Value '[11 items]' at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10"},
		{"provided contexts", []string{"RoleArn", role, "RoleSessionName", "s1", "ProvidedContexts.member.1.ProviderArn", "arn:aws:iam::aws:contextProvider/IdentityCenter"},
			"InvalidParameterValue", "ProvidedContexts is not supported."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, e := failure(t, serve(t, a, root, append([]string{"Action", "AssumeRole"}, tt.kv...)...))
			if st != 400 || e.Error.Code != tt.code || e.Error.Message != tt.msg || e.Error.Type != "Sender" {
				t.Errorf("got %d %+v\nwant %s %q", st, e.Error, tt.code, tt.msg)
			}
		})
	}
}

func policyArns(n int) []string {
	var kv []string
	for i := 1; i <= n; i++ {
		kv = append(kv, "PolicyArns.member."+itoa(i)+".arn", "arn:aws:iam::aws:policy/p"+itoa(i))
	}
	return kv
}

func TestServiceErrors(t *testing.T) {
	f := &fakeSTS{}
	a := newAPI(t, f)
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		msg    string
	}{
		{"denied", errkind.New(errkind.AccessDenied, "User: u is not authorized to perform: sts:AssumeRole on resource: r"),
			403, "AccessDenied", "User: u is not authorized to perform: sts:AssumeRole on resource: r"},
		{"duration", errkind.WithDetail(errkind.Validation, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
			400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"packed", errkind.WithDetail(errkind.TooLarge, "PackedPolicyTooLarge", "too big"), 400, "PackedPolicyTooLarge", "too big"},
		{"internal", errkind.Wrap(errkind.Internal, "key store at /var/lib/lambent broken", io.ErrUnexpectedEOF),
			500, "InternalFailure", "An internal error occurred. Retry the request; if it keeps failing, contact the operator with the request ID."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.assumeRole = func(*authz.Principal, sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) { return nil, tt.err }
			st, e := failure(t, serve(t, a, root, "Action", "AssumeRole", "RoleArn", "arn:aws:iam::111111111111:role/r1", "RoleSessionName", "s1"))
			if st != tt.status || e.Error.Code != tt.code || e.Error.Message != tt.msg {
				t.Errorf("got %d %+v, want %d %s %q", st, e.Error, tt.status, tt.code, tt.msg)
			}
		})
	}
}

func TestGetSessionToken(t *testing.T) {
	var dur int
	a := newAPI(t, &fakeSTS{getSessionToken: func(_ *authz.Principal, d int) (*sts.Credentials, error) {
		dur = d
		return &creds, nil
	}})
	w := serve(t, a, user, "Action", "GetSessionToken", "DurationSeconds", "129600")
	if w.Code != 200 || dur != 129600 || !strings.Contains(w.Body.String(),
		`<GetSessionTokenResult><Credentials><AccessKeyId>ASIAEXAMPLEEXAMPLE01</AccessKeyId>`) {
		t.Errorf("%d %d %s", w.Code, dur, w.Body)
	}
	serve(t, a, user, "Action", "GetSessionToken")
	if dur != 0 {
		t.Errorf("default duration passed as %d, want 0", dur)
	}
	st, e := failure(t, serve(t, a, user, "Action", "GetSessionToken", "DurationSeconds", "129601"))
	if st != 400 || e.Error.Code != "ValidationError" {
		t.Errorf("%d %+v", st, e)
	}
}

func TestProtocol(t *testing.T) {
	a := newAPI(t, &fakeSTS{})
	st, e := failure(t, serve(t, a, root, "Action", "GetFederationToken"))
	if st != 400 || e.Error.Code != "InvalidAction" || e.Error.Message != "Could not find operation GetFederationToken for version 2011-06-15" {
		t.Errorf("%d %+v", st, e)
	}
	st, e = failure(t, serve(t, a, nil, "Action", "GetCallerIdentity"))
	if st != 403 || e.Error.Code != "MissingAuthenticationToken" {
		t.Errorf("%d %+v", st, e)
	}
	r := httptest.NewRequest(http.MethodGet, "/?Action=GetCallerIdentity&Version=2011-06-15", nil)
	r = r.WithContext(authz.WithPrincipal(r.Context(), user))
	w := httptest.NewRecorder()
	a.Serve(w, r, nil, "req-1")
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/xml" || w.Header().Get("X-Amzn-Requestid") != "req-1" {
		t.Errorf("GET: %d %v", w.Code, w.Header())
	}
}

func recorded(t *testing.T) map[string]map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.SharedTestdata(t, "aws-recorded-localstack-snapshots"), "sts_test_sts.snapshot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]struct {
		Recorded map[string]map[string]any `json:"recorded-content"`
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]map[string]any{}
	for k, v := range all {
		out[k] = v.Recorded
	}
	return out
}

// members parses the named result element into nested maps of its
// children's names.
func members(t *testing.T, body []byte, result string) map[string]any {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(body)))
	stack := []map[string]any{{}}
	in := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if tk.Name.Local == result {
				in = true
				continue
			}
			if in {
				m := map[string]any{}
				stack[len(stack)-1][tk.Name.Local] = m
				stack = append(stack, m)
			}
		case xml.EndElement:
			if tk.Name.Local == result {
				return stack[0]
			}
			if in {
				stack = stack[:len(stack)-1]
			}
		}
	}
	return stack[0]
}

// shape reduces a tree to its member names.
func shape(v any) any {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil
	}
	out := map[string]any{}
	for k, c := range m {
		out[k] = shape(c)
	}
	return out
}

func TestWriteError(t *testing.T) {
	a := newAPI(t, &fakeSTS{})
	w := httptest.NewRecorder()
	a.WriteError(w, "req-1", errkind.WithDetail(errkind.Unauthenticated, "ExpiredToken", "The security token included in the request is expired"))
	st, e := failure(t, w)
	if st != 403 || e.Error.Code != "ExpiredToken" {
		t.Errorf("%d %+v", st, e)
	}
}
