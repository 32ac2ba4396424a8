package vfs_test

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

func TestFileOffsets(t *testing.T) {
	e := newEnv(t)
	f, err := e.ns.Open(ctx, e.fs, nil, "/f", abi.O_CREAT|abi.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	if n, err := f.Write(ctx, []byte("hello world")); n != 11 || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
	seek := func(off int64, whence int, want int64, wantErr abi.Errno) {
		t.Helper()
		got, err := f.Seek(ctx, off, whence)
		if errOf(err) != wantErr || (err == nil && got != want) {
			t.Errorf("Seek(%d, %d) = %d, %v; want %d, %v", off, whence, got, err, want, wantErr)
		}
	}
	seek(0, abi.SEEK_CUR, 11, 0)
	seek(6, abi.SEEK_SET, 6, 0)
	buf := make([]byte, 5)
	if n, _ := f.Read(ctx, buf); string(buf[:n]) != "world" {
		t.Errorf("Read after seek = %q", buf[:n])
	}
	if n, err := f.Read(ctx, buf); n != 0 || err != nil {
		t.Errorf("Read at EOF = %d, %v", n, err)
	}
	seek(-5, abi.SEEK_END, 6, 0)
	seek(-7, abi.SEEK_CUR, 0, abi.EINVAL)
	seek(-1, abi.SEEK_SET, 0, abi.EINVAL)
	seek(0, 99, 0, abi.EINVAL)
	seek(3, abi.SEEK_DATA, 3, 0)
	seek(3, abi.SEEK_HOLE, 11, 0)
	seek(11, abi.SEEK_DATA, 0, abi.ENXIO)
	seek(100, abi.SEEK_SET, 100, 0) // beyond the end is fine
	if f.Offset() != 100 {
		t.Errorf("Offset = %d", f.Offset())
	}

	// pread/pwrite leave the offset alone.
	if n, err := f.WriteAt(ctx, []byte("HELLO"), 0); n != 5 || err != nil {
		t.Errorf("WriteAt = %d, %v", n, err)
	}
	if n, _ := f.ReadAt(ctx, buf, 0); string(buf[:n]) != "HELLO" {
		t.Errorf("ReadAt = %q", buf[:n])
	}
	if _, err := f.ReadAt(ctx, buf, -1); errOf(err) != abi.EINVAL {
		t.Errorf("ReadAt(-1) = %v", err)
	}
	if f.Offset() != 100 {
		t.Errorf("Offset after pread/pwrite = %d", f.Offset())
	}

	// Access modes.
	r, _ := e.ns.Open(ctx, e.fs, nil, "/f", abi.O_RDONLY, 0)
	defer r.DecRef()
	if _, err := r.Write(ctx, []byte("x")); errOf(err) != abi.EBADF {
		t.Errorf("Write on O_RDONLY = %v", err)
	}
	w, _ := e.ns.Open(ctx, e.fs, nil, "/f", abi.O_WRONLY, 0)
	defer w.DecRef()
	if _, err := w.Read(ctx, buf); errOf(err) != abi.EBADF {
		t.Errorf("Read on O_WRONLY = %v", err)
	}
	if err := r.Truncate(ctx, vfs.RootCreds, 0); errOf(err) != abi.EINVAL {
		t.Errorf("ftruncate on O_RDONLY = %v", err)
	}
	if err := w.Truncate(ctx, vfs.RootCreds, 2); err != nil {
		t.Errorf("ftruncate = %v", err)
	}
	if a, _ := f.Stat(); a.Size != 2 {
		t.Errorf("size after ftruncate = %d", a.Size)
	}
	if err := w.SetAttr(ctx, vfs.RootCreds, vfs.SetAttr{Mode: ptr(uint32(0o600))}); err != nil {
		t.Errorf("fchmod: %v", err)
	}
	if a, _ := f.Stat(); a.Mode != abi.S_IFREG|0o600 {
		t.Errorf("mode after fchmod = %o", a.Mode)
	}
}

func TestFileFlags(t *testing.T) {
	e := newEnv(t)
	f, err := e.ns.Open(ctx, e.fs, nil, "/f", abi.O_CREAT|abi.O_EXCL|abi.O_TRUNC|abi.O_WRONLY|abi.O_CLOEXEC|abi.O_NONBLOCK, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	if got := f.Flags(); got != abi.O_WRONLY|abi.O_NONBLOCK {
		t.Errorf("Flags = %#x", got)
	}
	f.SetFlags(abi.O_APPEND | abi.O_RDWR | abi.O_DIRECTORY)
	if got := f.Flags(); got != abi.O_WRONLY|abi.O_APPEND {
		t.Errorf("Flags after SetFlags = %#x", got)
	}
	f.Write(ctx, []byte("one"))
	f.Seek(ctx, 0, abi.SEEK_SET)
	f.Write(ctx, []byte("two"))
	if n, _ := f.WriteAt(ctx, []byte("three"), 0); n != 5 {
		t.Errorf("pwrite with O_APPEND = %d", n)
	}
	if s, _ := e.read(e.fs, "/f"); s != "onetwothree" {
		t.Errorf("O_APPEND writes gave %q", s)
	}
}

// TestAppendAtomic appends from many goroutines through one description
// and through several: no write may overwrite another.
func TestAppendAtomic(t *testing.T) {
	e := newEnv(t)
	e.write("/log", "")
	shared, _ := e.ns.Open(ctx, e.fs, nil, "/log", abi.O_WRONLY|abi.O_APPEND, 0)
	defer shared.DecRef()
	const writers, lines = 8, 50
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := shared
			if i%2 == 1 {
				f, _ = e.ns.Open(ctx, e.fs, nil, "/log", abi.O_WRONLY|abi.O_APPEND, 0)
				defer f.DecRef()
			}
			for j := range lines {
				line := fmt.Sprintf("%d:%03d\n", i, j)
				if n, err := f.Write(ctx, []byte(line)); n != len(line) || err != nil {
					t.Errorf("append: %d, %v", n, err)
				}
			}
		}()
	}
	wg.Wait()
	s, _ := e.read(e.fs, "/log")
	if got := strings.Count(s, "\n"); got != writers*lines || len(s) != writers*lines*6 {
		t.Errorf("%d lines, %d bytes; want %d lines", got, len(s), writers*lines)
	}
}

