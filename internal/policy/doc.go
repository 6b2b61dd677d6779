// Package policy is the IAM policy language engine: it parses and validates
// policy documents, compiles them into matchers, and decides requests with
// AWS's evaluation logic (docs iam.md §3–§4). It is pure code: no I/O, no
// clock, no globals.
//
// Parse once, when a policy is written, and keep the *Policy; evaluation
// never touches JSON:
//
//	p, err := policy.Parse(doc, policy.Identity)
//	if err != nil {
//		return err // errkind.InvalidArgument, Detail policy.Malformed, AWS's message
//	}
//	req := &policy.Request{
//		Principal: policy.Principal{Type: policy.User, Account: "111111111111",
//			ARN: "arn:aws:iam::111111111111:user/alice"},
//		Action:   "lambda:InvokeFunction",
//		Resource: "arn:aws:lambda:us-east-1:111111111111:function:f",
//		Context:  map[string][]string{"aws:sourceip": {"203.0.113.7"}},
//	}
//	d := policy.Evaluate(req, &policy.Policies{Identity: []*policy.Policy{p}, Resource: fnPolicy})
//	if err := d.Err(req); err != nil {
//		return err // errkind.AccessDenied: "User: … is not authorized to perform: …"
//	}
//
// Kinds. Identity (users, groups, roles, boundaries, SCPs), Resource
// (Lambda function policies), Trust (role trust policies) and Session
// (AssumeRole session policies) differ in what they require: Principal
// only in resource and trust policies, no Resource in trust policies,
// Version 2012-10-17 in identity policies.
//
// Decisions. Evaluate implements §4.8: an applicable Deny anywhere wins;
// within one account an identity-based or a resource-based Allow suffices,
// intersected with the permissions boundary and session policies, and how
// far a resource-policy Allow reaches depends on the principal it names
// (user, session, everyone or service: alone; role: within boundary and
// session policy; account: identity must allow too); across accounts both
// sides must allow. A trust policy in the resource slot is necessary as
// well (EvaluateTrust). Explain also lists every statement behind the
// outcome for the simulator and the audit log; DenialMessage words the
// denial as AWS does.
//
// # Design
//
// What the engine guarantees:
//
//   - Validation is AWS's, message for message, on the 132 documents of
//     testdata/policy-validation-moto; the order of checks (validate.go)
//     is what makes every multi-fault document report AWS's message.
//   - A document that is not exactly one UTF-8 JSON object, or that repeats
//     a key at any level, is refused, so no two readers of stored bytes can
//     disagree on what a policy says.
//   - Evaluation fails closed. The zero Decision denies; a policy in a slot
//     of the wrong kind denies; a condition value the policy cannot parse
//     is refused at write time; a request value that does not parse matches
//     only negated operators; an unresolvable policy variable matches
//     nothing; NotPrincipal spares a caller only when both its account and
//     its own ARN are listed.
//   - Substituted variable values are literal: a user named "*" cannot
//     widen a pattern, and a value containing ":" cannot cross an ARN
//     component.
//   - The outcome does not depend on statement or policy order: the
//     strongest principal grant wins and every Deny is considered.
//   - Matching is linear per pattern (no regular expressions, no
//     exponential backtracking), and Evaluate does not allocate when
//     context keys are lower-case (TestEvaluateAllocs), so authorisation
//     costs a few microseconds.
//
// What it does not do:
//
//   - No Organizations: ServiceControl and ResourceControl are evaluated
//     when given (the simulator takes SCPs), but nothing in Lambent
//     attaches SCPs or RCPs, and there is no permission set or
//     organisation-ID lookup.
//   - No I/O: it does not know which users, roles or policies exist. The
//     caller resolves principals (and rejects trust policies naming
//     missing entities), fills the request context (§4.1 keys, tags), and
//     enforces the size quota of each policy kind before Parse.
//   - No per-service semantics: it does not know which condition keys an
//     action carries or which operations Lambda lets a function policy
//     grant cross-account (§4.6); callers decide what to ask.
//   - CanonicalUser principals parse but never match, and a plain operator
//     on a multivalued key matches only a single value — Lambent's reading
//     of a rule AWS leaves undocumented (§4.3, §12 item 1).
package policy
