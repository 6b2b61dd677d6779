package queue

import (
	"encoding/json"
	"time"

	"lambent/internal/invoke"
)

// record is Lambda's invocation record, the payload a destination
// receives.
type record struct {
	Version         string           `json:"version"`
	Timestamp       string           `json:"timestamp"`
	RequestContext  requestContext   `json:"requestContext"`
	RequestPayload  json.RawMessage  `json:"requestPayload"`
	ResponseContext *responseContext `json:"responseContext,omitempty"`
	ResponsePayload json.RawMessage  `json:"responsePayload,omitempty"`
}

type requestContext struct {
	RequestID              string `json:"requestId"`
	FunctionARN            string `json:"functionArn"`
	Condition              string `json:"condition"`
	ApproximateInvokeCount int    `json:"approximateInvokeCount"`
}

type responseContext struct {
	StatusCode      int    `json:"statusCode"`
	ExecutedVersion string `json:"executedVersion"`
	FunctionError   string `json:"functionError,omitempty"`
}

// recordInput is what an invocation record describes.
type recordInput struct {
	requestID   string
	functionARN string // qualified: NAME:$LATEST when invoked unqualified
	condition   string
	attempts    int
	payload     []byte
	// resp is the last invocation's response, nil when none ran.
	resp *invoke.Response
	at   time.Time
}

// encodeRecord renders the invocation record. Payloads that are not JSON
// (Lambda requires JSON, but an empty event is tolerated) are embedded as
// JSON strings, an empty one as null.
func encodeRecord(in recordInput) []byte {
	r := record{
		Version:   "1.0",
		Timestamp: in.at.UTC().Format("2006-01-02T15:04:05.000Z"),
		RequestContext: requestContext{RequestID: in.requestID, FunctionARN: in.functionARN,
			Condition: in.condition, ApproximateInvokeCount: in.attempts},
		RequestPayload: jsonValue(in.payload),
	}
	if in.resp != nil {
		r.ResponseContext = &responseContext{StatusCode: 200, ExecutedVersion: in.resp.ExecutedVersion,
			FunctionError: in.resp.FunctionError}
		r.ResponsePayload = jsonValue(in.resp.Payload)
	}
	b, err := json.Marshal(r)
	if err != nil {
		// Every member is a string, a number or valid JSON: Marshal
		// cannot fail.
		panic("encode invocation record: " + err.Error())
	}
	return b
}

// jsonValue returns b when it is JSON, else b as a JSON string.
func jsonValue(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}
