package queue

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"lambent/internal/invoke"
)

func TestEncodeRecord(t *testing.T) {
	at := time.Date(2019, 11, 14, 18, 16, 5, 568_000_000, time.UTC)
	arn := "arn:aws:lambda:us-east-2:123456789012:function:my-function:$LATEST"
	tests := []struct {
		name string
		in   recordInput
		want string
	}{
		{"retries exhausted, as recorded against AWS", recordInput{
			requestID: "e4b46cbf-b738-4f3c-8880-a18cdf61200e", functionARN: arn, condition: "RetriesExhausted", attempts: 3,
			payload: []byte(`{"ORDER_IDS": ["9e07af03"]}`), at: at,
			resp: &invoke.Response{Payload: []byte(`{"errorMessage":"intentional failure","errorType":"Exception"}`),
				FunctionError: "Unhandled", ExecutedVersion: "$LATEST"},
		}, `{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z",
			"requestContext":{"requestId":"e4b46cbf-b738-4f3c-8880-a18cdf61200e","functionArn":"` + arn + `",
				"condition":"RetriesExhausted","approximateInvokeCount":3},
			"requestPayload":{"ORDER_IDS":["9e07af03"]},
			"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
			"responsePayload":{"errorMessage":"intentional failure","errorType":"Exception"}}`},
		{"success omits functionError", recordInput{
			requestID: "r", functionARN: arn, condition: "Success", attempts: 1, payload: []byte(`[1]`), at: at,
			resp: &invoke.Response{Payload: []byte(`"ok"`), ExecutedVersion: "7"},
		}, `{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z",
			"requestContext":{"requestId":"r","functionArn":"` + arn + `","condition":"Success","approximateInvokeCount":1},
			"requestPayload":[1],"responseContext":{"statusCode":200,"executedVersion":"7"},"responsePayload":"ok"}`},
		{"never ran: no response", recordInput{
			requestID: "r", functionARN: arn, condition: "EventAgeExceeded", attempts: 0, at: at,
		}, `{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z",
			"requestContext":{"requestId":"r","functionArn":"` + arn + `","condition":"EventAgeExceeded","approximateInvokeCount":0},
			"requestPayload":null}`},
		{"payloads that are not JSON become strings", recordInput{
			requestID: "r", functionARN: arn, condition: "Success", attempts: 1, payload: []byte("plain"), at: at,
			resp: &invoke.Response{Payload: []byte("text"), ExecutedVersion: "$LATEST"},
		}, `{"version":"1.0","timestamp":"2019-11-14T18:16:05.568Z",
			"requestContext":{"requestId":"r","functionArn":"` + arn + `","condition":"Success","approximateInvokeCount":1},
			"requestPayload":"plain","responseContext":{"statusCode":200,"executedVersion":"$LATEST"},"responsePayload":"text"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got, want any
			if err := json.Unmarshal(encodeRecord(tt.in), &got); err != nil {
				t.Fatalf("record is not JSON: %v", err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("bad want: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("record mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
