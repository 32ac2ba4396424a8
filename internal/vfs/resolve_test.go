package vfs_test

import (
	"fmt"
	"strings"
	"testing"

	"sos/internal/abi"
	"sos/internal/fs/tmpfs"
	"sos/internal/vfs"
)

// resolveTree is the tree most resolution tests walk.
func resolveTree(t *testing.T) *env {
	e := newEnv(t)
	e.mkdir("/a", 0o755)
	e.mkdir("/a/b", 0o755)
	e.write("/a/b/c", "c")
	e.write("/file", "f")
	e.symlink("b", "/a/link")
	e.symlink("/a/b", "/abs")
	e.symlink("loop2", "/loop1")
	e.symlink("loop1", "/loop2")
	e.symlink("nowhere", "/dangling")
	e.symlink("../..", "/a/b/up")
	e.symlink("file", "/flink")
	// A chain of 40 links resolves; 41 do not.
	for i := 1; i <= 41; i++ {
		e.symlink(fmt.Sprintf("chain%d", i-1), fmt.Sprintf("/chain%d", i))
	}
	e.write("/chain0", "end")
	return e
}

func TestResolve(t *testing.T) {
	e := resolveTree(t)
	long := strings.Repeat("x", 256)
	tests := []struct {
		path  string
		flags vfs.ResolveFlags
		want  string // the dentry's path, or
		err   abi.Errno
	}{
		{path: "/", want: "/"},
		{path: "/a/b/c", want: "/a/b/c"},
		{path: "a/b/c", want: "/a/b/c"},
		{path: "//a///b//c", want: "/a/b/c"},
		{path: "/a/./b/../b/c", want: "/a/b/c"},
		{path: "/..", want: "/"},
		{path: "/a/..", want: "/"},
		{path: "/a/../../a", want: "/a"},
		{path: "/a/link/c", want: "/a/b/c"},
		{path: "/a/link", want: "/a/link"},
		{path: "/a/link", flags: vfs.FollowFinal, want: "/a/b"},
		{path: "/a/link/", want: "/a/b"},
		{path: "/a/link", flags: vfs.MustBeDir, err: abi.ENOTDIR},
		{path: "/a/link", flags: vfs.MustBeDir | vfs.FollowFinal, want: "/a/b"},
		{path: "/abs/c", want: "/a/b/c"},
		{path: "/a/b/up", flags: vfs.FollowFinal, want: "/"},
		{path: "/a/b/up/file", want: "/file"},
		{path: "/flink", flags: vfs.FollowFinal, want: "/file"},
		{path: "/loop1", want: "/loop1"},
		{path: "/loop1", flags: vfs.FollowFinal, err: abi.ELOOP},
		{path: "/loop1/x", err: abi.ELOOP},
		{path: "/dangling", want: "/dangling"},
		{path: "/dangling", flags: vfs.FollowFinal, err: abi.ENOENT},
		{path: "/chain40", flags: vfs.FollowFinal, want: "/chain0"},
		{path: "/chain41", flags: vfs.FollowFinal, err: abi.ELOOP},
		{path: "/file/x", err: abi.ENOTDIR},
		{path: "/file/", err: abi.ENOTDIR},
		{path: "/flink/", err: abi.ENOTDIR},
		{path: "/file/..", err: abi.ENOTDIR},
		{path: "/file", flags: vfs.MustBeDir, err: abi.ENOTDIR},
		{path: "/missing", err: abi.ENOENT},
		{path: "/missing/x", err: abi.ENOENT},
		{path: "", err: abi.ENOENT},
		{path: "/" + long, err: abi.ENAMETOOLONG},
		{path: "/" + long[:255], err: abi.ENOENT},
		{path: strings.Repeat("a/../", 820), err: abi.ENAMETOOLONG},
		{path: strings.Repeat("./", 2047), want: "/"},
	}
	for _, tt := range tests {
		d, err := e.ns.Resolve(ctx, e.fs, nil, tt.path, tt.flags)
		if tt.err != 0 {
			if errOf(err) != tt.err {
				t.Errorf("Resolve(%.40q, %d) = %v, want %v", tt.path, tt.flags, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%.40q, %d): %v", tt.path, tt.flags, err)
			continue
		}
		if got := d.Path(); got != tt.want {
			t.Errorf("Resolve(%.40q, %d) = %s, want %s", tt.path, tt.flags, got, tt.want)
		}
	}
}

func TestResolveRelativeStart(t *testing.T) {
	e := resolveTree(t)
	b := e.resolve("/a/b")
	d, err := e.ns.Resolve(ctx, e.fs, b, "c", 0)
	if err != nil || d.Path() != "/a/b/c" {
		t.Fatalf("Resolve from /a/b: %v, %v", d, err)
	}
	// A start that is not a directory is ENOTDIR for relative paths but
	// not for absolute ones.
	c := e.resolve("/a/b/c")
	_, err = e.ns.Resolve(ctx, e.fs, c, "x", 0)
	wantErr(t, "relative to a file", err, abi.ENOTDIR)
	_, err = e.ns.Resolve(ctx, e.fs, c, "/a", 0)
	wantErr(t, "absolute from a file", err, nil)

	// The working directory.
	if err := e.fs.Chdir(b); err != nil {
		t.Fatal(err)
	}
	d, err = e.ns.Resolve(ctx, e.fs, nil, "../b/c", 0)
	if err != nil || d.Path() != "/a/b/c" {
		t.Fatalf("Resolve from cwd: %v, %v", d, err)
	}
	if p, err := e.fs.Getcwd(); p != "/a/b" || err != nil {
		t.Errorf("Getcwd = %q, %v", p, err)
	}
}

func TestResolveParent(t *testing.T) {
	e := resolveTree(t)
	tests := []struct {
		path, dir, name string
		err             abi.Errno
	}{
		{path: "/a/b/new", dir: "/a/b", name: "new"},
		{path: "new", dir: "/", name: "new"},
		{path: "/a/b/new/", dir: "/a/b", name: "new"},
		{path: "/a/link/new", dir: "/a/b", name: "new"},
		{path: "/a/b/..", dir: "/a/b", name: ".."},
		{path: "/", dir: "/", name: "/"},
		{path: "///", dir: "/", name: "/"},
		{path: "/file/new", err: abi.ENOTDIR},
		{path: "/missing/new", err: abi.ENOENT},
		{path: "/" + strings.Repeat("y", 256), err: abi.ENAMETOOLONG},
	}
	for _, tt := range tests {
		dir, name, err := e.ns.ResolveParent(ctx, e.fs, nil, tt.path)
		if tt.err != 0 {
			if errOf(err) != tt.err {
				t.Errorf("ResolveParent(%q) = %v, want %v", tt.path, err, tt.err)
			}
			continue
		}
		if err != nil || dir.Path() != tt.dir || name != tt.name {
			t.Errorf("ResolveParent(%q) = %v, %q, %v; want %s, %q", tt.path, dir, name, err, tt.dir, tt.name)
		}
	}
}

func TestResolveSearchPermission(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/closed", 0o700)
	e.write("/closed/f", "x")
	e.mkdir("/searchonly", 0o711)
	e.write("/searchonly/f", "x")
	u := e.user(1000)
	tests := []struct {
		path string
		err  abi.Errno
	}{
		{"/closed", 0},
		{"/closed/f", abi.EACCES},
		{"/closed/../closed", abi.EACCES},
		{"/searchonly/f", 0},
	}
	for _, tt := range tests {
		_, err := e.ns.Resolve(ctx, u, nil, tt.path, vfs.FollowFinal)
		if errOf(err) != tt.err {
			t.Errorf("Resolve(%q) as user = %v, want %v", tt.path, err, tt.err)
		}
	}
	// Search but not read: the directory cannot be listed.
	_, err := e.ns.Open(ctx, u, nil, "/searchonly", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	wantErr(t, "open search-only directory", err, abi.EACCES)
	// Root searches everything.
	_, err = e.ns.Resolve(ctx, e.fs, nil, "/closed/f", 0)
	wantErr(t, "root", err, nil)
}

func TestMounts(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/mnt", 0o755)
	e.write("/mnt/hidden", "under")
	e.write("/top", "top")
	mnt := e.resolve("/mnt")
	sub := tmpfs.New(tmpfs.Options{Mode: 0o755})
	if err := e.ns.Mount(ctx, mnt, sub, "tmpfs", vfs.Source("scratch")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ns.Stat(ctx, e.fs, nil, "/mnt/hidden", false); errOf(err) != abi.ENOENT {
		t.Errorf("the mount does not hide the directory's contents: %v", err)
	}
	e.write("/mnt/inside", "in")
	if d := e.resolve("/mnt/inside"); d.Path() != "/mnt/inside" {
		t.Errorf("path in mount = %s", d.Path())
	}
	if d := e.resolve("/mnt/.."); d != e.ns.Root() {
		t.Errorf("/mnt/.. = %s, want the root", d.Path())
	}
	if s, err := e.read(e.fs, "/mnt/../top"); s != "top" || err != nil {
		t.Errorf("read /mnt/../top = %q, %v", s, err)
	}
	if d := e.resolve("/mnt"); d.Node() != sub {
		t.Errorf("/mnt does not lead to the mounted root")
	}
	// Different devices.
	if a, b := e.stat("/top"), e.stat("/mnt/inside"); a.Dev == b.Dev {
		t.Errorf("both file systems report device %d", a.Dev)
	}

	// Across mounts: EXDEV; on mount points: EBUSY.
	wantErr(t, "rename across mounts", e.ns.Rename(ctx, e.fs, nil, "/top", nil, "/mnt/top", 0), abi.EXDEV)
	wantErr(t, "link across mounts", e.ns.Link(ctx, e.fs, nil, "/top", nil, "/mnt/top", false), abi.EXDEV)
	wantErr(t, "rmdir mount point", e.ns.Rmdir(ctx, e.fs, nil, "/mnt"), abi.EBUSY)
	wantErr(t, "rename mount point", e.ns.Rename(ctx, e.fs, nil, "/mnt", nil, "/mnt2", 0), abi.EBUSY)
	e.mkdir("/other", 0o755)
	wantErr(t, "rename over mount point", e.ns.Rename(ctx, e.fs, nil, "/other", nil, "/mnt", 0), abi.EBUSY)

	// A read-only mount stacked on top.
	ro := tmpfs.New(tmpfs.Options{})
	if err := e.ns.Mount(ctx, mnt, ro, "ramfs", vfs.ReadOnly()); err != nil {
		t.Fatal(err)
	}
	_, err := e.ns.Open(ctx, e.fs, nil, "/mnt/new", abi.O_CREAT|abi.O_WRONLY, 0o644)
	wantErr(t, "create on read-only mount", err, abi.EROFS)
	wantErr(t, "mkdir on read-only mount", e.ns.Mkdir(ctx, e.fs, nil, "/mnt/d", 0o755), abi.EROFS)
	wantErr(t, "chmod on read-only mount", e.ns.SetAttr(ctx, e.fs, nil, "/mnt", true, vfs.SetAttr{Mode: ptr(uint32(0o700))}), abi.EROFS)
	wantErr(t, "access W_OK on read-only mount", e.ns.Access(ctx, e.fs, nil, "/mnt", abi.W_OK, 0), abi.EROFS)

	want := []vfs.MountInfo{
		{Source: "tmpfs", Path: "/", FSType: "tmpfs"},
		{Source: "scratch", Path: "/mnt", FSType: "tmpfs"},
		{Source: "ramfs", Path: "/mnt", FSType: "ramfs", ReadOnly: true},
	}
	got := e.ns.Mounts()
	// IDs are unique; each mount's parent is the one it covers, the
	// root its own; each file system has its own device.
	if len(got) == 3 {
		if got[0].ParentID != got[0].ID || got[1].ParentID != got[0].ID || got[2].ParentID != got[1].ID ||
			got[0].ID == got[1].ID || got[1].ID == got[2].ID || got[0].Dev == got[1].Dev || got[1].Dev == got[2].Dev {
			t.Errorf("Mounts: bad IDs, parents or devices: %+v", got)
		}
		for i := range got {
			got[i].ID, got[i].ParentID, got[i].Dev = 0, 0, 0
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Mounts = %v, want %v", got, want)
	}

	// Unmounting the top one uncovers the one below.
	top := e.resolve("/mnt")
	wantErr(t, "unmount covered mount", e.ns.Unmount(e.ns.Root()), abi.EINVAL)
	if err := e.ns.Unmount(top); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ns.Stat(ctx, e.fs, nil, "/mnt/inside", false); err != nil {
		t.Errorf("after unmount: %v", err)
	}
	if err := e.ns.Unmount(e.resolve("/mnt")); err != nil {
		t.Fatal(err)
	}
	if s, err := e.read(e.fs, "/mnt/hidden"); s != "under" || err != nil {
		t.Errorf("after both unmounts: %q, %v", s, err)
	}
	if n := len(e.ns.Mounts()); n != 1 {
		t.Errorf("%d mounts left", n)
	}
}

func TestChroot(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/jail", 0o755)
	e.mkdir("/jail/etc", 0o755)
	e.write("/jail/etc/passwd", "jailed")
	e.write("/etc", "outside")
	e.symlink("/etc/passwd", "/jail/abs")
	fs := e.fs.Fork()
	jail := e.resolve("/jail")
	if err := e.user(1000).Chroot(jail); errOf(err) != abi.EPERM {
		t.Errorf("chroot as user: %v, want EPERM", err)
	}
	if err := fs.Chroot(jail); err != nil {
		t.Fatal(err)
	}
	if err := fs.Chdir(jail); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/etc/passwd", "/../etc/passwd", "../../etc/passwd", "/abs"} {
		if s, err := e.read(fs, p); s != "jailed" || err != nil {
			t.Errorf("read %s in chroot = %q, %v", p, s, err)
		}
	}
	if p, err := fs.Getcwd(); p != "/" || err != nil {
		t.Errorf("Getcwd in chroot = %q, %v", p, err)
	}
	// The original context is unaffected (Fork copies).
	if s, _ := e.read(e.fs, "/etc"); s != "outside" {
		t.Errorf("forked chroot leaked: %q", s)
	}
	// A working directory outside the root is unreachable.
	fs2 := e.fs.Fork()
	fs2.Chroot(jail)
	if p, _ := fs2.Getcwd(); p != "(unreachable)/" {
		t.Errorf("Getcwd outside root = %q", p)
	}
}

func TestChdir(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/d", 0o700)
	e.write("/f", "")
	u := e.user(1000)
	wantErr(t, "chdir to file", u.Chdir(e.resolve("/f")), abi.ENOTDIR)
	wantErr(t, "chdir without search", u.Chdir(e.resolve("/d")), abi.EACCES)
	wantErr(t, "chdir", e.fs.Chdir(e.resolve("/d")), nil)
	if err := e.ns.Rmdir(ctx, e.fs, nil, "/d"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.fs.Getcwd(); errOf(err) != abi.ENOENT {
		t.Errorf("Getcwd in removed directory: %v", err)
	}
	if old := e.fs.SetUmask(0o1077); old != 0 || e.fs.Umask() != 0o077 {
		t.Errorf("SetUmask: old %o, now %o", old, e.fs.Umask())
	}
}

func ptr[T any](v T) *T { return &v }

func TestMountOverRoot(t *testing.T) {
	e := newEnv(t)
	e.write("/old", "old")
	nfs := tmpfs.New(tmpfs.Options{Mode: 0o755})
	if err := e.ns.Mount(ctx, e.ns.Root(), nfs, "nfs"); err != nil {
		t.Fatal(err)
	}
	e.write("/new", "new")
	if _, err := e.ns.Stat(ctx, e.fs, nil, "/old", false); errOf(err) != abi.ENOENT {
		t.Errorf("covered root still visible: %v", err)
	}
	d := e.resolve("/new")
	if d.Path() != "/new" || d.Node() == nil {
		t.Errorf("path in root mount = %q", d.Path())
	}
	e.mkdir("/dir", 0o755)
	if p := e.resolve("/dir/../..").Path(); p != "/" {
		t.Errorf("/dir/../.. = %q", p)
	}
	if s, err := e.read(e.fs, "new"); s != "new" || err != nil {
		t.Errorf("relative read = %q, %v", s, err)
	}
}
