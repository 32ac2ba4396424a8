package vfs

import (
	"math"
	"sync"
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/waiter"
)

// Appender is implemented by files that can append atomically with respect
// to every writer, including writers through other open file descriptions
// (two processes appending to one log). The VFS uses it for O_APPEND
// writes; without it, an O_APPEND write goes to the size Attr reports,
// atomically only with respect to writers sharing the description. Append
// returns the bytes written and the offset just past them.
type Appender interface {
	Append(ctx Context, src []byte) (n int, end int64, err error)
}

// settableFlags are the status flags F_SETFL may change.
const settableFlags = abi.O_APPEND | abi.O_NONBLOCK | abi.O_ASYNC | abi.O_DIRECT | abi.O_NOATIME

// A File is an open file description: what open(2) makes and descriptors
// refer to. It keeps the file's offset and status flags around the
// FileOps of the file system, and is reference counted: every descriptor,
// and every caller holding one across a blocking operation, owns a
// reference, and the last DecRef releases the FileOps.
type File struct {
	refs   atomic.Int64
	ops    FileOps
	dentry *Dentry
	stream bool
	flags  atomic.Int32 // access mode and status flags

	// mu guards off and serialises the reads, writes, seeks and directory
	// reads that use it (streams do not take it).
	mu  sync.Mutex
	off int64
}

// NewFile returns an open file description with one reference, for ops
// opened with flags (the access mode and status flags; creation flags are
// dropped). d names the file; it may be nil or an anonymous dentry
// (NewAnonDentry) for a file made without a path (pipes, sockets,
// eventfd, epoll): Stat then asks ops, which should implement Node.
func NewFile(ops FileOps, d *Dentry, flags int) *File {
	f := &File{ops: ops, dentry: d}
	_, f.stream = ops.(Stream)
	f.flags.Store(int32(flags &^ (abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC | abi.O_CLOEXEC)))
	f.refs.Store(1)
	return f
}

// IncRef adds a reference.
func (f *File) IncRef() { f.refs.Add(1) }

// DecRef drops a reference; the last one releases the file's FileOps.
func (f *File) DecRef() {
	if f.refs.Add(-1) == 0 {
		f.ops.Release()
	}
}

// Ops returns the file's operations, for system calls that need more than
// the File offers (a socket's, an epoll instance's). For an O_PATH file
// they do nothing but fail with abi.EBADF.
func (f *File) Ops() FileOps { return f.ops }

// Dentry returns the file's dentry, or nil for an anonymous file made
// without one.
func (f *File) Dentry() *Dentry { return f.dentry }

// Flags returns the access mode and status flags (F_GETFL).
func (f *File) Flags() int { return int(f.flags.Load()) }

// SetFlags sets the status flags F_SETFL may change (O_APPEND, O_NONBLOCK,
// O_ASYNC, O_DIRECT, O_NOATIME) to those in flags and leaves the others.
func (f *File) SetFlags(flags int) {
	for {
		old := f.flags.Load()
		n := old&^settableFlags | int32(flags)&settableFlags
		if f.flags.CompareAndSwap(old, n) {
			return
		}
	}
}

// IsPath reports whether f was opened with O_PATH: it serves only as a
// directory for *at calls, for fchdir, fstat and the like.
func (f *File) IsPath() bool { return f.Flags()&abi.O_PATH != 0 }

// Readable reports whether f was opened for reading.
func (f *File) Readable() bool {
	fl := f.Flags()
	acc := fl & abi.O_ACCMODE
	return fl&abi.O_PATH == 0 && (acc == abi.O_RDONLY || acc == abi.O_RDWR)
}

// Writable reports whether f was opened for writing.
func (f *File) Writable() bool {
	fl := f.Flags()
	acc := fl & abi.O_ACCMODE
	return fl&abi.O_PATH == 0 && (acc == abi.O_WRONLY || acc == abi.O_RDWR)
}

// IsStream reports whether f has no offset (pipes, sockets, terminals).
func (f *File) IsStream() bool { return f.stream }

