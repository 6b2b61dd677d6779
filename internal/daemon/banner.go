package daemon

import (
	"fmt"
	"io"
)

// printCredentialsBanner prints the freshly generated root credentials
// once, with the lines a user pastes to configure the AWS CLI.
func printCredentialsBanner(w io.Writer, endpoint, region string, rc rootCredentials) {
	fmt.Fprintf(w, `
Lambent generated the root credentials of the bootstrap account.
They are stored in the data dir (root-credentials.json, mode 0600) and shown only this once.

  export AWS_ACCESS_KEY_ID=%s
  export AWS_SECRET_ACCESS_KEY=%s
  export AWS_DEFAULT_REGION=%s
  export AWS_ENDPOINT_URL=%s

  aws --endpoint-url %s lambda list-functions

`, rc.AccessKeyID, rc.SecretAccessKey, region, endpoint, endpoint)
}
