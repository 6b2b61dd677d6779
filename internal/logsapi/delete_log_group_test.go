package logsapi

import "testing"

func TestDeleteLogGroup(t *testing.T) {
	e := newEnv(t)
	e.put("g", "s", []string{"m"})
	if body := e.ok("DeleteLogGroup", `{"logGroupName":"g"}`); len(body) != 0 {
		t.Errorf("body = %v, want {}", body)
	}
	wantError(t, e.call("FilterLogEvents", `{"logGroupName":"g"}`), 400, "ResourceNotFoundException", "The specified log group does not exist.")
	wantError(t, e.call("DeleteLogGroup", `{"logGroupName":"g"}`), 400, "ResourceNotFoundException", "The specified log group does not exist.")
	wantError(t, e.call("DeleteLogGroup", `{}`), 400, "InvalidParameterException",
		"1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null")
}

func TestAccountsAreIsolated(t *testing.T) {
	e := newEnv(t, withCaller(rootOf(acctB)))
	e.put("g", "s", []string{"secret of account A"})
	for _, op := range []string{"FilterLogEvents", "DescribeLogStreams", "DeleteLogGroup"} {
		wantError(t, e.call(op, `{"logGroupName":"g"}`), 400, "ResourceNotFoundException", "The specified log group does not exist.")
	}
	wantError(t, e.call("GetLogEvents", `{"logGroupName":"g","logStreamName":"s"}`), 400, "ResourceNotFoundException", "The specified log group does not exist.")
	if got := e.ok("DescribeLogGroups", `{}`)["logGroups"].([]any); len(got) != 0 {
		t.Errorf("account B sees groups %v", got)
	}
}
