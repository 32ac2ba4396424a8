//go:build linux

package nfsd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
	"sos/internal/nfs/xdr"
)

var ctx = context.Background()

// start serves a new temporary directory.
func start(t testing.TB, cfg Config) (*Server, string) {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, cfg.Dir
}

// client is a Go NFS client on internal/nfs/rpc, mounted on the export.
type client struct {
	t    testing.TB
	c    *rpc.Client
	root nfs3.FH
}

func dial(t testing.TB, s *Server, network string) *client {
	t.Helper()
	c, err := rpc.Dial(network, s.Addr(), rpc.Config{
		Timeout: 200 * time.Millisecond, Total: 20 * time.Second,
		Cred: rpc.AuthSysParams{MachineName: "test", UID: 0, GID: 0}.Auth(),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var mr nfs3.MountRes
	if err := nfs3.CallMount(ctx, c, nfs3.MountProcMnt, &nfs3.MountArgs{Path: s.Export()}, &mr); err != nil {
		t.Fatal(err)
	}
	if mr.Status != nfs3.MountOK {
		t.Fatalf("MNT %s: %v", s.Export(), mr.Status)
	}
	return &client{t: t, c: c, root: append(nfs3.FH(nil), mr.FH...)}
}

func (c *client) call(proc uint32, args, res nfs3.Msg) {
	c.t.Helper()
	if err := nfs3.Call(ctx, c.c, proc, args, res); err != nil {
		c.t.Fatalf("proc %d: %v", proc, err)
	}
}

func (c *client) lookup(dir nfs3.FH, name string) (nfs3.FH, *nfs3.Fattr, nfs3.Status) {
	var r nfs3.LookupRes
	c.call(nfs3.ProcLookup, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: dir, Name: name}}, &r)
	return append(nfs3.FH(nil), r.FH...), r.Attr, r.Status
}

func (c *client) getattr(fh nfs3.FH) (nfs3.Fattr, nfs3.Status) {
	var r nfs3.GetattrRes
	c.call(nfs3.ProcGetattr, &nfs3.FHArgs{FH: fh}, &r)
	return r.Attr, r.Status
}

func (c *client) create(dir nfs3.FH, name string, mode uint32, sa nfs3.Sattr, verf [8]byte) (nfs3.FH, nfs3.Status) {
	var r nfs3.CreateRes
	c.call(nfs3.ProcCreate, &nfs3.CreateArgs{Where: nfs3.DirOp{Dir: dir, Name: name}, Mode: mode, Attr: sa, Verf: verf}, &r)
	return append(nfs3.FH(nil), r.FH...), r.Status
}

func (c *client) mkdir(dir nfs3.FH, name string) (nfs3.FH, nfs3.Status) {
	var r nfs3.CreateRes
	c.call(nfs3.ProcMkdir, &nfs3.MkdirArgs{Where: nfs3.DirOp{Dir: dir, Name: name}}, &r)
	return append(nfs3.FH(nil), r.FH...), r.Status
}

func (c *client) write(fh nfs3.FH, off uint64, data []byte, stable uint32) nfs3.WriteRes {
	var r nfs3.WriteRes
	c.call(nfs3.ProcWrite, &nfs3.WriteArgs{FH: fh, Offset: off, Stable: stable, Data: data}, &r)
	return r
}

func (c *client) read(fh nfs3.FH, off uint64, n uint32) ([]byte, bool, nfs3.Status) {
	var r nfs3.ReadRes
	c.call(nfs3.ProcRead, &nfs3.ReadArgs{FH: fh, Offset: off, Count: n}, &r)
	return append([]byte(nil), r.Data...), r.EOF, r.Status
}

func (c *client) dirop(proc uint32, dir nfs3.FH, name string) nfs3.Status {
	var r nfs3.WccRes
	c.call(proc, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: dir, Name: name}}, &r)
	return r.Status
}

// readdirplus pages through dir with the given counts and returns the
// names in order.
func (c *client) readdirplus(dir nfs3.FH, dircount, count uint32) ([]string, int) {
	var names []string
	var cookie uint64
	var verf [8]byte
	calls := 0
	for {
		var r nfs3.ReaddirplusRes
		a := &nfs3.ReaddirplusArgs{ReaddirArgs: nfs3.ReaddirArgs{Dir: dir, Cookie: cookie, CookieVerf: verf, DirCount: dircount, Count: count}}
		c.call(nfs3.ProcReaddirplus, a, &r)
		calls++
		if r.Status != nfs3.StatusOK {
			c.t.Fatalf("READDIRPLUS: %v", r.Status)
		}
		for _, e := range r.Entries {
			if e.FH == nil || e.Attr == nil || e.Attr.FileID != e.FileID {
				c.t.Fatalf("entry %q without handle or attributes", e.Name)
			}
			names = append(names, e.Name)
			cookie = e.Cookie
		}
		verf = r.CookieVerf
		if r.EOF {
			return names, calls
		}
		if len(r.Entries) == 0 {
			c.t.Fatal("READDIRPLUS: no entries and no EOF")
		}
	}
}

func expect(t testing.TB, what string, got, want nfs3.Status) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
}

func forEachTransport(t *testing.T, f func(t *testing.T, s *Server, dir string, c *client)) {
	for _, network := range []string{"tcp", "udp"} {
		t.Run(network, func(t *testing.T) {
			s, dir := start(t, Config{})
			f(t, s, dir, dial(t, s, network))
		})
	}
}

