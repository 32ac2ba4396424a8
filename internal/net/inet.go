package net

import (
	"io"
	"math"
	"sync"

	"gvisor.dev/gvisor/pkg/tcpip"
	"gvisor.dev/gvisor/pkg/tcpip/transport/tcp"
	gwaiter "gvisor.dev/gvisor/pkg/waiter"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// inetSocket is an AF_INET or AF_INET6 socket: a netstack endpoint. The
// endpoint notifies its netstack waiter queue; one entry on it forwards
// every event to the socket's SOS queue (Base.Queue), which the system
// calls, poll and epoll wait on.
type inetSocket struct {
	Base
	ep    tcpip.Endpoint
	wq    *gwaiter.Queue
	entry gwaiter.Entry

	releaseOnce sync.Once
}

var (
	_ Socket          = (*inetSocket)(nil)
	_ waiter.Waitable = (*inetSocket)(nil)
)

// newInetSocket wraps an endpoint. delay is the initial setting of
// Nagle's algorithm for a TCP socket: on for a new socket, as on Linux,
// and the listener's for an accepted one.
func newInetSocket(ctx vfs.Context, family, typ, protocol int, ep tcpip.Endpoint, wq *gwaiter.Queue, delay bool) *inetSocket {
	s := &inetSocket{ep: ep, wq: wq}
	s.InitBase(ctx, family, typ, protocol)
	if typ == SOCK_STREAM {
		ep.SocketOptions().SetDelayOption(delay)
	}
	s.entry = gwaiter.NewFunctionEntry(gwaiter.AllEvents, func(m gwaiter.EventMask) {
		ev := fromNetstack(m)
		if ev&(waiter.EventIn|waiter.EventHUp) != 0 {
			// Netstack reports a FIN as readable, never as RDHUP on its
			// own: wake RDHUP waiters too and let them look.
			ev |= waiter.EventRdHUp
		}
		s.Notify(ev)
	})
	wq.EventRegister(&s.entry)
	return s
}

// toNetstack converts SOS's event mask to netstack's, which has separate
// bits for the normal-data flavours of readable and writable.
func toNetstack(m waiter.EventMask) gwaiter.EventMask {
	g := gwaiter.EventMask(m)
	if m&waiter.EventIn != 0 {
		g |= gwaiter.EventRdNorm
	}
	if m&waiter.EventOut != 0 {
		g |= gwaiter.EventWrNorm
	}
	return g
}

// fromNetstack converts netstack's event mask to SOS's (the bits shared by
// poll(2) have the same values).
func fromNetstack(g gwaiter.EventMask) waiter.EventMask {
	m := waiter.EventMask(g) & waiter.AllEvents
	if g&gwaiter.EventRdNorm != 0 {
		m |= waiter.EventIn
	}
	if g&gwaiter.EventWrNorm != 0 {
		m |= waiter.EventOut
	}
	return m
}

// Readiness implements waiter.Waitable. Netstack's Readiness takes only
// its queue locks, never the endpoint lock it notifies under, so epoll may
// call it under its own lock.
func (s *inetSocket) Readiness(mask waiter.EventMask) waiter.EventMask {
	return fromNetstack(s.ep.Readiness(toNetstack(mask))) & mask
}

// Release closes the endpoint. A TCP connection goes on closing (sending
// what is queued, then FIN) in netstack; with SO_LINGER and a zero timeout
// it is reset instead. close(2) does not wait for it.
func (s *inetSocket) Release() {
	s.releaseOnce.Do(func() {
		s.wq.EventUnregister(&s.entry)
		s.ep.Close()
	})
}

// Read implements vfs.FileOps: recv(2) without flags.
func (s *inetSocket) Read(ctx vfs.Context, dst []byte, _ int64) (int, error) {
	r, err := s.RecvMsg(ctx, &SliceWriter{B: dst}, 0)
	return r.N, err
}

// Write implements vfs.FileOps: send(2) without flags.
func (s *inetSocket) Write(ctx vfs.Context, src []byte, _ int64) (int, error) {
	return s.SendMsg(ctx, &SliceReader{B: src}, SendOptions{})
}

func (s *inetSocket) isPacket() bool { return s.typ != SOCK_STREAM }

// RecvMsg implements Socket.
func (s *inetSocket) RecvMsg(_ vfs.Context, dst Writer, flags int) (RecvResult, error) {
	switch {
	case flags&MSG_ERRQUEUE != 0:
		return RecvResult{}, abi.EAGAIN // nothing is ever queued there
	case flags&MSG_OOB != 0:
		if s.isPacket() {
			return RecvResult{}, abi.EOPNOTSUPP
		}
		return RecvResult{}, abi.EINVAL // no urgent data is kept
	}
	peek, trunc := flags&MSG_PEEK != 0, flags&MSG_TRUNC != 0
	want := dst.Len()
	var w io.Writer = dst
	if trunc && !s.isPacket() {
		// TCP discards the data instead (tcp(7)).
		w = &tcpip.LimitedWriter{W: io.Discard, N: int64(want)}
	}
	res, terr := s.ep.Read(w, tcpip.ReadOptions{Peek: peek, NeedRemoteAddr: s.isPacket()})
	if _, ok := terr.(*tcpip.ErrBadBuffer); ok && want == 0 {
		terr = nil // a zero-length read of a non-empty queue
	}
	if terr != nil {
		return RecvResult{}, Errno(terr) // ErrClosedForReceive: end of file
	}
	if s.isPacket() {
		r := RecvResult{N: res.Count, From: Sockaddr(s.family, res.RemoteAddr)}
		if res.Total > res.Count {
			r.Flags |= MSG_TRUNC
		}
		if trunc {
			r.N = res.Total
		}
		return r, nil
	}
	if !peek && res.Count > 0 {
		s.ep.ModerateRecvBuf(res.Count)
	}
	return RecvResult{N: res.Count}, nil
}

// SendMsg implements Socket.
func (s *inetSocket) SendMsg(_ vfs.Context, src Reader, opts SendOptions) (int, error) {
	if len(opts.Rights) > 0 || opts.Creds != nil {
		return 0, abi.EINVAL // SOL_SOCKET control messages are AF_UNIX's
	}
	if opts.Flags&MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	var to *tcpip.FullAddress
	if opts.To != nil && s.isPacket() { // TCP ignores the address, as Linux does
		a, family, err := ParseSockaddr(opts.To)
		if err != nil {
			return 0, err
		}
		if family != AF_UNSPEC {
			if !s.acceptsFamily(family) {
				return 0, abi.EAFNOSUPPORT
			}
			a = s.mapFamily(a, family)
			to = &a
		}
	}
	n, terr := s.ep.Write(src, tcpip.WriteOptions{
		To:          to,
		More:        opts.Flags&MSG_MORE != 0,
		EndOfRecord: opts.Flags&MSG_EOR != 0,
	})
	if terr != nil {
		return int(n), Errno(terr)
	}
	return int(n), nil
}

// acceptsFamily reports whether an address of family may be used with the
// socket: its own, or IPv4 on a dual-stack IPv6 socket.
func (s *inetSocket) acceptsFamily(family int) bool {
	if family == s.family {
		return true
	}
	return family == AF_INET && s.family == AF_INET6 && !s.ep.SocketOptions().GetV6Only()
}

// mapFamily turns the IPv4 unspecified address, given to an IPv6 socket,
// into the IPv4-mapped one: netstack writes both unspecified addresses as
// the empty address, and would take it for ::.
func (s *inetSocket) mapFamily(a tcpip.FullAddress, family int) tcpip.FullAddress {
	if a.Addr.BitLen() == 0 && s.family == AF_INET6 && family == AF_INET {
		a.Addr = tcpip.AddrFrom16([16]byte{10: 0xff, 11: 0xff})
	}
	return a
}

// Bind implements Socket.
func (s *inetSocket) Bind(_ vfs.Context, addr []byte) error {
	if len(addr) < 2 {
		return abi.EINVAL
	}
	a, family, err := ParseSockaddr(addr)
	if family != s.family {
		return abi.EAFNOSUPPORT
	}
	if err != nil {
		return err
	}
	switch terr := s.ep.Bind(a); terr.(type) {
	case nil:
		return nil
	case *tcpip.ErrNoPortAvailable:
		// Linux says EADDRINUSE whether the port was taken or no
		// ephemeral port was left.
		return abi.EADDRINUSE
	default:
		return Errno(terr)
	}
}

// Listen implements Socket.
func (s *inetSocket) Listen(backlog int) error {
	if backlog < 0 || backlog > SOMAXCONN {
		backlog = SOMAXCONN
	}
	return Errno(s.ep.Listen(backlog))
}

// Accept implements Socket.
func (s *inetSocket) Accept(ctx vfs.Context) (Socket, []byte, error) {
	var peer tcpip.FullAddress
	ep, wq, terr := s.ep.Accept(&peer)
	if terr != nil {
		return nil, nil, Errno(terr)
	}
	ns := newInetSocket(ctx, s.family, s.typ, s.protocol, ep, wq, s.ep.SocketOptions().GetDelayOption())
	return ns, Sockaddr(s.family, peer), nil
}

// Connect implements Socket.
func (s *inetSocket) Connect(_ vfs.Context, addr []byte) error {
	a, family, err := ParseSockaddr(addr)
	if err != nil {
		return err
	}
	if family == AF_UNSPEC {
		switch terr := s.ep.Disconnect(); terr.(type) {
		case *tcpip.ErrNotSupported:
			return abi.EAFNOSUPPORT
		default:
			return Errno(terr)
		}
	}
	if !s.acceptsFamily(family) {
		return abi.EAFNOSUPPORT
	}
	a = s.mapFamily(a, family)
	switch terr := s.ep.Connect(a); terr.(type) {
	case *tcpip.ErrNoPortAvailable:
		if s.typ == SOCK_STREAM {
			return abi.EADDRNOTAVAIL // no ephemeral port left
		}
		return abi.EAGAIN
	default:
		return Errno(terr)
	}
}

// Shutdown implements Socket.
func (s *inetSocket) Shutdown(how int) error {
	var f tcpip.ShutdownFlags
	switch how {
	case SHUT_RD:
		f = tcpip.ShutdownRead
	case SHUT_WR:
		f = tcpip.ShutdownWrite
	case SHUT_RDWR:
		f = tcpip.ShutdownRead | tcpip.ShutdownWrite
	default:
		return abi.EINVAL
	}
	return Errno(s.ep.Shutdown(f))
}

// SockName implements Socket.
func (s *inetSocket) SockName() ([]byte, error) {
	a, terr := s.ep.GetLocalAddress()
	if terr != nil {
		return nil, Errno(terr)
	}
	return Sockaddr(s.family, a), nil
}

// PeerName implements Socket.
func (s *inetSocket) PeerName() ([]byte, error) {
	a, terr := s.ep.GetRemoteAddress()
	if terr != nil {
		return nil, Errno(terr)
	}
	return Sockaddr(s.family, a), nil
}

// Ioctl implements vfs.Ioctler: FIONREAD (bytes readable; for a datagram
// socket the size of the next datagram) and TIOCOUTQ (bytes not yet
// acknowledged).
func (s *inetSocket) Ioctl(_ vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error) {
	var opt tcpip.SockOptInt
	switch req {
	case FIONREAD:
		if s.typ == SOCK_STREAM && s.ep.State() == uint32(tcp.StateListen) {
			return 0, abi.EINVAL
		}
		opt = tcpip.ReceiveQueueSizeOption
	case TIOCOUTQ:
		opt = tcpip.SendQueueSizeOption
	default:
		return 0, abi.ENOTTY
	}
	v, terr := s.ep.GetSockOptInt(opt)
	if terr != nil {
		return 0, Errno(terr)
	}
	b := make([]byte, 4)
	le.PutUint32(b, uint32(min(v, math.MaxInt32)))
	return 0, mem.CopyOut(arg, b)
}
