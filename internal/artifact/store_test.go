package artifact

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"lambent/internal/errkind"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, MasterKeySize) }

func newStore(t testing.TB, key []byte) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "objects")
	s, err := OpenStore(dir, key)
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// objectFile returns the path of the only object in dir.
func objectFile(t testing.TB, dir string) string {
	t.Helper()
	names := dirNames(t, dir)
	if len(names) != 1 {
		t.Fatalf("store holds %q, want one object", names)
	}
	return filepath.Join(dir, names[0])
}

func TestStoreRoundTrip(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("store dir: %v, %v; want mode 0700", fi.Mode(), err)
	}
	for _, data := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("code"), 100000)} {
		digest, err := s.Put(data)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if digest != hex.EncodeToString(sum[:]) {
			t.Fatalf("digest = %s, want hex sha256", digest)
		}
		if ok, err := s.Has(digest); !ok || err != nil {
			t.Fatalf("Has = %v, %v", ok, err)
		}
		got, err := s.Get(digest)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Get = %d bytes, %v; want %d bytes", len(got), err, len(data))
		}
		if err := s.Delete(digest); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.Has(digest); ok || err != nil {
			t.Fatalf("Has after Delete = %v, %v", ok, err)
		}
		_, err = s.Get(digest)
		if !errkind.Is(err, errkind.NotFound) {
			t.Fatalf("Get after Delete = %v, want NotFound", err)
		}
		if err := s.Delete(digest); err != nil {
			t.Fatalf("Delete of an absent object = %v", err)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("store holds %q after deleting everything", names)
	}
}

