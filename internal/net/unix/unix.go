// Package unix implements AF_UNIX sockets inside the kernel: connected
// pairs (socketpair), stream and seqpacket sockets that bind, listen,
// accept and connect by name, and datagram sockets, with SCM_RIGHTS
// (descriptor passing), SCM_CREDENTIALS and SO_PEERCRED. Names are kept in
// a Namespace, one per kernel: abstract names (a leading NUL), and path
// names, which bind makes into socket files through the Namespace's Paths.
//
// Its sockets are net.Socket values; like pipes, they answer abi.EAGAIN
// when they cannot proceed and notify their waiter queue when their
// readiness changes. Passed descriptors travel as *vfs.File references:
// the system-call layer turns them into descriptors. It depends on the
// VFS interfaces, the waiter queue and package net's socket interface,
// never on the kernel or the system-call layer.
package unix

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"

	"sos/internal/abi"
	"sos/internal/net"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Limits.
const (
	// DefaultBuf is a socket's send buffer (SO_SNDBUF): how many bytes it
	// may have queued at its peers, unread. Linux's default.
	DefaultBuf = 212992
	// maxBuf bounds SO_SNDBUF and SO_RCVBUF (net.core.wmem_max).
	maxBuf = 4 << 20
	// MaxDgramQueue is how many datagrams a socket queues before senders
	// wait (Linux's net.unix.max_dgram_qlen is 10; SOS is more generous).
	MaxDgramQueue = 512
	// MaxRights is SCM_MAX_FD, the most descriptors one message carries.
	MaxRights = 253
	// pathMax is the size of sockaddr_un.sun_path.
	pathMax = 108
	// SockaddrSize is sizeof(struct sockaddr_un).
	SockaddrSize = 2 + pathMax
)

// Socket states.
const (
	unconnected = iota
	listening
	connected
	closed
)

// Paths makes and finds the socket files that path names (as opposed to
// abstract names) stand for. As on Linux, a socket bound to a path is
// reached through the file bind made, not through the name: connecting
// to a path that was renamed finds the socket at its new name, and one
// that was unlinked is unreachable. The system-call layer implements it on
// the VFS; a nil Paths (for tests) keys sockets by the path string.
type Paths interface {
	// Create makes a socket file at path (mknod S_IFSOCK) and returns a
	// key that identifies it (its device and inode): abi.EADDRINUSE if
	// something is there already.
	Create(ctx vfs.Context, path string) (key string, err error)
	// Lookup returns the key of the socket file at path: the error
	// resolving it (abi.ENOENT, ...), or abi.ECONNREFUSED if it is not a
	// socket.
	Lookup(ctx vfs.Context, path string) (key string, err error)
}

// A Namespace is the table of bound AF_UNIX names of one kernel.
type Namespace struct {
	paths Paths

	mu       sync.Mutex // guards the fields below; taken after a socket's mu
	bound    map[string]*socket
	autobind uint32
}

// NewNamespace returns an empty namespace whose path names are files that
// paths makes and finds (nil: plain strings, for tests).
func NewNamespace(paths Paths) *Namespace {
	return &Namespace{paths: paths, bound: make(map[string]*socket)}
}

// NewSocket makes an unconnected socket (socket(2)) of type
// SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET.
func (ns *Namespace) NewSocket(ctx vfs.Context, typ, protocol int) (net.Socket, error) {
	if err := checkType(typ, protocol); err != nil {
		return nil, err
	}
	return ns.newSocket(ctx, typ), nil
}

// Pair makes two sockets connected to each other (socketpair(2)).
func (ns *Namespace) Pair(ctx vfs.Context, typ, protocol int) (net.Socket, net.Socket, error) {
	if err := checkType(typ, protocol); err != nil {
		return nil, nil, err
	}
	a, b := ns.newSocket(ctx, typ), ns.newSocket(ctx, typ)
	a.state, b.state = connected, connected
	a.peer, b.peer = b, a
	a.peerCreds, b.peerCreds = b.creds, a.creds
	a.peerAddr, b.peerAddr = unnamed(), unnamed()
	return a, b, nil
}

