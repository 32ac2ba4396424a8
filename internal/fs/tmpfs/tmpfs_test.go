package tmpfs_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/tmpfs"
	"sos/internal/vfs"
)

type tctx struct{}

func (tctx) PID() int { return 1 }
func (tctx) TID() int { return 1 }

var ctx vfs.Context = tctx{}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

func newFS(t *testing.T, opts tmpfs.Options) (*vfs.Namespace, *vfs.FSContext) {
	t.Helper()
	ns := vfs.NewNamespace(tmpfs.New(opts), "tmpfs")
	fs := vfs.NewFSContext(ns.Root(), ns.Root(), 0)
	fs.SetCreds(vfs.RootCreds)
	return ns, fs
}

func create(t *testing.T, ns *vfs.Namespace, fs *vfs.FSContext, path string) *vfs.File {
	t.Helper()
	f, err := ns.Open(ctx, fs, nil, path, abi.O_CREAT|abi.O_RDWR, 0o644)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	return f
}

func stat(t *testing.T, ns *vfs.Namespace, fs *vfs.FSContext, path string) vfs.Attr {
	t.Helper()
	a, err := ns.Stat(ctx, fs, nil, path, false)
	if err != nil {
		t.Fatalf("stat %s: %v", path, err)
	}
	return a
}

func TestFileData(t *testing.T) {
	ns, fs := newFS(t, tmpfs.Options{})
	f := create(t, ns, fs, "/f")
	defer f.DecRef()
	buf := make([]byte, 10)
	if n, err := f.ReadAt(ctx, buf, 0); n != 0 || err != nil {
		t.Errorf("read empty file = %d, %v", n, err)
	}
	// Writing beyond the end fills the gap with zeros.
	if n, err := f.WriteAt(ctx, []byte("xyz"), 5000); n != 3 || err != nil {
		t.Fatalf("WriteAt = %d, %v", n, err)
	}
	a, _ := f.Stat()
	if a.Size != 5003 || a.Blocks != 8 {
		t.Errorf("after sparse write: size %d blocks %d; want 5003, 8 (one page)", a.Size, a.Blocks)
	}
	got := make([]byte, 5003)
	if n, _ := f.ReadAt(ctx, got, 0); n != 5003 {
		t.Fatalf("read %d", n)
	}
	if !bytes.Equal(got[:5000], make([]byte, 5000)) || string(got[5000:]) != "xyz" {
		t.Errorf("content wrong around the hole")
	}
	// Reads past the end return 0; reads across it are short.
	if n, err := f.ReadAt(ctx, buf, 6000); n != 0 || err != nil {
		t.Errorf("read past EOF = %d, %v", n, err)
	}
	if n, _ := f.ReadAt(ctx, buf, 5001); n != 2 {
		t.Errorf("read across EOF = %d", n)
	}
	// Truncating down drops data; growing again shows zeros, not the old data.
	if err := f.Truncate(ctx, vfs.RootCreds, 5001); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(ctx, vfs.RootCreds, 1<<40); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.ReadAt(ctx, buf[:3], 5000); n != 3 || !bytes.Equal(buf[:3], []byte{'x', 0, 0}) {
		t.Errorf("after shrink and grow: %q", buf[:3])
	}
	a, _ = f.Stat()
	if a.Size != 1<<40 || a.Blocks != 8 {
		t.Errorf("sparse 1 TiB file: size %d blocks %d", a.Size, a.Blocks)
	}
	if n, err := f.ReadAt(ctx, buf, 1<<39); n != len(buf) || err != nil || !bytes.Equal(buf, make([]byte, len(buf))) {
		t.Errorf("read from hole = %d, %v, %q", n, err, buf)
	}
	if err := f.Truncate(ctx, vfs.RootCreds, 0); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.Stat(); a.Size != 0 || a.Blocks != 0 {
		t.Errorf("after truncate to 0: %d %d", a.Size, a.Blocks)
	}
	// Large writes across pages.
	big := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	if n, err := f.WriteAt(ctx, big, 100); n != len(big) || err != nil {
		t.Fatalf("big write = %d, %v", n, err)
	}
	got = make([]byte, len(big))
	f.ReadAt(ctx, got, 100)
	if !bytes.Equal(got, big) {
		t.Errorf("big write read back wrong")
	}
}

