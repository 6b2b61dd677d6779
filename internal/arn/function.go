package arn

import (
	"regexp"

	"lambent/internal/errkind"
)

// Partition is the partition of every ARN Lambent hands out.
const Partition = "aws"

// Patterns and bounds of the FunctionName input shapes, verbatim from the
// Lambda service model. They appear in ValidationException messages.
const (
	// FunctionNamePattern is the model pattern of shape FunctionName.
	FunctionNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`
	// NamespacedFunctionNamePattern is the model pattern of shape
	// NamespacedFunctionName: the name may contain '.', the qualifier may
	// be $LATEST.PUBLISHED, and an "arn:…:lambda:" prefix must be followed
	// by a region and an account.
	NamespacedFunctionNamePattern = `(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:|(((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?))(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?`
	// QualifierPattern is the model pattern of the Qualifier query
	// parameter of GetFunction, DeleteFunction and Invoke
	// (NumericLatestPublishedOrAliasQualifier).
	QualifierPattern = `\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+`

	MaxFunctionNameInput           = 140 // FunctionName
	MaxNamespacedFunctionNameInput = 256 // NamespacedFunctionName
	MaxQualifier                   = 128
)

// The same patterns with named groups, used to take an accepted input
// apart. They match exactly the strings the model patterns match (a test
// and the fuzzers hold them to that); Go's regexp picks submatches as a
// backtracking engine such as Java's would.
var (
	functionNameRE = regexp.MustCompile(`^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?` +
		`(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?` +
		`(?:(?P<account>\d{12}):)?(?:function:)?(?P<name>[a-zA-Z0-9-_]+)` +
		`(?::(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$`)
	namespacedFunctionNameRE = regexp.MustCompile(`^(?:` +
		`arn:(?:aws[a-zA-Z-]*)?:lambda:(?P<arnregion>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):(?P<arnaccount>\d{12}):` +
		`|(?:(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d):)?(?:(?P<account>\d{12}):)?)` +
		`(?:function:)?(?P<name>[a-zA-Z0-9-_.]+)(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$`)
	qualifierRE = regexp.MustCompile(`^(?:` + QualifierPattern + `)$`)
)

// FunctionRef is a FunctionName input taken apart.
type FunctionRef struct {
	Name string
	// Qualifier is the qualifier the input carried ("" for none).
	Qualifier string
	// Account is the account the input named, or "" if it named none. A
	// caller must refuse an account other than its own (AWS answers
	// AccessDeniedException).
	Account string
	// Region is the region the input named, which equals the region passed
	// to the parser (inputs without one get it).
	Region string
}

// Shape is the model shape a FunctionName input is validated against.
type Shape int

const (
	// ShapeFunctionName (≤ 140 characters) types CreateFunction,
	// UpdateFunctionCode, UpdateFunctionConfiguration, PublishVersion,
	// aliases and most other operations.
	ShapeFunctionName Shape = iota
	// ShapeNamespacedFunctionName (≤ 256 characters) types GetFunction,
	// GetFunctionConfiguration, DeleteFunction, Invoke, the policy and
	// event-invoke-config operations and event source mappings.
	ShapeNamespacedFunctionName
)

func (s Shape) pattern() (text string, max int, re *regexp.Regexp) {
	if s == ShapeNamespacedFunctionName {
		return NamespacedFunctionNamePattern, MaxNamespacedFunctionNameInput, namespacedFunctionNameRE
	}
	return FunctionNamePattern, MaxFunctionNameInput, functionNameRE
}

// Check returns the model violations of input at member 'functionName':
// length first, then pattern, the order in which AWS lists them.
func (s Shape) Check(input string) Violations {
	text, maxLen, re := s.pattern()
	vs := LengthViolations("functionName", input, 1, maxLen)
	if !re.MatchString(input) {
		vs = append(vs, PatternViolation("functionName", input, text))
	}
	return vs
}

// Parse validates input against the shape and takes it apart. An input
// naming a region other than region is errkind.NotFound, as in AWS.
func (s Shape) Parse(input, region string) (FunctionRef, error) {
	if err := s.Check(input).Err(); err != nil {
		return FunctionRef{}, err
	}
	_, _, re := s.pattern()
	m := re.FindStringSubmatch(input)
	group := func(name string) string {
		if i := re.SubexpIndex(name); i >= 0 {
			return m[i]
		}
		return ""
	}
	ref := FunctionRef{
		Name:      group("name"),
		Qualifier: group("qualifier"),
		Account:   group("account") + group("arnaccount"),
		Region:    group("region") + group("arnregion"),
	}
	if ref.Region == "" {
		ref.Region = region
	}
	if ref.Region != region {
		return FunctionRef{}, errkind.Newf(errkind.NotFound,
			"Functions from '%s' are not reachable in this region ('%s')", ref.Region, region)
	}
	return ref, nil
}

// ParseFunctionName parses a FunctionName input (shape FunctionName: at
// most 140 characters, name [a-zA-Z0-9-_]+). region is the server's region;
// inputs without one get it.
func ParseFunctionName(input, region string) (FunctionRef, error) {
	return ShapeFunctionName.Parse(input, region)
}

// ParseNamespacedFunctionName parses a NamespacedFunctionName input: at most
// 256 characters, the name may contain '.', the qualifier may be
// $LATEST.PUBLISHED.
func ParseNamespacedFunctionName(input, region string) (FunctionRef, error) {
	return ShapeNamespacedFunctionName.Parse(input, region)
}

// CheckQualifier returns the model violations of a Qualifier query
// parameter (NumericLatestPublishedOrAliasQualifier). "" means absent and
// has none.
func CheckQualifier(q string) Violations {
	if q == "" {
		return nil
	}
	vs := LengthViolations("qualifier", q, 1, MaxQualifier)
	if !qualifierRE.MatchString(q) {
		vs = append(vs, PatternViolation("qualifier", q, QualifierPattern))
	}
	return vs
}

// ResolveQualifier reconciles the qualifier carried by the name with the
// Qualifier query parameter: either one alone wins, neither gives "", and
// two that differ are errkind.InvalidArgument.
func ResolveQualifier(ref FunctionRef, queryQualifier string) (string, error) {
	switch {
	case queryQualifier == "":
		return ref.Qualifier, nil
	case ref.Qualifier == "" || ref.Qualifier == queryQualifier:
		return queryQualifier, nil
	default:
		return "", errkind.New(errkind.InvalidArgument,
			"The derived qualifier from the function name does not match the specified qualifier.")
	}
}

// ResolveFunction handles the FunctionName path label and Qualifier query
// parameter of a NamespacedFunctionName operation (GetFunction,
// GetFunctionConfiguration, DeleteFunction, Invoke) in AWS's order:
// violations of both members in one ValidationException (qualifier first,
// as AWS lists them), then the region, then the qualifier reconciliation.
// The returned ref carries the resolved qualifier.
func ResolveFunction(input, queryQualifier, region string) (FunctionRef, error) {
	vs := append(CheckQualifier(queryQualifier), ShapeNamespacedFunctionName.Check(input)...)
	if err := vs.Err(); err != nil {
		return FunctionRef{}, err
	}
	ref, err := ParseNamespacedFunctionName(input, region)
	if err != nil {
		return FunctionRef{}, err
	}
	if ref.Qualifier, err = ResolveQualifier(ref, queryQualifier); err != nil {
		return FunctionRef{}, err
	}
	return ref, nil
}

// FunctionARN returns the unqualified ARN of a function.
func FunctionARN(region, account, name string) string {
	return ARN{Partition: Partition, Service: "lambda", Region: region, Account: account,
		Resource: "function:" + name}.String()
}

// QualifiedFunctionARN returns the ARN of a version or alias of a function,
// or the unqualified ARN when qualifier is "".
func QualifiedFunctionARN(region, account, name, qualifier string) string {
	if qualifier == "" {
		return FunctionARN(region, account, name)
	}
	return FunctionARN(region, account, name) + ":" + qualifier
}
