package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
)

// signingKey is a derived kSigning, kept as the two padded HMAC blocks so
// that signing a string needs no hmac.Hash (and no allocation).
type signingKey struct {
	ipad, opad [sha256.BlockSize]byte
}

func newSigningKey(secret, date, region, service string) *signingKey {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, terminator)
	sk := new(signingKey)
	for i := range sk.ipad {
		sk.ipad[i], sk.opad[i] = 0x36, 0x5c
	}
	for i, b := range k { // a 32-byte key is shorter than the block: no pre-hash
		sk.ipad[i] ^= b
		sk.opad[i] ^= b
	}
	return sk
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// sign returns HMAC-SHA256(kSigning, stringToSign), using buf as scratch
// space and returning it for reuse. It is RFC 2104 spelled out over the
// precomputed blocks.
func (k *signingKey) sign(buf []byte, stringToSign []byte) (sig [sha256.Size]byte, scratch []byte) {
	buf = append(buf[:0], k.ipad[:]...)
	buf = append(buf, stringToSign...)
	inner := sha256.Sum256(buf)
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(outer[:], k.opad[:])
	copy(outer[sha256.BlockSize:], inner[:])
	return sha256.Sum256(outer[:]), buf
}

// appendStringToSign appends
//
//	AWS4-HMAC-SHA256 \n date \n scope \n hex(SHA256(canonical request))
func appendStringToSign(dst []byte, amzDate, scope string, canonicalHash [sha256.Size]byte) []byte {
	dst = append(dst, algorithm...)
	dst = append(dst, '\n')
	dst = append(dst, amzDate...)
	dst = append(dst, '\n')
	dst = append(dst, scope...)
	dst = append(dst, '\n')
	return hex.AppendEncode(dst, canonicalHash[:])
}

// maxCachedKeys bounds the signing-key cache. A key is valid for one
// (secret, day, region, service), so the live set is small; when the cache
// is full an arbitrary entry makes room.
const maxCachedKeys = 1024

type cacheKey struct{ secret, date, region, service string }

// keyCache caches derived signing keys. Deriving one costs four HMACs; a
// warm request costs a map lookup under a mutex.
type keyCache struct {
	mu   sync.Mutex
	keys map[cacheKey]*signingKey
}

func (c *keyCache) get(secret, date, region, service string) *signingKey {
	ck := cacheKey{secret, date, region, service}
	c.mu.Lock()
	k := c.keys[ck]
	c.mu.Unlock()
	if k != nil {
		return k
	}
	k = newSigningKey(secret, date, region, service)
	// The scope strings are views into the request; copy them so the cache
	// does not pin request memory.
	ck = cacheKey{secret, strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = make(map[cacheKey]*signingKey)
	}
	if len(c.keys) >= maxCachedKeys {
		for old := range c.keys {
			delete(c.keys, old)
			break
		}
	}
	c.keys[ck] = k
	return k
}
