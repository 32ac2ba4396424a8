package linux

import (
	"io"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/kernel"
	"sos/internal/riscv"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

var fileCalls = []def{
	{56, Supported, sysOpenat, "fsxo", ""},
	{57, Supported, sysClose, "f", ""},
	{63, Supported, sysRead, "fpu", ""},
	{64, Supported, sysWrite, "fpu", ""},
	{65, Supported, sysReadv, "fpu", ""},
	{66, Supported, sysWritev, "fpu", ""},
	{67, Supported, sysPread64, "fpud", ""},
	{68, Supported, sysPwrite64, "fpud", ""},
	{69, Supported, sysPreadv, "fpud", ""},
	{70, Supported, sysPwritev, "fpud", ""},
	{62, Supported, sysLseek, "fdd", ""},
	{23, Supported, sysDup, "f", ""},
	{24, Supported, sysDup3, "ffx", ""},
	{25, Partial, sysFcntl, "fdx", "record locks always succeed (there is one machine)"},
	{80, Supported, sysFstat, "fp", ""},
	{79, Supported, sysNewfstatat, "fspx", ""},
	{291, Supported, sysStatx, "fsxxp", ""},
	{61, Supported, sysGetdents64, "fpu", ""},
	{78, Supported, sysReadlinkat, "fspu", ""},
	{34, Supported, sysMkdirat, "fso", ""},
	{33, Supported, sysMknodat, "fsox", ""},
	{35, Supported, sysUnlinkat, "fsx", ""},
	{36, Supported, sysSymlinkat, "sfs", ""},
	{37, Supported, sysLinkat, "fsfsx", ""},
	{276, Partial, sysRenameat2, "fsfsx", "RENAME_EXCHANGE and RENAME_WHITEOUT are not supported"},
	{46, Supported, sysFtruncate, "fd", ""},
	{45, Supported, sysTruncate, "sd", ""},
	{82, Supported, sysFsync, "f", ""},
	{83, Supported, sysFsync, "f", ""},
	{81, Supported, sysSync, "", ""},
	{267, Supported, sysSyncfs, "f", ""},
	{17, Supported, sysGetcwd, "pu", ""},
	{49, Supported, sysChdir, "s", ""},
	{50, Supported, sysFchdir, "f", ""},
	{51, Supported, sysChroot, "s", ""},
	{166, Supported, sysUmask, "o", ""},
	{48, Supported, sysFaccessat, "fso", ""},
	{439, Supported, sysFaccessat2, "fsox", ""},
	{52, Supported, sysFchmod, "fo", ""},
	{53, Supported, sysFchmodat, "fso", ""},
	{55, Supported, sysFchown, "fdd", ""},
	{54, Supported, sysFchownat, "fsddx", ""},
	{88, Supported, sysUtimensat, "fspx", ""},
	{59, Supported, sysPipe2, "px", ""},
	{29, Partial, sysIoctl, "fxx", "what each device implements: terminals, FIONREAD, FIONBIO, FIOCLEX"},
	{43, Supported, sysStatfs, "sp", ""},
	{44, Supported, sysFstatfs, "fp", ""},
	{32, Partial, sysFlock, "fx", "locks always succeed"},
	{436, Supported, sysCloseRange, "ffx", ""},
	{223, Supported, sysFadvise, "fddd", ""},
	{71, Supported, sysSendfile, "ffpu", ""},
	{285, Supported, sysCopyFileRange, "fpfpux", ""},
	{452, Supported, sysFchmodat2, "fsox", ""},
}

// maxRW bounds one read or write, as Linux's MAX_RW_COUNT.
const maxRW = 0x7ffff000

// pipeBuf is the size up to which a write to a pipe is atomic.
const pipeBuf = 4096

func getFile(t *kernel.Task, fd int) (*vfs.File, error) {
	return t.FDs().Get(fd)
}

// startDir returns the directory a *at call's path is relative to: nil
// (the working directory) for AT_FDCWD, else the directory open as dirfd.
// The returned function releases the reference.
func startDir(t *kernel.Task, dirfd int, path string) (*vfs.Dentry, func(), error) {
	if dirfd == abi.AT_FDCWD || (path != "" && path[0] == '/') {
		return nil, func() {}, nil
	}
	f, err := getFile(t, dirfd)
	if err != nil {
		return nil, nil, err
	}
	d := f.Dentry()
	if d == nil {
		f.DecRef()
		return nil, nil, abi.ENOTDIR
	}
	return d, f.DecRef, nil
}

func sysOpenat(t *kernel.Task, a Args) (uint64, error) {
	path, err := readPath(t, a[1])
	if err != nil {
		return 0, err
	}
	flags := a.Int(2)
	start, done, err := startDir(t, a.Int(0), path)
	if err != nil {
		return 0, err
	}
	defer done()
	fs := t.FS()
	f, err := t.Kernel().Namespace().Open(t, fs, start, path, flags, uint32(a[3])&0o7777)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	fd, err := t.FDs().Install(f, 0, flags&abi.O_CLOEXEC != 0)
	return uint64(fd), err
}

func sysClose(t *kernel.Task, a Args) (uint64, error) {
	return 0, t.FDs().Close(a.Int(0))
}

// waitReady blocks t until f may be ready for the events in mask, or a
// signal arrives (ERESTARTSYS). A wake-up is a hint: callers retry.
func waitReady(t *kernel.Task, f *vfs.File, mask waiter.EventMask) error {
	e := waiter.NewEntry(mask | waiter.EventErr | waiter.EventHUp)
	f.EventRegister(e)
	defer f.EventUnregister(e)
	if f.Readiness(mask|waiter.EventErr|waiter.EventHUp) != 0 {
		return nil
	}
	return t.Block(e.C, nil)
}

// readFile reads up to n bytes into user memory at va with read (which
// reads from the file into a buffer aliasing guest memory, one page at a
// time), blocking while the file has nothing to read unless it is
// non-blocking.
func readFile(t *kernel.Task, f *vfs.File, va, n uint64, read func(b []byte) (int, error)) (uint64, error) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	n = min(n, maxRW)
	if bounced(f, va, n) {
		// A file that is not ready (EAGAIN) waits below.
		if k, err := readBounced(t, va, n, read); err != abi.EAGAIN {
			return k, err
		}
	}
	for {
		done, err := t.MM().Access(va, n, true, read)
		if done > 0 {
			return uint64(done), nil
		}
		if err != abi.EAGAIN || f.Flags()&abi.O_NONBLOCK != 0 || n == 0 {
			return 0, err
		}
		if err := waitReady(t, f, waiter.EventIn); err != nil {
			return 0, err
		}
	}
}

