// Package nfs is SOS's NFSv3 client: a file system that implements the
// vfs interfaces over a remote export, speaking MOUNT v3 and NFSv3
// (RFC 1813) through internal/nfs/rpc over UDP or TCP.
//
// It depends on the vfs interfaces, the ABI constants and the NFS protocol
// packages only; it knows nothing of the kernel. Its methods block the
// calling goroutine (a SOS thread) while a call is on the wire, and any
// number of goroutines may call at once: several processes' I/O overlaps.
// See README.md for caching, consistency, timeouts and lock order.
package nfs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
	"sos/internal/vfs"
)

// Options say what to mount and how.
type Options struct {
	// Server is "host" (ports from the portmapper) or "host:port" (the NFS
	// port; MOUNT from the portmapper, else the same port).
	Server string
	// MountPort, if not 0, is the MOUNT port (no portmapper needed).
	MountPort int
	// Export is the exported directory's path on the server.
	Export string
	// Transport is "udp" or "tcp" (default "tcp").
	Transport string
	// ReadSize and WriteSize are the transfer sizes: the most bytes one
	// READ or WRITE carries. 0 takes FSINFO's rtpref/wtpref; any value is
	// capped at rtmax/wtmax (and, over UDP, at what fits a datagram).
	ReadSize, WriteSize int
	// Window is the most requests in flight, per file operation and per
	// mount. Default 16.
	Window int
	// Timeout is the first retransmission timeout of a call (UDP; over
	// TCP, how often a call checks that its connection is alive); it
	// doubles on each retransmission. Default 1s.
	Timeout time.Duration
	// Retrans is how many times a call is sent again before it fails,
	// unless HardTimeout is set. Default 4.
	Retrans int
	// HardTimeout, if set, bounds each call (retransmissions included)
	// instead of Retrans: a dead server gives abi.ETIMEDOUT after it.
	HardTimeout time.Duration
	// MountTimeout bounds Mount as a whole. Default 15s.
	MountTimeout time.Duration
	// AttrCacheTimeout is how long attributes (and names looked up) are
	// trusted before asking the server again (acregmin/acdirmin). Default
	// 3s; negative means never cache.
	AttrCacheTimeout time.Duration
	// UID and GID are sent with every call (AUTH_SYS).
	UID, GID uint32
	// Owner, if set, is who SOS sees as the owner of the files the server
	// says belong to UID and GID (this mount's own identity there), and
	// the other way round for chown; new files get the server's default
	// owner. It is how `sos run` shows the files of the host user who runs
	// the built-in server as SOS's user's, as Linux's idmapped mounts do.
	Owner *Owner
	// MachineName goes into AUTH_SYS. Default "sos".
	MachineName string
	// Dev is the device number stat reports; 0 allocates one.
	Dev uint64
}

// Owner is a user and group ID.
type Owner struct{ UID, GID uint32 }

// Stats are a mount's counters, for benchmarks.
type Stats struct {
	Calls        map[string]uint64 // calls made, by procedure name
	Retrans      uint64            // calls sent again
	BytesRead    uint64            // file data read from the server
	BytesWritten uint64            // file data written to the server
	ReadSize     int               // the transfer sizes in use
	WriteSize    int
}

// FS is a mounted export.
type FS struct {
	opts   Options
	clnt   *rpc.Client
	mclnt  *rpc.Client // MOUNT, for UMNT
	rsize  int
	wsize  int
	maxFS  uint64
	dev    uint64
	acTime time.Duration
	win    window // calls in flight on the mount

	ctx    context.Context // canceled by Unmount
	cancel context.CancelFunc

	openFiles    atomic.Int64 // open regular files: Unlink checks for silly renames only if any
	calls        [22]atomic.Uint64
	bytesRead    atomic.Uint64
	bytesWritten atomic.Uint64

	root *dir

	// mu guards nodes.
	mu    sync.Mutex
	nodes map[string]node // by file handle, so one file is one node
}

var procNames = [22]string{"NULL", "GETATTR", "SETATTR", "LOOKUP", "ACCESS", "READLINK", "READ", "WRITE",
	"CREATE", "MKDIR", "SYMLINK", "MKNOD", "REMOVE", "RMDIR", "RENAME", "LINK", "READDIR", "READDIRPLUS",
	"FSSTAT", "FSINFO", "PATHCONF", "COMMIT"}

