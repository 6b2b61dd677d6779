package e2e_test

import (
	"testing"

	"lambent/tests/framework"
)

// TestCLIErrors checks errors as the CLI reports them: the exit code and
// the "An error occurred (Code) when calling the Op operation: message"
// line on stderr.
func TestCLIErrors(t *testing.T) {
	t.Parallel()
	s := startServer(t, "")
	c := cliFor(t, s)
	pkg := writeFile(t, "gofn.zip", framework.GoFunctionZip(t))
	unsafe := writeFile(t, "unsafe.zip", framework.Zip(t, map[string]string{"../../evil": "x"}))
	create := func(zip string, extra ...string) []string {
		return append([]string{"lambda", "create-function", "--function-name", "refused", "--runtime", "provided.al2023",
			"--handler", "bootstrap", "--role", role, "--zip-file", zip}, extra...)
	}
	tests := []struct {
		name    string
		cli     *awsCLI
		args    []string
		exit    int
		errCode string // empty: the CLI refused the call itself
		msg     string
	}{
		{"unknown function", c, invokeArgs("nope", "{}", c.outfile()), exitServiceError, "ResourceNotFoundException",
			"when calling the Invoke operation: Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"},
		{"path traversal in zip", c, create(unsafe), exitServiceError, "InvalidParameterValueException", `"../../evil"`},
		// The CLI checks the model's minimum itself, so memory 64 never
		// reaches the server; 10241 (above the maximum) does.
		{"memory 64", c, create(pkg, "--memory-size", "64"), exitParamInvalid, "",
			"Invalid value for parameter MemorySize, value: 64, valid min value: 128"},
		{"memory 10241", c, create(pkg, "--memory-size", "10241"), exitServiceError, "ValidationException",
			"Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240"},
		{"wrong secret", newCLI(t, s.Endpoint, framework.AccessKeyID, "wrong-secret-wrong-secret-wrong-secret00"),
			[]string{"lambda", "list-functions"}, exitServiceError, "InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cli.fail(t, tt.exit, tt.errCode, tt.msg, tt.args...)
		})
	}
}
