package rpc

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sos/internal/nfs/xdr"
)

const (
	testProg = 400123
	procEcho = 1
	procAdd  = 2
)

func testServer() *Server {
	s := NewServer()
	s.Register(testProg, 1, 0, func(*Request, *xdr.Decoder, *xdr.Encoder) AcceptStat { return Success })
	s.Register(testProg, 1, procEcho, func(_ *Request, a *xdr.Decoder, r *xdr.Encoder) AcceptStat {
		b := a.Opaque(1 << 20)
		r.Opaque(b)
		return Success
	})
	s.Register(testProg, 1, procAdd, func(_ *Request, a *xdr.Decoder, r *xdr.Encoder) AcceptStat {
		x, y := a.Uint32(), a.Uint32()
		r.Uint32(x + y)
		return Success
	})
	s.Register(testProg, 3, 0, func(*Request, *xdr.Decoder, *xdr.Encoder) AcceptStat { return Success })
	return s
}

// lossy drops, duplicates and delays UDP replies.
type lossy struct {
	net.PacketConn
	n atomic.Int64
}

func (l *lossy) WriteTo(b []byte, addr net.Addr) (int, error) {
	switch l.n.Add(1) % 4 {
	case 0: // drop
		return len(b), nil
	case 1: // duplicate
		l.PacketConn.WriteTo(b, addr)
		return l.PacketConn.WriteTo(b, addr)
	case 2: // delay past the first retransmission
		msg := append([]byte(nil), b...)
		time.AfterFunc(30*time.Millisecond, func() { l.PacketConn.WriteTo(msg, addr) })
		return len(b), nil
	}
	return l.PacketConn.WriteTo(b, addr)
}

func startUDP(t *testing.T, s *Server, wrap func(net.PacketConn) net.PacketConn) string {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	srv := pc
	if wrap != nil {
		srv = wrap(pc)
	}
	go s.ServeUDP(srv)
	return pc.LocalAddr().String()
}

func startTCP(t *testing.T, s *Server) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go s.ServeTCP(l)
	return l.Addr().String()
}

func addArgs(x, y uint32) []byte {
	var e xdr.Encoder
	e.Uint32(x)
	e.Uint32(y)
	return e.Bytes()
}

