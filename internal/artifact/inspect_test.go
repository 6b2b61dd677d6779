package artifact

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash/crc32"
	"io/fs"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

// small keeps the tests fast; the refusals quote these numbers.
var small = Limits{MaxZipped: 1 << 20, MaxUnzipped: 256 << 10, MaxFiles: 100}

const msgUnzippedSmall = "Unzipped size must be smaller than 262144 bytes"

func entryMsg(name, reason string) string {
	return fmt.Sprintf("Invalid zip entry %q: %s", name, reason)
}

type refusal struct {
	name   string
	zip    func(t testing.TB) []byte
	limits Limits // small when zero
	kind   errkind.Kind
	msg    string
}

func refusals() []refusal {
	ents := func(es ...zent) func(testing.TB) []byte {
		return func(t testing.TB) []byte { return buildZip(t, es...) }
	}
	raw := func(b []byte) func(testing.TB) []byte {
		return func(testing.TB) []byte { return b }
	}
	r := func(name string, zip func(testing.TB) []byte, kind errkind.Kind, msg string) refusal {
		return refusal{name: name, zip: zip, kind: kind, msg: msg}
	}
	bad := errkind.InvalidArgument
	long := strings.Repeat("n", 256)
	tooMany := make([]zent, 101)
	for i := range tooMany {
		tooMany[i] = file(fmt.Sprintf("f%03d", i), "")
	}
	return []refusal{
		// Not a zip.
		r("not a zip", raw([]byte("hello, world")), bad, msgCorrupt),
		r("empty input", raw(nil), bad, msgCorrupt),
		r("truncated end", func(t testing.TB) []byte {
			b := buildZip(t, file("a.txt", "hello"))
			return b[:len(b)-10]
		}, bad, msgCorrupt),
		r("truncated half", func(t testing.TB) []byte {
			b := buildZip(t, file("a.txt", strings.Repeat("hello ", 100)))
			return b[:len(b)/2]
		}, bad, msgCorrupt),
		r("flipped data byte", func(t testing.TB) []byte {
			body := []byte("stored content, flipped")
			b := rawZip(t, &zip.FileHeader{Name: "a.txt", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
				CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))}, body)
			b[bytes.Index(b, body)] ^= 0xff
			return b
		}, bad, msgCorrupt),
		r("garbage deflate stream", func(t testing.TB) []byte {
			junk := bytes.Repeat([]byte{0xff}, 64)
			return rawZip(t, &zip.FileHeader{Name: "a", Method: zip.Deflate,
				CompressedSize64: 64, UncompressedSize64: 10}, junk)
		}, bad, msgCorrupt),
		r("unsupported method", func(t testing.TB) []byte {
			return rawZip(t, &zip.FileHeader{Name: "a", Method: 99, CompressedSize64: 1, UncompressedSize64: 1}, []byte("x"))
		}, bad, msgCorrupt),
		r("encrypted entry", func(t testing.TB) []byte {
			return rawZip(t, &zip.FileHeader{Name: "a", Method: zip.Store, Flags: 0x1,
				CRC32: crc32.ChecksumIEEE([]byte("x")), CompressedSize64: 1, UncompressedSize64: 1}, []byte("x"))
		}, bad, msgCorrupt),
		r("header understates size within budget", func(t testing.TB) []byte {
			return lyingBomb(t, 1000, 10)
		}, bad, msgCorrupt),

		// Sizes and counts.
		{name: "over MaxZipped", zip: ents(file("a", strings.Repeat("x", 300))),
			limits: Limits{MaxZipped: 100}, kind: errkind.TooLarge, msg: "Zipped size must be smaller than 100 bytes"},
		r("too many files", ents(tooMany...), bad, "Zip file must contain at most 100 entries"),
		r("too many implied dirs", ents(file(strings.Repeat("d/", 100)+"f", "")), bad,
			"Zip file must contain at most 100 entries"),
		r("honest oversize", ents(file("big", string(make([]byte, 512<<10)))), bad, msgUnzippedSmall),
		r("honest oversize across entries", ents(file("a", string(make([]byte, 150<<10))),
			file("b", string(make([]byte, 150<<10)))), bad, msgUnzippedSmall),
		r("bomb with lying headers", func(t testing.TB) []byte {
			return lyingBomb(t, 1<<20, 1024)
		}, bad, msgUnzippedSmall),
		r("bomb after good files", func(t testing.TB) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for _, name := range []string{"a/ok.txt", "b/ok.txt"} {
				w, err := zw.Create(name)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := w.Write([]byte("fine")); err != nil {
					t.Fatal(err)
				}
			}
			zeros := make([]byte, 1<<20)
			comp := deflate(t, zeros)
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "a/bomb", Method: zip.Deflate,
				CRC32: crc32.ChecksumIEEE(zeros), CompressedSize64: uint64(len(comp)), UncompressedSize64: 4})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(comp); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			return buf.Bytes()
		}, bad, msgUnzippedSmall),
		r("header claims 4 EiB", func(t testing.TB) []byte {
			return lyingBomb(t, 100, 1<<62)
		}, bad, msgUnzippedSmall),
		r("bomb with patched headers", func(t testing.TB) []byte {
			return patchUncompressedSizes(t, buildZip(t, file("bomb", string(make([]byte, 1<<20)))), 1024)
		}, bad, msgUnzippedSmall),
		r("bomb as symlink target", func(t testing.TB) []byte {
			b := buildZip(t, link("l", strings.Repeat("a/", 4000)))
			return patchUncompressedSizes(t, b, 10)
		}, bad, msgCorrupt),

		// Zip slip and other bad names.
		r("dotdot", ents(file("../x", "")), bad, entryMsg("../x", reasonEscape)),
		r("dotdot inside", ents(file("a/../../x", "")), bad, entryMsg("a/../../x", reasonEscape)),
		r("dot dotdot", ents(file("./../x", "")), bad, entryMsg("./../x", reasonEscape)),
		r("dotdot alone", ents(dir("../")), bad, entryMsg("../", reasonEscape)),
		r("absolute", ents(file("/etc/x", "")), bad, entryMsg("/etc/x", reasonAbsolute)),
		r("drive backslash", ents(file(`C:\x`, "")), bad, entryMsg(`C:\x`, reasonBackslash)),
		r("drive slash", ents(file("C:/x", "")), bad, entryMsg("C:/x", reasonDrive)),
		r("drive relative", ents(file("c:x", "")), bad, entryMsg("c:x", reasonDrive)),
		r("backslash dotdot", ents(file(`a\..\..\x`, "")), bad, entryMsg(`a\..\..\x`, reasonBackslash)),
		r("NUL", ents(file("a\x00.txt", "")), bad, entryMsg("a\x00.txt", reasonNUL)),
		r("empty name", ents(file("", "x")), bad, entryMsg("", reasonEmpty)),
		r("file naming the root", ents(file("a/..", "x")), bad, entryMsg("a/..", reasonRoot)),
		r("component too long", ents(file("a/"+long, "")), bad, entryMsg("a/"+long, reasonTooLong)),
		r("path too long", ents(file(strings.Repeat("a/", 2049), "")), bad,
			entryMsg(strings.Repeat("a/", 2049), reasonTooLong)),
		r("symlink with a directory name", func(t testing.TB) []byte {
			b := buildZip(t, link("sym_", "target"))
			return bytes.ReplaceAll(b, []byte("sym_"), []byte("sym/"))
		}, bad, entryMsg("sym/", reasonType)),
		r("device", ents(zent{name: "dev", mode: fs.ModeDevice | 0o644}), bad, entryMsg("dev", reasonType)),
		r("named pipe", ents(zent{name: "fifo", mode: fs.ModeNamedPipe | 0o644}), bad, entryMsg("fifo", reasonType)),

		// Symlinks.
		r("symlink absolute", ents(link("l", "/etc/passwd")), bad, entryMsg("l", reasonLinkEscape)),
		r("symlink dotdot", ents(link("a/l", "../../x")), bad, entryMsg("a/l", reasonLinkEscape)),
		r("symlink drive", ents(link("l", "C:/x")), bad, entryMsg("l", reasonLinkEscape)),
		r("symlink to parent of root", ents(link("l", "..")), bad, entryMsg("l", reasonLinkEscape)),
		r("symlink through symlink", ents(link("a/b/up", "../.."), link("x", "a/b/up/..")), bad,
			entryMsg("x", reasonLinkEscape)),
		r("symlink through later symlink", ents(link("x", "a/b/up/.."), link("a/b/up", "../..")), bad,
			entryMsg("x", reasonLinkEscape)),
		r("symlink loop", ents(link("a", "b"), link("b", "a")), bad, entryMsg("a", reasonLinkLoop)),
		r("symlink self", ents(link("a", "a")), bad, entryMsg("a", reasonLinkLoop)),
		r("symlink empty target", ents(link("l", "")), bad, entryMsg("l", reasonLinkInvalid)),
		r("symlink NUL target", ents(link("l", "a\x00b")), bad, entryMsg("l", reasonLinkInvalid)),
		r("symlink backslash target", ents(link("l", `..\..\x`)), bad, entryMsg("l", reasonLinkInvalid)),
		r("symlink target too long", ents(link("l", strings.Repeat("a/", 2049))), bad, entryMsg("l", reasonLinkInvalid)),
		r("symlink chain too deep", func(t testing.TB) []byte {
			var es []zent
			for i := range 42 {
				es = append(es, link(fmt.Sprintf("l%02d", i), fmt.Sprintf("l%02d", i+1)))
			}
			return buildZip(t, es...)
		}, bad, entryMsg("l00", reasonLinkLoop)),

		// Collisions.
		r("duplicate file", ents(file("a.txt", "1"), file("a.txt", "2")), bad, entryMsg("a.txt", reasonCollision)),
		r("file and dir", ents(file("a", ""), dir("a/")), bad, entryMsg("a/", reasonCollision)),
		r("dir and file", ents(dir("a/"), file("a", "")), bad, entryMsg("a", reasonCollision)),
		r("file as parent", ents(file("a", ""), file("a/b", "")), bad, entryMsg("a/b", reasonCollision)),
		r("file after child", ents(file("a/b", ""), file("a", "")), bad, entryMsg("a", reasonCollision)),
		r("same after cleaning", ents(file("x/./y", ""), file("x//y", "")), bad, entryMsg("x//y", reasonCollision)),
		r("symlink as parent", ents(link("l", "sub"), dir("sub/"), file("l/x", "")), bad,
			entryMsg("l/x", reasonCollision)),
		r("symlink and file", ents(link("l", "a"), file("l", "")), bad, entryMsg("l", reasonCollision)),
	}
}

