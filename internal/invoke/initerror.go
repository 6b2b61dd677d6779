package invoke

import (
	"encoding/json"
	"time"
)

// initFailure is an init phase that did not reach /next.
type initFailure struct {
	errType string
	message string
	body    []byte // the runtime's own error document, if it posted one
	// duration is the init phase's length, for INIT_REPORT.
	duration time.Duration
}

func initFailureFromBody(body []byte) *initFailure {
	var doc struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal(body, &doc) != nil || doc.ErrorType == "" {
		return &initFailure{errType: "Runtime.Unknown", message: "the runtime reported an init error", body: nil}
	}
	return &initFailure{errType: doc.ErrorType, message: doc.ErrorMessage, body: body}
}

// document is the error body returned to the caller.
func (f *initFailure) document(requestID string) []byte {
	if f.body != nil {
		return f.body
	}
	return errorDocument(f.errType, "RequestId: "+requestID+" Error: "+f.message)
}

func errorDocument(errType, msg string) []byte {
	b, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{errType, msg})
	return b
}
