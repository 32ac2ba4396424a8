package vfs_test

import (
	"sort"
	"sync"
	"testing"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/vfs"
)

// volatileDir is a directory whose entries change behind the VFS's back,
// like /proc.
type volatileDir struct {
	mu      sync.Mutex
	entries map[string]vfs.Node
	lookups int
}

type leaf struct{ ino uint64 }

func (l *leaf) Attr() (vfs.Attr, error) { return vfs.Attr{Ino: l.ino, Mode: abi.S_IFREG | 0o444}, nil }

func (d *volatileDir) Attr() (vfs.Attr, error) {
	return vfs.Attr{Ino: 1, Mode: abi.S_IFDIR | 0o555}, nil
}

func (d *volatileDir) Lookup(_ vfs.Context, name string) (vfs.Node, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lookups++
	if n, ok := d.entries[name]; ok {
		return n, nil
	}
	return nil, abi.ENOENT
}

func (d *volatileDir) ReadDir(_ vfs.Context, skip, max int) ([]vfs.DirEntry, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var names []string
	for n := range d.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []vfs.DirEntry
	for _, n := range names[min(skip, len(names)):] {
		out = append(out, vfs.DirEntry{Name: n, Type: abi.DT_REG})
	}
	return out, nil
}

func (d *volatileDir) Revalidate(_ vfs.Context, name string, child vfs.Node) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.entries[name] == child
}

func (d *volatileDir) set(name string, n vfs.Node) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n == nil {
		delete(d.entries, name)
	} else {
		d.entries[name] = n
	}
}