func TestStorePutIsIdempotent(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	d1, err := s.Put([]byte("same"))
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(objectFile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	raw1, _ := os.ReadFile(objectFile(t, dir))
	d2, err := s.Put([]byte("same"))
	if err != nil || d2 != d1 {
		t.Fatalf("second Put = %s, %v; want %s", d2, err, d1)
	}
	after, err := os.Stat(objectFile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	raw2, _ := os.ReadFile(objectFile(t, dir))
	if !os.SameFile(before, after) || !bytes.Equal(raw1, raw2) {
		t.Fatal("second Put rewrote the object")
	}
}

func TestStoreConcurrentPut(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := s.Put([]byte{byte(i % 2)}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if names := dirNames(t, dir); len(names) != 2 {
		t.Fatalf("store holds %q, want two objects and no temp files", names)
	}
}

func TestStoreFileNamesHideDigest(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	data := []byte("public package everyone knows")
	digest, err := s.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(objectFile(t, dir))
	sum := sha256.Sum256(data)
	for _, leak := range []string{digest, digest[:16], base64.StdEncoding.EncodeToString(sum[:]),
		base64.RawURLEncoding.EncodeToString(sum[:]), strings.ToUpper(digest[:16])} {
		if strings.Contains(name, leak) {
			t.Fatalf("file name %s contains %s", name, leak)
		}
	}
	raw, err := os.ReadFile(objectFile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, data) || bytes.Contains(raw, sum[:]) || bytes.Contains(raw, []byte(digest)) {
		t.Fatal("object file holds the plaintext or its digest")
	}
	// Another master key names the same content differently.
	other, otherDir := newStore(t, testKey(2))
	if _, err := other.Put(data); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(objectFile(t, otherDir)) == name {
		t.Fatal("file name does not depend on the master key")
	}
}

func TestStorePadsSizes(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	size := func(n int) int64 {
		t.Helper()
		digest, err := s.Put(bytes.Repeat([]byte{'x'}, n))
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(dir, s.fileName(mustDigest(t, digest))))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if a, b := size(100000), size(100001); a != b {
		t.Fatalf("100000 and 100001 bytes stored as %d and %d bytes", a, b)
	}
	for _, tc := range []struct{ n, want int }{{0, 0}, {1, 1}, {7, 7}, {1000, 1024},
		{100000, 100352}, {52428800, 52428800}, {52428801, 53477376}} {
		if got := padme(tc.n); got != tc.want {
			t.Errorf("padme(%d) = %d, want %d", tc.n, got, tc.want)
		}
		if got := padme(tc.n); got < tc.n || float64(got) > 1.12*float64(tc.n)+1 {
			t.Errorf("padme(%d) = %d: out of bounds", tc.n, got)
		}
	}
}

func TestStoreDetectsTampering(t *testing.T) {
	data := bytes.Repeat([]byte("payload "), 64)
	s, dir := newStore(t, testKey(1))
	digest, err := s.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	path := objectFile(t, dir)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	offsets := map[string]int{"magic": 0, "version": 4, "key nonce": 5, "wrapped key": 20,
		"data nonce": headerSize - 1, "ciphertext": headerSize + 10, "tag": len(good) - 1}
	for name, off := range offsets {
		t.Run("flip "+name, func(t *testing.T) {
			bad := bytes.Clone(good)
			bad[off] ^= 0x01
			writeObject(t, path, bad)
			if _, err := s.Get(digest); err == nil || !errors.Is(err, ErrIntegrity) {
				t.Fatalf("Get = %v, want ErrIntegrity", err)
			}
		})
	}
	for name, bad := range map[string][]byte{"truncated": good[:len(good)-1], "header only": good[:headerSize],
		"empty": nil, "appended": append(bytes.Clone(good), 0)} {
		t.Run(name, func(t *testing.T) {
			writeObject(t, path, bad)
			if _, err := s.Get(digest); !errors.Is(err, ErrIntegrity) {
				t.Fatalf("Get = %v, want ErrIntegrity", err)
			}
		})
	}
	writeObject(t, path, good)
	if got, err := s.Get(digest); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get after restoring = %v", err)
	}
}

// An object file renamed to another object's name fails: the digest is
// authenticated as additional data.
func TestStoreDetectsSwappedFiles(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	if _, err := s.Put([]byte("package A")); err != nil {
		t.Fatal(err)
	}
	pathA := objectFile(t, dir)
	objA, _ := os.ReadFile(pathA)
	if err := os.Remove(pathA); err != nil {
		t.Fatal(err)
	}
	db, err := s.Put([]byte("package B"))
	if err != nil {
		t.Fatal(err)
	}
	pathB := objectFile(t, dir)
	objB, _ := os.ReadFile(pathB)
	writeObject(t, pathB, objA)
	if _, err := s.Get(db); !errors.Is(err, ErrIntegrity) {
		t.Fatalf("Get(B) holding A = %v, want ErrIntegrity", err)
	}
	// Splice B's wrapped key into A's body.
	spliced := append(bytes.Clone(objB[:headerSize]), objA[headerSize:]...)
	writeObject(t, pathB, spliced)
	if _, err := s.Get(db); !errors.Is(err, ErrIntegrity) {
		t.Fatalf("Get of a spliced object = %v, want ErrIntegrity", err)
	}
}

func TestStoreWrongMasterKey(t *testing.T) {
	s, dir := newStore(t, testKey(1))
	digest, err := s.Put([]byte("secret code"))
	if err != nil {
		t.Fatal(err)
	}
	other, err := OpenStore(dir, testKey(2))
	if err != nil {
		t.Fatal(err)
	}
	// Under another key the object is not even found by name...
	if _, err := other.Get(digest); !errkind.Is(err, errkind.NotFound) {
		t.Fatalf("Get with another key = %v, want NotFound", err)
	}
	// ...and renamed to where that key looks, it does not decrypt.
	writeObject(t, filepath.Join(dir, other.fileName(mustDigest(t, digest))), mustRead(t, objectFile(t, dir)))
	if _, err := other.Get(digest); !errors.Is(err, ErrIntegrity) {
		t.Fatalf("Get with another key = %v, want ErrIntegrity", err)
	}
}

func TestStoreRejectsBadInput(t *testing.T) {
	if _, err := OpenStore(t.TempDir(), make([]byte, 16)); err == nil {
		t.Fatal("OpenStore accepted a 16-byte key")
	}
	s, _ := newStore(t, testKey(1))
	for _, d := range []string{"", "abc", strings.Repeat("g", 64), "../" + strings.Repeat("a", 61)} {
		if _, err := s.Get(d); !errkind.Is(err, errkind.InvalidArgument) {
			t.Errorf("Get(%q) = %v, want InvalidArgument", d, err)
		}
		if _, err := s.Has(d); !errkind.Is(err, errkind.InvalidArgument) {
			t.Errorf("Has(%q) = %v, want InvalidArgument", d, err)
		}
		if err := s.Delete(d); !errkind.Is(err, errkind.InvalidArgument) {
			t.Errorf("Delete(%q) = %v, want InvalidArgument", d, err)
		}
	}
}

func writeObject(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDigest(t testing.TB, digest string) [32]byte {
	t.Helper()
	sum, err := parseDigest(digest)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}