// writeFile writes n bytes from user memory at va with write, blocking
// while the file cannot take more unless it is non-blocking. Small writes
// go in one piece (pipes make them atomic); a write to a closed pipe
// raises SIGPIPE.
func writeFile(t *kernel.Task, f *vfs.File, va, n uint64, write func(b []byte) (int, error)) (uint64, error) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	n = min(n, maxRW)
	if bounced(f, va, n) {
		if k, err := writeBounced(t, va, n, write); err != abi.EAGAIN {
			return k, err
		}
	}
	var small []byte
	if f.IsStream() && n <= pipeBuf {
		small = make([]byte, n)
		if err := copyIn(t, va, small); err != nil {
			return 0, err
		}
	}
	total := uint64(0)
	for {
		var done int
		var err error
		if small != nil {
			done, err = write(small)
		} else {
			done, err = t.MM().Access(va+total, n-total, false, write)
		}
		total += uint64(done)
		switch {
		case err == abi.EPIPE:
			t.Kernel().SendSignalTask(t, abi.SIGPIPE, nil)
			if total > 0 {
				return total, nil
			}
			return 0, err
		case err != nil && err != abi.EAGAIN:
			if total > 0 {
				return total, nil
			}
			return 0, err
		case total == n:
			return total, nil
		}
		if small != nil && done > 0 {
			small = small[done:]
		}
		if err == nil && done > 0 {
			continue
		}
		if f.Flags()&abi.O_NONBLOCK != 0 {
			if total > 0 {
				return total, nil
			}
			return 0, abi.EAGAIN
		}
		if err := waitReady(t, f, waiter.EventOut); err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
	}
}

// bounceMax is the largest piece of a regular file's read or write that
// goes through a kernel buffer in one call.
const bounceMax = 1 << 20

var bouncePool = sync.Pool{New: func() any { b := make([]byte, bounceMax); return &b }}

// bounced says whether a read or write of n bytes at va on f goes
// through a kernel buffer: for a regular file (anything with an offset)
// whose range crosses a page. User memory is contiguous only page by
// page, and file systems want large requests: FAT32's block cache loads
// every block a page-sized piece covers only in part, NFS sends one
// request per call. One copy through a buffer costs far less than either.
func bounced(f *vfs.File, va, n uint64) bool {
	return !f.IsStream() && va%riscv.PageSize+n > riscv.PageSize
}

// readBounced reads n bytes into user memory at va with read, through a
// kernel buffer, piece by piece until read returns less than asked.
func readBounced(t *kernel.Task, va, n uint64, read func(b []byte) (int, error)) (uint64, error) {
	bp := bouncePool.Get().(*[]byte)
	defer bouncePool.Put(bp)
	total := uint64(0)
	for total < n {
		b := (*bp)[:min(n-total, bounceMax)]
		k, err := read(b)
		if k > 0 {
			if cerr := copyOut(t, va+total, b[:k]); cerr != nil {
				// The file's offset has moved past data the program
				// did not get, as when Linux faults mid-copy.
				if total > 0 {
					return total, nil
				}
				return 0, cerr
			}
			total += uint64(k)
		}
		if err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		if k < len(b) {
			break
		}
	}
	return total, nil
}

// writeBounced writes n bytes from user memory at va with write, through
// a kernel buffer.
func writeBounced(t *kernel.Task, va, n uint64, write func(b []byte) (int, error)) (uint64, error) {
	bp := bouncePool.Get().(*[]byte)
	defer bouncePool.Put(bp)
	total := uint64(0)
	for total < n {
		b := (*bp)[:min(n-total, bounceMax)]
		if err := copyIn(t, va+total, b); err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		k, err := write(b)
		total += uint64(max(k, 0))
		if err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		if k < len(b) {
			break
		}
	}
	return total, nil
}