func TestReadDirents(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/d", 0o755)
	names := []string{"a", "b", "c", "d", "e"}
	for _, n := range names {
		e.write("/d/"+n, n)
	}
	f, err := e.ns.Open(ctx, e.fs, nil, "/d", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	// Take two entries at a time, as a small getdents64 buffer would.
	var got []string
	var offs []int64
	for {
		var batch int
		err := f.ReadDirents(ctx, func(e vfs.DirEntry, next int64) bool {
			if batch == 2 {
				return false
			}
			batch++
			got = append(got, e.Name)
			offs = append(offs, next)
			return true
		})
		if err != nil {
			t.Fatal(err)
		}
		if batch == 0 {
			break
		}
	}
	want := append([]string{".", ".."}, names...)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	// Seeking to a reported offset resumes after that entry.
	if _, err := f.Seek(ctx, offs[3], abi.SEEK_SET); err != nil {
		t.Fatal(err)
	}
	var first string
	f.ReadDirents(ctx, func(e vfs.DirEntry, _ int64) bool { first = e.Name; return false })
	if first != want[4] {
		t.Errorf("after seek to %d: %q, want %q", offs[3], first, want[4])
	}
	if _, err := f.Seek(ctx, 0, abi.SEEK_END); errOf(err) != abi.EINVAL {
		t.Errorf("SEEK_END on a directory: %v", err)
	}
	// Reading a directory as a file.
	if _, err := f.Read(ctx, make([]byte, 10)); errOf(err) != abi.EISDIR {
		t.Errorf("read(dir) = %v", err)
	}
	// getdents on a file.
	r, _ := e.ns.Open(ctx, e.fs, nil, "/d/a", abi.O_RDONLY, 0)
	defer r.DecRef()
	if err := r.ReadDirents(ctx, func(vfs.DirEntry, int64) bool { return true }); errOf(err) != abi.ENOTDIR {
		t.Errorf("getdents(file) = %v", err)
	}
	// ".." of the root is the root.
	root, _ := e.ns.Open(ctx, e.fs, nil, "/", abi.O_RDONLY, 0)
	defer root.DecRef()
	var inos []uint64
	root.ReadDirents(ctx, func(e vfs.DirEntry, _ int64) bool { inos = append(inos, e.Ino); return len(inos) < 2 })
	if len(inos) != 2 || inos[0] != inos[1] {
		t.Errorf("root . and .. inodes: %v", inos)
	}
}

// countOps is a FileOps that counts its releases.
type countOps struct {
	waiter.AlwaysReady
	released atomic.Int32
}

func (o *countOps) Read(vfs.Context, []byte, int64) (int, error)  { return 0, nil }
func (o *countOps) Write(vfs.Context, []byte, int64) (int, error) { return 0, nil }
func (o *countOps) Release()                                      { o.released.Add(1) }
func (o *countOps) Attr() (vfs.Attr, error) {
	return vfs.Attr{Mode: abi.S_IFSOCK | 0o777, Ino: 42}, nil
}

func TestAnonymousFile(t *testing.T) {
	ops := &countOps{}
	f := vfs.NewFile(ops, nil, abi.O_RDWR)
	if a, err := f.Stat(); err != nil || a.Ino != 42 {
		t.Errorf("Stat of anonymous file = %v, %v", a, err)
	}
	f.IncRef()
	f.DecRef()
	if ops.released.Load() != 0 {
		t.Fatal("released early")
	}
	f.DecRef()
	if ops.released.Load() != 1 {
		t.Fatal("not released")
	}

	// Streams have no offset.
	r, w := pipe.NewFiles(ctx, 0)
	defer r.DecRef()
	defer w.DecRef()
	if _, err := r.Seek(ctx, 0, abi.SEEK_SET); errOf(err) != abi.ESPIPE {
		t.Errorf("lseek(pipe) = %v", err)
	}
	if _, err := w.WriteAt(ctx, []byte("x"), 0); errOf(err) != abi.ESPIPE {
		t.Errorf("pwrite(pipe) = %v", err)
	}
	if !strings.HasPrefix(r.Dentry().Path(), "pipe:[") {
		t.Errorf("pipe path = %q", r.Dentry().Path())
	}
	if a, err := r.Stat(); err != nil || a.Mode&abi.S_IFMT != abi.S_IFIFO {
		t.Errorf("fstat(pipe) = %o, %v", a.Mode, err)
	}
}

func TestFDTable(t *testing.T) {
	tab := vfs.NewFDTable()
	ops := &countOps{}
	f := vfs.NewFile(ops, nil, abi.O_RDWR)
	install := func(min int, want int, wantErr abi.Errno) {
		t.Helper()
		fd, err := tab.Install(f, min, false)
		if errOf(err) != wantErr || (err == nil && fd != want) {
			t.Errorf("Install(%d) = %d, %v; want %d, %v", min, fd, err, want, wantErr)
		}
	}
	install(0, 0, 0)
	install(0, 1, 0)
	install(0, 2, 0)
	install(10, 10, 0)
	install(0, 3, 0)
	tab.Close(1)
	install(0, 1, 0)
	install(-1, 0, abi.EINVAL)
	install(vfs.DefaultFDLimit, 0, abi.EINVAL)
	wantErr(t, "close unused", tab.Close(5), abi.EBADF)
	wantErr(t, "close negative", tab.Close(-1), abi.EBADF)
	if _, err := tab.Get(7); errOf(err) != abi.EBADF {
		t.Errorf("Get(7) = %v", err)
	}
	g, err := tab.Get(10)
	if err != nil || g != f {
		t.Fatalf("Get(10) = %v, %v", g, err)
	}
	g.DecRef()

	// Dup3.
	if _, err := tab.Dup3(3, 3, false); errOf(err) != abi.EINVAL {
		t.Errorf("Dup3 same = %v", err)
	}
	if _, err := tab.Dup3(7, 8, false); errOf(err) != abi.EBADF {
		t.Errorf("Dup3 from unused = %v", err)
	}
	if _, err := tab.Dup3(3, vfs.DefaultFDLimit, false); errOf(err) != abi.EBADF {
		t.Errorf("Dup3 to out of range = %v", err)
	}
	other := &countOps{}
	of := vfs.NewFile(other, nil, abi.O_RDONLY)
	tab.Install(of, 20, false)
	of.DecRef() // the table holds the only reference now
	if fd, err := tab.Dup3(3, 20, true); fd != 20 || err != nil {
		t.Errorf("Dup3 = %d, %v", fd, err)
	}
	if other.released.Load() != 1 {
		t.Errorf("Dup3 did not close the file it replaced")
	}
	if c, _ := tab.Cloexec(20); !c {
		t.Errorf("Dup3 lost O_CLOEXEC")
	}
	if fd, err := tab.Dup(3, 5, true); fd != 5 || err != nil {
		t.Errorf("Dup = %d, %v", fd, err)
	}
	tab.SetCloexec(0, true)
	if err := tab.InstallAt(f, 30, false); err != nil {
		t.Errorf("InstallAt: %v", err)
	}

	// Fork shares files; CloseOnExec closes marked descriptors.
	child := tab.Fork()
	child.CloseOnExec()
	var fds []int
	child.Each(func(fd int, _ *vfs.File, _ bool) { fds = append(fds, fd) })
	if fmt.Sprint(fds) != "[1 2 3 10 30]" {
		t.Errorf("child after exec has %v", fds)
	}
	fds = nil
	tab.Each(func(fd int, _ *vfs.File, _ bool) { fds = append(fds, fd) })
	if fmt.Sprint(fds) != "[0 1 2 3 5 10 20 30]" {
		t.Errorf("parent has %v", fds)
	}
	child.CloseAll()
	tab.CloseRange(2, 10, true)
	if c, _ := tab.Cloexec(3); !c {
		t.Errorf("CloseRange(cloexec) did not mark 3")
	}
	tab.CloseRange(3, 20, false)
	fds = nil
	tab.Each(func(fd int, _ *vfs.File, _ bool) { fds = append(fds, fd) })
	if fmt.Sprint(fds) != "[0 1 2 30]" {
		t.Errorf("after CloseRange: %v", fds)
	}

	// Sharing: the last reference closes everything.
	tab.IncRef()
	if !tab.Shared() {
		t.Errorf("not shared after IncRef")
	}
	priv := tab.Unshare()
	if priv == tab || tab.Shared() {
		t.Errorf("Unshare did not copy a shared table")
	}
	if priv.Unshare() != priv {
		t.Errorf("Unshare copied an unshared table")
	}
	priv.DecRef()
	tab.DecRef()
	f.DecRef()
	if ops.released.Load() != 1 {
		t.Errorf("file released %d times, want once", ops.released.Load())
	}

	// The limit.
	lim := vfs.NewFDTable()
	lim.SetLimit(3)
	g2 := vfs.NewFile(&countOps{}, nil, 0)
	for range 3 {
		lim.Install(g2, 0, false)
	}
	if _, err := lim.Install(g2, 0, false); errOf(err) != abi.EMFILE {
		t.Errorf("Install over the limit = %v", err)
	}
	if lim.Limit() != 3 {
		t.Errorf("Limit = %d", lim.Limit())
	}
	lim.CloseAll()
	g2.DecRef()
}

func TestFDTableConcurrent(t *testing.T) {
	tab := vfs.NewFDTable()
	ops := &countOps{}
	f := vfs.NewFile(ops, nil, abi.O_RDWR)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				fd, err := tab.Install(f, 0, false)
				if err != nil {
					t.Error(err)
					return
				}
				if g, err := tab.Get(fd); err == nil {
					g.DecRef()
				}
				if err := tab.Close(fd); err != nil {
					t.Errorf("Close(%d): %v", fd, err)
				}
			}
		}()
	}
	wg.Wait()
	f.DecRef()
	if ops.released.Load() != 1 {
		t.Errorf("released %d times", ops.released.Load())
	}
}