func TestDirectoryOperations(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dir string, c *client) {
		d, st := c.mkdir(c.root, "d")
		expect(t, "MKDIR", st, nfs3.StatusOK)
		if fi, err := os.Stat(filepath.Join(dir, "d")); err != nil || !fi.IsDir() {
			t.Fatalf("host does not see the directory: %v", err)
		}
		_, st = c.mkdir(c.root, "d")
		expect(t, "MKDIR again", st, nfs3.ErrExist)

		mode := uint32(0o640)
		f, st := c.create(d, "f", nfs3.Unchecked, nfs3.Sattr{Mode: &mode}, [8]byte{})
		expect(t, "CREATE", st, nfs3.StatusOK)
		fi, err := os.Stat(filepath.Join(dir, "d", "f"))
		if err != nil || fi.Mode().Perm() != 0o640 {
			t.Fatalf("host file: %v %v", fi, err)
		}
		w := c.write(f, 0, []byte("hello, world"), nfs3.FileSync)
		expect(t, "WRITE", w.Status, nfs3.StatusOK)
		if w.Count != 12 || w.Committed != nfs3.FileSync || w.Verf != s.verf || w.Wcc.After == nil || w.Wcc.After.Size != 12 {
			t.Fatalf("WRITE result %+v", w)
		}
		data, eof, st := c.read(f, 7, 100)
		expect(t, "READ", st, nfs3.StatusOK)
		if string(data) != "world" || !eof {
			t.Fatalf("READ: %q eof=%v", data, eof)
		}

		// The handle LOOKUP gives is the one CREATE gave; attributes match the host.
		fh, a, st := c.lookup(d, "f")
		expect(t, "LOOKUP", st, nfs3.StatusOK)
		if !bytes.Equal(fh, f) || a.Type != nfs3.TypeReg || a.Size != 12 || a.Mode != 0o640 {
			t.Fatalf("LOOKUP: %x %+v", fh, a)
		}
		if _, _, st := c.lookup(d, "nope"); st != nfs3.ErrNoent {
			t.Fatalf("LOOKUP nope: %v", st)
		}

		// GUARDED create of an existing name fails; UNCHECKED with a size truncates.
		_, st = c.create(d, "f", nfs3.Guarded, nfs3.Sattr{}, [8]byte{})
		expect(t, "GUARDED", st, nfs3.ErrExist)
		zero, other := uint64(0), uint32(0o666)
		f2, st := c.create(d, "f", nfs3.Unchecked, nfs3.Sattr{Size: &zero, Mode: &other}, [8]byte{})
		expect(t, "UNCHECKED over", st, nfs3.StatusOK)
		if !bytes.Equal(f2, f) {
			t.Fatal("UNCHECKED over an existing file gave another handle")
		}
		if fi, _ := os.Stat(filepath.Join(dir, "d", "f")); fi.Size() != 0 || fi.Mode().Perm() != 0o640 {
			t.Fatalf("UNCHECKED over an existing file: size %d (want 0), mode %v (want it kept)", fi.Size(), fi.Mode())
		}
		_, st = c.create(c.root, "d", nfs3.Unchecked, nfs3.Sattr{}, [8]byte{})
		expect(t, "UNCHECKED over a directory", st, nfs3.ErrExist)

		// EXCLUSIVE: the same verifier again is the same file (a
		// retransmission); another verifier is EXIST.
		v := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
		x, st := c.create(d, "x", nfs3.Exclusive, nfs3.Sattr{}, v)
		expect(t, "EXCLUSIVE", st, nfs3.StatusOK)
		x2, st := c.create(d, "x", nfs3.Exclusive, nfs3.Sattr{}, v)
		expect(t, "EXCLUSIVE again", st, nfs3.StatusOK)
		if !bytes.Equal(x, x2) {
			t.Fatal("EXCLUSIVE retransmission gave another handle")
		}
		_, st = c.create(d, "x", nfs3.Exclusive, nfs3.Sattr{}, [8]byte{9})
		expect(t, "EXCLUSIVE other verifier", st, nfs3.ErrExist)

		// SETATTR: size and mode, seen on the host.
		sz, m := uint64(5), uint32(0o600)
		var sr nfs3.WccRes
		c.call(nfs3.ProcSetattr, &nfs3.SetattrArgs{FH: x, Attr: nfs3.Sattr{Size: &sz, Mode: &m,
			Mtime: nfs3.SetTime{How: nfs3.SetToClientTime, Time: nfs3.Time{Sec: 1_000_000}}}}, &sr)
		expect(t, "SETATTR", sr.Status, nfs3.StatusOK)
		fi, _ = os.Stat(filepath.Join(dir, "d", "x"))
		if fi.Size() != 5 || fi.Mode().Perm() != 0o600 || fi.ModTime().Unix() != 1_000_000 {
			t.Fatalf("after SETATTR: size %d mode %v mtime %v", fi.Size(), fi.Mode(), fi.ModTime())
		}
		if sr.Wcc.Before == nil || sr.Wcc.After == nil || sr.Wcc.After.Size != 5 {
			t.Fatalf("SETATTR wcc %+v", sr.Wcc)
		}
		// A guard with the wrong ctime is NOT_SYNC.
		c.call(nfs3.ProcSetattr, &nfs3.SetattrArgs{FH: x, Attr: nfs3.Sattr{Mode: &m}, Guard: true, GuardCtime: nfs3.Time{Sec: 1}}, &sr)
		expect(t, "SETATTR guard", sr.Status, nfs3.ErrNotSync)

		// RENAME keeps the handle; the old name is gone.
		var rr nfs3.RenameRes
		c.call(nfs3.ProcRename, &nfs3.RenameArgs{From: nfs3.DirOp{Dir: d, Name: "x"}, To: nfs3.DirOp{Dir: c.root, Name: "y"}}, &rr)
		expect(t, "RENAME", rr.Status, nfs3.StatusOK)
		if a, st := c.getattr(x); st != nfs3.StatusOK || a.Size != 5 {
			t.Fatalf("GETATTR after RENAME: %v", st)
		}
		if y, _, _ := c.lookup(c.root, "y"); !bytes.Equal(y, x) {
			t.Fatal("renamed file has another handle")
		}
		if _, err := os.Stat(filepath.Join(dir, "y")); err != nil {
			t.Fatal(err)
		}
		// Renaming a directory keeps the handles below it working.
		c.call(nfs3.ProcRename, &nfs3.RenameArgs{From: nfs3.DirOp{Dir: c.root, Name: "d"}, To: nfs3.DirOp{Dir: c.root, Name: "d2"}}, &rr)
		expect(t, "RENAME dir", rr.Status, nfs3.StatusOK)
		if _, st := c.getattr(f); st != nfs3.StatusOK {
			t.Fatalf("file in renamed dir: %v", st)
		}
		w = c.write(f, 0, []byte("abc"), nfs3.Unstable)
		expect(t, "WRITE in renamed dir", w.Status, nfs3.StatusOK)
		var cr nfs3.CommitRes
		c.call(nfs3.ProcCommit, &nfs3.CommitArgs{FH: f}, &cr)
		expect(t, "COMMIT", cr.Status, nfs3.StatusOK)
		if cr.Verf != w.Verf {
			t.Fatal("COMMIT verifier differs from WRITE's")
		}
		if b, _ := os.ReadFile(filepath.Join(dir, "d2", "f")); string(b) != "abc" {
			t.Fatalf("host reads %q", b)
		}

		// SYMLINK and READLINK; the link is never followed by the server.
		var sl nfs3.CreateRes
		c.call(nfs3.ProcSymlink, &nfs3.SymlinkArgs{Where: nfs3.DirOp{Dir: c.root, Name: "ln"}, Target: "d2/f"}, &sl)
		expect(t, "SYMLINK", sl.Status, nfs3.StatusOK)
		var rl nfs3.ReadlinkRes
		c.call(nfs3.ProcReadlink, &nfs3.FHArgs{FH: sl.FH}, &rl)
		if rl.Status != nfs3.StatusOK || rl.Target != "d2/f" {
			t.Fatalf("READLINK: %v %q", rl.Status, rl.Target)
		}
		if tgt, _ := os.Readlink(filepath.Join(dir, "ln")); tgt != "d2/f" {
			t.Fatalf("host link: %q", tgt)
		}

		// LINK: a second name, nlink 2.
		var lr nfs3.LinkRes
		c.call(nfs3.ProcLink, &nfs3.LinkArgs{File: f, Link: nfs3.DirOp{Dir: c.root, Name: "hard"}}, &lr)
		expect(t, "LINK", lr.Status, nfs3.StatusOK)
		if lr.Attr == nil || lr.Attr.Nlink != 2 {
			t.Fatalf("LINK attr %+v", lr.Attr)
		}

		// REMOVE makes the handle STALE; RMDIR of a non-empty directory fails.
		expect(t, "REMOVE y", c.dirop(nfs3.ProcRemove, c.root, "y"), nfs3.StatusOK)
		if _, st := c.getattr(x); st != nfs3.ErrStale {
			t.Fatalf("GETATTR of removed file: %v, want STALE", st)
		}
		if _, _, st := c.read(x, 0, 10); st != nfs3.ErrStale {
			t.Fatalf("READ of removed file: %v, want STALE", st)
		}
		expect(t, "REMOVE dir", c.dirop(nfs3.ProcRemove, c.root, "d2"), nfs3.ErrIsdir)
		expect(t, "RMDIR file", c.dirop(nfs3.ProcRmdir, c.root, "hard"), nfs3.ErrNotdir)
		expect(t, "RMDIR non-empty", c.dirop(nfs3.ProcRmdir, c.root, "d2"), nfs3.ErrNotempty)
		expect(t, "REMOVE f", c.dirop(nfs3.ProcRemove, d, "f"), nfs3.StatusOK)
		expect(t, "RMDIR", c.dirop(nfs3.ProcRmdir, c.root, "d2"), nfs3.StatusOK)
		if _, st := c.getattr(d); st != nfs3.ErrStale {
			t.Fatalf("GETATTR of removed dir: %v", st)
		}
		// The file lives on under its other name.
		if fh, _, st := c.lookup(c.root, "hard"); st != nfs3.StatusOK || !bytes.Equal(fh, f) {
			t.Fatalf("LOOKUP hard: %v", st)
		}
		if b, _, st := c.read(f, 0, 10); st != nfs3.StatusOK || string(b) != "abc" {
			t.Fatalf("READ through the other link: %v %q", st, b)
		}

		// FSSTAT, FSINFO, PATHCONF, ACCESS, NULL, MKNOD.
		var fs nfs3.FsstatRes
		c.call(nfs3.ProcFsstat, &nfs3.FHArgs{FH: c.root}, &fs)
		if fs.Status != nfs3.StatusOK || fs.TBytes == 0 || fs.ABytes > fs.TBytes {
			t.Fatalf("FSSTAT %+v", fs)
		}
		var fi3 nfs3.FsinfoRes
		c.call(nfs3.ProcFsinfo, &nfs3.FHArgs{FH: c.root}, &fi3)
		want := uint32(1 << 20)
		if c.c != nil && isUDPClient(t, s, c) {
			want = maxUDPIO
		}
		if fi3.Status != nfs3.StatusOK || fi3.RtMax != want || fi3.WtMax != want || fi3.Properties&nfs3.FSFSymlink == 0 {
			t.Fatalf("FSINFO %+v", fi3)
		}
		var pc nfs3.PathconfRes
		c.call(nfs3.ProcPathconf, &nfs3.FHArgs{FH: c.root}, &pc)
		if pc.Status != nfs3.StatusOK || pc.NameMax != 255 {
			t.Fatalf("PATHCONF %+v", pc)
		}
		var ar nfs3.AccessRes
		c.call(nfs3.ProcAccess, &nfs3.AccessArgs{FH: c.root, Access: 0x3f}, &ar)
		if ar.Status != nfs3.StatusOK || ar.Access&(nfs3.AccessRead|nfs3.AccessLookup|nfs3.AccessModify) == 0 {
			t.Fatalf("ACCESS %+v", ar)
		}
		c.call(nfs3.ProcNull, nfs3.Void{}, nfs3.Void{})
		var mk nfs3.CreateRes
		c.call(nfs3.ProcMknod, &nfs3.MknodArgs{Where: nfs3.DirOp{Dir: c.root, Name: "fifo"}, Type: nfs3.TypeFifo}, &mk)
		expect(t, "MKNOD", mk.Status, nfs3.ErrNotsupp)
	})
}

