// Command callerfn is a Go test function that calls AWS APIs with the
// credentials of its execution role, as a real function would: the SDK's
// default configuration reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN and the AWS_ENDPOINT_URL_* variables Lambent sets. It
// reports its STS identity and the outcome of a Lambda GetFunction on the
// function named in the event.
package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	lambdasvc "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

type event struct {
	Function string `json:"function"`
}

type reply struct {
	Account   string `json:"account"`
	ARN       string `json:"arn"`
	UserID    string `json:"userId"`
	GetResult string `json:"getResult"` // "ok" or the error code
}

func handle(ctx context.Context, ev event) (*reply, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, err
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, err
	}
	r := &reply{Account: aws.ToString(id.Account), ARN: aws.ToString(id.Arn), UserID: aws.ToString(id.UserId), GetResult: "ok"}
	if ev.Function != "" {
		_, err := lambdasvc.NewFromConfig(cfg).GetFunction(ctx, &lambdasvc.GetFunctionInput{FunctionName: aws.String(ev.Function)})
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae):
			r.GetResult = ae.ErrorCode()
		case err != nil:
			return nil, err
		}
	}
	return r, nil
}

func main() { lambda.Start(handle) }