func checkType(typ, protocol int) error {
	if protocol != 0 && protocol != net.AF_UNIX {
		return abi.EPROTONOSUPPORT
	}
	switch typ {
	case net.SOCK_STREAM, net.SOCK_DGRAM, net.SOCK_SEQPACKET:
		return nil
	case net.SOCK_RAW:
		return abi.EPROTONOSUPPORT // Linux maps it to SOCK_DGRAM; nobody wants that
	}
	return net.ESOCKTNOSUPPORT
}

func (ns *Namespace) newSocket(ctx vfs.Context, typ int) *socket {
	s := &socket{ns: ns, typ: typ, sndbuf: DefaultBuf, rcvbuf: DefaultBuf}
	s.InitBase(ctx, net.AF_UNIX, typ, 0)
	s.creds = net.Creds{UID: 1000, GID: 1000}
	if ctx != nil {
		c := vfs.ContextCreds(ctx)
		s.creds = net.Creds{PID: int32(ctx.PID()), UID: c.UID, GID: c.GID}
	}
	return s
}

// find returns the socket an address names: abi.ECONNREFUSED if nobody
// is bound to it, or the error finding its file.
func (ns *Namespace) find(ctx vfs.Context, a *address) (*socket, error) {
	key := a.key
	if a.path != "" {
		if ns.paths == nil {
			key = a.path
		} else {
			var err error
			if key, err = ns.paths.Lookup(ctx, a.path); err != nil {
				return nil, err
			}
		}
	}
	ns.mu.Lock()
	s := ns.bound[key]
	ns.mu.Unlock()
	if s == nil {
		if a.path != "" && ns.paths == nil {
			return nil, abi.ENOENT // there would be no file
		}
		return nil, abi.ECONNREFUSED
	}
	return s, nil
}

// unbind removes key if s still holds it.
func (ns *Namespace) unbind(key string, s *socket) {
	ns.mu.Lock()
	if ns.bound[key] == s {
		delete(ns.bound, key)
	}
	ns.mu.Unlock()
}

// An address is a name: abstract (key set) or a path (path set; key set
// once bound).
type address struct {
	key  string // the table key: "\x00" and the abstract name, or the path's file's key
	path string // the path, for a path name
	raw  []byte // the sockaddr_un getsockname reports
}

// unnamed is the address of a socket without a name: the family alone.
func unnamed() []byte {
	b := make([]byte, 2)
	binary.LittleEndian.PutUint16(b, net.AF_UNIX)
	return b
}

// parseAddr reads a sockaddr_un. It returns a nil address (and no error)
// for one that is the family alone, which means "no name".
func parseAddr(b []byte) (*address, error) {
	if len(b) < 2 || len(b) > SockaddrSize || binary.LittleEndian.Uint16(b) != net.AF_UNIX {
		return nil, abi.EINVAL
	}
	name := b[2:]
	if len(name) == 0 {
		return nil, nil
	}
	if name[0] == 0 {
		return &address{key: string(name), raw: bytes.Clone(b)}, nil
	}
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	raw := append(unnamed(), name...)
	return &address{path: string(name), raw: append(raw, 0)}, nil
}

// A message is what one send queued: a datagram or seqpacket record, or a
// stretch of a stream.
type message struct {
	data   []byte
	off    int     // stream: bytes already read
	sender *socket // charged for len(data) until the message is read
	from   []byte  // the sender's address
	rights []*vfs.File
	creds  net.Creds
}

// release drops the references the message holds and returns the bytes
// to its sender's budget.
func (m *message) release() {
	for _, f := range m.rights {
		f.DecRef()
	}
	m.rights = nil
	m.sender.inflight.Add(-int64(len(m.data)))
}

