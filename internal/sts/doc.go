// Package sts issues and verifies Lambent's temporary credentials: the
// AssumeRole and GetSessionToken operations, the sealed session tokens the
// SigV4 layer verifies statelessly, and the execution-role credentials
// handed to function environments (docs iam.md §5).
package sts
