package artifact

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"os"
	"path/filepath"

	"lambent/internal/errkind"
)

// Object file format, version 1:
//
//	magic "LMBA" | version 0x01 | key nonce (12) | wrapped data key (32+16) | data nonce (12) | sealed body
//
// where the body is uint64le(len(plaintext)) | plaintext | zero padding up to
// padme(len(plaintext)), plus the GCM tag. The data key is fresh per object.
// It is sealed with AES-256-GCM under the wrap key, the body under the data
// key, both with additional data magic|version|sha256(plaintext), so an
// object file renamed to another object's name, or given another object's
// wrapped key, fails to open. The padding keeps a file's size from pinning
// down which known package it holds.
const (
	objMagic   = "LMBA"
	objVersion = 1
	nonceSize  = 12
	tagSize    = 16
	keySize    = 32
	lenSize    = 8
	headerSize = len(objMagic) + 1 + nonceSize + keySize + tagSize + nonceSize
)

// ErrIntegrity reports an object file that fails authentication: it was
// modified, truncated, swapped with another, or written under another
// master key.
var ErrIntegrity = errors.New("artifact object fails authentication")

// Store is an encrypted, content-addressed blob store on local disk, one
// file per object. An object's address (digest) is the hex SHA-256 of its
// plaintext; its file name is HMAC-SHA256(name key, digest) and its size is
// padded, so a copy of the directory reveals neither contents nor which
// known package it holds. Files
// whose names start with ".tmp-" are unfinished writes left by a crash and
// may be removed while no Put runs. A Store is safe for concurrent use.
type Store struct {
	dir     string
	nameKey []byte // HMAC key for file names
	wrapKey []byte // AES-256-GCM key for data keys
}

// OpenStore opens the store in dir, creating dir with mode 0700 if needed.
// masterKey must be MasterKeySize bytes (see LoadOrCreateMasterKey); the
// name and wrap keys are derived from it with HKDF-SHA256.
func OpenStore(dir string, masterKey []byte) (*Store, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("open artifact store: master key has %d bytes, want %d", len(masterKey), MasterKeySize)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open artifact store: %w", err)
	}
	nameKey, err := hkdf.Key(sha256.New, masterKey, nil, "lambent artifact store v1: file names", keySize)
	if err != nil {
		return nil, fmt.Errorf("derive name key: %w", err)
	}
	wrapKey, err := hkdf.Key(sha256.New, masterKey, nil, "lambent artifact store v1: key wrapping", keySize)
	if err != nil {
		return nil, fmt.Errorf("derive wrap key: %w", err)
	}
	return &Store{dir: dir, nameKey: nameKey, wrapKey: wrapKey}, nil
}

// Put stores data and returns its digest. Storing data that is already
// present returns the same digest and leaves the existing file alone.
func (s *Store) Put(data []byte) (digest string, err error) {
	sum := sha256.Sum256(data)
	digest = hex.EncodeToString(sum[:])
	ok, err := s.has(sum)
	if err != nil {
		return "", fmt.Errorf("put artifact: %w", err)
	}
	if ok {
		return digest, nil
	}
	if err := writeFileAtomic(s.dir, s.fileName(sum), s.seal(sum, data), false); err != nil {
		return "", fmt.Errorf("put artifact: %w", err)
	}
	return digest, nil
}

