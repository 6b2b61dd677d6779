package e2e_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"lambent/tests/framework"
)

// role is the execution role every test function is created with.
const role = framework.Role

// createGoFunction creates name from the Go test function with the CLI and
// waits until it is Active; it returns the create-function output.
func createGoFunction(t *testing.T, c *awsCLI, name string, extra ...string) functionConfig {
	t.Helper()
	var created functionConfig
	c.ok(t, &created, append([]string{"lambda", "create-function", "--function-name", name, "--runtime", "provided.al2023",
		"--handler", "bootstrap", "--role", role, "--zip-file", writeFile(t, "gofn.zip", framework.GoFunctionZip(t))}, extra...)...)
	c.waitActive(t, name)
	return created
}

func TestCLIFunctionLifecycle(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	c := cliFor(t, s)
	const name = "lifecycle"
	arn := "arn:aws:lambda:us-east-1:000000000000:function:" + name
	pkg := framework.GoFunctionZip(t)

	created := createGoFunction(t, c, name, "--timeout", "10", "--tags", "team=core",
		"--environment", "Variables={GREETING=hello}")
	if created.FunctionArn != arn || created.State != "Pending" || created.StateReasonCode != "Creating" ||
		created.Runtime != "provided.al2023" || created.Handler != "bootstrap" || created.Role != role ||
		created.CodeSha256 != codeSha256(pkg) || created.CodeSize != int64(len(pkg)) || created.Version != "$LATEST" {
		t.Fatalf("create-function output: %+v", created)
	}

	var got getFunctionOutput
	c.ok(t, &got, "lambda", "get-function", "--function-name", name)
	if cfg := got.Configuration; cfg.State != "Active" || cfg.LastUpdateStatus != "Successful" || cfg.MemorySize != 128 ||
		cfg.Timeout != 10 || cfg.Environment.Variables["GREETING"] != "hello" || got.Tags["team"] != "core" {
		t.Fatalf("get-function output: %+v", got)
	}
	if got.Code.RepositoryType != "S3" {
		t.Fatalf("Code.RepositoryType = %q, want S3", got.Code.RepositoryType)
	}
	// Code.Location is a presigned URL: plain HTTP, no signature.
	if b := httpGet(t, got.Code.Location); !bytes.Equal(b, pkg) {
		t.Fatalf("Code.Location served %d bytes, not the %d-byte package", len(b), len(pkg))
	}

	// aws-cli v2 lists with GET /2015-03-31/functions/ (trailing slash).
	var list struct{ Functions []functionConfig }
	c.ok(t, &list, "lambda", "list-functions")
	if len(list.Functions) != 1 || list.Functions[0].FunctionArn != arn {
		t.Fatalf("list-functions: %+v", list.Functions)
	}

	var upd functionConfig
	c.ok(t, &upd, "lambda", "update-function-configuration", "--function-name", name, "--memory-size", "256",
		"--description", "updated by the CLI", "--environment", "Variables={GREETING=bonjour}")
	if upd.LastUpdateStatus != "InProgress" || upd.MemorySize != 256 {
		t.Fatalf("update-function-configuration output: %+v", upd)
	}
	c.waitUpdated(t, name)
	var cfg functionConfig
	c.ok(t, &cfg, "lambda", "get-function-configuration", "--function-name", name)
	if cfg.LastUpdateStatus != "Successful" || cfg.MemorySize != 256 || cfg.Description != "updated by the CLI" ||
		cfg.Environment.Variables["GREETING"] != "bonjour" {
		t.Fatalf("get-function-configuration after update: %+v", cfg)
	}

	pkg2 := withFile(t, pkg, "VERSION", "code-v2")
	var code functionConfig
	c.ok(t, &code, "lambda", "update-function-code", "--function-name", name, "--zip-file", writeFile(t, "gofn-v2.zip", pkg2))
	if code.CodeSha256 != codeSha256(pkg2) || code.LastUpdateStatus != "InProgress" {
		t.Fatalf("update-function-code output: %+v", code)
	}
	c.waitUpdated(t, name)

	var v1 functionConfig
	c.ok(t, &v1, "lambda", "publish-version", "--function-name", name)
	if v1.Version != "1" || v1.FunctionArn != arn+":1" || v1.CodeSha256 != codeSha256(pkg2) || v1.MemorySize != 256 {
		t.Fatalf("publish-version output: %+v", v1)
	}
	// The version runs the new code (it reads the file only pkg2 has).
	out, payload := c.invoke(t, name, `{"action":"read","path":"VERSION"}`, "--qualifier", "1")
	r := decodeJSON[gofnReply](t, payload)
	if out.StatusCode != 200 || out.FunctionError != "" || out.ExecutedVersion != "1" || r.Data != "code-v2" ||
		r.FunctionARN != arn+":1" {
		t.Fatalf("invoke --qualifier 1: %+v %s", out, payload)
	}

	c.ok(t, nil, "lambda", "tag-resource", "--resource", arn, "--tags", "env=test")
	c.ok(t, nil, "lambda", "untag-resource", "--resource", arn, "--tag-keys", "team")
	var tags struct{ Tags map[string]string }
	c.ok(t, &tags, "lambda", "list-tags", "--resource", arn)
	if len(tags.Tags) != 1 || tags.Tags["env"] != "test" {
		t.Fatalf("list-tags: %v", tags.Tags)
	}

	var settings struct {
		AccountLimit struct{ ConcurrentExecutions int }
		AccountUsage struct{ FunctionCount int }
	}
	c.ok(t, &settings, "lambda", "get-account-settings")
	if settings.AccountLimit.ConcurrentExecutions != 1000 || settings.AccountUsage.FunctionCount != 1 {
		t.Fatalf("get-account-settings: %+v", settings)
	}

	c.ok(t, nil, "lambda", "delete-function", "--function-name", name)
	c.fail(t, exitServiceError, "ResourceNotFoundException", "Function not found: "+arn,
		"lambda", "get-function", "--function-name", name)
}

// httpGet fetches url without any credentials and expects 200.
func httpGet(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, resp.StatusCode, b)
	}
	return b
}
