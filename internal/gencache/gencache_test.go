package gencache

import (
	"errors"
	"testing"
)

func TestGenerations(t *testing.T) {
	var c Cache[string, int]
	if _, ok := c.Get("a", 1); ok {
		t.Fatal("empty cache hit")
	}
	c.Put("a", 1, 10)
	if v, ok := c.Get("a", 1); !ok || v != 10 {
		t.Fatalf("Get at the same generation = %d, %v", v, ok)
	}
	if _, ok := c.Get("a", 2); ok {
		t.Fatal("served a value of an older generation")
	}
	c.Put("a", 2, 20)
	if v, ok := c.Get("a", 2); !ok || v != 20 {
		t.Fatalf("after Put at 2 = %d, %v", v, ok)
	}
}

func TestBounded(t *testing.T) {
	var c Cache[int, int]
	for i := range DefaultMax + 1 {
		c.Put(i, 1, i)
	}
	if len(c.entries) > DefaultMax {
		t.Fatalf("%d entries, bound %d", len(c.entries), DefaultMax)
	}
	if v, ok := c.Get(DefaultMax, 1); !ok || v != DefaultMax {
		t.Fatal("the newest entry was dropped")
	}
}

func TestGetOr(t *testing.T) {
	var c Cache[string, int]
	calls := 0
	compute := func() (int, error) { calls++; return 7, nil }
	for range 2 {
		if v, err := c.GetOr("k", 0, compute); err != nil || v != 7 {
			t.Fatalf("GetOr = %d, %v", v, err)
		}
	}
	if calls != 1 {
		t.Fatalf("computed %d times, want once", calls)
	}
	boom := errors.New("boom")
	if _, err := c.GetOr("bad", 0, func() (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("error = %v", err)
	}
	if _, ok := c.Get("bad", 0); ok {
		t.Fatal("a failed computation was stored")
	}
}
