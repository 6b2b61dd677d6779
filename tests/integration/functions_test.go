package integration_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/tests/framework"
)

func TestFunctionLifecycle(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	ctx := t.Context()

	created := framework.CreateGoFunction(t, c, "lifecycle", func(in *lambda.CreateFunctionInput) {
		in.Tags = map[string]string{"team": "core"}
		in.Environment = &types.Environment{Variables: map[string]string{"GREETING": "hello"}}
	})
	if created.State != types.StatePending || string(created.StateReasonCode) != "Creating" {
		t.Fatalf("create response State=%s reason=%s, want Pending/Creating", created.State, string(created.StateReasonCode))
	}
	wantARN := "arn:aws:lambda:us-east-1:000000000000:function:lifecycle"
	if aws.ToString(created.FunctionArn) != wantARN {
		t.Fatalf("FunctionArn = %s", aws.ToString(created.FunctionArn))
	}
	got, err := c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("lifecycle")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := got.Configuration
	if cfg.State != types.StateActive || cfg.LastUpdateStatus != types.LastUpdateStatusSuccessful {
		t.Fatalf("State=%s LastUpdateStatus=%s", cfg.State, cfg.LastUpdateStatus)
	}
	if aws.ToString(cfg.RevisionId) == aws.ToString(created.RevisionId) {
		t.Fatal("RevisionId did not change when the function became Active")
	}
	if got.Tags["team"] != "core" || aws.ToInt32(cfg.MemorySize) != 128 || aws.ToInt32(cfg.EphemeralStorage.Size) != 512 {
		t.Fatalf("unexpected configuration: tags=%v memory=%d", got.Tags, aws.ToInt32(cfg.MemorySize))
	}
	// Code.Location is a presigned URL that serves the package unauthenticated.
	resp, err := http.Get(aws.ToString(got.Code.Location))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, framework.GoFunctionZip(t)) {
		t.Fatalf("code download: status %d, %d bytes", resp.StatusCode, len(body))
	}
	// A tampered URL is refused.
	resp, err = http.Get(aws.ToString(got.Code.Location) + "x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered code URL: status %d, want 403", resp.StatusCode)
	}

	// Configuration update: InProgress in the response, Successful after.
	upd, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("lifecycle"), MemorySize: aws.Int32(256),
		Environment: &types.Environment{Variables: map[string]string{"GREETING": "bonjour"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.LastUpdateStatus != types.LastUpdateStatusInProgress || aws.ToInt32(upd.MemorySize) != 256 {
		t.Fatalf("update response: LastUpdateStatus=%s memory=%d", upd.LastUpdateStatus, aws.ToInt32(upd.MemorySize))
	}
	waitUpdated(t, c, "lifecycle")
	out := invokeJSON(t, c, "lifecycle", map[string]string{"action": "env"})
	if !containsString(decodeReply(t, out)["env"], "GREETING=bonjour") {
		t.Fatalf("updated environment not applied: %s", out.Payload)
	}

	// A stale RevisionId is refused with 412.
	_, err = c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("lifecycle"), Description: aws.String("x"), RevisionId: created.RevisionId})
	apiError(t, err, "PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id")

	// Tags.
	if _, err := c.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(wantARN), Tags: map[string]string{"env": "test"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(wantARN), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListTags(ctx, &lambda.ListTagsInput{Resource: aws.String(wantARN)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || tags.Tags["env"] != "test" {
		t.Fatalf("tags = %v", tags.Tags)
	}

	// Account settings count the function.
	as, err := c.GetAccountSettings(ctx, &lambda.GetAccountSettingsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if as.AccountUsage.FunctionCount != 1 || as.AccountLimit.ConcurrentExecutions != 1000 {
		t.Fatalf("account settings: %+v %+v", as.AccountUsage, as.AccountLimit)
	}

	// Delete, then 404 with Lambda's message.
	if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("lifecycle")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("lifecycle")})
	apiError(t, err, "ResourceNotFoundException", "Function not found: "+wantARN)
}

func waitUpdated(t *testing.T, c *lambda.Client, name string) {
	t.Helper()
	w := lambda.NewFunctionUpdatedV2Waiter(c, func(o *lambda.FunctionUpdatedV2WaiterOptions) {
		o.MinDelay, o.MaxDelay = 10*time.Millisecond, 100*time.Millisecond
	})
	if err := w.Wait(context.Background(), &lambda.GetFunctionInput{FunctionName: aws.String(name)}, 30*time.Second); err != nil {
		t.Fatalf("wait for update of %s: %v", name, err)
	}
}

func containsString(v any, want string) bool {
	list, _ := v.([]any)
	for _, x := range list {
		if x == want {
			return true
		}
	}
	return false
}

func TestCreateFunctionValidation(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	zip := framework.GoFunctionZip(t)
	base := func() *lambda.CreateFunctionInput {
		return &lambda.CreateFunctionInput{FunctionName: aws.String("v"), Runtime: types.RuntimeProvidedal2023,
			Handler: aws.String("bootstrap"), Role: aws.String(framework.Role), Code: &types.FunctionCode{ZipFile: zip}}
	}
	tests := []struct {
		name   string
		mutate func(*lambda.CreateFunctionInput)
		code   string
		msg    string
	}{
		{"memory too small", func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(64) }, "ValidationException",
			"Member must have value greater than or equal to 128"},
		{"memory too large", func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(10241) }, "ValidationException",
			"Member must have value less than or equal to 10240"},
		{"timeout too large", func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(901) }, "ValidationException",
			"Member must have value less than or equal to 900"},
		{"tmp too small", func(in *lambda.CreateFunctionInput) {
			in.EphemeralStorage = &types.EphemeralStorage{Size: aws.Int32(100)}
		}, "ValidationException", "Member must have value greater than or equal to 512"},
		{"bad role", func(in *lambda.CreateFunctionInput) { in.Role = aws.String("not-a-role") }, "ValidationException", "at 'role'"},
		{"environment over 4KB", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"BIG": string(bytes.Repeat([]byte("x"), 4100))}}
		}, "InvalidParameterValueException", "exceeded the 4KB limit"},
		{"reserved variable", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"AWS_REGION": "x"}}
		}, "InvalidParameterValueException", "reserved keys"},
		{"deprecated runtime", func(in *lambda.CreateFunctionInput) { in.Runtime = types.RuntimePython37 }, "InvalidParameterValueException",
			"is no longer supported"},
		{"runtime not installed", func(in *lambda.CreateFunctionInput) { in.Runtime = types.RuntimeJava21 }, "InvalidParameterValueException",
			"java21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base()
			tt.mutate(in)
			_, err := c.CreateFunction(t.Context(), in)
			apiError(t, err, tt.code, tt.msg)
		})
	}
	// Nothing was created by the refused calls.
	list, err := c.ListFunctions(t.Context(), &lambda.ListFunctionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Functions) != 0 {
		t.Fatalf("refused creates left %d functions", len(list.Functions))
	}
	// Duplicate names conflict.
	framework.CreateGoFunction(t, c, "dup")
	in := base()
	in.FunctionName = aws.String("dup")
	_, err = c.CreateFunction(t.Context(), in)
	apiError(t, err, "ResourceConflictException", "Function already exist: dup")
}

