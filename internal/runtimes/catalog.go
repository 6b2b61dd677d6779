package runtimes

import (
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"

	"lambent/internal/errkind"
)

// Family groups runtimes that share a runtime client.
type Family string

// The families Lambent can run.
const (
	FamilyProvided Family = "provided" // the function's own bootstrap executable
	FamilyNode     Family = "nodejs"   // our Node.js client, client/node/bootstrap.mjs
	FamilyPython   Family = "python"   // our Python client, client/python/bootstrap.py
)

// Runtime is a runtime this host can run.
type Runtime struct {
	Name         string // e.g. "nodejs20.x", "python3.11", "provided.al2023"
	Family       Family
	Interpreter  string // absolute path of node or python on this host; "" for provided
	ExecutionEnv string // AWS_EXECUTION_ENV, e.g. "AWS_Lambda_nodejs20.x"; "" for provided.*
}

// LookPath is exec.LookPath's signature, injected for tests.
type LookPath func(file string) (string, error)

// Catalog knows every runtime name Lambda's API accepts and which ones this
// host can run. It probes the host's interpreters once, on first use, and
// keeps the answer for its lifetime: installing an interpreter takes effect
// with a new Catalog (a server restart). Safe for concurrent use.
type Catalog struct {
	lookPath LookPath
	probe    Probe

	once   sync.Once
	node   map[int]string // major version → interpreter
	python map[int]string // minor version of 3.x → interpreter
}

// NewCatalog returns a catalog that finds interpreters with lookPath (or nil
// for exec.LookPath) and asks each one for its version by running it.
func NewCatalog(lookPath LookPath) *Catalog {
	return NewCatalogWithProbe(lookPath, nil)
}

// NewCatalogWithProbe is NewCatalog with the version probe injected (or nil
// for running the interpreter).
func NewCatalogWithProbe(lookPath LookPath, probe Probe) *Catalog {
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if probe == nil {
		probe = execProbe
	}
	return &Catalog{lookPath: lookPath, probe: probe}
}

// Lookup validates a runtime name for CreateFunction and
// UpdateFunctionConfiguration. A name outside Lambda's enum is a Validation
// error, a retired runtime and a runtime this host cannot run are
// InvalidArgument errors; each carries the message a caller should see.
func (c *Catalog) Lookup(name string) (Runtime, error) {
	if !slices.Contains(lambdaRuntimes, name) {
		return Runtime{}, errkind.Newf(errkind.Validation,
			"Value %s at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [%s]",
			name, strings.Join(lambdaRuntimes, ", "))
	}
	if retired(name) {
		return Runtime{}, errkind.Newf(errkind.InvalidArgument,
			"The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. "+
				"We recommend you use a supported runtime while creating or updating functions.", name)
	}
	c.once.Do(c.scan)
	if rt, ok := c.installed(name); ok {
		return rt, nil
	}
	return Runtime{}, errkind.Newf(errkind.InvalidArgument,
		"Runtime %s is not available on this Lambent server: %s. Installed runtimes: %s.",
		name, missingReason(name), strings.Join(c.Installed(), ", "))
}

// Installed lists the runtimes this host can run: provided.al2 and
// provided.al2023, then Node.js and Python by ascending version.
func (c *Catalog) Installed() []string {
	c.once.Do(c.scan)
	names := []string{"provided.al2", "provided.al2023"}
	for _, major := range sortedKeys(c.node) {
		names = append(names, nodeName(major))
	}
	for _, minor := range sortedKeys(c.python) {
		names = append(names, pythonName(minor))
	}
	return names
}

// installed returns the Runtime for name when this host can run it.
func (c *Catalog) installed(name string) (Runtime, bool) {
	switch {
	case name == "provided.al2" || name == "provided.al2023":
		return Runtime{Name: name, Family: FamilyProvided}, true
	case isNode(name):
		if interp, ok := c.node[nodeMajor(name)]; ok {
			return Runtime{Name: name, Family: FamilyNode, Interpreter: interp, ExecutionEnv: "AWS_Lambda_" + name}, true
		}
	case isPython(name):
		if interp, ok := c.python[pythonMinor(name)]; ok {
			return Runtime{Name: name, Family: FamilyPython, Interpreter: interp, ExecutionEnv: "AWS_Lambda_" + name}, true
		}
	}
	return Runtime{}, false
}

