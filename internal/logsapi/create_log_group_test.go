package logsapi

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCreateLogGroup(t *testing.T) {
	long := strings.Repeat("a", 513)
	tests := []struct {
		name         string
		opts         []envOption
		body         string
		typ, message string // "" for success
	}{
		{"creates", nil, `{"logGroupName":"/aws/lambda/f"}`, "", ""},
		{"tags and kms ignored", nil, `{"logGroupName":"g2","tags":{"k":"v"},"kmsKeyId":"k"}`, "", ""},
		{"exists", nil, `{"logGroupName":"g"}`, "ResourceAlreadyExistsException", "The specified log group already exists"},
		{"missing name", nil, `{}`, "InvalidParameterException",
			"1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"},
		{"bad character", nil, `{"logGroupName":"a b"}`, "InvalidParameterException",
			`1 validation error detected: Value 'a b' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`},
		{"too long", nil, `{"logGroupName":"` + long + `"}`, "InvalidParameterException",
			"1 validation error detected: Value '" + long + "' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512"},
		{"store cannot create empty groups", []envOption{withoutCreator()}, `{"logGroupName":"new"}`, "InvalidOperationException",
			"This log store cannot create an empty log group; create the log stream instead."},
		{"store cannot, but it exists", []envOption{withoutCreator()}, `{"logGroupName":"g"}`, "ResourceAlreadyExistsException", "The specified log group already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			e.put("g", "s", []string{"m"})
			r := e.call("CreateLogGroup", tt.body)
			if tt.typ != "" {
				wantError(t, r, 400, tt.typ, tt.message)
				return
			}
			if r.status != 200 || len(r.body) != 0 {
				t.Fatalf("got %d %s, want 200 {}", r.status, r.raw)
			}
			var in createLogGroupInput
			if err := decode([]byte(tt.body), &in); err != nil {
				t.Fatal(err)
			}
			got := e.ok("DescribeLogGroups", `{"logGroupNamePrefix":"`+in.LogGroupName+`"}`)
			if diff := cmp.Diff(in.LogGroupName, got["logGroups"].([]any)[0].(map[string]any)["logGroupName"]); diff != "" {
				t.Errorf("created group not listed (-want +got):\n%s", diff)
			}
		})
	}
}
