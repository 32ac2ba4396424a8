package rofs

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

//go:embed testdata/tree
var embedded embed.FS

var mtime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func mapFS() fstest.MapFS {
	return fstest.MapFS{
		"hello.txt":        {Data: []byte("hello, world\n"), Mode: 0o644, ModTime: mtime},
		"bin/sh":           {Data: []byte("\x7fELF..."), Mode: 0o755 | fs.ModeSetuid, ModTime: mtime},
		"bin/link":         {Data: []byte("sh"), Mode: fs.ModeSymlink | 0o777},
		"bin/abs":          {Data: []byte("/hello.txt"), Mode: fs.ModeSymlink | 0o777},
		"tmp":              {Mode: fs.ModeDir | 0o777 | fs.ModeSticky},
		"dev/null":         {Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666},
		"dev/sda":          {Mode: fs.ModeDevice | 0o660},
		"dev/fifo":         {Mode: fs.ModeNamedPipe | 0o600},
		"dev/sock":         {Mode: fs.ModeSocket | 0o755},
		"dev/odd":          {Mode: fs.ModeIrregular | 0o644},
		"etc/group":        {Data: []byte("root:x:0:\n"), Mode: 0o644 | fs.ModeSetgid},
		"etc/dir/a":        {Data: []byte("a")},
		"etc/dir/b":        {Data: []byte("b")},
		"etc/dir/c":        {Data: []byte("c")},
		"etc/dir/d":        {Data: []byte("d")},
		"etc/dangling":     {Data: []byte("nowhere"), Mode: fs.ModeSymlink | 0o777},
		"etc/loop1":        {Data: []byte("loop2"), Mode: fs.ModeSymlink | 0o777},
		"etc/loop2":        {Data: []byte("loop1"), Mode: fs.ModeSymlink | 0o777},
		"big/file":         {Data: bytes.Repeat([]byte("0123456789"), 1000), Mode: 0o444},
		"big/empty":        {Mode: 0o444},
		"a/b/c/d/e/f/deep": {Data: []byte("deep")},
	}
}

// lookup resolves a slash-separated path without following symbolic
// links.
func lookup(t *testing.T, root vfs.Node, p string) vfs.Node {
	t.Helper()
	n := root
	for _, e := range strings.Split(p, "/") {
		d, ok := n.(vfs.Dir)
		if !ok {
			t.Fatalf("lookup %s: %T is not a directory", p, n)
		}
		var err error
		n, err = d.Lookup(ctx, e)
		if err != nil {
			t.Fatalf("lookup %s: %v", p, err)
		}
	}
	return n
}

func attr(t *testing.T, n vfs.Node) vfs.Attr {
	t.Helper()
	a, err := n.Attr()
	if err != nil {
		t.Fatalf("Attr: %v", err)
	}
	return a
}

func readAll(t *testing.T, n vfs.Node) string {
	t.Helper()
	ops, err := n.(vfs.Opener).Open(ctx, abi.O_RDONLY)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer ops.Release()
	var out []byte
	buf := make([]byte, 7) // odd-sized, to read across chunk edges
	for {
		n, err := ops.Read(ctx, buf, int64(len(out)))
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if n == 0 {
			return string(out)
		}
		out = append(out, buf[:n]...)
	}
}

func TestFSConformance(t *testing.T) {
	// fstest.TestFS opens every symbolic link, so the map holds none
	// that dangle or loop here, and no devices.
	m := mapFS()
	for name, f := range m {
		if strings.HasPrefix(name, "dev/") || name == "etc/dangling" || strings.HasPrefix(name, "etc/loop") {
			delete(m, name)
		}
		_ = f
	}
	if err := fstest.TestFS(iofs{New(m, Options{})}, "hello.txt", "bin/sh", "bin/link", "etc/dir/a", "a/b/c/d/e/f/deep"); err != nil {
		t.Errorf("MapFS: %v", err)
	}

	sub, err := fs.Sub(embedded, "testdata/tree")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(iofs{New(sub, Options{})}, "hello.txt", "bin/init", "etc/passwd", "etc/empty"); err != nil {
		t.Errorf("embed.FS: %v", err)
	}

}

