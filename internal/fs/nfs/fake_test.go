package nfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
	"sos/internal/nfs/xdr"
	"sos/internal/vfs"
)

// fake is a small NFSv3 server built on internal/nfs/rpc: a root
// directory holding one file "f", with knobs for misbehaving.
type fake struct {
	mu    sync.Mutex
	data  []byte
	stale atomic.Bool // GETATTR/READ/ACCESS of f answer NFS3ERR_STALE
	delay time.Duration

	inflight, maxInflight atomic.Int64
	reads, writes         atomic.Int64
	hugeRead              atomic.Bool  // READ replies carry more data than asked
	reboot                atomic.Bool  // the next COMMIT finds the server restarted: unstable data lost, a new verifier
	syncWrites            atomic.Int64 // FILE_SYNC WRITEs seen
	noSpace               atomic.Bool  // WRITEs fail with NFS3ERR_NOSPC
	bootVerf              atomic.Uint32
	entries               int // names e000... in the root besides f
	plusCalls, dirCalls   atomic.Int64
}

var (
	rootFH = nfs3.FH("root-handle")
	fileFH = nfs3.FH("file-handle")
)

func (f *fake) attr(fh nfs3.FH) nfs3.Fattr {
	if bytes.Equal(fh, rootFH) {
		return nfs3.Fattr{Type: nfs3.TypeDir, Mode: 0o777, Nlink: 2, FileID: 1, Size: 4096}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return nfs3.Fattr{Type: nfs3.TypeReg, Mode: 0o666, Nlink: 1, FileID: 2, Size: uint64(len(f.data))}
}

// busy counts a call in flight for as long as it runs.
func (f *fake) busy() func() {
	n := f.inflight.Add(1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(f.delay)
	return func() { f.inflight.Add(-1) }
}

func (f *fake) server() *rpc.Server {
	s := rpc.NewServer()
	s.MaxInFlight = 256
	s.DupCache = 4096 // a retransmission of a call still running is dropped, so calls are counted once
	P, V := uint32(nfs3.Program), uint32(nfs3.Version)
	nfs3.Register(s, nfs3.MountProgram, nfs3.MountVersion, nfs3.MountProcMnt, func(_ *rpc.Request, a *nfs3.MountArgs) nfs3.Msg {
		return &nfs3.MountRes{Status: nfs3.MountOK, FH: rootFH, Flavors: []uint32{1}}
	})
	nfs3.Register(s, nfs3.MountProgram, nfs3.MountVersion, nfs3.MountProcUmnt, func(_ *rpc.Request, a *nfs3.MountArgs) nfs3.Msg {
		return nfs3.Void{}
	})
	nfs3.Register(s, P, V, nfs3.ProcFsinfo, func(_ *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
		at := f.attr(rootFH)
		return &nfs3.FsinfoRes{Status: nfs3.StatusOK, Attr: &at, RtMax: 65536, RtPref: 4096, WtMax: 65536, WtPref: 4096, DtPref: 4096, MaxFileSize: 1 << 40}
	})
	nfs3.Register(s, P, V, nfs3.ProcGetattr, func(_ *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
		if bytes.Equal(a.FH, fileFH) && f.stale.Load() {
			return &nfs3.GetattrRes{Status: nfs3.ErrStale}
		}
		return &nfs3.GetattrRes{Status: nfs3.StatusOK, Attr: f.attr(a.FH)}
	})
	nfs3.Register(s, P, V, nfs3.ProcLookup, func(_ *rpc.Request, a *nfs3.DirOpArgs) nfs3.Msg {
		if a.What.Name != "f" {
			return &nfs3.LookupRes{Status: nfs3.ErrNoent}
		}
		at := f.attr(fileFH)
		return &nfs3.LookupRes{Status: nfs3.StatusOK, FH: fileFH, Attr: &at}
	})
	// READDIRPLUS is not supported; READDIR pages 10 entries at a time.
	nfs3.Register(s, P, V, nfs3.ProcReaddirplus, func(_ *rpc.Request, a *nfs3.ReaddirplusArgs) nfs3.Msg {
		f.plusCalls.Add(1)
		return &nfs3.ReaddirplusRes{ReaddirRes: nfs3.ReaddirRes{Status: nfs3.ErrNotsupp}}
	})
	nfs3.Register(s, P, V, nfs3.ProcReaddir, func(_ *rpc.Request, a *nfs3.ReaddirArgs) nfs3.Msg {
		f.dirCalls.Add(1)
		verf := [8]byte{7}
		if a.Cookie != 0 && a.CookieVerf != verf {
			return &nfs3.ReaddirRes{Status: nfs3.ErrBadCookie}
		}
		names := []string{".", "..", "f"}
		for i := range f.entries {
			names = append(names, fmt.Sprintf("e%03d", i))
		}
		r := &nfs3.ReaddirRes{Status: nfs3.StatusOK, CookieVerf: verf}
		for i := int(a.Cookie); i < len(names) && len(r.Entries) < 10; i++ {
			r.Entries = append(r.Entries, nfs3.Entry{FileID: uint64(100 + i), Name: names[i], Cookie: uint64(i + 1)})
		}
		r.EOF = int(a.Cookie)+len(r.Entries) >= len(names)
		return r
	})
	nfs3.Register(s, P, V, nfs3.ProcAccess, func(_ *rpc.Request, a *nfs3.AccessArgs) nfs3.Msg {
		if f.stale.Load() {
			return &nfs3.AccessRes{Status: nfs3.ErrStale}
		}
		return &nfs3.AccessRes{Status: nfs3.StatusOK, Access: a.Access}
	})
	nfs3.Register(s, P, V, nfs3.ProcRead, func(_ *rpc.Request, a *nfs3.ReadArgs) nfs3.Msg {
		defer f.busy()()
		f.reads.Add(1)
		if f.stale.Load() {
			return &nfs3.ReadRes{Status: nfs3.ErrStale}
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.hugeRead.Load() {
			return &nfs3.ReadRes{Status: nfs3.StatusOK, Data: make([]byte, a.Count+100)}
		}
		end := min(a.Offset+uint64(a.Count), uint64(len(f.data)))
		start := min(a.Offset, end)
		return &nfs3.ReadRes{Status: nfs3.StatusOK, Data: bytes.Clone(f.data[start:end]), EOF: end == uint64(len(f.data))}
	})
	nfs3.Register(s, P, V, nfs3.ProcWrite, func(_ *rpc.Request, a *nfs3.WriteArgs) nfs3.Msg {
		defer f.busy()()
		f.writes.Add(1)
		if f.noSpace.Load() {
			return &nfs3.WriteRes{Status: nfs3.ErrNospc}
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if end := int(a.Offset) + len(a.Data); end > len(f.data) {
			f.data = append(f.data, make([]byte, end-len(f.data))...)
		}
		copy(f.data[a.Offset:], a.Data)
		committed := uint32(nfs3.Unstable)
		if a.Stable == nfs3.FileSync {
			f.syncWrites.Add(1)
			committed = nfs3.FileSync
		}
		return &nfs3.WriteRes{Status: nfs3.StatusOK, Count: uint32(len(a.Data)), Committed: committed, Verf: [8]byte{byte(f.bootVerf.Load())}}
	})
	nfs3.Register(s, P, V, nfs3.ProcCommit, func(_ *rpc.Request, a *nfs3.CommitArgs) nfs3.Msg {
		if f.reboot.Swap(false) {
			f.mu.Lock()
			clear(f.data)
			f.mu.Unlock()
			f.bootVerf.Add(1)
		}
		return &nfs3.CommitRes{Status: nfs3.StatusOK, Verf: [8]byte{byte(f.bootVerf.Load())}}
	})
	return s
}

// wire wraps the server's socket to lose, duplicate, delay or corrupt
// replies.
type wire struct {
	net.PacketConn
	n       atomic.Int64
	drop    int  // drop every drop-th reply (0: none)
	dup     bool // send every reply twice
	late    int  // delay every late-th reply by lateBy
	lateBy  time.Duration
	garbage atomic.Bool // replace every reply after its xid with random bytes
	rng     *rand.Rand
	rmu     sync.Mutex
}

func (w *wire) WriteTo(b []byte, addr net.Addr) (int, error) {
	i := w.n.Add(1)
	if w.drop > 0 && i%int64(w.drop) == 0 {
		return len(b), nil
	}
	if w.garbage.Load() && len(b) >= 4 {
		w.rmu.Lock()
		g := make([]byte, 4+w.rng.Intn(200))
		w.rng.Read(g)
		if w.rng.Intn(2) == 0 && len(b) > 24 {
			// Keep a valid accepted-reply header, corrupt the results.
			g = append(append([]byte(nil), b[:24]...), g[4:]...)
		}
		w.rmu.Unlock()
		copy(g, b[:4])
		b = g
	}
	if w.late > 0 && i%int64(w.late) == 0 {
		msg := bytes.Clone(b)
		time.AfterFunc(w.lateBy, func() { w.PacketConn.WriteTo(msg, addr) })
		return len(b), nil
	}
	if w.dup {
		w.PacketConn.WriteTo(b, addr)
	}
	return w.PacketConn.WriteTo(b, addr)
}

// startFake serves f over UDP on loopback through a wire and mounts it.
func startFake(t *testing.T, f *fake, w *wire, opts Options) (*FS, *vfs.Namespace, *vfs.FSContext, net.PacketConn) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if w == nil {
		w = &wire{}
	}
	w.PacketConn = pc
	w.rng = rand.New(rand.NewSource(1))
	srv := f.server()
	go srv.ServeUDP(w)
	t.Cleanup(func() { pc.Close() })
	port := pc.LocalAddr().(*net.UDPAddr).Port
	if opts.Transport == "tcp" {
		// The same server over TCP, on the same port number.
		l, err := net.Listen("tcp", pc.LocalAddr().String())
		if err != nil {
			t.Fatal(err)
		}
		go srv.ServeTCP(l)
		t.Cleanup(func() { l.Close() })
	} else {
		opts.Transport = "udp"
	}
	opts.Server = pc.LocalAddr().String()
	opts.MountPort = port
	opts.Export = "/export"
	if opts.Timeout == 0 {
		opts.Timeout = 20 * time.Millisecond
	}
	if opts.MountTimeout == 0 {
		opts.MountTimeout = 5 * time.Second
	}
	fs, err := Mount(context.Background(), opts)
	if err != nil {
		t.Fatalf("Mount: %v", err)
	}
	t.Cleanup(func() { fs.Unmount() })
	ns := vfs.NewNamespace(fs.Root(), "nfs")
	fsc := vfs.NewFSContext(ns.Root(), ns.Root(), 0)
	fsc.SetCreds(vfs.RootCreds)
	return fs, ns, fsc, pc
}

func TestFakeWindow(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) { testFakeWindow(t, tr) })
	}
}

