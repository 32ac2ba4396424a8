package rofs

import (
	"errors"
	"io"
	"io/fs"
	"sync"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// file is a regular file.
type file struct {
	node
}

// Open opens the file for reading. Anything that would write (a write
// access mode, O_TRUNC) is abi.EROFS. O_CREAT alone is accepted, since the
// file exists, as Linux accepts it on a read-only mount.
func (f *file) Open(ctx vfs.Context, flags int) (vfs.FileOps, error) {
	if flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_TRUNC != 0 {
		return nil, abi.EROFS
	}
	if flags&abi.O_DIRECTORY != 0 {
		return nil, abi.ENOTDIR
	}
	h, err := f.open()
	if err != nil {
		return nil, err
	}
	o := &openFile{file: f, f: h}
	o.ra, _ = h.(io.ReaderAt)
	return o, nil
}

// open opens the file in the FS. Between the Lstat that made this node
// and the open, the host may have replaced the file by a FIFO or a device,
// which must not be opened: the check before narrows that window to the
// one of os.Open itself, and the check after closes anything that is not
// a regular file.
func (f *file) open() (fs.File, error) {
	info, err := f.fs.lstat(f.name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, abi.ESTALE
	}
	h, err := f.fs.fsys.Open(f.name)
	if err != nil {
		return nil, errno(err)
	}
	info, err = h.Stat()
	if err != nil || !info.Mode().IsRegular() {
		h.Close()
		if err != nil {
			return nil, errno(err)
		}
		return nil, abi.ESTALE
	}
	return h, nil
}

// openFile is an open regular file. Reads at an offset use the file's
// io.ReaderAt where it has one (os.File, embed.FS and fstest.MapFS files
// do), which needs no locking; otherwise they seek, or read forward from
// the last position and reopen the file to go back.
type openFile struct {
	waiter.AlwaysReady
	file *file
	ra   io.ReaderAt // f as an io.ReaderAt, or nil

	// mu guards f and pos, for files without ReadAt.
	mu  sync.Mutex
	f   fs.File
	pos int64 // f's offset
}

var _ vfs.FileOps = (*openFile)(nil)

// Read reads from offset off. A short read at the end of the file returns
// what there is; (0, nil) is the end of the file.
func (o *openFile) Read(ctx vfs.Context, dst []byte, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	if len(dst) == 0 {
		return 0, nil
	}
	if o.ra != nil {
		n, err := o.ra.ReadAt(dst, off)
		if n == 0 && errors.Is(err, fs.ErrInvalid) {
			// embed.FS and fstest.MapFS files refuse offsets past
			// the end; for pread that is the end of the file.
			return 0, nil
		}
		return readResult(n, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.seek(off); err != nil {
		// Some files refuse to seek past their end (fs.ErrInvalid).
		if errors.Is(err, io.EOF) || errors.Is(err, fs.ErrInvalid) {
			return 0, nil
		}
		return 0, errno(err)
	}
	n, err := io.ReadAtLeast(o.f, dst, 1)
	o.pos += int64(n)
	return readResult(n, err)
}

// seek moves o.f to offset off. It returns io.EOF if the file ends before
// off.
func (o *openFile) seek(off int64) error {
	if off == o.pos {
		return nil
	}
	if s, ok := o.f.(io.Seeker); ok {
		pos, err := s.Seek(off, io.SeekStart)
		if err != nil {
			return err
		}
		o.pos = pos
		return nil
	}
	if off < o.pos {
		h, err := o.file.open()
		if err != nil {
			return err
		}
		o.f.Close()
		o.f, o.pos = h, 0
	}
	n, err := io.CopyN(io.Discard, o.f, off-o.pos)
	o.pos += n
	return err
}

// readResult turns what io.Reader and io.ReaderAt return into what
// FileOps.Read returns: data read before an error is reported without
// it, and the end of the file is not an error.
func readResult(n int, err error) (int, error) {
	if n > 0 || err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return n, nil
	}
	return 0, errno(err)
}

// Write fails: the VFS opens rofs files for reading only.
func (o *openFile) Write(ctx vfs.Context, src []byte, off int64) (int, error) {
	return 0, abi.EBADF
}

// Release closes the file in the FS.
func (o *openFile) Release() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.f.Close()
}
