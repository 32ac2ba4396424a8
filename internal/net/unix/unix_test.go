package unix

import (
	"bytes"
	"encoding/binary"
	"errors"
	"sync/atomic"
	"testing"

	"sos/internal/abi"
	"sos/internal/net"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// ctx is a caller with credentials.
type ctx struct {
	pid   int
	creds *vfs.Creds
}

func (c ctx) PID() int              { return c.pid }
func (c ctx) TID() int              { return c.pid }
func (c ctx) Creds() *vfs.Creds     { return c.creds }
func user(pid int) vfs.CredsContext { return ctx{pid, vfs.UserCreds(1000, 1000)} }

func abstract(name string) []byte {
	b := make([]byte, 3+len(name))
	binary.LittleEndian.PutUint16(b, net.AF_UNIX)
	copy(b[3:], name)
	return b
}

func pathAddr(p string) []byte {
	b := make([]byte, 2, 3+len(p))
	binary.LittleEndian.PutUint16(b, net.AF_UNIX)
	return append(append(b, p...), 0)
}

func send(t *testing.T, s net.Socket, data string, opts net.SendOptions) {
	t.Helper()
	n, err := s.SendMsg(user(1), &net.SliceReader{B: []byte(data)}, opts)
	if err != nil || n != len(data) {
		t.Fatalf("SendMsg(%q) = %d, %v", data, n, err)
	}
}

func recv(t *testing.T, s net.Socket, size, flags int) (string, net.RecvResult) {
	t.Helper()
	w := &net.SliceWriter{B: make([]byte, size)}
	r, err := s.RecvMsg(user(1), w, flags)
	if err != nil {
		t.Fatalf("RecvMsg: %v", err)
	}
	return string(w.B[:w.N]), r
}

func wantErr(t *testing.T, what string, got, want error) {
	t.Helper()
	if !errors.Is(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

func TestStreamPair(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, err := ns.Pair(user(1), net.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	if r := b.Readiness(waiter.EventIn | waiter.EventOut); r != waiter.EventOut {
		t.Fatalf("empty socket readiness %#x, want only writable", r)
	}
	send(t, a, "hello, ", net.SendOptions{})
	send(t, a, "world", net.SendOptions{})
	if r := b.Readiness(waiter.EventIn); r != waiter.EventIn {
		t.Fatalf("readiness with data %#x", r)
	}
	// A stream reads across sends; peeking leaves the data.
	if got, _ := recv(t, b, 100, net.MSG_PEEK); got != "hello, world" {
		t.Fatalf("peeked %q", got)
	}
	if got, _ := recv(t, b, 3, 0); got != "hel" {
		t.Fatalf("read %q", got)
	}
	if got, _ := recv(t, b, 100, 0); got != "lo, world" {
		t.Fatalf("read %q", got)
	}
	_, err = b.RecvMsg(user(1), &net.SliceWriter{B: make([]byte, 10)}, 0)
	wantErr(t, "read of an empty socket", err, abi.EAGAIN)

	// Closing one end is end of file at the other, and EPIPE for its sends.
	a.Release()
	if r := b.Readiness(waiter.AllEvents); r&(waiter.EventIn|waiter.EventHUp|waiter.EventRdHUp) != waiter.EventIn|waiter.EventHUp|waiter.EventRdHUp {
		t.Fatalf("readiness after the peer closed %#x", r)
	}
	if got, _ := recv(t, b, 10, 0); got != "" {
		t.Fatalf("read %q at end of file", got)
	}
	_, err = b.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{})
	wantErr(t, "send to a closed peer", err, abi.EPIPE)
}

func TestStreamResetWhenClosedUnread(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, _ := ns.Pair(user(1), net.SOCK_STREAM, 0)
	defer a.Release()
	send(t, a, "never read", net.SendOptions{})
	b.Release()
	_, err := a.RecvMsg(user(1), &net.SliceWriter{B: make([]byte, 10)}, 0)
	wantErr(t, "read after the peer closed with data unread", err, abi.ECONNRESET)
}

func TestShutdown(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, _ := ns.Pair(user(1), net.SOCK_STREAM, 0)
	defer a.Release()
	defer b.Release()
	send(t, a, "last", net.SendOptions{})
	if err := a.Shutdown(net.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	_, err := a.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{})
	wantErr(t, "send after SHUT_WR", err, abi.EPIPE)
	if got, _ := recv(t, b, 10, 0); got != "last" {
		t.Fatalf("read %q", got)
	}
	if got, _ := recv(t, b, 10, 0); got != "" {
		t.Fatalf("read %q after the peer's SHUT_WR", got)
	}
	send(t, b, "the other way still works", net.SendOptions{})
	if got, _ := recv(t, a, 100, 0); got != "the other way still works" {
		t.Fatalf("read %q", got)
	}
	wantErr(t, "bad how", a.Shutdown(7), abi.EINVAL)
}

func TestSeqpacketBoundaries(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, _ := ns.Pair(user(1), net.SOCK_SEQPACKET, 0)
	defer a.Release()
	defer b.Release()
	send(t, a, "first record", net.SendOptions{})
	send(t, a, "second", net.SendOptions{})
	got, r := recv(t, b, 5, 0)
	if got != "first" || r.Flags&net.MSG_TRUNC == 0 {
		t.Fatalf("read %q flags %#x, want a truncated first record", got, r.Flags)
	}
	got, r = recv(t, b, 100, net.MSG_TRUNC)
	if got != "second" || r.N != 6 || r.Flags&net.MSG_EOR == 0 {
		t.Fatalf("read %q (%d) flags %#x", got, r.N, r.Flags)
	}
}

// file is a FileOps that counts its releases.
type file struct {
	waiter.AlwaysReady
	released atomic.Int32
}

func (*file) Read(vfs.Context, []byte, int64) (int, error)  { return 0, nil }
func (*file) Write(vfs.Context, []byte, int64) (int, error) { return 0, nil }
func (f *file) Release()                                    { f.released.Add(1) }

func TestRights(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, _ := ns.Pair(user(1), net.SOCK_STREAM, 0)
	defer a.Release()
	defer b.Release()
	ops := &file{}
	f := vfs.NewFile(ops, nil, abi.O_RDWR)
	send(t, a, "xy", net.SendOptions{Rights: []*vfs.File{f}})
	send(t, a, "z", net.SendOptions{})
	f.DecRef() // the message keeps the file open
	if ops.released.Load() != 0 {
		t.Fatal("a file in flight was released")
	}
	// Descriptors come with the first byte of their message, and the
	// read stops after that message.
	got, r := recv(t, b, 1, net.MSG_PEEK)
	if got != "x" || len(r.Rights) != 1 || r.Rights[0] != f {
		t.Fatalf("peeked %q with %d files", got, len(r.Rights))
	}
	r.ReleaseRights()
	got, r = recv(t, b, 100, 0)
	if got != "xy" || len(r.Rights) != 1 {
		t.Fatalf("read %q with %d files", got, len(r.Rights))
	}
	if got, r2 := recv(t, b, 100, 0); got != "z" || len(r2.Rights) != 0 {
		t.Fatalf("read %q with %d files", got, len(r2.Rights))
	}
	r.ReleaseRights()
	if ops.released.Load() != 1 {
		t.Fatal("the passed file was not released after its last reference")
	}

	// Files in messages nobody reads are released with the socket.
	ops2 := &file{}
	f2 := vfs.NewFile(ops2, nil, abi.O_RDWR)
	send(t, a, "lost", net.SendOptions{Rights: []*vfs.File{f2}})
	f2.DecRef()
	b.Release()
	if ops2.released.Load() != 1 {
		t.Fatal("a file queued at a closed socket was not released")
	}
}

func TestCredentials(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, _ := ns.Pair(ctx{7, vfs.UserCreds(1000, 100)}, net.SOCK_DGRAM, 0)
	defer a.Release()
	defer b.Release()
	v, err := b.GetSockOpt(net.SOL_SOCKET, net.SO_PEERCRED, 12)
	if err != nil {
		t.Fatal(err)
	}
	if pid, uid, gid := binary.LittleEndian.Uint32(v), binary.LittleEndian.Uint32(v[4:]), binary.LittleEndian.Uint32(v[8:]); pid != 7 || uid != 1000 || gid != 100 {
		t.Fatalf("SO_PEERCRED = %d %d %d", pid, uid, gid)
	}
	if err := b.SetSockOpt(net.SOL_SOCKET, net.SO_PASSCRED, []byte{1, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SendMsg(user(42), &net.SliceReader{B: []byte("x")}, net.SendOptions{}); err != nil {
		t.Fatal(err)
	}
	_, r := recv(t, b, 10, 0)
	if r.Creds == nil || *r.Creds != (net.Creds{PID: 42, UID: 1000, GID: 1000}) {
		t.Fatalf("credentials %+v", r.Creds)
	}
	// Only root may claim other credentials.
	_, err = a.SendMsg(user(42), &net.SliceReader{B: []byte("x")}, net.SendOptions{Creds: &net.Creds{PID: 1, UID: 0, GID: 0}})
	wantErr(t, "forged credentials", err, abi.EPERM)
}

func TestListenConnectAccept(t *testing.T) {
	for _, name := range []string{"abstract", "path"} {
		t.Run(name, func(t *testing.T) {
			ns := NewNamespace(nil)
			addr := abstract("sos-test")
			if name == "path" {
				addr = pathAddr("/tmp/sock")
			}
			l, _ := ns.NewSocket(user(1), net.SOCK_STREAM, 0)
			defer l.Release()
			c, _ := ns.NewSocket(user(2), net.SOCK_STREAM, 0)
			defer c.Release()
			wantErr(t, "listen unbound", l.Listen(5), abi.EINVAL)
			wantErr(t, "connect to nothing", c.Connect(user(2), addr), map[string]error{"abstract": abi.ECONNREFUSED, "path": abi.ENOENT}[name])
			if err := l.Bind(user(1), addr); err != nil {
				t.Fatal(err)
			}
			other, _ := ns.NewSocket(user(1), net.SOCK_STREAM, 0)
			wantErr(t, "second bind of a name", other.Bind(user(1), addr), abi.EADDRINUSE)
			other.Release()
			wantErr(t, "connect before listen", c.Connect(user(2), addr), abi.ECONNREFUSED)
			if err := l.Listen(5); err != nil {
				t.Fatal(err)
			}
			_, _, err := l.Accept(user(1))
			wantErr(t, "accept with no connection", err, abi.EAGAIN)
			if err := c.Connect(user(2), addr); err != nil {
				t.Fatal(err)
			}
			wantErr(t, "second connect", c.Connect(user(2), addr), abi.EISCONN)
			if l.Readiness(waiter.EventIn) != waiter.EventIn {
				t.Fatal("listener with a connection is not readable")
			}
			s, peer, err := l.Accept(user(1))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Release()
			if !bytes.Equal(peer, unnamed()) {
				t.Fatalf("peer of an unbound client %q", peer)
			}
			got, _ := c.PeerName()
			local, _ := s.SockName()
			if !bytes.Equal(got, addr) || !bytes.Equal(local, addr) {
				t.Fatalf("client's peer %q, server side's name %q, want %q", got, local, addr)
			}
			v, _ := s.GetSockOpt(net.SOL_SOCKET, net.SO_PEERCRED, 12)
			if binary.LittleEndian.Uint32(v) != 2 {
				t.Fatalf("server side's SO_PEERCRED pid %d, want 2", binary.LittleEndian.Uint32(v))
			}
			send(t, c, "ping", net.SendOptions{})
			if got, _ := recv(t, s, 10, 0); got != "ping" {
				t.Fatalf("read %q", got)
			}
		})
	}
}

func TestBacklogAndClosedListener(t *testing.T) {
	ns := NewNamespace(nil)
	l, _ := ns.NewSocket(user(1), net.SOCK_STREAM, 0)
	if err := l.Bind(user(1), abstract("q")); err != nil {
		t.Fatal(err)
	}
	l.Listen(0)
	var clients []net.Socket
	for range 2 {
		c, _ := ns.NewSocket(user(1), net.SOCK_STREAM, 0)
		defer c.Release()
		clients = append(clients, c)
	}
	if err := clients[0].Connect(user(1), abstract("q")); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "connect to a full queue", clients[1].Connect(user(1), abstract("q")), abi.EAGAIN)
	// Closing the listener resets the connections it did not accept,
	// and frees the name.
	l.Release()
	_, err := clients[0].RecvMsg(user(1), &net.SliceWriter{B: make([]byte, 1)}, 0)
	wantErr(t, "read of a connection never accepted", err, abi.ECONNRESET)
	l2, _ := ns.NewSocket(user(1), net.SOCK_STREAM, 0)
	defer l2.Release()
	if err := l2.Bind(user(1), abstract("q")); err != nil {
		t.Fatalf("rebinding a released name: %v", err)
	}
}

func TestDatagram(t *testing.T) {
	ns := NewNamespace(nil)
	a, _ := ns.NewSocket(user(1), net.SOCK_DGRAM, 0)
	defer a.Release()
	b, _ := ns.NewSocket(user(1), net.SOCK_DGRAM, 0)
	defer b.Release()
	if err := b.Bind(user(1), abstract("b")); err != nil {
		t.Fatal(err)
	}
	_, err := a.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{})
	wantErr(t, "send without a destination", err, abi.ENOTCONN)
	_, err = a.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{To: abstract("nobody")})
	wantErr(t, "send to an unbound name", err, abi.ECONNREFUSED)

	// An unbound sender has no address; an autobound one has an abstract
	// name of five hex digits.
	send(t, a, "anonymous", net.SendOptions{To: abstract("b")})
	got, r := recv(t, b, 100, 0)
	if got != "anonymous" || r.From != nil {
		t.Fatalf("read %q from %q", got, r.From)
	}
	if err := a.Bind(user(1), unnamed()); err != nil {
		t.Fatal(err)
	}
	name, _ := a.SockName()
	if len(name) != 8 || name[2] != 0 {
		t.Fatalf("autobound name %q", name)
	}
	send(t, a, "named", net.SendOptions{To: abstract("b")})
	if got, r := recv(t, b, 100, 0); got != "named" || !bytes.Equal(r.From, name) {
		t.Fatalf("read %q from %q, want from %q", got, r.From, name)
	}

	// The queue is bounded: a full one is EAGAIN for senders, which are
	// not writable until it drains.
	for i := 0; ; i++ {
		_, err := a.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{To: abstract("b")})
		if err == abi.EAGAIN {
			if i != MaxDgramQueue {
				t.Fatalf("queue full after %d datagrams, want %d", i, MaxDgramQueue)
			}
			break
		}
		if err != nil || i > MaxDgramQueue {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if a.Readiness(waiter.EventOut) != 0 {
		t.Fatal("a sender to a full queue is writable")
	}
	recv(t, b, 10, 0)
	if a.Readiness(waiter.EventOut) == 0 {
		t.Fatal("a sender is not writable after the queue drained")
	}

	// Connected datagram sockets take no others' datagrams.
	c, _ := ns.NewSocket(user(1), net.SOCK_DGRAM, 0)
	defer c.Release()
	if err := b.Connect(user(1), name); err != nil {
		t.Fatal(err)
	}
	_, err = c.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{To: abstract("b")})
	wantErr(t, "send to a socket connected elsewhere", err, abi.EPERM)
}

func TestIoctl(t *testing.T) {
	ns := NewNamespace(nil)
	a, b, _ := ns.Pair(user(1), net.SOCK_STREAM, 0)
	defer a.Release()
	defer b.Release()
	send(t, a, "12345", net.SendOptions{})
	mem := &fakeMem{}
	if _, err := b.Ioctl(user(1), mem, net.FIONREAD, 0); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint32(mem.b); v != 5 {
		t.Fatalf("FIONREAD = %d", v)
	}
	if _, err := a.Ioctl(user(1), mem, net.TIOCOUTQ, 0); err != nil {
		t.Fatal(err)
	}
	if v := binary.LittleEndian.Uint32(mem.b); v != 5 {
		t.Fatalf("TIOCOUTQ = %d", v)
	}
}

type fakeMem struct{ b []byte }

func (m *fakeMem) CopyIn(uint64, []byte) error      { return nil }
func (m *fakeMem) CopyOut(_ uint64, b []byte) error { m.b = append([]byte(nil), b...); return nil }

// paths is a Paths with one file per path, whose keys change when a path
// is made again (a new inode).
type paths struct {
	files map[string]string
	n     int
}

func (p *paths) Create(_ vfs.Context, path string) (string, error) {
	if _, ok := p.files[path]; ok {
		return "", abi.EADDRINUSE
	}
	p.n++
	p.files[path] = string(rune('a' + p.n))
	return p.files[path], nil
}

func (p *paths) Lookup(_ vfs.Context, path string) (string, error) {
	k, ok := p.files[path]
	if !ok {
		return "", abi.ENOENT
	}
	return k, nil
}

func TestPaths(t *testing.T) {
	p := &paths{files: map[string]string{}}
	ns := NewNamespace(p)
	a, _ := ns.NewSocket(user(1), net.SOCK_DGRAM, 0)
	defer a.Release()
	if err := a.Bind(user(1), pathAddr("s")); err != nil {
		t.Fatal(err)
	}
	b, _ := ns.NewSocket(user(1), net.SOCK_DGRAM, 0)
	defer b.Release()
	wantErr(t, "binding an existing file", b.Bind(user(1), pathAddr("s")), abi.EADDRINUSE)
	send(t, b, "to s", net.SendOptions{To: pathAddr("s")})
	if got, _ := recv(t, a, 10, 0); got != "to s" {
		t.Fatalf("read %q", got)
	}
	// A socket file someone replaced is not the socket any more.
	delete(p.files, "s")
	_, err := b.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{To: pathAddr("s")})
	wantErr(t, "send to a removed file", err, abi.ENOENT)
	p.files["s"] = "other"
	_, err = b.SendMsg(user(1), &net.SliceReader{B: []byte("x")}, net.SendOptions{To: pathAddr("s")})
	wantErr(t, "send to a file nobody is bound to", err, abi.ECONNREFUSED)
	if err := b.Connect(user(1), pathAddr("nowhere")); !errors.Is(err, abi.ENOENT) {
		t.Fatalf("connect to a missing file: %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	ns := NewNamespace(nil)
	_, err := ns.NewSocket(user(1), net.SOCK_RAW, 0)
	wantErr(t, "SOCK_RAW", err, abi.EPROTONOSUPPORT)
	_, err = ns.NewSocket(user(1), net.SOCK_STREAM, 6)
	wantErr(t, "protocol 6", err, abi.EPROTONOSUPPORT)
	s, _ := ns.NewSocket(user(1), net.SOCK_STREAM, 0)
	defer s.Release()
	wantErr(t, "short address", s.Bind(user(1), []byte{1}), abi.EINVAL)
	wantErr(t, "wrong family", s.Bind(user(1), []byte{2, 0, 'x'}), abi.EINVAL)
	_, err = s.GetSockOpt(net.SOL_TCP, net.TCP_NODELAY, 4)
	wantErr(t, "TCP option on AF_UNIX", err, abi.ENOPROTOOPT)
	v, err := s.GetSockOpt(net.SOL_SOCKET, net.SO_TYPE, 4)
	if err != nil || binary.LittleEndian.Uint32(v) != net.SOCK_STREAM {
		t.Fatalf("SO_TYPE = %v, %v", v, err)
	}
	_, err = s.RecvMsg(user(1), &net.SliceWriter{B: make([]byte, 1)}, 0)
	wantErr(t, "read of an unconnected stream socket", err, abi.EINVAL)
}
