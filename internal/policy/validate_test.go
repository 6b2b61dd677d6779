package policy

import (
	"testing"

	"lambent/internal/errkind"
)

func TestParseKinds(t *testing.T) {
	const (
		idStmt    = `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}`
		rsStmt    = `{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"*"}`
		trustStmt = `{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}`
	)
	tests := []struct {
		name string
		kind Kind
		doc  string
		want string // "" for valid
	}{
		{"identity", Identity, doc(idStmt), ""},
		{"identity with principal", Identity, doc(rsStmt), msgNoPrincipal},
		{"identity with NotPrincipal", Identity,
			doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"lambda:*","Resource":"*"}`), msgNoPrincipal},
		{"identity 2008", Identity, `{"Version":"2008-10-17","Statement":` + idStmt + `}`, msgVersion},
		{"session with principal", Session, doc(rsStmt), msgNoPrincipal},
		{"session 2008", Session, `{"Version":"2008-10-17","Statement":` + idStmt + `}`, ""},
		{"session without Version", Session, `{"Statement":` + idStmt + `}`, ""},
		{"session needs resources", Session, doc(`{"Effect":"Allow","Action":"lambda:*"}`), msgNoResources},
		{"resource", Resource, doc(rsStmt), ""},
		{"resource 2008", Resource, `{"Version":"2008-10-17","Statement":[` + rsStmt + `]}`, ""},
		{"resource without principal", Resource, doc(idStmt), "Missing required field Principal"},
		{"resource needs resources", Resource,
			doc(`{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction"}`), msgNoResources},
		{"resource NotPrincipal with Deny", Resource,
			doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"lambda:*","Resource":"*"}`), ""},
		{"resource NotPrincipal with Allow", Resource,
			doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"lambda:*","Resource":"*"}`),
			"Has prohibited field NotPrincipal"},
		{"trust", Trust, doc(trustStmt), ""},
		{"trust 2008", Trust, `{"Version":"2008-10-17","Statement":[` + trustStmt + `]}`, ""},
		{"trust with Resource", Trust, doc(rsStmt), "Has prohibited field Resource"},
		{"trust with NotResource", Trust,
			doc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","NotResource":"*"}`), "Has prohibited field NotResource"},
		{"trust without principal", Trust, doc(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), "Missing required field Principal"},
		{"trust NotPrincipal", Trust, doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`),
			"Has prohibited field NotPrincipal"},
		{"trust still needs actions", Trust, doc(`{"Effect":"Allow","Principal":"*"}`), msgNoActions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), tt.kind)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if got := publicMessage(err); got != tt.want {
				t.Errorf("Parse: %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParsePrincipals(t *testing.T) {
	tests := []struct {
		principal string // JSON
		want      string // "" for valid
	}{
		{`"*"`, ""},
		{`{"AWS":"*"}`, ""},
		{`{"AWS":"111111111111"}`, ""},
		{`{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::111111111111:user/path/alice"]}`, ""},
		{`{"AWS":"arn:aws:iam::111111111111:role/ci/deployer"}`, ""},
		{`{"AWS":"arn:aws:sts::111111111111:assumed-role/deployer/s1"}`, ""},
		{`{"AWS":"arn:aws:sts::111111111111:federated-user/carol"}`, ""},
		{`{"AWS":"AROADEPLOYERDEPLOYERD"}`, ""},
		{`{"Service":["lambda.amazonaws.com","s3.amazonaws.com"]}`, ""},
		{`{"Federated":"cognito-identity.amazonaws.com"}`, ""},
		{`{"Federated":"arn:aws:iam::111111111111:saml-provider/corp"}`, ""},
		{`{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, ""},
		{`{"AWS":"arn:aws:iam::111111111111:role/*"}`, `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/*"`},
		{`{"AWS":"arn:aws:iam::111111111111:group/admins"}`, `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:group/admins"`},
		{`{"AWS":"1111"}`, `Invalid principal in policy: "AWS":"1111"`},
		{`{"AWS":"arn:aws:iam:us-east-1:111111111111:user/a"}`, `Invalid principal in policy: "AWS":"arn:aws:iam:us-east-1:111111111111:user/a"`},
		{`{"Service":"lambda"}`, `Invalid principal in policy: "SERVICE":"lambda"`},
		{`{"Service":""}`, `Invalid principal in policy: "SERVICE":""`},
		{`{"Service":"*.amazonaws.com"}`, `Invalid principal in policy: "SERVICE":"*.amazonaws.com"`},
		{`"arn:aws:iam::111111111111:root"`, msgSyntax},
		{`{}`, msgSyntax},
		{`{"AWS":[]}`, msgSyntax},
		{`{"Group":"x"}`, msgSyntax},
		{`{"AWS":1}`, msgSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.principal, func(t *testing.T) {
			_, err := Parse([]byte(doc(`{"Effect":"Allow","Principal":`+tt.principal+`,"Action":"lambda:InvokeFunction","Resource":"*"}`)), Resource)
			if got := publicMessage(err); tt.want == "" && err != nil || tt.want != "" && got != tt.want {
				t.Errorf("Parse: %v, want %q", err, tt.want)
			}
		})
	}
}

// TestParseRules covers the §3 rules the moto corpus does not pin.
func TestParseRules(t *testing.T) {
	cond := func(block string) string {
		return doc(`{"Effect":"Allow","Action":"lambda:GetFunction","Resource":"*","Condition":` + block + `}`)
	}
	tests := []struct {
		name, doc, want string
	}{
		{"duplicate key", `{"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}`, msgSyntax},
		{"duplicate statement key", doc(`{"Effect":"Allow","Effect":"Deny","Action":"a:b","Resource":"*"}`), msgSyntax},
		{"trailing data", doc(`{"Effect":"Allow","Action":"a:b","Resource":"*"}`) + `{}`, msgSyntax},
		{"not UTF-8", "{\"Version\":\"2012-10-17\",\"Id\":\"\xff\",\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"a:b\",\"Resource\":\"*\"}}", msgSyntax},
		{"Conditions at top level", `{"Version":"2012-10-17","Conditions":{},"Statement":{"Effect":"Allow","Action":"a:b","Resource":"*"}}`, msgSyntax},
		{"both Principal and NotPrincipal", doc(`{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"a:b","Resource":"*"}`), msgSyntax},
		{"null in Action", doc(`{"Effect":"Allow","Action":["a:b",null],"Resource":"*"}`), msgSyntax},
		{"Effect not a string", doc(`{"Effect":true,"Action":"a:b","Resource":"*"}`), msgSyntax},
		{"unknown operator with body", cond(`{"StringEqualz":{"a":"b"}}`), msgSyntax},
		{"NullIfExists", cond(`{"NullIfExists":{"a":"true"}}`), msgSyntax},
		{"ForAnyValue:Null", cond(`{"ForAnyValue:Null":{"a":"true"}}`), msgSyntax},
		{"lower-case operator", cond(`{"stringequals":{"a":"b"}}`), msgSyntax},
		{"object condition value", cond(`{"StringEquals":{"a":{"b":"c"}}}`), msgSyntax},
		{"null condition value", cond(`{"StringEquals":{"a":null}}`), msgSyntax},
		{"nested array condition value", cond(`{"StringEquals":{"a":[["b"]]}}`), msgSyntax},
		{"number and bool condition values", cond(`{"StringEquals":{"a":[1,true,"x"]},"NumericLessThan":{"n":1.5e3}}`), ""},
		{"bad number", cond(`{"NumericEquals":{"a":"ten"}}`), msgLegacy},
		{"hex number", cond(`{"NumericEquals":{"a":"0x10"}}`), msgLegacy},
		{"bad date", cond(`{"DateEquals":{"a":"2024-13-01"}}`), msgLegacy},
		{"bad bool", cond(`{"Bool":{"a":"yes"}}`), msgLegacy},
		{"bad Null value", cond(`{"Null":{"a":"maybe"}}`), msgLegacy},
		{"bad IP", cond(`{"IpAddress":{"a":"10.0.0.0/33"}}`), msgLegacy},
		{"bad base64", cond(`{"BinaryEquals":{"a":"not base64!"}}`), msgLegacy},
		{"bad value beats resource format", doc(`{"Effect":"Allow","Action":"a:b","Resource":"x","Condition":{"Bool":{"a":"yes"}}}`), msgLegacy},
		{"wildcard service", doc(`{"Effect":"Allow","Action":"a:b","Resource":"arn:aws:lamb*:::x"}`), msgResourceVendor},
		{"wildcard partition", doc(`{"Effect":"Allow","Action":"a:b","Resource":"arn:*:lambda:*:*:function:*"}`), ""},
		{"non-arn prefix", doc(`{"Effect":"Allow","Action":"a:b","Resource":"urn:aws:s3:::b"}`), `Resource urn:aws:s3:::b must be in ARN format or "*".`},
		{"iam resource *", doc(`{"Effect":"Allow","Action":"a:b","Resource":"arn:aws:iam::111111111111:*"}`), ""},
		{"vendor with wildcard", doc(`{"Effect":"Allow","Action":"lamb*:Get","Resource":"*"}`), "Vendor lamb* is not valid"},
		{"Action before NotAction in prefix checks", doc(`{"Effect":"Allow","NotAction":"x","Resource":"*"}`,
			`{"Effect":"Allow","Action":"a:b:c","Resource":"*"}`), msgOneColon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc), Identity)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			e, ok := errkind.As(err)
			if !ok || e.Public != tt.want || e.Kind != errkind.InvalidArgument || e.Detail != Malformed {
				t.Errorf("Parse: %v, want InvalidArgument %q", err, tt.want)
			}
		})
	}
}

func TestParseUnknownKind(t *testing.T) {
	_, err := Parse([]byte(doc(`{"Effect":"Allow","Action":"a:b","Resource":"*"}`)), 0)
	if err == nil || errkind.KindOf(err) != errkind.Internal {
		t.Fatalf("Parse with kind 0: %v", err)
	}
}

func TestStatements(t *testing.T) {
	src := `{"Version":"2012-10-17","Id":"p1","Statement":[ {"Sid":"One","Effect":"Allow","Action":"a:b","Resource":"*"},
  {"Effect":"Deny","Action":"a:c","Resource":"*"} ]}`
	p := mustParse(t, Identity, src)
	if p.ID() != "p1" || p.Version() != "2012-10-17" || p.Kind() != Identity {
		t.Fatalf("ID %q Version %q Kind %v", p.ID(), p.Version(), p.Kind())
	}
	st := p.Statements()
	if len(st) != 2 || st[0].Sid != "One" || st[1].Effect != "Deny" {
		t.Fatalf("Statements() = %+v", st)
	}
	for _, s := range st {
		if src[s.Start] != '{' || src[s.End-1] != '}' {
			t.Errorf("statement span %d..%d is %q", s.Start, s.End, src[s.Start:s.End])
		}
	}
	if got := src[st[1].Start:st[1].End]; got != `{"Effect":"Deny","Action":"a:c","Resource":"*"}` {
		t.Errorf("second statement span %q", got)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		sec  int64
		nsec int32
		ok   bool
	}{
		{"1970-01-01T00:00:00Z", 0, 0, true},
		{"2024-05-01T12:00:00Z", 1714564800, 0, true},
		{"2024-05-01T14:30:00+02:30", 1714564800, 0, true},
		{"2024-05-01T09:00:00-03:00", 1714564800, 0, true},
		{"2024-05-01", 1714521600, 0, true},
		{"2024", 2024, 0, true}, // no t or -: epoch seconds, as IAM reads it
		{"01T", -62135596800, 0, true},
		{"1714564800", 1714564800, 0, true},
		{"2016-12-13t2:00:00.593194+23", 1481511600, 593194000, true},
		{"1969-12-31T23:59:59.5Z", -1, 500000000, true},
		{"-292275054", 0, 0, true},
		{"2016-12-13t2:00:00.593194+1", 0, 0, false},
		{"9223372036854775808", 0, 0, false},
		{"234-13", 0, 0, false},
		{"2024-05-32", 0, 0, false},
		{"2024-05-01T24:00:00Z", 0, 0, false},
		{"", 0, 0, false},
		{"1.5", 0, 0, false},
	}
	for _, tt := range tests {
		got, ok := parseDate(tt.in)
		if ok != tt.ok || ok && tt.in != "-292275054" && (got.sec != tt.sec || got.nsec != tt.nsec) {
			t.Errorf("parseDate(%q) = %+v, %v; want %d.%09d, %v", tt.in, got, ok, tt.sec, tt.nsec, tt.ok)
		}
	}
}

func TestKeyTypeOf(t *testing.T) {
	tests := []struct {
		key  string
		want KeyType
		ok   bool
	}{
		{"aws:SourceIp", KeyIPAddress, true},
		{"AWS:TAGKEYS", KeyArrayOfString, true},
		{"aws:ResourceTag/Team", KeyString, true},
		{"lambda:SubnetIds", KeyArrayOfString, true},
		{"lambda:FunctionArn", KeyARN, true},
		{"sts:ExternalId", KeyString, true},
		{"sts:DurationSeconds", KeyNumeric, true},
		{"iam:PassedToService", KeyString, true},
		{"logs:LogGeneratingResourceArns", KeyArrayOfARN, true},
		{"token.actions.githubusercontent.com/org/repo:sub", 0, false},
		{"token.actions.githubusercontent.com/org:actor", KeyString, true},
		{"aws:ResourceTag/", 0, false},
		{"s3:prefix", 0, false},
	}
	for _, tt := range tests {
		got, ok := KeyTypeOf(tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("KeyTypeOf(%q) = %v, %v; want %v, %v", tt.key, got, ok, tt.want, tt.ok)
		}
	}
}
