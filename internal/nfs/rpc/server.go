package rpc

import (
	"errors"
	"net"
	"sync"

	"sos/internal/nfs/xdr"
)

// Request is a call as a handler sees it.
type Request struct {
	Header CallHeader
	Addr   net.Addr // the caller
}

// Handler runs one procedure: it decodes its arguments from args, appends
// its results to res and returns Success, or returns another status
// (GarbageArgs, SystemErr) and leaves res alone. If it returns Success
// but args recorded a decoding error, the server replies GARBAGE_ARGS.
// Handlers run concurrently.
type Handler func(req *Request, args *xdr.Decoder, res *xdr.Encoder) AcceptStat

type progVers struct{ prog, vers uint32 }

// Server dispatches calls by program, version and procedure. Register
// every procedure before serving.
type Server struct {
	procs map[progVers]map[uint32]Handler
	vers  map[uint32][2]uint32 // program -> lowest, highest version

	// MaxRecord bounds records read from a stream. Default DefaultMaxRecord.
	MaxRecord int
	// MaxInFlight bounds the requests handled at once per listener or
	// socket. Default 64.
	MaxInFlight int
	// DupCache is the number of recent calls whose replies are kept to
	// answer retransmissions without running the procedure again (0: no
	// cache). Set it before serving.
	DupCache int
	// DupProc, if set, says which procedures go through the duplicate
	// request cache: idempotent ones (READ, GETATTR) need not, and keeping
	// their large replies would only waste memory.
	DupProc func(prog, vers, proc uint32) bool

	drc drc
}

// NewServer returns a server with no programs.
func NewServer() *Server {
	return &Server{procs: map[progVers]map[uint32]Handler{}, vers: map[uint32][2]uint32{}}
}

// Register makes h serve procedure proc of program prog version vers.
func (s *Server) Register(prog, vers, proc uint32, h Handler) {
	k := progVers{prog, vers}
	if s.procs[k] == nil {
		s.procs[k] = map[uint32]Handler{}
	}
	s.procs[k][proc] = h
	r, ok := s.vers[prog]
	if !ok {
		r = [2]uint32{vers, vers}
	}
	r[0], r[1] = min(r[0], vers), max(r[1], vers)
	s.vers[prog] = r
}

// Handle processes one call message and returns the reply message, or nil
// when the message is not a decodable call (it is dropped, as RFC 5531
// allows).
func (s *Server) Handle(msg []byte, addr net.Addr) (reply []byte) {
	return s.handle(msg, addr, make([]byte, 0, 512))
}

// handle is Handle appending the reply to buf[:0].
func (s *Server) handle(msg []byte, addr net.Addr, buf []byte) (reply []byte) {
	d := xdr.NewDecoder(msg)
	h, rpcvers, err := DecodeCall(d)
	if err != nil {
		return nil
	}
	rh := ReplyHeader{Xid: h.Xid}
	e := xdr.NewEncoder(buf)
	if rpcvers != RPCVersion {
		rh.Denied, rh.RejectStat, rh.Low, rh.High = true, RPCMismatch, RPCVersion, RPCVersion
		rh.Encode(e)
		return e.Bytes()
	}
	procs, ok := s.procs[progVers{h.Prog, h.Vers}]
	var fn Handler
	switch {
	case !ok:
		if r, known := s.vers[h.Prog]; known {
			rh.Stat, rh.Low, rh.High = ProgMismatch, r[0], r[1]
		} else {
			rh.Stat = ProgUnavail
		}
	default:
		if fn = procs[h.Proc]; fn == nil {
			rh.Stat = ProcUnavail
		}
	}
	if fn == nil {
		rh.Encode(e)
		return e.Bytes()
	}
	var key drcKey
	if s.DupCache > 0 && addr != nil && (s.DupProc == nil || s.DupProc(h.Prog, h.Vers, h.Proc)) {
		key = drcKey{addr.String(), h.Xid, h.Prog, h.Vers, h.Proc}
		if reply, seen := s.drc.lookup(key, s.DupCache); seen {
			if reply == nil {
				return nil // the first copy is still running: drop this one
			}
			// A copy: the caller may reuse the buffer it gets back.
			return append(buf[:0], reply...)
		}
		defer func() { s.drc.store(key, reply) }()
	}
	rh.Stat = Success
	rh.Encode(e)
	stat := safeCall(fn, &Request{Header: h, Addr: addr}, d, e)
	if stat == Success && d.Err() != nil {
		stat = GarbageArgs
	}
	if stat != Success {
		e.Buf = e.Buf[:0]
		rh.Stat = stat
		rh.Encode(e)
		return e.Bytes()
	}
	return e.Bytes()
}

// safeCall runs a handler, turning a panic (a bug, perhaps provoked by a
// hostile caller) into SYSTEM_ERR rather than a crash of the whole process.
func safeCall(fn Handler, req *Request, d *xdr.Decoder, e *xdr.Encoder) (stat AcceptStat) {
	defer func() {
		if r := recover(); r != nil {
			stat = SystemErr
		}
	}()
	return fn(req, d, e)
}

func (s *Server) inFlight() chan struct{} {
	n := s.MaxInFlight
	if n <= 0 {
		n = 64
	}
	return make(chan struct{}, n)
}

// ServeUDP serves datagrams on pc until reading fails (close pc to stop).
func (s *Server) ServeUDP(pc net.PacketConn) error {
	sem := s.inFlight()
	buf := make([]byte, 65536)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		msg := append(getBuf(), buf[:n]...)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			reply := s.handle(msg, addr, getBuf())
			putBuf(msg)
			if reply != nil {
				pc.WriteTo(reply, addr)
				putBuf(reply)
			}
		}()
	}
}

// ServeTCP accepts connections on l and serves each until l is closed.
func (s *Server) ServeTCP(l net.Listener) error {
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go s.ServeConn(conn)
	}
}

// ServeConn serves record-marked calls on one stream until it fails, then
// closes it. Requests on it are handled concurrently.
func (s *Server) ServeConn(conn net.Conn) {
	defer conn.Close()
	max := s.MaxRecord
	if max <= 0 {
		max = DefaultMaxRecord
	}
	sem := s.inFlight()
	var wmu sync.Mutex
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		msg, err := ReadRecord(conn, getBuf(), max)
		if err != nil {
			return
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			reply := s.handle(msg, conn.RemoteAddr(), getBuf())
			putBuf(msg)
			if reply != nil {
				wmu.Lock()
				WriteRecord(conn, reply)
				wmu.Unlock()
				putBuf(reply)
			}
		}()
	}
}

// Calls and replies reuse their buffers: a 1 MiB READ reply or WRITE call
// allocated afresh each time makes the garbage collector run every few
// calls. Handlers must not keep their arguments (they alias the call
// buffer) past their return.
var bufPool sync.Pool // of *[]byte

func getBuf() []byte {
	if p, ok := bufPool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, 4096)
}

func putBuf(b []byte) {
	if cap(b) > 4<<20 {
		return
	}
	b = b[:0]
	bufPool.Put(&b)
}
