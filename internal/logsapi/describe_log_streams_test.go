package logsapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func streamNames(t *testing.T, body map[string]any) []string {
	t.Helper()
	out := []string{}
	for _, s := range body["logStreams"].([]any) {
		out = append(out, s.(map[string]any)["logStreamName"].(string))
	}
	return out
}

func TestDescribeLogStreams(t *testing.T) {
	e := newEnv(t)
	// Streams named against the order of their last events.
	e.put("g", "2024/01/01/[$LATEST]c", []string{"x"}, 100)
	e.put("g", "2024/01/01/[$LATEST]b", []string{"x"}, 300)
	e.put("g", "2024/01/01/[$LATEST]a", []string{"x", "y"}, 150, 200)
	e.put("g", "other", []string{"x"}, 50)
	t.Run("shape", func(t *testing.T) {
		got := e.ok("DescribeLogStreams", `{"logGroupName":"g","logStreamNamePrefix":"2024/01/01/[$LATEST]a"}`)
		want := map[string]any{"logStreams": []any{map[string]any{
			"logStreamName": "2024/01/01/[$LATEST]a", "creationTime": 1000.0,
			"firstEventTimestamp": 150.0, "lastEventTimestamp": 200.0, "lastIngestionTime": float64(now.UnixMilli()),
			"arn":         "arn:aws:logs:us-east-1:111111111111:log-group:g:log-stream:2024/01/01/[$LATEST]a",
			"storedBytes": 2.0,
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
		{"by name", `{"logGroupName":"g"}`, [][]string{{"2024/01/01/[$LATEST]a", "2024/01/01/[$LATEST]b", "2024/01/01/[$LATEST]c", "other"}}},
		{"prefix", `{"logGroupName":"g","logStreamNamePrefix":"2024/"}`, [][]string{{"2024/01/01/[$LATEST]a", "2024/01/01/[$LATEST]b", "2024/01/01/[$LATEST]c"}}},
		{"newest first", `{"logGroupName":"g","orderBy":"LastEventTime","descending":true}`, [][]string{{"2024/01/01/[$LATEST]b", "2024/01/01/[$LATEST]a", "2024/01/01/[$LATEST]c", "other"}}},
		{"paged", `{"logGroupIdentifier":"g","limit":3,"descending":true}`, [][]string{{"other", "2024/01/01/[$LATEST]c", "2024/01/01/[$LATEST]b"}, {"2024/01/01/[$LATEST]a"}}},
		{"by ARN", `{"logGroupIdentifier":"arn:aws:logs:us-east-1:111111111111:log-group:g:*","limit":2}`, [][]string{{"2024/01/01/[$LATEST]a", "2024/01/01/[$LATEST]b"}, {"2024/01/01/[$LATEST]c", "other"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in map[string]any
			if err := decode([]byte(tt.body), &in); err != nil {
				t.Fatal(err)
			}
			var pages [][]string
			for {
				body := e.ok("DescribeLogStreams", jsonString(in))
				pages = append(pages, streamNames(t, body))
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

func TestDescribeLogStreamsErrors(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"x"})
	e.put("h", "s", []string{"x"})
	tokenOfH := pageToken{Op: "DescribeLogStreams", Group: "h", Pos: "1"}.encode()
	tokenByName := pageToken{Op: "DescribeLogStreams", Group: "g", Pos: "1"}.encode()
	invalid := "InvalidParameterException"
	tests := []struct {
		name, body, typ, message string
	}{
		{"no group", `{"logGroupName":"nope"}`, "ResourceNotFoundException", "The specified log group does not exist."},
		{"ARN of another account", `{"logGroupIdentifier":"arn:aws:logs:us-east-1:222222222222:log-group:g"}`, "ResourceNotFoundException", "The specified log group does not exist."},
		{"ARN of another region", `{"logGroupIdentifier":"arn:aws:logs:eu-west-1:111111111111:log-group:g:*"}`, "ResourceNotFoundException", "The specified log group does not exist."},
		{"not a log group ARN", `{"logGroupIdentifier":"arn:aws:lambda:us-east-1:111111111111:function:g"}`, invalid, "The specified log group identifier is not a valid log group ARN."},
		{"name and identifier", `{"logGroupName":"g","logGroupIdentifier":"g"}`, invalid, "LogGroup name and LogGroup ARN are mutually exclusive parameters."},
		{"neither", `{}`, invalid, "Should provide either logGroupName or logGroupIdentifier."},
		{"time order with prefix", `{"logGroupName":"g","orderBy":"LastEventTime","logStreamNamePrefix":"s"}`, invalid, "Cannot order by LastEventTime with a logStreamNamePrefix."},
		{"bad orderBy", `{"logGroupName":"g","orderBy":"Size"}`, invalid, "1 validation error detected: Value 'Size' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]"},
		{"token of another group", `{"logGroupName":"g","nextToken":"` + tokenOfH + `"}`, invalid, "The specified nextToken is invalid."},
		{"forged position", `{"logGroupName":"g","nextToken":"` + pageToken{Op: "DescribeLogStreams", Group: "g", Pos: "x"}.encode() + `"}`, invalid, "The specified nextToken is invalid."},
		{"token of another order", `{"logGroupName":"g","orderBy":"LastEventTime","nextToken":"` + tokenByName + `"}`, invalid, "The specified nextToken is invalid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.call("DescribeLogStreams", tt.body), 400, tt.typ, tt.message)
		})
	}
}
