package arn

import (
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"arn:aws:lambda:us-east-1:123456789012:function:thumbs:$LATEST",
		"arn:aws:iam::123456789012:role/service-role/exec",
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:s3:::bucket/key",
		"arn:aws:lambda:us-east-1::runtime:abc",
		"arn:::::", "arn:a:b:c:d:", "arn", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if got := a.String(); got != s {
			t.Fatalf("Parse(%q).String() = %q", s, got)
		}
		b, err := Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("Parse(String()) = %+v, %v; want %+v", b, err, a)
		}
	})
}

func FuzzParseFunctionName(f *testing.F) {
	for _, in := range nameCorpus() {
		f.Add(in, "")
	}
	f.Add("f", "$LATEST")
	f.Add("f:1", "2")
	f.Add("arn:aws:lambda:ap-southeast-1:123456789012:function:x", "live")
	plainModel, nsModel := modelRE(FunctionNamePattern), modelRE(NamespacedFunctionNamePattern)
	f.Fuzz(func(t *testing.T, input, query string) {
		if got, want := functionNameRE.MatchString(input), plainModel.MatchString(input); got != want {
			t.Fatalf("FunctionName %q: named pattern %v, model %v", input, got, want)
		}
		if got, want := namespacedFunctionNameRE.MatchString(input), nsModel.MatchString(input); got != want {
			t.Fatalf("NamespacedFunctionName %q: named pattern %v, model %v", input, got, want)
		}
		if ref, err := ParseFunctionName(input, region); err == nil {
			checkRoundTrip(t, ShapeFunctionName, input, ref)
		}
		if ref, err := ParseNamespacedFunctionName(input, region); err == nil {
			checkRoundTrip(t, ShapeNamespacedFunctionName, input, ref)
		}
		if ref, err := ResolveFunction(input, query, region); err == nil && query != "" && ref.Qualifier != query {
			t.Fatalf("ResolveFunction(%q, %q) qualifier = %q", input, query, ref.Qualifier)
		}
	})
}

// checkRoundTrip formats an accepted ref as a qualified ARN and parses it
// back: the function and qualifier must survive, and the ARN must be a
// well-formed generic ARN.
func checkRoundTrip(t *testing.T, shape Shape, input string, ref FunctionRef) {
	t.Helper()
	if ref.Name == "" || ref.Region != region {
		t.Fatalf("%q: accepted with ref %+v", input, ref)
	}
	acct := ref.Account
	if acct == "" {
		acct = account
	}
	s := QualifiedFunctionARN(ref.Region, acct, ref.Name, ref.Qualifier)
	a, err := Parse(s)
	if err != nil || a.String() != s || a.Service != "lambda" || a.Account != acct {
		t.Fatalf("%q: ARN %q parses to %+v, %v", input, s, a, err)
	}
	want := FunctionRef{Name: ref.Name, Qualifier: ref.Qualifier, Account: acct, Region: ref.Region}
	if Length(s) <= MaxNamespacedFunctionNameInput {
		back, err := ParseNamespacedFunctionName(s, region)
		if err != nil || back != want {
			t.Fatalf("%q (%v): %q parses back to %+v, %v; want %+v", input, shape, s, back, err, want)
		}
	}
	if shape == ShapeFunctionName && Length(s) <= MaxFunctionNameInput {
		if back, err := ParseFunctionName(s, region); err != nil || back != want {
			t.Fatalf("%q: %q parses back to %+v, %v; want %+v", input, s, back, err, want)
		}
	}
}
