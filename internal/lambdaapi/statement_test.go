package lambdaapi

import (
	"bytes"
	"encoding/json"
	"testing"

	"lambent/internal/errkind"
	"lambent/internal/policy"
)

// FuzzAddPermissionInput feeds arbitrary AddPermission bodies through
// validation and statement construction. A body is either refused with a
// classified error, or it yields a statement whose policy the policy
// engine accepts and that survives the store's read-modify-write
// unchanged.
func FuzzAddPermissionInput(f *testing.F) {
	for _, seed := range []string{
		`{"StatementId":"s3","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com","SourceArn":"arn:aws:s3:::bkt"}`,
		`{"StatementId":"u","Action":"lambda:InvokeFunctionUrl","Principal":"*","SourceAccount":"111111111111","PrincipalOrgID":"o-1234567890","FunctionUrlAuthType":"NONE"}`,
		`{"StatementId":"a","Action":"*","Principal":"222222222222","EventSourceToken":"amzn1.ask","InvokedViaFunctionUrl":true}`,
		`{"StatementId":"r","Action":"lambda:*","Principal":"arn:aws:iam::222222222222:role/x"}`,
		`{"StatementId":"s","Action":"lambda:GetFunction","Principal":"arn:aws:sts::222222222222:assumed-role/x/y"}`,
		`{"StatementId":"bad.id","Action":"s3:Get","Principal":"a b"}`,
		`{"StatementId":"x","Action":"lambda:InvokeFunction","Principal":"arn:aws:iam::*:root","SourceArn":"arn:aws:s3:::<&>"}`,
		`{}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in addPermissionInput
		if json.Unmarshal(body, &in) != nil {
			return
		}
		if vs := in.check(); len(vs) > 0 {
			if errkind.KindOf(vs.Err()) != errkind.Validation {
				t.Fatalf("violations %v are not a ValidationException", vs)
			}
			return
		}
		s, err := buildStatement(&in, fnARN)
		if err != nil {
			if errkind.KindOf(err) != errkind.InvalidArgument {
				t.Fatalf("buildStatement: unclassified %v", err)
			}
			return
		}
		d := &policyDoc{Version: policyVersion, ID: policyID, Statement: []statement{s}}
		b, err := d.encode()
		if err != nil {
			if errkind.KindOf(err) != errkind.InvalidArgument {
				t.Fatalf("encode: unclassified %v", err)
			}
			return
		}
		if _, err := policy.Parse(b, policy.Resource); err != nil {
			t.Fatalf("stored policy %s does not parse: %v", b, err)
		}
		back, err := decodePolicy(b)
		if err != nil {
			t.Fatal(err)
		}
		again, err := back.encode()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip changed the policy:\n%s\n%s (%v)", b, again, err)
		}
	})
}

func TestParsePrincipal(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{
		{"*", `"*"`},
		{"123456789012", `{"AWS":"arn:aws:iam::123456789012:root"}`},
		{"arn:aws:iam::123456789012:root", `{"AWS":"arn:aws:iam::123456789012:root"}`},
		{"arn:aws:iam::123456789012:user/path/u", `{"AWS":"arn:aws:iam::123456789012:user/path/u"}`},
		{"s3.amazonaws.com", `{"Service":"s3.amazonaws.com"}`},
		{"alexa-appkit.amazon.com", `{"Service":"alexa-appkit.amazon.com"}`},
		{"s3", ""},
		{".amazonaws.com", ""},
		{"S3.amazonaws.com", ""},
		{"12345678901", ""},
		{"arn:aws:iam::*:root", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:f", ""},
		{"AROAEXAMPLEEXAMPLE123", ""},
	} {
		p, err := parsePrincipal(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%q accepted as %+v", tt.in, p)
			}
			continue
		}
		b, _ := json.Marshal(p)
		if err != nil || string(b) != tt.want {
			t.Errorf("%q → %s, %v; want %s", tt.in, b, err, tt.want)
		}
	}
}