// Offset returns the file offset (for /proc/PID/fdinfo).
func (f *File) Offset() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.off
}

// Read reads from the file offset and advances it (read(2)). Streams have
// no offset. abi.EAGAIN means nothing can be read now: wait on f and
// retry.
func (f *File) Read(ctx Context, dst []byte) (int, error) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return f.ops.Read(ctx, dst, 0)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	n, err := f.ops.Read(ctx, dst, f.off)
	if n > 0 {
		f.off += int64(n)
	}
	return n, err
}

// Write writes at the file offset and advances it (write(2)); with
// O_APPEND it first moves the offset to the end of the file, atomically
// with respect to the other writers of the description (and, if the file
// is an Appender, of every description).
func (f *File) Write(ctx Context, src []byte) (int, error) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return f.ops.Write(ctx, src, 0)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Flags()&abi.O_APPEND != 0 {
		if ap, ok := f.ops.(Appender); ok {
			n, end, err := ap.Append(ctx, src)
			if n > 0 || err == nil {
				f.off = end
			}
			return n, err
		}
		a, err := f.Stat()
		if err != nil {
			return 0, err
		}
		f.off = a.Size
	}
	if f.off > math.MaxInt64-int64(len(src)) {
		return 0, abi.EFBIG
	}
	n, err := f.ops.Write(ctx, src, f.off)
	if n > 0 {
		f.off += int64(n)
	}
	return n, err
}

// ReadAt reads at off without using the file offset (pread64): abi.ESPIPE
// on a stream, abi.EINVAL for a negative offset.
func (f *File) ReadAt(ctx Context, dst []byte, off int64) (int, error) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return 0, abi.ESPIPE
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.ops.Read(ctx, dst, off)
}

// WriteAt writes at off without using the file offset (pwrite64). As on
// Linux, a file opened with O_APPEND appends regardless of off.
func (f *File) WriteAt(ctx Context, src []byte, off int64) (int, error) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return 0, abi.ESPIPE
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	if f.Flags()&abi.O_APPEND != 0 {
		if ap, ok := f.ops.(Appender); ok {
			n, _, err := ap.Append(ctx, src)
			return n, err
		}
		a, err := f.Stat()
		if err != nil {
			return 0, err
		}
		off = a.Size
	}
	if off > math.MaxInt64-int64(len(src)) {
		return 0, abi.EFBIG
	}
	return f.ops.Write(ctx, src, off)
}

// Seek moves the file offset (lseek(2)) and returns the new one. Files
// that implement Seeker decide for themselves; for others SEEK_SET,
// SEEK_CUR and SEEK_END work as usual, SEEK_DATA and SEEK_HOLE treat the
// whole file as data, and a negative result is abi.EINVAL. Streams are
// abi.ESPIPE.
func (f *File) Seek(ctx Context, off int64, whence int) (int64, error) {
	if f.IsPath() {
		return 0, abi.EBADF
	}
	if f.stream {
		return 0, abi.ESPIPE
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if sk, ok := f.ops.(Seeker); ok {
		n, err := sk.Seek(ctx, f.off, off, whence)
		if err == nil {
			f.off = n
		}
		return n, err
	}
	var base int64
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		base = f.off
	case abi.SEEK_END, abi.SEEK_DATA, abi.SEEK_HOLE:
		a, err := f.Stat()
		if err != nil {
			return 0, err
		}
		switch whence {
		case abi.SEEK_END:
			base = a.Size
		case abi.SEEK_DATA:
			if off < 0 || off >= a.Size {
				return 0, abi.ENXIO
			}
		case abi.SEEK_HOLE:
			if off < 0 || off >= a.Size {
				return 0, abi.ENXIO
			}
			off = a.Size
		}
	default:
		return 0, abi.EINVAL
	}
	if (off > 0 && base > math.MaxInt64-off) || base+off < 0 {
		return 0, abi.EINVAL
	}
	f.off = base + off
	return f.off, nil
}