func TestInspectRefuses(t *testing.T) {
	for _, tc := range refusals() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := tc.limits
			if l == (Limits{}) {
				l = small
			}
			info, err := Inspect(tc.zip(t), l)
			wantRefusal(t, err, tc.kind, tc.msg)
			if info != (Info{}) {
				t.Fatalf("info = %+v with an error", info)
			}
		})
	}
}

type acceptance struct {
	name     string
	ents     []zent
	want     map[string]string // snapshot of the extracted tree
	unzipped int64
}

func acceptances() []acceptance {
	return []acceptance{
		{name: "empty package", want: map[string]string{}},
		{name: "nested dirs, implicit",
			ents: []zent{file("a/b/c.txt", "deep"), file("a/top.txt", "top"), file("root.txt", "r")},
			want: map[string]string{"a": "dir 0755", "a/b": "dir 0755", "a/b/c.txt": "file 0644 deep",
				"a/top.txt": "file 0644 top", "root.txt": "file 0644 r"},
			unzipped: 8},
		{name: "nested dirs, explicit and repeated",
			ents:     []zent{dir("./"), dir("a/"), dir("a/b/"), dir("a/"), file("a/b/c", "x"), dir("empty/")},
			want:     map[string]string{"a": "dir 0755", "a/b": "dir 0755", "a/b/c": "file 0644 x", "empty": "dir 0755"},
			unzipped: 1},
		{name: "exec bit",
			ents: []zent{exe("bootstrap", "#!/bin/sh"), file("data", "d"), {name: "odd", body: "o", mode: 0o710},
				{name: "suid", body: "s", mode: fs.ModeSetuid | 0o4755}, {name: "ro", body: "r", mode: 0o400}},
			want: map[string]string{"bootstrap": "file 0755 #!/bin/sh", "data": "file 0644 d",
				"odd": "file 0755 o", "suid": "file 0755 s", "ro": "file 0644 r"},
			unzipped: 13},
		{name: "msdos attributes", ents: []zent{{name: "win.txt", body: "w", fat: true}},
			want: map[string]string{"win.txt": "file 0644 w"}, unzipped: 1},
		{name: "in-package symlinks",
			ents: []zent{exe("lib/tool.sh", "run"), link("bin/tool", "../lib/tool.sh"), link("current", "lib"),
				link("via", "current/tool.sh"), link("dangling", "missing/file"), link("self/dir", "."),
				link("up/and/down", "../../lib/./tool.sh")},
			want: map[string]string{"lib": "dir 0755", "lib/tool.sh": "file 0755 run", "bin": "dir 0755",
				"bin/tool": "link ../lib/tool.sh", "current": "link lib", "via": "link current/tool.sh",
				"dangling": "link missing/file", "self": "dir 0755", "self/dir": "link .",
				"up": "dir 0755", "up/and": "dir 0755", "up/and/down": "link ../../lib/./tool.sh"},
			unzipped: 3 + 14 + 3 + 15 + 12 + 1 + 19},
		{name: "symlink up through symlink stays inside",
			ents: []zent{link("a/b/up", "../.."), link("x", "a/b/up/lib"), dir("lib/")},
			want: map[string]string{"a": "dir 0755", "a/b": "dir 0755", "a/b/up": "link ../..",
				"x": "link a/b/up/lib", "lib": "dir 0755"},
			unzipped: 5 + 10},
		{name: "dotdot that stays inside", ents: []zent{file("a/../b", "b")},
			want: map[string]string{"b": "file 0644 b"}, unzipped: 1},
		{name: "unusual but legal names", ents: []zent{file("sp ace/ünï.txt", "u"), file("ab:c", "c"), file("..x", "d")},
			want: map[string]string{"sp ace": "dir 0755", "sp ace/ünï.txt": "file 0644 u", "ab:c": "file 0644 c",
				"..x": "file 0644 d"},
			unzipped: 3},
		{name: "exactly MaxUnzipped", ents: []zent{file("full", string(make([]byte, 256<<10)))},
			want: map[string]string{"full": "file 0644 " + string(make([]byte, 256<<10))}, unzipped: 256 << 10},
	}
}

