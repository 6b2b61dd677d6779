package logsapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// groupNames returns the logGroupName members of a DescribeLogGroups answer.
func groupNames(t *testing.T, body map[string]any) []string {
	t.Helper()
	out := []string{}
	for _, g := range body["logGroups"].([]any) {
		out = append(out, g.(map[string]any)["logGroupName"].(string))
	}
	return out
}

func TestDescribeLogGroups(t *testing.T) {
	e := newEnv(t)
	for _, g := range []string{"/aws/lambda/b", "/aws/lambda/a", "/aws/lambda/Checkout", "/other/x", "/aws/lambda/c"} {
		e.put(g, "s", []string{"12345"})
	}
	t.Run("shape", func(t *testing.T) {
		got := e.ok("DescribeLogGroups", `{"logGroupNamePrefix":"/other/"}`)
		want := map[string]any{"logGroups": []any{map[string]any{
			"logGroupName": "/other/x", "creationTime": 1000.0, "metricFilterCount": 0.0, "storedBytes": 5.0,
			"arn":           "arn:aws:logs:us-east-1:111111111111:log-group:/other/x:*",
			"logGroupArn":   "arn:aws:logs:us-east-1:111111111111:log-group:/other/x",
			"logGroupClass": "STANDARD",
		}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	tests := []struct {
		name  string
		body  string
		pages [][]string
	}{
		{"all", `{}`, [][]string{{"/aws/lambda/Checkout", "/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c", "/other/x"}}},
		{"prefix", `{"logGroupNamePrefix":"/aws/lambda/"}`, [][]string{{"/aws/lambda/Checkout", "/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c"}}},
		{"paged", `{"limit":2}`, [][]string{{"/aws/lambda/Checkout", "/aws/lambda/a"}, {"/aws/lambda/b", "/aws/lambda/c"}, {"/other/x"}}},
		{"paged exactly", `{"limit":5}`, [][]string{{"/aws/lambda/Checkout", "/aws/lambda/a", "/aws/lambda/b", "/aws/lambda/c", "/other/x"}}},
		{"pattern is case-insensitive", `{"logGroupNamePattern":"CHECK"}`, [][]string{{"/aws/lambda/Checkout"}}},
		{"pattern paged", `{"logGroupNamePattern":"lambda/","limit":3}`, [][]string{{"/aws/lambda/Checkout", "/aws/lambda/a", "/aws/lambda/b"}, {"/aws/lambda/c"}}},
		{"other class", `{"logGroupClass":"INFREQUENT_ACCESS"}`, [][]string{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in map[string]any
			if err := decode([]byte(tt.body), &in); err != nil {
				t.Fatal(err)
			}
			var pages [][]string
			for {
				body := e.ok("DescribeLogGroups", jsonString(in))
				pages = append(pages, groupNames(t, body))
				tok, ok := body["nextToken"].(string)
				if !ok || len(pages) > 10 {
					break
				}
				in["nextToken"] = tok
			}
			if diff := cmp.Diff(tt.pages, pages); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDescribeLogGroupsErrors(t *testing.T) {
	e := newEnv(t)
	streamsToken := pageToken{Op: "DescribeLogStreams", Group: "g", Pos: "1"}.encode()
	tests := []struct {
		name, body, message string
	}{
		{"limit zero", `{"limit":0}`, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"limit too big", `{"limit":51}`, "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50"},
		{"prefix and pattern", `{"logGroupNamePrefix":"a","logGroupNamePattern":"b"}`, "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."},
		{"bad prefix", `{"logGroupNamePrefix":"a b"}`, `1 validation error detected: Value 'a b' at 'logGroupNamePrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{"garbage token", `{"nextToken":"!!"}`, "The specified nextToken is invalid."},
		{"token of another operation", `{"nextToken":"` + streamsToken + `"}`, "The specified nextToken is invalid."},
		{"bad class", `{"logGroupClass":"GOLD"}`, "1 validation error detected: Value 'GOLD' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, INFREQUENT_ACCESS, DELIVERY]"},
		{"identifiers", `{"logGroupIdentifiers":["g"]}`, "logGroupIdentifiers is not supported."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.call("DescribeLogGroups", tt.body), 400, "InvalidParameterException", tt.message)
		})
	}
}
