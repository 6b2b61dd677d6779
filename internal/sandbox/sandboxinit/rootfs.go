package sandboxinit

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// Mount flags of the read-only binds and of everything that is not /dev.
const (
	roBind   = unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV
	tmpFlags = unix.MS_NOSUID | unix.MS_NODEV
)

// Paths under /proc masked with /dev/null (files) or an empty read-only
// tmpfs (directories), and paths made read-only: runc's defaults
// (libcontainer/specconv/example.go).
var (
	procMasked = []string{"acpi", "asound", "kcore", "keys", "latency_stats", "timer_list", "timer_stats",
		"sched_debug", "scsi", "sysrq-trigger"}
	procReadOnly = []string{"bus", "fs", "irq", "sys"}
	devices      = []string{"null", "zero", "full", "random", "urandom", "tty"}
)

// buildRoot assembles the new root on c.Root and pivots into it. It runs
// in the init's own mount namespace, made private first, so nothing
// propagates to or from the host.
func buildRoot(c *Config) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	r := c.Root
	if err := unix.Mount("tmpfs", r, "tmpfs", tmpFlags, "size=1m,nr_inodes=4096,mode=0755"); err != nil {
		return fmt.Errorf("mount root tmpfs: %w", err)
	}
	for _, d := range []string{"etc", "proc", "dev", "tmp", "var/task", "var/runtime", "opt"} {
		if err := os.MkdirAll(filepath.Join(r, d), 0o755); err != nil {
			return fmt.Errorf("create /%s: %w", d, err)
		}
	}
	steps := []struct {
		name string
		f    func(*Config) error
	}{
		{"write /etc", writeEtc},
		{"bind", bindAll},
		{"mount /tmp", mountTmp},
		{"mount /proc", mountProc},
		{"mount /dev", mountDev},
		{"pivot root", pivot},
	}
	for _, s := range steps {
		if err := s.f(c); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}

// writeEtc writes the minimal /etc: users, hosts, resolver and nsswitch.
func writeEtc(c *Config) error {
	uid, gid := strconv.Itoa(c.UID), strconv.Itoa(c.GID)
	// Without egress the environment has no network besides lo: lookups
	// fail fast.
	resolv := "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"
	if len(c.Nameservers) > 0 {
		resolv = ""
		for _, ns := range c.Nameservers {
			resolv += "nameserver " + ns + "\n"
		}
		resolv += "options timeout:2 attempts:2\n"
	}
	files := map[string]string{
		"passwd": "root:x:0:0:root:/root:/sbin/nologin\n" +
			"sbx_user1051:x:" + uid + ":" + gid + "::/tmp:/sbin/nologin\n",
		"group": "root:x:0:\nsbx_user1051:x:" + gid + ":\n",
		"hosts": "127.0.0.1\tlocalhost sandbox.localdomain " + c.Hostname + "\n" +
			"::1\tlocalhost ip6-localhost ip6-loopback\n",
		"resolv.conf":   resolv,
		"nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(c.Root, "etc", name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// bindAll makes each bind, read-only, nosuid and nodev.
func bindAll(c *Config) error {
	for _, b := range c.Binds {
		if err := bindReadOnly(b, filepath.Join(c.Root, b.Target)); err != nil {
			return fmt.Errorf("%s: %w", b.Target, err)
		}
	}
	return nil
}

func bindReadOnly(b Bind, dst string) error {
	info, err := os.Lstat(b.Source)
	if errors.Is(err, fs.ErrNotExist) && b.Optional {
		return nil
	}
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		link, err := os.Readlink(b.Source)
		if err != nil {
			return err
		}
		return os.Symlink(link, dst)
	case info.IsDir():
		err = os.MkdirAll(dst, 0o755)
	default:
		err = touch(dst)
	}
	if err != nil {
		return err
	}
	if err := unix.Mount(b.Source, dst, "", unix.MS_BIND, ""); err != nil {
		return err
	}
	return unix.Mount("", dst, "", roBind, "")
}

// touch creates an empty file to bind a file over.
func touch(p string) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}

// mountTmp mounts the environment's ext4 device, or a sized tmpfs, on
// /tmp with mode 1777.
func mountTmp(c *Config) error {
	dst := filepath.Join(c.Root, "tmp")
	if c.Tmp.Device == "" {
		inodes := c.Tmp.Inodes
		if inodes <= 0 {
			inodes = 16384
		}
		opts := fmt.Sprintf("size=%dm,nr_inodes=%d,mode=1777", c.Tmp.SizeMB, inodes)
		return unix.Mount("tmpfs", dst, "tmpfs", tmpFlags, opts)
	}
	// noinit_itable: the image is fresh and sparse, its inode tables read
	// as zeros, and zeroing them would write behind the function's back.
	if err := unix.Mount(c.Tmp.Device, dst, "ext4", tmpFlags, "noinit_itable"); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(dst, "lost+found")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return unix.Chmod(dst, 0o1777)
}

// mountProc mounts a fresh /proc of the new pid namespace, masks the
// sensitive files and makes the kernel tunables read-only.
func mountProc(c *Config) error {
	p := filepath.Join(c.Root, "proc")
	if err := unix.Mount("proc", p, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return err
	}
	for _, name := range procMasked {
		if err := mask(filepath.Join(p, name)); err != nil {
			return fmt.Errorf("mask /proc/%s: %w", name, err)
		}
	}
	for _, name := range procReadOnly {
		path := filepath.Join(p, name)
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := unix.Mount(path, path, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind /proc/%s: %w", name, err)
		}
		if err := unix.Mount("", path, "", roBind|unix.MS_NOEXEC, ""); err != nil {
			return fmt.Errorf("remount /proc/%s: %w", name, err)
		}
	}
	return nil
}

func mask(path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.IsDir() {
		return unix.Mount("tmpfs", path, "tmpfs", unix.MS_RDONLY|tmpFlags|unix.MS_NOEXEC, "size=4k,nr_inodes=2")
	}
	return unix.Mount("/dev/null", path, "", unix.MS_BIND, "")
}

// mountDev builds /dev: a small tmpfs holding binds of six character
// devices, the fd symlinks and an empty shm directory, then read-only.
func mountDev(c *Config) error {
	d := filepath.Join(c.Root, "dev")
	if err := unix.Mount("tmpfs", d, "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "size=64k,nr_inodes=64,mode=0755"); err != nil {
		return err
	}
	for _, name := range devices {
		dst := filepath.Join(d, name)
		if err := touch(dst); err != nil {
			return err
		}
		if err := unix.Mount("/dev/"+name, dst, "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind /dev/%s: %w", name, err)
		}
	}
	links := map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(d, name)); err != nil {
			return err
		}
	}
	if err := os.Mkdir(filepath.Join(d, "shm"), 0o755); err != nil {
		return err
	}
	return unix.Mount("", d, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NOEXEC, "")
}

// pivot enters the new root with runc's pivot_root(".", ".") trick, which
// needs no put_old directory, detaches the old root and makes / read-only.
func pivot(c *Config) error {
	if err := unix.Chdir(c.Root); err != nil {
		return err
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach old root: %w", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return err
	}
	if err := unix.Mount("", "/", "", roBind, ""); err != nil {
		return fmt.Errorf("remount / read-only: %w", err)
	}
	return nil
}