// isUDPClient tells which transport c uses (FSINFO's sizes differ).
func isUDPClient(t *testing.T, s *Server, c *client) bool {
	return t.Name()[len(t.Name())-3:] == "udp"
}

func TestReaddirplusPaging(t *testing.T) {
	forEachTransport(t, func(t *testing.T, s *Server, dir string, c *client) {
		var want []string
		for i := range 60 {
			name := fmt.Sprintf("file-with-a-longish-name-%03d", i)
			want = append(want, name)
			if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		os.Mkdir(filepath.Join(dir, "sub"), 0o755)
		want = append(want, "sub")
		slices.Sort(want)
		for _, counts := range [][2]uint32{{100, 400}, {1000, 1000}, {8192, 32768}} {
			got, calls := c.readdirplus(c.root, counts[0], counts[1])
			if calls < 2 && counts[1] < 8192 {
				t.Errorf("counts %v: one call for 61 entries", counts)
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("counts %v: got %d names %v", counts, len(got), got)
			}
		}
		// Plain READDIR too, and a count too small for one entry.
		var r nfs3.ReaddirRes
		c.call(nfs3.ProcReaddir, &nfs3.ReaddirArgs{Dir: c.root, Count: 4000}, &r)
		if r.Status != nfs3.StatusOK || len(r.Entries) == 0 {
			t.Fatalf("READDIR: %v %d", r.Status, len(r.Entries))
		}
		c.call(nfs3.ProcReaddir, &nfs3.ReaddirArgs{Dir: c.root, Count: 50}, &r)
		expect(t, "READDIR tiny", r.Status, nfs3.ErrToosmall)
		// A cookie with a foreign verifier is refused.
		c.call(nfs3.ProcReaddir, &nfs3.ReaddirArgs{Dir: c.root, Cookie: 5, CookieVerf: [8]byte{1}, Count: 4000}, &r)
		expect(t, "READDIR bad verifier", r.Status, nfs3.ErrBadCookie)
		// READDIR of a file is NOTDIR.
		f, _, _ := c.lookup(c.root, want[0])
		c.call(nfs3.ProcReaddir, &nfs3.ReaddirArgs{Dir: f, Count: 4000}, &r)
		expect(t, "READDIR file", r.Status, nfs3.ErrNotdir)
	})
}

// TestEscape: no name or handle reaches outside the exported directory.
func TestEscape(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "export")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(parent, "secret"), []byte("secret"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	// Symlinks made on the host that point outside.
	os.Symlink("..", filepath.Join(dir, "up"))
	os.Symlink(parent, filepath.Join(dir, "abs"))
	os.Symlink("../secret", filepath.Join(dir, "sec"))
	s, _ := start(t, Config{Dir: dir})
	c := dial(t, s, "tcp")

	// ".." of the root is the root.
	fh, _, st := c.lookup(c.root, "..")
	if st != nfs3.StatusOK || !bytes.Equal(fh, c.root) {
		t.Fatalf("LOOKUP .. of root: %v", st)
	}
	sub, _, _ := c.lookup(c.root, "sub")
	if fh, _, _ := c.lookup(sub, ".."); !bytes.Equal(fh, c.root) {
		t.Fatal("LOOKUP .. of sub is not the root")
	}
	for _, name := range []string{"../secret", "sub/../../secret", "/etc/passwd", "a\x00b", ""} {
		if _, _, st := c.lookup(c.root, name); st == nfs3.StatusOK {
			t.Fatalf("LOOKUP %q succeeded", name)
		}
		if _, st := c.create(c.root, name, nfs3.Unchecked, nfs3.Sattr{}, [8]byte{}); st == nfs3.StatusOK {
			t.Fatalf("CREATE %q succeeded", name)
		}
	}
	// Symlinks are objects, never directories to walk through.
	for _, name := range []string{"up", "abs"} {
		ln, a, st := c.lookup(c.root, name)
		if st != nfs3.StatusOK || a.Type != nfs3.TypeLnk {
			t.Fatalf("LOOKUP %s: %v %+v", name, st, a)
		}
		if _, _, st := c.lookup(ln, "secret"); st != nfs3.ErrNotdir {
			t.Fatalf("LOOKUP through symlink %s: %v", name, st)
		}
		if _, st := c.create(ln, "new", nfs3.Unchecked, nfs3.Sattr{}, [8]byte{}); st != nfs3.ErrNotdir {
			t.Fatalf("CREATE through symlink %s: %v", name, st)
		}
	}
	sec, _, _ := c.lookup(c.root, "sec")
	if b, _, st := c.read(sec, 0, 100); st == nfs3.StatusOK {
		t.Fatalf("READ of a symlink to outside gave %q", b)
	}
	var sr nfs3.WccRes
	zero := uint64(0)
	c.call(nfs3.ProcSetattr, &nfs3.SetattrArgs{FH: sec, Attr: nfs3.Sattr{Size: &zero}}, &sr)
	if b, _ := os.ReadFile(filepath.Join(parent, "secret")); string(b) != "secret" {
		t.Fatal("SETATTR through a symlink truncated a file outside the export")
	}
	// MNT outside the export, or through a symlink, is refused.
	for _, p := range []string{"/", parent, dir + "/..", dir + "/up", dir + "/abs", dir + "/../export/../secret"} {
		var mr nfs3.MountRes
		if err := nfs3.CallMount(ctx, c.c, nfs3.MountProcMnt, &nfs3.MountArgs{Path: p}, &mr); err != nil {
			t.Fatal(err)
		}
		if mr.Status == nfs3.MountOK {
			t.Fatalf("MNT %q succeeded", p)
		}
	}
	// Forged handles: bad shape is BADHANDLE, an unknown file STALE.
	for _, fh := range []nfs3.FH{{}, {1, 2, 3}, bytes.Repeat([]byte{0xff}, 64)} {
		if _, st := c.getattr(fh); st != nfs3.ErrBadhandle {
			t.Fatalf("GETATTR %x: %v", fh, st)
		}
	}
	forged := append(nfs3.FH(nil), c.root...)
	forged[len(forged)-1] ^= 0x55
	if _, st := c.getattr(forged); st != nfs3.ErrStale {
		t.Fatalf("GETATTR of a forged handle: %v", st)
	}
	// A handle whose directory was replaced on the host by a symlink
	// leading outside is stale, not followed.
	os.Remove(filepath.Join(dir, "sub"))
	os.Symlink(parent, filepath.Join(dir, "sub"))
	if _, _, st := c.lookup(sub, "secret"); st != nfs3.ErrStale {
		t.Fatalf("LOOKUP in a directory replaced by a symlink: %v", st)
	}
}

// TestGarbage: malformed calls get GARBAGE_ARGS (or are dropped, for
// undecodable headers) and the server keeps serving.
func TestGarbage(t *testing.T) {
	s, _ := start(t, Config{})
	for _, network := range []string{"udp", "tcp"} {
		c := dial(t, s, network)
		for proc := uint32(1); proc <= 21; proc++ {
			for _, args := range [][]byte{nil, {0, 0, 0}, {0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4}} {
				_, err := c.c.Call(ctx, nfs3.Program, nfs3.Version, proc, args)
				var re *rpc.ReplyError
				if !errors.As(err, &re) || re.Header.Stat != rpc.GarbageArgs {
					t.Fatalf("%s proc %d args %x: %v, want GARBAGE_ARGS", network, proc, args, err)
				}
			}
		}
		if _, err := c.c.Call(ctx, nfs3.Program, nfs3.Version, 99, nil); err == nil {
			t.Fatal("proc 99 succeeded")
		}
		if _, err := c.c.Call(ctx, nfs3.Program, 4, 0, nil); err == nil {
			t.Fatal("NFSv4 NULL succeeded")
		}
	}
	// Raw junk on both transports.
	u, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	for i := range 50 {
		u.Write(bytes.Repeat([]byte{byte(i)}, i*7))
	}
	tc, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	tc.Write([]byte{0x80, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff, 0xff, 0xff})
	tc.Close()
	// Still serving, on both.
	for _, network := range []string{"udp", "tcp"} {
		c := dial(t, s, network)
		if _, st := c.getattr(c.root); st != nfs3.StatusOK {
			t.Fatalf("%s after garbage: %v", network, st)
		}
	}
}

// TestConcurrency: many calls in flight on one socket all complete, and
// the server really runs them at the same time: READs (and WRITEs) wait
// in the test hook until several are inside the server together, which
// could never happen if it served one at a time.
func TestConcurrency(t *testing.T) {
	for _, network := range []string{"tcp", "udp"} {
		t.Run(network, func(t *testing.T) {
			s, dir := start(t, Config{})
			const together = 4
			var mu sync.Mutex
			inside, most := 0, 0
			release := make(chan struct{})
			var once sync.Once
			s.hook = func(uint32) {
				mu.Lock()
				inside++
				most = max(most, inside)
				if inside >= together {
					once.Do(func() { close(release) })
				}
				mu.Unlock()
				select {
				case <-release:
				case <-time.After(10 * time.Second): // fails below
				}
				mu.Lock()
				inside--
				mu.Unlock()
			}
			data := make([]byte, 4<<20)
			for i := range data {
				data[i] = byte(i * 7 / 13)
			}
			os.WriteFile(filepath.Join(dir, "big"), data, 0o644)
			c := dial(t, s, network)
			f, _, _ := c.lookup(c.root, "big")
			chunk := 32 << 10
			n := len(data) / chunk
			var wg sync.WaitGroup
			errs := make(chan error, n)
			// 16 in flight at a time: more 32 KiB UDP replies at once
			// would overflow the client socket's receive buffer.
			sem := make(chan struct{}, 16)
			for i := range n {
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					var r nfs3.ReadRes
					err := nfs3.Call(ctx, c.c, nfs3.ProcRead, &nfs3.ReadArgs{FH: f, Offset: uint64(i * chunk), Count: uint32(chunk)}, &r)
					switch {
					case err != nil:
						errs <- err
					case r.Status != nfs3.StatusOK || !bytes.Equal(r.Data, data[i*chunk:(i+1)*chunk]):
						errs <- fmt.Errorf("READ %d: %v, %d bytes", i, r.Status, len(r.Data))
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			mu.Lock()
			m := most
			mu.Unlock()
			if m < together {
				t.Fatalf("at most %d READs were in the server at once, want %d", m, together)
			}
			// Parallel WRITEs at different offsets land byte-exact.
			g, _ := c.create(c.root, "out", nfs3.Unchecked, nfs3.Sattr{}, [8]byte{})
			for i := range n {
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					var r nfs3.WriteRes
					err := nfs3.Call(ctx, c.c, nfs3.ProcWrite, &nfs3.WriteArgs{FH: g, Offset: uint64(i * chunk), Stable: nfs3.Unstable, Data: data[i*chunk : (i+1)*chunk]}, &r)
					if err != nil || r.Status != nfs3.StatusOK {
						t.Errorf("WRITE %d: %v %v", i, err, r.Status)
					}
				})
			}
			wg.Wait()
			if got, _ := os.ReadFile(filepath.Join(dir, "out")); !bytes.Equal(got, data) {
				t.Fatal("parallel WRITEs: host file differs")
			}
		})
	}
}

// TestReadOnly: every change is ROFS, reads work.
func TestReadOnly(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
	s, _ := start(t, Config{Dir: dir, ReadOnly: true})
	c := dial(t, s, "tcp")
	f, _, _ := c.lookup(c.root, "f")
	if b, _, st := c.read(f, 0, 10); st != nfs3.StatusOK || string(b) != "data" {
		t.Fatalf("READ: %v %q", st, b)
	}
	expect(t, "WRITE", c.write(f, 0, []byte("x"), nfs3.FileSync).Status, nfs3.ErrRofs)
	_, st := c.create(c.root, "g", nfs3.Unchecked, nfs3.Sattr{}, [8]byte{})
	expect(t, "CREATE", st, nfs3.ErrRofs)
	expect(t, "REMOVE", c.dirop(nfs3.ProcRemove, c.root, "f"), nfs3.ErrRofs)
	var ar nfs3.AccessRes
	c.call(nfs3.ProcAccess, &nfs3.AccessArgs{FH: f, Access: 0x3f}, &ar)
	if ar.Access&(nfs3.AccessModify|nfs3.AccessExtend) != 0 {
		t.Fatalf("ACCESS grants modify on a read-only export: %#x", ar.Access)
	}
}

// TestMountAndPortmap: EXPORT lists the export, MNT of a subdirectory
// works, and GETPORT on the server's own port names that port.
func TestMountAndPortmap(t *testing.T) {
	s, dir := start(t, Config{Export: "/sos"})
	os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755)
	c := dial(t, s, "udp")
	var er nfs3.ExportRes
	if err := nfs3.CallMount(ctx, c.c, nfs3.MountProcExport, nfs3.Void{}, &er); err != nil || len(er.Exports) != 1 || er.Exports[0].Dir != "/sos" {
		t.Fatalf("EXPORT: %v %+v", err, er)
	}
	for _, p := range []string{"/sos/a/b", dir + "/a/b"} {
		var mr nfs3.MountRes
		if err := nfs3.CallMount(ctx, c.c, nfs3.MountProcMnt, &nfs3.MountArgs{Path: p}, &mr); err != nil || mr.Status != nfs3.MountOK {
			t.Fatalf("MNT %s: %v %v", p, err, mr.Status)
		}
		b, _, _ := c.lookup(c.root, "a")
		b, _, _ = c.lookup(b, "b")
		if !bytes.Equal(b, mr.FH) {
			t.Fatalf("MNT %s: another handle than LOOKUP's", p)
		}
	}
	var e xdr.Encoder
	e.Uint32(nfs3.Program)
	e.Uint32(nfs3.Version)
	e.Uint32(rpc.IPProtoTCP)
	e.Uint32(0)
	res, err := c.c.Call(ctx, rpc.PmapProg, rpc.PmapVers, rpc.PmapGetPort, e.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if port := xdr.NewDecoder(res).Uint32(); port != uint32(s.Port()) {
		t.Fatalf("GETPORT: %d, want %d", port, s.Port())
	}
}

// TestCloseWhileBusy: Close with calls in flight neither crashes nor hangs.
func TestCloseWhileBusy(t *testing.T) {
	s, dir := start(t, Config{})
	os.WriteFile(filepath.Join(dir, "f"), make([]byte, 1<<20), 0o644)
	c := dial(t, s, "tcp")
	f, _, _ := c.lookup(c.root, "f")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				var r nfs3.ReadRes
				if nfs3.Call(ctx, c.c, nfs3.ProcRead, &nfs3.ReadArgs{FH: f, Count: 1 << 16}, &r) != nil {
					return
				}
			}
		})
	}
	time.Sleep(5 * time.Millisecond)
	s.Close()
	c.c.Close()
	wg.Wait()
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	d, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() || filepath.Base(d) != "root" {
		t.Fatalf("%s: %v", d, err)
	}
}

