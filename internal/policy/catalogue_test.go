package policy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"lambent/internal/testenv"
)

// catalogueServices are the services of testdata/service-authz-iam-data-MIT.
var catalogueServices = []string{"ec2", "events", "iam", "kms", "lambda", "logs", "s3", "sns", "sqs", "sts"}

// quotedAction finds "service:Name" strings of the catalogue's services in
// Go source, JSON embedded in raw strings included.
var quotedAction = regexp.MustCompile(`(?i)"((?:` + strings.Join(catalogueServices, "|") + `):[A-Za-z0-9*?]+)"`)

// TestCatalogue checks that every action (or condition key) of a catalogue
// service that this package's tests use exists in the Service
// Authorization Reference, so that no test passes by matching a typo AWS
// would never send. A wildcard pattern must match at least one action.
func TestCatalogue(t *testing.T) {
	dir := testenv.SharedTestdata(t, "service-authz-iam-data-MIT")
	actions, keys := map[string][]string{}, map[string]bool{}
	for _, svc := range catalogueServices {
		for sub, dst := range map[string]func(string){
			"actions":       func(k string) { actions[svc] = append(actions[svc], k) },
			"conditionKeys": func(k string) { keys[k] = true },
		} {
			raw, err := os.ReadFile(filepath.Join(dir, sub, svc+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatalf("%s/%s: %v", sub, svc, err)
			}
			for k := range m {
				dst(strings.ToLower(k))
			}
		}
	}
	used := usedActionStrings(t)
	if len(used) < 20 {
		t.Fatalf("found only %d action strings in the tests; is the scan broken?", len(used))
	}
	for _, s := range used {
		svc, name, _ := strings.Cut(strings.ToLower(s), ":")
		if !strings.ContainsAny(name, "*?") {
			if !slices.Contains(actions[svc], name) && !keys[svc+":"+name] {
				t.Errorf("%q is neither an action nor a condition key of %s", s, svc)
			}
			continue
		}
		p := compilePattern(name, true, false)
		found := false
		for _, a := range actions[svc] {
			if p.match(nil, a, true) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("pattern %q matches no %s action", s, svc)
		}
	}
}

// usedActionStrings returns the distinct "svc:Name" strings in this
// package's test files.
func usedActionStrings(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range quotedAction.FindAllSubmatch(src, -1) {
			seen[string(m[1])] = true
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