func TestSizeLimit(t *testing.T) {
	ns, fs := newFS(t, tmpfs.Options{Size: 3 * 4096})
	f := create(t, ns, fs, "/f")
	data := make([]byte, 5*4096)
	n, err := f.Write(ctx, data)
	if n != 3*4096 || err != nil {
		t.Errorf("write over the limit = %d, %v; want a short write", n, err)
	}
	if n, err := f.Write(ctx, data); n != 0 || err != abi.ENOSPC {
		t.Errorf("write when full = %d, %v", n, err)
	}
	// Growing by truncate allocates nothing.
	if err := f.Truncate(ctx, vfs.RootCreds, 1<<30); err != nil {
		t.Errorf("sparse truncate when full: %v", err)
	}
	// Space comes back when the file is unlinked and closed, not before.
	if err := ns.Unlink(ctx, fs, nil, "/f"); err != nil {
		t.Fatal(err)
	}
	g := create(t, ns, fs, "/g")
	defer g.DecRef()
	if _, err := g.Write(ctx, []byte("x")); err != abi.ENOSPC {
		t.Errorf("space freed while the unlinked file is open: %v", err)
	}
	if n, err := f.WriteAt(ctx, []byte("still"), 0); n != 5 || err != nil {
		t.Errorf("write to open unlinked file = %d, %v", n, err)
	}
	f.DecRef()
	if n, err := g.Write(ctx, data[:4096]); n != 4096 || err != nil {
		t.Errorf("after close: %d, %v", n, err)
	}
	// Truncation frees pages.
	if n, _ := g.Write(ctx, data); n != 2*4096 {
		t.Errorf("filled to %d", n)
	}
	g.Truncate(ctx, vfs.RootCreds, 4096)
	if n, _ := g.WriteAt(ctx, data, 4096); n != 2*4096 {
		t.Errorf("after truncate wrote %d", n)
	}
}

func TestLinkCounts(t *testing.T) {
	ns, fs := newFS(t, tmpfs.Options{})
	root := func() uint32 { return stat(t, ns, fs, "/").Nlink }
	if root() != 2 {
		t.Errorf("empty root nlink = %d", root())
	}
	ns.Mkdir(ctx, fs, nil, "/a", 0o755)
	ns.Mkdir(ctx, fs, nil, "/b", 0o755)
	ns.Mkdir(ctx, fs, nil, "/a/c", 0o755)
	if root() != 4 || stat(t, ns, fs, "/a").Nlink != 3 {
		t.Errorf("nlink: root %d, /a %d", root(), stat(t, ns, fs, "/a").Nlink)
	}
	ns.Rename(ctx, fs, nil, "/a/c", nil, "/b/c", 0)
	if stat(t, ns, fs, "/a").Nlink != 2 || stat(t, ns, fs, "/b").Nlink != 3 {
		t.Errorf("after moving a directory: /a %d /b %d", stat(t, ns, fs, "/a").Nlink, stat(t, ns, fs, "/b").Nlink)
	}
	ns.Rename(ctx, fs, nil, "/a", nil, "/b/c", 0) // over an empty directory
	if root() != 3 || stat(t, ns, fs, "/b").Nlink != 3 {
		t.Errorf("after replacing a directory: root %d /b %d", root(), stat(t, ns, fs, "/b").Nlink)
	}
	ns.Rmdir(ctx, fs, nil, "/b/c")
	if stat(t, ns, fs, "/b").Nlink != 2 {
		t.Errorf("after rmdir: /b %d", stat(t, ns, fs, "/b").Nlink)
	}
	f := create(t, ns, fs, "/f")
	defer f.DecRef()
	ns.Link(ctx, fs, nil, "/f", nil, "/b/g", false)
	ns.Link(ctx, fs, nil, "/f", nil, "/h", false)
	if a := stat(t, ns, fs, "/b/g"); a.Nlink != 3 || a.Ino != stat(t, ns, fs, "/f").Ino {
		t.Errorf("hard links: nlink %d", a.Nlink)
	}
	ns.Unlink(ctx, fs, nil, "/f")
	ns.Rename(ctx, fs, nil, "/b/g", nil, "/h", 0) // same file: nothing happens
	if a := stat(t, ns, fs, "/h"); a.Nlink != 2 {
		t.Errorf("after unlink: nlink %d", a.Nlink)
	}
	ns.Unlink(ctx, fs, nil, "/h")
	ns.Unlink(ctx, fs, nil, "/b/g")
	if a, _ := f.Stat(); a.Nlink != 0 {
		t.Errorf("open file with no names: nlink %d", a.Nlink)
	}
	// linkat of a file with no names fails.
	rootDir := ns.Root().Node().(vfs.WritableDir)
	if err := rootDir.Link(ctx, f.Dentry().Node(), "again"); err != abi.ENOENT {
		t.Errorf("linking a nameless file: %v", err)
	}
}

