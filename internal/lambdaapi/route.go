package lambdaapi

import (
	"net/http"
	"net/url"
	"strings"

	"lambent/internal/errkind"
)

// route is a matched Lambda operation with its path labels.
type route struct {
	op        string // operation name, e.g. "GetFunction"
	function  string // the {FunctionName} label, unescaped
	resource  string // the {Resource} / {ARN} label of tag routes
	statement string // the {StatementId} label of RemovePermission
	handle    func(*API, *call) error
}

// match resolves a request to an operation. Labels are split on the raw
// path and unescaped one by one, so an ARN sent as arn%3Aaws%3A… or a
// qualifier sent as %24LATEST arrives intact.
func match(r *http.Request) (route, error) {
	segs, err := segments(r.URL.EscapedPath())
	if err != nil {
		return route{}, err
	}
	if len(segs) == 0 {
		return route{}, unknown(r)
	}
	date, rest := segs[0], segs[1:]
	m := r.Method
	switch date {
	case "2015-03-31":
		return matchFunctions(m, rest, r)
	case "2014-11-13":
		if len(rest) == 3 && rest[0] == "functions" && rest[2] == "invoke-async" && m == http.MethodPost {
			return route{op: "InvokeAsync", function: rest[1], handle: (*API).invokeAsync}, nil
		}
	case "2019-09-25":
		return matchEventInvokeConfig(m, rest, r)
	case "lambent":
		// GET /lambent/admin/functions/{fn}/failed-events: Lambent's own
		// admin route, root credentials only.
		if len(rest) == 4 && rest[0] == "admin" && rest[1] == "functions" && rest[3] == "failed-events" && m == http.MethodGet {
			return route{op: "ListFailedEvents", function: rest[2], handle: (*API).listFailedEvents}, nil
		}
	case "2016-08-19":
		if len(rest) == 1 && rest[0] == "account-settings" && m == http.MethodGet {
			return route{op: "GetAccountSettings", handle: (*API).getAccountSettings}, nil
		}
	case "2017-03-31":
		if len(rest) == 2 && rest[0] == "tags" {
			switch m {
			case http.MethodGet:
				return route{op: "ListTags", resource: rest[1], handle: (*API).listTags}, nil
			case http.MethodPost:
				return route{op: "TagResource", resource: rest[1], handle: (*API).tagResource}, nil
			case http.MethodDelete:
				return route{op: "UntagResource", resource: rest[1], handle: (*API).untagResource}, nil
			}
		}
	}
	return route{}, unknown(r)
}

func matchFunctions(m string, rest []string, r *http.Request) (route, error) {
	if len(rest) == 0 || rest[0] != "functions" {
		return route{}, unknown(r)
	}
	switch len(rest) {
	case 1:
		switch m {
		case http.MethodPost:
			return route{op: "CreateFunction", handle: (*API).createFunction}, nil
		case http.MethodGet:
			return route{op: "ListFunctions", handle: (*API).listFunctions}, nil
		}
	case 2:
		fn := rest[1]
		switch m {
		case http.MethodGet:
			return route{op: "GetFunction", function: fn, handle: (*API).getFunction}, nil
		case http.MethodDelete:
			return route{op: "DeleteFunction", function: fn, handle: (*API).deleteFunction}, nil
		}
	case 3:
		fn := rest[1]
		switch {
		case rest[2] == "invocations" && m == http.MethodPost:
			return route{op: "Invoke", function: fn, handle: (*API).invoke}, nil
		case rest[2] == "configuration" && m == http.MethodGet:
			return route{op: "GetFunctionConfiguration", function: fn, handle: (*API).getFunctionConfiguration}, nil
		case rest[2] == "configuration" && m == http.MethodPut:
			return route{op: "UpdateFunctionConfiguration", function: fn,
				handle: (*API).updateFunctionConfiguration}, nil
		case rest[2] == "code" && m == http.MethodPut:
			return route{op: "UpdateFunctionCode", function: fn, handle: (*API).updateFunctionCode}, nil
		case rest[2] == "versions" && m == http.MethodPost:
			return route{op: "PublishVersion", function: fn, handle: (*API).publishVersion}, nil
		case rest[2] == "versions" && m == http.MethodGet:
			return route{op: "ListVersionsByFunction", function: fn, handle: (*API).listVersions}, nil
		case rest[2] == "policy" && m == http.MethodPost:
			return route{op: "AddPermission", function: fn, handle: (*API).addPermission}, nil
		case rest[2] == "policy" && m == http.MethodGet:
			return route{op: "GetPolicy", function: fn, handle: (*API).getPolicy}, nil
		}
	case 4:
		if rest[2] == "policy" && m == http.MethodDelete {
			return route{op: "RemovePermission", function: rest[1], statement: rest[3], handle: (*API).removePermission}, nil
		}
	}
	return route{}, unknown(r)
}

// matchEventInvokeConfig matches /2019-09-25/functions/{fn}/event-invoke-config[/list].
func matchEventInvokeConfig(m string, rest []string, r *http.Request) (route, error) {
	if len(rest) < 3 || rest[0] != "functions" || rest[2] != "event-invoke-config" {
		return route{}, unknown(r)
	}
	fn := rest[1]
	if len(rest) == 4 && rest[3] == "list" && m == http.MethodGet {
		return route{op: "ListFunctionEventInvokeConfigs", function: fn, handle: (*API).listEventInvokeConfigs}, nil
	}
	if len(rest) == 3 {
		switch m {
		case http.MethodPut:
			return route{op: "PutFunctionEventInvokeConfig", function: fn, handle: (*API).putEventInvokeConfig}, nil
		case http.MethodPost:
			return route{op: "UpdateFunctionEventInvokeConfig", function: fn, handle: (*API).updateEventInvokeConfig}, nil
		case http.MethodGet:
			return route{op: "GetFunctionEventInvokeConfig", function: fn, handle: (*API).getEventInvokeConfig}, nil
		case http.MethodDelete:
			return route{op: "DeleteFunctionEventInvokeConfig", function: fn, handle: (*API).deleteEventInvokeConfig}, nil
		}
	}
	return route{}, unknown(r)
}

// segments splits a raw path into unescaped segments. A trailing slash is
// ignored (aws-cli v2 lists functions with GET /2015-03-31/functions/).
func segments(raw string) ([]string, error) {
	raw = strings.TrimPrefix(raw, "/")
	raw = strings.TrimSuffix(raw, "/")
	if raw == "" {
		return nil, nil
	}
	parts := strings.Split(raw, "/")
	for i, p := range parts {
		s, err := url.PathUnescape(p)
		if err != nil {
			return nil, errkind.Newf(errkind.InvalidArgument, "malformed path segment %q", p)
		}
		parts[i] = s
	}
	return parts, nil
}

func unknown(r *http.Request) error {
	return errkind.WithDetail(errkind.InvalidArgument, "UnknownOperationException",
		"Lambent does not serve "+r.Method+" "+r.URL.EscapedPath()+": the operation is unknown or not implemented yet.")
}
