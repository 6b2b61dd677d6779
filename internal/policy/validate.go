package policy

import (
	"fmt"
	"slices"
	"strings"

	"lambent/internal/errkind"
)

// Malformed is the errkind.Error Detail of every validation failure; the
// wire edge answers it as MalformedPolicyDocument (HTTP 400).
const Malformed = "MalformedPolicyDocument"

// AWS's public messages (§3).
const (
	msgSyntax          = "Syntax errors in policy."
	msgVersion         = "Policy document must be version 2012-10-17 or greater."
	msgLegacy          = "The policy failed legacy parsing"
	msgSidUnique       = "Statement IDs (SID) in a single policy must be unique."
	msgNoActions       = "Policy statement must contain actions."
	msgNoResources     = "Policy statement must contain resources."
	msgVendorPrefix    = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon        = "Actions/Condition can contain only one colon."
	msgResourceVendor  = "Resource vendor must be fully qualified and cannot contain regexes."
	msgNoPrincipal     = "Policy document should not specify a principal."
	msgMissingPrincipl = "Missing required field Principal"
	msgProhibitedField = "Has prohibited field "
)

func malformed(msg string, cause error) error {
	return &errkind.Error{Kind: errkind.InvalidArgument, Detail: Malformed, Public: msg, Err: cause}
}

// validate runs every check after the syntax stage, in the order that
// reproduces IAM's messages when a document breaks several rules at once
// (pinned by testdata/policy-validation-moto):
//
//  1. version (identity policies need 2012-10-17);
//  2. legacy parsing: Effect case, condition values, then resource
//     structure; a resource *format* error found here is held back;
//  3. Sid uniqueness;
//  4. every statement has actions;
//  5. the held-back resource format error;
//  6. action vendor prefixes (all Action elements, then all NotAction);
//  7. resources present (absent, in trust policies);
//  8. the kind's Principal rules and principal values.
//
// It returns the statements' compiled conditions.
func validate(d *rawDoc, kind Kind) ([][]condition, error) {
	if kind == Identity && d.version != version2012 {
		return nil, malformed(msgVersion, nil)
	}
	conds, err := legacyParse(d)
	if err != nil {
		return nil, malformed(msgLegacy, err)
	}
	heldBack, err := checkResources(d)
	if err != nil {
		return nil, malformed(msgLegacy, err)
	}
	for _, check := range []func(*rawDoc) string{
		checkSids,
		checkActionsPresent,
		func(*rawDoc) string { return heldBack },
		checkActionPrefixes,
	} {
		if msg := check(d); msg != "" {
			return nil, malformed(msg, nil)
		}
	}
	if msg := checkKind(d, kind); msg != "" {
		return nil, malformed(msg, nil)
	}
	return conds, nil
}

// legacyParse checks each statement's Effect (case-sensitive) and compiles
// its condition values.
func legacyParse(d *rawDoc) ([][]condition, error) {
	vars := d.version == version2012
	out := make([][]condition, len(d.statements))
	for i := range d.statements {
		s := &d.statements[i]
		if s.effect != "Allow" && s.effect != "Deny" {
			return nil, fmt.Errorf("statement %d: Effect %q", i, s.effect)
		}
		c, err := compileConditions(s.condition, vars)
		if err != nil {
			return nil, fmt.Errorf("statement %d: %w", i, err)
		}
		out[i] = c
	}
	return out, nil
}

// checkResources checks resource formats, statement by statement. It
// returns the first format message, held back for later, and fails at once
// on a structural (legacy) fault, which it looks for only while no format
// error has been found.
func checkResources(d *rawDoc) (string, error) {
	heldBack := ""
	for i := range d.statements {
		s := &d.statements[i]
		for _, l := range []*rawList{s.resource, s.notResource} {
			if l == nil {
				continue
			}
			for _, it := range l.items {
				if msg := resourceFormatMessage(it.s); !it.null && msg != "" && heldBack == "" {
					heldBack = msg
				}
			}
			if heldBack != "" {
				continue
			}
			for _, it := range l.items {
				if !it.null && !resourceLegacyOK(it.s) {
					return "", fmt.Errorf("statement %d: resource %q", i, it.s)
				}
			}
		}
	}
	return heldBack, nil
}

func checkSids(d *rawDoc) string {
	seen := map[string]bool{}
	for _, s := range d.statements {
		if s.sid == "" {
			continue
		}
		if seen[s.sid] {
			return msgSidUnique
		}
		seen[s.sid] = true
	}
	return ""
}

func checkActionsPresent(d *rawDoc) string {
	for _, s := range d.statements {
		l := s.action
		if l == nil {
			l = s.notAction
		}
		if l == nil || len(l.items) == 0 {
			return msgNoActions
		}
	}
	return ""
}

func checkActionPrefixes(d *rawDoc) string {
	for _, notAction := range []bool{false, true} {
		for _, s := range d.statements {
			l := s.action
			if notAction {
				l = s.notAction
			}
			if l == nil {
				continue
			}
			for _, it := range l.items {
				if msg := actionMessage(it.s); msg != "" {
					return msg
				}
			}
		}
	}
	return ""
}

// actionMessage returns IAM's message for a malformed action, or "".
func actionMessage(a string) string {
	parts := strings.Split(a, ":")
	switch {
	case len(parts) == 1 && a != "*":
		return msgVendorPrefix
	case len(parts) > 2:
		return msgOneColon
	}
	if v := parts[0]; v != "*" && !validVendor(v) {
		return "Vendor " + v + " is not valid"
	}
	return ""
}

func validVendor(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// checkKind applies the rules that depend on what the policy is attached
// to: resources (required, or prohibited in trust policies), then
// principals (required in resource and trust policies, forbidden
// elsewhere), then principal values. NotPrincipal is accepted only with
// Deny in resource policies [dec].
func checkKind(d *rawDoc, kind Kind) string {
	for _, rule := range []func(*rawStatement, Kind) string{resourceRule, principalRule} {
		for i := range d.statements {
			if msg := rule(&d.statements[i], kind); msg != "" {
				return msg
			}
		}
	}
	for _, s := range d.statements {
		for _, p := range []*rawPrincipal{s.principal, s.notPrincipal} {
			if p == nil {
				continue
			}
			if _, msg := compilePrincipal(p); msg != "" {
				return msg
			}
		}
	}
	return ""
}

func resourceRule(s *rawStatement, kind Kind) string {
	if kind != Trust {
		l := s.resource
		if l == nil {
			l = s.notResource
		}
		// A list of only nulls would leave a NotResource matching every
		// resource; it counts as no resources.
		if l == nil || !slices.ContainsFunc(l.items, func(it rawItem) bool { return !it.null }) {
			return msgNoResources
		}
		return ""
	}
	switch {
	case s.resource != nil:
		return msgProhibitedField + "Resource"
	case s.notResource != nil:
		return msgProhibitedField + "NotResource"
	}
	return ""
}

func principalRule(s *rawStatement, kind Kind) string {
	hasPrincipal := s.principal != nil || s.notPrincipal != nil
	switch {
	case kind == Identity || kind == Session:
		if hasPrincipal {
			return msgNoPrincipal
		}
	case !hasPrincipal:
		return msgMissingPrincipl
	case s.notPrincipal != nil && (kind == Trust || s.effect != "Deny"):
		return msgProhibitedField + "NotPrincipal"
	}
	return ""
}