func TestTimes(t *testing.T) {
	c := &clock{now: time.Unix(1_000_000, 0)}
	ns, fs := newFS(t, tmpfs.Options{Now: c.Now})
	t0 := c.now
	if err := ns.Mkdir(ctx, fs, nil, "/d", 0o755); err != nil {
		t.Fatal(err)
	}
	t1 := c.advance()
	f := create(t, ns, fs, "/d/f")
	defer f.DecRef()
	check := func(what, path string, m, ch time.Time) {
		t.Helper()
		a := stat(t, ns, fs, path)
		if !a.Mtime.Equal(m) || !a.Ctime.Equal(ch) {
			t.Errorf("%s: %s mtime %v ctime %v; want %v %v", what, path, a.Mtime.Unix(), a.Ctime.Unix(), m.Unix(), ch.Unix())
		}
	}
	check("create", "/d", t1, t1)
	check("create", "/d/f", t1, t1)
	check("create", "/", t0, t0)
	t2 := c.advance()
	f.Write(ctx, []byte("x"))
	check("write", "/d/f", t2, t2)
	check("write", "/d", t1, t1)
	t3 := c.advance()
	f.Read(ctx, make([]byte, 1))
	check("read", "/d/f", t2, t2)
	ns.SetAttr(ctx, fs, nil, "/d/f", false, vfs.SetAttr{Mode: ptr(uint32(0o600))})
	check("chmod", "/d/f", t2, t3)
	t4 := c.advance()
	ns.Rename(ctx, fs, nil, "/d/f", nil, "/d/g", 0)
	check("rename", "/d", t4, t4)
	check("rename", "/d/g", t2, t4)
	t5 := c.advance()
	ns.Link(ctx, fs, nil, "/d/g", nil, "/d/h", false)
	check("link", "/d/g", t2, t5)
	t6 := c.advance()
	ns.Unlink(ctx, fs, nil, "/d/h")
	check("unlink", "/d", t6, t6)
	check("unlink", "/d/g", t2, t6)
	t7 := c.advance()
	f.Truncate(ctx, vfs.RootCreds, 100)
	check("truncate", "/d/g", t7, t7)
	if a := stat(t, ns, fs, "/d/g"); !a.Btime.Equal(t1) {
		t.Errorf("birth time %v", a.Btime)
	}
}

func TestInodesAndDevices(t *testing.T) {
	ns1, fs1 := newFS(t, tmpfs.Options{})
	ns2, fs2 := newFS(t, tmpfs.Options{})
	seen := map[uint64]bool{}
	for i := range 10 {
		create(t, ns1, fs1, fmt.Sprintf("/f%d", i)).DecRef()
		a := stat(t, ns1, fs1, fmt.Sprintf("/f%d", i))
		if seen[a.Ino] {
			t.Errorf("inode %d reused", a.Ino)
		}
		seen[a.Ino] = true
		if a.Blksize != 4096 {
			t.Errorf("blksize %d", a.Blksize)
		}
	}
	if a, b := stat(t, ns1, fs1, "/"), stat(t, ns2, fs2, "/"); a.Dev == b.Dev || a.Dev == 0 {
		t.Errorf("two instances share device %d", a.Dev)
	}
	ns3, fs3 := newFS(t, tmpfs.Options{Dev: 1234, Mode: 0o700, UID: 7, GID: 8})
	if a := stat(t, ns3, fs3, "/"); a.Dev != 1234 || a.Mode != abi.S_IFDIR|0o700 || a.UID != 7 || a.GID != 8 {
		t.Errorf("root attributes %+v", a)
	}
	if a := stat(t, ns1, fs1, "/"); a.Mode != abi.S_IFDIR|0o1777 {
		t.Errorf("default root mode %o", a.Mode)
	}
}

