package logsapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func getEvents(t *testing.T, e *env, in map[string]any) (msgs []string, fwd, bwd string) {
	t.Helper()
	out := e.ok("GetLogEvents", jsonString(in))
	fwd, _ = out["nextForwardToken"].(string)
	bwd, _ = out["nextBackwardToken"].(string)
	if len(fwd) < 3 || fwd[:2] != "f/" || len(bwd) < 3 || bwd[:2] != "b/" {
		t.Fatalf("tokens %q %q, want f/… and b/…", fwd, bwd)
	}
	return messagesOf(t, out), fwd, bwd
}

func TestGetLogEvents(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"1", "2", "3", "4", "5"}, 10, 20, 30, 40, 50)
	e.put("g", "other", []string{"not mine"}, 15)
	base := func(kv ...any) map[string]any {
		m := map[string]any{"logGroupName": "g", "logStreamName": "s"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}

	t.Run("shape", func(t *testing.T) {
		got := e.ok("GetLogEvents", jsonString(base("limit", 1)))
		delete(got, "nextForwardToken")
		delete(got, "nextBackwardToken")
		want := map[string]any{"events": []any{map[string]any{"timestamp": 50.0, "message": "5", "ingestionTime": float64(now.UnixMilli())}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("latest page by default", func(t *testing.T) {
		msgs, _, _ := getEvents(t, e, base("limit", 2))
		if diff := cmp.Diff([]string{"4", "5"}, msgs); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("forward from head until the token repeats", func(t *testing.T) {
		in := base("limit", 2, "startFromHead", true)
		var pages [][]string
		for range 10 {
			msgs, fwd, _ := getEvents(t, e, in)
			pages = append(pages, msgs)
			if in["nextToken"] == fwd {
				break
			}
			in["nextToken"] = fwd
		}
		want := [][]string{{"1", "2"}, {"3", "4"}, {"5"}, {}}
		if diff := cmp.Diff(want, pages); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
	t.Run("backward from the end", func(t *testing.T) {
		in := base("limit", 2)
		var pages [][]string
		for range 10 {
			msgs, _, bwd := getEvents(t, e, in)
			pages = append(pages, msgs)
			if in["nextToken"] == bwd {
				break
			}
			in["nextToken"] = bwd
		}
		want := [][]string{{"4", "5"}, {"2", "3"}, {"1"}, {}}
		if diff := cmp.Diff(want, pages); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})
	t.Run("follow new events", func(t *testing.T) {
		e := newEnv(t)
		e.put("g", "s", []string{"a"}, 1)
		msgs, fwd, _ := getEvents(t, e, base("startFromHead", true))
		_, again, _ := getEvents(t, e, base("nextToken", fwd))
		if again != fwd {
			t.Errorf("forward token at the end changed: %q then %q", fwd, again)
		}
		e.put("g", "s", []string{"b"}, 2)
		more, _, _ := getEvents(t, e, base("nextToken", fwd))
		if diff := cmp.Diff([][]string{{"a"}, {"b"}}, [][]string{msgs, more}); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("time range, end exclusive", func(t *testing.T) {
		msgs, _, _ := getEvents(t, e, base("startTime", 20, "endTime", 40, "startFromHead", true))
		if diff := cmp.Diff([]string{"2", "3"}, msgs); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("empty stream", func(t *testing.T) {
		if err := e.st.CreateLogStream(t.Context(), acctA, "g", "empty"); err != nil {
			t.Fatal(err)
		}
		in := map[string]any{"logGroupName": "g", "logStreamName": "empty"}
		msgs, fwd, bwd := getEvents(t, e, in)
		if len(msgs) != 0 {
			t.Fatalf("events %v", msgs)
		}
		for _, tok := range []string{fwd, bwd} {
			in["nextToken"] = tok
			if msgs, _, _ := getEvents(t, e, in); len(msgs) != 0 {
				t.Errorf("token %q of an empty stream yields %v", tok, msgs)
			}
		}
	})
}

func TestGetLogEventsErrors(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"x"})
	e.put("g", "t", []string{"x"})
	otherStream := "f/" + pageToken{Op: "GetLogEvents", Group: "g", Stream: "t", ID: 1}.encode()
	filterTok := pageToken{Op: "FilterLogEvents", Group: "g", ID: 1}.encode()
	invalid := "InvalidParameterException"
	tests := []struct {
		name, body, typ, message string
	}{
		{"no group", `{"logGroupName":"nope","logStreamName":"s"}`, "ResourceNotFoundException", "The specified log group does not exist."},
		{"no stream", `{"logGroupName":"g","logStreamName":"nope"}`, "ResourceNotFoundException", "The specified log stream does not exist."},
		{"stream prefix is not the stream", `{"logGroupName":"g","logStreamName":"s2"}`, "ResourceNotFoundException", "The specified log stream does not exist."},
		{"missing stream", `{"logGroupName":"g"}`, invalid, "1 validation error detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null"},
		{"token without direction", `{"logGroupName":"g","logStreamName":"s","nextToken":"` + filterTok + `"}`, invalid, "The specified nextToken is invalid."},
		{"token of another operation", `{"logGroupName":"g","logStreamName":"s","nextToken":"f/` + filterTok + `"}`, invalid, "The specified nextToken is invalid."},
		{"token of another stream", `{"logGroupName":"g","logStreamName":"s","nextToken":"` + otherStream + `"}`, invalid, "The specified nextToken is invalid."},
		{"garbage token", `{"logGroupName":"g","logStreamName":"s","nextToken":"b/!!"}`, invalid, "The specified nextToken is invalid."},
		{"limit", `{"logGroupName":"g","logStreamName":"s","limit":0}`, invalid, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, e.call("GetLogEvents", tt.body), 400, tt.typ, tt.message)
		})
	}
}
