package artifact

import (
	"encoding/base64"

	"lambent/internal/errkind"
)

// Lambda's package limits, used when a Limits field is zero.
const (
	DefaultMaxZipped   int64 = 52428800  // 50 MB, Lambda's direct-upload limit
	DefaultMaxUnzipped int64 = 262144000 // 250 MB, Lambda's unzipped limit
	// DefaultMaxFiles is not a Lambda quota but a sane bound on the work and
	// inodes one package costs; real packages, node_modules included, stay
	// well below it.
	DefaultMaxFiles = 100000
)

// Limits bounds a package. Zero (or negative) values mean Lambda's defaults.
// Every bound is inclusive: a package of exactly MaxZipped bytes is accepted.
type Limits struct {
	MaxZipped   int64 // zip bytes; default DefaultMaxZipped
	MaxUnzipped int64 // bytes actually decompressed; default DefaultMaxUnzipped
	// MaxFiles bounds both the zip entries and the paths the package
	// creates: files, symlinks and directories, including directories that
	// only appear inside other entries' names. Default DefaultMaxFiles.
	MaxFiles int
}

func (l Limits) withDefaults() Limits {
	if l.MaxZipped <= 0 {
		l.MaxZipped = DefaultMaxZipped
	}
	if l.MaxUnzipped <= 0 {
		l.MaxUnzipped = DefaultMaxUnzipped
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	return l
}

// Info describes a package that passed validation.
type Info struct {
	Sha256       [32]byte // of the zip bytes
	Size         int64    // zip bytes
	UnzippedSize int64    // bytes actually decompressed (files and symlink targets)
	Files        int      // zip entries: regular files, directories and symlinks
}

// CodeSha256 returns base64(raw sha256), Lambda's CodeSha256 format.
func (i Info) CodeSha256() string {
	return base64.StdEncoding.EncodeToString(i.Sha256[:])
}

// msgCorrupt is Lambda's message for an unreadable package.
const msgCorrupt = "Could not unzip uploaded file. Please check your file, then try to upload again."

func errZipped(max int64) error {
	return errkind.Newf(errkind.TooLarge, "Zipped size must be smaller than %d bytes", max)
}

func errUnzipped(max int64) error {
	return errkind.Newf(errkind.InvalidArgument, "Unzipped size must be smaller than %d bytes", max)
}

func errTooManyFiles(max int) error {
	return errkind.Newf(errkind.InvalidArgument, "Zip file must contain at most %d entries", max)
}

// errCorrupt classifies a parse or decompression failure; cause stays internal.
func errCorrupt(cause error) error {
	return errkind.Wrap(errkind.InvalidArgument, msgCorrupt, cause)
}

// errEntry names the offending entry. %q escapes control characters, so a
// hostile name cannot forge log lines or terminal output.
func errEntry(name, reason string) error {
	return errkind.Newf(errkind.InvalidArgument, "Invalid zip entry %q: %s", name, reason)
}

// Reasons shown after the entry name. Tests match them exactly.
const (
	reasonEmpty       = "empty path"
	reasonNUL         = "NUL byte in path"
	reasonBackslash   = "backslash in path"
	reasonDrive       = "drive letter in path"
	reasonAbsolute    = "absolute path"
	reasonTooLong     = "path too long"
	reasonEscape      = "path escapes the package root"
	reasonRoot        = "path names the package root"
	reasonCollision   = "duplicate or colliding path"
	reasonType        = "unsupported file type"
	reasonLinkEscape  = "symlink target escapes the package root"
	reasonLinkInvalid = "invalid symlink target"
	reasonLinkLoop    = "too many levels of symbolic links"
)