func TestOwnership(t *testing.T) {
	ns, fs := newFS(t, tmpfs.Options{})
	user := fs.Fork()
	user.SetCreds(vfs.UserCreds(1000, 100))
	if err := ns.Mkdir(ctx, user, nil, "/mine", 0o755); err != nil {
		t.Fatal(err)
	}
	if a := stat(t, ns, fs, "/mine"); a.UID != 1000 || a.GID != 100 {
		t.Errorf("directory owned by %d:%d", a.UID, a.GID)
	}
	// A set-group-ID directory passes its group on.
	ns.Mkdir(ctx, fs, nil, "/shared", 0o777)
	ns.SetAttr(ctx, fs, nil, "/shared", false, vfs.SetAttr{Mode: ptr(uint32(0o2777)), GID: ptr(uint32(50))})
	ns.Mkdir(ctx, user, nil, "/shared/sub", 0o755)
	create(t, ns, user, "/shared/f").DecRef()
	if a := stat(t, ns, fs, "/shared/sub"); a.GID != 50 || a.Mode&abi.S_ISGID == 0 {
		t.Errorf("subdirectory of setgid dir: gid %d mode %o", a.GID, a.Mode)
	}
	if a := stat(t, ns, fs, "/shared/f"); a.GID != 50 || a.UID != 1000 {
		t.Errorf("file in setgid dir: %d:%d", a.UID, a.GID)
	}
}

func TestDirectNodeAPI(t *testing.T) {
	root := tmpfs.New(tmpfs.Options{}).(vfs.WritableDir)
	if _, err := root.Create(ctx, "a/b", 0o644); err != abi.EINVAL {
		t.Errorf("name with slash: %v", err)
	}
	if _, err := root.Create(ctx, "..", 0o644); err != abi.EINVAL {
		t.Errorf("name ..: %v", err)
	}
	n, err := root.Mkdir(ctx, "d", 0o755)
	if err != nil {
		t.Fatal(err)
	}
	d := n.(vfs.WritableDir)
	if _, err := root.Create(ctx, "d", 0o644); err != abi.EEXIST {
		t.Errorf("create existing: %v", err)
	}
	if err := root.Rmdir(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Create(ctx, "late", 0o644); err != abi.ENOENT {
		t.Errorf("create in removed directory: %v", err)
	}
	other := tmpfs.New(tmpfs.Options{}).(vfs.WritableDir)
	f, _ := root.Create(ctx, "f", 0o644)
	if err := root.Rename(ctx, "f", other, "f"); err != abi.EXDEV {
		t.Errorf("rename across instances: %v", err)
	}
	if err := other.Link(ctx, f, "f"); err != abi.EXDEV {
		t.Errorf("link across instances: %v", err)
	}
	if _, err := root.Mknod(ctx, "s", abi.S_IFSOCK|0o755, 0); err != nil {
		t.Errorf("mknod socket: %v", err)
	}
	if _, err := root.Mknod(ctx, "x", abi.S_IFDIR|0o755, 0); err != abi.EINVAL {
		t.Errorf("mknod directory: %v", err)
	}
	sock, _ := root.Lookup(ctx, "s")
	if a, _ := sock.Attr(); a.Mode != abi.S_IFSOCK|0o755 {
		t.Errorf("socket mode %o", a.Mode)
	}
	if _, ok := sock.(vfs.Opener); ok {
		t.Errorf("sockets can be opened")
	}
	ents, _ := root.ReadDir(ctx, 0, 0)
	if len(ents) != 2 || ents[0].Name != "f" || ents[0].Type != abi.DT_REG || ents[1].Type != abi.DT_SOCK {
		t.Errorf("ReadDir = %v", ents)
	}
	if ents, _ := root.ReadDir(ctx, 1, 1); len(ents) != 1 || ents[0].Name != "s" {
		t.Errorf("ReadDir(1, 1) = %v", ents)
	}
}

// TestListingOrder checks that entries stay in creation order and that
// removing one does not disturb the others.
func TestListingOrder(t *testing.T) {
	root := tmpfs.New(tmpfs.Options{}).(vfs.WritableDir)
	for _, n := range []string{"c", "a", "b", "e", "d"} {
		root.Create(ctx, n, 0o644)
	}
	root.Unlink(ctx, "b")
	root.Rename(ctx, "c", root, "z")
	ents, _ := root.ReadDir(ctx, 0, 0)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name)
	}
	if fmt.Sprint(names) != "[a e d z]" {
		t.Errorf("order %v", names)
	}
}

