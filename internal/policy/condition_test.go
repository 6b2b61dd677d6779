package policy

import (
	"testing"
)

// condCase evaluates one condition block, {op: {key: values}}, in an Allow
// statement against a request context. absent (nil context) exercises the
// missing-key rules.
type condCase struct {
	name   string
	op     string
	key    string
	values any // a string, a []string, a bool or a number, as in JSON
	ctx    map[string][]string
	want   bool
}

func runCondCases(t *testing.T, cases []condCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			block := map[string]map[string]any{c.op: {c.key: c.values}}
			p := idp(t, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":`+
				jsonText(t, block)+`}`)
			got := p.Evaluate(&Request{Principal: alice, Action: "lambda:InvokeFunction", Resource: fnA,
				Context: c.ctx}).Allowed()
			if got != c.want {
				t.Errorf("%s %s=%v with context %v: got %v, want %v", c.op, c.key, c.values, c.ctx, got, c.want)
			}
		})
	}
}

func TestStringOperators(t *testing.T) {
	team := func(v ...string) map[string][]string { return map[string][]string{"aws:principaltag/team": v} }
	runCondCases(t, []condCase{
		{"Equals match", "StringEquals", "aws:PrincipalTag/team", "red", team("red"), true},
		{"Equals no match", "StringEquals", "aws:PrincipalTag/team", "red", team("blue"), false},
		{"Equals is case-sensitive", "StringEquals", "aws:PrincipalTag/team", "red", team("RED"), false},
		{"Equals values are ORed", "StringEquals", "aws:PrincipalTag/team", []string{"red", "blue"}, team("blue"), true},
		{"Equals * is literal", "StringEquals", "aws:PrincipalTag/team", "r*", team("red"), false},
		{"Equals missing key", "StringEquals", "aws:PrincipalTag/team", "red", nil, false},
		{"Equals key name is case-insensitive", "StringEquals", "AWS:PRINCIPALTAG/TEAM", "red", team("red"), true},
		{"EqualsIfExists missing key", "StringEqualsIfExists", "aws:PrincipalTag/team", "red", nil, true},
		{"EqualsIfExists present, no match", "StringEqualsIfExists", "aws:PrincipalTag/team", "red", team("x"), false},
		{"NotEquals match", "StringNotEquals", "aws:PrincipalTag/team", "red", team("blue"), true},
		{"NotEquals no match", "StringNotEquals", "aws:PrincipalTag/team", "red", team("red"), false},
		{"NotEquals is NOR over values", "StringNotEquals", "aws:PrincipalTag/team", []string{"red", "blue"}, team("blue"), false},
		{"NotEquals missing key", "StringNotEquals", "aws:PrincipalTag/team", "red", nil, true},
		{"NotEqualsIfExists missing key", "StringNotEqualsIfExists", "aws:PrincipalTag/team", "red", nil, true},
		{"EqualsIgnoreCase match", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "red", team("RED"), true},
		{"EqualsIgnoreCase no match", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "red", team("reds"), false},
		{"EqualsIgnoreCase missing key", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", "red", nil, false},
		{"EqualsIgnoreCaseIfExists missing", "StringEqualsIgnoreCaseIfExists", "aws:PrincipalTag/team", "red", nil, true},
		{"NotEqualsIgnoreCase match", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "red", team("blue"), true},
		{"NotEqualsIgnoreCase no match", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "red", team("Red"), false},
		{"NotEqualsIgnoreCase missing key", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "red", nil, true},
		{"Like star", "StringLike", "aws:PrincipalTag/team", "r*d", team("rapid"), true},
		{"Like question", "StringLike", "aws:PrincipalTag/team", "r?d", team("red"), true},
		{"Like question is one character", "StringLike", "aws:PrincipalTag/team", "r?d", team("reed"), false},
		{"Like is case-sensitive", "StringLike", "aws:PrincipalTag/team", "r*", team("Red"), false},
		{"Like missing key", "StringLike", "aws:PrincipalTag/team", "*", nil, false},
		{"LikeIfExists missing key", "StringLikeIfExists", "aws:PrincipalTag/team", "r*", nil, true},
		{"NotLike match", "StringNotLike", "aws:PrincipalTag/team", "r*", team("blue"), true},
		{"NotLike no match", "StringNotLike", "aws:PrincipalTag/team", []string{"b*", "r*"}, team("red"), false},
		{"NotLike missing key", "StringNotLike", "aws:PrincipalTag/team", "r*", nil, true},
		{"NotLikeIfExists present", "StringNotLikeIfExists", "aws:PrincipalTag/team", "r*", team("red"), false},
		{"empty value list never matches", "StringEquals", "aws:PrincipalTag/team", []string{}, team("red"), false},
	})
}

func TestNumericOperators(t *testing.T) {
	age := func(v string) map[string][]string { return map[string][]string{"aws:multifactorauthage": {v}} }
	runCondCases(t, []condCase{
		{"Equals", "NumericEquals", "aws:MultiFactorAuthAge", "3600", age("3600"), true},
		{"Equals decimal vs integer", "NumericEquals", "aws:MultiFactorAuthAge", "3600.0", age("3600"), true},
		{"Equals JSON number", "NumericEquals", "aws:MultiFactorAuthAge", 3600, age("3600"), true},
		{"Equals no match", "NumericEquals", "aws:MultiFactorAuthAge", "3600", age("3601"), false},
		{"Equals missing", "NumericEquals", "aws:MultiFactorAuthAge", "3600", nil, false},
		{"EqualsIfExists missing", "NumericEqualsIfExists", "aws:MultiFactorAuthAge", "3600", nil, true},
		{"NotEquals", "NumericNotEquals", "aws:MultiFactorAuthAge", []string{"1", "2"}, age("3"), true},
		{"NotEquals NOR", "NumericNotEquals", "aws:MultiFactorAuthAge", []string{"1", "2"}, age("2"), false},
		{"NotEquals missing", "NumericNotEquals", "aws:MultiFactorAuthAge", "1", nil, true},
		{"LessThan", "NumericLessThan", "aws:MultiFactorAuthAge", "3600", age("3599"), true},
		{"LessThan equal", "NumericLessThan", "aws:MultiFactorAuthAge", "3600", age("3600"), false},
		{"LessThanEquals", "NumericLessThanEquals", "aws:MultiFactorAuthAge", "3600", age("3600"), true},
		{"GreaterThan", "NumericGreaterThan", "aws:MultiFactorAuthAge", "-1.5", age("-1"), true},
		{"GreaterThan no", "NumericGreaterThan", "aws:MultiFactorAuthAge", "10", age("9.99"), false},
		{"GreaterThanEquals", "NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "10", age("10"), true},
		{"GreaterThanEqualsIfExists missing", "NumericGreaterThanEqualsIfExists", "aws:MultiFactorAuthAge", "10", nil, true},
		{"large integers compare exactly", "NumericEquals", "aws:MultiFactorAuthAge", "9007199254740993", age("9007199254740992"), false},
		{"unparseable request value: positive", "NumericLessThan", "aws:MultiFactorAuthAge", "10", age("ten"), false},
		{"unparseable request value: negated", "NumericNotEquals", "aws:MultiFactorAuthAge", "10", age("ten"), true},
	})
}

func TestDateOperators(t *testing.T) {
	now := func(v string) map[string][]string { return map[string][]string{"aws:currenttime": {v}} }
	runCondCases(t, []condCase{
		{"Equals ISO", "DateEquals", "aws:CurrentTime", "2024-05-01T12:00:00Z", now("2024-05-01T12:00:00Z"), true},
		{"Equals zone offset", "DateEquals", "aws:CurrentTime", "2024-05-01T14:00:00+02:00", now("2024-05-01T12:00:00Z"), true},
		{"Equals epoch against ISO", "DateEquals", "aws:CurrentTime", "1714564800", now("2024-05-01T12:00:00Z"), true},
		{"Equals JSON number epoch", "DateEquals", "aws:CurrentTime", 1714564800, now("2024-05-01T12:00:00Z"), true},
		{"Equals no match", "DateEquals", "aws:CurrentTime", "2024-05-01", now("2024-05-01T12:00:00Z"), false},
		{"Equals missing", "DateEquals", "aws:CurrentTime", "2024-05-01", nil, false},
		{"EqualsIfExists missing", "DateEqualsIfExists", "aws:CurrentTime", "2024-05-01", nil, true},
		{"NotEquals", "DateNotEquals", "aws:CurrentTime", "2024-05-01", now("2024-05-02"), true},
		{"NotEquals no", "DateNotEquals", "aws:CurrentTime", "2024-05-01", now("2024-05-01T00:00:00Z"), false},
		{"NotEquals missing", "DateNotEquals", "aws:CurrentTime", "2024-05-01", nil, true},
		{"LessThan", "DateLessThan", "aws:CurrentTime", "2024-12-31T23:59:59Z", now("2024-05-01T12:00:00Z"), true},
		{"LessThan fraction", "DateLessThan", "aws:CurrentTime", "2024-05-01T12:00:00.5Z", now("2024-05-01T12:00:00.25Z"), true},
		{"LessThan no", "DateLessThan", "aws:CurrentTime", "2024-01-01", now("2024-05-01T12:00:00Z"), false},
		{"LessThanEquals", "DateLessThanEquals", "aws:CurrentTime", "2024-05-01T12:00:00Z", now("2024-05-01T12:00:00Z"), true},
		{"GreaterThan", "DateGreaterThan", "aws:CurrentTime", "2017-07-01T00:00:00Z", now("2024-05-01T12:00:00Z"), true},
		{"GreaterThanEquals", "DateGreaterThanEquals", "aws:CurrentTime", "2024-05-02", now("2024-05-01T12:00:00Z"), false},
		{"GreaterThanIfExists missing", "DateGreaterThanIfExists", "aws:CurrentTime", "2024-05-02", nil, true},
		{"unparseable request value", "DateLessThan", "aws:CurrentTime", "2024-05-02", now("yesterday"), false},
		{"unparseable request value: negated", "DateNotEquals", "aws:CurrentTime", "2024-05-02", now("yesterday"), true},
	})
}

func TestBoolBinaryNull(t *testing.T) {
	tls := func(v string) map[string][]string { return map[string][]string{"aws:securetransport": {v}} }
	bin := func(v string) map[string][]string { return map[string][]string{"custom:blob": {v}} }
	runCondCases(t, []condCase{
		{"Bool string", "Bool", "aws:SecureTransport", "true", tls("true"), true},
		{"Bool JSON bool", "Bool", "aws:SecureTransport", true, tls("true"), true},
		{"Bool case-insensitive", "Bool", "aws:SecureTransport", "True", tls("TRUE"), true},
		{"Bool no match", "Bool", "aws:SecureTransport", "true", tls("false"), false},
		{"Bool missing", "Bool", "aws:SecureTransport", "false", nil, false},
		{"BoolIfExists missing", "BoolIfExists", "aws:SecureTransport", "false", nil, true},
		{"Bool unparseable request value", "Bool", "aws:SecureTransport", "true", tls("yes"), false},
		{"BinaryEquals", "BinaryEquals", "custom:blob", "QmluYXJ5VmFsdWU=", bin("QmluYXJ5VmFsdWU="), true},
		{"BinaryEquals no match", "BinaryEquals", "custom:blob", "QmluYXJ5VmFsdWU=", bin("T3RoZXI="), false},
		{"BinaryEquals missing", "BinaryEquals", "custom:blob", "QmluYXJ5VmFsdWU=", nil, false},
		{"BinaryEqualsIfExists missing", "BinaryEqualsIfExists", "custom:blob", "QmluYXJ5VmFsdWU=", nil, true},
		{"Null true: absent", "Null", "aws:SecureTransport", "true", nil, true},
		{"Null true: present", "Null", "aws:SecureTransport", "true", tls("true"), false},
		{"Null false: present", "Null", "aws:SecureTransport", false, tls("false"), true},
		{"Null false: absent", "Null", "aws:SecureTransport", "false", nil, false},
		{"Null empty list is absent", "Null", "aws:SecureTransport", "true", map[string][]string{"aws:securetransport": {}}, true},
	})
}

func TestIPAddressOperators(t *testing.T) {
	ip := func(v string) map[string][]string { return map[string][]string{"aws:sourceip": {v}} }
	runCondCases(t, []condCase{
		{"v4 in CIDR", "IpAddress", "aws:SourceIp", "203.0.113.0/24", ip("203.0.113.7"), true},
		{"v4 outside CIDR", "IpAddress", "aws:SourceIp", "203.0.113.0/24", ip("203.0.114.7"), false},
		{"bare v4 is /32", "IpAddress", "aws:SourceIp", "203.0.113.7", ip("203.0.113.7"), true},
		{"bare v4 is /32, other", "IpAddress", "aws:SourceIp", "203.0.113.7", ip("203.0.113.8"), false},
		{"v6 in CIDR", "IpAddress", "aws:SourceIp", "2001:db8::/32", ip("2001:db8:1::5"), true},
		{"v6 outside", "IpAddress", "aws:SourceIp", "2001:db8::/32", ip("2001:db9::5"), false},
		{"v4 address, v6 block", "IpAddress", "aws:SourceIp", "2001:db8::/32", ip("203.0.113.7"), false},
		{"v4-mapped v6 address", "IpAddress", "aws:SourceIp", "203.0.113.0/24", ip("::ffff:203.0.113.7"), true},
		{"non-canonical CIDR", "IpAddress", "aws:SourceIp", "203.0.113.9/24", ip("203.0.113.7"), true},
		{"values ORed", "IpAddress", "aws:SourceIp", []string{"10.0.0.0/8", "203.0.113.0/24"}, ip("10.1.2.3"), true},
		{"missing", "IpAddress", "aws:SourceIp", "10.0.0.0/8", nil, false},
		{"IfExists missing", "IpAddressIfExists", "aws:SourceIp", "10.0.0.0/8", nil, true},
		{"unparseable request value", "IpAddress", "aws:SourceIp", "10.0.0.0/8", ip("localhost"), false},
		{"NotIpAddress outside", "NotIpAddress", "aws:SourceIp", "10.0.0.0/8", ip("192.0.2.1"), true},
		{"NotIpAddress NOR", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8", "192.0.2.0/24"}, ip("192.0.2.1"), false},
		{"NotIpAddress missing", "NotIpAddress", "aws:SourceIp", "10.0.0.0/8", nil, true},
		{"NotIpAddress unparseable", "NotIpAddress", "aws:SourceIp", "10.0.0.0/8", ip("localhost"), true},
	})
}

func TestARNOperators(t *testing.T) {
	src := func(v string) map[string][]string { return map[string][]string{"aws:sourcearn": {v}} }
	const bucket = "arn:aws:s3:::uploads"
	runCondCases(t, []condCase{
		{"ArnEquals", "ArnEquals", "aws:SourceArn", bucket, src(bucket), true},
		{"ArnEquals globs like ArnLike", "ArnEquals", "aws:SourceArn", "arn:aws:s3:::up*", src(bucket), true},
		{"ArnLike", "ArnLike", "aws:SourceArn", "arn:aws:lambda:*:111111111111:function:*", src(fnA), true},
		{"ArnLike other account", "ArnLike", "aws:SourceArn", "arn:aws:lambda:*:111111111111:function:*", src(fnB), false},
		// AWS's example: * in a component cannot cross a colon.
		{"ArnLike component-bound", "ArnLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*",
			src("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x"), false},
		{"StringLike crosses colons", "StringLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*",
			src("arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/x"), true},
		{"ArnLike case-sensitive", "ArnLike", "aws:SourceArn", "arn:aws:s3:::Uploads", src(bucket), false},
		{"ArnLike non-ARN request value", "ArnLike", "aws:SourceArn", "arn:aws:s3:::*", src("uploads"), false},
		{"ArnLike missing", "ArnLike", "aws:SourceArn", "arn:aws:s3:::*", nil, false},
		{"ArnLikeIfExists missing", "ArnLikeIfExists", "aws:SourceArn", "arn:aws:s3:::*", nil, true},
		{"ArnNotEquals", "ArnNotEquals", "aws:SourceArn", "arn:aws:s3:::other", src(bucket), true},
		{"ArnNotLike NOR", "ArnNotLike", "aws:SourceArn", []string{"arn:aws:s3:::x", "arn:aws:s3:::up*"}, src(bucket), false},
		{"ArnNotLike missing", "ArnNotLike", "aws:SourceArn", "arn:aws:s3:::x", nil, true},
		{"ArnNotLikeIfExists missing", "ArnNotLikeIfExists", "aws:SourceArn", "arn:aws:s3:::x", nil, true},
	})
}

// TestSetOperators covers ForAnyValue/ForAllValues, including the empty-set
// edge cases and AWS's ForAllValues:StringNotLike table with the mixed row
// §4.3 adds.
func TestSetOperators(t *testing.T) {
	keys := func(v ...string) map[string][]string { return map[string][]string{"aws:tagkeys": v} }
	empty := map[string][]string{"aws:tagkeys": {}}
	runCondCases(t, []condCase{
		{"AllValues:StringNotLike [key1:legal]", "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", keys("key1:legal"), false},
		{"AllValues:StringNotLike [key1:hr, key1:personnel]", "ForAllValues:StringNotLike", "aws:TagKeys", "key1*",
			keys("key1:hr", "key1:personnel"), false},
		{"AllValues:StringNotLike [key2:audit]", "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", keys("key2:audit"), true},
		{"AllValues:StringNotLike absent", "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", nil, true},
		{"AllValues:StringNotLike mixed", "ForAllValues:StringNotLike", "aws:TagKeys", "key1*", keys("key1:x", "key2:y"), false},
		{"AllValues:StringEquals subset", "ForAllValues:StringEquals", "aws:TagKeys", []string{"a", "b", "c"}, keys("a", "c"), true},
		{"AllValues:StringEquals not subset", "ForAllValues:StringEquals", "aws:TagKeys", []string{"a", "b"}, keys("a", "z"), false},
		{"AllValues absent key holds", "ForAllValues:StringEquals", "aws:TagKeys", "a", nil, true},
		{"AllValues empty set holds", "ForAllValues:StringEquals", "aws:TagKeys", "a", empty, true},
		{"AnyValue:StringEquals overlap", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"a", "b"}, keys("z", "b"), true},
		{"AnyValue:StringEquals disjoint", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"a", "b"}, keys("y", "z"), false},
		{"AnyValue absent key fails", "ForAnyValue:StringEquals", "aws:TagKeys", "a", nil, false},
		{"AnyValue empty set fails", "ForAnyValue:StringEquals", "aws:TagKeys", "a", empty, false},
		{"AnyValue negated per value", "ForAnyValue:StringNotEquals", "aws:TagKeys", "a", keys("a", "b"), true},
		{"AnyValue negated per value, all excluded", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"a", "b"}, keys("a", "b"), false},
		{"AnyValue IfExists absent", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", "a", nil, true},
		{"AllValues Like", "ForAllValues:StringLike", "aws:TagKeys", "team-*", keys("team-a", "team-b"), true},
		{"AnyValue on single-valued key", "ForAnyValue:StringEquals", "aws:PrincipalTag/team", []string{"a", "b"},
			map[string][]string{"aws:principaltag/team": {"b"}}, true},
		{"AllValues:NumericLessThan", "ForAllValues:NumericLessThan", "custom:sizes", "10",
			map[string][]string{"custom:sizes": {"1", "9"}}, true},
		{"AnyValue:IpAddress", "ForAnyValue:IpAddress", "custom:ips", "10.0.0.0/8",
			map[string][]string{"custom:ips": {"192.0.2.1", "10.0.0.1"}}, true},
		// Plain operators on multivalued keys [§4.3, OPEN]: only a single
		// value can match.
		{"plain op, multivalued key, one value", "StringEquals", "aws:TagKeys", "a", keys("a"), true},
		{"plain op, multivalued key, two values", "StringEquals", "aws:TagKeys", "a", keys("a", "a"), false},
		{"plain negated op, multivalued key, two values", "StringNotEquals", "aws:TagKeys", "a", keys("b", "c"), false},
		{"plain op, lambda:SubnetIds two values", "StringEquals", "lambda:SubnetIds", "subnet-1",
			map[string][]string{"lambda:subnetids": {"subnet-1", "subnet-2"}}, false},
		// Several values for a single-valued key do not parse.
		{"single-valued key, two values, positive", "StringEquals", "aws:PrincipalTag/team", "a",
			map[string][]string{"aws:principaltag/team": {"a", "a"}}, false},
		{"single-valued key, two values, negated", "StringNotEquals", "aws:PrincipalTag/team", "a",
			map[string][]string{"aws:principaltag/team": {"a", "b"}}, true},
	})
}

// TestConditionCombining checks that operators and keys are ANDed.
func TestConditionCombining(t *testing.T) {
	p := idp(t, `{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*","Condition":{
		"StringEquals":{"aws:RequestedRegion":"us-east-1","aws:PrincipalTag/team":["red","blue"]},
		"Bool":{"aws:SecureTransport":"true"}}}`)
	tests := []struct {
		name string
		ctx  map[string][]string
		want bool
	}{
		{"all hold", ctx("aws:RequestedRegion", "us-east-1", "aws:PrincipalTag/team", "blue", "aws:SecureTransport", "true"), true},
		{"second key fails", ctx("aws:RequestedRegion", "us-east-1", "aws:PrincipalTag/team", "green", "aws:SecureTransport", "true"), false},
		{"second operator fails", ctx("aws:RequestedRegion", "us-east-1", "aws:PrincipalTag/team", "red", "aws:SecureTransport", "false"), false},
		{"mixed-case context keys", map[string][]string{"AWS:RequestedRegion": {"us-east-1"}, "aws:PrincipalTag/Team": {"red"},
			"aws:securetransport": {"true"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Evaluate(&Request{Principal: alice, Action: "lambda:InvokeFunction", Resource: fnA, Context: tt.ctx})
			if got.Allowed() != tt.want {
				t.Errorf("got %v, want allowed=%v", got.Outcome, tt.want)
			}
		})
	}
}

// TestDenyWithNegatedIfExists is §4.3's warning: a Deny with
// StringNotEqualsIfExists still denies when the key is absent.
func TestDenyWithNegatedIfExists(t *testing.T) {
	p := idp(t, `{"Effect":"Allow","Action":"lambda:*","Resource":"*"}`,
		`{"Effect":"Deny","Action":"lambda:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}}`)
	for _, tt := range []struct {
		name string
		ctx  map[string][]string
		want Outcome
	}{
		{"absent", nil, ExplicitDeny},
		{"us-east-1", ctx("aws:RequestedRegion", "us-east-1"), Allowed},
		{"eu-west-1", ctx("aws:RequestedRegion", "eu-west-1"), ExplicitDeny},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Evaluate(&Request{Principal: alice, Action: "lambda:GetFunction", Resource: fnA, Context: tt.ctx},
				&Policies{Identity: []*Policy{p}})
			if got.Outcome != tt.want {
				t.Errorf("got %v, want %v", got.Outcome, tt.want)
			}
		})
	}
}
