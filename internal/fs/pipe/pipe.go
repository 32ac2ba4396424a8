// Package pipe implements pipes: the anonymous pipes of pipe2(2) and the
// buffers behind FIFOs (named pipes) that other file systems make with
// mknod. A pipe is a ring buffer (64 KiB by default) with counts of its
// readers and writers; its ends are non-blocking vfs.FileOps that answer
// abi.EAGAIN when they cannot proceed and notify the pipe's waiter queue
// on every change, so the system-call layer can block, poll and epoll on
// them.
//
// It depends only on the VFS interfaces, the waiter queue and the ABI
// constants, never on the kernel or on another file system.
package pipe

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Sizes.
const (
	// DefaultSize is the capacity of a new pipe.
	DefaultSize = 64 << 10
	// Atomic is PIPE_BUF: writes of at most this many bytes are never
	// split; they happen whole or fail with abi.EAGAIN.
	Atomic = 4096
	// MaxSize is the largest capacity SetSize grants to users other
	// than root (Linux's /proc/sys/fs/pipe-max-size).
	MaxSize = 1 << 20
)

var (
	pipeDev = vfs.NewAnonDev()
	lastIno atomic.Uint64
	_       vfs.Node    = (*Pipe)(nil)
	_       vfs.Opener  = (*Pipe)(nil)
	_       vfs.FileOps = (*end)(nil)
	_       vfs.Stream  = (*end)(nil)
	_       vfs.Node    = (*end)(nil)
	_       vfs.Ioctler = (*end)(nil)
)

// A Pipe is a pipe buffer and its ends. For a FIFO, a file system keeps
// one Pipe per FIFO node and opens it (Open) for every open of the node.
type Pipe struct {
	q     waiter.Queue
	ino   uint64
	ctime time.Time
	uid   uint32
	gid   uint32

	// mu guards the following fields.
	mu      sync.Mutex
	buf     []byte // the ring, allocated at the first write
	size    int    // capacity
	head    int    // index in buf of the first unread byte
	n       int    // unread bytes
	readers int
	writers int
	// rOpens and wOpens count the opens for reading and for writing ever
	// made, so that a FIFO end can tell whether a partner has come since
	// it was opened.
	rOpens uint64
	wOpens uint64
}

// NewFIFO returns a pipe with no ends open, for a FIFO node owned by
// uid:gid: each open of the node calls Open.
func NewFIFO(uid, gid uint32) *Pipe {
	return &Pipe{ino: lastIno.Add(1), ctime: time.Now(), uid: uid, gid: gid, size: DefaultSize}
}

// New returns the two ends of a new anonymous pipe (pipe2(2)).
func New() (r, w vfs.FileOps) {
	p := NewFIFO(0, 0)
	p.readers, p.writers = 1, 1
	p.rOpens, p.wOpens = 1, 1
	return &end{p: p, read: true}, &end{p: p, write: true}
}

// NewFiles returns the open file descriptions of a new anonymous pipe's
// read and write ends, as pipe2(2) makes them: flags may hold
// abi.O_NONBLOCK (and abi.O_CLOEXEC, which the caller applies to the
// descriptors). The pipe is owned by the credentials ctx carries
// (vfs.ContextCreds), and both files share one anonymous dentry named
// "pipe:[ino]" whose node is the Pipe, so reopening /proc/self/fd/N opens
// the pipe again as a FIFO.
func NewFiles(ctx vfs.Context, flags int) (r, w *vfs.File) {
	c := vfs.ContextCreds(ctx)
	p := NewFIFO(c.UID, c.GID)
	p.readers, p.writers = 1, 1
	p.rOpens, p.wOpens = 1, 1
	d := vfs.NewAnonDentry(fmt.Sprintf("pipe:[%d]", p.ino), p)
	st := flags & abi.O_NONBLOCK
	r = vfs.NewFile(&end{p: p, read: true}, d, abi.O_RDONLY|st)
	w = vfs.NewFile(&end{p: p, write: true}, d, abi.O_WRONLY|st)
	return r, w
}

// Attr describes the pipe: a FIFO with permissions 0600 for an anonymous
// pipe's owner.
func (p *Pipe) Attr() (vfs.Attr, error) {
	return vfs.Attr{
		Ino:     p.ino,
		Dev:     pipeDev,
		Mode:    abi.S_IFIFO | 0o600,
		Nlink:   1,
		UID:     p.uid,
		GID:     p.gid,
		Blksize: Atomic,
		Atime:   p.ctime,
		Mtime:   p.ctime,
		Ctime:   p.ctime,
		Btime:   p.ctime,
	}, nil
}

