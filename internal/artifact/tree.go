package artifact

import "strings"

type nodeKind uint8

const (
	nodeDir nodeKind = iota
	nodeFile
	nodeLink
)

// maxLinkHops is Linux's MAXSYMLINKS: a lookup that follows more symlinks
// than this fails with ELOOP, so a package that needs more is broken anyway.
const maxLinkHops = 40

// tree is the file-system shape a package would produce: a trie of path
// components, used to refuse colliding entries and symlinks that resolve
// outside the root. Every operation costs time linear in the length of the
// names and targets involved, whatever their depth, so a hostile package
// cannot make checking it quadratic.
type tree struct {
	root node
	all  []*node // every node but the root, parents before children
	max  int     // bound on len(all)
}

type node struct {
	path     string // cleaned path from the root
	parent   *node
	children map[string]*node
	kind     nodeKind
	target   string // symlinks: raw target

	// Symlink resolution, memoised.
	state uint8 // 0 unresolved, 1 resolving, 2 resolved
	to    pos   // where the symlink points
	hops  int   // symlinks the kernel follows to get there
}

// pos is a location under the root: the deepest node reached plus the
// number of components below it that no entry of the package creates.
type pos struct {
	n     *node
	ghost int
}

func newTree(max int) *tree { return &tree{max: max} }

// add records an entry under its cleaned name and returns its node. It
// refuses, with reasonCollision, two entries of one name (unless both are
// directories) and a file or symlink that is also the parent of an entry;
// refusing symlink parents means no write in Extract ever goes through a
// symlink from the package. It reports full once the package would create
// more than max paths, directories implied by names included.
func (t *tree) add(name string, kind nodeKind) (n *node, reason string, full bool) {
	n = &t.root
	for i := 0; ; {
		j := strings.IndexByte(name[i:], '/')
		last := j < 0
		if last {
			j = len(name)
		} else {
			j += i
		}
		child := n.children[name[i:j]]
		switch {
		case child != nil && !last && child.kind != nodeDir:
			return nil, reasonCollision, false
		case child != nil && last && (child.kind != nodeDir || kind != nodeDir):
			return nil, reasonCollision, false
		case child == nil:
			if len(t.all) == t.max {
				return nil, "", true
			}
			child = &node{path: name[:j], parent: n, kind: nodeDir}
			if last {
				child.kind = kind
			}
			if n.children == nil {
				n.children = map[string]*node{}
			}
			n.children[name[i:j]] = child
			t.all = append(t.all, child)
		}
		if last {
			return child, "", false
		}
		n, i = child, j+1
	}
}

// dirs returns every directory, explicit or implied, parents first.
func (t *tree) dirs() []string {
	var out []string
	for _, n := range t.all {
		if n.kind == nodeDir {
			out = append(out, n.path)
		}
	}
	return out
}

// checkLink resolves symlink n as the kernel would, following the package's
// other symlinks, and returns a refusal reason or "".
func (t *tree) checkLink(n *node) string {
	_, reason := t.resolve(n, 0)
	return reason
}

// resolve returns where symlink n points, memoised, so checking every
// symlink costs time linear in the total length of the targets.
func (t *tree) resolve(n *node, depth int) (pos, string) {
	switch {
	case n.state == 2:
		return n.to, ""
	case n.state == 1 || depth > maxLinkHops:
		return pos{}, reasonLinkLoop
	}
	n.state = 1
	p, hops := pos{n: n.parent}, 1
	for c := range strings.SplitSeq(n.target, "/") {
		switch {
		case c == "" || c == ".":
		case c == "..":
			switch {
			case p.ghost > 0:
				p.ghost--
			case p.n == &t.root:
				return pos{}, reasonLinkEscape
			default:
				p.n = p.n.parent
			}
		case p.ghost > 0:
			p.ghost++
		default:
			child := p.n.children[c]
			switch {
			case child == nil:
				p.ghost = 1
			case child.kind != nodeLink:
				p.n = child
			default:
				to, reason := t.resolve(child, depth+1)
				if reason != "" {
					return pos{}, reason
				}
				if hops += child.hops; hops > maxLinkHops {
					return pos{}, reasonLinkLoop
				}
				p = to
			}
		}
	}
	n.state, n.to, n.hops = 2, p, hops
	return p, ""
}
