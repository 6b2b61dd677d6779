package runtimes

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"lambent/internal/errkind"
	"lambent/internal/testenv"
)

// fakeHost is a machine's PATH and the interpreters on it.
type fakeHost struct {
	path map[string]string // executable name → path LookPath finds

	mu       sync.Mutex
	versions map[string]Interpreter // path → what the probe reports; absent fails
	probes   map[string]int         // path → probe calls
}

func (h *fakeHost) lookPath(file string) (string, error) {
	if p, ok := h.path[file]; ok {
		return p, nil
	}
	return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
}

func (h *fakeHost) probe(path string, _ Family) (Interpreter, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.probes == nil {
		h.probes = map[string]int{}
	}
	h.probes[path]++
	if in, ok := h.versions[path]; ok {
		return in, nil
	}
	return Interpreter{}, errors.New("exit status 127")
}

func (h *fakeHost) catalog() *Catalog { return NewCatalogWithProbe(h.lookPath, h.probe) }

// referenceHost has node 20, python3.11 and a python3.12 shim that does not
// run, like a pyenv install with 3.12 not selected.
func referenceHost() *fakeHost {
	return &fakeHost{
		path: map[string]string{
			"node":       "/fake/bin/node",
			"nodejs":     "/fake/bin/nodejs",
			"python3":    "/fake/bin/python3",
			"python3.11": "/fake/bin/python3.11",
			"python3.12": "/shims/python3.12",
		},
		versions: map[string]Interpreter{
			"/fake/bin/node":       {Version: "20.20.2", Path: "/fake/bin/node"},
			"/fake/bin/nodejs":     {Version: "20.20.2", Path: "/fake/bin/node"},
			"/fake/bin/python3":    {Version: "3.11.7", Path: "/fake/bin/python3.11"},
			"/fake/bin/python3.11": {Version: "3.11.7", Path: "/fake/bin/python3.11"},
		},
	}
}

const installedText = "Installed runtimes: provided.al2, provided.al2023, nodejs20.x, python3.11."

func TestLookup(t *testing.T) {
	enumText := "Member must satisfy enum value set: [nodejs, nodejs4.3, nodejs6.10, nodejs8.10, nodejs10.x, " +
		"nodejs12.x, nodejs14.x, nodejs16.x, nodejs18.x, nodejs20.x, nodejs22.x, nodejs24.x, java8, java8.al2, " +
		"java11, java17, java21, java25, python2.7, python3.6, python3.7, python3.8, python3.9, python3.10, " +
		"python3.11, python3.12, python3.13, python3.14, dotnetcore1.0, dotnetcore2.0, dotnetcore2.1, " +
		"dotnetcore3.1, dotnet6, dotnet8, dotnet10, nodejs4.3-edge, go1.x, ruby2.5, ruby2.7, ruby3.2, ruby3.3, " +
		"ruby3.4, ruby4.0, provided, provided.al2, provided.al2023, nodejs26.x, python3.15, java8.al2023, " +
		"java11.al2023, java17.al2023]"
	retiredText := func(name string) string {
		return "The runtime parameter of " + name + " is no longer supported for creating or updating AWS Lambda " +
			"functions. We recommend you use a supported runtime while creating or updating functions."
	}
	unavailable := func(name, why string) string {
		return "Runtime " + name + " is not available on this Lambent server: " + why + ". " + installedText
	}
	tests := []struct {
		name     string
		want     Runtime
		wantKind errkind.Kind
		wantText string
	}{
		{name: "not-a-runtime", wantKind: errkind.Validation, wantText: "Value not-a-runtime at 'runtime' failed to satisfy constraint: " + enumText},
		{name: "", wantKind: errkind.Validation, wantText: "Value  at 'runtime' failed to satisfy constraint: " + enumText},
		{name: "NODEJS20.X", wantKind: errkind.Validation, wantText: "Value NODEJS20.X at 'runtime' failed to satisfy constraint: " + enumText},
		{name: "python3", wantKind: errkind.Validation, wantText: "Value python3 at 'runtime' failed to satisfy constraint: " + enumText},

		{name: "python3.7", wantKind: errkind.InvalidArgument, wantText: retiredText("python3.7")},
		{name: "python3.6", wantKind: errkind.InvalidArgument, wantText: retiredText("python3.6")},
		{name: "go1.x", wantKind: errkind.InvalidArgument, wantText: retiredText("go1.x")},
		{name: "provided", wantKind: errkind.InvalidArgument, wantText: retiredText("provided")},
		{name: "nodejs12.x", wantKind: errkind.InvalidArgument, wantText: retiredText("nodejs12.x")},
		{name: "nodejs", wantKind: errkind.InvalidArgument, wantText: retiredText("nodejs")},
		{name: "nodejs4.3-edge", wantKind: errkind.InvalidArgument, wantText: retiredText("nodejs4.3-edge")},
		{name: "dotnetcore3.1", wantKind: errkind.InvalidArgument, wantText: retiredText("dotnetcore3.1")},

		{name: "nodejs22.x", wantKind: errkind.InvalidArgument, wantText: unavailable("nodejs22.x", "node 22 is not installed")},
		{name: "nodejs18.x", wantKind: errkind.InvalidArgument, wantText: unavailable("nodejs18.x", "node 18 is not installed")},
		{name: "python3.12", wantKind: errkind.InvalidArgument, wantText: unavailable("python3.12", "python3.12 is not installed")},
		{name: "python3.13", wantKind: errkind.InvalidArgument, wantText: unavailable("python3.13", "python3.13 is not installed")},
		{name: "java21", wantKind: errkind.InvalidArgument, wantText: unavailable("java21", "Lambent has no java runtime client")},
		{name: "java8.al2023", wantKind: errkind.InvalidArgument, wantText: unavailable("java8.al2023", "Lambent has no java runtime client")},
		{name: "dotnet8", wantKind: errkind.InvalidArgument, wantText: unavailable("dotnet8", "Lambent has no dotnet runtime client")},
		{name: "ruby3.3", wantKind: errkind.InvalidArgument, wantText: unavailable("ruby3.3", "Lambent has no ruby runtime client")},

		{name: "nodejs20.x", want: Runtime{Name: "nodejs20.x", Family: FamilyNode, Interpreter: "/fake/bin/node", ExecutionEnv: "AWS_Lambda_nodejs20.x"}},
		{name: "python3.11", want: Runtime{Name: "python3.11", Family: FamilyPython, Interpreter: "/fake/bin/python3.11", ExecutionEnv: "AWS_Lambda_python3.11"}},
		{name: "provided.al2", want: Runtime{Name: "provided.al2", Family: FamilyProvided}},
		{name: "provided.al2023", want: Runtime{Name: "provided.al2023", Family: FamilyProvided}},
	}
	cat := referenceHost().catalog()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cat.Lookup(tt.name)
			if tt.wantText == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Lookup = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			e, ok := errkind.As(err)
			if !ok {
				t.Fatalf("Lookup = %+v, %v; want a %v error", got, err, tt.wantKind)
			}
			if e.Kind != tt.wantKind || e.Public != tt.wantText {
				t.Fatalf("error = %v: %q\nwant    %v: %q", e.Kind, e.Public, tt.wantKind, tt.wantText)
			}
		})
	}
}