// Open attaches a new end to the pipe with open(2)'s semantics for a FIFO:
// O_RDONLY makes a reader, O_WRONLY a writer, O_RDWR both. A non-blocking
// open for writing with no reader is abi.ENXIO.
//
// A blocking open does not block: SOS's opens return at once. Instead, an
// end opened without O_NONBLOCK while its partner was missing behaves, until
// a partner first arrives, as if open were still waiting: a reader's Read
// answers abi.EAGAIN rather than end of file, and a writer's Write
// abi.EAGAIN rather than abi.EPIPE, and neither reports readiness. The
// program sees the same data and the same end of file as on Linux.
func (p *Pipe) Open(_ vfs.Context, flags int) (vfs.FileOps, error) {
	e := &end{p: p, fifo: true}
	nonblock := flags&abi.O_NONBLOCK != 0
	p.mu.Lock()
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		e.read = true
		p.readers++
		p.rOpens++
		if p.writers == 0 {
			e.waitWriter, e.blockOpen, e.wgen = true, !nonblock, p.wOpens
		}
	case abi.O_WRONLY:
		if p.readers == 0 && nonblock {
			p.mu.Unlock()
			return nil, abi.ENXIO
		}
		e.write = true
		p.writers++
		p.wOpens++
		if p.readers == 0 {
			e.waitReader, e.rgen = true, p.rOpens
		}
	case abi.O_RDWR:
		e.read, e.write = true, true
		p.readers++
		p.writers++
		p.rOpens++
		p.wOpens++
	default:
		p.mu.Unlock()
		return nil, abi.EINVAL
	}
	p.mu.Unlock()
	p.q.Notify(waiter.EventIn | waiter.EventOut)
	return e, nil
}

// end is one open end of a pipe: a reader, a writer, or both (a FIFO
// opened O_RDWR).
type end struct {
	p           *Pipe
	read, write bool
	fifo        bool
	released    atomic.Bool

	// A FIFO reader opened while no writer was there waits for one: until
	// a writer opens (wOpens moves past wgen) it reports no hang-up, and
	// if it was opened blocking (blockOpen) its reads answer EAGAIN
	// rather than end of file.
	waitWriter bool
	blockOpen  bool
	wgen       uint64
	// Likewise a FIFO writer opened (blocking) with no reader writes
	// nothing until a reader opens, rather than failing with EPIPE.
	waitReader bool
	rgen       uint64
}

func (e *end) IsStream() {}

func (e *end) Attr() (vfs.Attr, error) { return e.p.Attr() }

// stillWaitingLocked reports whether a FIFO reader's partner has yet to
// come, and whether a FIFO writer's has.
func (e *end) writerPendingLocked() bool { return e.waitWriter && e.p.wOpens == e.wgen }
func (e *end) readerPendingLocked() bool { return e.waitReader && e.p.rOpens == e.rgen }

// Read reads what the pipe holds, up to len(dst): abi.EAGAIN when it is
// empty and a writer remains, 0 (end of file) when it is empty and none
// does.
func (e *end) Read(_ vfs.Context, dst []byte, _ int64) (int, error) {
	if !e.read {
		return 0, abi.EBADF
	}
	if len(dst) == 0 {
		return 0, nil
	}
	p := e.p
	p.mu.Lock()
	if p.n == 0 {
		wait := p.writers > 0 || (e.blockOpen && e.writerPendingLocked())
		p.mu.Unlock()
		if wait {
			return 0, abi.EAGAIN
		}
		return 0, nil
	}
	n := 0
	for n < len(dst) && p.n > 0 {
		chunk := min(p.n, p.size-p.head, len(dst)-n)
		copy(dst[n:], p.buf[p.head:p.head+chunk])
		n += chunk
		p.head = (p.head + chunk) % p.size
		p.n -= chunk
	}
	if p.n == 0 {
		p.head = 0
	}
	p.mu.Unlock()
	p.q.Notify(waiter.EventOut)
	return n, nil
}

// Write appends src to the pipe: abi.EPIPE when no reader remains,
// abi.EAGAIN when there is no room (for writes of at most Atomic bytes,
// when there is not room for all of them). A larger write may be partial:
// a blocking write(2) goes on with the rest after waiting.
func (e *end) Write(_ vfs.Context, src []byte, _ int64) (int, error) {
	if !e.write {
		return 0, abi.EBADF
	}
	if len(src) == 0 {
		return 0, nil
	}
	p := e.p
	p.mu.Lock()
	if p.readers == 0 {
		pending := e.readerPendingLocked()
		p.mu.Unlock()
		if pending {
			return 0, abi.EAGAIN
		}
		return 0, abi.EPIPE
	}
	free := p.size - p.n
	if free == 0 || (len(src) <= Atomic && free < len(src)) {
		p.mu.Unlock()
		return 0, abi.EAGAIN
	}
	if p.buf == nil {
		p.buf = make([]byte, p.size)
	}
	n := 0
	for n < len(src) && p.n < p.size {
		tail := (p.head + p.n) % p.size
		chunk := min(p.size-p.n, p.size-tail, len(src)-n)
		copy(p.buf[tail:tail+chunk], src[n:])
		n += chunk
		p.n += chunk
	}
	p.mu.Unlock()
	p.q.Notify(waiter.EventIn)
	return n, nil
}