func TestInspectAccepts(t *testing.T) {
	for _, tc := range acceptances() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := buildZip(t, tc.ents...)
			info, err := Inspect(b, small)
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			want := Info{Sha256: sha256.Sum256(b), Size: int64(len(b)), UnzippedSize: tc.unzipped, Files: len(tc.ents)}
			if info != want {
				t.Fatalf("info = %+v, want %+v", info, want)
			}
		})
	}
}

func TestStoredEntry(t *testing.T) {
	body := []byte("stored, not deflated")
	b := rawZip(t, &zip.FileHeader{Name: "s", Method: zip.Store, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(len(body)), UncompressedSize64: uint64(len(body))}, body)
	info, err := Inspect(b, small)
	if err != nil || info.UnzippedSize != int64(len(body)) {
		t.Fatalf("Inspect = %+v, %v", info, err)
	}
}

func TestLimitsDefaults(t *testing.T) {
	got := Limits{MaxZipped: -1}.withDefaults()
	want := Limits{MaxZipped: 52428800, MaxUnzipped: 262144000, MaxFiles: 100000}
	if got != want {
		t.Fatalf("defaults = %+v, want %+v", got, want)
	}
	// The public messages quote the configured numbers.
	_, err := Inspect(make([]byte, 52428801), Limits{})
	wantRefusal(t, err, errkind.TooLarge, "Zipped size must be smaller than 52428800 bytes")
	_, err = Inspect(buildZip(t, file("big", string(make([]byte, 2000)))), Limits{MaxUnzipped: 1000})
	wantRefusal(t, err, errkind.InvalidArgument, "Unzipped size must be smaller than 1000 bytes")
}

