package integration_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"lambent/internal/testenv"
	"lambent/tests/framework"
)

// instance returns the identity of the runtime process that served one
// invocation of fn.
func instance(t *testing.T, c *lambda.Client, fn string) string {
	t.Helper()
	p, ok := decodeReply(t, invokeJSON(t, c, fn, map[string]string{}))["instance"].(string)
	if !ok || p == "" {
		t.Fatal("no instance in reply")
	}
	return p
}

func waitEnvironments(t *testing.T, s *framework.Server, want string) {
	t.Helper()
	testenv.WaitFor(t, 10*time.Second, func() error {
		if !strings.Contains(metrics(t, s), "\nlambent_environments "+want+"\n") {
			return errors.New("lambent_environments is not " + want)
		}
		return nil
	})
}

func TestIdleEnvironmentsAreReaped(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{IdleTimeout: 200 * time.Millisecond})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "idle")
	first := instance(t, c, "idle")
	waitEnvironments(t, s, "0")
	if instance(t, c, "idle") == first {
		t.Fatal("the reaped environment served again")
	}
}

func TestEnvironmentsHaveAMaximumLifetime(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{MaxLifetime: 300 * time.Millisecond})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "aging")
	first := instance(t, c, "aging")
	waitEnvironments(t, s, "0")
	if instance(t, c, "aging") == first {
		t.Fatal("an environment outlived its maximum lifetime")
	}
}

func TestUpdateRetiresEnvironments(t *testing.T) {
	s := framework.StartInProcess(t, framework.Options{})
	c := s.Lambda()
	framework.CreateGoFunction(t, c, "retire")
	first := instance(t, c, "retire")
	if instance(t, c, "retire") != first {
		t.Fatal("a warm environment was not reused")
	}
	_, err := c.UpdateFunctionConfiguration(t.Context(), &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("retire"), Environment: &types.Environment{Variables: map[string]string{"VER": "2"}}})
	if err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, c, "retire")
	if instance(t, c, "retire") == first {
		t.Fatal("the environment of the old configuration served after the update")
	}
	// Code updates retire environments too.
	second := instance(t, c, "retire")
	_, err = c.UpdateFunctionCode(t.Context(), &lambda.UpdateFunctionCodeInput{
		FunctionName: aws.String("retire"), ZipFile: framework.GoFunctionZip(t)})
	if err != nil {
		t.Fatal(err)
	}
	waitUpdated(t, c, "retire")
	if instance(t, c, "retire") == second {
		t.Fatal("the environment of the old code served after the update")
	}
}