func sysRead(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if n, ok, err := socketReadWrite(t, f, [][2]uint64{{a[1], a[2]}}, false); ok {
		return n, err
	}
	return readFile(t, f, a[1], a[2], func(b []byte) (int, error) { return f.Read(t, b) })
}

func sysWrite(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if n, ok, err := socketReadWrite(t, f, [][2]uint64{{a[1], a[2]}}, true); ok {
		return n, err
	}
	return writeFile(t, f, a[1], a[2], func(b []byte) (int, error) { return f.Write(t, b) })
}

func sysPread64(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	return readFile(t, f, a[1], a[2], func(b []byte) (int, error) {
		n, err := f.ReadAt(t, b, off)
		off += int64(n)
		return n, err
	})
}

func sysPwrite64(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	return writeFile(t, f, a[1], a[2], func(b []byte) (int, error) {
		n, err := f.WriteAt(t, b, off)
		off += int64(n)
		return n, err
	})
}

// iovecs reads an array of struct iovec (base, len).
func iovecs(t *kernel.Task, va uint64, n int) ([][2]uint64, error) {
	if n < 0 || n > 1024 {
		return nil, abi.EINVAL
	}
	b := make([]byte, 16*n)
	if err := copyIn(t, va, b); err != nil {
		return nil, err
	}
	out := make([][2]uint64, n)
	var total uint64
	for i := range out {
		out[i] = [2]uint64{le.Uint64(b[16*i:]), le.Uint64(b[16*i+8:])}
		total += out[i][1]
		if int64(out[i][1]) < 0 || int64(total) < 0 {
			return nil, abi.EINVAL
		}
	}
	return out, nil
}

// vectored runs one transfer per iovec, stopping after a short one.
func vectored(t *kernel.Task, va uint64, n int, one func(base, length uint64) (uint64, error)) (uint64, error) {
	iov, err := iovecs(t, va, n)
	if err != nil {
		return 0, err
	}
	var total uint64
	for _, v := range iov {
		if v[1] == 0 {
			continue
		}
		got, err := one(v[0], v[1])
		total += got
		if err != nil {
			if total > 0 {
				return total, nil
			}
			return 0, err
		}
		if got < v[1] {
			break
		}
	}
	return total, nil
}

func sysReadv(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if n, ok, err := socketReadWriteV(t, f, a[1], a.Int(2), false); ok {
		return n, err
	}
	return vectored(t, a[1], a.Int(2), func(base, n uint64) (uint64, error) {
		return readFile(t, f, base, n, func(b []byte) (int, error) { return f.Read(t, b) })
	})
}

func sysWritev(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if n, ok, err := socketReadWriteV(t, f, a[1], a.Int(2), true); ok {
		return n, err
	}
	return vectored(t, a[1], a.Int(2), func(base, n uint64) (uint64, error) {
		return writeFile(t, f, base, n, func(b []byte) (int, error) { return f.Write(t, b) })
	})
}

func sysPreadv(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	return vectored(t, a[1], a.Int(2), func(base, n uint64) (uint64, error) {
		return readFile(t, f, base, n, func(b []byte) (int, error) {
			k, err := f.ReadAt(t, b, off)
			off += int64(k)
			return k, err
		})
	})
}

func sysPwritev(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	off := int64(a[3])
	if off < 0 {
		return 0, abi.EINVAL
	}
	return vectored(t, a[1], a.Int(2), func(base, n uint64) (uint64, error) {
		return writeFile(t, f, base, n, func(b []byte) (int, error) {
			k, err := f.WriteAt(t, b, off)
			off += int64(k)
			return k, err
		})
	})
}

func sysLseek(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	off, err := f.Seek(t, int64(a[1]), a.Int(2))
	return uint64(off), err
}

func sysDup(t *kernel.Task, a Args) (uint64, error) {
	fd, err := t.FDs().Dup(a.Int(0), 0, false)
	return uint64(fd), err
}

func sysDup3(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(2)
	if flags&^abi.O_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	fd, err := t.FDs().Dup3(a.Int(0), a.Int(1), flags&abi.O_CLOEXEC != 0)
	return uint64(fd), err
}

func sysFcntl(t *kernel.Task, a Args) (uint64, error) {
	fd, cmd := a.Int(0), a.Int(1)
	fds := t.FDs()
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		if a.Int(2) < 0 {
			return 0, abi.EINVAL
		}
		n, err := fds.Dup(fd, a.Int(2), cmd == abi.F_DUPFD_CLOEXEC)
		return uint64(n), err
	case abi.F_GETFD:
		c, err := fds.Cloexec(fd)
		if c {
			return abi.FD_CLOEXEC, err
		}
		return 0, err
	case abi.F_SETFD:
		return 0, fds.SetCloexec(fd, a[2]&abi.FD_CLOEXEC != 0)
	}
	f, err := fds.Get(fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	switch cmd {
	case abi.F_GETFL:
		return uint64(f.Flags() | abi.O_LARGEFILE), nil
	case abi.F_SETFL:
		f.SetFlags(a.Int(2))
		return 0, nil
	case abi.F_GETLK:
		// struct flock: l_type (short) first; F_UNLCK = 2 means "no lock".
		b := make([]byte, 2)
		le.PutUint16(b, 2)
		return 0, copyOut(t, a[2], b)
	case abi.F_SETLK, abi.F_SETLKW:
		return 0, nil
	case abi.F_GETOWN, abi.F_SETOWN:
		return 0, nil
	case abi.F_GETPIPE_SZ:
		n, err := pipe.Size(f.Ops())
		return uint64(n), err
	case abi.F_SETPIPE_SZ:
		n, err := pipe.SetSize(f.Ops(), a.Int(2), false)
		return uint64(n), err
	}
	return 0, abi.EINVAL
}

