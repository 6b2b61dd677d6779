package baseimage

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"lambent/internal/runtimes"
	"lambent/internal/testenv"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestStoreRebuildsAfterAHostChange(t *testing.T) {
	host := fakeHost(t)
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	s := NewStore(filepath.Join(t.TempDir(), "images"), nil, clk.now)
	s.host = host
	provided := runtimes.Runtime{Name: "provided.al2023", Family: runtimes.FamilyProvided}
	first, err := s.Image(t.Context(), provided)
	if err != nil {
		t.Fatal(err)
	}
	if got := describe(filepath.Join(first, "etc/ssl/certs/ca-certificates.crt")); got != "file certs" {
		t.Fatalf("CA bundle: %s", got)
	}
	al2 := provided
	al2.Name = "provided.al2"
	if again, err := s.Image(t.Context(), al2); err != nil || again != first {
		t.Fatalf("provided.al2: %s, %v; want the shared image %s", again, err, first)
	}

	// The CA bundle is replaced by rename, as a package manager does.
	bundle := filepath.Join(host, "etc/ssl/certs/ca-certificates.crt")
	writeFile(t, bundle+".new", "new certs")
	if err := os.Rename(bundle+".new", bundle); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Image(t.Context(), provided); again != first {
		t.Fatalf("image changed before the re-check interval: %s", again)
	}
	clk.add(recheckEvery)
	_, _ = s.Image(t.Context(), provided) // starts the re-check
	var second string
	testenv.WaitFor(t, 30*time.Second, func() error {
		second, _ = s.Image(t.Context(), provided)
		if second == first {
			return errors.New("still the first image")
		}
		return nil
	})
	if got := describe(filepath.Join(second, "etc/ssl/certs/ca-certificates.crt")); got != "file new certs" {
		t.Errorf("new image's CA bundle: %s", got)
	}
	// Environments started earlier keep the old image.
	if got := describe(filepath.Join(first, "etc/ssl/certs/ca-certificates.crt")); got != "file certs" {
		t.Errorf("old image's CA bundle: %s", got)
	}
}

func TestStoreRetriesAFailedBuild(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "images"), nil, nil)
	s.host = t.TempDir()
	rt := runtimes.Runtime{Name: "python3.11", Family: runtimes.FamilyPython, Interpreter: "/nonexistent/python3.11"}
	for range 2 {
		if _, err := s.Image(t.Context(), rt); err == nil {
			t.Fatal("image of a missing interpreter built")
		}
	}
}
