package sqlite

import (
	"strconv"
	"testing"

	"lambent/internal/store"
)

func BenchmarkGetFunction(b *testing.B) {
	db := openTemp(b)
	f := &store.Function{Name: "hello", Version: store.LatestVersion, CodeDigest: "sha256:a",
		Config: make([]byte, 2048), Tags: map[string]string{"team": "blue"}}
	if err := db.CreateFunction(b.Context(), acct, f); err != nil {
		b.Fatalf("CreateFunction: %v", err)
	}
	for b.Loop() {
		if _, err := db.GetFunction(b.Context(), acct, "hello", store.LatestVersion); err != nil {
			b.Fatalf("GetFunction: %v", err)
		}
	}
}

func BenchmarkAppendLogEvents(b *testing.B) {
	db := openTemp(b)
	batch := make([]store.LogEvent, 10)
	for i := range batch {
		batch[i] = store.LogEvent{Timestamp: int64(i), IngestionTime: int64(i),
			Message: "START RequestId: 8f5a2c1e-0000-4000-8000-00000000000" + strconv.Itoa(i) + " Version: $LATEST"}
	}
	for b.Loop() {
		if err := db.AppendLogEvents(b.Context(), acct, "/aws/lambda/hello", "2025/01/01/[$LATEST]abc", batch); err != nil {
			b.Fatalf("AppendLogEvents: %v", err)
		}
	}
}
