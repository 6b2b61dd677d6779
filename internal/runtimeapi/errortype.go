package runtimeapi

import "encoding/json"

// bodyErrorType extracts errorType from an error document, if it is one.
func bodyErrorType(body []byte) string {
	var doc struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	return doc.ErrorType
}