// encodeStat builds struct stat (asm-generic, 128 bytes).
func encodeStat(at vfs.Attr) []byte {
	b := make([]byte, 128)
	le.PutUint64(b[0:], at.Dev)
	le.PutUint64(b[8:], at.Ino)
	le.PutUint32(b[16:], at.Mode)
	le.PutUint32(b[20:], at.Nlink)
	le.PutUint32(b[24:], at.UID)
	le.PutUint32(b[28:], at.GID)
	le.PutUint64(b[32:], at.Rdev)
	le.PutUint64(b[48:], uint64(at.Size))
	blksize := at.Blksize
	if blksize == 0 {
		blksize = 4096
	}
	le.PutUint32(b[56:], uint32(blksize))
	le.PutUint64(b[64:], uint64(at.Blocks))
	putTime := func(off int, tm time.Time) {
		if tm.IsZero() {
			return
		}
		le.PutUint64(b[off:], uint64(tm.Unix()))
		le.PutUint64(b[off+8:], uint64(tm.Nanosecond()))
	}
	putTime(72, at.Atime)
	putTime(88, at.Mtime)
	putTime(104, at.Ctime)
	return b
}

func sysFstat(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	at, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return 0, copyOut(t, a[1], encodeStat(at))
}

// statAt stats path relative to dirfd, following the final link unless
// AT_SYMLINK_NOFOLLOW; an empty path with AT_EMPTY_PATH stats dirfd.
func statAt(t *kernel.Task, dirfd int, pathVA uint64, flags int) (vfs.Attr, error) {
	path, err := readPath(t, pathVA)
	if err != nil {
		return vfs.Attr{}, err
	}
	if path == "" {
		if flags&abi.AT_EMPTY_PATH == 0 {
			return vfs.Attr{}, abi.ENOENT
		}
		if dirfd == abi.AT_FDCWD {
			return t.Kernel().Namespace().Stat(t, t.FS(), nil, ".", true)
		}
		f, err := getFile(t, dirfd)
		if err != nil {
			return vfs.Attr{}, err
		}
		defer f.DecRef()
		return f.Stat()
	}
	start, done, err := startDir(t, dirfd, path)
	if err != nil {
		return vfs.Attr{}, err
	}
	defer done()
	return t.Kernel().Namespace().Stat(t, t.FS(), start, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0)
}

func sysNewfstatat(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(3)
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT) != 0 {
		return 0, abi.EINVAL
	}
	at, err := statAt(t, a.Int(0), a[1], flags)
	if err != nil {
		return 0, err
	}
	return 0, copyOut(t, a[2], encodeStat(at))
}

func sysStatx(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(2)
	const syncType = 0x6000
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT|syncType) != 0 {
		return 0, abi.EINVAL
	}
	at, err := statAt(t, a.Int(0), a[1], flags)
	if err != nil {
		return 0, err
	}
	const basicStats, btime = 0x7ff, 0x800
	b := make([]byte, 256)
	mask := uint32(basicStats)
	if !at.Btime.IsZero() {
		mask |= btime
	}
	le.PutUint32(b[0:], mask)
	blksize := at.Blksize
	if blksize == 0 {
		blksize = 4096
	}
	le.PutUint32(b[4:], uint32(blksize))
	le.PutUint32(b[16:], at.Nlink)
	le.PutUint32(b[20:], at.UID)
	le.PutUint32(b[24:], at.GID)
	le.PutUint16(b[28:], uint16(at.Mode))
	le.PutUint64(b[32:], at.Ino)
	le.PutUint64(b[40:], uint64(at.Size))
	le.PutUint64(b[48:], uint64(at.Blocks))
	putTS := func(off int, tm time.Time) {
		if tm.IsZero() {
			return
		}
		le.PutUint64(b[off:], uint64(tm.Unix()))
		le.PutUint32(b[off+8:], uint32(tm.Nanosecond()))
	}
	putTS(64, at.Atime)
	putTS(80, at.Btime)
	putTS(96, at.Ctime)
	putTS(112, at.Mtime)
	le.PutUint32(b[128:], vfs.Major(at.Rdev))
	le.PutUint32(b[132:], vfs.Minor(at.Rdev))
	le.PutUint32(b[136:], vfs.Major(at.Dev))
	le.PutUint32(b[140:], vfs.Minor(at.Dev))
	return 0, copyOut(t, a[4], b)
}

func sysGetdents64(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	size := min(a[2], 1<<20)
	buf := make([]byte, 0, size)
	err = f.ReadDirents(t, func(e vfs.DirEntry, next int64) bool {
		reclen := (19 + len(e.Name) + 1 + 7) &^ 7
		if uint64(len(buf)+reclen) > size {
			return false
		}
		rec := make([]byte, reclen)
		le.PutUint64(rec[0:], e.Ino)
		le.PutUint64(rec[8:], uint64(next))
		le.PutUint16(rec[16:], uint16(reclen))
		rec[18] = e.Type
		copy(rec[19:], e.Name)
		buf = append(buf, rec...)
		return true
	})
	if err != nil && len(buf) == 0 {
		return 0, err
	}
	if len(buf) == 0 && err == nil && size < 32 {
		return 0, abi.EINVAL
	}
	if err := copyOut(t, a[1], buf); err != nil {
		return 0, err
	}
	return uint64(len(buf)), nil
}