// TestConcurrentNamespace creates, renames, reads and removes files in
// shared directories from many goroutines; run with -race.
func TestConcurrentNamespace(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/shared", 0o777)
	e.mkdir("/other", 0o777)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fs := e.fs.Fork()
			for i := range 100 {
				name := fmt.Sprintf("/shared/f%d-%d", g, i%5)
				f, err := e.ns.Open(ctx, fs, nil, name, abi.O_CREAT|abi.O_RDWR|abi.O_TRUNC, 0o644)
				if err != nil {
					t.Error(err)
					return
				}
				f.Write(ctx, []byte(name))
				f.DecRef()
				other := fmt.Sprintf("/other/f%d", g)
				if err := e.ns.Rename(ctx, fs, nil, name, nil, other, 0); err != nil {
					t.Error(err)
					return
				}
				if s, err := e.read(fs, other); s != name || err != nil {
					t.Errorf("read %s = %q, %v", other, s, err)
				}
				e.ns.Stat(ctx, fs, nil, "/shared", false)
				dir, _ := e.ns.Open(ctx, fs, nil, "/shared", abi.O_RDONLY, 0)
				dir.ReadDirents(ctx, func(vfs.DirEntry, int64) bool { return true })
				dir.DecRef()
				if i%3 == 0 {
					if err := e.ns.Unlink(ctx, fs, nil, other); err != nil {
						t.Error(err)
					}
				}
				sub := fmt.Sprintf("/shared/d%d", g)
				e.ns.Mkdir(ctx, fs, nil, sub, 0o755)
				e.ns.Rmdir(ctx, fs, nil, sub)
			}
		}()
	}
	wg.Wait()
	f, _ := e.ns.Open(ctx, e.fs, nil, "/shared", abi.O_RDONLY, 0)
	defer f.DecRef()
	var n int
	f.ReadDirents(ctx, func(vfs.DirEntry, int64) bool { n++; return true })
	if n != 2 {
		t.Errorf("/shared has %d entries left, want . and ..", n)
	}
}

