package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"unicode/utf8"

	"lambent/internal/errkind"
)

// probeRequests are the requests on which a policy and its re-marshalled
// copy must decide alike. They cover the principals, actions, resources
// and context keys that the seed documents use.
var probeRequests = []Request{
	{Principal: alice, Action: "s3:ListBucket", Resource: "arn:aws:s3:::example_bucket"},
	{Principal: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-name/home/AIDAALICEALICEALICEAA/x",
		Context: ctx("aws:userid", "AIDAALICEALICEALICEAA", "aws:CurrentTime", "2017-08-01T00:00:00Z")},
	{Principal: alice, Action: "iam:GetUser", Resource: aliceARN,
		Context: ctx("aws:username", "alice", "aws:MultiFactorAuthPresent", "false")},
	{Principal: session, Action: "lambda:InvokeFunction", Resource: fnA,
		Context: ctx("aws:SourceIp", "10.1.2.3", "aws:SecureTransport", "true", "aws:TagKeys", "CostCenter")},
	{Principal: bob, Action: "sts:AssumeRole", Resource: roleA, Context: ctx("sts:ExternalId", "x")},
	{Principal: lambdaS, Action: "sts:AssumeRole", Resource: roleA},
	{Principal: anon, Action: "ec2:AttachVolume", Resource: "arn:aws:ec2:us-east-1:111111111111:volume/v-1",
		Context: ctx("ec2:ResourceTag/VolumeUser", "alice", "aws:username", "alice")},
}

// assertSameDecisions fails when p and q decide a probe request differently.
func assertSameDecisions(t *testing.T, p, q *Policy) {
	t.Helper()
	for i := range probeRequests {
		req := &probeRequests[i]
		a, b := p.Evaluate(req), q.Evaluate(req)
		if a.Outcome != b.Outcome || a.By != b.By {
			t.Fatalf("request %d: original %v by %+v, re-parsed %v by %+v", i, a.Outcome, a.By, b.Outcome, b.By)
		}
	}
}

// TestMarshalRoundTrip re-marshals every document of the moto corpus:
// the result parses, decides alike and is a fixed point of MarshalJSON.
func TestMarshalRoundTrip(t *testing.T) {
	_, valid := motoCorpus(t)
	for i, doc := range valid {
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkRoundTrip(t, doc, Identity) })
	}
}

func checkRoundTrip(t *testing.T, doc []byte, kind Kind) {
	t.Helper()
	p, err := Parse(doc, kind)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	q, err := Parse(out, kind)
	if err != nil {
		t.Fatalf("re-parse %s: %v", out, err)
	}
	assertSameDecisions(t, p, q)
	again, _ := json.Marshal(q)
	if !bytes.Equal(out, again) {
		t.Fatalf("MarshalJSON not a fixed point:\n%s\n%s", out, again)
	}
}

