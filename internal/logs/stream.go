package logs

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// StreamName returns Lambda's log stream name for an execution environment
// started at t running version: "YYYY/MM/DD/[VERSION]<32 hex>" with the UTC
// date. id is used as is when it is 32 hex digits (folded to lower case); any
// other id, such as a UUID, is hashed to 32 hex digits so the format holds.
func StreamName(t time.Time, version, id string) string {
	return t.UTC().Format("2006/01/02") + "/[" + version + "]" + streamID(id)
}

func streamID(id string) string {
	if len(id) == 32 {
		if b, err := hex.DecodeString(id); err == nil {
			return hex.EncodeToString(b)
		}
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}
