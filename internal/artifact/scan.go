package artifact

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"math"
)

// entry is a zip entry that passed the per-entry checks.
type entry struct {
	f      *zip.File
	name   string // cleaned, relative to the root
	kind   nodeKind
	mode   fs.FileMode // regular files: 0644 or 0755
	target string      // symlinks: raw target, validated
	node   *node
}

// plan is a package whose structure passed every check: names, types,
// collisions, symlink targets, entry count and declared sizes. Regular-file
// contents are not decompressed yet; whoever streams them charges the same
// budget, so sizes are never taken from the headers on trust.
type plan struct {
	info    Info
	entries []entry  // files and symlinks, in zip order
	dirs    []string // explicit and implicit directories, parents first
	inf     *inflater
}

// scan is the validation shared by Inspect and Extract.
func scan(b []byte, l Limits) (*plan, error) {
	l = l.withDefaults()
	if int64(len(b)) > l.MaxZipped {
		return nil, errZipped(l.MaxZipped)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below
		return nil, errCorrupt(err)
	}
	if len(zr.File) > l.MaxFiles {
		return nil, errTooManyFiles(l.MaxFiles)
	}
	p := &plan{info: Info{Size: int64(len(b))}, inf: newInflater(l.MaxUnzipped)}
	p.info.Files = len(zr.File)
	t := newTree(l.MaxFiles)
	var declared uint64
	for _, f := range zr.File {
		e, err := classify(f)
		if err != nil {
			return nil, err
		}
		if e.name == "." { // a "./" directory entry: the root already exists
			continue
		}
		n, reason, full := t.add(e.name, e.kind)
		if full {
			return nil, errTooManyFiles(l.MaxFiles)
		}
		if reason != "" {
			return nil, errEntry(f.Name, reason)
		}
		e.node = n
		if e.kind != nodeDir {
			declared = satAdd(declared, f.UncompressedSize64)
			p.entries = append(p.entries, e)
		}
	}
	// A cheap early refusal for honest headers. Lying headers are caught
	// by the inflater, which counts what it actually produces.
	if declared > uint64(l.MaxUnzipped) {
		return nil, errUnzipped(l.MaxUnzipped)
	}
	if err := p.readLinks(t); err != nil {
		return nil, err
	}
	p.dirs = t.dirs()
	return p, nil
}

// classify validates one entry's name and type.
func classify(f *zip.File) (entry, error) {
	name, reason := cleanName(f.Name)
	if reason != "" {
		return entry{}, errEntry(f.Name, reason)
	}
	e := entry{f: f, name: name}
	m := f.Mode() // includes ModeDir when the name ends in "/"
	switch m.Type() {
	case fs.ModeDir:
		e.kind = nodeDir
	case 0:
		e.kind, e.mode = nodeFile, 0o644
		if m&0o111 != 0 {
			e.mode = 0o755
		}
	case fs.ModeSymlink:
		e.kind = nodeLink
	default: // devices, pipes, sockets, or contradictory bits
		return entry{}, errEntry(f.Name, reasonType)
	}
	if name == "." && e.kind != nodeDir {
		return entry{}, errEntry(f.Name, reasonRoot)
	}
	return e, nil
}

// readLinks decompresses every symlink target (charging the budget), then
// checks each target once all of them are known, since one symlink may
// resolve through another.
func (p *plan) readLinks(t *tree) error {
	for i := range p.entries {
		e := &p.entries[i]
		if e.kind != nodeLink {
			continue
		}
		target, err := p.readTarget(e.f)
		if err != nil {
			return err
		}
		if reason := unsafePath(target); reason != "" {
			if reason == reasonAbsolute || reason == reasonDrive {
				reason = reasonLinkEscape
			} else {
				reason = reasonLinkInvalid
			}
			return errEntry(e.f.Name, reason)
		}
		e.target, e.node.target = target, target
	}
	for _, e := range p.entries {
		if e.kind != nodeLink {
			continue
		}
		if reason := t.checkLink(e.node); reason != "" {
			return errEntry(e.f.Name, reason)
		}
	}
	return nil
}

func (p *plan) readTarget(f *zip.File) (string, error) {
	if f.UncompressedSize64 > maxPathLen {
		return "", errEntry(f.Name, reasonLinkInvalid)
	}
	buf := &capWriter{max: maxPathLen}
	if err := p.inf.copy(buf, f); err != nil {
		if errors.Is(err, errCapExceeded) { // the header lied about the size
			return "", errCorrupt(err)
		}
		return "", err
	}
	return string(buf.b), nil
}

func satAdd(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}
