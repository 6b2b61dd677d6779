package awsquery

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Service is a Query-protocol service: its XML namespace and the codes its
// error table differs in.
type Service uint8

// The services.
const (
	IAM Service = iota + 1
	STS
)

// Namespace returns the XML namespace of the service's responses.
func (s Service) Namespace() string {
	if s == STS {
		return "https://sts.amazonaws.com/doc/2011-06-15/"
	}
	return "https://iam.amazonaws.com/doc/2010-05-08/"
}

// Version returns the API version the service speaks.
func (s Service) Version() string {
	if s == STS {
		return "2011-06-15"
	}
	return "2010-05-08"
}

type responseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// Marshal renders the response document of action: <ActionResponse> with
// <ActionResult> (only when result is not nil) and <ResponseMetadata>.
func Marshal(s Service, action, requestID string, result any) ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: s.Namespace()}}}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	if result != nil {
		if err := enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return nil, err
		}
	}
	if err := enc.EncodeElement(responseMetadata{RequestID: requestID},
		xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteResult writes the successful response of action. result is a
// struct whose exported fields carry xml tags, or nil for operations
// without output.
func WriteResult(w http.ResponseWriter, s Service, action, requestID string, result any) error {
	b, err := Marshal(s, action, requestID, result)
	if err != nil {
		return err
	}
	write(w, requestID, http.StatusOK, b)
	return nil
}

func write(w http.ResponseWriter, requestID string, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = []string{"text/xml"}
	h["X-Amzn-Requestid"] = []string{requestID}
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Time renders t as the ISO 8601 UTC timestamp the Query protocol uses,
// e.g. 2026-11-23T06:00:00Z.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// PolicyDocument URL-encodes a policy document for a response (§6.2):
// every byte outside RFC 3986's unreserved set is percent-encoded, so that
// botocore's unquote and Go's url.QueryUnescape both give back the text
// exactly as submitted.
func PolicyDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

// List is a Query list: its items are <member> elements. Use a *List with
// omitempty for lists AWS leaves out when empty (Tags), and a List value
// for lists it always sends (Users in ListUsers).
type List[T any] struct {
	Member []T `xml:"member"`
}

// OptionalList returns a list of items, or nil when there are none.
func OptionalList[T any](items []T) *List[T] {
	if len(items) == 0 {
		return nil
	}
	return &List[T]{Member: items}
}