func TestPipeThroughFIFO(t *testing.T) {
	e := newEnv(t)
	if err := e.ns.Mknod(ctx, e.fs, nil, "/fifo", abi.S_IFIFO|0o644, 0); err != nil {
		t.Fatal(err)
	}
	_, err := e.ns.Open(ctx, e.fs, nil, "/fifo", abi.O_WRONLY|abi.O_NONBLOCK, 0)
	wantErr(t, "non-blocking open for writing without reader", err, abi.ENXIO)
	r, err := e.ns.Open(ctx, e.fs, nil, "/fifo", abi.O_RDONLY|abi.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.DecRef()
	w, err := e.ns.Open(ctx, e.fs, nil, "/fifo", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(ctx, []byte("through the fifo")); err != nil {
		t.Fatal(err)
	}
	w.DecRef()
	buf := make([]byte, 64)
	n, err := r.Read(ctx, buf)
	if string(buf[:n]) != "through the fifo" || err != nil {
		t.Errorf("read fifo = %q, %v", buf[:n], err)
	}
	if n, err := r.Read(ctx, buf); n != 0 || err != nil {
		t.Errorf("read after writer closed = %d, %v", n, err)
	}
	if a, _ := r.Stat(); a.Mode&abi.S_IFMT != abi.S_IFIFO || a.Dev != e.stat("/").Dev {
		t.Errorf("fstat(fifo) = %+v", a)
	}
	if !r.IsStream() {
		t.Errorf("FIFO is not a stream")
	}
}

func TestFileMisc(t *testing.T) {
	e := newEnv(t)
	e.write("/f", "x")
	f, _ := e.ns.Open(ctx, e.fs, nil, "/f", abi.O_RDWR, 0)
	defer f.DecRef()
	if _, err := f.Ioctl(ctx, nil, abi.TCGETS, 0); errOf(err) != abi.ENOTTY {
		t.Errorf("ioctl on a regular file = %v", err)
	}
	if err := f.Sync(); err != nil {
		t.Errorf("fsync = %v", err)
	}
	if ev := f.Readiness(waiter.EventIn | waiter.EventOut); ev != waiter.EventIn|waiter.EventOut {
		t.Errorf("regular file readiness %#x", ev)
	}
	en := waiter.NewEntry(waiter.EventIn)
	f.EventRegister(en)
	f.EventUnregister(en)
	if f.Ops() == nil || f.IsStream() {
		t.Errorf("Ops/IsStream")
	}
	e.symlink("f", "/l")
	fsys := vfs.IOFS(e.ns, e.ns.Root())
	if s, err := fsys.(interface{ ReadLink(string) (string, error) }).ReadLink("l"); s != "f" || err != nil {
		t.Errorf("IOFS ReadLink = %q, %v", s, err)
	}
	if _, err := fsys.(interface{ ReadLink(string) (string, error) }).ReadLink("f"); err == nil {
		t.Errorf("IOFS ReadLink of a file succeeded")
	}
	m := e.ns.Root().Mount()
	if m.Root() != e.ns.Root() || m.ReadOnly() || m.FSType() != "tmpfs" {
		t.Errorf("mount accessors")
	}
	if e.fs.Root() != e.ns.Root() || e.fs.Cwd() != e.ns.Root() {
		t.Errorf("FSContext accessors")
	}
	if vfs.UnwrapContext(ctx) != ctx {
		t.Errorf("UnwrapContext of a plain context")
	}
}

// TestConcurrentRenames moves directories between and into each other from
// many goroutines: renames in opposite directions must not deadlock, and
// no directory may end up inside itself.
func TestConcurrentRenames(t *testing.T) {
	e := newEnv(t)
	dirs := []string{"/a", "/b", "/c", "/d"}
	for _, d := range dirs {
		e.mkdir(d, 0o777)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fs := e.fs.Fork()
			for i := range 200 {
				src := dirs[(g+i)%len(dirs)]
				dst := dirs[(g+i+1+i%3)%len(dirs)]
				// Find where src is now and move it under dst, or back
				// to the root; most attempts fail (ENOENT, EINVAL), which
				// is the point.
				e.ns.Rename(ctx, fs, nil, src, nil, dst+src, 0)
				e.ns.Rename(ctx, fs, nil, dst+src, nil, src, 0)
				e.ns.Rename(ctx, fs, nil, src+dst, nil, dst, 0)
			}
		}()
	}
	wg.Wait()
	// Every directory is reachable and not inside itself.
	var walk func(d *vfs.Dentry, path string, seen map[vfs.Node]bool)
	walk = func(d *vfs.Dentry, path string, seen map[vfs.Node]bool) {
		if d.Path() != path {
			t.Errorf("dentry cache says %s, the file system %s", d.Path(), path)
		}
		if seen[d.Node()] {
			t.Fatalf("cycle at %s", d.Path())
		}
		seen[d.Node()] = true
		f, err := e.ns.Open(ctx, e.fs, d, ".", abi.O_RDONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		f.ReadDirents(ctx, func(en vfs.DirEntry, _ int64) bool {
			if en.Name != "." && en.Name != ".." {
				names = append(names, en.Name)
			}
			return true
		})
		f.DecRef()
		for _, n := range names {
			c, err := e.ns.Resolve(ctx, e.fs, d, n, 0)
			if err != nil {
				t.Fatal(err)
			}
			walk(c, strings.TrimSuffix(path, "/")+"/"+n, seen)
		}
	}
	seen := map[vfs.Node]bool{}
	walk(e.ns.Root(), "/", seen)
	if len(seen) != 5 {
		t.Errorf("%d directories reachable, want 5", len(seen))
	}
}
