//go:build linux

// Package nfsd is the NFSv3 server built into the sos host process: it
// serves a host directory over UDP and TCP (NFS, MOUNT v3 and a portmapper
// GETPORT on one port), so that `sos run` can mount a host directory as
// SOS's root with no setup. See README.md.
//
// It runs on the host, not inside SOS: it imports the protocol packages
// (internal/nfs/...) and the host's system calls, and nothing of the
// kernel, the VFS or any SOS file system.
package nfsd

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
)

// Config says what to serve and where.
type Config struct {
	// Dir is the host directory to export. Required.
	Dir string
	// Addr is the host:port to listen on, for UDP and TCP both (default
	// "127.0.0.1:0": a free loopback port).
	Addr string
	// Export is the path clients MNT (default: Dir's absolute path, as
	// nfs-ganesha and Linux's nfsd export a directory for NFSv3);
	// subdirectories of it can be mounted too, and so can Dir's path.
	Export string
	// MaxInFlight bounds the requests served at once per UDP socket and
	// per TCP connection (default 64).
	MaxInFlight int
	// OpenFiles bounds the host descriptors kept open for READ and WRITE
	// (default 256).
	OpenFiles int
	// ReadOnly makes every modifying procedure fail with NFS3ERR_ROFS.
	ReadOnly bool
}

// Server is a running NFSv3 server. Close stops it.
type Server struct {
	cfg   Config
	t     *table
	files fcache
	verf  [8]byte // write verifier: changes with each server instance
	port  int

	tcp    net.Listener
	udp    net.PacketConn
	tcpSrv *rpc.Server
	udpSrv *rpc.Server
	wg     sync.WaitGroup // the serving goroutines

	// life is held shared by every running procedure and exclusively by
	// Close, so no procedure uses the host descriptors after they close.
	life   sync.RWMutex
	closed bool // guarded by life

	// hook, if set (by tests, before serving), runs at the start of each
	// READ and WRITE, after the request has been decoded.
	hook func(proc uint32)

	connMu   sync.Mutex // guards conns and stopping
	conns    map[net.Conn]struct{}
	stopping bool // Close has closed (or is closing) every conn
}

// New starts serving cfg.Dir.
func New(cfg Config) (*Server, error) {
	if cfg.Dir == "" {
		return nil, errors.New("nfsd: no directory to serve")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, err
	}
	cfg.Dir = dir
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Export == "" {
		cfg.Export = dir
	}
	cfg.Export = filepath.Clean("/" + cfg.Export)
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 64
	}
	if cfg.OpenFiles <= 0 {
		cfg.OpenFiles = 256
	}
	t, err := newTable(dir)
	if err != nil {
		return nil, fmt.Errorf("nfsd: %w", err)
	}
	s := &Server{cfg: cfg, t: t}
	s.files = fcache{max: cfg.OpenFiles, readOnly: cfg.ReadOnly, m: map[fileKey]*openFile{}}
	rand.Read(s.verf[:])
	if err := s.listen(); err != nil {
		t.close()
		return nil, err
	}
	s.tcpSrv = s.rpcServer(false)
	s.udpSrv = s.rpcServer(true)
	s.wg.Add(2)
	go func() { defer s.wg.Done(); s.acceptLoop() }()
	go func() { defer s.wg.Done(); s.udpSrv.ServeUDP(s.udp) }()
	return s, nil
}

// listen binds TCP and UDP to the same port.
func (s *Server) listen() error {
	host, port, err := net.SplitHostPort(s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("nfsd: %w", err)
	}
	for try := 0; ; try++ {
		l, err := net.Listen("tcp", s.cfg.Addr)
		if err != nil {
			return fmt.Errorf("nfsd: %w", err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		pc, err := net.ListenPacket("udp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			l.Close()
			if port == "0" && try < 20 {
				continue // the UDP port was taken: try another free port
			}
			return fmt.Errorf("nfsd: %w", err)
		}
		if uc, ok := pc.(*net.UDPConn); ok {
			// A client with many requests in flight sends bursts: room
			// for them (the kernel caps this at net.core.rmem_max).
			uc.SetReadBuffer(4 << 20)
			uc.SetWriteBuffer(4 << 20)
		}
		s.tcp, s.udp, s.port = l, pc, p
		return nil
	}
}

func (s *Server) rpcServer(udp bool) *rpc.Server {
	r := rpc.NewServer()
	r.MaxInFlight = s.cfg.MaxInFlight
	if udp {
		// A lost UDP reply makes the client send the call again: answer
		// non-idempotent procedures from the cache rather than run them
		// twice (a second REMOVE would fail with NOENT).
		r.DupCache = 1024
		r.DupProc = func(prog, vers, proc uint32) bool {
			if prog != nfs3.Program {
				return prog == nfs3.MountProgram && proc == nfs3.MountProcMnt
			}
			switch proc {
			case nfs3.ProcSetattr, nfs3.ProcWrite, nfs3.ProcCreate, nfs3.ProcMkdir,
				nfs3.ProcSymlink, nfs3.ProcMknod, nfs3.ProcRemove, nfs3.ProcRmdir,
				nfs3.ProcRename, nfs3.ProcLink:
				return true
			}
			return false
		}
	}
	s.register(r)
	return r
}

func (s *Server) acceptLoop() {
	for {
		conn, err := s.tcp.Accept()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			// Room for a whole 1 MiB reply (and call) in the socket, so
			// a READ reply goes out in one write without waiting for the
			// client to drain the first part.
			tc.SetWriteBuffer(4 << 20)
			tc.SetReadBuffer(4 << 20)
		}
		s.connMu.Lock()
		if s.stopping { // accepted just as Close ran
			s.connMu.Unlock()
			conn.Close()
			return
		}
		if s.conns == nil {
			s.conns = map[net.Conn]struct{}{}
		}
		s.conns[conn] = struct{}{}
		s.connMu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.tcpSrv.ServeConn(conn)
			s.connMu.Lock()
			delete(s.conns, conn)
			s.connMu.Unlock()
		}()
	}
}

// begin is called by each procedure: false if the server is closed. If
// true, the procedure calls s.life.RUnlock when done.
func (s *Server) begin() bool {
	s.life.RLock()
	if s.closed {
		s.life.RUnlock()
		return false
	}
	return true
}

// Port is the UDP and TCP port of NFS, MOUNT and the portmapper.
func (s *Server) Port() int { return s.port }

// Addr is host:port of the server.
func (s *Server) Addr() string { return s.tcp.Addr().String() }

// Export is the path clients mount.
func (s *Server) Export() string { return s.cfg.Export }

// Close stops serving, waits for the listeners to stop, and closes the
// host descriptors.
func (s *Server) Close() error {
	s.life.Lock()
	if s.closed {
		s.life.Unlock()
		return nil
	}
	s.closed = true
	s.files.closeAll()
	s.t.close()
	s.life.Unlock()
	s.tcp.Close()
	s.udp.Close()
	s.connMu.Lock()
	s.stopping = true
	for c := range s.conns {
		c.Close()
	}
	s.connMu.Unlock()
	s.wg.Wait()
	return nil
}

// DefaultDir returns the default directory `sos run` serves as SOS's
// root, $XDG_DATA_HOME/sos/root (~/.local/share/sos/root), creating it.
func DefaultDir() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("nfsd: no data directory: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(base, "sos", "root")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("nfsd: %w", err)
	}
	return dir, nil
}
