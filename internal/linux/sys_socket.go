package linux

import (
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/kernel"
	inet "sos/internal/net"
	"sos/internal/net/unix"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// The socket system calls. Sockets are files whose FileOps are
// inet.Socket values (package net for AF_INET and AF_INET6 over the
// kernel's netstack, package net/unix for AF_UNIX); like every FileOps
// they never block, and the calls here wait on the socket's readiness as
// read(2) does on a pipe's, honouring O_NONBLOCK, MSG_DONTWAIT,
// SO_RCVTIMEO and SO_SNDTIMEO. A wait a signal interrupts is restarted
// (ERESTARTSYS) unless the socket has a timeout, when it is EINTR, as in
// Linux's sock_intr_errno.

// socketCalls returns the socket family's entries, bound to a fresh
// network: each personality (each booted system) has its own netstack and
// AF_UNIX namespace, so systems in one host process never see each other's
// sockets.
func socketCalls() []def {
	n := &netState{unix: unix.NewNamespace(vfsPaths{})}
	const families = "AF_UNIX, and AF_INET and AF_INET6 (TCP and UDP) on the loopback interface only; no AF_NETLINK, AF_PACKET or raw sockets"
	return []def{
		{198, Partial, n.sysSocket, "ddd", families},
		{199, Partial, n.sysSocketpair, "dddp", "AF_UNIX only, as on Linux"},
		{200, Supported, sysBind, "fpu", ""},
		{201, Supported, sysListen, "fd", ""},
		{202, Supported, sysAccept, "fpp", ""},
		{242, Supported, sysAccept4, "fppx", ""},
		{203, Supported, sysConnect, "fpu", ""},
		{204, Supported, sysGetsockname, "fpp", ""},
		{205, Supported, sysGetpeername, "fpp", ""},
		{206, Supported, sysSendto, "fpuxpu", ""},
		{207, Supported, sysRecvfrom, "fpuxpp", ""},
		{208, Partial, sysSetsockopt, "fddpu", "the options each family lists; others are ENOPROTOOPT"},
		{209, Partial, sysGetsockopt, "fddpp", "the options each family lists; others are ENOPROTOOPT"},
		{210, Supported, sysShutdown, "fd", ""},
		{211, Partial, sysSendmsg, "fpx", "control messages: SCM_RIGHTS and SCM_CREDENTIALS; IP-level ones are ignored"},
		{212, Partial, sysRecvmsg, "fpx", "control messages: SCM_RIGHTS and SCM_CREDENTIALS"},
		{269, Supported, sysSendmmsg, "fpux", ""},
		{243, Partial, sysRecvmmsg, "fpuxp", "the timeout is checked between messages only"},
		{76, Partial, sysSplice, "fpfpux", "copies through a kernel buffer; SPLICE_F_MOVE and SPLICE_F_MORE are hints it ignores"},
	}
}

// netState is one personality's network: its TCP/IP stack, made when the
// first AF_INET or AF_INET6 socket is, and its AF_UNIX names.
type netState struct {
	unix *unix.Namespace

	mu    sync.Mutex // guards stack
	stack *inet.Stack
}

// inetStack returns the stack, making it on first use. It is shut down
// (its protocol goroutines stopped) when the personality is garbage.
func (n *netState) inetStack() (*inet.Stack, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stack == nil {
		s, err := inet.NewStack()
		if err != nil {
			return nil, err
		}
		n.stack = s
		runtime.AddCleanup(n, func(s *inet.Stack) { s.Close() }, s)
	}
	return n.stack, nil
}

// sockCtx is the context socket operations get: the task, carrying the
// credentials of its file-system context (the socket's owner,
// SCM_CREDENTIALS, SO_PEERCRED).
type sockCtx struct{ *kernel.Task }

func (c sockCtx) Creds() *vfs.Creds { return c.Task.FS().Creds() }

var _ vfs.CredsContext = sockCtx{}

// taskOf returns the task behind a context socket code passed back.
func taskOf(ctx vfs.Context) *kernel.Task {
	switch c := vfs.UnwrapContext(ctx).(type) {
	case sockCtx:
		return c.Task
	case *kernel.Task:
		return c
	}
	return nil
}

// vfsPaths makes AF_UNIX path names socket files in the VFS, keyed by
// their device and inode numbers.
type vfsPaths struct{}

func sockKey(a vfs.Attr) string {
	return strconv.FormatUint(a.Dev, 16) + ":" + strconv.FormatUint(a.Ino, 16)
}

func (vfsPaths) Create(ctx vfs.Context, path string) (string, error) {
	t := taskOf(ctx)
	if t == nil {
		return "", abi.EINVAL
	}
	ns := t.Kernel().Namespace()
	switch err := ns.Mknod(t, t.FS(), nil, path, abi.S_IFSOCK|0o777, 0); err {
	case nil:
	case abi.EEXIST:
		return "", abi.EADDRINUSE
	default:
		return "", err
	}
	a, err := ns.Stat(t, t.FS(), nil, path, false)
	if err != nil {
		return "", err
	}
	return sockKey(a), nil
}

func (vfsPaths) Lookup(ctx vfs.Context, path string) (string, error) {
	t := taskOf(ctx)
	if t == nil {
		return "", abi.EINVAL
	}
	a, err := t.Kernel().Namespace().Stat(t, t.FS(), nil, path, true)
	if err != nil {
		return "", err
	}
	if a.Mode&abi.S_IFMT != abi.S_IFSOCK {
		return "", abi.ECONNREFUSED
	}
	return sockKey(a), nil
}

// maxSockaddr is sizeof(struct sockaddr_storage): longer addresses are
// EINVAL.
const maxSockaddr = 128

// uioMaxIOV is UIO_MAXIOV, the most iovecs (and mmsghdrs) one call takes.
const uioMaxIOV = 1024

// getSocket returns the file open as fd and its socket: ENOTSOCK if it is
// not one. The caller drops the file's reference.
func getSocket(t *kernel.Task, fd int) (*vfs.File, inet.Socket, error) {
	f, err := getFile(t, fd)
	if err != nil {
		return nil, nil, err
	}
	s, ok := f.Ops().(inet.Socket)
	if !ok {
		f.DecRef()
		return nil, nil, abi.ENOTSOCK
	}
	return f, s, nil
}

// newSocketFile makes a file for s, with the O_NONBLOCK in flags.
func newSocketFile(s inet.Socket, flags int) *vfs.File {
	a, _ := s.Attr()
	name := fmt.Sprintf("socket:[%d]", a.Ino)
	return vfs.NewFile(s, vfs.NewAnonDentry(name, s), abi.O_RDWR|flags&abi.O_NONBLOCK)
}

// installSocket gives s a descriptor; if that fails s is released.
func installSocket(t *kernel.Task, s inet.Socket, flags int) (int, error) {
	f := newSocketFile(s, flags)
	defer f.DecRef()
	return t.FDs().Install(f, 0, flags&abi.O_CLOEXEC != 0)
}

// readSockaddr copies in an address of n bytes.
func readSockaddr(t *kernel.Task, va uint64, n uint64) ([]byte, error) {
	if int64(int32(n)) < 0 || n > maxSockaddr {
		return nil, abi.EINVAL
	}
	b := make([]byte, n)
	if err := copyIn(t, va, b); err != nil {
		return nil, err
	}
	return b, nil
}

// writeSockaddr copies an address out to va, as much of it as the length
// at lenVA allows, and stores its full length there. A NULL va writes
// nothing.
func writeSockaddr(t *kernel.Task, addr []byte, va, lenVA uint64) error {
	if va == 0 {
		return nil
	}
	v, err := getU32(t, lenVA)
	if err != nil {
		return err
	}
	if int32(v) < 0 {
		return abi.EINVAL
	}
	if n := min(int(v), len(addr)); n > 0 {
		if err := copyOut(t, va, addr[:n]); err != nil {
			return err
		}
	}
	return putU32(t, lenVA, uint32(len(addr)))
}

// deadlineAfter turns a socket timeout into a wait deadline (nil: none).
func deadlineAfter(t *kernel.Task, d time.Duration) *time.Duration {
	if d <= 0 {
		return nil
	}
	dl := t.Kernel().Monotonic() + d
	return &dl
}

// waitSocket blocks until f may be ready for the events in mask, the
// deadline passes (EAGAIN, what a socket timeout gives) or a signal
// arrives (ERESTARTSYS without a deadline, EINTR with one). A wake-up is a
// hint: callers retry.
func waitSocket(t *kernel.Task, f *vfs.File, mask waiter.EventMask, deadline *time.Duration) error {
	mask |= waiter.EventErr | waiter.EventHUp
	e := waiter.NewEntry(mask)
	f.EventRegister(e)
	defer f.EventUnregister(e)
	if f.Readiness(mask) != 0 {
		return nil
	}
	switch err := t.Block(e.C, deadline); err {
	case nil:
		return nil
	case abi.ETIMEDOUT:
		return abi.EAGAIN
	default:
		if deadline != nil {
			return abi.EINTR
		}
		return err
	}
}

func nonBlocking(f *vfs.File, flags int) bool {
	return flags&inet.MSG_DONTWAIT != 0 || f.Flags()&abi.O_NONBLOCK != 0
}

func socketType(s inet.Socket) int {
	_, typ, _ := s.Info()
	return typ
}

func (n *netState) newSocket(t *kernel.Task, family, typ, protocol int) (inet.Socket, error) {
	switch family {
	case inet.AF_UNIX:
		return n.unix.NewSocket(sockCtx{t}, typ, protocol)
	case inet.AF_INET, inet.AF_INET6:
		st, err := n.inetStack()
		if err != nil {
			return nil, err
		}
		return st.NewSocket(sockCtx{t}, family, typ, protocol)
	}
	return nil, abi.EAFNOSUPPORT
}

func (n *netState) sysSocket(t *kernel.Task, a Args) (uint64, error) {
	family, typ, protocol := a.Int(0), a.Int(1), a.Int(2)
	flags := typ &^ inet.SOCK_TYPE_MASK
	if flags&^(inet.SOCK_NONBLOCK|inet.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	s, err := n.newSocket(t, family, typ&inet.SOCK_TYPE_MASK, protocol)
	if err != nil {
		return 0, err
	}
	fd, err := installSocket(t, s, flags)
	return uint64(fd), err
}

func (n *netState) sysSocketpair(t *kernel.Task, a Args) (uint64, error) {
	family, typ, protocol := a.Int(0), a.Int(1), a.Int(2)
	flags := typ &^ inet.SOCK_TYPE_MASK
	if flags&^(inet.SOCK_NONBLOCK|inet.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	switch family {
	case inet.AF_UNIX:
	case inet.AF_INET, inet.AF_INET6:
		return 0, abi.EOPNOTSUPP
	default:
		return 0, abi.EAFNOSUPPORT
	}
	s1, s2, err := n.unix.Pair(sockCtx{t}, typ&inet.SOCK_TYPE_MASK, protocol)
	if err != nil {
		return 0, err
	}
	f1, f2 := newSocketFile(s1, flags), newSocketFile(s2, flags)
	defer f1.DecRef()
	defer f2.DecRef()
	return 0, installPair(t, f1, f2, flags&abi.O_CLOEXEC != 0, a[3])
}

func sysBind(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	addr, err := readSockaddr(t, a[1], a[2])
	if err != nil {
		return 0, err
	}
	return 0, s.Bind(sockCtx{t}, addr)
}

func sysListen(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, s.Listen(a.Int(1))
}

func sysAccept(t *kernel.Task, a Args) (uint64, error) {
	return sysAccept4(t, Args{a[0], a[1], a[2], 0})
}

func sysAccept4(t *kernel.Task, a Args) (uint64, error) {
	flags := a.Int(3)
	if flags&^(inet.SOCK_NONBLOCK|inet.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	var deadline *time.Duration
	for first := true; ; first = false {
		ns, peer, err := s.Accept(sockCtx{t})
		if err == nil {
			fd, err := installSocket(t, ns, flags)
			if err != nil {
				return 0, err
			}
			if err := writeSockaddr(t, peer, a[1], a[2]); err != nil {
				t.FDs().Close(fd)
				return 0, err
			}
			return uint64(fd), nil
		}
		if err != abi.EAGAIN || nonBlocking(f, 0) {
			return 0, err
		}
		if first {
			deadline = deadlineAfter(t, s.RecvTimeout())
		}
		if err := waitSocket(t, f, waiter.EventIn, deadline); err != nil {
			return 0, err
		}
	}
}

func sysConnect(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	addr, err := readSockaddr(t, a[1], a[2])
	if err != nil {
		return 0, err
	}
	ctx := sockCtx{t}
	err = s.Connect(ctx, addr)
	family, _, _ := s.Info()
	if (err != abi.EINPROGRESS && (err != abi.EAGAIN || family != inet.AF_UNIX)) || nonBlocking(f, 0) {
		return 0, err
	}
	deadline := deadlineAfter(t, s.SendTimeout())
	if err == abi.EAGAIN {
		// An AF_UNIX listener's queue is full. Nothing tells a connecting
		// socket that it drained, so look again now and then.
		for delay := time.Millisecond; err == abi.EAGAIN; delay = min(2*delay, 50*time.Millisecond) {
			wake := t.Kernel().Monotonic() + delay
			if deadline != nil && *deadline < wake {
				wake = *deadline
			}
			switch werr := t.Block(nil, &wake); {
			case werr == abi.ETIMEDOUT && deadline != nil && wake == *deadline:
				return 0, abi.EAGAIN
			case werr == abi.ETIMEDOUT:
			case deadline != nil:
				return 0, abi.EINTR
			default:
				return 0, werr
			}
			err = s.Connect(ctx, addr)
		}
		return 0, err
	}
	// The connection is being made: wait until the socket is writable,
	// then connect again for the result.
	for {
		if err := waitSocket(t, f, waiter.EventOut, deadline); err != nil {
			if err == abi.EAGAIN {
				return 0, abi.EINPROGRESS // timed out; it goes on
			}
			return 0, err
		}
		switch err := s.Connect(ctx, addr); err {
		case abi.EALREADY:
			// Not yet: the wake-up was for something else.
		case abi.EISCONN:
			return 0, nil
		default:
			return 0, err
		}
	}
}

func sysGetsockname(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	addr, err := s.SockName()
	if err != nil {
		return 0, err
	}
	if a[1] == 0 {
		return 0, abi.EFAULT
	}
	return 0, writeSockaddr(t, addr, a[1], a[2])
}

func sysGetpeername(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	addr, err := s.PeerName()
	if err != nil {
		return 0, err
	}
	if a[1] == 0 {
		return 0, abi.EFAULT
	}
	return 0, writeSockaddr(t, addr, a[1], a[2])
}

func sysShutdown(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, s.Shutdown(a.Int(1))
}

func sysSetsockopt(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	size := a.Int(4)
	if size < 0 {
		return 0, abi.EINVAL
	}
	val := make([]byte, min(size, 4096))
	if err := copyIn(t, a[3], val); err != nil {
		return 0, err
	}
	return 0, s.SetSockOpt(a.Int(1), a.Int(2), val)
}

func sysGetsockopt(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	size, err := getU32(t, a[4])
	if err != nil {
		return 0, err
	}
	if int32(size) < 0 {
		return 0, abi.EINVAL
	}
	val, err := s.GetSockOpt(a.Int(1), a.Int(2), int(size))
	if err != nil {
		return 0, err
	}
	if len(val) > int(size) {
		val = val[:size]
	}
	if err := copyOut(t, a[3], val); err != nil {
		return 0, err
	}
	return 0, putU32(t, a[4], uint32(len(val)))
}

// userIO reads and writes user memory described by iovecs: the Reader a
// send takes its data from and the Writer a receive puts it into, so data
// goes straight between user memory and the socket.
type userIO struct {
	t    *kernel.Task
	iovs [][2]uint64 // what is left: base, length
	left int
}

func newUserIO(t *kernel.Task, iovs [][2]uint64) *userIO {
	u := &userIO{t: t, iovs: iovs}
	for _, v := range iovs {
		u.left += int(min(v[1], maxRW))
		if u.left >= maxRW {
			u.left = maxRW
			break
		}
	}
	return u
}

// Len returns the bytes left to read or the room left to write.
func (u *userIO) Len() int { return u.left }

// next returns the next stretch of at most n bytes and consumes it.
func (u *userIO) next(n int) (uint64, int) {
	for len(u.iovs) > 0 && u.iovs[0][1] == 0 {
		u.iovs = u.iovs[1:]
	}
	if len(u.iovs) == 0 || u.left == 0 {
		return 0, 0
	}
	v := &u.iovs[0]
	k := int(min(uint64(n), v[1], uint64(u.left)))
	va := v[0]
	v[0] += uint64(k)
	v[1] -= uint64(k)
	u.left -= k
	return va, k
}

// Read implements io.Reader over the user's buffers.
func (u *userIO) Read(p []byte) (int, error) {
	if u.left == 0 {
		return 0, io.EOF
	}
	done := 0
	for done < len(p) {
		va, k := u.next(len(p) - done)
		if k == 0 {
			break
		}
		if err := copyIn(u.t, va, p[done:done+k]); err != nil {
			return done, abi.EFAULT
		}
		done += k
	}
	return done, nil
}

// Write implements io.Writer into the user's buffers: io.ErrShortWrite
// when they are full.
func (u *userIO) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		va, k := u.next(len(p) - done)
		if k == 0 {
			return done, io.ErrShortWrite
		}
		if err := copyOut(u.t, va, p[done:done+k]); err != nil {
			return done, abi.EFAULT
		}
		done += k
	}
	return done, nil
}

// send sends from the user's buffers: all of it, for a blocking stream
// socket, waiting for room; one message, for a message socket. EPIPE
// raises SIGPIPE unless MSG_NOSIGNAL.
func send(t *kernel.Task, f *vfs.File, s inet.Socket, iovs [][2]uint64, opts inet.SendOptions) (uint64, error) {
	src := newUserIO(t, iovs)
	stream := socketType(s) == inet.SOCK_STREAM
	nonblock := nonBlocking(f, opts.Flags)
	var deadline *time.Duration
	total := 0
	for first := true; ; first = false {
		n, err := s.SendMsg(sockCtx{t}, src, opts)
		total += n
		if n > 0 {
			// Control data goes with the first part of a stream.
			opts.Rights, opts.Creds = nil, nil
		}
		switch {
		case err == nil && (!stream || src.Len() == 0 || nonblock):
			return uint64(total), nil
		case err == nil && n > 0:
			continue
		case err == abi.EPIPE:
			if opts.Flags&inet.MSG_NOSIGNAL == 0 {
				t.Kernel().SendSignalTask(t, abi.SIGPIPE, nil)
			}
			if total > 0 {
				return uint64(total), nil
			}
			return 0, err
		case err != nil && err != abi.EAGAIN:
			if total > 0 {
				return uint64(total), nil
			}
			return 0, err
		case nonblock:
			if total > 0 {
				return uint64(total), nil
			}
			return 0, abi.EAGAIN
		}
		if first {
			deadline = deadlineAfter(t, s.SendTimeout())
		}
		if err := waitSocket(t, f, waiter.EventOut, deadline); err != nil {
			if total > 0 {
				return uint64(total), nil
			}
			return 0, err
		}
	}
}

// recv receives into the user's buffers, waiting for data unless
// non-blocking; with MSG_WAITALL a stream socket waits until they are
// full (or end of file, an error, a signal or the timeout).
func recv(t *kernel.Task, f *vfs.File, s inet.Socket, iovs [][2]uint64, flags int) (inet.RecvResult, error) {
	dst := newUserIO(t, iovs)
	stream := socketType(s) == inet.SOCK_STREAM
	// The error queue never blocks, and neither does a stream read of
	// nothing (it returns 0 at once, as on Linux).
	nonblock := nonBlocking(f, flags) || flags&inet.MSG_ERRQUEUE != 0 || (stream && dst.Len() == 0)
	waitAll := flags&inet.MSG_WAITALL != 0 && flags&(inet.MSG_PEEK|inet.MSG_TRUNC) == 0 && stream && !nonblock
	var res inet.RecvResult
	var deadline *time.Duration
	for first := true; ; first = false {
		r, err := s.RecvMsg(sockCtx{t}, dst, flags&(inet.MSG_PEEK|inet.MSG_TRUNC|inet.MSG_ERRQUEUE|inet.MSG_OOB))
		if err == nil {
			res.N += r.N
			res.Flags |= r.Flags
			res.Rights = append(res.Rights, r.Rights...)
			if res.From == nil {
				res.From = r.From
			}
			if res.Creds == nil {
				res.Creds = r.Creds
			}
			if !waitAll || r.N == 0 || dst.Len() == 0 {
				return res, nil
			}
			continue
		}
		if err != abi.EAGAIN || nonblock {
			if res.N > 0 || (err == abi.EAGAIN && stream && dst.Len() == 0 && flags&inet.MSG_ERRQUEUE == 0) {
				return res, nil
			}
			return res, err
		}
		if first {
			deadline = deadlineAfter(t, s.RecvTimeout())
		}
		if err := waitSocket(t, f, waiter.EventIn, deadline); err != nil {
			if res.N > 0 {
				return res, nil
			}
			return res, err
		}
	}
}

func sysSendto(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	opts := inet.SendOptions{Flags: a.Int(3)}
	if a[4] != 0 {
		if opts.To, err = readSockaddr(t, a[4], a[5]); err != nil {
			return 0, err
		}
	}
	return send(t, f, s, [][2]uint64{{a[1], a[2]}}, opts)
}

func sysRecvfrom(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	res, err := recv(t, f, s, [][2]uint64{{a[1], a[2]}}, a.Int(3))
	res.ReleaseRights() // recvfrom has nowhere to put descriptors
	if err != nil {
		return 0, err
	}
	if a[4] != 0 {
		if err := writeSockaddr(t, res.From, a[4], a[5]); err != nil {
			return 0, err
		}
	}
	return uint64(res.N), nil
}

// msghdr is struct msghdr (56 bytes on riscv64).
type msghdr struct {
	name       uint64
	namelen    uint32
	iov        uint64
	iovlen     uint64
	control    uint64
	controllen uint64
	flags      int32
}

const msghdrSize = 56

func readMsghdr(t *kernel.Task, va uint64) (msghdr, error) {
	b := make([]byte, msghdrSize)
	if err := copyIn(t, va, b); err != nil {
		return msghdr{}, err
	}
	return msghdr{
		name:       le.Uint64(b[0:]),
		namelen:    le.Uint32(b[8:]),
		iov:        le.Uint64(b[16:]),
		iovlen:     le.Uint64(b[24:]),
		control:    le.Uint64(b[32:]),
		controllen: le.Uint64(b[40:]),
		flags:      int32(le.Uint32(b[48:])),
	}, nil
}

func (m *msghdr) iovecs(t *kernel.Task) ([][2]uint64, error) {
	if m.iovlen > uioMaxIOV {
		return nil, abi.EMSGSIZE
	}
	if m.iovlen == 0 {
		return nil, nil
	}
	return iovecs(t, m.iov, int(m.iovlen))
}

// Control messages (struct cmsghdr: len u64, level i32, type i32, data).
const (
	cmsgHdr   = 16
	maxCmsg   = 128 << 10 // Linux's net.core.optmem_max
	ucredSize = 12
)

func cmsgAlign(n uint64) uint64 { return (n + 7) &^ 7 }

// parseControl reads a sendmsg's control messages: the files of
// SCM_RIGHTS (the caller drops the references) and SCM_CREDENTIALS.
// Other levels' messages (IP_TOS, ...) are ignored.
func parseControl(t *kernel.Task, va, n uint64) (rights []*vfs.File, creds *inet.Creds, err error) {
	if n == 0 {
		return nil, nil, nil
	}
	if n > maxCmsg {
		return nil, nil, abi.ENOBUFS
	}
	b := make([]byte, n)
	if err := copyIn(t, va, b); err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			for _, f := range rights {
				f.DecRef()
			}
			rights, creds = nil, nil
		}
	}()
	for off := uint64(0); off+cmsgHdr <= n; {
		clen := le.Uint64(b[off:])
		if clen < cmsgHdr || clen > n-off {
			return rights, creds, abi.EINVAL
		}
		level, typ := int32(le.Uint32(b[off+8:])), int32(le.Uint32(b[off+12:]))
		data := b[off+cmsgHdr : off+clen]
		if level == inet.SOL_SOCKET {
			switch typ {
			case inet.SCM_RIGHTS:
				if len(rights)+len(data)/4 > unix.MaxRights {
					return rights, creds, abi.EINVAL
				}
				for i := 0; i+4 <= len(data); i += 4 {
					f, err := getFile(t, int(int32(le.Uint32(data[i:]))))
					if err != nil {
						return rights, creds, err
					}
					rights = append(rights, f)
				}
			case inet.SCM_CREDENTIALS:
				if len(data) < ucredSize {
					return rights, creds, abi.EINVAL
				}
				creds = &inet.Creds{PID: int32(le.Uint32(data)), UID: le.Uint32(data[4:]), GID: le.Uint32(data[8:])}
			default:
				return rights, creds, abi.EINVAL
			}
		}
		off += cmsgAlign(clen)
	}
	return rights, creds, nil
}