func sysReadlinkat(t *kernel.Task, a Args) (uint64, error) {
	path, err := readPath(t, a[1])
	if err != nil {
		return 0, err
	}
	if int64(a[3]) <= 0 {
		return 0, abi.EINVAL
	}
	start, done, err := startDir(t, a.Int(0), path)
	if err != nil {
		return 0, err
	}
	defer done()
	target, err := t.Kernel().Namespace().Readlink(t, t.FS(), start, path)
	if err != nil {
		return 0, err
	}
	b := []byte(target)
	if uint64(len(b)) > a[3] {
		b = b[:a[3]]
	}
	return uint64(len(b)), copyOut(t, a[2], b)
}

// atPath reads a *at call's path and its start directory, and runs op.
func atPath(t *kernel.Task, dirfd int, va uint64, op func(start *vfs.Dentry, path string) error) error {
	path, err := readPath(t, va)
	if err != nil {
		return err
	}
	start, done, err := startDir(t, dirfd, path)
	if err != nil {
		return err
	}
	defer done()
	return op(start, path)
}

func sysMkdirat(t *kernel.Task, a Args) (uint64, error) {
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().Mkdir(t, t.FS(), start, path, uint32(a[2])&0o7777)
	})
}

func sysMknodat(t *kernel.Task, a Args) (uint64, error) {
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().Mknod(t, t.FS(), start, path, uint32(a[2]), a[3])
	})
}

func sysUnlinkat(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(2)
	if flags&^abi.AT_REMOVEDIR != 0 {
		return 0, abi.EINVAL
	}
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		ns := t.Kernel().Namespace()
		if flags&abi.AT_REMOVEDIR != 0 {
			return ns.Rmdir(t, t.FS(), start, path)
		}
		return ns.Unlink(t, t.FS(), start, path)
	})
}

func sysSymlinkat(t *kernel.Task, a Args) (uint64, error) {
	target, err := readPath(t, a[0])
	if err != nil {
		return 0, err
	}
	return 0, atPath(t, a.Int(1), a[2], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().Symlink(t, t.FS(), target, start, path)
	})
}

func sysLinkat(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(4)
	if flags&^(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	return 0, atPath(t, a.Int(0), a[1], func(oldStart *vfs.Dentry, oldPath string) error {
		return atPath(t, a.Int(2), a[3], func(newStart *vfs.Dentry, newPath string) error {
			return t.Kernel().Namespace().Link(t, t.FS(), oldStart, oldPath, newStart, newPath, flags&abi.AT_SYMLINK_FOLLOW != 0)
		})
	})
}

func sysRenameat2(t *kernel.Task, a Args) (uint64, error) {
	return 0, atPath(t, a.Int(0), a[1], func(oldStart *vfs.Dentry, oldPath string) error {
		return atPath(t, a.Int(2), a[3], func(newStart *vfs.Dentry, newPath string) error {
			return t.Kernel().Namespace().Rename(t, t.FS(), oldStart, oldPath, newStart, newPath, uint32(a[4]))
		})
	})
}

func sysFtruncate(t *kernel.Task, a Args) (uint64, error) {
	if int64(a[1]) < 0 {
		return 0, abi.EINVAL
	}
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if !f.Writable() {
		return 0, abi.EINVAL
	}
	return 0, f.Truncate(t, t.FS().Creds(), int64(a[1]))
}

func sysTruncate(t *kernel.Task, a Args) (uint64, error) {
	if int64(a[1]) < 0 {
		return 0, abi.EINVAL
	}
	return 0, atPath(t, abi.AT_FDCWD, a[0], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().Truncate(t, t.FS(), start, path, int64(a[1]))
	})
}

func sysFsync(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Sync()
}

func sysGetcwd(t *kernel.Task, a Args) (uint64, error) {
	cwd, err := t.FS().Getcwd()
	if err != nil {
		return 0, err
	}
	b := append([]byte(cwd), 0)
	if uint64(len(b)) > a[1] {
		return 0, abi.ERANGE
	}
	return uint64(len(b)), copyOut(t, a[0], b)
}

func sysChdir(t *kernel.Task, a Args) (uint64, error) {
	return 0, atPath(t, abi.AT_FDCWD, a[0], func(start *vfs.Dentry, path string) error {
		d, err := t.Kernel().Namespace().Resolve(t, t.FS(), start, path, vfs.FollowFinal|vfs.MustBeDir)
		if err != nil {
			return err
		}
		return t.FS().Chdir(d)
	})
}

func sysFchdir(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if f.Dentry() == nil {
		return 0, abi.ENOTDIR
	}
	return 0, t.FS().Chdir(f.Dentry())
}

func sysChroot(t *kernel.Task, a Args) (uint64, error) {
	return 0, atPath(t, abi.AT_FDCWD, a[0], func(start *vfs.Dentry, path string) error {
		d, err := t.Kernel().Namespace().Resolve(t, t.FS(), start, path, vfs.FollowFinal|vfs.MustBeDir)
		if err != nil {
			return err
		}
		return t.FS().Chroot(d)
	})
}

