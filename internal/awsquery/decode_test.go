package awsquery

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/errkind"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		target   string
		body     string
		action   string
		version  string
		get      map[string]string
		lists    map[string][]string
		tags     [][2]string
		maps     map[string]map[string]string
		wantKind errkind.Kind
		wantCode string
	}{
		{
			name: "post form", method: "POST", target: "/",
			body:   "Action=CreateRole&Version=2010-05-08&RoleName=r1&AssumeRolePolicyDocument=%7B%22a%22%3A1%7D",
			action: "CreateRole", version: "2010-05-08",
			get: map[string]string{"RoleName": "r1", "AssumeRolePolicyDocument": `{"a":1}`, "Path": ""},
		},
		{
			name: "get query", method: "GET", target: "/?Action=GetCallerIdentity&Version=2011-06-15",
			action: "GetCallerIdentity", version: "2011-06-15",
		},
		{
			name: "body wins over url", method: "POST", target: "/?Action=GetUser&UserName=url",
			body: "Action=ListUsers&Version=2010-05-08", action: "ListUsers", version: "2010-05-08",
			get: map[string]string{"UserName": "url"},
		},
		{
			name: "lists in index order", method: "POST", target: "/",
			body:   "Action=A&ActionNames.member.10=j&ActionNames.member.2=b&ActionNames.member.1=a&ActionNames.member.0=z&ActionNames.member.01=y&ActionNames.member.x=q&ActionNames.member.3.Sub=s",
			action: "A",
			lists:  map[string][]string{"ActionNames": {"a", "b", "j"}, "Missing": {}},
		},
		{
			name: "tags", method: "POST", target: "/",
			body:   "Action=TagRole&Tags.member.2.Key=k2&Tags.member.2.Value=&Tags.member.1.Key=k1&Tags.member.1.Value=v1",
			action: "TagRole",
			tags:   [][2]string{{"k1", "v1"}, {"k2", ""}},
		},
		{
			name: "maps", method: "POST", target: "/",
			body:   "Action=A&M.entry.1.key=a&M.entry.1.value=1&M.entry.2.key=b&M.entry.3.value=orphan",
			action: "A",
			maps:   map[string]map[string]string{"M": {"a": "1", "b": ""}, "None": {}},
		},
		{
			name: "plus is space", method: "POST", target: "/", body: "Action=A&Description=a+b%2Bc",
			action: "A", get: map[string]string{"Description": "a b+c"},
		},
		{
			name: "missing action", method: "POST", target: "/", body: "Version=2010-05-08",
			wantKind: errkind.InvalidArgument, wantCode: "MissingAction",
		},
		{
			name: "malformed body", method: "POST", target: "/", body: "Action=A&x=%zz",
			wantKind: errkind.InvalidContent, wantCode: "MalformedQueryString",
		},
		{
			name: "get ignores body", method: "GET", target: "/?Action=B", body: "Action=A", action: "B",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
			req, err := Decode(r, []byte(tt.body))
			if tt.wantCode != "" {
				e, ok := errkind.As(err)
				if !ok || e.Kind != tt.wantKind || e.Detail != tt.wantCode {
					t.Fatalf("Decode error = %v, want kind %v detail %s", err, tt.wantKind, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if req.Action != tt.action || req.Version != tt.version {
				t.Errorf("Action, Version = %q, %q; want %q, %q", req.Action, req.Version, tt.action, tt.version)
			}
			for k, want := range tt.get {
				if got := req.Params.Get(k); got != want {
					t.Errorf("Get(%s) = %q, want %q", k, got, want)
				}
			}
			for k, want := range tt.lists {
				if diff := cmp.Diff(want, req.Params.List(k)); diff != "" {
					t.Errorf("List(%s) (-want +got):\n%s", k, diff)
				}
			}
			if tt.tags != nil {
				var got [][2]string
				for _, m := range req.Params.Members("Tags") {
					got = append(got, [2]string{m.Get("Key"), m.Get("Value")})
				}
				if diff := cmp.Diff(tt.tags, got); diff != "" {
					t.Errorf("Members(Tags) (-want +got):\n%s", diff)
				}
			}
			for k, want := range tt.maps {
				if diff := cmp.Diff(want, req.Params.Map(k)); diff != "" {
					t.Errorf("Map(%s) (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}

func TestNestedMembers(t *testing.T) {
	body := "Action=SimulateCustomPolicy&ContextEntries.member.1.ContextKeyName=aws%3ASourceIp" +
		"&ContextEntries.member.1.ContextKeyValues.member.2=10.0.0.2&ContextEntries.member.1.ContextKeyValues.member.1=10.0.0.1" +
		"&ContextEntries.member.1.ContextKeyType=ipList&ContextEntries.member.2.ContextKeyName=k" +
		"&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2Fp&Empty="
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req, err := Decode(r, []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	ms := req.Params.Members("ContextEntries")
	if len(ms) != 2 {
		t.Fatalf("got %d context entries, want 2", len(ms))
	}
	if got := ms[0].Get("ContextKeyName"); got != "aws:SourceIp" {
		t.Errorf("name = %q", got)
	}
	if diff := cmp.Diff([]string{"10.0.0.1", "10.0.0.2"}, ms[0].List("ContextKeyValues")); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if ms[1].Has("ContextKeyValues") {
		t.Error("second entry has values")
	}
	arns := req.Params.Members("PolicyArns")
	if len(arns) != 1 || arns[0].Get("arn") != "arn:aws:iam::aws:policy/p" {
		t.Errorf("PolicyArns = %v", arns)
	}
	if !req.Params.Has("Empty") || len(req.Params.List("Empty")) != 0 {
		t.Error("an empty list must be present and empty")
	}
	if req.Params.Has("Nothing") {
		t.Error("Has(Nothing)")
	}
	if got := req.Params.Field("ContextEntries").Field("member").Field("2").Get("ContextKeyName"); got != "k" {
		t.Errorf("Field path = %q", got)
	}
}
