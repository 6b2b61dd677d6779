package function

import (
	"fmt"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

func numberedTags(n int) map[string]string {
	tags := make(map[string]string, n)
	for i := range n {
		tags[fmt.Sprintf("%d_key", i)] = fmt.Sprintf("%d_value", i)
	}
	return tags
}

func TestValidateTags(t *testing.T) {
	keysMsg := func(value string) string {
		return one("Value '" + value + "' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: " +
			`[Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ([\p{L}\p{Z}\p{N}_.:/=+\-@]*)]`)
	}
	valuesMsg := "Value '%s' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: " +
		`[Member must have length less than or equal to 256, Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: ([\p{L}\p{Z}\p{N}_.:/=+\-@]*), Member must not be null]`
	k128, k129 := strings.Repeat("k", 128), strings.Repeat("k", 129)
	v256, v257 := strings.Repeat("v", 256), strings.Repeat("v", 257)
	tests := []struct {
		name           string
		tags, existing map[string]string
		kind           errkind.Kind
		msg            string
	}{
		{name: "none"},
		{name: "bounds", tags: map[string]string{k128: v256, "e": ""}},
		{name: "letters, spaces and symbols", tags: map[string]string{"Équipe média": "ñ 1_.:/=+-@"}},
		{name: "fifty", tags: numberedTags(50)},
		{name: "key too long", tags: map[string]string{k129: "v"}, kind: errkind.Validation, msg: keysMsg("{" + k129 + "=v}")},
		{name: "empty key", tags: map[string]string{"": "v", "b": "w"}, kind: errkind.Validation, msg: keysMsg("{=v, b=w}")},
		{name: "key character", tags: map[string]string{"a*": "v"}, kind: errkind.Validation, msg: keysMsg("{a*=v}")},
		{name: "value too long", tags: map[string]string{"k": v257}, kind: errkind.Validation, msg: one(fmt.Sprintf(valuesMsg, "{k="+v257+"}"))},
		{name: "value character", tags: map[string]string{"k": "a;b"}, kind: errkind.Validation, msg: one(fmt.Sprintf(valuesMsg, "{k=a;b}"))},
		{name: "key and value", tags: map[string]string{"k!": "a;b"}, kind: errkind.Validation,
			msg: "2 validation errors detected: " + strings.TrimPrefix(keysMsg("{k!=a;b}"), "1 validation error detected: ") + "; " + fmt.Sprintf(valuesMsg, "{k!=a;b}")},
		{name: "reserved prefix", tags: map[string]string{"aws:cloudformation:stack-name": "s"}, kind: errkind.InvalidArgument,
			msg: "Tag keys starting with 'aws:' are reserved for internal use"},
		{name: "reserved prefix any case", tags: map[string]string{"Aws:x": "s"}, kind: errkind.InvalidArgument,
			msg: "Tag keys starting with 'aws:' are reserved for internal use"},
		{name: "aws without colon is fine", tags: map[string]string{"aws-team": "s"}},
		{name: "recorded fifty-one", tags: numberedTags(51), kind: errkind.InvalidArgument, msg: "Number of tags exceeds resource tag limit."},
		{name: "recorded one more on top of fifty", tags: map[string]string{"a_key": "a_value"}, existing: numberedTags(50),
			kind: errkind.InvalidArgument, msg: "Number of tags exceeds resource tag limit."},
		{name: "overwriting at fifty", tags: map[string]string{"0_key": "new"}, existing: numberedTags(50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, ValidateTags(tt.tags, tt.existing), tt.kind, tt.msg)
		})
	}
}
