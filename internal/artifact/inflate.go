package artifact

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// inflater decompresses entries against one budget for the whole package.
// It counts the bytes it produces and stops one byte past the budget, so a
// header that understates an entry's size buys nothing.
type inflater struct {
	used, max int64
	fr        io.ReadCloser // reused deflate reader
	buf       []byte
}

func newInflater(max int64) *inflater {
	return &inflater{max: max, buf: make([]byte, 32<<10)}
}

// copy writes f's decompressed content to w. It returns errUnzipped when the
// budget is exceeded, errCorrupt when the data is unreadable or disagrees
// with the central directory (size or CRC-32), and w's errors as they are.
func (z *inflater) copy(w io.Writer, f *zip.File) error {
	src, err := z.open(f)
	if err != nil {
		return errCorrupt(fmt.Errorf("open entry %q: %w", f.Name, err))
	}
	in := &readErrs{r: io.LimitReader(src, z.max-z.used+1)}
	sum := crc32.NewIEEE()
	n, err := io.CopyBuffer(io.MultiWriter(w, sum), in, z.buf)
	z.used += n
	switch {
	case z.used > z.max:
		return errUnzipped(z.max)
	case in.err != nil:
		return errCorrupt(fmt.Errorf("inflate entry %q: %w", f.Name, in.err))
	case err != nil:
		return err
	case uint64(n) != f.UncompressedSize64:
		return errCorrupt(fmt.Errorf("entry %q: %d bytes, header says %d", f.Name, n, f.UncompressedSize64))
	case sum.Sum32() != f.CRC32:
		return errCorrupt(fmt.Errorf("entry %q: %w", f.Name, zip.ErrChecksum))
	}
	return nil
}

// open returns a reader of f's decompressed bytes. It decompresses the raw
// data itself rather than use f.Open, whose reader trusts the header's size.
func (z *inflater) open(f *zip.File) (io.Reader, error) {
	if f.Flags&0x1 != 0 {
		return nil, errors.New("encrypted entry")
	}
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, err
	}
	switch f.Method {
	case zip.Store:
		return raw, nil
	case zip.Deflate:
		if z.fr == nil {
			z.fr = flate.NewReader(raw)
			return z.fr, nil
		}
		return z.fr, z.fr.(flate.Resetter).Reset(raw, nil)
	}
	return nil, fmt.Errorf("unsupported compression method %d", f.Method)
}

// readErrs records the source's errors so that copy can tell a corrupt
// package from a failing destination.
type readErrs struct {
	r   io.Reader
	err error
}

func (r *readErrs) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		r.err = err
	}
	return n, err
}

var errCapExceeded = errors.New("content over capacity")

// capWriter buffers at most max bytes.
type capWriter struct {
	b   []byte
	max int
}

func (c *capWriter) Write(p []byte) (int, error) {
	if len(c.b)+len(p) > c.max {
		return 0, errCapExceeded
	}
	c.b = append(c.b, p...)
	return len(p), nil
}
