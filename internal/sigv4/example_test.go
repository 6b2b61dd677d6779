package sigv4_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"lambent/internal/clock/clocktest"
	"lambent/internal/errkind"
	"lambent/internal/sigv4"
)

// keys is a one-key CredentialSource.
type keys map[string]sigv4.Credential

func (k keys) LookupAccessKey(_ context.Context, id, _ string) (sigv4.Credential, error) {
	if c, ok := k[id]; ok {
		return c, nil
	}
	return sigv4.Credential{}, errkind.New(errkind.NotFound, "no such access key")
}

// The request is the signing suite's get-vanilla case.
func ExampleVerifier_Verify() {
	v := sigv4.NewVerifier(sigv4.Config{
		Credentials: keys{"AKIDEXAMPLE": {
			AccessKeyID:     "AKIDEXAMPLE",
			SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
			Subject:         "user/example",
		}},
		Clock: clocktest.New(time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)),
	})
	req := &sigv4.Request{
		Method:    "GET",
		RawTarget: "/",
		Host:      "example.amazonaws.com",
		Header: http.Header{
			"X-Amz-Date": {"20150830T123600Z"},
			"Authorization": {"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, " +
				"SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
		},
	}
	res, err := v.Verify(context.Background(), req, "service")
	fmt.Println(res.Credential.Subject, res.Region, res.Service, err)

	req.Method = "POST"
	_, err = v.Verify(context.Background(), req, "service")
	e, _ := errkind.As(err)
	fmt.Println(e.Kind, e.Detail)
	// Output:
	// user/example us-east-1 service <nil>
	// Unauthenticated SignatureDoesNotMatch
}
