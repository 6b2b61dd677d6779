package policy_test

import (
	"fmt"

	"lambent/internal/policy"
)

func Example() {
	identity, err := policy.Parse([]byte(`{
		"Version": "2012-10-17",
		"Statement": [{
			"Sid": "InvokeTeamFunctions",
			"Effect": "Allow",
			"Action": "lambda:InvokeFunction",
			"Resource": "arn:aws:lambda:*:111111111111:function:${aws:PrincipalTag/team}-*",
			"Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
		}]
	}`), policy.Identity)
	if err != nil {
		fmt.Println(err)
		return
	}
	req := &policy.Request{
		Principal: policy.Principal{Type: policy.User, Account: "111111111111",
			ARN: "arn:aws:iam::111111111111:user/alice"},
		Action:   "lambda:InvokeFunction",
		Resource: "arn:aws:lambda:us-east-1:111111111111:function:red-api",
		Context: map[string][]string{
			"aws:principaltag/team": {"red"},
			"aws:sourceip":          {"203.0.113.7"},
		},
	}
	ps := &policy.Policies{Identity: []*policy.Policy{identity}}
	d := policy.Evaluate(req, ps)
	fmt.Println(d.Outcome, d.By.Sid)

	req.Resource = "arn:aws:lambda:us-east-1:111111111111:function:blue-api"
	fmt.Println(policy.DenialMessage(req, policy.Evaluate(req, ps)))
	// Output:
	// allowed InvokeTeamFunctions
	// User: arn:aws:iam::111111111111:user/alice is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:111111111111:function:blue-api because no identity-based policy allows the lambda:InvokeFunction action
}

func ExampleParse() {
	_, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:List:Bucket","Resource":"*"}}`),
		policy.Identity)
	fmt.Println(err)
	// Output: InvalidArgument: Actions/Condition can contain only one colon.
}

func ExampleEvaluateTrust() {
	trust, _ := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{
		"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`), policy.Trust)
	req := &policy.Request{
		Principal: policy.Principal{Type: policy.ServicePrincipal, ARN: "lambda.amazonaws.com"},
		Action:    "sts:AssumeRole",
		Resource:  "arn:aws:iam::111111111111:role/exec",
	}
	fmt.Println(policy.EvaluateTrust(req, trust, nil).Outcome)
	// Output: allowed
}