// Get returns the plaintext stored under digest. It returns an
// errkind.NotFound error when there is none, an errkind.InvalidArgument error
// for a malformed digest, and an error wrapping ErrIntegrity when the file
// fails authentication.
func (s *Store) Get(digest string) ([]byte, error) {
	sum, err := parseDigest(digest)
	if err != nil {
		return nil, err
	}
	obj, err := os.ReadFile(filepath.Join(s.dir, s.fileName(sum)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errkind.Wrap(errkind.NotFound, "Artifact not found.", err)
	}
	if err != nil {
		return nil, fmt.Errorf("get artifact: %w", err)
	}
	data, err := s.open(sum, obj)
	if err != nil {
		return nil, fmt.Errorf("get artifact %s: %w", digest, err)
	}
	return data, nil
}

// Delete removes the object stored under digest; an absent object is not an
// error.
func (s *Store) Delete(digest string) error {
	sum, err := parseDigest(digest)
	if err != nil {
		return err
	}
	err = os.Remove(filepath.Join(s.dir, s.fileName(sum)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("delete artifact: %w", err)
	}
	return syncDir(s.dir)
}

// Has reports whether an object is stored under digest. It does not
// authenticate the object; Get does.
func (s *Store) Has(digest string) (bool, error) {
	sum, err := parseDigest(digest)
	if err != nil {
		return false, err
	}
	return s.has(sum)
}

func (s *Store) has(sum [32]byte) (bool, error) {
	_, err := os.Lstat(filepath.Join(s.dir, s.fileName(sum)))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("stat artifact: %w", err)
	}
	return true, nil
}

func (s *Store) fileName(sum [32]byte) string {
	m := hmac.New(sha256.New, s.nameKey)
	m.Write(sum[:])
	return hex.EncodeToString(m.Sum(nil))
}

func parseDigest(digest string) ([32]byte, error) {
	var sum [32]byte
	if len(digest) != hex.EncodedLen(len(sum)) {
		return sum, errkind.New(errkind.InvalidArgument, "Invalid artifact digest.")
	}
	if _, err := hex.Decode(sum[:], []byte(digest)); err != nil {
		return sum, errkind.Wrap(errkind.InvalidArgument, "Invalid artifact digest.", err)
	}
	return sum, nil
}

func (s *Store) seal(sum [32]byte, data []byte) []byte {
	dataKey := randomBytes(keySize)
	ad := additionalData(sum)
	n := lenSize + padme(len(data))
	out := make([]byte, 0, headerSize+n+tagSize)
	out = append(append(out, objMagic...), objVersion)
	keyNonce := randomBytes(nonceSize)
	out = mustGCM(s.wrapKey).Seal(append(out, keyNonce...), keyNonce, dataKey, ad)
	dataNonce := randomBytes(nonceSize)
	out = append(out, dataNonce...)
	body := out[len(out) : len(out)+n] // zeroed by make: the padding
	binary.LittleEndian.PutUint64(body, uint64(len(data)))
	copy(body[lenSize:], data)
	return mustGCM(dataKey).Seal(out, dataNonce, body, ad) // in place
}

func (s *Store) open(sum [32]byte, obj []byte) ([]byte, error) {
	if len(obj) < headerSize+lenSize+tagSize || string(obj[:len(objMagic)]) != objMagic {
		return nil, fmt.Errorf("bad header: %w", ErrIntegrity)
	}
	if v := obj[len(objMagic)]; v != objVersion {
		return nil, fmt.Errorf("unknown format version %d: %w", v, ErrIntegrity)
	}
	ad := additionalData(sum)
	rest := obj[len(objMagic)+1:]
	dataKey, err := mustGCM(s.wrapKey).Open(nil, rest[:nonceSize], rest[nonceSize:nonceSize+keySize+tagSize], ad)
	if err != nil {
		return nil, fmt.Errorf("unwrap data key: %w", ErrIntegrity)
	}
	rest = rest[nonceSize+keySize+tagSize:]
	sealed := rest[nonceSize:]
	body, err := mustGCM(dataKey).Open(sealed[:0], rest[:nonceSize], sealed, ad) // in place
	if err != nil {
		return nil, fmt.Errorf("decrypt content: %w", ErrIntegrity)
	}
	n := binary.LittleEndian.Uint64(body)
	if n > uint64(len(body)-lenSize) || len(body) != lenSize+padme(int(n)) {
		return nil, fmt.Errorf("bad length: %w", ErrIntegrity)
	}
	data := body[lenSize : lenSize+n]
	if sha256.Sum256(data) != sum { // cannot happen unless the wrap key leaked
		return nil, fmt.Errorf("content digest mismatch: %w", ErrIntegrity)
	}
	return data, nil
}

// padme rounds n up so that only its top bits are kept: sizes in one bucket
// are indistinguishable, at most about 12% (for large n, a few %) is added,
// and a size reveals O(log log n) bits (Nikitin et al., "Reducing Metadata
// Leakage from Encrypted Files and Communication with PURBs", 2019).
func padme(n int) int {
	if n < 2 {
		return n
	}
	e := bits.Len(uint(n)) - 1 // floor(log2 n)
	s := bits.Len(uint(e))     // floor(log2 e) + 1
	mask := 1<<(e-s) - 1
	return (n + mask) &^ mask
}

// randomBytes returns n bytes from crypto/rand, whose Read never fails
// (since Go 1.24 it crashes the program rather than return short).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func additionalData(sum [32]byte) []byte {
	return append(append([]byte(objMagic), objVersion), sum[:]...)
}

// mustGCM returns AES-256-GCM for a 32-byte key; other lengths are a bug.
func mustGCM(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}
