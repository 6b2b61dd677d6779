package function

import (
	"strings"
	"testing"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

const (
	region = "us-east-1"
	role   = "arn:aws:iam::123456789012:role/thumbs-exec"
)

func validCreate() *CreateRequest {
	return &CreateRequest{
		FunctionName: "thumbs",
		Settings: Settings{
			Runtime: ptr("python3.12"),
			Handler: ptr("handler.handler"),
			Role:    ptr(role),
		},
	}
}

func TestValidateCreate(t *testing.T) {
	const roleSuffix = "' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: " + arn.RoleARNPattern
	fnPattern := "Member must satisfy regular expression pattern: " + arn.FunctionNamePattern
	name65 := strings.Repeat("a", 65)
	long := func(n int) string { return strings.Repeat("h", n) }
	tests := []struct {
		name   string
		modify func(r *CreateRequest)
		kind   errkind.Kind
		msg    string
	}{
		{name: "valid", modify: func(*CreateRequest) {}},
		{name: "valid with every member", modify: func(r *CreateRequest) {
			r.MemoryMB, r.TimeoutSec, r.EphemeralMB = ptr(10240), ptr(900), ptr(10240)
			r.Description = ptr(strings.Repeat("d", 256))
			r.Handler = ptr(long(128))
			r.Environment = &Environment{Variables: map[string]string{"STAGE": "prod", "AB": ""}}
			r.TracingMode, r.LogFormat, r.LogGroup = ptr("Active"), ptr("JSON"), ptr("/custom/group#1")
			r.DeadLetterTarget = ptr("arn:aws:sqs:us-east-1:123456789012:dlq")
			r.PackageType, r.Architectures = ptr("Zip"), []string{"x86_64"}
			r.Tags = map[string]string{"team": "media", "cost center": ""}
		}},
		{name: "lower bounds", modify: func(r *CreateRequest) {
			r.MemoryMB, r.TimeoutSec, r.EphemeralMB = ptr(128), ptr(1), ptr(512)
			r.Description, r.DeadLetterTarget = ptr(""), ptr("")
		}},

		// Range members.
		{name: "memory below", modify: func(r *CreateRequest) { r.MemoryMB = ptr(64) }, kind: errkind.Validation,
			msg: one("Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128")},
		{name: "memory above", modify: func(r *CreateRequest) { r.MemoryMB = ptr(10241) }, kind: errkind.Validation,
			msg: one("Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240")},
		{name: "memory zero is a value, not omitted", modify: func(r *CreateRequest) { r.MemoryMB = ptr(0) }, kind: errkind.Validation,
			msg: one("Value '0' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128")},
		{name: "timeout below", modify: func(r *CreateRequest) { r.TimeoutSec = ptr(0) }, kind: errkind.Validation,
			msg: one("Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")},
		{name: "timeout above", modify: func(r *CreateRequest) { r.TimeoutSec = ptr(901) }, kind: errkind.Validation,
			msg: one("Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900")},
		{name: "timeout negative", modify: func(r *CreateRequest) { r.TimeoutSec = ptr(-5) }, kind: errkind.Validation,
			msg: one("Value '-5' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1")},
		{name: "ephemeral below", modify: func(r *CreateRequest) { r.EphemeralMB = ptr(511) }, kind: errkind.Validation,
			msg: one("Value '511' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512")},
		{name: "ephemeral above", modify: func(r *CreateRequest) { r.EphemeralMB = ptr(10241) }, kind: errkind.Validation,
			msg: one("Value '10241' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240")},

		// String members.
		{name: "description too long", modify: func(r *CreateRequest) { r.Description = ptr(strings.Repeat("d", 257)) }, kind: errkind.Validation,
			msg: one("Value '" + strings.Repeat("d", 257) + "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")},
		{name: "description counts UTF-16 units", modify: func(r *CreateRequest) { r.Description = ptr(strings.Repeat("😀", 129)) }, kind: errkind.Validation,
			msg: one("Value '" + strings.Repeat("😀", 129) + "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256")},
		{name: "handler too long", modify: func(r *CreateRequest) { r.Handler = ptr(long(129)) }, kind: errkind.Validation,
			msg: one("Value '" + long(129) + "' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128")},
		{name: "handler with space", modify: func(r *CreateRequest) { r.Handler = ptr("index handler") }, kind: errkind.Validation,
			msg: one(`Value 'index handler' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\s]+`)},
		{name: "handler with vertical tab (Java's \\s has it)", modify: func(r *CreateRequest) { r.Handler = ptr("a\vb") }, kind: errkind.Validation,
			msg: one("Value 'a\vb' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+")},
		{name: "handler empty", modify: func(r *CreateRequest) { r.Handler = ptr("") }, kind: errkind.Validation,
			msg: one(`Value '' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\s]+`)},
		{name: "handler too long and spaced", modify: func(r *CreateRequest) { r.Handler = ptr(long(128) + " ") }, kind: errkind.Validation,
			msg: "2 validation errors detected: Value '" + long(128) + " ' at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128; " +
				"Value '" + long(128) + " ' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+"},
		{name: "role recorded", modify: func(r *CreateRequest) { r.Role = ptr("r1") }, kind: errkind.Validation,
			msg: one("Value 'r1" + roleSuffix)},
		{name: "role missing", modify: func(r *CreateRequest) { r.Role = nil }, kind: errkind.Validation,
			msg: one("Value null at 'role' failed to satisfy constraint: Member must not be null")},
		{name: "log group empty", modify: func(r *CreateRequest) { r.LogGroup = ptr("") }, kind: errkind.Validation,
			msg: "2 validation errors detected: Value '' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value '' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: " + LogGroupPattern},
		{name: "log group bad character", modify: func(r *CreateRequest) { r.LogGroup = ptr("/aws/lambda/a b") }, kind: errkind.Validation,
			msg: one(`Value '/aws/lambda/a b' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)},
		{name: "log group too long", modify: func(r *CreateRequest) { r.LogGroup = ptr(strings.Repeat("g", 513)) }, kind: errkind.Validation,
			msg: one("Value '" + strings.Repeat("g", 513) + "' at 'loggingConfig.logGroup' failed to satisfy constraint: Member must have length less than or equal to 512")},
		{name: "dead-letter target not an ARN", modify: func(r *CreateRequest) { r.DeadLetterTarget = ptr("my-queue") }, kind: errkind.Validation,
			msg: one("Value 'my-queue' at 'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()")},
		{name: "dead-letter target with newline", modify: func(r *CreateRequest) { r.DeadLetterTarget = ptr("arn:aws:sqs:x\n") }, kind: errkind.Validation,
			msg: one("Value 'arn:aws:sqs:x\n' at 'deadLetterConfig.targetArn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()")},

		// Enumerations.
		{name: "package type case", modify: func(r *CreateRequest) { r.PackageType = ptr("zip") }, kind: errkind.Validation,
			msg: one("Value 'zip' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]")},
		{name: "tracing mode", modify: func(r *CreateRequest) { r.TracingMode = ptr("On") }, kind: errkind.Validation,
			msg: one("Value 'On' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]")},
		{name: "log format", modify: func(r *CreateRequest) { r.LogFormat = ptr("text") }, kind: errkind.Validation,
			msg: one("Value 'text' at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]")},
		{name: "architectures recorded two", modify: func(r *CreateRequest) { r.Architectures = []string{"x86_64", "arm64"} }, kind: errkind.Validation,
			msg: one("Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1")},
		{name: "architectures recorded upper case", modify: func(r *CreateRequest) { r.Architectures = []string{"X86_64"} }, kind: errkind.Validation,
			msg: one("Value '[X86_64]' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]")},
		{name: "architectures empty", modify: func(r *CreateRequest) { r.Architectures = []string{} }, kind: errkind.Validation,
			msg: one("Value '[]' at 'architectures' failed to satisfy constraint: Member must have length greater than or equal to 1")},

		// Function name.
		{name: "name recorded pattern", modify: func(r *CreateRequest) { r.FunctionName = "invalid:function:name" }, kind: errkind.Validation,
			msg: one("Value 'invalid:function:name' at 'functionName' failed to satisfy constraint: " + fnPattern)},
		{name: "name recorded over 64", modify: func(r *CreateRequest) { r.FunctionName = name65 }, kind: errkind.InvalidArgument,
			msg: one("Value '" + name65 + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64")},
		{name: "name over 64 inside an ARN", modify: func(r *CreateRequest) { r.FunctionName = "arn:aws:lambda:us-east-1:123456789012:function:" + name65 },
			kind: errkind.InvalidArgument,
			msg:  one("Value '" + name65 + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64")},
		{name: "name recorded foreign region", modify: func(r *CreateRequest) { r.FunctionName = "arn:aws:lambda:ap-southeast-1:123456789012:function:f" },
			kind: errkind.NotFound, msg: "Functions from 'ap-southeast-1' are not reachable in this region ('us-east-1')"},

		// Semantic checks (InvalidParameterValueException).
		{name: "image refused", modify: func(r *CreateRequest) { r.PackageType = ptr("Image") }, kind: errkind.InvalidArgument,
			msg: "PackageType Image is not supported: this server runs .zip deployment packages only (PackageType Zip)."},
		{name: "arm64 refused", modify: func(r *CreateRequest) { r.Architectures = []string{"arm64"} }, kind: errkind.InvalidArgument,
			msg: "Architecture arm64 is not supported: this server runs x86_64 functions only."},
		{name: "runtime missing", modify: func(r *CreateRequest) { r.Runtime = nil }, kind: errkind.InvalidArgument,
			msg: "Runtime and Handler are mandatory parameters for functions created with deployment packages."},
		{name: "handler missing", modify: func(r *CreateRequest) { r.Handler = nil }, kind: errkind.InvalidArgument,
			msg: "Runtime and Handler are mandatory parameters for functions created with deployment packages."},
		{name: "reserved variable", modify: func(r *CreateRequest) {
			r.Environment = &Environment{Variables: map[string]string{"AWS_REGION": "x"}}
		}, kind: errkind.InvalidArgument, msg: reservedMsg("AWS_REGION")},
		{name: "bad variable name", modify: func(r *CreateRequest) {
			r.Environment = &Environment{Variables: map[string]string{"my-var": "x"}}
		}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "recorded too many tags", modify: func(r *CreateRequest) { r.Tags = numberedTags(51) }, kind: errkind.InvalidArgument,
			msg: "Number of tags exceeds resource tag limit."},
		{name: "reserved tag prefix", modify: func(r *CreateRequest) { r.Tags = map[string]string{"AWS:owner": "me"} }, kind: errkind.InvalidArgument,
			msg: "Tag keys starting with 'aws:' are reserved for internal use"},

		// Aggregation: every model violation at once, before any semantic check.
		{name: "three violations", modify: func(r *CreateRequest) {
			r.Role, r.TimeoutSec, r.MemoryMB = ptr("r1"), ptr(0), ptr(64)
		}, kind: errkind.Validation, msg: "3 validation errors detected: Value 'r1" + roleSuffix + "; " +
			"Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
			"Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"},
		{name: "name and member violations", modify: func(r *CreateRequest) {
			r.FunctionName, r.EphemeralMB = "bad name", ptr(100)
		}, kind: errkind.Validation, msg: "2 validation errors detected: Value 'bad name' at 'functionName' failed to satisfy constraint: " + fnPattern + "; " +
			"Value '100' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512"},
		{name: "validation wins over semantic checks", modify: func(r *CreateRequest) {
			r.PackageType, r.Architectures, r.MemoryMB = ptr("Image"), []string{"arm64"}, ptr(20000)
		}, kind: errkind.Validation, msg: one("Value '20000' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := validCreate()
			tt.modify(req)
			ref, err := ValidateCreate(req, region)
			checkErr(t, err, tt.kind, tt.msg)
			if err == nil && ref.Name == "" {
				t.Fatalf("ref = %+v", ref)
			}
		})
	}
}

func TestValidateCreateReturnsRef(t *testing.T) {
	req := validCreate()
	req.FunctionName = "123456789012:function:thumbs"
	ref, err := ValidateCreate(req, region)
	checkErr(t, err, errkind.Internal, "")
	if want := (arn.FunctionRef{Name: "thumbs", Account: "123456789012", Region: region}); ref != want {
		t.Fatalf("ref = %+v, want %+v", ref, want)
	}
}

func TestValidateUpdate(t *testing.T) {
	tests := []struct {
		name     string
		function string
		settings Settings
		kind     errkind.Kind
		msg      string
	}{
		{name: "nothing supplied", function: "thumbs"},
		{name: "qualified ARN name", function: "arn:aws:lambda:us-east-1:123456789012:function:thumbs",
			settings: Settings{MemoryMB: ptr(2048), Environment: &Environment{}}},
		{name: "role recorded", function: "thumbs", settings: Settings{Role: ptr("r1")}, kind: errkind.Validation,
			msg: one("Value 'r1' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: " + arn.RoleARNPattern)},
		{name: "memory", function: "thumbs", settings: Settings{MemoryMB: ptr(10241)}, kind: errkind.Validation,
			msg: one("Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240")},
		{name: "over-long name is not checked on update", function: strings.Repeat("a", 65)},
		{name: "name and timeout", function: "a!", settings: Settings{TimeoutSec: ptr(1000)}, kind: errkind.Validation,
			msg: "2 validation errors detected: Value 'a!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " +
				arn.FunctionNamePattern + "; Value '1000' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"},
		{name: "foreign region", function: "arn:aws:lambda:eu-west-1:123456789012:function:f", kind: errkind.NotFound,
			msg: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')"},
		{name: "reserved variables", function: "thumbs",
			settings: Settings{Environment: &Environment{Variables: map[string]string{"AWS_SESSION_TOKEN": "t", "LAMBDA_TASK_ROOT": "/x", "OK": "1"}}},
			kind:     errkind.InvalidArgument, msg: reservedMsg("AWS_SESSION_TOKEN, LAMBDA_TASK_ROOT")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateUpdate(tt.function, &tt.settings, region)
			checkErr(t, err, tt.kind, tt.msg)
		})
	}
}

func TestValidateFunctionName(t *testing.T) {
	tests := []struct {
		name string
		kind errkind.Kind
		msg  string
	}{
		{name: "thumbs"},
		{name: "A-b_9"},
		{name: strings.Repeat("a", 64)},
		{name: strings.Repeat("a", 65), kind: errkind.InvalidArgument,
			msg: one("Value '" + strings.Repeat("a", 65) + "' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64")},
		{name: "", kind: errkind.Validation,
			msg: one("Value '' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + arn.FunctionNamePattern)},
		{name: "a.b", kind: errkind.Validation,
			msg: one("Value 'a.b' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: " + arn.FunctionNamePattern)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, ValidateFunctionName(tt.name), tt.kind, tt.msg)
		})
	}
}
