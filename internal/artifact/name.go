package artifact

import (
	"path"
	"strings"
)

// Linux's PATH_MAX and NAME_MAX. A name the file system cannot hold is
// refused by Inspect, so Inspect and Extract agree.
const (
	maxPathLen = 4096
	maxNameLen = 255
)

// cleanName validates a zip entry name and returns it cleaned, slash
// separated and relative to the package root, or a refusal reason.
// The result is "." for a name such as "./" that denotes the root itself.
func cleanName(raw string) (clean, reason string) {
	if reason := unsafePath(raw); reason != "" {
		return "", reason
	}
	clean = path.Clean(raw)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", reasonEscape
	}
	for c := range strings.SplitSeq(clean, "/") {
		if len(c) > maxNameLen {
			return "", reasonTooLong
		}
	}
	return clean, ""
}

// unsafePath reports why p cannot be a name or symlink target inside the
// package, before any cleaning: "" when it is acceptable so far.
func unsafePath(p string) string {
	switch {
	case p == "":
		return reasonEmpty
	case strings.IndexByte(p, 0) >= 0:
		return reasonNUL
	case strings.IndexByte(p, '\\') >= 0:
		// Zip names use forward slashes; a backslash is either a Windows
		// separator (so "a\..\..\x" means traversal elsewhere) or a trick.
		return reasonBackslash
	case len(p) >= 2 && p[1] == ':' && isASCIILetter(p[0]):
		return reasonDrive
	case p[0] == '/':
		return reasonAbsolute
	case len(p) > maxPathLen:
		return reasonTooLong
	}
	return ""
}

func isASCIILetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }
