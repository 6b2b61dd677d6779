package policy

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

// Accounts and principals shared by the tests.
const (
	acctA = "111111111111"
	acctB = "222222222222"

	fnA      = "arn:aws:lambda:us-east-1:111111111111:function:f"
	fnB      = "arn:aws:lambda:us-east-1:222222222222:function:f"
	roleA    = "arn:aws:iam::111111111111:role/ci/deployer"
	roleB    = "arn:aws:iam::222222222222:role/target"
	aliceARN = "arn:aws:iam::111111111111:user/alice"
	bobARN   = "arn:aws:iam::222222222222:user/bob"
)

var (
	alice = Principal{Type: User, ARN: aliceARN, Account: acctA, UniqueID: "AIDAALICEALICEALICEAA"}
	bob   = Principal{Type: User, ARN: bobARN, Account: acctB, UniqueID: "AIDABOBBOBBOBBOBBOBBO"}
	rootA = Principal{Type: Root, ARN: "arn:aws:iam::111111111111:root", Account: acctA}
	// session is a session of roleA.
	session = Principal{Type: AssumedRole, ARN: "arn:aws:sts::111111111111:assumed-role/deployer/s1",
		Account: acctA, RoleARN: roleA, UniqueID: "AROADEPLOYERDEPLOYERD"}
	fedUser = Principal{Type: FederatedUser, ARN: "arn:aws:sts::111111111111:federated-user/carol", Account: acctA}
	lambdaS = Principal{Type: ServicePrincipal, ARN: "lambda.amazonaws.com"}
	anon    = Principal{}
)

// doc wraps statements (JSON objects) in a 2012-10-17 document.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func mustParse(t testing.TB, kind Kind, document string) *Policy {
	t.Helper()
	p, err := Parse([]byte(document), kind)
	if err != nil {
		t.Fatalf("Parse(%s): %v", document, err)
	}
	return p
}

// idp parses identity-policy statements.
func idp(t testing.TB, stmts ...string) *Policy { return mustParse(t, Identity, doc(stmts...)) }

// rsp parses resource-policy statements.
func rsp(t testing.TB, stmts ...string) *Policy { return mustParse(t, Resource, doc(stmts...)) }

// jsonText marshals v for embedding in a document.
func jsonText(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ctx builds a request context from key/value pairs, one value each.
func ctx(kv ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[strings.ToLower(kv[i])] = append(m[strings.ToLower(kv[i])], kv[i+1])
	}
	return m
}

// publicMessage returns the tenant-visible message of a classified error.
func publicMessage(err error) string {
	if e, ok := errkind.As(err); ok {
		return e.Public
	}
	return fmt.Sprint(err)
}