// putControl writes a received message's credentials and descriptors as
// control messages into the buffer at va of n bytes, installing the
// descriptors. It returns the bytes written and whether something did not
// fit (MSG_CTRUNC); descriptors that did not fit are closed.
func putControl(t *kernel.Task, res *inet.RecvResult, va, n uint64, cloexec bool) (uint64, bool, error) {
	var b []byte
	trunc := false
	room := func() uint64 { return n - uint64(len(b)) }
	header := func(dataLen uint64, typ int) []byte {
		h := make([]byte, cmsgHdr)
		le.PutUint64(h, cmsgHdr+dataLen)
		le.PutUint32(h[8:], inet.SOL_SOCKET)
		le.PutUint32(h[12:], uint32(typ))
		return h
	}
	pad := func() {
		if k := cmsgAlign(uint64(len(b))) - uint64(len(b)); k <= room() {
			b = append(b, make([]byte, k)...)
		}
	}
	if c := res.Creds; c != nil {
		if room() < cmsgHdr+ucredSize {
			trunc = true
		} else {
			b = append(b, header(ucredSize, inet.SCM_CREDENTIALS)...)
			b = le.AppendUint32(b, uint32(c.PID))
			b = le.AppendUint32(b, c.UID)
			b = le.AppendUint32(b, c.GID)
			pad()
		}
	}
	if len(res.Rights) > 0 {
		fit := 0
		if room() >= cmsgHdr+4 {
			fit = int((room() - cmsgHdr) / 4)
		}
		var fds []byte
		for i, f := range res.Rights {
			if i >= fit {
				trunc = true
				break
			}
			fd, err := t.FDs().Install(f, 0, cloexec)
			if err != nil {
				trunc = true
				break
			}
			fds = le.AppendUint32(fds, uint32(fd))
		}
		res.ReleaseRights()
		if len(fds) > 0 {
			b = append(b, header(uint64(len(fds)), inet.SCM_RIGHTS)...)
			b = append(b, fds...)
			pad()
		}
	}
	if len(b) > 0 {
		if err := copyOut(t, va, b); err != nil {
			return 0, trunc, err
		}
	}
	return uint64(len(b)), trunc, nil
}

