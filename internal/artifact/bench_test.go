package artifact

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// benchPackage builds a package of about 5 MB zipped and 8 MB unzipped: 160
// files that are half random bytes and half repetitive text, in 16 dirs.
func benchPackage(b *testing.B) []byte {
	b.Helper()
	rng := rand.New(rand.NewChaCha8([32]byte{1}))
	var ents []zent
	for i := range 160 {
		body := make([]byte, 50<<10)
		for j := range 32 << 10 {
			body[j] = byte(rng.Uint32())
		}
		copy(body[32<<10:], fmt.Sprintf("%0*d", 18<<10, i))
		ents = append(ents, zent{name: fmt.Sprintf("d%02d/f%03d.js", i%16, i), body: string(body), mode: 0o644})
	}
	return buildZip(b, ents...)
}

func BenchmarkInspect(b *testing.B) {
	pkg := benchPackage(b)
	b.SetBytes(int64(len(pkg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(pkg, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectExtract is what a deployment costs: validate, then unpack.
func BenchmarkInspectExtract(b *testing.B) {
	pkg := benchPackage(b)
	base := b.TempDir()
	b.SetBytes(int64(len(pkg)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dir := filepath.Join(base, fmt.Sprint(i))
		i++
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if _, err := Inspect(pkg, Limits{}); err != nil {
			b.Fatal(err)
		}
		if err := Extract(pkg, dir, Limits{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func BenchmarkStorePutGet(b *testing.B) {
	pkg := benchPackage(b)
	s, _ := newStore(b, testKey(1))
	b.SetBytes(int64(len(pkg)))
	b.ReportAllocs()
	for b.Loop() {
		digest, err := s.Put(pkg)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Get(digest); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Delete(digest); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

func BenchmarkInspectHostileSymlinks(b *testing.B) {
	pkg := hostileSymlinks(b)
	b.SetBytes(int64(len(pkg)))
	for b.Loop() {
		if _, err := Inspect(pkg, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