func TestFSTest(t *testing.T) {
	ns, fs := newFS(t, tmpfs.Options{})
	for _, d := range []string{"/a", "/a/b", "/a/b/c", "/empty"} {
		if err := ns.Mkdir(ctx, fs, nil, d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"/top":       "top",
		"/a/one":     "1",
		"/a/b/two":   "22",
		"/a/b/c/big": string(bytes.Repeat([]byte("big "), 5000)),
		"/a/zero":    "",
	}
	for p, data := range files {
		f := create(t, ns, fs, p)
		f.Write(ctx, []byte(data))
		f.DecRef()
	}
	ns.Symlink(ctx, fs, "a/b", nil, "/link")
	ns.Link(ctx, fs, nil, "/top", nil, "/a/hard", false)
	if err := fstest.TestFS(vfs.IOFS(ns, ns.Root()), "top", "a/one", "a/b/two", "a/b/c/big", "a/zero", "link", "a/hard", "empty"); err != nil {
		t.Fatal(err)
	}
}

// TestConcurrent hammers one file system from many goroutines: files
// written, read, truncated, renamed, linked and removed, directories made
// and listed. Run with -race.
func TestConcurrent(t *testing.T) {
	ns, fs := newFS(t, tmpfs.Options{Size: 64 << 20})
	ns.Mkdir(ctx, fs, nil, "/d", 0o777)
	shared := create(t, ns, fs, "/d/shared")
	defer shared.DecRef()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 6000)
			for i := range 60 {
				// One file shared by all: concurrent I/O at overlapping offsets.
				shared.WriteAt(ctx, bytes.Repeat([]byte{byte(g)}, 5000), int64(i*100))
				shared.ReadAt(ctx, buf, int64(g*10))
				shared.Stat()
				if i%10 == 0 {
					shared.Truncate(ctx, vfs.RootCreds, int64(i*50))
				}
				// Private files moving around shared directories.
				p := fmt.Sprintf("/d/g%d-%d", g, i)
				f := create(t, ns, fs, p)
				f.Write(ctx, []byte(p))
				f.DecRef()
				q := fmt.Sprintf("/d/h%d", g)
				if err := ns.Rename(ctx, fs, nil, p, nil, q, 0); err != nil {
					t.Error(err)
				}
				ns.Link(ctx, fs, nil, q, nil, p+"-link", false)
				ns.Unlink(ctx, fs, nil, p+"-link")
				sub := fmt.Sprintf("/d/sub%d", g)
				ns.Mkdir(ctx, fs, nil, sub, 0o755)
				dir, err := ns.Open(ctx, fs, nil, "/d", abi.O_RDONLY, 0)
				if err == nil {
					dir.ReadDirents(ctx, func(vfs.DirEntry, int64) bool { return true })
					dir.DecRef()
				}
				ns.Rmdir(ctx, fs, nil, sub)
			}
		}()
	}
	wg.Wait()
	for g := range 8 {
		if a := stat(t, ns, fs, fmt.Sprintf("/d/h%d", g)); a.Nlink != 1 {
			t.Errorf("h%d nlink %d", g, a.Nlink)
		}
	}
	if a := stat(t, ns, fs, "/d"); a.Nlink != 2 {
		t.Errorf("/d nlink %d", a.Nlink)
	}
}

func ptr[T any](v T) *T { return &v }