// Mount mounts opts.Export from opts.Server. It gives up after
// opts.MountTimeout.
func Mount(ctx context.Context, opts Options) (*FS, error) {
	if opts.Transport == "" {
		opts.Transport = "tcp"
	}
	if opts.Transport != "tcp" && opts.Transport != "udp" {
		return nil, fmt.Errorf("nfs: transport %q: want udp or tcp", opts.Transport)
	}
	if opts.Window <= 0 {
		opts.Window = 16
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Retrans <= 0 {
		opts.Retrans = 4
	}
	if opts.MountTimeout <= 0 {
		opts.MountTimeout = 15 * time.Second
	}
	if opts.AttrCacheTimeout == 0 {
		opts.AttrCacheTimeout = 3 * time.Second
	}
	if opts.MachineName == "" {
		opts.MachineName = "sos"
	}
	total := opts.HardTimeout
	if total <= 0 {
		rto := opts.Timeout
		for range opts.Retrans + 1 {
			total += rto
			rto = min(2*rto, 60*time.Second)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, opts.MountTimeout)
	defer cancel()

	host, port := strings.TrimSuffix(strings.TrimPrefix(opts.Server, "["), "]"), 0
	if h, p, err := net.SplitHostPort(opts.Server); err == nil {
		host = h
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return nil, fmt.Errorf("nfs: bad port in %q", opts.Server)
		}
	}
	proto := uint32(rpc.IPProtoTCP)
	if opts.Transport == "udp" {
		proto = rpc.IPProtoUDP
	}
	quick := rpc.Config{Timeout: min(opts.Timeout, time.Second), Total: opts.MountTimeout}
	getPort := func(prog, vers uint32) (int, error) {
		p, err := rpc.GetPort(ctx, host, prog, vers, proto, quick)
		if err != nil {
			return 0, err
		}
		if p == 0 {
			return 0, fmt.Errorf("program %d not registered", prog)
		}
		return int(p), nil
	}
	mport := opts.MountPort
	if mport == 0 {
		var err error
		if mport, err = getPort(nfs3.MountProgram, nfs3.MountVersion); err != nil {
			if port == 0 {
				return nil, fmt.Errorf("nfs: portmapper on %s: %w", host, mapErr(err))
			}
			mport = port // no portmapper: MOUNT shares the NFS port
		}
	}
	if port == 0 {
		var err error
		if port, err = getPort(nfs3.Program, nfs3.Version); err != nil {
			return nil, fmt.Errorf("nfs: portmapper on %s: %w", host, mapErr(err))
		}
	}
	cred := rpc.AuthSysParams{MachineName: opts.MachineName, UID: opts.UID, GID: opts.GID, Gids: []uint32{opts.GID}}.Auth()
	mcfg := rpc.Config{Timeout: quick.Timeout, Total: opts.MountTimeout, Cred: cred}
	mclnt, err := rpc.Dial(opts.Transport, net.JoinHostPort(host, strconv.Itoa(mport)), mcfg)
	if err != nil {
		return nil, fmt.Errorf("nfs: mount server: %w", err)
	}
	var mr nfs3.MountRes
	if err := nfs3.CallMount(ctx, mclnt, nfs3.MountProcMnt, &nfs3.MountArgs{Path: opts.Export}, &mr); err != nil {
		mclnt.Close()
		return nil, fmt.Errorf("nfs: MNT %s: %w", opts.Export, mapErr(err))
	}
	if mr.Status != nfs3.MountOK {
		mclnt.Close()
		return nil, fmt.Errorf("nfs: MNT %s: %w (%w)", opts.Export, mr.Status, mountErrno(mr.Status))
	}
	rootFH := append(nfs3.FH(nil), mr.FH...)

	// Over UDP the first retransmission timeout adapts to the measured
	// round trips (at most Timeout), as Linux's does: a server that drops
	// datagrams under load then costs a few round trips, not a second.
	cfg := rpc.Config{Timeout: opts.Timeout, MaxTimeout: 60 * time.Second, Total: total, Cred: cred, Adaptive: true}
	clnt, err := rpc.Dial(opts.Transport, net.JoinHostPort(host, strconv.Itoa(port)), cfg)
	if err != nil {
		mclnt.Close()
		return nil, fmt.Errorf("nfs: %w", err)
	}
	fs := &FS{opts: opts, clnt: clnt, mclnt: mclnt, dev: opts.Dev, acTime: opts.AttrCacheTimeout,
		nodes: map[string]node{}}
	fs.win.init(opts.Window)
	fs.ctx, fs.cancel = context.WithCancel(context.Background())
	if fs.dev == 0 {
		fs.dev = vfs.NewAnonDev()
	}
	fail := func(err error) (*FS, error) {
		fs.cancel()
		clnt.Close()
		mclnt.Close()
		return nil, err
	}

	// FSINFO says the transfer sizes; the call is bounded by ctx.
	var fi nfs3.FsinfoRes
	if err := fs.callCtx(ctx, nfs3.ProcFsinfo, &nfs3.FHArgs{FH: rootFH}, &fi); err != nil {
		return fail(fmt.Errorf("nfs: FSINFO: %w", err))
	}
	if fi.Status != nfs3.StatusOK {
		return fail(fmt.Errorf("nfs: FSINFO: %w", errno(fi.Status)))
	}
	fs.rsize = transferSize(opts.ReadSize, fi.RtPref, fi.RtMax, opts.Transport)
	fs.wsize = transferSize(opts.WriteSize, fi.WtPref, fi.WtMax, opts.Transport)
	fs.maxFS = fi.MaxFileSize
	if fi.Attr == nil {
		var gr nfs3.GetattrRes
		if err := fs.callCtx(ctx, nfs3.ProcGetattr, &nfs3.FHArgs{FH: rootFH}, &gr); err != nil {
			return fail(fmt.Errorf("nfs: GETATTR of the root: %w", err))
		}
		if gr.Status != nfs3.StatusOK {
			return fail(fmt.Errorf("nfs: GETATTR of the root: %w", errno(gr.Status)))
		}
		fi.Attr = &gr.Attr
	}
	if fi.Attr.Type != nfs3.TypeDir {
		return fail(fmt.Errorf("nfs: %s is not a directory: %w", opts.Export, abi.ENOTDIR))
	}
	root, ok := fs.node(rootFH, fi.Attr).(*dir)
	if !ok {
		return fail(fmt.Errorf("nfs: root: %w", abi.EIO))
	}
	fs.root = root
	return fs, nil
}

// transferSize chooses a READ or WRITE size: what was asked for, else the
// server's preference, capped at its maximum and at what fits in a UDP
// datagram, rounded down to a multiple of 4 KiB when it is larger.
func transferSize(want int, pref, most uint32, transport string) int {
	n := want
	if n <= 0 {
		n = int(pref)
	}
	if n <= 0 {
		n = 32 << 10
	}
	if most > 0 && n > int(most) {
		n = int(most)
	}
	if transport == "udp" && n > 60<<10 {
		n = 32 << 10 // the largest power of two whose call fits a datagram
	}
	if n > nfs3.MaxData {
		n = nfs3.MaxData
	}
	if n >= 8192 {
		n &^= 4095
	}
	return max(n, 512)
}

// Root returns the export's root directory.
func (fs *FS) Root() vfs.Node { return fs.root }

// ReadSize and WriteSize are the transfer sizes in use.
func (fs *FS) ReadSize() int  { return fs.rsize }
func (fs *FS) WriteSize() int { return fs.wsize }

// Sync writes every file's unstable data to stable storage (COMMIT).
func (fs *FS) Sync() error {
	fs.mu.Lock()
	var files []*file
	for _, n := range fs.nodes {
		if f, ok := n.(*file); ok {
			files = append(files, f)
		}
	}
	fs.mu.Unlock()
	var first error
	for _, f := range files {
		if err := f.commit(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Unmount commits what was written, tells the server (UMNT) and closes
// the connections. Calls still running fail.
func (fs *FS) Unmount() error {
	err := fs.Sync()
	ctx, cancel := context.WithTimeout(context.Background(), fs.opts.MountTimeout)
	defer cancel()
	nfs3.CallMount(ctx, fs.mclnt, nfs3.MountProcUmnt, &nfs3.MountArgs{Path: fs.opts.Export}, nfs3.Void{})
	fs.cancel()
	fs.win.close()
	fs.clnt.Close()
	fs.mclnt.Close()
	return err
}

// Stats returns the mount's counters.
func (fs *FS) Stats() Stats {
	s := Stats{Calls: map[string]uint64{}, Retrans: fs.clnt.Stats().Retrans,
		BytesRead: fs.bytesRead.Load(), BytesWritten: fs.bytesWritten.Load(),
		ReadSize: fs.rsize, WriteSize: fs.wsize}
	for i := range fs.calls {
		if n := fs.calls[i].Load(); n > 0 {
			s.Calls[procNames[i]] = n
		}
	}
	return s
}

// Statfs is what statfs(2) reports for the export.
type Statfs struct {
	Bsize                 int64
	Blocks, Bfree, Bavail uint64 // in Bsize units
	Files, Ffree          uint64
	NameMax               int
}

// Statfs asks the server (FSSTAT).
func (fs *FS) Statfs() (Statfs, error) {
	var r nfs3.FsstatRes
	if err := fs.call(nfs3.ProcFsstat, &nfs3.FHArgs{FH: fs.root.fh}, &r); err != nil {
		return Statfs{}, err
	}
	if r.Status != nfs3.StatusOK {
		return Statfs{}, fs.status(fs.root, r.Status)
	}
	const bs = 4096
	return Statfs{Bsize: bs, Blocks: r.TBytes / bs, Bfree: r.FBytes / bs, Bavail: r.ABytes / bs,
		Files: r.TFiles, Ffree: r.FFiles, NameMax: 255}, nil
}

// call runs one NFS procedure, holding one of the mount's Window slots
// while it is on the wire. The error is an errno for transport failures;
// the NFS status is left in res.
func (fs *FS) call(proc uint32, args, res nfs3.Msg) error {
	return fs.callCtx(fs.ctx, proc, args, res)
}

func (fs *FS) callCtx(ctx context.Context, proc uint32, args, res nfs3.Msg) error {
	if err := fs.win.acquire(ctx); err != nil {
		return err
	}
	if int(proc) < len(fs.calls) {
		fs.calls[proc].Add(1)
	}
	err := mapErr(nfs3.Call(ctx, fs.clnt, proc, args, res))
	fs.win.release(fs.clnt.Stats().Retrans)
	return err
}

// window limits the calls in flight on a mount: at most Window, and
// fewer while the server loses requests. It is AIMD congestion control as
// TCP and Linux's RPC-over-UDP do it: a retransmission halves the limit,
// each call answered in time raises it by 1/limit.
type window struct {
	mu       sync.Mutex
	cond     sync.Cond
	max      float64
	cwnd     float64
	inflight int
	retrans  uint64 // the client's retransmissions already answered by a halving
	closed   bool
}

func (w *window) init(max int) {
	w.cond.L = &w.mu
	w.max, w.cwnd = float64(max), float64(max)
}

func (w *window) acquire(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for !w.closed && ctx.Err() == nil && float64(w.inflight) >= w.cwnd {
		w.cond.Wait()
	}
	if w.closed || ctx.Err() != nil {
		return abi.EIO
	}
	w.inflight++
	return nil
}

// release ends a call; retrans is the client's retransmission count now.
func (w *window) release(retrans uint64) {
	w.mu.Lock()
	w.inflight--
	if retrans > w.retrans {
		w.retrans = retrans
		w.cwnd = max(1, w.cwnd/2)
	} else {
		w.cwnd = min(w.max, w.cwnd+1/w.cwnd)
	}
	w.mu.Unlock()
	w.cond.Broadcast()
}

// close fails every waiting and future acquire.
func (w *window) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	w.cond.Broadcast()
}

// mapErr turns a transport error into an errno: ETIMEDOUT for a server
// that did not answer in time, EIO for everything else (refused calls,
// garbage, a closed client).
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rpc.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return abi.ETIMEDOUT
	default:
		return abi.EIO
	}
}

// errno maps an NFS status to a Linux errno.
func errno(s nfs3.Status) error {
	switch s {
	case nfs3.StatusOK:
		return nil
	case nfs3.ErrPerm:
		return abi.EPERM
	case nfs3.ErrNoent:
		return abi.ENOENT
	case nfs3.ErrNxio:
		return abi.ENXIO
	case nfs3.ErrAcces:
		return abi.EACCES
	case nfs3.ErrExist:
		return abi.EEXIST
	case nfs3.ErrXdev:
		return abi.EXDEV
	case nfs3.ErrNodev:
		return abi.ENODEV
	case nfs3.ErrNotdir:
		return abi.ENOTDIR
	case nfs3.ErrIsdir:
		return abi.EISDIR
	case nfs3.ErrInval:
		return abi.EINVAL
	case nfs3.ErrFbig:
		return abi.EFBIG
	case nfs3.ErrNospc:
		return abi.ENOSPC
	case nfs3.ErrRofs:
		return abi.EROFS
	case nfs3.ErrMlink:
		return abi.EMLINK
	case nfs3.ErrNametoolong:
		return abi.ENAMETOOLONG
	case nfs3.ErrNotempty:
		return abi.ENOTEMPTY
	case nfs3.ErrDquot:
		return abi.EDQUOT
	case nfs3.ErrStale, nfs3.ErrBadhandle:
		return abi.ESTALE
	case nfs3.ErrNotsupp, nfs3.ErrBadtype:
		return abi.EOPNOTSUPP
	default:
		return abi.EIO
	}
}

func mountErrno(s nfs3.MountStat) error {
	switch s {
	case nfs3.MountErrPerm:
		return abi.EPERM
	case nfs3.MountErrNoent:
		return abi.ENOENT
	case nfs3.MountErrAcces:
		return abi.EACCES
	case nfs3.MountErrNotdir:
		return abi.ENOTDIR
	default:
		return abi.EIO
	}
}
