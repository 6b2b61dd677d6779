package linux

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// diskTmp gives each environment a /tmp of exactly its ephemeral-storage
// size that is not charged to its memory limit (design §3.6): a sparse
// ext4 image, copied from a per-size template made once with mkfs.ext4,
// attached to a loop device with autoclear and direct I/O, and unlinked at
// once. The init mounts the device in its own mount namespace, so there is
// no host mount; when the environment's last process exits the mount
// namespace goes, the device detaches itself and the image's blocks are
// freed. Nothing is left behind even if Lambent crashes.
type diskTmp struct {
	dir  string // where templates and images live; a disk file system
	mkfs string
	uid  int
	gid  int

	mu        sync.Mutex
	templates map[int]string // size in MiB → template image
}

// findMkfs returns mkfs.ext4 from the system directories.
func findMkfs() (string, error) {
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		p := filepath.Join(dir, "mkfs.ext4")
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", errors.New("mkfs.ext4 not found in the system directories")
}

// diskTmpUsable tells why dir cannot hold /tmp images, or nil.
func diskTmpUsable(dir string) error {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return err
	}
	if st.Type == unix.TMPFS_MAGIC || st.Type == unix.RAMFS_MAGIC {
		return errors.New("the environments directory is in memory, so images there would use uncharged RAM")
	}
	if _, err := os.Stat("/dev/loop-control"); err != nil {
		return fmt.Errorf("no loop devices: %w", err)
	}
	return nil
}

// imageBytes sizes an image so that its usable space, after ext4's inode
// tables and its reserved clusters (2%), is about sizeMB MiB.
func imageBytes(sizeMB int) int64 {
	mb := int64(sizeMB)
	return (mb + mb*4/100 + 1) << 20
}

// template returns the template image for sizeMB, making it on first use.
func (d *diskTmp) template(sizeMB int) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.templates[sizeMB]; ok {
		return p, nil
	}
	p := filepath.Join(d.dir, ".tmp-template-"+strconv.Itoa(sizeMB)+".img")
	_ = os.Remove(p)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	err = f.Truncate(imageBytes(sizeMB))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	owner := fmt.Sprintf("root_owner=%d:%d", d.uid, d.gid)
	out, err := exec.Command(d.mkfs, "-q", "-F", "-b", "4096", "-m", "0", "-i", "16384",
		"-O", "^has_journal,^resize_inode", "-E", "lazy_itable_init=1,nodiscard,"+owner,
		"-L", "lambent-tmp", p).CombinedOutput()
	if err != nil {
		_ = os.Remove(p)
		return "", fmt.Errorf("mkfs.ext4: %w: %s", err, out)
	}
	if d.templates == nil {
		d.templates = map[int]string{}
	}
	d.templates[sizeMB] = p
	return p, nil
}

// attach gives a fresh image of sizeMB, written at path and unlinked
// before returning, and the loop device holding it. The caller keeps the
// device open until the init has mounted it (or failed), then closes it.
func (d *diskTmp) attach(sizeMB int, path string) (string, *os.File, error) {
	tpl, err := d.template(sizeMB)
	if err != nil {
		return "", nil, fmt.Errorf("make /tmp template: %w", err)
	}
	img, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", nil, err
	}
	defer img.Close()
	defer os.Remove(path)
	if err := copySparse(img, tpl); err != nil {
		return "", nil, fmt.Errorf("copy /tmp template: %w", err)
	}
	return attachLoop(img)
}

// copySparse copies src's data extents into dst, leaving holes as holes
// (a fresh template holds a few hundred KiB of data).
func copySparse(dst *os.File, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	ifd := int(in.Fd())
	for off := int64(0); off < size; {
		data, err := unix.Seek(ifd, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			break
		}
		if err != nil {
			return err
		}
		hole, err := unix.Seek(ifd, data, unix.SEEK_HOLE)
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.NewOffsetWriter(dst, data), io.NewSectionReader(in, data, hole-data)); err != nil {
			return err
		}
		off = hole
	}
	return dst.Truncate(size)
}

// attachLoop binds img to a free loop device with autoclear, direct I/O
// (so the image's pages are not cached twice) and 4 KiB blocks.
func attachLoop(img *os.File) (string, *os.File, error) {
	ctl, err := os.OpenFile("/dev/loop-control", os.O_RDWR, 0)
	if err != nil {
		return "", nil, err
	}
	defer ctl.Close()
	flags := uint32(unix.LO_FLAGS_AUTOCLEAR | unix.LO_FLAGS_DIRECT_IO)
	for range 16 {
		n, err := unix.IoctlRetInt(int(ctl.Fd()), unix.LOOP_CTL_GET_FREE)
		if err != nil {
			return "", nil, fmt.Errorf("find free loop device: %w", err)
		}
		path := "/dev/loop" + strconv.Itoa(n)
		dev, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			return "", nil, err
		}
		cfg := unix.LoopConfig{Fd: uint32(img.Fd()), Size: 4096}
		cfg.Info.Flags = flags
		err = unix.IoctlLoopConfigure(int(dev.Fd()), &cfg)
		if errors.Is(err, unix.EINVAL) && flags&unix.LO_FLAGS_DIRECT_IO != 0 {
			flags &^= unix.LO_FLAGS_DIRECT_IO // backing file system without O_DIRECT
			cfg.Info.Flags = flags
			err = unix.IoctlLoopConfigure(int(dev.Fd()), &cfg)
		}
		if err == nil {
			return path, dev, nil
		}
		dev.Close()
		if !errors.Is(err, unix.EBUSY) {
			return "", nil, fmt.Errorf("configure %s: %w", path, err)
		}
		// Another process took the device first: ask again.
	}
	return "", nil, errors.New("no free loop device")
}

// close removes the templates.
func (d *diskTmp) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range d.templates {
		_ = os.Remove(p)
	}
	d.templates = nil
}
