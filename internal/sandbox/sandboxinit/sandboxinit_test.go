package sandboxinit

import (
	"os"
	"testing"
)

func TestPolicyAssembles(t *testing.T) {
	raw, err := program()
	if err != nil {
		t.Fatalf("assemble: %v", err)
	}
	// The filter must fit the kernel's limit of 4096 instructions with
	// room to spare, and start with the architecture check.
	if n := len(raw); n < 10 || n > 1024 {
		t.Errorf("filter has %d instructions", n)
	}
	if raw[0].K != 4 {
		t.Errorf("first instruction loads offset %d, want the arch field (4)", raw[0].K)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Root: "/r", Argv: []string{"/var/task/bootstrap"}, Dir: "/var/task", UID: 993, GID: 990,
		Tmp: Tmp{SizeMB: 512}, Binds: []Bind{{Source: "/usr", Target: "/usr"}}}
	tests := []struct {
		name   string
		mutate func(*Config)
		valid  bool
	}{
		{"ok", func(*Config) {}, true},
		{"device tmp", func(c *Config) { c.Tmp = Tmp{Device: "/dev/loop3"} }, true},
		{"relative root", func(c *Config) { c.Root = "r" }, false},
		{"no argv", func(c *Config) { c.Argv = nil }, false},
		{"empty argv0", func(c *Config) { c.Argv = []string{""} }, false},
		{"relative dir", func(c *Config) { c.Dir = "task" }, false},
		{"root uid", func(c *Config) { c.UID = 0 }, false},
		{"root gid", func(c *Config) { c.GID = 0 }, false},
		{"no tmp", func(c *Config) { c.Tmp = Tmp{} }, false},
		{"bind over root", func(c *Config) { c.Binds = []Bind{{Source: "/usr", Target: "/"}} }, false},
		{"unclean target", func(c *Config) { c.Binds = []Bind{{Source: "/usr", Target: "/var/../etc"}} }, false},
		{"relative source", func(c *Config) { c.Binds = []Bind{{Source: "usr", Target: "/usr"}} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			c.Binds = append([]Bind(nil), ok.Binds...)
			tt.mutate(&c)
			if err := c.Validate(); (err == nil) != tt.valid {
				t.Errorf("Validate() = %v, want valid=%v", err, tt.valid)
			}
		})
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/tool", []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, path, want string
		err              bool
	}{
		{"/abs/bin", "", "/abs/bin", false},
		{"rel/bin", "", "rel/bin", false},
		{"tool", "/nonexistent:" + dir, dir + "/tool", false},
		{"missing", dir, "", true},
	}
	for _, tt := range tests {
		got, err := lookPath(tt.file, []string{"PATH=" + tt.path})
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("lookPath(%q) = %q, %v; want %q, err=%v", tt.file, got, err, tt.want, tt.err)
		}
	}
}

func TestDispatchRecords(t *testing.T) {
	Dispatch() // os.Args[1] is a test flag here, not sandbox-init
	if !Dispatched() {
		t.Fatal("Dispatched() = false after Dispatch")
	}
}