// rawCall encodes an RPC call of an NFSv3 procedure with xid.
func rawCall(xid, proc uint32, args nfs3.Msg) []byte {
	e := xdr.NewEncoder(nil)
	h := rpc.CallHeader{Xid: xid, Prog: nfs3.Program, Vers: nfs3.Version, Proc: proc}
	h.Encode(e)
	args.Encode(e)
	return e.Bytes()
}

// TestDuplicateRequests: a retransmitted REMOVE (same xid, same caller)
// over UDP is answered from the duplicate request cache, so the client
// sees its success rather than NOENT from running it twice; an idempotent
// READ simply runs again.
func TestDuplicateRequests(t *testing.T) {
	s, dir := start(t, Config{})
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	c := dial(t, s, "udp")
	u, err := net.Dial("udp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	exchange := func(msg []byte) nfs3.Status {
		t.Helper()
		u.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := u.Write(msg); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 65536)
		n, err := u.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		d := xdr.NewDecoder(buf[:n])
		h, err := rpc.DecodeReply(d)
		if err != nil {
			t.Fatal(err)
		}
		if want := binary.BigEndian.Uint32(msg); h.Xid != want {
			t.Fatalf("reply xid %d to call %d", h.Xid, want)
		}
		return nfs3.Status(d.Uint32())
	}
	rm := rawCall(77, nfs3.ProcRemove, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: c.root, Name: "f"}})
	for i := range 5 {
		if st := exchange(rm); st != nfs3.StatusOK {
			t.Fatalf("REMOVE copy %d: %v", i, st)
		}
		// Other calls in between reuse the server's buffers; the cached
		// reply must not be one of them.
		for range 20 {
			c.getattr(c.root)
		}
	}
	// A new xid runs the procedure again.
	if st := exchange(rawCall(78, nfs3.ProcRemove, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: c.root, Name: "f"}})); st != nfs3.ErrNoent {
		t.Fatalf("REMOVE with a new xid: %v", st)
	}
}