// socket is an AF_UNIX socket.
//
// Lock order: a socket's mu before the Namespace's; two sockets' mus only
// through lock2, lower inode first. Notifications are sent with no lock
// held.
type socket struct {
	net.Base
	ns  *Namespace
	typ int

	// inflight counts the bytes this socket has queued at peers that
	// they have not read (its send buffer usage).
	inflight atomic.Int64
	// qlen mirrors len(rq), for senders' readiness checks without the
	// lock.
	qlen atomic.Int32
	// full is the unconnected datagram destination whose queue was full
	// at the last send: the socket is not writable until it drains.
	full atomic.Pointer[socket]

	mu        sync.Mutex // guards the fields below
	state     int
	addr      *address // the bound name, or nil
	peer      *socket  // the connected peer, or a datagram socket's default destination
	peerAddr  []byte   // getpeername's answer
	creds     net.Creds
	peerCreds net.Creds
	rq        []*message
	rqBytes   int
	shutRd    bool  // nothing more will arrive: SHUT_RD here, SHUT_WR or close there
	shutWr    bool  // nothing more may be sent
	err       error // pending SO_ERROR
	backlog   int
	acceptq   []*socket
	passcred  bool
	sndbuf    int
	rcvbuf    int
	flags     map[int]int32 // options accepted but without effect (SO_KEEPALIVE...)
	// blocked are datagram senders that found rq full, to be told when
	// it drains.
	blocked map[*socket]struct{}
}

var (
	_ net.Socket      = (*socket)(nil)
	_ waiter.Waitable = (*socket)(nil)
)

// lock2 locks two distinct sockets in a fixed order.
func lock2(a, b *socket) {
	if a.Ino() > b.Ino() {
		a, b = b, a
	}
	a.mu.Lock()
	b.mu.Lock()
}

func (s *socket) connectionOriented() bool { return s.typ != net.SOCK_DGRAM }

// Readiness implements waiter.Waitable, as Linux's unix_poll and
// unix_dgram_poll do.
func (s *socket) Readiness(mask waiter.EventMask) waiter.EventMask {
	s.mu.Lock()
	var r waiter.EventMask
	if s.state == listening {
		if len(s.acceptq) > 0 {
			r |= waiter.EventIn
		}
		s.mu.Unlock()
		return r & mask
	}
	if s.err != nil {
		r |= waiter.EventErr
	}
	if s.shutRd {
		r |= waiter.EventIn | waiter.EventRdHUp
	}
	if s.shutRd && s.shutWr {
		r |= waiter.EventHUp
	}
	if len(s.rq) > 0 {
		r |= waiter.EventIn
	}
	if s.connectionOriented() && s.state != connected {
		r |= waiter.EventHUp
	}
	peer := s.peer
	s.mu.Unlock()
	if mask&waiter.EventOut != 0 && s.writable(peer) {
		r |= waiter.EventOut
	}
	return r & mask
}

// writable reports whether a send could queue something now.
func (s *socket) writable(peer *socket) bool {
	if s.inflight.Load() >= int64(s.sndbufSize()) {
		return false
	}
	if s.typ == net.SOCK_DGRAM {
		if peer != nil && peer.qlen.Load() >= MaxDgramQueue {
			return false
		}
		if t := s.full.Load(); t != nil && t.qlen.Load() >= MaxDgramQueue {
			return false
		}
	}
	return true
}

func (s *socket) sndbufSize() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sndbuf
}

// Release implements vfs.FileOps: it unbinds the name, tells the peer,
// closes connections not yet accepted and drops what is queued.
func (s *socket) Release() { s.release(false) }

// release closes s. The peer of a connection closed with data unread, or
// never accepted (embryonic), sees ECONNRESET, as on Linux.
func (s *socket) release(embryonic bool) {
	s.mu.Lock()
	if s.state == closed {
		s.mu.Unlock()
		return
	}
	s.state = closed
	peer, addr := s.peer, s.addr
	pending, queued, blocked := s.acceptq, s.rq, s.blocked
	unread := len(s.rq) > 0
	s.peer, s.acceptq, s.rq, s.blocked = nil, nil, nil, nil
	s.rqBytes = 0
	s.qlen.Store(0)
	s.mu.Unlock()

	if addr != nil {
		s.ns.unbind(addr.key, s)
	}
	if peer != nil && s.connectionOriented() {
		peer.mu.Lock()
		if peer.peer == s {
			peer.shutRd, peer.shutWr = true, true
			if unread || embryonic {
				peer.err = abi.ECONNRESET
			}
		}
		peer.mu.Unlock()
		peer.Notify(waiter.AllEvents)
	}
	for _, p := range pending {
		p.release(true)
	}
	s.dropMessages(queued)
	for b := range blocked {
		b.Notify(waiter.EventOut)
	}
}

