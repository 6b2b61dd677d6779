package function

import (
	"strings"
	"testing"

	"lambent/internal/errkind"
)

const badKeyMsg = "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: " +
	"Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"

func reservedMsg(keys string) string {
	return "Lambda was unable to configure your environment variables because the environment variables you have provided " +
		"contains reserved keys that are currently not supported for modification. Reserved keys used in this request: " + keys
}

func tooBigMsg(measured string) string {
	return "Lambda was unable to configure your environment variables because the environment variables you have provided " +
		"exceeded the 4KB limit. String measured: " + measured
}

func TestValidateEnvironment(t *testing.T) {
	// {"KK":"…"} has 9 bytes of framing.
	fits := strings.Repeat("x", MaxEnvironmentBytes-9)
	tests := []struct {
		name string
		vars map[string]string
		kind errkind.Kind
		msg  string
	}{
		{name: "nil"},
		{name: "empty", vars: map[string]string{}},
		{name: "ordinary", vars: map[string]string{"STAGE": "prod", "a1": "", "Ab_C": "x=y"}},
		{name: "exactly 4 KB", vars: map[string]string{"KK": fits}},
		{name: "reserved names are case-sensitive", vars: map[string]string{"aws_region": "x"}},
		{name: "one byte over", vars: map[string]string{"KK": fits + "x"}, kind: errkind.InvalidArgument,
			msg: tooBigMsg(`{"KK":"` + fits + `x"}`)},
		{name: "recorded shape: several keys, sorted", vars: map[string]string{"SMALL_VAR": "ok", "LARGE_VAR": strings.Repeat("x", 4100)},
			kind: errkind.InvalidArgument, msg: tooBigMsg(`{"LARGE_VAR":"` + strings.Repeat("x", 4100) + `","SMALL_VAR":"ok"}`)},
		{name: "html characters measured raw", vars: map[string]string{"KK": strings.Repeat("<", MaxEnvironmentBytes-9)}},
		{name: "quotes are escaped in the measure", vars: map[string]string{"KK": strings.Repeat(`"`, 2044)}, kind: errkind.InvalidArgument,
			msg: tooBigMsg(`{"KK":"` + strings.Repeat(`\"`, 2044) + `"}`)},
		{name: "single-character key", vars: map[string]string{"A": "x"}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "digit first", vars: map[string]string{"1AB": "x"}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "dash", vars: map[string]string{"MY-VAR": "x"}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "empty key", vars: map[string]string{"": "x"}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "underscore first (also reserved _HANDLER)", vars: map[string]string{"_HANDLER": "x"}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "pattern before reserved", vars: map[string]string{"AWS_REGION": "x", "b-ad": "y"}, kind: errkind.Validation, msg: badKeyMsg},
		{name: "reserved region", vars: map[string]string{"AWS_REGION": "x"}, kind: errkind.InvalidArgument, msg: reservedMsg("AWS_REGION")},
		{name: "reserved credentials, sorted", vars: map[string]string{"AWS_SECRET_ACCESS_KEY": "s", "AWS_ACCESS_KEY_ID": "a", "AWS_REGION": "r"},
			kind: errkind.InvalidArgument, msg: reservedMsg("AWS_ACCESS_KEY_ID, AWS_REGION, AWS_SECRET_ACCESS_KEY")},
		{name: "reserved before size", vars: map[string]string{"LAMBDA_RUNTIME_DIR": strings.Repeat("x", 5000)},
			kind: errkind.InvalidArgument, msg: reservedMsg("LAMBDA_RUNTIME_DIR")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, ValidateEnvironment(tt.vars), tt.kind, tt.msg)
		})
	}
}

func TestEveryReservedKeyRefused(t *testing.T) {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
		"AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
		"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"} {
		t.Run(k, func(t *testing.T) {
			checkErr(t, ValidateEnvironment(map[string]string{k: "v"}), errkind.InvalidArgument, reservedMsg(k))
		})
	}
	if !isReservedEnvironmentKey("_HANDLER") {
		t.Fatal("_HANDLER must be reserved")
	}
}

func FuzzValidateEnvironment(f *testing.F) {
	f.Add("STAGE=prod\nAB=")
	f.Add("AWS_REGION=x")
	f.Add("A=1")
	f.Add("KK=" + strings.Repeat("<", 4100))
	f.Add("K\u2028K=\x00\xff")
	f.Fuzz(func(t *testing.T, data string) {
		vars := map[string]string{}
		for line := range strings.SplitSeq(data, "\n") {
			k, v, _ := strings.Cut(line, "=")
			vars[k] = v
		}
		err := ValidateEnvironment(vars)
		if err != nil {
			e, ok := errkind.As(err)
			if !ok || (e.Kind != errkind.Validation && e.Kind != errkind.InvalidArgument) || e.Public == "" {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		for k := range vars {
			if !environmentKeyRE.MatchString(k) || isReservedEnvironmentKey(k) {
				t.Fatalf("accepted key %q", k)
			}
		}
		if n := len(environmentJSON(vars)); n > MaxEnvironmentBytes {
			t.Fatalf("accepted %d bytes", n)
		}
	})
}
