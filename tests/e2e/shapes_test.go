package e2e_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"testing"
)

// The parts of the CLI's JSON output the tests look at.

type functionConfig struct {
	FunctionName     string
	FunctionArn      string
	Runtime          string
	Handler          string
	Role             string
	Description      string
	CodeSha256       string
	CodeSize         int64
	MemorySize       int
	Timeout          int
	Version          string
	State            string
	StateReasonCode  string
	LastUpdateStatus string
	Environment      struct{ Variables map[string]string }
}

type getFunctionOutput struct {
	Configuration functionConfig
	Code          struct{ RepositoryType, Location string }
	Tags          map[string]string
}

type invokeOutput struct {
	StatusCode      int
	FunctionError   string
	LogResult       string
	ExecutedVersion string
}

// gofnReply is the Go test function's reply (tests/testfunctions/gofn).
type gofnReply struct {
	Action      string   `json:"action"`
	Value       string   `json:"value"`
	RequestID   string   `json:"requestId"`
	FunctionARN string   `json:"functionArn"`
	Data        string   `json:"data"`
	Env         []string `json:"env"`
}

// errorReply is the payload of a function error.
type errorReply struct {
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

func decodeJSON[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}

// logTail decodes the base64 LogResult of an invocation with --log-type Tail.
func logTail(t *testing.T, out invokeOutput) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(out.LogResult)
	if err != nil {
		t.Fatalf("decode LogResult %q: %v", out.LogResult, err)
	}
	return string(b)
}

// codeSha256 is Lambda's CodeSha256 of a package: base64 of its SHA-256.
func codeSha256(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// withFile returns a copy of the zip pkg with one more file in it.
func withFile(t *testing.T, pkg []byte, name, content string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create(name)
	if err == nil {
		_, err = io.WriteString(w, content)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
