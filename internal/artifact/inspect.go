package artifact

import "io"

// Inspect validates a package completely without writing anything.
//
// It refuses, with an errkind error whose public message is Lambda's where
// Lambda has one:
//   - more than MaxZipped bytes (TooLarge);
//   - bytes that are not a readable zip, including entries whose data
//     disagrees with the central directory (InvalidArgument, msgCorrupt);
//   - more than MaxFiles entries;
//   - entry names that are empty, absolute, carry a drive letter, a NUL or
//     a backslash, escape the root through "..", or exceed PATH_MAX/NAME_MAX;
//   - device, pipe and socket entries;
//   - entries that collide once cleaned ("a" and "./a", a file and a
//     directory of one name, a file or symlink used as a parent directory);
//   - symlinks whose target is absolute or resolves, through the package's
//     other symlinks, outside the root, and symlink loops;
//   - more than MaxUnzipped bytes of decompressed content, counted while
//     streaming each entry rather than read from the headers.
//
// Each check names the offending entry in the public message, for example
// `Invalid zip entry "../../etc/passwd": path escapes the package root`.
func Inspect(zip []byte, l Limits) (Info, error) {
	p, err := scan(zip, l)
	if err != nil {
		return Info{}, err
	}
	for _, e := range p.entries {
		if e.kind != nodeFile {
			continue
		}
		if err := p.inf.copy(io.Discard, e.f); err != nil {
			return Info{}, err
		}
	}
	p.info.UnzippedSize = p.inf.used
	return p.info, nil
}