func TestListFunctionsPagination(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	for i := range 7 {
		framework.CreateGoFunction(t, c, fmt.Sprintf("page-%02d", i))
	}
	var names []string
	p := lambda.NewListFunctionsPaginator(c, &lambda.ListFunctionsInput{MaxItems: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range page.Functions {
			names = append(names, aws.ToString(f.FunctionName))
		}
	}
	if pages != 3 || len(names) != 7 || names[0] != "page-00" || names[6] != "page-06" {
		t.Fatalf("pages=%d names=%v", pages, names)
	}
	// The trailing-slash route that aws-cli v2 uses answers too (unsigned
	// here, so the gateway must route it to authentication, not 404).
	resp, err := http.Get(s.Endpoint + "/2015-03-31/functions/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned list: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"))
	}
}

func TestRestartKeepsFunctions(t *testing.T) {
	dir := t.TempDir()
	s := framework.StartInProcess(t, framework.Options{DataDir: dir})
	framework.CreateGoFunction(t, s.Lambda(), "durable")
	out := invokeJSON(t, s.Lambda(), "durable", map[string]string{"value": "before"})
	if decodeReply(t, out)["value"] != "before" {
		t.Fatalf("payload %s", out.Payload)
	}
	s.Stop()

	s2 := framework.StartInProcess(t, framework.Options{DataDir: dir})
	out = invokeJSON(t, s2.Lambda(), "durable", map[string]string{"value": "after"})
	if decodeReply(t, out)["value"] != "after" {
		t.Fatalf("payload after restart %s", out.Payload)
	}
}