func TestMapFSNodes(t *testing.T) {
	root := New(mapFS(), Options{Dev: 42})
	if _, ok := root.(vfs.Opener); ok {
		t.Errorf("directory implements vfs.Opener; the VFS must supply its reader")
	}
	if _, ok := root.(vfs.WritableDir); ok {
		t.Errorf("root implements vfs.WritableDir")
	}

	tests := []struct {
		path  string
		mode  uint32
		size  int64
		nlink uint32
	}{
		{"hello.txt", abi.S_IFREG | 0o644, 13, 1},
		{"bin", abi.S_IFDIR | 0o555, 0, 2},
		{"bin/sh", abi.S_IFREG | abi.S_ISUID | 0o755, 7, 1},
		{"bin/link", abi.S_IFLNK | 0o777, 2, 1},
		{"tmp", abi.S_IFDIR | abi.S_ISVTX | 0o777, 0, 2},
		{"dev/null", abi.S_IFCHR | 0o666, 0, 1},
		{"dev/sda", abi.S_IFBLK | 0o660, 0, 1},
		{"dev/fifo", abi.S_IFIFO | 0o600, 0, 1},
		{"dev/sock", abi.S_IFSOCK | 0o755, 0, 1},
		{"dev/odd", abi.S_IFCHR | 0o644, 0, 1},
		{"etc/group", abi.S_IFREG | abi.S_ISGID | 0o644, 10, 1},
		{"big/file", abi.S_IFREG | 0o444, 10000, 1},
	}
	inos := map[uint64]string{}
	for _, tt := range tests {
		a := attr(t, lookup(t, root, tt.path))
		if a.Mode != tt.mode || a.Size != tt.size || a.Nlink != tt.nlink {
			t.Errorf("%s: mode %#o size %d nlink %d, want %#o %d %d", tt.path, a.Mode, a.Size, a.Nlink, tt.mode, tt.size, tt.nlink)
		}
		if a.Dev != 42 || a.UID != 0 || a.GID != 0 || a.Blksize != 4096 || a.Blocks != (tt.size+511)/512 {
			t.Errorf("%s: dev %d uid %d gid %d blksize %d blocks %d", tt.path, a.Dev, a.UID, a.GID, a.Blksize, a.Blocks)
		}
		if a.Ino == 0 || inos[a.Ino] != "" {
			t.Errorf("%s: inode %d (also %q)", tt.path, a.Ino, inos[a.Ino])
		}
		inos[a.Ino] = tt.path
		if a2 := attr(t, lookup(t, root, tt.path)); a2.Ino != a.Ino {
			t.Errorf("%s: inode number not stable: %d then %d", tt.path, a.Ino, a2.Ino)
		}
	}
	if a := attr(t, lookup(t, root, "hello.txt")); !a.Mtime.Equal(mtime) || !a.Atime.Equal(mtime) || !a.Ctime.Equal(mtime) {
		t.Errorf("times %v %v %v, want %v", a.Atime, a.Mtime, a.Ctime, mtime)
	}
	if a := attr(t, lookup(t, root, "bin/link")); !a.Mtime.Equal(time.Unix(0, 0)) {
		t.Errorf("zero ModTime reported as %v, want the epoch", a.Mtime)
	}

	// Kinds of node.
	kinds := map[string]string{
		"bin": "dir", "etc/dir": "dir", "bin/link": "symlink", "etc/dangling": "symlink",
		"hello.txt": "file", "dev/null": "special", "dev/fifo": "special", "dev/sock": "special",
	}
	for p, want := range kinds {
		var got string
		switch lookup(t, root, p).(type) {
		case *dir:
			got = "dir"
		case *symlink:
			got = "symlink"
		case *file:
			got = "file"
		case *special:
			got = "special"
		}
		if got != want {
			t.Errorf("%s is a %s, want %s", p, got, want)
		}
	}

	// Symbolic links.
	for p, want := range map[string]string{"bin/link": "sh", "bin/abs": "/hello.txt", "etc/dangling": "nowhere", "etc/loop1": "loop2"} {
		got, err := lookup(t, root, p).(vfs.Symlink).Readlink(ctx)
		if got != want || err != nil {
			t.Errorf("Readlink(%s) = %q, %v; want %q", p, got, err, want)
		}
	}
	if _, err := (iofs{root}).Open("etc/loop1"); !errors.Is(err, abi.ELOOP) {
		t.Errorf("open through a loop: %v, want ELOOP", err)
	}
	if _, err := (iofs{root}).Open("etc/dangling"); !errors.Is(err, abi.ENOENT) {
		t.Errorf("open through a dangling link: %v, want ENOENT", err)
	}

	// Lookup failures.
	bin := lookup(t, root, "bin").(vfs.Dir)
	for name, want := range map[string]error{
		"nope": abi.ENOENT, "": abi.ENOENT, ".": abi.ENOENT, "..": abi.ENOENT,
		"a/b": abi.ENOENT, "nul\x00": abi.ENOENT, strings.Repeat("x", 256): abi.ENAMETOOLONG,
	} {
		if n, err := bin.Lookup(ctx, name); err != want {
			t.Errorf("Lookup(%q) = %v, %v; want %v", name, n, err, want)
		}
	}
	if _, err := lookup(t, root, "dev").(vfs.Dir).Lookup(ctx, "null"); err != nil {
		t.Errorf("Lookup(null): %v", err)
	}

	// Opening.
	for _, tt := range []struct {
		path  string
		flags int
		want  error
	}{
		{"hello.txt", abi.O_RDONLY | abi.O_CLOEXEC | abi.O_LARGEFILE, nil},
		{"hello.txt", abi.O_RDONLY | abi.O_CREAT, nil},
		{"hello.txt", abi.O_WRONLY, abi.EROFS},
		{"hello.txt", abi.O_RDWR, abi.EROFS},
		{"hello.txt", abi.O_RDONLY | abi.O_TRUNC, abi.EROFS},
		{"hello.txt", abi.O_RDONLY | abi.O_DIRECTORY, abi.ENOTDIR},
		{"dev/null", abi.O_RDONLY, abi.EACCES},
		{"dev/sda", abi.O_RDONLY, abi.EACCES},
		{"dev/odd", abi.O_RDONLY, abi.EACCES},
		{"dev/fifo", abi.O_RDONLY, abi.ENXIO},
		{"dev/sock", abi.O_RDWR, abi.ENXIO},
	} {
		ops, err := lookup(t, root, tt.path).(vfs.Opener).Open(ctx, tt.flags)
		if err != tt.want {
			t.Errorf("Open(%s, %#x): %v, want %v", tt.path, tt.flags, err, tt.want)
		}
		if ops != nil {
			ops.Release()
		}
	}

	// Reading.
	if got := readAll(t, lookup(t, root, "big/file")); got != string(mapFS()["big/file"].Data) {
		t.Errorf("big/file read back wrong (%d bytes)", len(got))
	}
	if got := readAll(t, lookup(t, root, "big/empty")); got != "" {
		t.Errorf("big/empty = %q", got)
	}
	ops, err := lookup(t, root, "hello.txt").(vfs.Opener).Open(ctx, abi.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	defer ops.Release()
	buf := make([]byte, 100)
	for _, tt := range []struct {
		off  int64
		want string
		err  error
	}{
		{7, "world\n", nil}, {0, "hello, world\n", nil}, {13, "", nil}, {1000, "", nil}, {-1, "", abi.EINVAL},
	} {
		n, err := ops.Read(ctx, buf, tt.off)
		if string(buf[:n]) != tt.want || err != tt.err {
			t.Errorf("Read at %d = %q, %v; want %q, %v", tt.off, buf[:n], err, tt.want, tt.err)
		}
	}
	if n, err := ops.Read(ctx, nil, 0); n != 0 || err != nil {
		t.Errorf("empty Read = %d, %v", n, err)
	}
	if n, err := ops.Write(ctx, []byte("x"), 0); n != 0 || err != abi.EBADF {
		t.Errorf("Write = %d, %v; want EBADF", n, err)
	}
	if got := ops.Readiness(waiter.EventIn | waiter.EventOut | waiter.EventHUp); got != waiter.EventIn|waiter.EventOut {
		t.Errorf("Readiness = %#x", got)
	}
}

func TestReadDir(t *testing.T) {
	root := New(mapFS(), Options{})
	d := lookup(t, root, "etc/dir").(vfs.Dir)
	all, err := d.ReadDir(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range all {
		names = append(names, e.Name)
		if e.Type != abi.DT_REG {
			t.Errorf("%s: type %d", e.Name, e.Type)
		}
		if a := attr(t, lookup(t, root, "etc/dir/"+e.Name)); a.Ino != e.Ino {
			t.Errorf("%s: entry inode %d, Attr inode %d", e.Name, e.Ino, a.Ino)
		}
	}
	if got := strings.Join(names, " "); got != "a b c d" {
		t.Errorf("listing %q", got)
	}
	for _, tt := range []struct {
		skip, max int
		want      string
	}{
		{0, 2, "a b"}, {2, 2, "c d"}, {3, 10, "d"}, {4, 1, ""}, {10, 1, ""}, {1, -1, "b c d"}, {-3, 1, "a"},
	} {
		ents, err := d.ReadDir(ctx, tt.skip, tt.max)
		var got []string
		for _, e := range ents {
			got = append(got, e.Name)
		}
		if strings.Join(got, " ") != tt.want || err != nil {
			t.Errorf("ReadDir(%d, %d) = %q, %v; want %q", tt.skip, tt.max, got, err, tt.want)
		}
	}

	ents, err := lookup(t, root, "dev").(vfs.Dir).ReadDir(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]uint8{}
	for _, e := range ents {
		types[e.Name] = e.Type
	}
	want := map[string]uint8{"null": abi.DT_CHR, "sda": abi.DT_BLK, "fifo": abi.DT_FIFO, "sock": abi.DT_SOCK, "odd": abi.DT_CHR}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("dev types %v, want %v", types, want)
	}
	ents, _ = root.(vfs.Dir).ReadDir(ctx, 0, 0)
	if len(ents) != 7 || ents[0].Name != "a" || ents[0].Type != abi.DT_DIR {
		t.Errorf("root listing %v", ents)
	}
}

func TestEmbed(t *testing.T) {
	root := New(embedded, Options{Dev: 1})
	tree := lookup(t, root, "testdata/tree")
	if got := readAll(t, lookup(t, tree, "hello.txt")); got != "hello, world\n" {
		t.Errorf("hello.txt = %q", got)
	}
	a := attr(t, lookup(t, tree, "bin/init"))
	if a.Mode != abi.S_IFREG|0o444 || a.Size != 20 || !a.Mtime.Equal(time.Unix(0, 0)) {
		t.Errorf("bin/init: %+v", a)
	}
	if a := attr(t, root); a.Mode != abi.S_IFDIR|0o555 {
		t.Errorf("root mode %#o", a.Mode)
	}
	// embed files support ReadAt, so reads need no lock.
	ops, _ := lookup(t, tree, "etc/passwd").(vfs.Opener).Open(ctx, abi.O_RDONLY)
	if ops.(*openFile).ra == nil {
		t.Errorf("embed file read without its io.ReaderAt")
	}
	ops.Release()
}

// plainFS hides everything but Read from its files, to exercise the
// paths for files without io.ReaderAt, with and without io.Seeker.
type plainFS struct {
	fs.FS
	seek bool
}

type plainFile struct{ fs.File }

type seekFile struct {
	fs.File
	io.Seeker
}

func (p plainFS) Open(name string) (fs.File, error) {
	f, err := p.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if _, ok := f.(fs.ReadDirFile); ok {
		return f, nil
	}
	if p.seek {
		return seekFile{f, f.(io.Seeker)}, nil
	}
	return plainFile{f}, nil
}

func TestSequentialRead(t *testing.T) {
	data := mapFS()["big/file"].Data
	for _, seek := range []bool{false, true} {
		root := New(plainFS{FS: mapFS(), seek: seek}, Options{})
		ops, err := lookup(t, root, "big/file").(vfs.Opener).Open(ctx, abi.O_RDONLY)
		if err != nil {
			t.Fatal(err)
		}
		if ops.(*openFile).ra != nil {
			t.Fatal("plainFS file has ReadAt")
		}
		buf := make([]byte, 25)
		for _, off := range []int64{0, 25, 5000, 100, 9990, 9999, 10000, 20000, 3} {
			n, err := ops.Read(ctx, buf, off)
			want := data[min(off, int64(len(data))):min(off+25, int64(len(data)))]
			if err != nil || !bytes.Equal(buf[:n], want) {
				t.Errorf("seek %v: Read at %d = %q, %v; want %q", seek, off, buf[:n], err, want)
			}
		}
		if got := readAll(t, lookup(t, root, "big/file")); got != string(data) {
			t.Errorf("seek %v: sequential read differs", seek)
		}
		ops.Release()
	}
}

// faultFS fails every call on paths under "bad/" with the error its
// last element names.
type faultFS struct{ fstest.MapFS }

var faults = map[string]error{
	"perm":    fs.ErrPermission,
	"noent":   fs.ErrNotExist,
	"invalid": fs.ErrInvalid,
	"eio":     syscall.EIO,
	"enotdir": &fs.PathError{Op: "stat", Path: "x", Err: syscall.ENOTDIR},
	"estale":  fmt.Errorf("wrapped: %w", abi.ESTALE),
	"other":   errors.New("something else"),
	"closed":  fs.ErrClosed,
}

func (f faultFS) fault(name string) error {
	if rest, ok := strings.CutPrefix(name, "bad/"); ok {
		return &fs.PathError{Op: "op", Path: name, Err: faults[rest]}
	}
	return nil
}

func (f faultFS) Open(name string) (fs.File, error) {
	if err := f.fault(name); err != nil {
		return nil, err
	}
	return f.MapFS.Open(name)
}

func (f faultFS) Lstat(name string) (fs.FileInfo, error) {
	if err := f.fault(name); err != nil {
		return nil, err
	}
	return f.MapFS.Lstat(name)
}

func TestErrors(t *testing.T) {
	m := fstest.MapFS{"bad": {Mode: fs.ModeDir | 0o755}}
	root := New(faultFS{m}, Options{})
	bad := lookup(t, root, "bad").(vfs.Dir)
	want := map[string]abi.Errno{
		"perm": abi.EACCES, "noent": abi.ENOENT, "invalid": abi.EINVAL, "eio": abi.EIO,
		"enotdir": abi.ENOTDIR, "estale": abi.ESTALE, "other": abi.EIO, "closed": abi.EBADF,
	}
	for name, errno := range want {
		if _, err := bad.Lookup(ctx, name); err != errno {
			t.Errorf("Lookup(%s): %v, want %v", name, err, errno)
		}
	}
	if errno(nil) != nil {
		t.Errorf("errno(nil) != nil")
	}
}

func TestConcurrent(t *testing.T) {
	sub, _ := fs.Sub(embedded, "testdata/tree")
	roots := []vfs.Node{New(mapFS(), Options{}), New(sub, Options{}), New(plainFS{FS: mapFS()}, Options{})}
	for _, root := range roots {
		// Files opened once and read by everyone, and trees walked by
		// everyone at once.
		var shared []vfs.FileOps
		for _, p := range []string{"hello.txt", "big/file"} {
			if _, err := (iofs{root}).Open(p); err == nil {
				ops, _ := lookup(t, root, p).(vfs.Opener).Open(ctx, abi.O_RDONLY)
				shared = append(shared, ops)
			}
		}
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				for j := range 4 {
					fsys := iofs{root}
					err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
						if err != nil || !d.Type().IsRegular() {
							return nil
						}
						_, err = fs.ReadFile(fsys, p)
						return err
					})
					if err != nil {
						t.Error(err)
					}
					for _, ops := range shared {
						buf := make([]byte, 10)
						if _, err := ops.Read(ctx, buf, int64(i*j)); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		for _, ops := range shared {
			ops.Release()
		}
	}
}
