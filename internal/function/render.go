package function

import (
	"maps"
	"slices"
	"strings"
)

// listString renders a list as AWS renders one in a validation message
// (Java's List.toString): "[a, b]".
func listString(items []string) string {
	return "[" + strings.Join(items, ", ") + "]"
}

// mapString renders a map as Java's Map.toString does, keys sorted:
// "{a=1, b=2}".
func mapString(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