func manyCalls(t *testing.T, c *Client, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.Call(context.Background(), testProg, 1, procAdd, addArgs(uint32(i), 1000))
			if err != nil {
				errs <- err
				return
			}
			d := xdr.NewDecoder(res)
			if v := d.Uint32(); v != uint32(i)+1000 || d.Err() != nil {
				errs <- errors.New("wrong result")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestConcurrentUDPAndTCP(t *testing.T) {
	s := testServer()
	for _, tc := range []struct{ network, addr string }{
		{"udp", startUDP(t, s, nil)},
		{"tcp", startTCP(t, s)},
	} {
		t.Run(tc.network, func(t *testing.T) {
			c, err := Dial(tc.network, tc.addr, Config{Timeout: 200 * time.Millisecond, Total: 20 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			manyCalls(t, c, 200)
			if tc.network == "udp" {
				if _, err := c.Call(context.Background(), testProg, 1, procEcho, make([]byte, MaxDatagram)); err == nil {
					t.Fatal("oversized datagram sent")
				}
			}
			// A large argument over TCP exercises record reassembly.
			if tc.network == "tcp" {
				big := bytes.Repeat([]byte("abcdefg"), 100000)
				var e xdr.Encoder
				e.Opaque(big)
				res, err := c.Call(context.Background(), testProg, 1, procEcho, e.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if got := xdr.NewDecoder(res).Opaque(1 << 20); !bytes.Equal(got, big) {
					t.Fatal("echo mismatch")
				}
			}
		})
	}
}

func TestLossyUDP(t *testing.T) {
	var l *lossy
	addr := startUDP(t, testServer(), func(pc net.PacketConn) net.PacketConn {
		l = &lossy{PacketConn: pc}
		return l
	})
	c, err := Dial("udp", addr, Config{Timeout: 10 * time.Millisecond, MaxTimeout: 40 * time.Millisecond, Total: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	manyCalls(t, c, 100)
	if l.n.Load() <= 100 {
		t.Fatalf("server sent %d replies for 100 calls: no retransmission happened", l.n.Load())
	}
	if st := c.Stats(); st.Calls != 100 || st.Retrans == 0 {
		t.Fatalf("Stats = %+v, want 100 calls and some retransmissions", st)
	}
}

func TestDeadServer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	var got atomic.Int64
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			got.Add(1)
		}
	}()
	c, err := Dial("udp", pc.LocalAddr().String(), Config{Timeout: 5 * time.Millisecond, MaxTimeout: 20 * time.Millisecond, Total: 150 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Call(context.Background(), testProg, 1, 0, nil)
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err %v, want ErrTimeout", err)
	}
	if got.Load() < 3 {
		t.Fatalf("only %d transmissions", got.Load())
	}
	// A silent TCP server also gives a timeout.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err == nil {
			io.Copy(io.Discard, conn)
		}
	}()
	c2, err := Dial("tcp", l.Addr().String(), Config{Total: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c2.Call(context.Background(), testProg, 1, 0, nil); !errors.Is(err, ErrTimeout) {
		t.Fatalf("tcp err %v, want ErrTimeout", err)
	}
}

func TestClosedConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		conn, err := l.Accept()
		if err == nil {
			ReadRecord(conn, nil, 1000)
			conn.Close()
		}
	}()
	conn, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := NewClient(conn, true, Config{Total: 10 * time.Second})
	defer c.Close()
	if _, err := c.Call(context.Background(), testProg, 1, 0, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("err %v, want ErrClosed", err)
	}
	if _, err := c.Call(context.Background(), testProg, 1, 0, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("second call: err %v, want ErrClosed", err)
	}
}

// TestReconnect: a client from Dial survives its TCP connection being cut
// with calls in flight, sending them again on a new connection.
func TestReconnect(t *testing.T) {
	s := testServer()
	s.DupCache = 1024
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns atomic.Int64
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			if conns.Add(1) <= 2 {
				// Hang up on the first two connections after one call.
				go func() { ReadRecord(conn, nil, 1<<20); conn.Close() }()
				continue
			}
			go s.ServeConn(conn)
		}
	}()
	c, err := Dial("tcp", l.Addr().String(), Config{Timeout: 10 * time.Millisecond, MaxTimeout: 50 * time.Millisecond, Total: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	manyCalls(t, c, 50)
	if conns.Load() < 3 {
		t.Fatalf("%d connections", conns.Load())
	}
}

func TestAcceptStatuses(t *testing.T) {
	s := testServer()
	c, err := Dial("tcp", startTCP(t, s), Config{Total: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	check := func(prog, vers, proc uint32, args []byte, want AcceptStat) *ReplyError {
		t.Helper()
		_, err := c.Call(ctx, prog, vers, proc, args)
		var re *ReplyError
		if !errors.As(err, &re) || re.Header.Denied || re.Header.Stat != want {
			t.Fatalf("prog %d vers %d proc %d: err %v, want %v", prog, vers, proc, err, want)
		}
		return re
	}
	check(99, 1, 0, nil, ProgUnavail)
	re := check(testProg, 2, 0, nil, ProgMismatch)
	if re.Header.Low != 1 || re.Header.High != 3 {
		t.Errorf("mismatch range %d-%d", re.Header.Low, re.Header.High)
	}
	check(testProg, 1, 77, nil, ProcUnavail)
	check(testProg, 1, procAdd, []byte{0, 0, 0, 1}, GarbageArgs)

	// A bad RPC version is denied with RPC_MISMATCH.
	var e xdr.Encoder
	h := CallHeader{Xid: 7, Prog: testProg, Vers: 1}
	h.Encode(&e)
	msg := e.Bytes()
	binary.BigEndian.PutUint32(msg[8:], 3)
	d := xdr.NewDecoder(s.Handle(msg, nil))
	rh, err := DecodeReply(d)
	if err != nil || !rh.Denied || rh.RejectStat != RPCMismatch || rh.Low != 2 || rh.High != 2 {
		t.Fatalf("rpc mismatch reply %+v %v", rh, err)
	}
	// Garbage is dropped.
	if s.Handle([]byte{1, 2, 3}, nil) != nil {
		t.Fatal("garbage got a reply")
	}
}

func TestHeadersRoundTrip(t *testing.T) {
	cred := AuthSysParams{Stamp: 5, MachineName: "sos", UID: 1000, GID: 100, Gids: []uint32{1, 2, 3}}
	h := CallHeader{Xid: 42, Prog: 100003, Vers: 3, Proc: 6, Cred: cred.Auth()}
	var e xdr.Encoder
	h.Encode(&e)
	full := e.Bytes()
	got, vers, err := DecodeCall(xdr.NewDecoder(full))
	if err != nil || vers != 2 || got.Xid != 42 || got.Prog != 100003 || got.Proc != 6 || got.Cred.Flavor != AuthSys {
		t.Fatalf("%+v %d %v", got, vers, err)
	}
	p, err := ParseAuthSys(got.Cred.Body)
	if err != nil || p.MachineName != "sos" || p.UID != 1000 || p.GID != 100 || len(p.Gids) != 3 || p.Gids[2] != 3 {
		t.Fatalf("auth %+v %v", p, err)
	}
	for n := range len(full) {
		if _, _, err := DecodeCall(xdr.NewDecoder(full[:n])); err == nil {
			t.Fatalf("truncated call of %d bytes decoded", n)
		}
	}
	for n := range len(cred.Auth().Body) {
		if _, err := ParseAuthSys(cred.Auth().Body[:n]); err == nil {
			t.Fatalf("truncated auth of %d bytes decoded", n)
		}
	}
	for _, rh := range []ReplyHeader{
		{Xid: 1, Stat: Success},
		{Xid: 2, Stat: ProgMismatch, Low: 2, High: 4},
		{Xid: 3, Stat: GarbageArgs},
		{Xid: 4, Denied: true, RejectStat: RPCMismatch, Low: 2, High: 2},
		{Xid: 5, Denied: true, RejectStat: AuthError, AuthStat: AuthTooWeak},
	} {
		var e xdr.Encoder
		rh.Encode(&e)
		got, err := DecodeReply(xdr.NewDecoder(e.Bytes()))
		if err != nil || got.Xid != rh.Xid || got.Denied != rh.Denied || got.Stat != rh.Stat ||
			got.Low != rh.Low || got.High != rh.High || got.RejectStat != rh.RejectStat || got.AuthStat != rh.AuthStat {
			t.Errorf("reply %+v -> %+v %v", rh, got, err)
		}
		for n := range e.Len() {
			if _, err := DecodeReply(xdr.NewDecoder(e.Bytes()[:n])); err == nil {
				t.Errorf("truncated reply %+v of %d bytes decoded", rh, n)
			}
		}
	}
}

func TestRecordMarking(t *testing.T) {
	// Three fragments make one record.
	var b bytes.Buffer
	for i, frag := range []string{"abc", "", "defg"} {
		h := uint32(len(frag))
		if i == 2 {
			h |= lastFragment
		}
		binary.Write(&b, binary.BigEndian, h)
		b.WriteString(frag)
	}
	WriteRecord(&b, []byte("next"))
	rec, err := ReadRecord(&b, nil, 100)
	if err != nil || string(rec) != "abcdefg" {
		t.Fatalf("%q %v", rec, err)
	}
	rec, err = ReadRecord(&b, rec, 100)
	if err != nil || string(rec) != "next" {
		t.Fatalf("%q %v", rec, err)
	}
	if _, err := ReadRecord(&b, nil, 100); err != io.EOF {
		t.Fatalf("at end: %v", err)
	}
	// Too long, even split over fragments, is refused before allocating.
	b.Reset()
	binary.Write(&b, binary.BigEndian, uint32(60))
	b.Write(make([]byte, 60))
	binary.Write(&b, binary.BigEndian, uint32(lastFragment|0x7fffffff))
	if _, err := ReadRecord(&b, nil, 100); !errors.Is(err, ErrRecordTooLong) {
		t.Fatalf("long record: %v", err)
	}
	// Truncated.
	b.Reset()
	binary.Write(&b, binary.BigEndian, uint32(lastFragment|10))
	b.WriteString("abc")
	if _, err := ReadRecord(&b, nil, 100); err != io.ErrUnexpectedEOF {
		t.Fatalf("truncated: %v", err)
	}
}

func TestGetPort(t *testing.T) {
	// A fake portmapper on an ephemeral port: GetPort itself dials 111, so
	// test the encoding through the server dispatcher.
	s := NewServer()
	s.Register(PmapProg, PmapVers, PmapGetPort, func(_ *Request, a *xdr.Decoder, r *xdr.Encoder) AcceptStat {
		prog, vers, proto, _ := a.Uint32(), a.Uint32(), a.Uint32(), a.Uint32()
		if prog == 100003 && vers == 3 && proto == IPProtoTCP {
			r.Uint32(2049)
		} else {
			r.Uint32(0)
		}
		return Success
	})
	c, err := Dial("udp", startUDP(t, s, nil), Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	port, err := getPort(context.Background(), c, 100003, 3, IPProtoTCP)
	if err != nil || port != 2049 {
		t.Fatalf("port %d err %v", port, err)
	}
	port, err = getPort(context.Background(), c, 100005, 3, IPProtoTCP)
	if err != nil || port != 0 {
		t.Fatalf("port %d err %v", port, err)
	}
}

func BenchmarkCallUDP(b *testing.B) {
	s := testServer()
	pc, _ := net.ListenPacket("udp", "127.0.0.1:0")
	defer pc.Close()
	go s.ServeUDP(pc)
	c, _ := Dial("udp", pc.LocalAddr().String(), Config{})
	defer c.Close()
	args := addArgs(1, 2)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Call(context.Background(), testProg, 1, procAdd, args); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestHandlerPanic(t *testing.T) {
	s := NewServer()
	s.Register(testProg, 1, 1, func(*Request, *xdr.Decoder, *xdr.Encoder) AcceptStat { panic("bug") })
	c, err := Dial("tcp", startTCP(t, s), Config{Total: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Call(context.Background(), testProg, 1, 1, nil)
	var re *ReplyError
	if !errors.As(err, &re) || re.Header.Stat != SystemErr {
		t.Fatalf("err %v, want SYSTEM_ERR", err)
	}
}

func TestDupCache(t *testing.T) {
	s := NewServer()
	s.DupCache = 1024
	var runs atomic.Int64
	s.Register(testProg, 1, procAdd, func(_ *Request, a *xdr.Decoder, r *xdr.Encoder) AcceptStat {
		runs.Add(1)
		x, y := a.Uint32(), a.Uint32()
		r.Uint32(x + y)
		return Success
	})
	var l *lossy
	addr := startUDP(t, s, func(pc net.PacketConn) net.PacketConn {
		l = &lossy{PacketConn: pc}
		return l
	})
	c, err := Dial("udp", addr, Config{Timeout: 10 * time.Millisecond, MaxTimeout: 40 * time.Millisecond, Total: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	manyCalls(t, c, 100)
	if l.n.Load() <= 100 {
		t.Fatalf("no retransmissions (%d replies)", l.n.Load())
	}
	if runs.Load() != 100 {
		t.Fatalf("procedure ran %d times for 100 calls", runs.Load())
	}
}

func BenchmarkCallTCP(b *testing.B) {
	s := testServer()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	defer l.Close()
	go s.ServeTCP(l)
	c, _ := Dial("tcp", l.Addr().String(), Config{})
	defer c.Close()
	args := addArgs(1, 2)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Call(context.Background(), testProg, 1, procAdd, args); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestDupProc: only the procedures DupProc names are answered from the
// cache; a retransmitted call of another one runs again.
func TestDupProc(t *testing.T) {
	s := NewServer()
	s.DupCache = 16
	s.DupProc = func(prog, vers, proc uint32) bool { return proc == procAdd }
	var runs [3]atomic.Int64
	for _, p := range []uint32{procEcho, procAdd} {
		s.Register(testProg, 1, p, func(*Request, *xdr.Decoder, *xdr.Encoder) AcceptStat {
			runs[p].Add(1)
			return Success
		})
	}
	addr := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}
	for _, p := range []uint32{procEcho, procAdd} {
		h := CallHeader{Xid: 7, Prog: testProg, Vers: 1, Proc: p}
		e := xdr.NewEncoder(nil)
		h.Encode(e)
		for range 2 {
			if s.Handle(e.Bytes(), addr) == nil {
				t.Fatalf("proc %d: no reply", p)
			}
		}
	}
	if runs[procEcho].Load() != 2 || runs[procAdd].Load() != 1 {
		t.Fatalf("echo ran %d times (want 2), add %d (want 1)", runs[procEcho].Load(), runs[procAdd].Load())
	}
}

// TestDupCacheSurvivesBufferReuse: the server recycles reply buffers; a
// reply kept by the duplicate request cache must not be one of them, or a
// later retransmission would be answered with another call's reply.
func TestDupCacheSurvivesBufferReuse(t *testing.T) {
	s := testServer()
	s.DupCache = 64
	addr := startUDP(t, s, nil)
	u, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	call := func(xid, x uint32) (uint32, uint32) {
		t.Helper()
		e := xdr.NewEncoder(nil)
		h := CallHeader{Xid: xid, Prog: testProg, Vers: 1, Proc: procAdd}
		h.Encode(e)
		e.Buf = append(e.Buf, addArgs(x, 1)...)
		u.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := u.Write(e.Bytes()); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1024)
		n, err := u.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		d := xdr.NewDecoder(buf[:n])
		rh, err := DecodeReply(d)
		if err != nil {
			t.Fatal(err)
		}
		return rh.Xid, d.Uint32()
	}
	for round := range 5 {
		if xid, sum := call(1000, 41); xid != 1000 || sum != 42 {
			t.Fatalf("round %d: retransmission answered xid %d sum %d", round, xid, sum)
		}
		for i := range 20 {
			x := uint32(round*100 + i)
			if xid, sum := call(x, x); xid != x || sum != x+1 {
				t.Fatalf("call %d: xid %d sum %d", x, xid, sum)
			}
		}
	}
}

// TestAdaptiveTimeout: with Adaptive, the first retransmission timeout
// follows loopback's round trips, far below the configured 5s, and every
// call still gets its answer through drops, duplicates and delays.
func TestAdaptiveTimeout(t *testing.T) {
	var g *gated
	addr := startUDP(t, testServer(), func(pc net.PacketConn) net.PacketConn {
		g = &gated{PacketConn: pc, l: lossy{PacketConn: pc}}
		return g
	})
	c, err := Dial("udp", addr, Config{Timeout: 5 * time.Second, Total: 60 * time.Second, Adaptive: true, MinAdaptive: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if rto := c.firstTimeout(); rto != 5*time.Second {
		t.Fatalf("first timeout before any sample = %v, want Timeout", rto)
	}
	for range 10 { // samples from a clean network first
		if _, err := c.Call(context.Background(), testProg, 1, 0, nil); err != nil {
			t.Fatal(err)
		}
	}
	g.on.Store(true)
	manyCalls(t, c, 100)
	if rto := c.firstTimeout(); rto >= time.Second || rto < 5*time.Millisecond {
		t.Fatalf("adaptive first timeout = %v, want between MinAdaptive and well under Timeout", rto)
	}
	if st := c.Stats(); st.Retrans == 0 {
		t.Fatalf("no retransmissions: %+v", st)
	}
}

// gated passes replies through untouched until on, then through a lossy.
type gated struct {
	net.PacketConn
	on atomic.Bool
	l  lossy
}

func (g *gated) WriteTo(b []byte, addr net.Addr) (int, error) {
	if g.on.Load() {
		return g.l.WriteTo(b, addr)
	}
	return g.PacketConn.WriteTo(b, addr)
}
