package sandboxinit

import (
	"errors"
	"path"
	"strings"
)

// Arg is os.Args[1] of a sandbox init.
const Arg = "sandbox-init"

// Config is everything the init needs, sent by the parent as JSON on fd 3.
type Config struct {
	// Root is an empty host directory the init mounts the new root tmpfs
	// on, in its own mount namespace; the host never sees that mount.
	Root string `json:"root"`
	// Binds are read-only bind mounts into the new root. A source that is
	// a symlink (a usr-merged /bin, say) becomes the same symlink inside.
	Binds []Bind `json:"binds"`
	// Tmp describes /tmp.
	Tmp Tmp `json:"tmp"`
	// Hostname is the environment's host name.
	Hostname string `json:"hostname"`
	// UID and GID run the runtime (Lambda's sbx_user1051 is 993/990).
	UID int `json:"uid"`
	GID int `json:"gid"`
	// NoFile is RLIMIT_NOFILE (Lambda: 1024).
	NoFile uint64 `json:"nofile"`
	// Argv and Env are execve's arguments; Argv[0] is resolved inside the
	// environment (relative to Dir, or through PATH when it has no slash).
	Argv []string `json:"argv"`
	Env  []string `json:"env"`
	// Dir is the working directory inside, e.g. /var/task.
	Dir string `json:"dir"`
	// Nameservers go into /etc/resolv.conf; empty means none reachable
	// (127.0.0.1, so that lookups fail fast).
	Nameservers []string `json:"nameservers,omitempty"`
}

// Bind is one read-only bind mount.
type Bind struct {
	Source string `json:"source"` // host path
	Target string `json:"target"` // absolute path inside the environment
	// Optional binds are skipped when the source does not exist.
	Optional bool `json:"optional,omitempty"`
}

// Tmp describes the environment's /tmp.
type Tmp struct {
	// Device is a block device (a loop device) holding an empty ext4 file
	// system of the environment's ephemeral-storage size. Empty means a
	// tmpfs of SizeMB instead.
	Device string `json:"device,omitempty"`
	// SizeMB and Inodes size the tmpfs when Device is empty.
	SizeMB int `json:"size_mb,omitempty"`
	Inodes int `json:"inodes,omitempty"`
}

// Validate checks the fields the init relies on.
func (c *Config) Validate() error {
	switch {
	case c.Root == "" || !path.IsAbs(c.Root):
		return errors.New("root must be an absolute path")
	case len(c.Argv) == 0 || c.Argv[0] == "":
		return errors.New("empty command")
	case c.Dir == "" || !path.IsAbs(c.Dir):
		return errors.New("working directory must be an absolute path")
	case c.UID <= 0 || c.GID <= 0:
		return errors.New("uid and gid must be unprivileged")
	case c.Tmp.Device == "" && c.Tmp.SizeMB <= 0:
		return errors.New("tmp needs a device or a size")
	}
	for _, ns := range c.Nameservers {
		if strings.ContainsAny(ns, " \t\n\x00") || ns == "" {
			return errors.New("malformed nameserver")
		}
	}
	for _, b := range c.Binds {
		if !insideTarget(b.Target) || b.Source == "" || !path.IsAbs(b.Source) {
			return errors.New("bind " + b.Target + ": source and target must be clean absolute paths")
		}
	}
	return nil
}

// insideTarget accepts clean absolute paths other than "/".
func insideTarget(p string) bool {
	return path.IsAbs(p) && path.Clean(p) == p && p != "/" && !strings.Contains(p, "\x00")
}