// dropMessages releases messages nobody will read and tells their senders
// they have room again.
func (s *socket) dropMessages(msgs []*message) {
	senders := make(map[*socket]struct{})
	for _, m := range msgs {
		m.release()
		senders[m.sender] = struct{}{}
	}
	for sender := range senders {
		if sender != s {
			sender.Notify(waiter.EventOut)
		}
	}
}

// Read implements vfs.FileOps: recv(2) without flags.
func (s *socket) Read(ctx vfs.Context, dst []byte, _ int64) (int, error) {
	r, err := s.RecvMsg(ctx, &net.SliceWriter{B: dst}, 0)
	r.ReleaseRights() // read(2) cannot pass descriptors: they are closed
	return r.N, err
}

// Write implements vfs.FileOps: send(2) without flags.
func (s *socket) Write(ctx vfs.Context, src []byte, _ int64) (int, error) {
	return s.SendMsg(ctx, &net.SliceReader{B: src}, net.SendOptions{})
}

// Bind implements net.Socket. A socket is bound at most once; a name
// already bound (or, for a path, a file already there) is
// abi.EADDRINUSE. An address that is the family alone binds a fresh
// abstract name (autobind).
func (s *socket) Bind(ctx vfs.Context, b []byte) error {
	a, err := parseAddr(b)
	if err != nil {
		return err
	}
	s.mu.Lock()
	bad := s.addr != nil || s.state == closed
	s.mu.Unlock()
	if bad {
		return abi.EINVAL
	}
	ns := s.ns
	fresh := false // the key names a file just made: any holder is stale
	if a != nil && a.path != "" {
		a.key = a.path
		if ns.paths != nil {
			// Made outside the locks: it is file-system work.
			if a.key, err = ns.paths.Create(ctx, a.path); err != nil {
				return err
			}
			fresh = true
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr != nil || s.state == closed {
		return abi.EINVAL // lost a race with another bind; the file stays, as on Linux
	}
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if a == nil {
		a = ns.autobindLocked()
		if a == nil {
			return abi.ENOSPC
		}
	} else if ns.bound[a.key] != nil && !fresh {
		return abi.EADDRINUSE
	}
	ns.bound[a.key] = s
	s.addr = a
	return nil
}

// autobindLocked picks an unused abstract name of five hex digits, as
// Linux does.
func (ns *Namespace) autobindLocked() *address {
	for range 1 << 20 {
		ns.autobind = (ns.autobind + 1) & 0xfffff
		name := fmt.Sprintf("\x00%05x", ns.autobind)
		if ns.bound[name] == nil {
			return &address{key: name, raw: append(unnamed(), name...)}
		}
	}
	return nil
}

// Listen implements net.Socket.
func (s *socket) Listen(backlog int) error {
	if !s.connectionOriented() {
		return abi.EOPNOTSUPP
	}
	if backlog < 0 || backlog > net.SOMAXCONN {
		backlog = net.SOMAXCONN
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil || (s.state != unconnected && s.state != listening) {
		return abi.EINVAL
	}
	s.state = listening
	s.backlog = backlog
	return nil
}

// Accept implements net.Socket.
func (s *socket) Accept(vfs.Context) (net.Socket, []byte, error) {
	if !s.connectionOriented() {
		return nil, nil, abi.EOPNOTSUPP
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != listening {
		return nil, nil, abi.EINVAL
	}
	if len(s.acceptq) == 0 {
		return nil, nil, abi.EAGAIN
	}
	c := s.acceptq[0]
	s.acceptq = s.acceptq[1:]
	c.mu.Lock()
	peer := bytes.Clone(c.peerAddr)
	c.mu.Unlock()
	return c, peer, nil
}

// Connect implements net.Socket. A connection is made at once (the
// listener's accept queue holds it), so it never returns EINPROGRESS; a
// full queue is abi.EAGAIN. A datagram socket connects to its default
// destination; AF_UNSPEC dissolves that.
func (s *socket) Connect(ctx vfs.Context, b []byte) error {
	if len(b) >= 2 && binary.LittleEndian.Uint16(b) == net.AF_UNSPEC && s.typ == net.SOCK_DGRAM {
		s.mu.Lock()
		s.peer, s.peerAddr = nil, nil
		s.mu.Unlock()
		return nil
	}
	a, err := parseAddr(b)
	if err != nil {
		return err
	}
	if a == nil {
		return abi.EINVAL
	}
	target, err := s.ns.find(ctx, a)
	if err != nil {
		return err
	}
	if target.typ != s.typ {
		return abi.EPROTOTYPE
	}
	if s.typ == net.SOCK_DGRAM {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.state == closed {
			return abi.EBADF
		}
		s.peer, s.peerAddr = target, bytes.Clone(a.raw)
		return nil
	}
	if target == s {
		return abi.ECONNREFUSED // bound but not listening, as it cannot be both
	}

	lock2(s, target)
	switch {
	case s.state == connected:
		err = abi.EISCONN
	case s.state != unconnected:
		err = abi.EINVAL
	case target.state != listening:
		err = abi.ECONNREFUSED
	case len(target.acceptq) > target.backlog:
		err = abi.EAGAIN
	}
	if err != nil {
		s.mu.Unlock()
		target.mu.Unlock()
		return err
	}
	// The accepting end: named as the listener is, peer of s.
	c := s.ns.newSocket(ctx, s.typ)
	c.creds = target.creds
	c.state = connected
	c.peer = s
	c.addr = target.addr
	c.passcred = target.passcred
	c.peerCreds = s.creds
	c.peerAddr = unnamed()
	if s.addr != nil {
		c.peerAddr = bytes.Clone(s.addr.raw)
	}
	target.acceptq = append(target.acceptq, c)

	s.state = connected
	s.peer = c
	s.peerAddr = bytes.Clone(target.addr.raw)
	s.peerCreds = target.creds
	s.mu.Unlock()
	target.mu.Unlock()

	target.Notify(waiter.EventIn)
	s.Notify(waiter.EventOut)
	return nil
}

// Shutdown implements net.Socket. It shuts both ends' matching directions,
// as Linux does for connected AF_UNIX sockets.
func (s *socket) Shutdown(how int) error {
	var rd, wr bool
	switch how {
	case net.SHUT_RD:
		rd = true
	case net.SHUT_WR:
		wr = true
	case net.SHUT_RDWR:
		rd, wr = true, true
	default:
		return abi.EINVAL
	}
	s.mu.Lock()
	if s.state != connected && (s.connectionOriented() || s.peer == nil) {
		s.mu.Unlock()
		return abi.ENOTCONN
	}
	s.shutRd = s.shutRd || rd
	s.shutWr = s.shutWr || wr
	peer := s.peer
	s.mu.Unlock()
	s.Notify(waiter.AllEvents)
	if peer != nil && s.connectionOriented() {
		peer.mu.Lock()
		if peer.peer == s {
			peer.shutRd = peer.shutRd || wr
			peer.shutWr = peer.shutWr || rd
		}
		peer.mu.Unlock()
		peer.Notify(waiter.AllEvents)
	}
	return nil
}

// SockName implements net.Socket.
func (s *socket) SockName() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr == nil {
		return unnamed(), nil
	}
	return bytes.Clone(s.addr.raw), nil
}

// PeerName implements net.Socket.
func (s *socket) PeerName() ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.peer == nil || (s.connectionOriented() && s.state != connected) {
		return nil, abi.ENOTCONN
	}
	return bytes.Clone(s.peerAddr), nil
}

// SendMsg implements net.Socket.
func (s *socket) SendMsg(ctx vfs.Context, src net.Reader, opts net.SendOptions) (int, error) {
	if opts.Flags&net.MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	if len(opts.Rights) > MaxRights {
		return 0, abi.EINVAL
	}
	creds := s.creds
	if ctx != nil {
		c := vfs.ContextCreds(ctx)
		creds = net.Creds{PID: int32(ctx.PID()), UID: c.UID, GID: c.GID}
	}
	if opts.Creds != nil {
		// Only root may claim to be someone else.
		if *opts.Creds != creds && creds.UID != 0 {
			return 0, abi.EPERM
		}
		creds = *opts.Creds
	}

	var target *socket
	s.mu.Lock()
	state, shutWr := s.state, s.shutWr
	var from []byte // an unnamed sender has no address to report
	if s.addr != nil {
		from = bytes.Clone(s.addr.raw)
	}
	sndbuf := s.sndbuf
	switch {
	case s.typ == net.SOCK_STREAM && opts.To != nil:
		s.mu.Unlock()
		if state == connected {
			return 0, abi.EISCONN
		}
		return 0, abi.EOPNOTSUPP
	case s.connectionOriented():
		target = s.peer
	case opts.To == nil:
		target = s.peer
		if target == nil {
			s.mu.Unlock()
			return 0, abi.ENOTCONN
		}
	}
	s.mu.Unlock()

	switch {
	case s.connectionOriented() && state != connected:
		return 0, abi.ENOTCONN
	case shutWr:
		return 0, abi.EPIPE
	case target == nil:
		a, err := parseAddr(opts.To)
		if err != nil {
			return 0, err
		}
		if a == nil {
			return 0, abi.EINVAL
		}
		if target, err = s.ns.find(ctx, a); err != nil {
			return 0, err
		}
		if target.typ != s.typ {
			return 0, abi.EPROTOTYPE
		}
	}

	size := src.Len()
	if s.typ != net.SOCK_STREAM && size > sndbuf {
		return 0, abi.EMSGSIZE
	}
	room := int64(sndbuf) - s.inflight.Load()
	switch {
	case s.typ == net.SOCK_STREAM && size == 0:
		return 0, nil
	case room <= 0, s.typ != net.SOCK_STREAM && int64(size) > room:
		return 0, abi.EAGAIN
	}
	n := size
	if s.typ == net.SOCK_STREAM {
		n = int(min(int64(size), room))
	}
	data := make([]byte, n)
	k, err := io.ReadFull(src, data)
	if err != nil && (k == 0 || s.typ != net.SOCK_STREAM) {
		return 0, abi.EFAULT
	}
	m := &message{data: data[:k], sender: s, from: from, creds: creds}
	for _, f := range opts.Rights {
		f.IncRef()
	}
	m.rights = append([]*vfs.File(nil), opts.Rights...)
	s.inflight.Add(int64(k))
	if err := target.enqueue(s, m); err != nil {
		m.release()
		return 0, err
	}
	return k, nil
}

// enqueue adds a message from sender to s's receive queue.
func (s *socket) enqueue(sender *socket, m *message) error {
	s.mu.Lock()
	switch {
	case s.state == closed:
		s.mu.Unlock()
		if s.connectionOriented() {
			return abi.EPIPE
		}
		return abi.ECONNREFUSED
	case s.shutRd:
		s.mu.Unlock()
		return abi.EPIPE
	case s.typ == net.SOCK_DGRAM && s.peer != nil && s.peer != sender:
		s.mu.Unlock()
		return abi.EPERM // connected to someone else
	case s.typ == net.SOCK_DGRAM && len(s.rq) >= MaxDgramQueue:
		if s.blocked == nil {
			s.blocked = make(map[*socket]struct{})
		}
		s.blocked[sender] = struct{}{}
		s.mu.Unlock()
		sender.full.Store(s)
		return abi.EAGAIN
	}
	s.rq = append(s.rq, m)
	s.rqBytes += len(m.data)
	s.qlen.Store(int32(len(s.rq)))
	s.mu.Unlock()
	sender.full.Store(nil)
	s.Notify(waiter.EventIn)
	return nil
}

// RecvMsg implements net.Socket.
func (s *socket) RecvMsg(_ vfs.Context, dst net.Writer, flags int) (net.RecvResult, error) {
	if flags&(net.MSG_OOB|net.MSG_ERRQUEUE) != 0 {
		if flags&net.MSG_OOB != 0 {
			return net.RecvResult{}, abi.EOPNOTSUPP
		}
		return net.RecvResult{}, abi.EAGAIN
	}
	peek := flags&net.MSG_PEEK != 0
	s.mu.Lock()
	if err := s.err; err != nil && len(s.rq) == 0 {
		s.err = nil
		s.mu.Unlock()
		return net.RecvResult{}, err
	}
	switch {
	case s.typ == net.SOCK_STREAM && s.state != connected && s.state != closed:
		s.mu.Unlock()
		return net.RecvResult{}, abi.EINVAL
	case s.typ == net.SOCK_SEQPACKET && s.state != connected && s.state != closed:
		s.mu.Unlock()
		return net.RecvResult{}, abi.ENOTCONN
	case len(s.rq) == 0:
		eof := s.shutRd
		s.mu.Unlock()
		if eof {
			return net.RecvResult{}, nil
		}
		return net.RecvResult{}, abi.EAGAIN
	}
	var r net.RecvResult
	var consumed []*message
	var err error
	if s.typ == net.SOCK_STREAM {
		consumed, err = s.recvStreamLocked(dst, peek, &r)
	} else {
		consumed, err = s.recvMessageLocked(dst, peek, flags&net.MSG_TRUNC != 0, &r)
	}
	s.qlen.Store(int32(len(s.rq)))
	blocked := s.blocked
	if len(consumed) > 0 {
		s.blocked = nil
	}
	s.mu.Unlock()
	if len(consumed) > 0 {
		senders := make(map[*socket]struct{}, len(blocked)+1)
		for _, m := range consumed {
			m.release()
			senders[m.sender] = struct{}{}
		}
		for b := range blocked {
			senders[b] = struct{}{}
		}
		for sender := range senders {
			sender.Notify(waiter.EventOut)
		}
	}
	return r, err
}

// recvStreamLocked reads a stream: across messages, until dst is full or
// just after a message with descriptors (which come with the first read
// of their message). It returns the messages read to their end, which it
// has taken off the queue.
func (s *socket) recvStreamLocked(dst net.Writer, peek bool, r *net.RecvResult) ([]*message, error) {
	done := 0
	for _, m := range s.rq {
		if r.N == 0 && s.passcred {
			c := m.creds
			r.Creds = &c
		}
		rest := m.data[m.off:]
		n, werr := dst.Write(rest)
		if n == 0 && werr != nil && werr != io.ErrShortWrite {
			if r.N == 0 {
				return nil, abi.EFAULT
			}
			break
		}
		r.N += n
		rights := m.rights
		if peek {
			for _, f := range rights {
				f.IncRef()
			}
		} else {
			m.rights = nil
			m.off += n
			s.rqBytes -= n
			if m.off == len(m.data) {
				done++
			}
		}
		r.Rights = append(r.Rights, rights...)
		if len(rights) > 0 || n < len(rest) {
			break
		}
	}
	consumed := s.rq[:done:done]
	s.rq = append([]*message(nil), s.rq[done:]...)
	return consumed, nil
}

// recvMessageLocked reads one datagram or record.
func (s *socket) recvMessageLocked(dst net.Writer, peek, trunc bool, r *net.RecvResult) ([]*message, error) {
	m := s.rq[0]
	n, werr := dst.Write(m.data)
	if n == 0 && len(m.data) > 0 && werr != nil && werr != io.ErrShortWrite {
		return nil, abi.EFAULT
	}
	r.N = n
	if n < len(m.data) {
		r.Flags |= net.MSG_TRUNC
	}
	if trunc {
		r.N = len(m.data)
	}
	r.From = bytes.Clone(m.from)
	if s.passcred {
		c := m.creds
		r.Creds = &c
	}
	if s.typ == net.SOCK_SEQPACKET {
		r.Flags |= net.MSG_EOR
	}
	if peek {
		for _, f := range m.rights {
			f.IncRef()
		}
		r.Rights = append(r.Rights, m.rights...)
		return nil, nil
	}
	r.Rights, m.rights = m.rights, nil
	s.rq = s.rq[1:]
	s.rqBytes -= len(m.data)
	return []*message{m}, nil
}

// Ioctl implements vfs.Ioctler: FIONREAD (the bytes queued; for a datagram
// socket the size of the next datagram) and TIOCOUTQ (the bytes sent and
// not yet read).
func (s *socket) Ioctl(_ vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error) {
	var v int64
	switch req {
	case net.FIONREAD:
		s.mu.Lock()
		switch {
		case s.state == listening:
			s.mu.Unlock()
			return 0, abi.EINVAL
		case s.typ == net.SOCK_DGRAM:
			if len(s.rq) > 0 {
				v = int64(len(s.rq[0].data))
			}
		default:
			v = int64(s.rqBytes)
		}
		s.mu.Unlock()
	case net.TIOCOUTQ:
		v = s.inflight.Load()
	default:
		return 0, abi.ENOTTY
	}
	b := make([]byte, 4)
	binary.LittleEndian.PutUint32(b, uint32(min(v, math.MaxInt32)))
	return 0, mem.CopyOut(arg, b)
}

// GetSockOpt implements net.Socket.
func (s *socket) GetSockOpt(level, name, size int) ([]byte, error) {
	if v, ok, err := s.GetSockOptBase(level, name, size); ok {
		return v, err
	}
	if size < 0 {
		return nil, abi.EINVAL
	}
	if level != net.SOL_SOCKET {
		return nil, abi.ENOPROTOOPT
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch name {
	case net.SO_ERROR:
		err := s.err
		s.err = nil
		if e, ok := err.(abi.Errno); ok {
			return net.Int(int32(e), size)
		}
		return net.Int(0, size)
	case net.SO_PASSCRED:
		return net.Bool(s.passcred, size)
	case net.SO_PEERCRED:
		b := make([]byte, 12)
		if s.peer != nil || s.state == connected {
			binary.LittleEndian.PutUint32(b[0:], uint32(s.peerCreds.PID))
			binary.LittleEndian.PutUint32(b[4:], s.peerCreds.UID)
			binary.LittleEndian.PutUint32(b[8:], s.peerCreds.GID)
		} else {
			binary.LittleEndian.PutUint32(b[4:], math.MaxUint32) // no peer: uid and gid -1
			binary.LittleEndian.PutUint32(b[8:], math.MaxUint32)
		}
		return b[:min(size, 12)], nil
	case net.SO_SNDBUF:
		return net.Int(int32(s.sndbuf), size)
	case net.SO_RCVBUF:
		return net.Int(int32(s.rcvbuf), size)
	case net.SO_ACCEPTCONN:
		return net.Bool(s.state == listening, size)
	case net.SO_LINGER:
		b := make([]byte, 8)
		binary.LittleEndian.PutUint32(b, uint32(s.flags[net.SO_LINGER]))
		return b[:min(size, 8)], nil
	case net.SO_REUSEADDR, net.SO_REUSEPORT, net.SO_KEEPALIVE, net.SO_BROADCAST, net.SO_PRIORITY, net.SO_OOBINLINE:
		return net.Int(s.flags[name], size)
	case net.SO_RCVLOWAT, net.SO_SNDLOWAT:
		return net.Int(1, size)
	}
	return nil, abi.ENOPROTOOPT
}

// SetSockOpt implements net.Socket.
func (s *socket) SetSockOpt(level, name int, val []byte) error {
	if ok, err := s.SetSockOptBase(level, name, val); ok {
		return err
	}
	if level != net.SOL_SOCKET {
		return abi.ENOPROTOOPT
	}
	switch name {
	case net.SO_PASSCRED, net.SO_SNDBUF, net.SO_RCVBUF, net.SO_REUSEADDR, net.SO_REUSEPORT,
		net.SO_KEEPALIVE, net.SO_BROADCAST, net.SO_PRIORITY, net.SO_OOBINLINE, net.SO_LINGER:
	case net.SO_SNDBUFFORCE, net.SO_RCVBUFFORCE:
		return abi.EPERM
	default:
		return abi.ENOPROTOOPT
	}
	v, err := net.ParseInt(val)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch name {
	case net.SO_PASSCRED:
		s.passcred = v != 0
	case net.SO_SNDBUF:
		s.sndbuf = int(min(max(v, 4096), maxBuf))
	case net.SO_RCVBUF:
		s.rcvbuf = int(min(max(v, 4096), maxBuf))
	case net.SO_LINGER:
		if len(val) < 8 {
			return abi.EINVAL
		}
		fallthrough
	default:
		if s.flags == nil {
			s.flags = make(map[int]int32)
		}
		s.flags[name] = v
	}
	if name == net.SO_SNDBUF {
		defer s.Notify(waiter.EventOut)
	}
	return nil
}