// FuzzParse: arbitrary bytes never panic, every failure is a classified
// MalformedPolicyDocument, and every accepted document re-marshals into
// one that parses and decides the probe requests alike. Seeds, including
// every valid moto document, live in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`), uint8(0))
	f.Add([]byte(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}`), uint8(2))
	f.Fuzz(func(t *testing.T, doc []byte, k uint8) {
		checkDecodeJSON(t, doc)
		kind := Kind(k%4 + 1)
		_, err := Parse(doc, kind)
		if err != nil {
			if e, ok := errkind.As(err); !ok || e.Kind != errkind.InvalidArgument || e.Detail != Malformed || e.Public == "" {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		checkRoundTrip(t, doc, kind)
	})
}

// checkDecodeJSON compares decodeJSON with encoding/json: it accepts
// exactly the valid UTF-8 JSON without duplicate keys, decodes the same
// values, and every value's span holds that value.
func checkDecodeJSON(t *testing.T, doc []byte) {
	t.Helper()
	v, err := decodeJSON(doc)
	valid := utf8.Valid(doc) && json.Valid(doc)
	switch {
	case err != nil && valid && !errors.Is(err, errDuplicateKey):
		t.Fatalf("decodeJSON refused valid JSON: %v", err)
	case err == nil && !valid:
		t.Fatal("decodeJSON accepted invalid JSON")
	case err != nil:
		return
	}
	checkSpans(t, doc, &v)
}

func checkSpans(t *testing.T, doc []byte, v *jvalue) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc[v.off:v.end]))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("span %d..%d %q: %v", v.off, v.end, doc[v.off:v.end], err)
	}
	if got := v.toAny(); !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeJSON gave %#v, encoding/json %#v", got, want)
	}
	for i := range v.members {
		checkSpans(t, doc, &v.members[i].val)
	}
	for i := range v.elems {
		checkSpans(t, doc, &v.elems[i])
	}
}

func (v *jvalue) toAny() any {
	switch v.kind {
	case jsonObject:
		m := map[string]any{}
		for i := range v.members {
			m[v.members[i].key] = v.members[i].val.toAny()
		}
		return m
	case jsonArray:
		a := []any{}
		for i := range v.elems {
			a = append(a, v.elems[i].toAny())
		}
		return a
	case jsonString:
		return v.text
	case jsonNumber:
		return json.Number(v.text)
	case jsonBool:
		return v.text == "true"
	}
	return nil
}

// FuzzEvaluate builds a policy from fuzzed action and resource patterns
// and a fuzzed condition, and checks that evaluation never panics, that
// Explain agrees with Evaluate, that a statement applies alike whatever its
// Effect, and that evaluation leaves the request context untouched.
func FuzzEvaluate(f *testing.F) {
	f.Add("lambda:*", "arn:aws:lambda:*:*:function:f*", "StringLike", "aws:PrincipalTag/team", "r*", "red",
		"lambda:InvokeFunction", fnA)
	f.Add("*", "*", "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", "key2:x", "iam:TagRole", roleA)
	f.Add("s3:Get?bject", "arn:aws:s3:::b/${aws:username}/*", "IpAddress", "aws:SourceIp", "10.0.0.0/8", "10.9.9.9",
		"s3:GetObject", "arn:aws:s3:::b/alice/k")
	f.Add("iam:*", "arn:aws:iam::*:user/${aws:username, 'x'}", "DateLessThan", "aws:CurrentTime", "2030-01-01", "2024-01-01T00:00:00Z",
		"iam:GetUser", aliceARN)
	f.Add("sts:*", "*", "ArnNotLikeIfExists", "aws:SourceArn", "arn:aws:s3:::*", "arn:aws:s3:::x", "sts:AssumeRole", roleA)
	f.Fuzz(func(t *testing.T, action, resource, op, key, policyValue, requestValue, reqAction, reqResource string) {
		stmt := func(effect string) string {
			s := map[string]any{"Effect": effect, "Action": action, "Resource": resource,
				"Condition": map[string]map[string]string{op: {key: policyValue}}}
			b, _ := json.Marshal(s)
			return string(b)
		}
		allow, err := Parse([]byte(doc(stmt("Allow"))), Identity)
		if err != nil {
			return
		}
		deny := mustParse(t, Identity, doc(stmt("Deny")))
		context := map[string][]string{key: {requestValue}, "aws:username": {"alice"}}
		before := maps.Clone(context)
		req := &Request{Principal: alice, Action: reqAction, Resource: reqResource, Context: context}
		ps := &Policies{Identity: []*Policy{allow}}
		d := Evaluate(req, ps)
		if x := Explain(req, ps); x.Outcome != d.Outcome || x.By != d.By {
			t.Fatalf("Explain %v by %+v, Evaluate %v by %+v", x.Outcome, x.By, d.Outcome, d.By)
		}
		if d.Outcome == ExplicitDeny {
			t.Fatal("an Allow-only policy denied explicitly")
		}
		denied := Evaluate(req, &Policies{Identity: []*Policy{deny}})
		if (d.Outcome == Allowed) != (denied.Outcome == ExplicitDeny) {
			t.Fatalf("Allow statement gives %v, same statement as Deny gives %v", d.Outcome, denied.Outcome)
		}
		_ = DenialMessage(req, denied)
		if !maps.EqualFunc(before, context, slices.Equal) {
			t.Fatal("evaluation changed the request context")
		}
	})
}

func TestDecodeJSON(t *testing.T) {
	for _, doc := range []string{
		`{}`, `[]`, `""`, `"a\"b\\c\u00e9\ud83d\ude00"`, ` {"a" : [1, -2.5e+3, true, false, null, {"b": []}] } `,
		`{"a":1,"a":2}`, `{"a":1,}`, `[1 2]`, "\"\xff\"", `{"a":1} x`, `01`, `nul`, ``,
	} {
		checkDecodeJSON(t, []byte(doc))
	}
	if _, err := decodeJSON([]byte(`{"a":{"b":1,"b":2}}`)); !errors.Is(err, errDuplicateKey) {
		t.Fatalf("nested duplicate key: %v", err)
	}
}
