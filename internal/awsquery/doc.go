// Package awsquery speaks the AWS Query protocol of IAM and STS (docs
// iam.md §6): it decodes form-encoded requests (Action, Version, lists as
// Name.member.N, structures as Name.Field, maps as Name.entry.N.key/value),
// writes <ActionResponse> XML envelopes, and turns errkind errors into
// <ErrorResponse> documents with AWS's codes and statuses. Internal causes
// are logged under the request ID and never written to a response.
//
// A handler decodes once and reads parameters through Params views:
//
//	req, err := awsquery.Decode(r, body)
//	if err != nil {
//		awsquery.WriteError(w, log, awsquery.IAM, requestID, err)
//		return
//	}
//	name := req.Params.Get("RoleName")
//	for _, tag := range req.Params.Members("Tags") {
//		add(tag.Get("Key"), tag.Get("Value"))
//	}
//	awsquery.WriteResult(w, awsquery.IAM, req.Action, requestID, result)
package awsquery
