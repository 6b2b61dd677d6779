package arn

import (
	"regexp"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

const (
	region  = "us-east-1"
	account = "123456789012"
	fnARN   = "arn:aws:lambda:us-east-1:123456789012:function:"
)

// Messages as AWS words them (recorded against AWS, see lambda-api.md).
func patternMsg(input string) string {
	return "1 validation error detected: Value '" + input + "' at 'functionName' failed to satisfy constraint: " +
		"Member must satisfy regular expression pattern: " + FunctionNamePattern
}

func nsPatternMsg(input string) string {
	return "1 validation error detected: Value '" + input + "' at 'functionName' failed to satisfy constraint: " +
		"Member must satisfy regular expression pattern: " + NamespacedFunctionNamePattern
}

func TestModelPatternsVerbatim(t *testing.T) {
	// The exact texts AWS sends, as recorded; a typo here would reach every
	// client.
	if want := `(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`; FunctionNamePattern != want {
		t.Errorf("FunctionNamePattern = %s", FunctionNamePattern)
	}
	if want := `\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`; QualifierPattern != want {
		t.Errorf("QualifierPattern = %s", QualifierPattern)
	}
}

func TestParseFunctionName(t *testing.T) {
	longARN := fnARN + strings.Repeat("a", 141-len(fnARN))
	badLong := "arn:aws:lambda:invalid-region:123456789012:function:my-function" + strings.Repeat("a", 170)
	tests := []struct {
		name  string
		input string
		want  FunctionRef
		kind  errkind.Kind
		msg   string
	}{
		{name: "name", input: "thumbs", want: FunctionRef{Name: "thumbs", Region: region}},
		{name: "name with qualifier", input: "thumbs:prod", want: FunctionRef{Name: "thumbs", Qualifier: "prod", Region: region}},
		{name: "name with $LATEST", input: "thumbs:$LATEST", want: FunctionRef{Name: "thumbs", Qualifier: "$LATEST", Region: region}},
		{name: "partial ARN", input: "123456789012:function:thumbs",
			want: FunctionRef{Name: "thumbs", Account: account, Region: region}},
		{name: "partial ARN qualified", input: "123456789012:function:thumbs:7",
			want: FunctionRef{Name: "thumbs", Qualifier: "7", Account: account, Region: region}},
		{name: "full ARN", input: fnARN + "thumbs", want: FunctionRef{Name: "thumbs", Account: account, Region: region}},
		{name: "qualified ARN", input: fnARN + "thumbs:live",
			want: FunctionRef{Name: "thumbs", Qualifier: "live", Account: account, Region: region}},
		{name: "function prefix only", input: "function:thumbs", want: FunctionRef{Name: "thumbs", Region: region}},
		{name: "name that is all digits", input: "123456789012", want: FunctionRef{Name: "123456789012", Region: region}},
		{name: "incomplete ARN names function 'function'", input: fnARN[:len(fnARN)-1],
			want: FunctionRef{Name: "function", Account: account, Region: region}},
		{name: "65-char name is the caller's concern", input: strings.Repeat("a", 65),
			want: FunctionRef{Name: strings.Repeat("a", 65), Region: region}},
		{name: "140 characters", input: longARN[:140], want: FunctionRef{Name: longARN[len(fnARN):140], Account: account, Region: region}},

		{name: "recorded invalid name", input: "invalid:function:name", kind: errkind.Validation, msg: patternMsg("invalid:function:name")},
		{name: "bang", input: "my-function!", kind: errkind.Validation, msg: patternMsg("my-function!")},
		{name: "star", input: "*", kind: errkind.Validation, msg: patternMsg("*")},
		{name: "dot not allowed", input: "my.function", kind: errkind.Validation, msg: patternMsg("my.function")},
		{name: "qualifier with bang", input: "my-function:invalid!", kind: errkind.Validation, msg: patternMsg("my-function:invalid!")},
		{name: "bad account", input: "invalid-account:function:my-function", kind: errkind.Validation,
			msg: patternMsg("invalid-account:function:my-function")},
		{name: "bad region", input: "arn:aws:lambda:invalid-region:123456789012:function:my-function", kind: errkind.Validation,
			msg: patternMsg("arn:aws:lambda:invalid-region:123456789012:function:my-function")},
		{name: "not lambda", input: "arn:aws:ec2:us-east-1:123456789012:instance:i-1234567890abcdef0", kind: errkind.Validation,
			msg: patternMsg("arn:aws:ec2:us-east-1:123456789012:instance:i-1234567890abcdef0")},
		{name: "two qualifiers", input: fnARN + "my-function:1:2", kind: errkind.Validation, msg: patternMsg(fnARN + "my-function:1:2")},
		{name: "partial with extra", input: "function:my-function:$LATEST:extra", kind: errkind.Validation,
			msg: patternMsg("function:my-function:$LATEST:extra")},
		{name: "lower-case latest", input: fnARN + "my-function:$latest", kind: errkind.Validation, msg: patternMsg(fnARN + "my-function:$latest")},
		{name: "misspelled latest", input: fnARN + "my-function:$LATES", kind: errkind.Validation, msg: patternMsg(fnARN + "my-function:$LATES")},
		{name: "published latest is namespaced only", input: "f:$LATEST.PUBLISHED", kind: errkind.Validation, msg: patternMsg("f:$LATEST.PUBLISHED")},
		{name: "missing region", input: "arn:aws:lambda::123456789012:function:my-function", kind: errkind.Validation,
			msg: patternMsg("arn:aws:lambda::123456789012:function:my-function")},
		{name: "missing account", input: "arn:aws:lambda:us-east-1::function:my-function", kind: errkind.Validation,
			msg: patternMsg("arn:aws:lambda:us-east-1::function:my-function")},
		{name: "empty", input: "", kind: errkind.Validation,
			msg: "2 validation errors detected: Value '' at 'functionName' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + FunctionNamePattern},
		{name: "recorded over-long ARN", input: longARN, kind: errkind.Validation,
			msg: "1 validation error detected: Value '" + longARN + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140"},
		{name: "recorded over-long and bad region", input: badLong, kind: errkind.Validation,
			msg: "2 validation errors detected: Value '" + badLong + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140; " +
				"Value '" + badLong + "' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + FunctionNamePattern},
		{name: "recorded foreign region", input: "arn:aws:lambda:ap-southeast-1:123456789012:function:x", kind: errkind.NotFound,
			msg: "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')"},
		{name: "foreign region in partial form", input: "eu-west-1:x", kind: errkind.NotFound,
			msg: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFunctionName(tt.input, region)
			checkErr(t, err, tt.kind, tt.msg)
			if got != tt.want {
				t.Fatalf("ref = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseNamespacedFunctionName(t *testing.T) {
	long := fnARN + strings.Repeat("a", 257-len(fnARN))
	tests := []struct {
		name  string
		input string
		want  FunctionRef
		kind  errkind.Kind
		msg   string
	}{
		{name: "name", input: "thumbs", want: FunctionRef{Name: "thumbs", Region: region}},
		{name: "dot in name", input: "my.function", want: FunctionRef{Name: "my.function", Region: region}},
		{name: "published latest", input: "thumbs:$LATEST.PUBLISHED", want: FunctionRef{Name: "thumbs", Qualifier: "$LATEST.PUBLISHED", Region: region}},
		{name: "qualified ARN", input: fnARN + "thumbs:3",
			want: FunctionRef{Name: "thumbs", Qualifier: "3", Account: account, Region: region}},
		{name: "partial ARN", input: "123456789012:function:thumbs", want: FunctionRef{Name: "thumbs", Account: account, Region: region}},
		{name: "region and name", input: "us-east-1:thumbs", want: FunctionRef{Name: "thumbs", Region: region}},
		{name: "over 140 is fine here", input: fnARN + strings.Repeat("a", 200),
			want: FunctionRef{Name: strings.Repeat("a", 200), Account: account, Region: region}},

		{name: "recorded bad separator", input: "arn:aws:lambda:us-east-1:123400000000@function:myfn", kind: errkind.Validation,
			msg: nsPatternMsg("arn:aws:lambda:us-east-1:123400000000@function:myfn")},
		{name: "arn prefix needs region and account", input: "arn:aws:lambda:thumbs", kind: errkind.Validation,
			msg: nsPatternMsg("arn:aws:lambda:thumbs")},
		{name: "star", input: "*", kind: errkind.Validation, msg: nsPatternMsg("*")},
		{name: "over 256", input: long, kind: errkind.Validation,
			msg: "1 validation error detected: Value '" + long + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{name: "foreign region", input: "arn:aws:lambda:eu-central-1:123456789012:function:x:1", kind: errkind.NotFound,
			msg: "Functions from 'eu-central-1' are not reachable in this region ('us-east-1')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseNamespacedFunctionName(tt.input, region)
			checkErr(t, err, tt.kind, tt.msg)
			if got != tt.want {
				t.Fatalf("ref = %+v, want %+v", got, tt.want)
			}
		})
	}
	// The plain shape takes "arn:aws:lambda:thumbs" as a bare name.
	if ref, err := ParseFunctionName("arn:aws:lambda:thumbs", region); err != nil || ref.Name != "thumbs" {
		t.Fatalf("ParseFunctionName(arn:aws:lambda:thumbs) = %+v, %v", ref, err)
	}
}

func TestResolveQualifier(t *testing.T) {
	const mismatch = "The derived qualifier from the function name does not match the specified qualifier."
	tests := []struct {
		name, fromName, query, want string
		fails                       bool
	}{
		{name: "neither"},
		{name: "name only", fromName: "7", want: "7"},
		{name: "query only", query: "live", want: "live"},
		{name: "both equal", fromName: "$LATEST", query: "$LATEST", want: "$LATEST"},
		{name: "recorded mismatch", fromName: "$LATEST", query: "1", fails: true},
		{name: "case matters", fromName: "$LATEST", query: "$latest", fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveQualifier(FunctionRef{Name: "f", Qualifier: tt.fromName}, tt.query)
			if tt.fails {
				checkErr(t, err, errkind.InvalidArgument, mismatch)
				return
			}
			checkErr(t, err, errkind.Internal, "")
			if got != tt.want {
				t.Fatalf("qualifier = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestResolveFunction(t *testing.T) {
	q129 := strings.Repeat("a", 129)
	badARN := "arn:aws:lambda:invalid-region:123456789012:function:my-function-" + strings.Repeat("a", 170)
	qualLong := "Value '" + q129 + "' at 'qualifier' failed to satisfy constraint: Member must have length less than or equal to 128"
	tests := []struct {
		name, input, query string
		want               FunctionRef
		kind               errkind.Kind
		msg                string
	}{
		{name: "query qualifier", input: "f", query: "live", want: FunctionRef{Name: "f", Qualifier: "live", Region: region}},
		{name: "lower-case latest is an alias name", input: fnARN + "f", query: "$latest",
			want: FunctionRef{Name: "f", Qualifier: "$latest", Account: account, Region: region}},
		{name: "name qualifier", input: "f:3", want: FunctionRef{Name: "f", Qualifier: "3", Region: region}},
		{name: "recorded mismatch", input: fnARN + "my-function:$LATEST", query: "1", kind: errkind.InvalidArgument,
			msg: "The derived qualifier from the function name does not match the specified qualifier."},
		{name: "recorded bad qualifier", input: "my-function", query: "invalid!", kind: errkind.Validation,
			msg: "1 validation error detected: Value 'invalid!' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: " + QualifierPattern},
		{name: "recorded long qualifier", input: "my-function", query: q129, kind: errkind.Validation,
			msg: "1 validation error detected: " + qualLong},
		{name: "recorded long qualifier and bad name, qualifier first", input: badARN, query: q129, kind: errkind.Validation,
			msg: "2 validation errors detected: " + qualLong + "; Value '" + badARN + "' at 'functionName' failed to satisfy constraint: " +
				"Member must satisfy regular expression pattern: " + NamespacedFunctionNamePattern},
		{name: "validation before region", input: "arn:aws:lambda:eu-west-1:123456789012:function:f", query: "bad!", kind: errkind.Validation,
			msg: "1 validation error detected: Value 'bad!' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: " + QualifierPattern},
		{name: "region before mismatch", input: "arn:aws:lambda:eu-west-1:123456789012:function:f:1", query: "2", kind: errkind.NotFound,
			msg: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveFunction(tt.input, tt.query, region)
			checkErr(t, err, tt.kind, tt.msg)
			if got != tt.want {
				t.Fatalf("ref = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// modelRE compiles a model pattern as AWS applies it: to the whole value.
func modelRE(p string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + p + `)$`) }

// TestNamedPatternsMatchModel holds the named-group patterns used for
// extraction to the model's verbatim patterns.
func TestNamedPatternsMatchModel(t *testing.T) {
	for _, in := range nameCorpus() {
		checkPatternsAgree(t, in)
	}
}

func checkPatternsAgree(t *testing.T, in string) {
	t.Helper()
	if got, want := functionNameRE.MatchString(in), modelRE(FunctionNamePattern).MatchString(in); got != want {
		t.Errorf("FunctionName %q: named pattern %v, model %v", in, got, want)
	}
	if got, want := namespacedFunctionNameRE.MatchString(in), modelRE(NamespacedFunctionNamePattern).MatchString(in); got != want {
		t.Errorf("NamespacedFunctionName %q: named pattern %v, model %v", in, got, want)
	}
}

func nameCorpus() []string {
	return []string{
		"", "a", "thumbs", "thumbs:prod", "thumbs:$LATEST", "thumbs:$LATEST.PUBLISHED", "my.fn", "my.fn:1",
		"123456789012:function:thumbs", "123456789012:thumbs", "function:thumbs", "us-east-1:thumbs",
		"us-gov-west-1:thumbs", "us-isob-east-1:thumbs", "eusc-de-east-1:thumbs", "cn-north-1:123456789012:function:x:1",
		fnARN + "thumbs", fnARN + "thumbs:$LATEST", fnARN + "thumbs:1:2", "arn:aws:lambda:thumbs", "arn::lambda:thumbs",
		"arn:aws-cn:lambda:cn-north-1:123456789012:function:x", "arn:aws:lambda:us-east-1:function:x",
		"arn:aws:lambda::123456789012:function:x", "arn:aws:lambda:us-east-1::function:x", "x:", ":x", "x::y",
		"thumbs:$latest", "thumbs:$LATES", "function", "function:", "arn:aws:lambda:us-east-1:123456789012:function",
	}
}