func sysUmask(t *kernel.Task, a Args) (uint64, error) {
	return uint64(t.FS().SetUmask(uint32(a[0]) & 0o777)), nil
}

func sysFaccessat(t *kernel.Task, a Args) (uint64, error) {
	return sysFaccessat2(t, Args{a[0], a[1], a[2], 0})
}

func sysFaccessat2(t *kernel.Task, a Args) (uint64, error) {
	mode, flags := uint32(a[2]), a.Int(3)
	if mode&^7 != 0 || flags&^(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().Access(t, t.FS(), start, path, mode, flags)
	})
}

func sysFchmod(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	mode := uint32(a[1]) & 0o7777
	return 0, f.SetAttr(t, t.FS().Creds(), vfs.SetAttr{Mode: &mode})
}

func sysFchmodat(t *kernel.Task, a Args) (uint64, error) {
	mode := uint32(a[2]) & 0o7777
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().SetAttr(t, t.FS(), start, path, true, vfs.SetAttr{Mode: &mode})
	})
}

func sysFchmodat2(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(3)
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.AT_EMPTY_PATH != 0 {
		if path, err := readPath(t, a[1]); err == nil && path == "" {
			return sysFchmod(t, Args{a[0], a[2]})
		}
	}
	mode := uint32(a[2]) & 0o7777
	follow := flags&abi.AT_SYMLINK_NOFOLLOW == 0
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		if !follow {
			at, err := t.Kernel().Namespace().Stat(t, t.FS(), start, path, false)
			if err != nil {
				return err
			}
			if at.Mode&abi.S_IFMT == abi.S_IFLNK {
				return abi.EOPNOTSUPP // Linux cannot change a link's mode
			}
		}
		return t.Kernel().Namespace().SetAttr(t, t.FS(), start, path, follow, vfs.SetAttr{Mode: &mode})
	})
}

func chownAttr(uidArg, gidArg int) vfs.SetAttr {
	var sa vfs.SetAttr
	if uidArg != -1 {
		u := uint32(uidArg)
		sa.UID = &u
	}
	if gidArg != -1 {
		g := uint32(gidArg)
		sa.GID = &g
	}
	return sa
}

func sysFchown(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.SetAttr(t, t.FS().Creds(), chownAttr(a.Int(1), a.Int(2)))
}

func sysFchownat(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(4)
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().SetAttr(t, t.FS(), start, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, chownAttr(a.Int(2), a.Int(3)))
	})
}

// utimensat's special nanosecond values.
const (
	utimeNow  = (1 << 30) - 1
	utimeOmit = (1 << 30) - 2
)

func sysUtimensat(t *kernel.Task, a Args) (uint64, error) {
	var sa vfs.SetAttr
	now := time.Time{} // the VFS reads a zero time as "now"
	if a[2] == 0 {
		sa.Atime, sa.Mtime = &now, &now
	} else {
		b := make([]byte, 32)
		if err := copyIn(t, a[2], b); err != nil {
			return 0, err
		}
		for i, dst := range []**time.Time{&sa.Atime, &sa.Mtime} {
			sec, nsec := int64(le.Uint64(b[16*i:])), int64(le.Uint64(b[16*i+8:]))
			switch {
			case nsec == utimeOmit:
			case nsec == utimeNow:
				*dst = &now
			case nsec < 0 || nsec >= 1e9:
				return 0, abi.EINVAL
			default:
				tm := time.Unix(sec, nsec)
				*dst = &tm
			}
		}
	}
	flags := a.Int(3)
	if a[1] == 0 {
		// futimens: the file open as dirfd.
		f, err := getFile(t, a.Int(0))
		if err != nil {
			return 0, err
		}
		defer f.DecRef()
		return 0, f.SetAttr(t, t.FS().Creds(), sa)
	}
	return 0, atPath(t, a.Int(0), a[1], func(start *vfs.Dentry, path string) error {
		return t.Kernel().Namespace().SetAttr(t, t.FS(), start, path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, sa)
	})
}

func sysPipe2(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(1)
	if flags&^(abi.O_CLOEXEC|abi.O_NONBLOCK|abi.O_DIRECT) != 0 {
		return 0, abi.EINVAL
	}
	r, w := pipe.NewFiles(t, flags)
	defer r.DecRef()
	defer w.DecRef()
	return 0, installPair(t, r, w, flags&abi.O_CLOEXEC != 0, a[0])
}

// installPair installs f1 and f2 at the lowest free descriptors and
// writes the two as ints at va (pipe2, socketpair). On failure neither
// stays installed.
func installPair(t *kernel.Task, f1, f2 *vfs.File, cloexec bool, va uint64) error {
	fds := t.FDs()
	fd1, err := fds.Install(f1, 0, cloexec)
	if err != nil {
		return err
	}
	fd2, err := fds.Install(f2, 0, cloexec)
	if err != nil {
		fds.Close(fd1)
		return err
	}
	b := make([]byte, 8)
	le.PutUint32(b[0:], uint32(fd1))
	le.PutUint32(b[4:], uint32(fd2))
	if err := copyOut(t, va, b); err != nil {
		fds.Close(fd1)
		fds.Close(fd2)
		return err
	}
	return nil
}