func TestRevalidator(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/proc", 0o555)
	vd := &volatileDir{entries: map[string]vfs.Node{"1": &leaf{ino: 10}}}
	if err := e.ns.Mount(ctx, e.resolve("/proc"), vd, "proc"); err != nil {
		t.Fatal(err)
	}
	d1 := e.resolve("/proc/1")
	if d2 := e.resolve("/proc/1"); d2 != d1 {
		t.Errorf("a valid child was not kept in the cache")
	}
	vd.set("1", nil)
	if _, err := e.ns.Resolve(ctx, e.fs, nil, "/proc/1", 0); errOf(err) != abi.ENOENT {
		t.Errorf("a vanished child still resolves: %v", err)
	}
	if !d1.Deleted() || d1.Path() != "/proc/1 (deleted)" {
		t.Errorf("vanished child: deleted %v path %q", d1.Deleted(), d1.Path())
	}
	vd.set("1", &leaf{ino: 11})
	if a := e.stat("/proc/1"); a.Ino != 11 {
		t.Errorf("replaced child has inode %d", a.Ino)
	}
	// A read-only file system: no WritableDir.
	wantErr(t, "mkdir in proc", e.ns.Mkdir(ctx, e.fs, nil, "/proc/x", 0o755), abi.EROFS)
	wantErr(t, "unlink in proc", e.ns.Unlink(ctx, e.fs, nil, "/proc/1"), abi.EROFS)
	wantErr(t, "chmod in proc", e.ns.SetAttr(ctx, e.fs, nil, "/proc/1", false, vfs.SetAttr{Mode: ptr(uint32(0))}), abi.EPERM)
	_, err := e.ns.Open(ctx, e.fs, nil, "/proc/1", abi.O_RDONLY, 0)
	wantErr(t, "open a node that is not an Opener", err, abi.ENXIO)
	// A directory that is not an Opener lists through Dir.ReadDir.
	f, err := e.ns.Open(ctx, e.fs, nil, "/proc", abi.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	var names []string
	f.ReadDirents(ctx, func(e vfs.DirEntry, _ int64) bool { names = append(names, e.Name); return true })
	if len(names) != 3 || names[2] != "1" {
		t.Errorf("listing = %v", names)
	}
}

// magicLink is a /proc/self/fd/N: it leads to a dentry, not a path.
type magicLink struct{ target *vfs.Dentry }

func (l *magicLink) Attr() (vfs.Attr, error)              { return vfs.Attr{Mode: abi.S_IFLNK | 0o500}, nil }
func (l *magicLink) Readlink(vfs.Context) (string, error) { return l.target.Path(), nil }
func (l *magicLink) Follow(vfs.Context) (*vfs.Dentry, error) {
	return l.target, nil
}

func TestMagicLink(t *testing.T) {
	e := newEnv(t)
	e.write("/file", "data")
	f, _ := e.ns.Open(ctx, e.fs, nil, "/file", abi.O_RDONLY, 0)
	defer f.DecRef()
	e.ns.Unlink(ctx, e.fs, nil, "/file")
	r, w := pipe.NewFiles(ctx, 0)
	defer r.DecRef()
	defer w.DecRef()

	e.mkdir("/fd", 0o555)
	vd := &volatileDir{entries: map[string]vfs.Node{
		"3": &magicLink{target: f.Dentry()},
		"4": &magicLink{target: w.Dentry()},
	}}
	e.ns.Mount(ctx, e.resolve("/fd"), vd, "proc")

	// A deleted file is still reachable.
	if s, err := e.read(e.fs, "/fd/3"); s != "data" || err != nil {
		t.Errorf("read through magic link to deleted file = %q, %v", s, err)
	}
	if s, _ := e.ns.Readlink(ctx, e.fs, nil, "/fd/3"); s != "/file (deleted)" {
		t.Errorf("readlink = %q", s)
	}
	// Opening a pipe's link opens the pipe again.
	pw, err := e.ns.Open(ctx, e.fs, nil, "/fd/4", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer pw.DecRef()
	if _, err := pw.Write(ctx, []byte("via proc")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 16)
	n, _ := r.Read(ctx, buf)
	if string(buf[:n]) != "via proc" {
		t.Errorf("read from pipe = %q", buf[:n])
	}
	_, err = e.ns.Open(ctx, e.fs, nil, "/fd/4", abi.O_WRONLY|abi.O_NOFOLLOW, 0)
	wantErr(t, "O_NOFOLLOW on magic link", err, abi.ELOOP)
}

func TestDevNumbers(t *testing.T) {
	for _, mm := range [][2]uint32{{1, 3}, {5, 1}, {0, 300}, {4095, 255}, {4096, 1 << 20}} {
		d := vfs.Mkdev(mm[0], mm[1])
		if vfs.Major(d) != mm[0] || vfs.Minor(d) != mm[1] {
			t.Errorf("Mkdev(%d, %d) = %#x -> %d, %d", mm[0], mm[1], d, vfs.Major(d), vfs.Minor(d))
		}
	}
	if vfs.Mkdev(1, 3) != 0x103 {
		t.Errorf("Mkdev(1, 3) = %#x", vfs.Mkdev(1, 3))
	}
	if a, b := vfs.NewAnonDev(), vfs.NewAnonDev(); a == b || vfs.Major(a) != 0 {
		t.Errorf("NewAnonDev: %#x %#x", a, b)
	}
}

func TestDentryNames(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/a", 0o755)
	if n := e.ns.Root().Name(); n != "/" {
		t.Errorf("root name %q", n)
	}
	if n := e.resolve("/a").Name(); n != "a" {
		t.Errorf("name %q", n)
	}
	anon := vfs.NewAnonDentry("anon_inode:[eventfd]", &leaf{})
	if anon.Path() != "anon_inode:[eventfd]" || anon.Mount() != nil {
		t.Errorf("anonymous dentry path %q", anon.Path())
	}
	if p, ok := e.resolve("/a").PathFrom(e.resolve("/a")); p != "/" || !ok {
		t.Errorf("PathFrom itself = %q, %v", p, ok)
	}
	if vfs.ContextCreds(ctx) != vfs.RootCreds {
		t.Errorf("a bare context has credentials")
	}
}

// freshDir makes a new Node on every Lookup, as procfs and rofs do, and
// records what it learns about its caller.
type freshDir struct {
	volatile bool
	mu       sync.Mutex
	creds    *vfs.Creds
	caller   vfs.Context
}

func (d *freshDir) Attr() (vfs.Attr, error) { return vfs.Attr{Ino: 1, Mode: abi.S_IFDIR | 0o555}, nil }

func (d *freshDir) Lookup(c vfs.Context, name string) (vfs.Node, error) {
	d.mu.Lock()
	d.creds, d.caller = vfs.ContextCreds(c), vfs.UnwrapContext(c)
	d.mu.Unlock()
	if name == "sub" {
		return &freshDir{volatile: d.volatile}, nil
	}
	return &leaf{ino: 5}, nil
}

func (d *freshDir) ReadDir(vfs.Context, int, int) ([]vfs.DirEntry, error) { return nil, nil }

type volatileFreshDir struct{ freshDir }

func (d *volatileFreshDir) Lookup(c vfs.Context, name string) (vfs.Node, error) {
	if name == "sub" {
		return &volatileFreshDir{}, nil
	}
	return d.freshDir.Lookup(c, name)
}

func (d *volatileFreshDir) Revalidate(vfs.Context, string, vfs.Node) bool { return false }

func TestFreshNodes(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/stable", 0o755)
	e.mkdir("/volatile", 0o755)
	st := &freshDir{}
	e.ns.Mount(ctx, e.resolve("/stable"), st, "rofs")
	e.ns.Mount(ctx, e.resolve("/volatile"), &volatileFreshDir{}, "proc")

	// Without Revalidate, the first lookup's dentry stays.
	if a, b := e.resolve("/stable/x"), e.resolve("/stable/x"); a != b {
		t.Errorf("dentries of a stable directory differ")
	}
	// The file system sees the caller's credentials and context.
	u := e.user(1234)
	if _, err := e.ns.Resolve(ctx, u, nil, "/stable/y", 0); err != nil {
		t.Fatal(err)
	}
	if st.creds.UID != 1234 || st.caller != ctx {
		t.Errorf("file system saw creds %+v, caller %v", st.creds, st.caller)
	}
	// With Revalidate false, every lookup asks again, and a working
	// directory inside is not taken for deleted.
	sub := e.resolve("/volatile/sub")
	if err := e.fs.Chdir(sub); err != nil {
		t.Fatal(err)
	}
	again := e.resolve("/volatile/sub")
	if again == sub || sub.Deleted() {
		t.Errorf("volatile lookup: same dentry %v, old deleted %v", again == sub, sub.Deleted())
	}
	if p, err := e.fs.Getcwd(); p != "/volatile/sub" || err != nil {
		t.Errorf("Getcwd = %q, %v", p, err)
	}
	if d, err := e.ns.Resolve(ctx, e.fs, nil, "x", 0); err != nil || d.Path() != "/volatile/sub/x" {
		t.Errorf("relative lookup in volatile cwd: %v", err)
	}
}
