package artifact

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lambent/internal/errkind"
)

// zent is one entry for buildZip.
type zent struct {
	name string
	body string
	mode fs.FileMode // 0 means a 0644 regular file
	fat  bool        // MS-DOS attributes instead of Unix ones
}

func file(name, body string) zent { return zent{name: name, body: body, mode: 0o644} }
func exe(name, body string) zent  { return zent{name: name, body: body, mode: 0o755} }
func dir(name string) zent        { return zent{name: name, mode: fs.ModeDir | 0o755} }
func link(name, target string) zent {
	return zent{name: name, body: target, mode: fs.ModeSymlink | 0o777}
}

// buildZip writes entries, deflated, with archive/zip, which writes any name
// it is given: that is what makes hostile test packages easy to build.
func buildZip(t testing.TB, ents ...zent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed) // the race detector makes level 6 slow
	})
	for _, e := range ents {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.fat {
			h.ExternalAttrs = 0x20 // MS-DOS "archive"; CreatorVersion 0 is FAT
		} else if e.mode != 0 {
			h.SetMode(e.mode)
		} else {
			h.SetMode(0o644)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatalf("create entry %q: %v", e.name, err)
		}
		if _, err := io.WriteString(w, e.body); err != nil {
			t.Fatalf("write entry %q: %v", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// rawZip writes one entry whose header fields are set by the caller, for
// packages archive/zip would not produce on its own.
func rawZip(t testing.TB, h *zip.FileHeader, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(h)
	if err != nil {
		t.Fatalf("create raw entry: %v", err)
	}
	if _, err := w.Write(raw); err != nil {
		t.Fatalf("write raw entry: %v", err)
	}
	if err := zw.Close(); err != nil {
		t.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lyingBomb deflates actual zero bytes into an entry whose local and central
// headers both claim claimed bytes.
func lyingBomb(t testing.TB, actual int, claimed uint64) []byte {
	t.Helper()
	zeros := make([]byte, actual)
	comp := deflate(t, zeros)
	return rawZip(t, &zip.FileHeader{
		Name: "bomb", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(zeros),
		CompressedSize64: uint64(len(comp)), UncompressedSize64: claimed,
	}, comp)
}

// patchUncompressedSizes overwrites the 32-bit uncompressed-size field of
// every central directory header and local header in b.
func patchUncompressedSizes(t testing.TB, b []byte, size uint32) []byte {
	t.Helper()
	b = slices.Clone(b)
	patched := 0
	for _, p := range []struct {
		sig string
		off int
	}{{"PK\x01\x02", 24}, {"PK\x03\x04", 22}} {
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte(p.sig))
			if j < 0 {
				break
			}
			binary.LittleEndian.PutUint32(b[i+j+p.off:], size)
			patched++
			i += j + len(p.sig)
		}
	}
	if patched < 2 {
		t.Fatalf("patched %d headers, want at least 2", patched)
	}
	return b
}

// wantRefusal fails unless err has the kind and public message given.
func wantRefusal(t testing.TB, err error, kind errkind.Kind, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %v %q", kind, msg)
	}
	e, ok := errkind.As(err)
	if !ok {
		t.Fatalf("err = %v, want a classified error", err)
	}
	if e.Kind != kind || e.Public != msg {
		t.Fatalf("err = %v %q, want %v %q\n(full: %v)", e.Kind, e.Public, kind, msg, err)
	}
}

// extractDir returns an empty "out" directory inside a fresh temp dir; the
// parent lets a test prove nothing was written next to it.
func extractDir(t testing.TB) (parent, out string) {
	t.Helper()
	parent = t.TempDir()
	out = filepath.Join(parent, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return parent, out
}

// wantOnlyEmptyOut fails unless parent holds exactly an empty "out".
func wantOnlyEmptyOut(t testing.TB, parent string) {
	t.Helper()
	if names := dirNames(t, parent); !slices.Equal(names, []string{"out"}) {
		t.Fatalf("parent holds %q, want only out", names)
	}
	if names := dirNames(t, filepath.Join(parent, "out")); len(names) != 0 {
		t.Fatalf("out holds %q, want nothing", names)
	}
}

func dirNames(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// snapshot describes an extracted tree: path → "dir 0755", "file 0644 body"
// or "link target".
func snapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == root {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			got[rel] = "link " + target
		case fi.IsDir():
			got[rel] = fmt.Sprintf("dir %04o", fi.Mode().Perm())
		default:
			body, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			got[rel] = fmt.Sprintf("file %04o %s", fi.Mode().Perm(), body)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}
