package runtimeapi

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkRoundTrip measures one invocation through the server: Invoke,
// the runtime's GET /next, and its POST /response, over loopback with a
// minimal Go HTTP client playing the runtime.
func BenchmarkRoundTrip(b *testing.B) {
	h := newHarness(b)
	base := "http://" + h.addr + "/2018-06-01/runtime/invocation/"
	go func() {
		for {
			resp, err := h.client.Get(base + "next")
			if err != nil {
				return
			}
			payload, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return
			}
			id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
			resp, err = h.client.Post(base+id+"/response", "application/json", bytes.NewReader(payload))
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	payload := []byte(`{"key":"value"}`)
	deadline := time.Now().Add(time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		res, err := h.s.Invoke(b.Context(), &Invocation{RequestID: "bench", Payload: payload, Deadline: deadline})
		if err != nil || res.Error || len(res.Payload) != len(payload) {
			b.Fatalf("Invoke = %+v, %v", res, err)
		}
	}
}
