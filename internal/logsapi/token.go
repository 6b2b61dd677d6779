package logsapi

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// maxTokenLen bounds the tokens we are willing to decode.
const maxTokenLen = 4096

// pageToken is the position a nextToken (or GetLogEvents' f/ and b/ tokens)
// encodes: base64url of this JSON. Tokens are opaque to clients but not
// secret; they are bound to the operation and log group that issued them,
// and a forged position can only reach the caller's own data.
type pageToken struct {
	Op     string `json:"o"`
	Group  string `json:"g,omitempty"`
	Stream string `json:"s,omitempty"`
	// ID is an event ID: FilterLogEvents and f/ tokens continue after it,
	// b/ tokens before it.
	ID int64 `json:"i,omitempty"`
	// Name is the last log group name of a DescribeLogGroups page.
	Name string `json:"n,omitempty"`
	// Pos is the store's position of a DescribeLogStreams page, with the
	// ordering it belongs to.
	Pos        string `json:"p,omitempty"`
	ByTime     bool   `json:"t,omitempty"`
	Descending bool   `json:"d,omitempty"`
}

func (t pageToken) encode() string {
	b, err := json.Marshal(t)
	if err != nil {
		panic(err) // a struct of strings, ints and bools always marshals
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeToken parses s and checks it was issued by op for group (and
// stream, if any).
func decodeToken(s, op, group, stream string) (pageToken, error) {
	var t pageToken
	if len(s) > maxTokenLen {
		return t, errInvalidToken
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, fmt.Errorf("decode token: %w: %w", errInvalidToken, err)
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("decode token: %w: %w", errInvalidToken, err)
	}
	if t.Op != op || t.Group != group || t.Stream != stream || t.ID < 0 {
		return t, errInvalidToken
	}
	return t, nil
}