// sendmsg performs one sendmsg from the msghdr at va.
func sendmsg(t *kernel.Task, f *vfs.File, s inet.Socket, va uint64, flags int) (uint64, error) {
	m, err := readMsghdr(t, va)
	if err != nil {
		return 0, err
	}
	iovs, err := m.iovecs(t)
	if err != nil {
		return 0, err
	}
	opts := inet.SendOptions{Flags: flags}
	if m.name != 0 && m.namelen != 0 {
		if opts.To, err = readSockaddr(t, m.name, uint64(m.namelen)); err != nil {
			return 0, err
		}
	}
	rights, creds, err := parseControl(t, m.control, m.controllen)
	if err != nil {
		return 0, err
	}
	defer func() {
		for _, f := range rights {
			f.DecRef()
		}
	}()
	opts.Rights, opts.Creds = rights, creds
	return send(t, f, s, iovs, opts)
}

// recvmsg performs one recvmsg into the msghdr at va, updating its
// msg_namelen, msg_controllen and msg_flags.
func recvmsg(t *kernel.Task, f *vfs.File, s inet.Socket, va uint64, flags int) (uint64, error) {
	m, err := readMsghdr(t, va)
	if err != nil {
		return 0, err
	}
	iovs, err := m.iovecs(t)
	if err != nil {
		return 0, err
	}
	res, err := recv(t, f, s, iovs, flags)
	if err != nil {
		res.ReleaseRights()
		return 0, err
	}
	outFlags := res.Flags
	namelen := uint32(0)
	if m.name != 0 && res.From != nil {
		k := min(int(int32(m.namelen)), len(res.From))
		if k > 0 {
			if err := copyOut(t, m.name, res.From[:k]); err != nil {
				res.ReleaseRights()
				return 0, err
			}
		}
		namelen = uint32(len(res.From))
	}
	var controllen uint64
	if res.Creds != nil || len(res.Rights) > 0 {
		var trunc bool
		controllen, trunc, err = putControl(t, &res, m.control, m.controllen, flags&inet.MSG_CMSG_CLOEXEC != 0)
		if err != nil {
			return 0, err
		}
		if trunc {
			outFlags |= inet.MSG_CTRUNC
		}
	}
	b := make([]byte, 4)
	le.PutUint32(b, namelen)
	if err := copyOut(t, va+8, b); err != nil {
		return 0, err
	}
	if err := putU64(t, va+40, controllen); err != nil {
		return 0, err
	}
	if err := putU32(t, va+48, uint32(outFlags)); err != nil {
		return 0, err
	}
	return uint64(res.N), nil
}

