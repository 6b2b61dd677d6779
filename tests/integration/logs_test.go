package integration_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

func TestInvocationLogsReachCloudWatchLogsAPI(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "logged")
	out := invokeJSON(t, c, "logged", map[string]string{"action": "log", "value": "find-me-123"})
	if out.FunctionError != nil {
		t.Fatalf("invoke failed: %s", out.Payload)
	}
	cw := cloudwatchlogs.NewFromConfig(s.AWSConfig())
	group := "/aws/lambda/logged"
	var messages []string
	testenv.WaitFor(t, 10*time.Second, func() error {
		res, err := cw.FilterLogEvents(t.Context(), &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group)})
		if err != nil {
			return err
		}
		messages = messages[:0]
		for _, e := range res.Events {
			messages = append(messages, aws.ToString(e.Message))
		}
		joined := strings.Join(messages, "\n")
		if !strings.Contains(joined, "REPORT RequestId: ") {
			return errors.New("no REPORT line yet")
		}
		return nil
	})
	joined := strings.Join(messages, "\n")
	for _, want := range []string{"START RequestId: ", "log line: find-me-123", "END RequestId: ", "Init Duration: "} {
		if !strings.Contains(joined, want) {
			t.Fatalf("log group lacks %q:\n%s", want, joined)
		}
	}
	filtered, err := cw.FilterLogEvents(t.Context(), &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group), FilterPattern: aws.String("find-me-123")})
	if err != nil {
		t.Fatal(err)
	}
	if len(filtered.Events) != 2 { // the stdout and the stderr line
		t.Fatalf("filter matched %d events, want 2", len(filtered.Events))
	}
	groups, err := cw.DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.LogGroups) != 1 || aws.ToString(groups.LogGroups[0].LogGroupName) != group {
		t.Fatalf("log groups: %+v", groups.LogGroups)
	}
	streams, err := cw.DescribeLogStreams(t.Context(), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(group)})
	if err != nil {
		t.Fatal(err)
	}
	if len(streams.LogStreams) != 1 || !strings.Contains(aws.ToString(streams.LogStreams[0].LogStreamName), "/[$LATEST]") {
		t.Fatalf("log streams: %+v", streams.LogStreams)
	}
}
