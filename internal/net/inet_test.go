package net

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"gvisor.dev/gvisor/pkg/tcpip"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

type ctx struct{}

func (ctx) PID() int { return 1 }
func (ctx) TID() int { return 1 }

func newStack(t *testing.T) *Stack {
	t.Helper()
	s, err := NewStack()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func newSocket(t *testing.T, st *Stack, family, typ int) Socket {
	t.Helper()
	s, err := st.NewSocket(ctx{}, family, typ, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Release)
	return s
}

func inet4(a [4]byte, port uint16) []byte {
	b := make([]byte, SockaddrInetSize)
	binary.LittleEndian.PutUint16(b, AF_INET)
	binary.BigEndian.PutUint16(b[2:], port)
	copy(b[4:], a[:])
	return b
}

var localhost = [4]byte{127, 0, 0, 1}

func port(addr []byte) uint16 { return binary.BigEndian.Uint16(addr[2:]) }

// wait waits until s is ready for one of the events in mask.
func wait(t *testing.T, s Socket, mask waiter.EventMask) waiter.EventMask {
	t.Helper()
	e := waiter.NewEntry(mask)
	s.EventRegister(e)
	defer s.EventUnregister(e)
	timeout := time.After(10 * time.Second)
	for {
		if r := s.Readiness(mask); r != 0 {
			return r
		}
		select {
		case <-e.C:
		case <-timeout:
			t.Fatalf("socket never ready for %#x", mask)
		}
	}
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// connect makes a connected pair of TCP sockets through a listener.
func connect(t *testing.T, st *Stack, family int, addr []byte) (client, server Socket) {
	t.Helper()
	l := newSocket(t, st, family, SOCK_STREAM)
	if err := l.Bind(ctx{}, addr); err != nil {
		t.Fatal(err)
	}
	if err := l.Listen(8); err != nil {
		t.Fatal(err)
	}
	name, err := l.SockName()
	if err != nil || port(name) == 0 {
		t.Fatalf("listener's name %v, %v", name, err)
	}
	c := newSocket(t, st, family, SOCK_STREAM)
	if err := c.Connect(ctx{}, name); err != nil && err != abi.EINPROGRESS {
		t.Fatal(err)
	}
	wait(t, c, waiter.EventOut)
	if err := c.Connect(ctx{}, name); err != nil {
		t.Fatalf("the second connect reports %v, want success", err)
	}
	wantErr(t, "third connect", c.Connect(ctx{}, name), abi.EISCONN)
	wait(t, l, waiter.EventIn)
	s, peer, err := l.Accept(ctx{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Release)
	local, _ := c.SockName()
	if !bytes.Equal(peer, local) {
		t.Fatalf("accepted a connection from %v, the client is %v", peer, local)
	}
	return c, s
}

func sendAll(t *testing.T, s Socket, data []byte) {
	t.Helper()
	r := &SliceReader{B: data}
	for r.Len() > 0 {
		_, err := s.SendMsg(ctx{}, r, SendOptions{})
		if err == abi.EAGAIN {
			wait(t, s, waiter.EventOut)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// recvAll reads until end of file.
func recvAll(t *testing.T, s Socket) []byte {
	t.Helper()
	var out []byte
	buf := make([]byte, 64<<10)
	for {
		w := &SliceWriter{B: buf}
		r, err := s.RecvMsg(ctx{}, w, 0)
		if err == abi.EAGAIN {
			wait(t, s, waiter.EventIn)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if r.N == 0 {
			return out
		}
		out = append(out, buf[:r.N]...)
	}
}

func TestTCP(t *testing.T) {
	st := newStack(t)
	for _, tc := range []struct {
		name   string
		family int
		addr   []byte
	}{
		{"IPv4", AF_INET, inet4(localhost, 0)},
		{"IPv6", AF_INET6, func() []byte {
			b := make([]byte, SockaddrInet6Size)
			binary.LittleEndian.PutUint16(b, AF_INET6)
			b[23] = 1 // ::1
			return b
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, s := connect(t, st, tc.family, tc.addr)
			_, err := s.RecvMsg(ctx{}, &SliceWriter{B: make([]byte, 10)}, 0)
			wantErr(t, "read with nothing sent", err, abi.EAGAIN)

			// Far more than the buffers hold, so that both ends wait.
			data := make([]byte, 3<<20)
			for i := range data {
				data[i] = byte(i % 251)
			}
			done := make(chan []byte)
			go func() { done <- recvAll(t, s) }()
			sendAll(t, c, data)
			if err := c.Shutdown(SHUT_WR); err != nil {
				t.Fatal(err)
			}
			if got := <-done; !bytes.Equal(got, data) {
				t.Fatalf("received %d bytes, not the %d sent", len(got), len(data))
			}
			peer, err := s.PeerName()
			if err != nil {
				t.Fatal(err)
			}
			local, _ := c.SockName()
			if !bytes.Equal(peer, local) {
				t.Fatalf("server's peer %v, client's name %v", peer, local)
			}
			// The other direction is still open.
			sendAll(t, s, []byte("reply"))
			wait(t, c, waiter.EventIn)
			w := &SliceWriter{B: make([]byte, 100)}
			if r, err := c.RecvMsg(ctx{}, w, MSG_PEEK); err != nil || string(w.B[:r.N]) != "reply" {
				t.Fatalf("peeked %q, %v", w.B[:w.N], err)
			}
			w = &SliceWriter{B: make([]byte, 100)}
			if r, err := c.RecvMsg(ctx{}, w, 0); err != nil || string(w.B[:r.N]) != "reply" {
				t.Fatalf("read %q, %v", w.B[:w.N], err)
			}
		})
	}
}

func TestTCPRefusedAndReset(t *testing.T) {
	st := newStack(t)
	l := newSocket(t, st, AF_INET, SOCK_STREAM)
	l.Bind(ctx{}, inet4(localhost, 0))
	name, _ := l.SockName()
	l.Release() // bound, never listening: nobody answers

	c := newSocket(t, st, AF_INET, SOCK_STREAM)
	err := c.Connect(ctx{}, name)
	if err == abi.EINPROGRESS {
		wait(t, c, waiter.EventOut|waiter.EventErr|waiter.EventHUp)
		v, _ := c.GetSockOpt(SOL_SOCKET, SO_ERROR, 4)
		if e := abi.Errno(binary.LittleEndian.Uint32(v)); e != abi.ECONNREFUSED {
			t.Fatalf("SO_ERROR after a refused connect = %v", e)
		}
	} else {
		wantErr(t, "connect to a closed port", err, abi.ECONNREFUSED)
	}

	// Closing with data unread resets the connection.
	a, b := connect(t, st, AF_INET, inet4(localhost, 0))
	sendAll(t, a, []byte("unread"))
	wait(t, b, waiter.EventIn)
	b.Release()
	wait(t, a, waiter.EventIn|waiter.EventErr|waiter.EventHUp)
	_, err = a.RecvMsg(ctx{}, &SliceWriter{B: make([]byte, 10)}, 0)
	wantErr(t, "read after a reset", err, abi.ECONNRESET)
}

func TestUDP(t *testing.T) {
	st := newStack(t)
	a := newSocket(t, st, AF_INET, SOCK_DGRAM)
	b := newSocket(t, st, AF_INET, SOCK_DGRAM)
	for _, s := range []Socket{a, b} {
		if err := s.Bind(ctx{}, inet4(localhost, 0)); err != nil {
			t.Fatal(err)
		}
	}
	bName, _ := b.SockName()
	aName, _ := a.SockName()
	for _, msg := range []string{"one", "two, longer"} {
		if n, err := a.SendMsg(ctx{}, &SliceReader{B: []byte(msg)}, SendOptions{To: bName}); err != nil || n != len(msg) {
			t.Fatalf("sendto = %d, %v", n, err)
		}
	}
	wait(t, b, waiter.EventIn)
	w := &SliceWriter{B: make([]byte, 100)}
	r, err := b.RecvMsg(ctx{}, w, 0)
	if err != nil || string(w.B[:r.N]) != "one" || !bytes.Equal(r.From, aName) {
		t.Fatalf("received %q from %v, %v", w.B[:w.N], r.From, err)
	}
	// A datagram that does not fit is cut, and says so.
	wait(t, b, waiter.EventIn)
	w = &SliceWriter{B: make([]byte, 3)}
	r, err = b.RecvMsg(ctx{}, w, MSG_TRUNC)
	if err != nil || string(w.B[:w.N]) != "two" || r.N != len("two, longer") || r.Flags&MSG_TRUNC == 0 {
		t.Fatalf("received %q (%d, flags %#x), %v", w.B[:w.N], r.N, r.Flags, err)
	}
	_, err = a.SendMsg(ctx{}, &SliceReader{B: []byte("x")}, SendOptions{})
	wantErr(t, "send without a destination", err, abi.EDESTADDRREQ)
	if err := a.Connect(ctx{}, bName); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SendMsg(ctx{}, &SliceReader{B: []byte("connected")}, SendOptions{}); err != nil {
		t.Fatal(err)
	}
	wait(t, b, waiter.EventIn)
	w = &SliceWriter{B: make([]byte, 100)}
	if r, err := b.RecvMsg(ctx{}, w, 0); err != nil || string(w.B[:r.N]) != "connected" {
		t.Fatalf("received %q, %v", w.B[:w.N], err)
	}
}

func TestOptions(t *testing.T) {
	st := newStack(t)
	s := newSocket(t, st, AF_INET, SOCK_STREAM)
	getInt := func(level, name int) int32 {
		t.Helper()
		v, err := s.GetSockOpt(level, name, 4)
		if err != nil {
			t.Fatalf("getsockopt(%d, %d): %v", level, name, err)
		}
		return int32(binary.LittleEndian.Uint32(v))
	}
	one := []byte{1, 0, 0, 0}
	if getInt(SOL_SOCKET, SO_TYPE) != SOCK_STREAM || getInt(SOL_SOCKET, SO_DOMAIN) != AF_INET || getInt(SOL_SOCKET, SO_PROTOCOL) != IPPROTO_TCP {
		t.Fatal("SO_TYPE, SO_DOMAIN or SO_PROTOCOL wrong")
	}
	if getInt(SOL_TCP, TCP_NODELAY) != 0 {
		t.Fatal("TCP_NODELAY is on by default")
	}
	for _, o := range [][2]int{{SOL_TCP, TCP_NODELAY}, {SOL_SOCKET, SO_REUSEADDR}, {SOL_SOCKET, SO_KEEPALIVE}} {
		if err := s.SetSockOpt(o[0], o[1], one); err != nil {
			t.Fatal(err)
		}
		if getInt(o[0], o[1]) != 1 {
			t.Fatalf("option %v did not stick", o)
		}
	}
	if err := s.SetSockOpt(SOL_TCP, TCP_KEEPIDLE, []byte{30, 0, 0, 0}); err != nil || getInt(SOL_TCP, TCP_KEEPIDLE) != 30 {
		t.Fatalf("TCP_KEEPIDLE: %v", err)
	}
	wantErr(t, "TCP_KEEPIDLE 0", s.SetSockOpt(SOL_TCP, TCP_KEEPIDLE, []byte{0, 0, 0, 0}), abi.EINVAL)
	tv := make([]byte, 16)
	binary.LittleEndian.PutUint64(tv, 2)
	binary.LittleEndian.PutUint64(tv[8:], 500000)
	if err := s.SetSockOpt(SOL_SOCKET, SO_RCVTIMEO, tv); err != nil {
		t.Fatal(err)
	}
	if s.RecvTimeout() != 2500*time.Millisecond {
		t.Fatalf("SO_RCVTIMEO gives %v", s.RecvTimeout())
	}
	if v, _ := s.GetSockOpt(SOL_SOCKET, SO_RCVTIMEO, 16); !bytes.Equal(v, tv) {
		t.Fatalf("SO_RCVTIMEO reads back as %v", v)
	}
	_, err := s.GetSockOpt(SOL_SOCKET, 9999, 4)
	wantErr(t, "unknown option", err, abi.ENOPROTOOPT)
	wantErr(t, "short value", s.SetSockOpt(SOL_TCP, TCP_NODELAY, []byte{1}), abi.EINVAL)
	if v, _ := s.GetSockOpt(SOL_SOCKET, SO_TYPE, 2); len(v) != 2 {
		t.Fatalf("an option cut to 2 bytes is %d", len(v))
	}
}

func TestBadSockets(t *testing.T) {
	st := newStack(t)
	for _, tc := range []struct {
		family, typ, protocol int
		want                  error
	}{
		{AF_INET, SOCK_RAW, 0, abi.EPERM},
		{AF_INET, SOCK_STREAM, IPPROTO_MPTCP, abi.EPROTONOSUPPORT},
		{AF_INET, SOCK_STREAM, IPPROTO_UDP, abi.EPROTONOSUPPORT},
		{AF_INET, 9, 0, ESOCKTNOSUPPORT},
		{AF_PACKET, SOCK_DGRAM, 0, abi.EAFNOSUPPORT},
	} {
		_, err := st.NewSocket(ctx{}, tc.family, tc.typ, tc.protocol)
		wantErr(t, "socket", err, tc.want)
	}
	s := newSocket(t, st, AF_INET, SOCK_STREAM)
	wantErr(t, "bind to an address of another family", s.Bind(ctx{}, make([]byte, SockaddrInet6Size)), abi.EAFNOSUPPORT)
	wantErr(t, "bind to a short address", s.Bind(ctx{}, inet4(localhost, 0)[:8]), abi.EINVAL)
	wantErr(t, "bind to an address not ours", s.Bind(ctx{}, inet4([4]byte{10, 0, 0, 1}, 0)), abi.EADDRNOTAVAIL)
	_, err := s.PeerName()
	wantErr(t, "getpeername unconnected", err, abi.ENOTCONN)
	a, _ := st.NewSocket(ctx{}, AF_INET, SOCK_STREAM, 0)
	defer a.Release()
	if err := a.Bind(ctx{}, inet4(localhost, 0)); err != nil {
		t.Fatal(err)
	}
	a.Listen(1)
	name, _ := a.SockName()
	b := newSocket(t, st, AF_INET, SOCK_STREAM)
	wantErr(t, "bind to a port in use", b.Bind(ctx{}, name), abi.EADDRINUSE)
}

func TestSockaddr(t *testing.T) {
	a, family, err := ParseSockaddr(inet4(localhost, 8080))
	if err != nil || family != AF_INET || a.Port != 8080 || a.Addr != tcpip.AddrFrom4(localhost) {
		t.Fatalf("ParseSockaddr = %v, %d, %v", a, family, err)
	}
	if got := Sockaddr(AF_INET, a); !bytes.Equal(got, inet4(localhost, 8080)) {
		t.Fatalf("Sockaddr = %v", got)
	}
	// An IPv4 address on an IPv6 socket is written IPv4-mapped.
	got := Sockaddr(AF_INET6, a)
	want := make([]byte, SockaddrInet6Size)
	binary.LittleEndian.PutUint16(want, AF_INET6)
	binary.BigEndian.PutUint16(want[2:], 8080)
	want[18], want[19] = 0xff, 0xff
	copy(want[20:], localhost[:])
	if !bytes.Equal(got, want) {
		t.Fatalf("Sockaddr(AF_INET6, v4) = %v, want %v", got, want)
	}
	if a, _, _ := ParseSockaddr(inet4([4]byte{}, 1)); a.Addr.BitLen() != 0 {
		t.Fatal("0.0.0.0 is not the unspecified address")
	}
	_, _, err = ParseSockaddr([]byte{AF_INET, 0, 1})
	wantErr(t, "short sockaddr_in", err, abi.EINVAL)
	_, _, err = ParseSockaddr([]byte{AF_UNIX, 0, 1})
	wantErr(t, "sockaddr_un", err, abi.EAFNOSUPPORT)
}

func TestErrno(t *testing.T) {
	for _, tc := range []struct {
		in   tcpip.Error
		want error
	}{
		{nil, nil},
		{&tcpip.ErrClosedForReceive{}, nil},
		{&tcpip.ErrWouldBlock{}, abi.EAGAIN},
		{&tcpip.ErrConnectionRefused{}, abi.ECONNREFUSED},
		{&tcpip.ErrClosedForSend{}, abi.EPIPE},
		{&tcpip.ErrPortInUse{}, abi.EADDRINUSE},
		{&tcpip.ErrInvalidEndpointState{}, abi.EINVAL},
	} {
		if got := Errno(tc.in); got != tc.want {
			t.Errorf("Errno(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// A socket is a file: fstat says S_IFSOCK.
func TestAttr(t *testing.T) {
	st := newStack(t)
	s := newSocket(t, st, AF_INET, SOCK_DGRAM)
	a, err := s.Attr()
	if err != nil || a.Mode&abi.S_IFMT != abi.S_IFSOCK || a.Ino == 0 {
		t.Fatalf("Attr = %+v, %v", a, err)
	}
	var _ vfs.FileOps = s
}