// ReadDirents reads directory entries from the file offset, as
// getdents64(2) does: it calls fn with each entry and the offset of the
// entry after it (d_off), and advances the offset past every entry fn
// accepts; it stops at the end of the directory or when fn returns false,
// leaving that entry to be read next time. Entries 0 and 1 are "." and
// "..". A file that is not a directory is abi.ENOTDIR.
func (f *File) ReadDirents(ctx Context, fn func(e DirEntry, next int64) bool) error {
	if f.IsPath() {
		return abi.EBADF
	}
	dr, ok := f.ops.(DirReader)
	if !ok {
		return abi.ENOTDIR
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	const batch = 128
	for consumed := false; ; consumed = true {
		if f.off >= math.MaxInt32 {
			return nil
		}
		ents, err := dr.ReadDirAt(ctx, int(f.off), batch)
		if err != nil {
			if consumed {
				return nil // report what was read; the error comes next time
			}
			return err
		}
		if len(ents) == 0 {
			return nil
		}
		for _, e := range ents {
			if !fn(e, f.off+1) {
				return nil
			}
			f.off++
		}
	}
}

// Stat returns the file's attributes (fstat). An anonymous file's come
// from its FileOps, if they implement Node.
func (f *File) Stat() (Attr, error) {
	if f.dentry != nil && f.dentry.node != nil {
		return f.dentry.node.Attr()
	}
	if n, ok := f.ops.(Node); ok {
		return n.Attr()
	}
	return Attr{}, abi.EBADF
}

// SetAttr changes the file's attributes (fchmod, fchown, futimens) with
// the permission checks Namespace.SetAttr makes; creds are the caller's.
// A size change is ftruncate: see Truncate.
func (f *File) SetAttr(ctx Context, creds *Creds, a SetAttr) error {
	if f.IsPath() || f.dentry == nil {
		return abi.EBADF
	}
	if a.Size != nil {
		if err := f.Truncate(ctx, creds, *a.Size); err != nil {
			return err
		}
		a.Size = nil
		if a == (SetAttr{}) {
			return nil
		}
	}
	return setAttr(withCreds(ctx, creds), creds, f.dentry, a, false)
}

// Truncate changes the size of the file (ftruncate): abi.EINVAL unless it
// is a regular file open for writing and size is not negative. Write
// permission was checked when the file was opened.
func (f *File) Truncate(ctx Context, creds *Creds, size int64) error {
	if f.IsPath() || f.dentry == nil {
		return abi.EBADF
	}
	if !f.Writable() || size < 0 || f.dentry.typ != abi.S_IFREG {
		return abi.EINVAL
	}
	if m := f.dentry.mount; m != nil && m.readOnly {
		return abi.EROFS
	}
	return setAttr(withCreds(ctx, creds), creds, f.dentry, SetAttr{Size: &size}, true)
}

// Sync flushes the file's data to storage (fsync); files that keep
// nothing to flush succeed.
func (f *File) Sync() error {
	if f.IsPath() {
		return abi.EBADF
	}
	if s, ok := f.ops.(Syncer); ok {
		return s.Sync()
	}
	return nil
}

// Ioctl performs a device control (ioctl(2)); files without any are
// abi.ENOTTY.
func (f *File) Ioctl(ctx Context, mem UserMemory, req uint32, arg uint64) (uint64, error) {
	if f.IsPath() {
		return 0, abi.EBADF
	}
	if io, ok := f.ops.(Ioctler); ok {
		return io.Ioctl(ctx, mem, req, arg)
	}
	return 0, abi.ENOTTY
}

// Readiness returns which of the events in mask are ready (poll).
func (f *File) Readiness(mask waiter.EventMask) waiter.EventMask {
	return f.ops.Readiness(mask)
}

// EventRegister asks for e to be notified of the file's events.
func (f *File) EventRegister(e *waiter.Entry) { f.ops.EventRegister(e) }

// EventUnregister stops notifications to e.
func (f *File) EventUnregister(e *waiter.Entry) { f.ops.EventUnregister(e) }

var _ waiter.Waitable = (*File)(nil)