// TestHostileArguments: random bytes after a valid header, for every
// procedure of every program, never crash the server and get either a
// reply or GARBAGE_ARGS; the server still answers afterwards.
func TestHostileArguments(t *testing.T) {
	s, dir := start(t, Config{})
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
	c := dial(t, s, "tcp")
	f, _, _ := c.lookup(c.root, "f")
	r := randomBytes(1<<16, 42)
	addr := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
	for i := range 3000 {
		prog, vers := uint32(nfs3.Program), uint32(nfs3.Version)
		if i%5 == 0 {
			prog = nfs3.MountProgram
		}
		proc := uint32(i % 23)
		e := xdr.NewEncoder(nil)
		h := rpc.CallHeader{Xid: uint32(i), Prog: prog, Vers: vers, Proc: proc}
		h.Encode(e)
		// Half the calls start with a real handle, so decoding gets further.
		if i%2 == 0 {
			e.Opaque(f)
		}
		off := (i * 131) % (len(r) - 600)
		e.Buf = append(e.Buf, r[off:off+i%600]...)
		for _, srv := range []*rpc.Server{s.udpSrv, s.tcpSrv} {
			if reply := srv.Handle(e.Bytes(), addr); reply == nil {
				t.Fatalf("call %d: no reply", i)
			} else if hd, err := rpc.DecodeReply(xdr.NewDecoder(reply)); err != nil || hd.Stat == rpc.SystemErr {
				t.Fatalf("call %d (prog %d proc %d): %v %+v", i, prog, proc, err, hd)
			}
		}
	}
	if _, st := c.getattr(c.root); st != nfs3.StatusOK {
		t.Fatalf("after hostile calls: %v", st)
	}
}