// userMemory adapts a task's address space for ioctl arguments.
type userMemory struct{ t *kernel.Task }

func (m userMemory) CopyIn(va uint64, b []byte) error  { return copyIn(m.t, va, b) }
func (m userMemory) CopyOut(va uint64, b []byte) error { return copyOut(m.t, va, b) }

func sysIoctl(t *kernel.Task, a Args) (uint64, error) {
	fd, req := a.Int(0), uint32(a[1])
	switch req {
	case abi.FIOCLEX:
		return 0, t.FDs().SetCloexec(fd, true)
	case abi.FIONCLEX:
		return 0, t.FDs().SetCloexec(fd, false)
	}
	f, err := getFile(t, fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	switch req {
	case abi.FIONBIO:
		v, err := getU32(t, a[2])
		if err != nil {
			return 0, err
		}
		fl := f.Flags() &^ abi.O_NONBLOCK
		if v != 0 {
			fl |= abi.O_NONBLOCK
		}
		f.SetFlags(fl)
		return 0, nil
	case abi.FIONREAD:
		if !f.IsStream() {
			at, err := f.Stat()
			if err != nil {
				return 0, err
			}
			if at.Mode&abi.S_IFMT == abi.S_IFREG {
				return 0, putU32(t, a[2], uint32(max(at.Size-f.Offset(), 0)))
			}
		}
	}
	return f.Ioctl(t, userMemory{t}, req, a[2])
}

// encodeStatfs builds struct statfs (riscv64, 120 bytes).
func encodeStatfs(st vfs.StatFS) []byte {
	b := make([]byte, 120)
	le.PutUint64(b[0:], st.Type)
	le.PutUint64(b[8:], uint64(st.BlockSize))
	le.PutUint64(b[16:], st.Blocks)
	le.PutUint64(b[24:], st.BlocksFree)
	le.PutUint64(b[32:], st.BlocksAvail)
	le.PutUint64(b[40:], st.Files)
	le.PutUint64(b[48:], st.FilesFree)
	// f_fsid (56) stays zero, as Linux reports for most file systems.
	le.PutUint64(b[64:], uint64(st.NameLen))
	le.PutUint64(b[72:], uint64(st.BlockSize)) // f_frsize
	return b
}

// fsMagic is statfs's f_type for the file-system types whose mounts
// carry no vfs.FileSystem to say it (FAT32, NFS and tmpfs do).
var fsMagic = map[string]uint64{
	"tmpfs": 0x01021994, "devtmpfs": 0x01021994, "proc": 0x9fa0, "hostfs": 0x794c7630,
	"binfs": 0x794c7630, "sockfs": 0x534f434b, "pipefs": 0x50495045,
}

// statfsOf reports the file system d belongs to: what its FileSystem says,
// or, for file systems without a size (procfs, devfs), an empty one.
func statfsOf(d *vfs.Dentry) (vfs.StatFS, error) {
	st := vfs.StatFS{BlockSize: 4096, NameLen: 255}
	if fs := d.FileSystem(); fs != nil {
		var err error
		if st, err = fs.StatFS(); err != nil {
			return vfs.StatFS{}, err
		}
	}
	if st.Type == 0 {
		st.Type = fsMagic[d.FSType()]
	}
	if st.Type == 0 {
		st.Type = fsMagic["tmpfs"]
	}
	return st, nil
}

func sysStatfs(t *kernel.Task, a Args) (uint64, error) {
	path, err := readPath(t, a[0])
	if err != nil {
		return 0, err
	}
	d, err := t.Kernel().Namespace().Resolve(t, t.FS(), nil, path, vfs.FollowFinal)
	if err != nil {
		return 0, err
	}
	st, err := statfsOf(d)
	if err != nil {
		return 0, err
	}
	return 0, copyOut(t, a[1], encodeStatfs(st))
}

func sysFstatfs(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	d := f.Dentry()
	f.DecRef()
	st, err := statfsOf(d)
	if err != nil {
		return 0, err
	}
	return 0, copyOut(t, a[1], encodeStatfs(st))
}

// sysSync writes back every mounted file system. Linux's sync(2) cannot
// fail; errors stay with the files (and show at their fsync or close).
func sysSync(t *kernel.Task, a Args) (uint64, error) {
	t.Kernel().Namespace().Sync()
	return 0, nil
}

func sysSyncfs(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	d := f.Dentry()
	f.DecRef()
	if fs := d.FileSystem(); fs != nil {
		if err := fs.Sync(); err != nil {
			if errno, ok := err.(abi.Errno); ok {
				return 0, errno
			}
			return 0, abi.EIO
		}
	}
	return 0, nil
}

func sysFlock(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	f.DecRef()
	return 0, nil
}

func sysCloseRange(t *kernel.Task, a Args) (uint64, error) {
	const cloexec, unshare = 1 << 2, 1 << 1
	first, last, flags := uint32(a[0]), uint32(a[1]), a[2]
	if first > last || flags&^(cloexec|unshare) != 0 {
		return 0, abi.EINVAL
	}
	t.FDs().CloseRange(int(first), int(min(last, 1<<30)), flags&cloexec != 0)
	return 0, nil
}

func sysFadvise(t *kernel.Task, a Args) (uint64, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if f.IsStream() {
		return 0, abi.ESPIPE
	}
	return 0, nil
}

// sendfile copies between two files through a kernel buffer.
func sysSendfile(t *kernel.Task, a Args) (uint64, error) {
	out, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer out.DecRef()
	in, err := getFile(t, a.Int(1))
	if err != nil {
		return 0, err
	}
	defer in.DecRef()
	if !in.Readable() || !out.Writable() || out.Flags()&abi.O_APPEND != 0 {
		return 0, abi.EBADF
	}
	if a[2] == 0 {
		return copyBetween(t, in, nil, out, nil, a[3])
	}
	v, err := getU64(t, a[2])
	if err != nil {
		return 0, err
	}
	off := int64(v)
	if off < 0 {
		return 0, abi.EINVAL
	}
	n, err := copyBetween(t, in, &off, out, nil, a[3])
	if perr := putU64(t, a[2], uint64(off)); perr != nil && err == nil {
		return 0, perr
	}
	return n, err
}

// copy_file_range copies between two regular files.
func sysCopyFileRange(t *kernel.Task, a Args) (uint64, error) {
	if a[5] != 0 {
		return 0, abi.EINVAL
	}
	in, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer in.DecRef()
	out, err := getFile(t, a.Int(2))
	if err != nil {
		return 0, err
	}
	defer out.DecRef()
	if !in.Readable() || !out.Writable() || out.Flags()&abi.O_APPEND != 0 {
		return 0, abi.EBADF
	}
	for _, f := range []*vfs.File{in, out} {
		at, err := f.Stat()
		if err != nil {
			return 0, err
		}
		if at.Mode&abi.S_IFMT == abi.S_IFDIR {
			return 0, abi.EISDIR
		}
		if at.Mode&abi.S_IFMT != abi.S_IFREG {
			return 0, abi.EINVAL
		}
	}
	var offs [2]*int64
	for i, va := range []uint64{a[1], a[3]} {
		if va == 0 {
			continue
		}
		v, err := getU64(t, va)
		if err != nil {
			return 0, err
		}
		if int64(v) < 0 {
			return 0, abi.EINVAL
		}
		off := int64(v)
		offs[i] = &off
	}
	if in.Dentry() == out.Dentry() {
		// Overlapping ranges of one file are EINVAL, as on Linux.
		inOff, outOff := in.Offset(), out.Offset()
		if offs[0] != nil {
			inOff = *offs[0]
		}
		if offs[1] != nil {
			outOff = *offs[1]
		}
		n := int64(min(a[4], maxRW))
		if inOff < outOff+n && outOff < inOff+n {
			return 0, abi.EINVAL
		}
	}
	n, err := copyBetween(t, in, offs[0], out, offs[1], a[4])
	for i, va := range []uint64{a[1], a[3]} {
		if offs[i] != nil {
			if perr := putU64(t, va, uint64(*offs[i])); perr != nil && err == nil {
				return 0, perr
			}
		}
	}
	return n, err
}

// copyBetween copies up to count bytes from in to out through a kernel
// buffer, at *inOff and *outOff (advanced) or else at the files'
// offsets. It blocks for input only until the first bytes arrive, and for
// output as a write would; it returns how much it copied, or the error
// if that is nothing.
func copyBetween(t *kernel.Task, in *vfs.File, inOff *int64, out *vfs.File, outOff *int64, count uint64) (uint64, error) {
	count = min(count, maxRW)
	buf := make([]byte, min(count, 128<<10))
	var total uint64
	result := func(err error) (uint64, error) {
		if total > 0 {
			return total, nil
		}
		return 0, err
	}
	for total < count {
		// A non-blocking output that cannot take anything now: stop
		// before reading what could not be written.
		if out.Flags()&abi.O_NONBLOCK != 0 && out.Readiness(waiter.EventOut) == 0 {
			return result(abi.EAGAIN)
		}
		chunk := buf[:min(uint64(len(buf)), count-total)]
		var n int
		var err error
		for {
			if inOff != nil {
				n, err = in.ReadAt(t, chunk, *inOff)
			} else {
				n, err = in.Read(t, chunk)
			}
			if err != abi.EAGAIN || total > 0 || in.Flags()&abi.O_NONBLOCK != 0 {
				break
			}
			if werr := waitReady(t, in, waiter.EventIn); werr != nil {
				return 0, werr
			}
		}
		if n == 0 {
			if err == io.EOF {
				err = nil
			}
			return result(err)
		}
		if inOff != nil {
			*inOff += int64(n)
		}
		// What was read is written whole (blocking if need be), so
		// that nothing taken from a stream is lost.
		for data := chunk[:n]; len(data) > 0; {
			var w int
			if outOff != nil {
				w, err = out.WriteAt(t, data, *outOff)
				*outOff += int64(w)
			} else {
				w, err = out.Write(t, data)
			}
			data = data[w:]
			total += uint64(w)
			switch {
			case err == abi.EPIPE:
				t.Kernel().SendSignalTask(t, abi.SIGPIPE, nil)
				return result(err)
			case err == abi.EAGAIN:
				if werr := waitReady(t, out, waiter.EventOut); werr != nil {
					return result(werr)
				}
			case err != nil:
				return result(err)
			}
		}
	}
	return total, nil
}