func TestInstalled(t *testing.T) {
	tests := []struct {
		name string
		host *fakeHost
		want []string
	}{{
		name: "reference host",
		host: referenceHost(),
		want: []string{"provided.al2", "provided.al2023", "nodejs20.x", "python3.11"},
	}, {
		name: "nothing installed",
		host: &fakeHost{},
		want: []string{"provided.al2", "provided.al2023"},
	}, {
		name: "several versions, sorted",
		host: &fakeHost{
			path: map[string]string{
				"node": "/n/24", "node22": "/n/22", "nodejs20": "/n/20",
				"python3": "/p/3.13", "python3.10": "/p/3.10", "python3.12": "/p/3.12",
			},
			versions: map[string]Interpreter{
				"/n/24": {Version: "24.1.0"}, "/n/22": {Version: "v22.3.0"}, "/n/20": {Version: "20.0.0"},
				"/p/3.13": {Version: "3.13.0"}, "/p/3.10": {Version: "3.10.4"}, "/p/3.12": {Version: "3.12.1"},
			},
		},
		want: []string{"provided.al2", "provided.al2023", "nodejs20.x", "nodejs22.x", "nodejs24.x",
			"python3.10", "python3.12", "python3.13"},
	}, {
		name: "retired and unknown versions are not offered",
		host: &fakeHost{
			path:     map[string]string{"node": "/n/16", "node19": "/n/19", "python3": "/p/3.8"},
			versions: map[string]Interpreter{"/n/16": {Version: "16.20.0"}, "/n/19": {Version: "19.0.0"}, "/p/3.8": {Version: "3.8.18"}},
		},
		want: []string{"provided.al2", "provided.al2023"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.host.catalog().Installed(); !slices.Equal(got, tt.want) {
				t.Fatalf("Installed = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInterpreterChoice(t *testing.T) {
	host := &fakeHost{
		path: map[string]string{
			"node":       "/fake/bin/node",         // node 22
			"node20":     "/opt/node20/bin/node20", // version-specific name
			"python3":    "/fake/local/python3",    // 3.12, no python3.12 on PATH
			"python3.11": "/shims/python3.11",      // resolves elsewhere
		},
		versions: map[string]Interpreter{
			"/fake/bin/node":         {Version: "22.1.0"},
			"/opt/node20/bin/node20": {Version: "20.11.1", Path: "/opt/node20/bin/node"},
			"/fake/local/python3":    {Version: "3.12.1"},
			"/shims/python3.11":      {Version: "3.11.7", Path: "/versions/3.11.7/bin/python3.11"},
		},
	}
	cat := host.catalog()
	tests := map[string]string{
		"nodejs20.x": "/opt/node20/bin/node",            // the probe's resolved executable
		"nodejs22.x": "/fake/bin/node",                  // the probed path when the probe names none
		"python3.12": "/fake/local/python3",             // python3 reporting 3.12
		"python3.11": "/versions/3.11.7/bin/python3.11", // a shim resolved to its target
	}
	for name, want := range tests {
		rt, err := cat.Lookup(name)
		if err != nil || rt.Interpreter != want {
			t.Errorf("Lookup(%s) = %+v, %v; want interpreter %s", name, rt, err, want)
		}
	}
	for path, n := range host.probes {
		if n != 1 {
			t.Errorf("%s probed %d times, want once", path, n)
		}
	}
}

func TestProbeCached(t *testing.T) {
	host := referenceHost()
	cat := host.catalog()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, name := range []string{"nodejs20.x", "nodejs22.x", "python3.11", "python3.12", "java21"} {
				_, _ = cat.Lookup(name)
			}
			_ = cat.Installed()
		})
	}
	wg.Wait()
	want := map[string]int{"/fake/bin/node": 1, "/fake/bin/nodejs": 1, "/fake/bin/python3": 1,
		"/fake/bin/python3.11": 1, "/shims/python3.12": 1}
	if !reflect.DeepEqual(host.probes, want) {
		t.Fatalf("probe calls = %v, want %v", host.probes, want)
	}
}

func TestValidationNeedsNoProbe(t *testing.T) {
	host := referenceHost()
	cat := host.catalog()
	for _, name := range []string{"bogus", "python3.7"} {
		if _, err := cat.Lookup(name); err == nil {
			t.Fatalf("Lookup(%s) succeeded", name)
		}
	}
	if len(host.probes) != 0 {
		t.Fatalf("probed %v to reject names that never need an interpreter", host.probes)
	}
}

func TestEnumMatchesServiceModel(t *testing.T) {
	dir := testenv.SharedTestdata(t, "lambda-service-model")
	data, err := os.ReadFile(filepath.Join(dir, "service-2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var model struct {
		Shapes map[string]struct {
			Enum []string `json:"enum"`
		} `json:"shapes"`
	}
	if err := json.Unmarshal(data, &model); err != nil {
		t.Fatal(err)
	}
	if want := model.Shapes["Runtime"].Enum; !slices.Equal(lambdaRuntimes, want) {
		t.Fatalf("lambdaRuntimes = %q\nservice model  = %q", lambdaRuntimes, want)
	}
}

func TestRetiredAreLambdaRuntimes(t *testing.T) {
	for _, name := range retiredRuntimes {
		if !slices.Contains(lambdaRuntimes, name) {
			t.Errorf("retired runtime %s is not in the Lambda enum", name)
		}
	}
}

func TestExecProbe(t *testing.T) {
	for _, tt := range []struct {
		exe    string
		family Family
	}{{"node", FamilyNode}, {"python3", FamilyPython}} {
		t.Run(tt.exe, func(t *testing.T) {
			path, err := exec.LookPath(tt.exe)
			if err != nil {
				t.Skipf("no %s on this host", tt.exe)
			}
			in, err := execProbe(path, tt.family)
			if err != nil {
				var exitErr *exec.ExitError
				if errors.As(err, &exitErr) {
					t.Skipf("%s does not run here: %v", path, err) // e.g. a shim for an unselected version
				}
				t.Fatal(err)
			}
			if versionPart(in.Version, 0) <= 0 || versionPart(in.Version, 1) < 0 || !filepath.IsAbs(in.Path) {
				t.Fatalf("probe(%s) = %+v", path, in)
			}
			if _, err := os.Stat(in.Path); err != nil {
				t.Fatalf("probe(%s) names %s: %v", path, in.Path, err)
			}
		})
	}
	if _, err := execProbe("/nonexistent/node", FamilyNode); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("probe of a missing file = %v, want ErrNotExist", err)
	}
	if _, err := execProbe("/nonexistent/bootstrap", FamilyProvided); err == nil {
		t.Error("probe of a provided runtime succeeded")
	}
}

func ExampleCatalog_Lookup() {
	lookPath := func(file string) (string, error) {
		if file == "node" {
			return "/fake/bin/node", nil
		}
		return "", exec.ErrNotFound
	}
	probe := func(path string, _ Family) (Interpreter, error) { return Interpreter{Version: "20.11.1"}, nil }
	cat := NewCatalogWithProbe(lookPath, probe)

	rt, _ := cat.Lookup("nodejs20.x")
	fmt.Println(rt.Command("/var/task", "/var/runtime"))
	_, err := cat.Lookup("nodejs22.x")
	e, _ := errkind.As(err)
	fmt.Println(e.Kind, e.Public)
	// Output:
	// [/fake/bin/node /var/runtime/node/bootstrap.mjs]
	// InvalidArgument Runtime nodejs22.x is not available on this Lambent server: node 22 is not installed. Installed runtimes: provided.al2, provided.al2023, nodejs20.x.
}
