package artifact

import (
	"path"
	"slices"
	"strings"
)

type nodeKind uint8

const (
	nodeDir nodeKind = iota
	nodeFile
	nodeLink
)

// maxLinkHops is Linux's MAXSYMLINKS: a lookup that follows more symlinks
// than this fails with ELOOP, so a package that needs more is broken anyway.
const maxLinkHops = 40

// tree is the file-system shape a package would produce, used to refuse
// colliding entries and symlinks that resolve outside the root.
type tree struct {
	nodes map[string]nodeKind // cleaned path → kind; parents are implicit dirs
	links map[string]string   // cleaned path → raw target
	done  map[string]resolved // memoised symlink resolutions
	busy  map[string]bool     // symlinks being resolved (cycle detection)
}

type resolved struct {
	at   []string // physical location, as components under the root
	hops int      // symlinks the kernel follows to get there
}

func newTree() *tree {
	return &tree{nodes: map[string]nodeKind{}, links: map[string]string{},
		done: map[string]resolved{}, busy: map[string]bool{}}
}

// add records an entry, reporting false when it collides with another: two
// entries of one name (unless both are directories), or a file or symlink
// that is also the parent of an entry. Refusing a symlink parent means no
// write in Extract ever goes through a symlink from the package.
func (t *tree) add(name string, kind nodeKind) bool {
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		k, ok := t.nodes[dir]
		if ok && k != nodeDir {
			return false
		}
		if ok {
			break // its parents were recorded with it
		}
		t.nodes[dir] = nodeDir
	}
	if k, ok := t.nodes[name]; ok && (k != nodeDir || kind != nodeDir) {
		return false
	}
	t.nodes[name] = kind
	return true
}

// dirs returns every directory, explicit or implicit, parents first.
func (t *tree) dirs() []string {
	var out []string
	for name, k := range t.nodes {
		if k == nodeDir {
			out = append(out, name)
		}
	}
	slices.Sort(out) // a parent is a prefix, so it sorts before its children
	return out
}

// checkLink resolves the symlink name as the kernel would, following the
// package's other symlinks, and returns a refusal reason or "".
func (t *tree) checkLink(name string) string {
	_, reason := t.resolve(name, 0)
	return reason
}

// resolve returns where the symlink name points. Results are memoised, so
// checking every symlink costs time linear in the total length of targets.
func (t *tree) resolve(name string, depth int) (resolved, string) {
	if r, ok := t.done[name]; ok {
		return r, ""
	}
	if t.busy[name] || depth > maxLinkHops {
		return resolved{}, reasonLinkLoop
	}
	t.busy[name] = true
	defer delete(t.busy, name)

	var at []string
	if dir := path.Dir(name); dir != "." {
		at = strings.Split(dir, "/") // real directories: add refused anything else
	}
	hops := 1
	for c := range strings.SplitSeq(t.links[name], "/") {
		switch c {
		case "", ".":
			continue
		case "..":
			if len(at) == 0 {
				return resolved{}, reasonLinkEscape
			}
			at = at[:len(at)-1]
			continue
		}
		at = append(at, c)
		key := strings.Join(at, "/")
		if _, ok := t.links[key]; !ok {
			continue
		}
		r, reason := t.resolve(key, depth+1)
		if reason != "" {
			return resolved{}, reason
		}
		hops += r.hops
		if hops > maxLinkHops {
			return resolved{}, reasonLinkLoop
		}
		at = slices.Clone(r.at)
	}
	r := resolved{at: at, hops: hops}
	t.done[name] = r
	return r, ""
}
