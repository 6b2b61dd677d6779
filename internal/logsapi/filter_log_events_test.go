package logsapi

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// filterAll follows nextToken from body and returns the messages of each
// page; it fails if a page without events carries no token but a later
// call would have more.
func filterAll(t *testing.T, e *env, body string) [][]string {
	t.Helper()
	var in map[string]any
	if err := decode([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	var pages [][]string
	for {
		out := e.ok("FilterLogEvents", jsonString(in))
		pages = append(pages, messagesOf(t, out))
		tok, ok := out["nextToken"].(string)
		if !ok || len(pages) > 20 {
			return pages
		}
		in["nextToken"] = tok
	}
}

func TestFilterLogEvents(t *testing.T) {
	e := newEnv(t)
	e.put("g", "a", []string{"START RequestId: 1", "ERROR boom", "END RequestId: 1"}, 100, 101, 102)
	e.put("g", "b", []string{"START RequestId: 2", "WARN slow", "END RequestId: 2"}, 200, 201, 202)
	e.put("g", "c-other", []string{"INFO hello world"}, 300)
	e.put("h", "a", []string{"another group"}, 100)
	all := []string{"START RequestId: 1", "ERROR boom", "END RequestId: 1", "START RequestId: 2", "WARN slow", "END RequestId: 2", "INFO hello world"}
	tests := []struct {
		name  string
		body  string
		pages [][]string
	}{
		{"all", `{"logGroupName":"g"}`, [][]string{all}},
		{"by identifier", `{"logGroupIdentifier":"arn:aws:logs:us-east-1:111111111111:log-group:g"}`, [][]string{all}},
		{"stream names", `{"logGroupName":"g","logStreamNames":["b","c-other"]}`, [][]string{all[3:]}},
		{"stream prefix", `{"logGroupName":"g","logStreamNamePrefix":"c-"}`, [][]string{all[6:]}},
		{"time range, end inclusive", `{"logGroupName":"g","startTime":101,"endTime":201}`, [][]string{all[1:5]}},
		{"end at epoch", `{"logGroupName":"g","endTime":0}`, [][]string{{}}},
		{"term", `{"logGroupName":"g","filterPattern":"RequestId"}`, [][]string{{all[0], all[2], all[3], all[5]}}},
		{"terms and exclusion", `{"logGroupName":"g","filterPattern":"RequestId -END"}`, [][]string{{all[0], all[3]}}},
		{"any of", `{"logGroupName":"g","filterPattern":"?ERROR ?WARN"}`, [][]string{{all[1], all[4]}}},
		{"quoted", `{"logGroupName":"g","filterPattern":"\"hello world\""}`, [][]string{{all[6]}}},
		{"case-sensitive", `{"logGroupName":"g","filterPattern":"error"}`, [][]string{{}}},
		{"paged", `{"logGroupName":"g","limit":3}`, [][]string{all[0:3], all[3:6], all[6:]}},
		{"paged exactly", `{"logGroupName":"g","limit":7}`, [][]string{all}},
		{"paged with pattern", `{"logGroupName":"g","limit":1,"filterPattern":"START"}`, [][]string{{all[0]}, {all[3]}, {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.pages, filterAll(t, e, tt.body)); diff != "" {
				t.Errorf("pages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFilterLogEventsShape(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"hello"}, 42)
	got := e.ok("FilterLogEvents", `{"logGroupName":"g","interleaved":true}`)
	want := map[string]any{
		"events": []any{map[string]any{
			"logStreamName": "s", "timestamp": 42.0, "message": "hello", "ingestionTime": float64(now.UnixMilli()), "eventId": "1",
		}},
		"searchedLogStreams": []any{},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestFilterLogEventsFollow replays what `aws logs tail --follow` does:
// page until no nextToken, then poll again from the last timestamp.
func TestFilterLogEventsFollow(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"one", "two"}, 10, 20)
	first := e.ok("FilterLogEvents", `{"logGroupName":"g","startTime":0}`)
	if _, ok := first["nextToken"]; ok {
		t.Fatalf("last page carries a nextToken: %v", first)
	}
	e.put("g", "s", []string{"three"}, 20)
	again := e.ok("FilterLogEvents", `{"logGroupName":"g","startTime":20}`)
	if diff := cmp.Diff([]string{"two", "three"}, messagesOf(t, again)); diff != "" {
		t.Errorf("poll from the last timestamp (-want +got):\n%s", diff)
	}
}

func TestFilterLogEventsScanBound(t *testing.T) {
	e := newEnv(t)
	msgs := make([]string, scanChunk)
	for i := range msgs {
		msgs[i] = "noise"
	}
	for range maxScanEvents/scanChunk + 1 {
		e.put("g", "s", msgs)
	}
	e.put("g", "s", []string{"needle"})
	pages := filterAll(t, e, `{"logGroupName":"g","filterPattern":"needle"}`)
	if diff := cmp.Diff([][]string{{}, {"needle"}}, pages); diff != "" {
		t.Errorf("a long scan returns a partial page with a token (-want +got):\n%s", diff)
	}
}

func TestFilterLogEventsErrors(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"x"})
	e.put("h", "s", []string{"x"})
	tokenOfH := pageToken{Op: "FilterLogEvents", Group: "h", ID: 1}.encode()
	invalid := "InvalidParameterException"
	tests := []struct {
		name, body, typ, message string
	}{
		{"no group", `{"logGroupName":"nope"}`, "ResourceNotFoundException", "The specified log group does not exist."},
		{"bad pattern", `{"logGroupName":"g","filterPattern":"\"unterminated"}`, invalid, "Invalid filter pattern"},
		{"JSON pattern", `{"logGroupName":"g","filterPattern":"{ $.level = \"ERROR\" }"}`, invalid, "Invalid filter pattern"},
		{"space-delimited pattern", `{"logGroupName":"g","filterPattern":"[ip, user, status = 500]"}`, invalid, "Invalid filter pattern"},
		{"long pattern", `{"logGroupName":"g","filterPattern":"` + strings.Repeat("a", 1025) + `"}`, invalid,
			"1 validation error detected: Value '" + strings.Repeat("a", 1025) + "' at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024"},
		{"garbage token", `{"logGroupName":"g","nextToken":"%%%"}`, invalid, "The specified nextToken is invalid."},
		{"token of another group", `{"logGroupName":"g","nextToken":"` + tokenOfH + `"}`, invalid, "The specified nextToken is invalid."},
		{"negative token", `{"logGroupName":"g","nextToken":"` + pageToken{Op: "FilterLogEvents", Group: "g", ID: -5}.encode() + `"}`, invalid, "The specified nextToken is invalid."},
		{"limit", `{"logGroupName":"g","limit":10001}`, invalid, "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"},
		{"negative start", `{"logGroupName":"g","startTime":-1}`, invalid, "1 validation error detected: Value '-1' at 'startTime' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{"names and prefix", `{"logGroupName":"g","logStreamNames":["s"],"logStreamNamePrefix":"s"}`, invalid, "logStreamNames and logStreamNamePrefix are mutually exclusive parameters."},
		{"too many names", `{"logGroupName":"g","logStreamNames":[` + strings.TrimSuffix(strings.Repeat(`"s",`, 101), ",") + `]}`, invalid,
			"1 validation error detected: Value '101' at 'logStreamNames' failed to satisfy constraint: Member must have length less than or equal to 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.call("FilterLogEvents", tt.body), 400, tt.typ, tt.message)
		})
	}
}

func TestFilterLogEventsPageSize(t *testing.T) {
	e := newEnv(t)
	big := strings.Repeat("x", 200_000)
	for i := range 7 {
		e.put("g", "s", []string{fmt.Sprint(i, big)})
	}
	pages := filterAll(t, e, `{"logGroupName":"g"}`)
	var sizes []int
	for _, p := range pages {
		sizes = append(sizes, len(p))
	}
	if diff := cmp.Diff([]int{6, 1}, sizes); diff != "" {
		t.Errorf("a page stops after 1 MB (-want +got):\n%s", diff)
	}
}
