package iam

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"lambent/internal/account"
	"lambent/internal/errkind"
	"lambent/internal/policy"
	"lambent/internal/store"
)

// maxTrustSize is the trust policy quota (ACLSizePerRole), in characters
// not counting whitespace.
const maxTrustSize = 2048

// checkTrust validates a role trust policy: size, JSON, grammar, and that
// every IAM user or role it names exists (iam.md §3).
func (s *Service) checkTrust(ctx context.Context, doc string) error {
	if policySize(doc) > maxTrustSize {
		return limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustSize)
	}
	if !json.Valid([]byte(doc)) {
		return malformed("This policy contains invalid Json")
	}
	if _, err := policy.Parse([]byte(doc), policy.Trust); err != nil {
		return err
	}
	for _, p := range awsPrincipals([]byte(doc)) {
		ok, err := s.principalExists(ctx, p)
		if err != nil {
			return err
		}
		if !ok {
			return malformed(fmt.Sprintf("Invalid principal in policy: \"AWS\":%q", p))
		}
	}
	return nil
}

// awsPrincipals returns the "AWS" principal values of a document that
// policy.Parse accepted.
func awsPrincipals(doc []byte) []string {
	var top struct{ Statement json.RawMessage }
	if json.Unmarshal(doc, &top) != nil {
		return nil
	}
	var stmts []struct{ Principal json.RawMessage }
	if t := bytes.TrimSpace(top.Statement); len(t) > 0 && t[0] == '{' {
		top.Statement = append(append([]byte("["), t...), ']')
	}
	if json.Unmarshal(top.Statement, &stmts) != nil {
		return nil
	}
	var out []string
	for _, st := range stmts {
		var p struct{ AWS json.RawMessage }
		if json.Unmarshal(st.Principal, &p) != nil || p.AWS == nil {
			continue
		}
		var one string
		var many []string
		if json.Unmarshal(p.AWS, &one) == nil {
			out = append(out, one)
		} else if json.Unmarshal(p.AWS, &many) == nil {
			out = append(out, many...)
		}
	}
	return out
}

// principalExists reports whether an "AWS" principal that names an IAM
// user or role (arn:aws:iam::ACCT:user/… or role/…) names one that exists.
// Other principals (accounts, root, sessions, unique IDs) are not checked.
func (s *Service) principalExists(ctx context.Context, p string) (bool, error) {
	rest, ok := strings.CutPrefix(p, "arn:aws:iam::")
	if !ok {
		return true, nil
	}
	acct, res, _ := strings.Cut(rest, ":")
	typ, name, _ := strings.Cut(res, "/")
	kind := map[string]string{"user": store.KindUser, "role": store.KindRole}[typ]
	if kind == "" || !account.ID(acct).Valid() {
		return true, nil
	}
	path := "/"
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		path, name = "/"+name[:i+1], name[i+1:]
	}
	e, err := s.store.GetIAMEntity(ctx, account.ID(acct), kind, key(name))
	if errkind.Is(err, errkind.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("check principal: %w", err)
	}
	var d struct{ Name, Path string }
	if err := decode(e, &d); err != nil {
		return false, err
	}
	return d.Name == name && d.Path == path, nil
}
