package function

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaults(t *testing.T) {
	var c Config
	c.Defaults("thumbs")
	want := Config{MemoryMB: 128, TimeoutSec: 3, EphemeralMB: 512, Architecture: "x86_64", PackageType: "Zip",
		LogFormat: "Text", LogGroup: "/aws/lambda/thumbs", TracingMode: "PassThrough"}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("Defaults (-want +got):\n%s", diff)
	}

	set := Config{MemoryMB: 1024, TimeoutSec: 30, EphemeralMB: 2048, LogFormat: "JSON", LogGroup: "/custom", TracingMode: "Active"}
	got := set
	got.Defaults("thumbs")
	set.Architecture, set.PackageType = "x86_64", "Zip"
	if diff := cmp.Diff(set, got); diff != "" {
		t.Fatalf("Defaults overwrote set members (-want +got):\n%s", diff)
	}
}

func TestSettingsApplyTo(t *testing.T) {
	c := Config{Runtime: "python3.12", Handler: "a.b", MemoryMB: 256, Description: "old",
		Environment: map[string]string{"OLD": "1"}, LogGroup: "/aws/lambda/f"}
	vars := map[string]string{"NEW": "2"}
	s := Settings{Handler: ptr("c.d"), MemoryMB: ptr(512), Description: ptr(""), Environment: &Environment{Variables: vars},
		TimeoutSec: ptr(10), EphemeralMB: ptr(1024), Role: ptr("r"), Runtime: ptr("nodejs22.x"), TracingMode: ptr("Active"),
		LogFormat: ptr("JSON"), DeadLetterTarget: ptr("arn:aws:sqs:us-east-1:123456789012:q")}
	s.ApplyTo(&c)
	want := Config{Runtime: "nodejs22.x", Handler: "c.d", Role: "r", MemoryMB: 512, TimeoutSec: 10, EphemeralMB: 1024,
		Environment: map[string]string{"NEW": "2"}, TracingMode: "Active", LogFormat: "JSON", LogGroup: "/aws/lambda/f",
		DeadLetterTarget: "arn:aws:sqs:us-east-1:123456789012:q"}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Fatalf("ApplyTo (-want +got):\n%s", diff)
	}
	vars["NEW"] = "changed"
	if c.Environment["NEW"] != "2" {
		t.Fatal("ApplyTo must copy the variables, not alias the caller's map")
	}

	(&Settings{Environment: &Environment{}}).ApplyTo(&c)
	if len(c.Environment) != 0 {
		t.Fatalf("an empty Environment must remove the variables, got %v", c.Environment)
	}
	before := c
	(&Settings{}).ApplyTo(&c)
	if diff := cmp.Diff(before, c); diff != "" {
		t.Fatalf("empty Settings changed the config:\n%s", diff)
	}
}
