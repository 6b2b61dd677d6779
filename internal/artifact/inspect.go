package artifact

import (
	"crypto/sha256"
	"io"
)

// Inspect validates a package completely without writing anything.
//
// It refuses, with an errkind error whose public message is Lambda's where
// Lambda has one:
//   - more than MaxZipped bytes: TooLarge, "Zipped size must be smaller
//     than N bytes";
//   - bytes that are not a readable zip, including entries whose data
//     disagrees with the central directory in size or CRC-32, that are
//     encrypted or use a method other than store and deflate:
//     InvalidArgument, "Could not unzip uploaded file. Please check your
//     file, then try to upload again.";
//   - more than MaxUnzipped bytes of decompressed content, counted while
//     streaming each entry rather than read from the headers:
//     InvalidArgument, "Unzipped size must be smaller than N bytes";
//   - more than MaxFiles entries: InvalidArgument;
//
// and with InvalidArgument and a message naming the entry:
//   - entry names that are empty, absolute, carry a drive letter, a NUL or
//     a backslash, escape the root through "..", or exceed PATH_MAX/NAME_MAX;
//   - device, pipe and socket entries;
//   - entries that collide once cleaned ("a" and "./a", a file and a
//     directory of one name, a file or symlink used as a parent directory);
//   - symlinks whose target is absolute or resolves, through the package's
//     other symlinks, outside the root, and symlink loops or chains longer
//     than Linux follows (40).
//
// for example `Invalid zip entry "../../etc/passwd": path escapes the
// package root`. Checks run in a fixed order, so one input always gets the
// same error. Inspect is safe for concurrent use.
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
	p.info.Sha256 = sha256.Sum256(zip)
	return p.info, nil
}
