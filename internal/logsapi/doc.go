// Package logsapi serves the subset of the CloudWatch Logs API that the AWS
// CLI and SDKs use to read function logs — FilterLogEvents (`aws logs tail`,
// also with --follow), GetLogEvents, DescribeLogGroups, DescribeLogStreams —
// plus CreateLogGroup, CreateLogStream, PutLogEvents and DeleteLogGroup.
//
// The wire protocol is AWS JSON 1.1: POST / with
// X-Amz-Target: Logs_20140328.<Operation>. Responses carry x-amzn-RequestId;
// errors are {"__type": …, "message": …} with HTTP 400, or 500
// ServiceUnavailableException with a generic message for server faults,
// whose cause is only logged.
//
// The gateway authenticates the caller and puts the authz.Principal in the
// request context. Every operation validates its input, then asks the
// Authorizer for "logs:<Operation>" on the log group ARN
// (arn:aws:logs:REGION:ACCT:log-group:NAME:*), or the log stream ARN for
// GetLogEvents, CreateLogStream and PutLogEvents, before it touches the
// store, always in the caller's own account.
//
// Pagination tokens are opaque base64url JSON bound to the operation and
// log group; a malformed or foreign token is InvalidParameterException.
// Filter patterns are CloudWatch's text patterns (terms, "quoted phrases",
// ?any-of, -exclusion, %regex%); JSON and space-delimited patterns are
// refused as "Invalid filter pattern".
//
// Wiring:
//
//	h := logsapi.NewHandler(logsapi.Config{Region: "us-east-1", Logs: st,
//		Authorizer: authz.RootOnly{}, Logger: logger, Clock: clock.Real{}})
//	mux.Handle("POST /", h) // behind SigV4 authentication
package logsapi
