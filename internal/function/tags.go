package function

import (
	"fmt"
	"regexp"
	"strings"

	"lambent/internal/arn"
	"lambent/internal/errkind"
)

// Tag limits and the model pattern of TagKey and TagValue.
const (
	MaxTags        = 50
	MaxTagKey      = 128
	MaxTagValue    = 256
	TagPattern     = `([\p{L}\p{Z}\p{N}_.:/=+\-@]*)`
	reservedTagKey = "aws:"
)

var tagRE = regexp.MustCompile(`^(?:` + TagPattern + `)$`)

// ValidateTags checks tags a caller sets on CreateFunction or TagResource.
// existing are the tags the resource already has (nil on create); the limit
// of 50 applies to the union. Keys of 1–128 and values of 0–256 characters
// of TagPattern are model constraints (errkind.Validation); a key starting
// with "aws:" in any case and too many tags are errkind.InvalidArgument.
func ValidateTags(tags, existing map[string]string) error {
	if err := tagViolations(tags).Err(); err != nil {
		return err
	}
	return checkTags(tags, existing)
}

// tagViolations words failures as AWS words a map constraint: the whole map
// as the value and every constraint of the key (or value) shape.
func tagViolations(tags map[string]string) arn.Violations {
	keysOK, valuesOK := true, true
	for k, v := range tags {
		n := arn.Length(k)
		keysOK = keysOK && n >= 1 && n <= MaxTagKey && tagRE.MatchString(k)
		valuesOK = valuesOK && arn.Length(v) <= MaxTagValue && tagRE.MatchString(v)
	}
	var vs arn.Violations
	if !keysOK {
		vs = append(vs, arn.Violation{Member: "tags", Value: mapString(tags), Constraint: fmt.Sprintf(
			"Map keys must satisfy constraint: [Member must have length less than or equal to %d, "+
				"Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: %s]",
			MaxTagKey, TagPattern)})
	}
	if !valuesOK {
		vs = append(vs, arn.Violation{Member: "tags", Value: mapString(tags), Constraint: fmt.Sprintf(
			"Map value must satisfy constraint: [Member must have length less than or equal to %d, "+
				"Member must have length greater than or equal to 0, Member must satisfy regular expression pattern: %s, "+
				"Member must not be null]", MaxTagValue, TagPattern)})
	}
	return vs
}

func checkTags(tags, existing map[string]string) error {
	for k := range tags {
		if len(k) >= len(reservedTagKey) && strings.EqualFold(k[:len(reservedTagKey)], reservedTagKey) {
			return errkind.New(errkind.InvalidArgument, "Tag keys starting with 'aws:' are reserved for internal use")
		}
	}
	n := len(existing)
	for k := range tags {
		if _, ok := existing[k]; !ok {
			n++
		}
	}
	if n > MaxTags {
		return errkind.New(errkind.InvalidArgument, "Number of tags exceeds resource tag limit.")
	}
	return nil
}