func sysSendmsg(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return sendmsg(t, f, s, a[1], a.Int(2))
}

func sysRecvmsg(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return recvmsg(t, f, s, a[1], a.Int(2))
}

// mmsghdrSize is sizeof(struct mmsghdr): a msghdr and msg_len, padded.
const mmsghdrSize = 64

func sysSendmmsg(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	vlen := min(a[2]&0xffffffff, uioMaxIOV)
	for i := uint64(0); i < vlen; i++ {
		va := a[1] + i*mmsghdrSize
		n, err := sendmsg(t, f, s, va, a.Int(3))
		if err == nil {
			err = putU32(t, va+msghdrSize, uint32(n))
		}
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
	}
	return vlen, nil
}

func sysRecvmmsg(t *kernel.Task, a Args) (uint64, error) {
	f, s, err := getSocket(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	var deadline *time.Duration
	if a[4] != 0 {
		ts, err := readTimespec(t, a[4])
		if err != nil {
			return 0, err
		}
		deadline = deadlineAfter(t, fromTimespec(ts))
	}
	flags := a.Int(3)
	vlen := min(a[2]&0xffffffff, uioMaxIOV)
	for i := uint64(0); i < vlen; i++ {
		va := a[1] + i*mmsghdrSize
		n, err := recvmsg(t, f, s, va, flags)
		if err == nil {
			err = putU32(t, va+msghdrSize, uint32(n))
		}
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
		if flags&inet.MSG_WAITFORONE != 0 {
			flags |= inet.MSG_DONTWAIT
		}
		if deadline != nil && t.Kernel().Monotonic() >= *deadline {
			return i + 1, nil
		}
	}
	return vlen, nil
}

// splice(2) lives with the sockets because Go's net and os packages move
// socket data with it (io.Copy between TCP connections, or from a
// connection to a file) and take ENOSYS for a hard error: only EINVAL
// would send them back to read and write. It copies through a kernel
// buffer (copyBetween), never taking more from the input than the output
// pipe has room for, so that nothing read is lost.
const spliceNonblock = 0x2 // SPLICE_F_NONBLOCK

// pipeRoom returns how many bytes the pipe f is an end of can take now,
// and whether f is a pipe at all.
func pipeRoom(t *kernel.Task, f *vfs.File) (int, bool) {
	size, err := pipe.Size(f.Ops())
	if err != nil {
		return 0, false
	}
	var mem capture
	if _, err := f.Ioctl(t, &mem, abi.FIONREAD, 0); err != nil || len(mem.b) < 4 {
		return 0, true
	}
	return max(size-int(le.Uint32(mem.b)), 0), true
}

// capture is a vfs.UserMemory that keeps what an ioctl writes.
type capture struct{ b []byte }

func (c *capture) CopyIn(uint64, []byte) error      { return abi.EFAULT }
func (c *capture) CopyOut(_ uint64, b []byte) error { c.b = append(c.b[:0], b...); return nil }

func sysSplice(t *kernel.Task, a Args) (uint64, error) {
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
	_, inPipe := pipeRoom(t, in)
	room, outPipe := pipeRoom(t, out)
	if !inPipe && !outPipe {
		return 0, abi.EINVAL
	}
	if inPipe && outPipe && in.Ops() == out.Ops() {
		return 0, abi.EINVAL
	}
	nonblock := a[5]&spliceNonblock != 0
	// An offset is for the side that is not a pipe, and must be
	// seekable.
	var offs [2]*int64
	for i, f := range []*vfs.File{in, out} {
		va := a[2*i+1]
		if va == 0 {
			continue
		}
		if f.IsStream() {
			return 0, abi.ESPIPE
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
	count := min(a[4], maxRW)
	if count == 0 {
		return 0, nil
	}
	if outPipe {
		for room == 0 {
			if nonblock || out.Flags()&abi.O_NONBLOCK != 0 {
				return 0, abi.EAGAIN
			}
			if err := waitReady(t, out, waiter.EventOut); err != nil {
				return 0, err
			}
			room, _ = pipeRoom(t, out)
		}
		count = min(count, uint64(room))
	}
	if nonblock && in.Readiness(waiter.EventIn|waiter.EventHUp|waiter.EventErr) == 0 {
		return 0, abi.EAGAIN
	}
	n, err := copyBetween(t, in, offs[0], out, offs[1], count)
	for i := range offs {
		if offs[i] != nil {
			if perr := putU64(t, a[2*i+1], uint64(*offs[i])); perr != nil && err == nil {
				return 0, perr
			}
		}
	}
	return n, err
}

// socketReadWrite performs read(2), readv(2), write(2) or writev(2) on f
// if it is a socket, as recv or send without flags, so that a datagram is
// received or sent whole whatever pages the buffers span (readFile and
// writeFile go a page at a time, which would cut datagrams at page
// boundaries); ok is false if f is not a socket. The file calls dispatch
// to it.
func socketReadWrite(t *kernel.Task, f *vfs.File, iovs [][2]uint64, write bool) (n uint64, ok bool, err error) {
	s, ok := f.Ops().(inet.Socket)
	if !ok {
		return 0, false, nil
	}
	if write {
		n, err = send(t, f, s, iovs, inet.SendOptions{})
		return n, true, err
	}
	res, err := recv(t, f, s, iovs, 0)
	res.ReleaseRights() // read(2) has nowhere to put descriptors
	return uint64(res.N), true, err
}

// socketReadWriteV is socketReadWrite for readv(2) and writev(2): the
// iovec array at va holds count entries.
func socketReadWriteV(t *kernel.Task, f *vfs.File, va uint64, count int, write bool) (n uint64, ok bool, err error) {
	if _, ok := f.Ops().(inet.Socket); !ok {
		return 0, false, nil
	}
	iovs, err := iovecs(t, va, count)
	if err != nil {
		return 0, true, err
	}
	return socketReadWrite(t, f, iovs, write)
}
