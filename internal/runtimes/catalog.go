package runtimes

import (
	"fmt"
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

// NewCatalog returns a catalog that finds interpreters with lookPath and asks
// each one for its version by running it.
func NewCatalog(lookPath LookPath) *Catalog {
	return NewCatalogWithProbe(lookPath, execProbe)
}

// NewCatalogWithProbe is NewCatalog with the version probe injected.
func NewCatalogWithProbe(lookPath LookPath, probe Probe) *Catalog {
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
// Each distinct executable is probed once.
func (c *Catalog) scan() {
	c.node = map[int]string{}
	c.python = map[int]string{}
	probed := map[string]probeResult{}
	find := func(file string, fam Family) (Interpreter, bool) {
		path, err := c.lookPath(file)
		if err != nil {
			return Interpreter{}, false
		}
		r, ok := probed[path]
		if !ok {
			r.in, r.err = c.probe(path, fam)
			if r.err == nil && r.in.Path == "" {
				r.in.Path = path
			}
			probed[path] = r
		}
		return r.in, r.err == nil
	}
	for _, name := range lambdaRuntimes {
		if retired(name) {
			continue
		}
		switch {
		case isNode(name):
			major := nodeMajor(name)
			for _, file := range nodeCandidates(major) {
				if in, ok := find(file, FamilyNode); ok && versionPart(in.Version, 0) == major {
					c.node[major] = in.Path
					break
				}
			}
		case isPython(name):
			minor := pythonMinor(name)
			for _, file := range []string{name, "python3"} {
				if in, ok := find(file, FamilyPython); ok && versionPart(in.Version, 0) == 3 && versionPart(in.Version, 1) == minor {
					c.python[minor] = in.Path
					break
				}
			}
		}
	}
}

type probeResult struct {
	in  Interpreter
	err error
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