// Release closes the end.
func (e *end) Release() {
	if e.released.Swap(true) {
		return
	}
	p := e.p
	var ev waiter.EventMask
	p.mu.Lock()
	if e.read {
		p.readers--
		if p.readers == 0 {
			ev |= waiter.EventOut | waiter.EventErr
		}
	}
	if e.write {
		p.writers--
		if p.writers == 0 {
			ev |= waiter.EventIn | waiter.EventHUp
		}
	}
	if p.readers == 0 && p.writers == 0 {
		// The last end closed: as on Linux, a FIFO's unread data goes.
		p.buf, p.head, p.n = nil, 0, 0
	}
	p.mu.Unlock()
	if ev != 0 {
		p.q.Notify(ev)
	}
}

// Readiness reports a reader readable when the pipe holds data, hung up
// (EventHUp) when no writer remains; a writer writable when there is room
// for an atomic write, in error (EventErr) when no reader remains. The
// system-call layer should include EventErr and EventHUp in every mask, as
// poll(2) reports them unasked.
func (e *end) Readiness(mask waiter.EventMask) waiter.EventMask {
	p := e.p
	var r waiter.EventMask
	p.mu.Lock()
	if e.read {
		if p.n > 0 {
			r |= waiter.EventIn
		}
		if p.writers == 0 && !e.writerPendingLocked() {
			r |= waiter.EventHUp
		}
	}
	if e.write {
		switch {
		case p.readers == 0:
			if !e.readerPendingLocked() {
				r |= waiter.EventErr
			}
		case p.size-p.n >= min(Atomic, p.size):
			r |= waiter.EventOut
		}
	}
	p.mu.Unlock()
	return r & mask
}

func (e *end) EventRegister(w *waiter.Entry)   { e.p.q.EventRegister(w) }
func (e *end) EventUnregister(w *waiter.Entry) { e.p.q.EventUnregister(w) }

// Ioctl answers FIONREAD: the bytes the pipe holds, as a 32-bit integer
// at arg.
func (e *end) Ioctl(_ vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error) {
	if req != abi.FIONREAD {
		return 0, abi.ENOTTY
	}
	e.p.mu.Lock()
	n := e.p.n
	e.p.mu.Unlock()
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(n))
	if err := mem.CopyOut(arg, b[:]); err != nil {
		return 0, err
	}
	return 0, nil
}

// Size returns the capacity of the pipe ops is an end of (F_GETPIPE_SZ),
// or abi.EBADF if ops is not a pipe's.
func Size(ops vfs.FileOps) (int, error) {
	e, ok := ops.(*end)
	if !ok {
		return 0, abi.EBADF
	}
	e.p.mu.Lock()
	defer e.p.mu.Unlock()
	return e.p.size, nil
}

// SetSize changes the capacity of the pipe ops is an end of
// (F_SETPIPE_SZ) to at least n bytes, rounded up to a power of two no
// smaller than a page, and returns it: abi.EBUSY if the pipe holds more
// than that, abi.EPERM above MaxSize unless root, abi.EINVAL for sizes
// beyond any limit, abi.EBADF if ops is not a pipe's.
func SetSize(ops vfs.FileOps, n int, root bool) (int, error) {
	e, ok := ops.(*end)
	if !ok {
		return 0, abi.EBADF
	}
	if n <= 0 || n > 1<<31 {
		return 0, abi.EINVAL
	}
	size := Atomic
	for size < n {
		size <<= 1
	}
	if size > MaxSize && !root {
		return 0, abi.EPERM
	}
	p := e.p
	p.mu.Lock()
	if p.n > size {
		p.mu.Unlock()
		return 0, abi.EBUSY
	}
	if p.buf != nil {
		nb := make([]byte, size)
		for i := 0; i < p.n; i++ {
			nb[i] = p.buf[(p.head+i)%p.size]
		}
		p.buf = nb
	}
	p.head = 0
	p.size = size
	p.mu.Unlock()
	p.q.Notify(waiter.EventOut)
	return size, nil
}
