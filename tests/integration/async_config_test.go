package integration_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/tests/framework"
)

func TestAsyncEventInvokeConfigAPI(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "cfg")
	framework.CreateGoFunction(t, c, "dest")
	if _, err := c.PublishVersion(t.Context(), &lambda.PublishVersionInput{FunctionName: aws.String("cfg")}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	t.Run("put, get, update, list, delete", func(t *testing.T) {
		put, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
			FunctionName: aws.String("cfg"), MaximumRetryAttempts: aws.Int32(1)})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(put.FunctionArn) != fnARNPrefix+"cfg:$LATEST" || aws.ToInt32(put.MaximumRetryAttempts) != 1 ||
			put.MaximumEventAgeInSeconds != nil || put.LastModified == nil || time.Since(*put.LastModified) > time.Minute {
			t.Errorf("put = %+v", put)
		}
		// The raw shape: LastModified is an epoch number, unset
		// destinations are {}.
		status, body := signedGet(t, s, "/2019-09-25/functions/cfg/event-invoke-config")
		var raw map[string]any
		if err := json.Unmarshal(body, &raw); status != http.StatusOK || err != nil {
			t.Fatalf("GET %d %s", status, body)
		}
		if _, ok := raw["LastModified"].(float64); !ok {
			t.Errorf("LastModified %v is not a number", raw["LastModified"])
		}
		if !jsonEqual(mustJSON(t, raw["DestinationConfig"]), `{"OnSuccess":{},"OnFailure":{}}`) {
			t.Errorf("DestinationConfig %v, want unset destinations as {}", raw["DestinationConfig"])
		}
		if _, ok := raw["MaximumEventAgeInSeconds"]; ok {
			t.Errorf("unset MaximumEventAgeInSeconds returned: %s", body)
		}

		upd, err := c.UpdateFunctionEventInvokeConfig(ctx, &lambda.UpdateFunctionEventInvokeConfigInput{
			FunctionName: aws.String("cfg"), MaximumEventAgeInSeconds: aws.Int32(120),
			DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(fnARNPrefix + "dest")}}})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToInt32(upd.MaximumRetryAttempts) != 1 || aws.ToInt32(upd.MaximumEventAgeInSeconds) != 120 ||
			aws.ToString(upd.DestinationConfig.OnSuccess.Destination) != fnARNPrefix+"dest" {
			t.Errorf("update did not merge: %+v", upd)
		}
		put, err = c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{
			FunctionName:      aws.String("cfg"),
			DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(fnARNPrefix + "dest:$LATEST")}}})
		if err != nil {
			t.Fatal(err)
		}
		if put.MaximumRetryAttempts != nil || put.MaximumEventAgeInSeconds != nil || put.DestinationConfig.OnSuccess.Destination != nil ||
			aws.ToString(put.DestinationConfig.OnFailure.Destination) != fnARNPrefix+"dest:$LATEST" {
			t.Errorf("put did not replace: %+v", put)
		}
		putConfig(t, c, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"), Qualifier: aws.String("1"),
			MaximumRetryAttempts: aws.Int32(0)})
		get, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg:1")})
		if err != nil || aws.ToString(get.FunctionArn) != fnARNPrefix+"cfg:1" || aws.ToInt32(get.MaximumRetryAttempts) != 0 {
			t.Fatalf("get version 1 = %+v, %v", get, err)
		}
		var arns []string
		in := &lambda.ListFunctionEventInvokeConfigsInput{FunctionName: aws.String("cfg"), MaxItems: aws.Int32(1)}
		for range 5 {
			page, err := c.ListFunctionEventInvokeConfigs(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, ec := range page.FunctionEventInvokeConfigs {
				arns = append(arns, aws.ToString(ec.FunctionArn))
			}
			if page.NextMarker == nil {
				break
			}
			in.Marker = page.NextMarker
		}
		if len(arns) != 2 || arns[0] != fnARNPrefix+"cfg:$LATEST" || arns[1] != fnARNPrefix+"cfg:1" {
			t.Errorf("listed %v", arns)
		}
		if _, err := c.DeleteFunctionEventInvokeConfig(ctx, &lambda.DeleteFunctionEventInvokeConfigInput{
			FunctionName: aws.String("cfg"), Qualifier: aws.String("1")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"), Qualifier: aws.String("1")})
		apiError(t, err, "ResourceNotFoundException", "The function "+fnARNPrefix+"cfg:1 doesn't have an EventInvokeConfig")
	})

	errs := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"nothing set", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg")})
			return err
		}, "InvalidParameterValueException", "You must specify at least one of error handling or destination setting."},
		{"retries out of range", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"),
				MaximumRetryAttempts: aws.Int32(3)})
			return err
		}, "ValidationException", "Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"},
		{"age out of range", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"),
				MaximumEventAgeInSeconds: aws.Int32(59)})
			return err
		}, "ValidationException", "Member must have value greater than or equal to 60"},
		{"self as destination", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"),
				DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(fnARNPrefix + "cfg")}}})
			return err
		}, "InvalidParameterValueException", "You can't specify the function as a destination for itself."},
		{"unknown destination", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"),
				DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String(fnARNPrefix + "ghost")}}})
			return err
		}, "InvalidParameterValueException", "The destination ARN " + fnARNPrefix + "ghost is invalid."},
		{"SQS destination", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("cfg"),
				DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{
					Destination: aws.String("arn:aws:sqs:us-east-1:000000000000:failed")}}})
			return err
		}, "InvalidParameterValueException", "Lambent cannot use Amazon SQS queues as a destination yet"},
		{"unknown function", func() error {
			_, err := c.PutFunctionEventInvokeConfig(ctx, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("nope"),
				MaximumRetryAttempts: aws.Int32(1)})
			return err
		}, "ResourceNotFoundException", "The function doesn't exist."},
		{"update without a config", func() error {
			_, err := c.UpdateFunctionEventInvokeConfig(ctx, &lambda.UpdateFunctionEventInvokeConfigInput{FunctionName: aws.String("dest"),
				MaximumRetryAttempts: aws.Int32(1)})
			return err
		}, "ResourceNotFoundException", "The function " + fnARNPrefix + "dest:$LATEST doesn't have an EventInvokeConfig"},
		{"get without a config", func() error {
			_, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("dest")})
			return err
		}, "ResourceNotFoundException", "The function " + fnARNPrefix + "dest:$LATEST doesn't have an EventInvokeConfig"},
		{"SQS dead-letter queue", func() error {
			_, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("dest"),
				DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String("arn:aws:sqs:us-east-1:000000000000:dlq")}})
			return err
		}, "InvalidParameterValueException", "Lambent cannot use Amazon SQS queues as a dead-letter target yet"},
		{"SNS dead-letter topic at create", func() error {
			_, err := c.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("topical"),
				Runtime: types.RuntimeProvidedal2023, Handler: aws.String("bootstrap"), Role: aws.String(framework.Role),
				Code:             &types.FunctionCode{ZipFile: framework.GoFunctionZip(t)},
				DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String("arn:aws:sns:us-east-1:000000000000:dlq")}})
			return err
		}, "InvalidParameterValueException", "Lambent cannot use Amazon SNS topics as a dead-letter target yet"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) { apiError(t, tt.call(), tt.code, tt.msg) })
	}

	t.Run("a function as dead-letter target is accepted", func(t *testing.T) {
		out, err := c.UpdateFunctionConfiguration(ctx, &lambda.UpdateFunctionConfigurationInput{FunctionName: aws.String("dest"),
			DeadLetterConfig: &types.DeadLetterConfig{TargetArn: aws.String(fnARNPrefix + "cfg")}})
		if err != nil || out.DeadLetterConfig == nil || aws.ToString(out.DeadLetterConfig.TargetArn) != fnARNPrefix+"cfg" {
			t.Fatalf("UpdateFunctionConfiguration = %+v, %v", out, err)
		}
	})
	t.Run("deleting the function deletes its configs", func(t *testing.T) {
		framework.CreateGoFunction(t, c, "shortlived")
		putConfig(t, c, &lambda.PutFunctionEventInvokeConfigInput{FunctionName: aws.String("shortlived"), MaximumRetryAttempts: aws.Int32(0)})
		if _, err := c.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("shortlived")}); err != nil {
			t.Fatal(err)
		}
		framework.CreateGoFunction(t, c, "shortlived")
		_, err := c.GetFunctionEventInvokeConfig(ctx, &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("shortlived")})
		apiError(t, err, "ResourceNotFoundException", "doesn't have an EventInvokeConfig")
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