// TestAccessByCredential: ACCESS judges the caller's AUTH_SYS identity
// by the mode bits (and never grants more than the host user has).
func TestAccessByCredential(t *testing.T) {
	s, dir := start(t, Config{})
	os.WriteFile(filepath.Join(dir, "ro"), nil, 0o444)
	os.WriteFile(filepath.Join(dir, "mine"), nil, 0o640)
	os.Chown(filepath.Join(dir, "mine"), 1000, 100) // works as root; else the host owns it
	root := dial(t, s, "tcp")
	c, err := rpc.Dial("tcp", s.Addr(), rpc.Config{Cred: rpc.AuthSysParams{UID: 1000, GID: 100}.Auth()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	user := &client{t: t, c: c, root: root.root}
	access := func(c *client, name string) uint32 {
		fh, _, st := c.lookup(c.root, name)
		expect(t, "LOOKUP "+name, st, nfs3.StatusOK)
		var r nfs3.AccessRes
		c.call(nfs3.ProcAccess, &nfs3.AccessArgs{FH: fh, Access: 0x3f}, &r)
		return r.Access
	}
	const rw = nfs3.AccessRead | nfs3.AccessModify | nfs3.AccessExtend
	if got := access(user, "ro"); got&rw != nfs3.AccessRead {
		t.Fatalf("uid 1000 on a 0444 file: %#x", got)
	}
	if os.Geteuid() == 0 {
		if got := access(root, "ro"); got&rw != rw {
			t.Fatalf("root on a 0444 file: %#x", got)
		}
		if got := access(user, "mine"); got&rw != rw {
			t.Fatalf("owner on its 0640 file: %#x", got)
		}
		// Another user in the group reads only.
		c2, _ := rpc.Dial("tcp", s.Addr(), rpc.Config{Cred: rpc.AuthSysParams{UID: 1001, GID: 7, Gids: []uint32{100}}.Auth()})
		defer c2.Close()
		if got := access(&client{t: t, c: c2, root: root.root}, "mine"); got&rw != nfs3.AccessRead {
			t.Fatalf("group member on a 0640 file: %#x", got)
		}
	}
}

func openFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// TestNoDescriptorLeak: every path, including the error paths, closes the
// host descriptors it opens; Close closes the cached ones.
func TestNoDescriptorLeak(t *testing.T) {
	before := openFDs(t)
	s, err := New(Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	c := dial(t, s, "tcp")
	for i := range 50 {
		name := fmt.Sprintf("f%d", i)
		f, _ := c.create(c.root, name, nfs3.Guarded, nfs3.Sattr{}, [8]byte{})
		c.create(c.root, name, nfs3.Guarded, nfs3.Sattr{}, [8]byte{}) // EXIST
		c.write(f, 0, []byte("data"), nfs3.Unstable)
		c.read(f, 0, 10)
		c.read(c.root, 0, 10) // ISDIR
		var cr nfs3.CommitRes
		c.call(nfs3.ProcCommit, &nfs3.CommitArgs{FH: f}, &cr)
		d, _ := c.mkdir(c.root, "d"+name)
		c.lookup(d, "nope")
		c.lookup(f, "x") // NOTDIR
		c.readdirplus(c.root, 200, 800)
		var rr nfs3.RenameRes
		c.call(nfs3.ProcRename, &nfs3.RenameArgs{From: nfs3.DirOp{Dir: c.root, Name: name}, To: nfs3.DirOp{Dir: d, Name: "g"}}, &rr)
		var lr nfs3.LinkRes
		c.call(nfs3.ProcLink, &nfs3.LinkArgs{File: f, Link: nfs3.DirOp{Dir: d, Name: "h"}}, &lr)
		var rl nfs3.ReadlinkRes
		c.call(nfs3.ProcReadlink, &nfs3.FHArgs{FH: f}, &rl) // INVAL
		c.dirop(nfs3.ProcRmdir, c.root, "d"+name)           // NOTEMPTY
		c.dirop(nfs3.ProcRemove, d, "g")
		c.dirop(nfs3.ProcRemove, d, "h")
		c.getattr(f) // STALE
		c.getattr(c.root)
		var ar nfs3.AccessRes
		c.call(nfs3.ProcAccess, &nfs3.AccessArgs{FH: c.root, Access: 0x3f}, &ar)
		var sr nfs3.WccRes
		c.call(nfs3.ProcSetattr, &nfs3.SetattrArgs{FH: c.root, Attr: nfs3.Sattr{Atime: nfs3.SetTime{How: nfs3.SetToServerTime}}}, &sr)
		var pc nfs3.PathconfRes
		c.call(nfs3.ProcPathconf, &nfs3.FHArgs{FH: c.root}, &pc)
		var fi nfs3.FsinfoRes
		c.call(nfs3.ProcFsinfo, &nfs3.FHArgs{FH: c.root}, &fi)
		var sl nfs3.CreateRes
		c.call(nfs3.ProcSymlink, &nfs3.SymlinkArgs{Where: nfs3.DirOp{Dir: d, Name: "s"}, Target: "x"}, &sl)
		c.call(nfs3.ProcReadlink, &nfs3.FHArgs{FH: sl.FH}, &rl)
		c.dirop(nfs3.ProcRemove, d, "s")
		c.dirop(nfs3.ProcRmdir, c.root, "d"+name)
		var fs nfs3.FsstatRes
		c.call(nfs3.ProcFsstat, &nfs3.FHArgs{FH: c.root}, &fs)
	}
	c.c.Close()
	s.Close()
	// The client's connection and the listeners are gone too.
	if after := openFDs(t); after > before {
		t.Fatalf("%d descriptors open before, %d after", before, after)
	}
}

// TestCreateOwner: a CREATE asking for an owner succeeds either way: the
// file gets that owner when the host user may give it (root), else stays
// the host user's.
func TestCreateOwner(t *testing.T) {
	s, dir := start(t, Config{})
	c := dial(t, s, "udp")
	uid, gid := uint32(1234), uint32(1234)
	_, st := c.create(c.root, "f", nfs3.Guarded, nfs3.Sattr{UID: &uid, GID: &gid}, [8]byte{})
	expect(t, "CREATE with an owner", st, nfs3.StatusOK)
	var hs syscall.Stat_t
	if err := syscall.Stat(filepath.Join(dir, "f"), &hs); err != nil {
		t.Fatal(err)
	}
	want := uint32(os.Geteuid())
	if want == 0 {
		want = uid
	}
	if hs.Uid != want {
		t.Fatalf("owner %d, want %d", hs.Uid, want)
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, cfg := range []Config{{}, {Dir: file}, {Dir: filepath.Join(dir, "missing")}, {Dir: dir, Addr: "nonsense"}} {
		if s, err := New(cfg); err == nil {
			s.Close()
			t.Fatalf("New(%+v) succeeded", cfg)
		}
	}
	s, _ := start(t, Config{Dir: dir})
	if s2, err := New(Config{Dir: dir, Addr: s.Addr()}); err == nil {
		s2.Close()
		t.Fatal("New on a port in use succeeded")
	}
	if s.Close() != nil || s.Close() != nil {
		t.Fatal("Close twice failed")
	}
}
