package function

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// EnvironmentKeyPattern is the model pattern of an environment variable
// name (EnvironmentVariableName).
const EnvironmentKeyPattern = `[a-zA-Z]([a-zA-Z0-9_])+`

// MaxEnvironmentBytes bounds the JSON serialisation of a function's
// variables ("4KB").
const MaxEnvironmentBytes = 4096

var environmentKeyRE = regexp.MustCompile(`^(?:` + EnvironmentKeyPattern + `)$`)

// ValidateEnvironment checks a function's environment variables as Lambda
// does: every key must match EnvironmentKeyPattern (errkind.Validation; the
// model marks the map sensitive, so AWS's message carries no value), no key
// may be one Lambda reserves, and the JSON serialisation of the map must fit
// in 4 KB (both errkind.InvalidArgument with AWS's texts).
func ValidateEnvironment(vars map[string]string) error {
	if err := environmentViolations(vars).Err(); err != nil {
		return err
	}
	return checkEnvironment(vars)
}

func environmentViolations(vars map[string]string) arn.Violations {
	for k := range vars {
		if !environmentKeyRE.MatchString(k) {
			return arn.Violations{{Member: "environment.variables", Redacted: true,
				Constraint: "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: " + EnvironmentKeyPattern + "]"}}
		}
	}
	return nil
}

// checkEnvironment holds the checks AWS makes after model validation.
func checkEnvironment(vars map[string]string) error {
	var reserved []string
	for k := range vars {
		if isReservedEnvironmentKey(k) {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		slices.Sort(reserved)
		return errkind.New(errkind.InvalidArgument,
			"Lambda was unable to configure your environment variables because the environment variables you have provided "+
				"contains reserved keys that are currently not supported for modification. Reserved keys used in this request: "+
				strings.Join(reserved, ", "))
	}
	if measured := environmentJSON(vars); len(measured) > MaxEnvironmentBytes {
		return errkind.New(errkind.InvalidArgument,
			"Lambda was unable to configure your environment variables because the environment variables you have provided "+
				"exceeded the 4KB limit. String measured: "+measured)
	}
	return nil
}

// environmentJSON is the string AWS measures against the 4 KB limit: the
// compact JSON of the map. Keys are sorted; '<', '>' and '&' are written
// as themselves, as Java serialisers write them.
func environmentJSON(vars map[string]string) string {
	if vars == nil {
		vars = map[string]string{}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(vars); err != nil {
		// A map of strings always encodes.
		panic("encode environment: " + err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// isReservedEnvironmentKey reports whether Lambda sets key itself and
// refuses it from callers.
func isReservedEnvironmentKey(key string) bool {
	switch key {
	case "_HANDLER", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
		"AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR":
		return true
	}
	return false
}