func testFakeWindow(t *testing.T, tr string) {
	f := &fake{data: randBytes(256<<10, 7), delay: 5 * time.Millisecond}
	fs, ns, fsc, _ := startFake(t, f, nil, Options{Transport: tr, Window: 8, Timeout: 5 * time.Second, HardTimeout: 20 * time.Second})
	if fs.ReadSize() != 4096 || fs.WriteSize() != 4096 {
		t.Fatalf("transfer sizes %d/%d, want FSINFO's preference 4096", fs.ReadSize(), fs.WriteSize())
	}
	if got := readFile(t, ns, fsc, "f", 1<<20); !bytes.Equal(got, f.data) {
		t.Fatal("data differs")
	}
	if m := f.maxInflight.Load(); m < 4 || m > 8 {
		t.Fatalf("at most %d READs in flight at once, want 4..8 (Window 8)", m)
	}
	f.maxInflight.Store(0)
	data := randBytes(200<<10, 8)
	fl, err := ns.Open(ctx, fsc, nil, "f", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := fl.Write(ctx, data); n != len(data) || err != nil {
		t.Fatalf("write %d %v", n, err)
	}
	fl.DecRef()
	if m := f.maxInflight.Load(); m < 4 || m > 8 {
		t.Fatalf("at most %d WRITEs in flight at once, want 4..8", m)
	}
	f.mu.Lock()
	same := bytes.Equal(f.data[:len(data)], data)
	f.mu.Unlock()
	if !same {
		t.Fatal("written data differs")
	}
	// Small sequential writes are gathered into transfer-size WRITEs.
	f.writes.Store(0)
	small := randBytes(64<<10, 11)
	fl, err = ns.Open(ctx, fsc, nil, "f", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off < len(small); off += 512 {
		if n, err := fl.Write(ctx, small[off:off+512]); n != 512 || err != nil {
			t.Fatalf("write %d %v", n, err)
		}
	}
	fl.DecRef()
	if w := f.writes.Load(); w > int64(len(small)/4096)+1 {
		t.Fatalf("%d WRITEs for %d bytes in 512-byte writes", w, len(small))
	}
	f.mu.Lock()
	same = bytes.Equal(f.data[:len(small)], small)
	f.mu.Unlock()
	if !same {
		t.Fatal("gathered writes differ")
	}
	// Small sequential reads are served by read-ahead: far fewer READs
	// than reads.
	f.reads.Store(0)
	readFile(t, ns, fsc, "f", 512)
	if r := f.reads.Load(); r > int64(len(f.data)/4096)+2 {
		t.Fatalf("%d READs for %d bytes in 512-byte reads", r, len(f.data))
	}
}

func TestFakeLossy(t *testing.T) {
	for _, tc := range []struct {
		name string
		w    *wire
	}{
		{"drop", &wire{drop: 3}},
		{"duplicate", &wire{dup: true}},
		{"late", &wire{late: 4, lateBy: 60 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fake{data: randBytes(100<<10, 9)}
			fs, ns, fsc, _ := startFake(t, f, tc.w, Options{Window: 4, AttrCacheTimeout: -1, HardTimeout: 20 * time.Second})
			for range 3 {
				if got := readFile(t, ns, fsc, "f", 10000); !bytes.Equal(got, f.data) {
					t.Fatal("data differs")
				}
			}
			if st := fs.Stats(); tc.name != "duplicate" && st.Retrans == 0 {
				t.Fatalf("no retransmissions: %+v", st)
			}
		})
	}
}

func TestFakeDeadServer(t *testing.T) {
	f := &fake{data: []byte("hello")}
	_, ns, fsc, pc := startFake(t, f, nil, Options{AttrCacheTimeout: -1, HardTimeout: 300 * time.Millisecond, MountTimeout: time.Second})
	fl, err := ns.Open(ctx, fsc, nil, "f", abi.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.DecRef()
	pc.Close()
	done := make(chan error, 1)
	go func() {
		_, err := fl.Read(ctx, make([]byte, 10))
		done <- err
	}()
	select {
	case err := <-done:
		if err != abi.ETIMEDOUT {
			t.Fatalf("read from a dead server: %v, want ETIMEDOUT", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("read from a dead server hangs")
	}
	if _, err := ns.Stat(ctx, fsc, nil, "f", true); err != abi.ETIMEDOUT {
		t.Fatalf("stat on a dead server: %v", err)
	}
	// Mounting a server that is not there fails too.
	mdone := make(chan error, 1)
	go func() {
		_, err := Mount(context.Background(), Options{Server: pc.LocalAddr().String(), MountPort: pc.LocalAddr().(*net.UDPAddr).Port,
			Export: "/", Transport: "udp", Timeout: 50 * time.Millisecond, MountTimeout: 300 * time.Millisecond})
		mdone <- err
	}()
	select {
	case err := <-mdone:
		if !errors.Is(err, abi.ETIMEDOUT) {
			t.Fatalf("mounting a dead server: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("mounting a dead server hangs")
	}
}

func TestFakeStale(t *testing.T) {
	f := &fake{data: []byte("hello")}
	_, ns, fsc, _ := startFake(t, f, nil, Options{AttrCacheTimeout: -1})
	fl, err := ns.Open(ctx, fsc, nil, "f", abi.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.DecRef()
	f.stale.Store(true)
	if _, err := fl.Read(ctx, make([]byte, 10)); err != abi.ESTALE {
		t.Errorf("read of a stale handle: %v", err)
	}
	if _, err := fl.Stat(); err != abi.ESTALE {
		t.Errorf("fstat of a stale handle: %v", err)
	}
	if _, err := ns.Open(ctx, fsc, nil, "f", abi.O_RDWR, 0); err != abi.ESTALE {
		t.Errorf("open of a stale handle: %v", err)
	}
}

func TestFakeHostile(t *testing.T) {
	f := &fake{data: randBytes(50000, 3)}
	w := &wire{}
	_, ns, fsc, _ := startFake(t, f, w, Options{AttrCacheTimeout: -1, HardTimeout: 200 * time.Millisecond})
	fl, err := ns.Open(ctx, fsc, nil, "f", abi.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fl.DecRef()
	// More data than asked for.
	f.hugeRead.Store(true)
	if _, err := fl.ReadAt(ctx, make([]byte, 100), 0); err != abi.EIO {
		t.Errorf("READ with too much data: %v, want EIO", err)
	}
	f.hugeRead.Store(false)
	// Garbage: every reply corrupted, never a panic; every error an errno.
	w.garbage.Store(true)
	for i := range 100 {
		var err error
		switch i % 4 {
		case 0:
			_, err = fl.ReadAt(ctx, make([]byte, 20000), 0)
		case 1:
			// Written behind: the error comes with the write or with fsync.
			if _, err = fl.WriteAt(ctx, []byte("x"), 0); err == nil {
				err = fl.Sync()
			}
		case 2:
			_, err = ns.Stat(ctx, fsc, nil, "f", true)
		case 3:
			_, err = fl.ReadAt(ctx, make([]byte, 100), int64(i))
		}
		var e abi.Errno
		if err == nil || !errors.As(err, &e) {
			t.Fatalf("call %d on garbage: %v, want an errno", i, err)
		}
	}
}

// hostileDecode feeds random bytes to every reply decoder the client uses.
func TestHostileDecode(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	msgs := []func() nfs3.Msg{
		func() nfs3.Msg { return &nfs3.ReadRes{} }, func() nfs3.Msg { return &nfs3.ReaddirplusRes{} },
		func() nfs3.Msg { return &nfs3.LookupRes{} }, func() nfs3.Msg { return &nfs3.GetattrRes{} },
		func() nfs3.Msg { return &nfs3.WriteRes{} }, func() nfs3.Msg { return &nfs3.CreateRes{} },
	}
	for i := range 2000 {
		b := make([]byte, rng.Intn(300))
		rng.Read(b)
		if len(b) > 8 && i%2 == 0 {
			copy(b, []byte{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xf0}) // OK, then a huge length
		}
		msgs[i%len(msgs)]().Decode(xdr.NewDecoder(b))
	}
}

// TestFakeVerifier: the server restarts between the WRITEs and the
// COMMIT (unstable data lost, a new write verifier): the client notices
// and sends the data again, FILE_SYNC, before close returns.
func TestFakeVerifier(t *testing.T) {
	f := &fake{data: make([]byte, 50000)}
	_, ns, fsc, _ := startFake(t, f, nil, Options{Timeout: time.Second})
	data := randBytes(50000, 5)
	fl, err := ns.Open(ctx, fsc, nil, "f", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := fl.Write(ctx, data); n != len(data) || err != nil {
		t.Fatalf("write %d %v", n, err)
	}
	f.reboot.Store(true)
	fl.DecRef() // close: COMMIT, verifier mismatch, resend
	f.mu.Lock()
	same := bytes.Equal(f.data, data)
	f.mu.Unlock()
	if !same || f.syncWrites.Load() == 0 {
		t.Fatalf("after a restart before COMMIT: data intact %v, %d FILE_SYNC writes", same, f.syncWrites.Load())
	}
}

// TestFakeCloseReportsWriteError: WRITEs the client sent in the
// background fail on the server (no space); write(2) has already
// returned, so close(2) is where the program learns its data is not
// there, as on Linux. Nothing is silently lost.
func TestFakeCloseReportsWriteError(t *testing.T) {
	f := &fake{data: make([]byte, 0)}
	_, ns, fsc, _ := startFake(t, f, nil, Options{Timeout: time.Second})
	fl, err := ns.Open(ctx, fsc, nil, "f", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.noSpace.Store(true)
	data := randBytes(20000, 6)
	if n, err := fl.Write(ctx, data); n != len(data) || err != nil {
		t.Fatalf("write %d %v (the error belongs to close)", n, err)
	}
	fds := vfs.NewFDTable()
	fd, err := fds.Install(fl, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	fl.DecRef() // the table holds the file now
	if err := fds.Close(fd); err != abi.ENOSPC {
		t.Fatalf("close: %v, want ENOSPC", err)
	}
	if _, err := fds.Get(fd); err != abi.EBADF {
		t.Fatalf("after a failed close the descriptor is still open: %v", err)
	}
}

// TestFakeReaddir: a server without READDIRPLUS is listed with READDIR,
// page by page (cookies and the cookie verifier), and getdents sees
// every name once.
func TestFakeReaddir(t *testing.T) {
	f := &fake{data: []byte("x"), entries: 95}
	_, ns, fsc, _ := startFake(t, f, nil, Options{})
	d, err := ns.Open(ctx, fsc, nil, "/", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.DecRef()
	seen := map[string]int{}
	if err := d.ReadDirents(ctx, func(e vfs.DirEntry, next int64) bool {
		seen[e.Name]++
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 98 || seen["f"] != 1 || seen["e094"] != 1 || seen["."] != 1 || seen[".."] != 1 {
		t.Fatalf("listed %d names: %v", len(seen), seen)
	}
	for n, c := range seen {
		if c != 1 {
			t.Fatalf("%s listed %d times", n, c)
		}
	}
	if f.plusCalls.Load() != 1 || f.dirCalls.Load() < 10 {
		t.Fatalf("%d READDIRPLUS, %d READDIR calls: want one refused READDIRPLUS, then READDIR pages", f.plusCalls.Load(), f.dirCalls.Load())
	}
}
