package logsapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCreateLogStream(t *testing.T) {
	tests := []struct {
		name         string
		opts         []envOption
		body         string
		typ, message string // "" for success
	}{
		{"creates", nil, `{"logGroupName":"g","logStreamName":"new"}`, "", ""},
		{"exists", nil, `{"logGroupName":"g","logStreamName":"s"}`, "ResourceAlreadyExistsException", "The specified log stream already exists"},
		{"no group", nil, `{"logGroupName":"nope","logStreamName":"s"}`, "ResourceNotFoundException", "The specified log group does not exist."},
		{"missing stream", nil, `{"logGroupName":"g"}`, "InvalidParameterException",
			"1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
		{"colon in name", nil, `{"logGroupName":"g","logStreamName":"a:b"}`, "InvalidParameterException",
			"1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*"},
		{"fallback creates", []envOption{withoutCreator()}, `{"logGroupName":"g","logStreamName":"new"}`, "", ""},
		{"fallback creates the group too", []envOption{withoutCreator()}, `{"logGroupName":"g2","logStreamName":"new"}`, "", ""},
		{"fallback exists", []envOption{withoutCreator()}, `{"logGroupName":"g","logStreamName":"s"}`, "ResourceAlreadyExistsException", "The specified log stream already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.opts...)
			e.put("g", "s", []string{"m"})
			r := e.call("CreateLogStream", tt.body)
			if tt.typ != "" {
				wantError(t, r, 400, tt.typ, tt.message)
				return
			}
			if r.status != 200 || len(r.body) != 0 {
				t.Fatalf("got %d %s, want 200 {}", r.status, r.raw)
			}
			var in createLogStreamInput
			if err := decode([]byte(tt.body), &in); err != nil {
				t.Fatal(err)
			}
			got := e.ok("DescribeLogStreams", jsonString(map[string]string{"logGroupName": in.LogGroupName, "logStreamNamePrefix": in.LogStreamName}))
			want := map[string]any{"logStreams": []any{map[string]any{
				"logStreamName": in.LogStreamName, "creationTime": 1000.0, "storedBytes": 0.0,
				"arn": "arn:aws:logs:us-east-1:111111111111:log-group:" + in.LogGroupName + ":log-stream:" + in.LogStreamName,
			}}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DescribeLogStreams (-want +got):\n%s", diff)
			}
		})
	}
}
