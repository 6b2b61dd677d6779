// Package awsid makes the random identifiers AWS hands out: unique IDs
// (AIDA…, AROA…), access key IDs (AKIA…, ASIA…) and secret access keys,
// from crypto/rand.
package awsid

import (
	"crypto/rand"
	"encoding/base64"
)

// alphabet is the 32 characters of AWS IDs' random part ([A-Z2-7]).
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// The ID prefixes (docs iam.md §1).
const (
	User          = "AIDA"
	Role          = "AROA"
	Group         = "AGPA"
	Policy        = "ANPA"
	AccessKey     = "AKIA" // long-term access key
	TemporaryKey  = "ASIA" // temporary (STS) access key
	uniqueIDLen   = 17
	accessKeyLen  = 16
	secretKeyBits = 30 * 8 // 40 base64 characters
)

// random returns prefix and n random characters of alphabet.
func random(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[b[i]&31]
	}
	return prefix + string(b)
}

// UniqueID returns a 21-character unique ID with prefix.
func UniqueID(prefix string) string { return random(prefix, uniqueIDLen) }

// AccessKeyID returns a 20-character access key ID with prefix.
func AccessKeyID(prefix string) string { return random(prefix, accessKeyLen) }

// SecretKey returns a 40-character secret access key.
func SecretKey() string {
	b := make([]byte, secretKeyBits/8)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}