func TestCodeSha256(t *testing.T) {
	b := buildZip(t, file("a", "b"))
	info, err := Inspect(b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if got, want := info.CodeSha256(), base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Fatalf("CodeSha256 = %q, want %q", got, want)
	}
	// The example from the Lambda API reference: 44 characters, padded.
	if got := (Info{}).CodeSha256(); len(got) != 44 || !strings.HasSuffix(got, "=") {
		t.Fatalf("CodeSha256 of zero = %q", got)
	}
}

// hostileSymlinks builds 1000 symlinks at depth 1000, each with a 4000-byte
// target that climbs and descends that deep chain of directories: checking
// them must cost time linear in the target lengths, not in targets times
// depth (which would take minutes).
func hostileSymlinks(t testing.TB) []byte {
	t.Helper()
	deep := strings.Repeat("d/", 1000)
	ents := []zent{file(deep+"f", "x")}
	for i := range 1000 {
		ents = append(ents, link(fmt.Sprintf("%sl%03d", deep, i), strings.Repeat("../d/", 800)+"f"))
	}
	return buildZip(t, ents...)
}

func TestHostileSymlinksAreCheap(t *testing.T) {
	info, err := Inspect(hostileSymlinks(t), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Files != 1001 {
		t.Fatalf("Files = %d", info.Files)
	}
}