// missingReason says why a Lambda runtime that is not retired cannot run here.
func missingReason(name string) string {
	switch {
	case isNode(name):
		return fmt.Sprintf("node %d is not installed", nodeMajor(name))
	case isPython(name):
		return name + " is not installed"
	}
	lang := name
	if i := strings.IndexAny(name, "0123456789."); i > 0 {
		lang = name[:i]
	}
	return fmt.Sprintf("Lambent has no %s runtime client", lang)
}

// scan finds the interpreters for every accepted Node.js and Python runtime.
// Each distinct executable is probed once, all of them at the same time: a
// broken version-manager shim can take seconds to fail.
func (c *Catalog) scan() {
	type candidate struct {
		name   string // runtime name
		path   string // executable found for one of its candidate names
		family Family
	}
	var cands []candidate
	probes := map[string]*probeResult{}
	for _, name := range lambdaRuntimes {
		if retired(name) {
			continue
		}
		var files []string
		var family Family
		switch {
		case isNode(name):
			files, family = nodeCandidates(nodeMajor(name)), FamilyNode
		case isPython(name):
			files, family = []string{name, "python3"}, FamilyPython
		default:
			continue
		}
		for _, file := range files {
			if path, err := c.lookPath(file); err == nil {
				cands = append(cands, candidate{name, path, family})
				if probes[path] == nil {
					probes[path] = &probeResult{family: family}
				}
			}
		}
	}

	var wg sync.WaitGroup
	for path, r := range probes {
		wg.Go(func() {
			r.in, r.err = c.probe(path, r.family)
			if r.in.Path == "" {
				r.in.Path = path
			}
		})
	}
	wg.Wait()

	c.node = map[int]string{}
	c.python = map[int]string{}
	for _, cand := range cands { // candidate names in order of preference
		r := probes[cand.path]
		if r.err != nil {
			continue
		}
		switch cand.family {
		case FamilyNode:
			major := nodeMajor(cand.name)
			if _, done := c.node[major]; !done && versionPart(r.in.Version, 0) == major {
				c.node[major] = r.in.Path
			}
		case FamilyPython:
			minor := pythonMinor(cand.name)
			if _, done := c.python[minor]; !done && versionPart(r.in.Version, 0) == 3 && versionPart(r.in.Version, 1) == minor {
				c.python[minor] = r.in.Path
			}
		}
	}
}

type probeResult struct {
	family Family
	in     Interpreter
	err    error
}

// nodeCandidates are the executable names that may provide Node.js major,
// version-specific names first.
func nodeCandidates(major int) []string {
	return []string{fmt.Sprintf("node%d", major), fmt.Sprintf("nodejs%d", major), "node", "nodejs"}
}

func isNode(name string) bool {
	return strings.HasPrefix(name, "nodejs") && strings.HasSuffix(name, ".x") && nodeMajor(name) > 0
}

func isPython(name string) bool {
	return strings.HasPrefix(name, "python3.") && pythonMinor(name) >= 0
}

// nodeMajor parses "nodejs20.x" as 20, or returns -1.
func nodeMajor(name string) int {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "nodejs"), ".x"))
	if err != nil {
		return -1
	}
	return n
}

// pythonMinor parses "python3.11" as 11, or returns -1.
func pythonMinor(name string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(name, "python3."))
	if err != nil {
		return -1
	}
	return n
}

func nodeName(major int) string   { return fmt.Sprintf("nodejs%d.x", major) }
func pythonName(minor int) string { return fmt.Sprintf("python3.%d", minor) }

// versionPart returns the i-th dot-separated number of a version such as
// "20.11.1" or "v20.11.1", or -1.
func versionPart(version string, i int) int {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(version), "v"), ".")
	if i >= len(parts) {
		return -1
	}
	n, err := strconv.Atoi(parts[i])
	if err != nil {
		return -1
	}
	return n
}

func sortedKeys(m map[int]string) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
