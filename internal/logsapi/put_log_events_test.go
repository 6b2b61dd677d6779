package logsapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func putBody(group, stream string, ts []int64, msgs ...string) string {
	type ev struct {
		Timestamp int64  `json:"timestamp"`
		Message   string `json:"message"`
	}
	evs := []ev{}
	for i, m := range msgs {
		evs = append(evs, ev{ts[i], m})
	}
	return jsonString(map[string]any{"logGroupName": group, "logStreamName": stream, "logEvents": evs})
}

func TestPutLogEvents(t *testing.T) {
	n := now.UnixMilli()
	old := now.Add(-14*24*time.Hour - time.Hour).UnixMilli()
	almostOld := now.Add(-14*24*time.Hour + time.Hour).UnixMilli()
	future := now.Add(3 * time.Hour).UnixMilli()
	big := strings.Repeat("x", 262_144-26+1)
	tests := []struct {
		name         string
		body         string
		typ, message string // "" for success
		want         map[string]any
		stored       []string
	}{
		{"stores", putBody("g", "s", []int64{n, n + 1}, "one", "two"), "", "", map[string]any{}, []string{"one", "two"}},
		{"rejects too old", putBody("g", "s", []int64{old, old, almostOld}, "o1", "o2", "ok"), "", "",
			map[string]any{"rejectedLogEventsInfo": map[string]any{"tooOldLogEventEndIndex": 1.0}}, []string{"ok"}},
		{"rejects too new", putBody("g", "s", []int64{n, future, future}, "ok", "f1", "f2"), "", "",
			map[string]any{"rejectedLogEventsInfo": map[string]any{"tooNewLogEventStartIndex": 1.0}}, []string{"ok"}},
		{"all rejected", putBody("g", "s", []int64{old}, "o"), "", "",
			map[string]any{"rejectedLogEventsInfo": map[string]any{"tooOldLogEventEndIndex": 0.0}}, []string{}},
		{"no stream", putBody("g", "nope", []int64{n}, "m"), "ResourceNotFoundException", "The specified log stream does not exist.", nil, nil},
		{"no group", putBody("nope", "s", []int64{n}, "m"), "ResourceNotFoundException", "The specified log group does not exist.", nil, nil},
		{"no events", `{"logGroupName":"g","logStreamName":"s","logEvents":[]}`, "InvalidParameterException",
			"1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1", nil, nil},
		{"no timestamp", `{"logGroupName":"g","logStreamName":"s","logEvents":[{"message":"m"}]}`, "InvalidParameterException",
			"1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null", nil, nil},
		{"empty message", putBody("g", "s", []int64{n, n}, "a", ""), "InvalidParameterException",
			"1 validation error detected: Value '' at 'logEvents.2.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1", nil, nil},
		{"out of order", putBody("g", "s", []int64{n, n - 1}, "a", "b"), "InvalidParameterException",
			"Log events in a single PutLogEvents request must be in chronological order.", nil, nil},
		{"span over a day", putBody("g", "s", []int64{n - 25*3600_000, n}, "a", "b"), "InvalidParameterException",
			"The batch of log events in a single PutLogEvents request cannot span more than 24 hours.", nil, nil},
		{"event too large", putBody("g", "s", []int64{n}, big), "InvalidParameterException",
			"Log event too large: 262145 bytes exceeds limit of 262144", nil, nil},
		{"batch too large", putBody("g", "s", []int64{n, n, n, n, n}, big[:250_000], big[:250_000], big[:250_000], big[:250_000], big[:100_000]),
			"InvalidParameterException", "Upload too large: 1100130 bytes exceeds limit of 1048576", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if err := e.st.CreateLogGroup(t.Context(), acctA, "g"); err != nil {
				t.Fatal(err)
			}
			if err := e.st.CreateLogStream(t.Context(), acctA, "g", "s"); err != nil {
				t.Fatal(err)
			}
			r := e.call("PutLogEvents", tt.body)
			if tt.typ != "" {
				wantError(t, r, 400, tt.typ, tt.message)
				return
			}
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if diff := cmp.Diff(tt.want, r.body); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			got := messagesOf(t, e.ok("GetLogEvents", `{"logGroupName":"g","logStreamName":"s","startFromHead":true}`))
			if diff := cmp.Diff(tt.stored, got); diff != "" {
				t.Errorf("stored (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPutLogEventsTooMany(t *testing.T) {
	e := newEnv(t)
	var b strings.Builder
	b.WriteString(`{"logGroupName":"g","logStreamName":"s","logEvents":[`)
	for i := range 10001 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"timestamp":%d,"message":"m"}`, now.UnixMilli())
	}
	b.WriteString("]}")
	wantError(t, e.call("PutLogEvents", b.String()), 400, "InvalidParameterException",
		"1 validation error detected: Value '10001' at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000")
}
