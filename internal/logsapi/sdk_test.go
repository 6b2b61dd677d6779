package logsapi

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/google/go-cmp/cmp"

	"lambent/internal/authz"
)

// sdkClient is the real AWS SDK client pointed at e's server.
func sdkClient(e *env) *cloudwatchlogs.Client {
	return cloudwatchlogs.New(cloudwatchlogs.Options{
		Region:           region,
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		HTTPClient:       e.srv.Client(),
		RetryMaxAttempts: 1,
	})
}

func TestSDK(t *testing.T) {
	e := newEnv(t)
	c := sdkClient(e)
	ctx := t.Context()
	group, stream := "/aws/lambda/thumbs", "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef"

	if _, err := c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatalf("CreateLogGroup: %v", err)
	}
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)}); err != nil {
		t.Fatalf("CreateLogStream: %v", err)
	}
	var events []types.InputLogEvent
	var want []string
	for i, m := range []string{"START RequestId: r1 Version: $LATEST", "hello", "ERROR boom", "END RequestId: r1", "REPORT RequestId: r1\tDuration: 1.00 ms\t"} {
		events = append(events, types.InputLogEvent{Timestamp: aws.Int64(now.UnixMilli() + int64(i)), Message: aws.String(m)})
		want = append(want, m)
	}
	if _, err := c.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: events}); err != nil {
		t.Fatalf("PutLogEvents: %v", err)
	}
	e.put("/aws/lambda/other", "s", []string{"x"})

	t.Run("FilterLogEvents", func(t *testing.T) {
		p := cloudwatchlogs.NewFilterLogEventsPaginator(c, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupIdentifier: aws.String(group), StartTime: aws.Int64(now.UnixMilli()), Limit: aws.Int32(2),
		})
		var got []string
		for pages := 0; p.HasMorePages(); pages++ {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range out.Events {
				if aws.ToString(ev.LogStreamName) != stream || aws.ToString(ev.EventId) == "" {
					t.Errorf("event %+v", ev)
				}
				got = append(got, aws.ToString(ev.Message))
			}
			if pages > 5 {
				t.Fatal("paginator does not stop")
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
		out, err := c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), FilterPattern: aws.String("?ERROR ?REPORT")})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Events) != 2 || out.NextToken != nil {
			t.Errorf("pattern: %d events, nextToken %v", len(out.Events), out.NextToken)
		}
	})

	t.Run("GetLogEvents", func(t *testing.T) {
		p := cloudwatchlogs.NewGetLogEventsPaginator(c, &cloudwatchlogs.GetLogEventsInput{
			LogGroupName: aws.String(group), LogStreamName: aws.String(stream), StartFromHead: aws.Bool(true), Limit: aws.Int32(3),
		}, func(o *cloudwatchlogs.GetLogEventsPaginatorOptions) { o.StopOnDuplicateToken = true })
		var got []string
		for pages := 0; p.HasMorePages(); pages++ {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range out.Events {
				got = append(got, aws.ToString(ev.Message))
			}
			if pages > 5 {
				t.Fatal("paginator does not stop")
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("DescribeLogGroups", func(t *testing.T) {
		p := cloudwatchlogs.NewDescribeLogGroupsPaginator(c, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/aws/lambda/"), Limit: aws.Int32(1)})
		var got []string
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range out.LogGroups {
				got = append(got, aws.ToString(g.LogGroupName))
				if g.LogGroupName == nil || aws.ToString(g.Arn) != aws.ToString(g.LogGroupArn)+":*" || g.CreationTime == nil {
					t.Errorf("group %+v", g)
				}
			}
		}
		if diff := cmp.Diff([]string{"/aws/lambda/other", group}, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("DescribeLogStreams", func(t *testing.T) {
		out, err := c.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{
			LogGroupName: aws.String(group), OrderBy: types.OrderByLastEventTime, Descending: aws.Bool(true),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.LogStreams) != 1 || aws.ToString(out.LogStreams[0].LogStreamName) != stream ||
			aws.ToInt64(out.LogStreams[0].LastEventTimestamp) != now.UnixMilli()+4 || out.NextToken != nil {
			t.Errorf("streams %+v next %v", out.LogStreams, out.NextToken)
		}
	})

	t.Run("errors", func(t *testing.T) {
		_, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("nope")})
		var notFound *types.ResourceNotFoundException
		if !errors.As(err, &notFound) || notFound.ErrorMessage() != "The specified log stream does not exist." {
			t.Fatalf("err = %v, want ResourceNotFoundException", err)
		}
		var re *awshttp.ResponseError
		if !errors.As(err, &re) || re.ServiceRequestID() == "" {
			t.Errorf("no request ID in %v", err)
		}
		_, err = c.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(group)})
		var exists *types.ResourceAlreadyExistsException
		if !errors.As(err, &exists) {
			t.Errorf("err = %v, want ResourceAlreadyExistsException", err)
		}
		_, err = c.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{LogGroupName: aws.String(group), NextToken: aws.String("bogus")})
		var invalid *types.InvalidParameterException
		if !errors.As(err, &invalid) {
			t.Errorf("err = %v, want InvalidParameterException", err)
		}
	})
}

func TestSDKAccessDenied(t *testing.T) {
	deny := authorizerFunc(func(_ context.Context, r authz.Request) error { return authz.Denied(r) })
	e := newEnv(t, withAuthorizer(deny))
	_, err := sdkClient(e).DescribeLogGroups(t.Context(), &cloudwatchlogs.DescribeLogGroupsInput{})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) {
		t.Fatalf("err = %v, want AccessDeniedException", err)
	}
	want := "User: arn:aws:iam::111111111111:root is not authorized to perform: logs:DescribeLogGroups on resource: arn:aws:logs:us-east-1:111111111111:log-group:*"
	if denied.ErrorMessage() != want {
		t.Errorf("message %q", denied.ErrorMessage())
	}
}
