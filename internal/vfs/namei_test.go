package vfs_test

import (
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/devfs"
	"sos/internal/vfs"
)

func TestOpen(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/dir", 0o755)
	e.write("/file", "hello")
	e.symlink("file", "/link")
	e.symlink("dir", "/dlink")
	e.symlink("made", "/dangling")
	e.symlink("/nodir/x", "/badlink")
	e.write("/ro", "read only")
	e.ns.SetAttr(ctx, e.fs, nil, "/ro", false, vfs.SetAttr{Mode: ptr(uint32(0o444)), UID: ptr(uint32(1000))})
	e.mkdir("/rodir", 0o555)
	e.ns.SetAttr(ctx, e.fs, nil, "/rodir", false, vfs.SetAttr{UID: ptr(uint32(1000))})
	user := e.user(1000)

	tests := []struct {
		name  string
		fs    *vfs.FSContext
		path  string
		flags int
		err   abi.Errno
	}{
		{"read file", nil, "/file", abi.O_RDONLY, 0},
		{"through link", nil, "/link", abi.O_RDWR, 0},
		{"O_NOFOLLOW on link", nil, "/link", abi.O_RDONLY | abi.O_NOFOLLOW, abi.ELOOP},
		{"O_PATH|O_NOFOLLOW on link", nil, "/link", abi.O_PATH | abi.O_NOFOLLOW, 0},
		{"O_DIRECTORY on file", nil, "/file", abi.O_RDONLY | abi.O_DIRECTORY, abi.ENOTDIR},
		{"O_DIRECTORY on dir link", nil, "/dlink", abi.O_RDONLY | abi.O_DIRECTORY, 0},
		{"dir read-only", nil, "/dir", abi.O_RDONLY, 0},
		{"dir for writing", nil, "/dir", abi.O_WRONLY, abi.EISDIR},
		{"dir O_RDWR", nil, "/dir", abi.O_RDWR, abi.EISDIR},
		{"dir O_TRUNC", nil, "/dir", abi.O_RDONLY | abi.O_TRUNC, abi.EISDIR},
		{"dir O_CREAT", nil, "/dir", abi.O_RDONLY | abi.O_CREAT, abi.EISDIR},
		{"missing", nil, "/missing", abi.O_RDONLY, abi.ENOENT},
		{"O_CREAT|O_EXCL existing", nil, "/file", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"O_CREAT|O_EXCL dangling link", nil, "/dangling", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"O_CREAT|O_NOFOLLOW link", nil, "/link", abi.O_CREAT | abi.O_NOFOLLOW | abi.O_WRONLY, abi.ELOOP},
		{"O_CREAT trailing slash", nil, "/newdir/", abi.O_CREAT | abi.O_WRONLY, abi.EISDIR},
		{"O_CREAT|O_DIRECTORY", nil, "/x", abi.O_CREAT | abi.O_DIRECTORY, abi.EINVAL},
		{"O_CREAT through link to missing dir", nil, "/badlink", abi.O_CREAT | abi.O_WRONLY, abi.ENOENT},
		{"user writes 0444 file", user, "/ro", abi.O_WRONLY, abi.EACCES},
		{"user reads 0444 file", user, "/ro", abi.O_RDONLY, 0},
		{"user O_TRUNC 0444 file", user, "/ro", abi.O_RDONLY | abi.O_TRUNC, abi.EACCES},
		{"root writes 0444 file", nil, "/ro", abi.O_WRONLY, 0},
		{"user creates in 0555 dir", user, "/rodir/f", abi.O_CREAT | abi.O_WRONLY, abi.EACCES},
		{"user creates in root-owned dir", user, "/f", abi.O_CREAT | abi.O_WRONLY, abi.EACCES},
		{"O_TMPFILE", nil, "/dir", abi.O_TMPFILE | abi.O_RDWR, abi.EOPNOTSUPP},
	}
	for _, tt := range tests {
		fs := tt.fs
		if fs == nil {
			fs = e.fs
		}
		f, err := e.ns.Open(ctx, fs, nil, tt.path, tt.flags, 0o644)
		if errOf(err) != tt.err {
			t.Errorf("%s: Open(%q, %#x) = %v, want %v", tt.name, tt.path, tt.flags, err, tt.err)
		}
		if f != nil {
			f.DecRef()
		}
	}
}

func TestOpenCreate(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/tmp", 0o1777)
	u := e.user(1000)
	u.SetUmask(0o027)
	f, err := e.ns.Open(ctx, u, nil, "/tmp/new", abi.O_CREAT|abi.O_WRONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	f.DecRef()
	a := e.stat("/tmp/new")
	if a.Mode != abi.S_IFREG|0o640 || a.UID != 1000 || a.GID != 1000 {
		t.Errorf("created file: mode %o uid %d gid %d; want %o 1000 1000", a.Mode, a.UID, a.GID, abi.S_IFREG|0o640)
	}
	// A new file opens for writing whatever its mode says.
	f, err = e.ns.Open(ctx, u, nil, "/tmp/readonly", abi.O_CREAT|abi.O_RDWR, 0o444)
	if err != nil {
		t.Fatalf("creating a 0444 file for writing: %v", err)
	}
	if _, err := f.Write(ctx, []byte("x")); err != nil {
		t.Errorf("writing it: %v", err)
	}
	f.DecRef()
	// ...but not when it exists.
	_, err = e.ns.Open(ctx, u, nil, "/tmp/readonly", abi.O_CREAT|abi.O_RDWR, 0o444)
	wantErr(t, "reopen 0444 for writing", err, abi.EACCES)

	// O_CREAT through a dangling symbolic link makes its target.
	e.symlink("target", "/tmp/dangling")
	f, err = e.ns.Open(ctx, e.fs, nil, "/tmp/dangling", abi.O_CREAT|abi.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.DecRef()
	if a := e.stat("/tmp/target"); a.Mode&abi.S_IFMT != abi.S_IFREG {
		t.Errorf("target of dangling link not made: %o", a.Mode)
	}

	// O_TRUNC empties an existing file, and only then.
	e.write("/tmp/t", "123456")
	f, err = e.ns.Open(ctx, e.fs, nil, "/tmp/t", abi.O_WRONLY|abi.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.DecRef()
	if a := e.stat("/tmp/t"); a.Size != 0 {
		t.Errorf("size after O_TRUNC = %d", a.Size)
	}

	// Read-only file systems: a Dir that is not a WritableDir.
	e.mkdir("/dev", 0o755)
	if err := e.ns.Mount(ctx, e.resolve("/dev"), devfs.New(devfs.Options{}), "devtmpfs"); err != nil {
		t.Fatal(err)
	}
	_, err = e.ns.Open(ctx, e.fs, nil, "/dev/newfile", abi.O_CREAT|abi.O_WRONLY, 0o644)
	wantErr(t, "create in devfs", err, abi.EROFS)
	// Devices stay writable, and can be opened by an ordinary user.
	f, err = e.ns.Open(ctx, u, nil, "/dev/null", abi.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.DecRef()
}

func TestOpenPath(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/d", 0o755)
	e.write("/d/f", "x")
	f, err := e.ns.Open(ctx, e.fs, nil, "/d", abi.O_PATH|abi.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	if !f.IsPath() || f.Readable() || f.Writable() {
		t.Errorf("O_PATH file: path %v readable %v writable %v", f.IsPath(), f.Readable(), f.Writable())
	}
	if _, err := f.Read(ctx, make([]byte, 1)); errOf(err) != abi.EBADF {
		t.Errorf("read O_PATH: %v", err)
	}
	if err := f.ReadDirents(ctx, func(vfs.DirEntry, int64) bool { return true }); errOf(err) != abi.EBADF {
		t.Errorf("getdents O_PATH: %v", err)
	}
	if a, err := f.Stat(); err != nil || a.Mode&abi.S_IFMT != abi.S_IFDIR {
		t.Errorf("fstat O_PATH: %v %v", a, err)
	}
	// It serves as a start directory and for fchdir.
	if _, err := e.ns.Stat(ctx, e.fs, f.Dentry(), "f", false); err != nil {
		t.Errorf("stat relative to O_PATH: %v", err)
	}
	if err := e.fs.Chdir(f.Dentry()); err != nil {
		t.Errorf("fchdir: %v", err)
	}
}

func TestMakeAndRemove(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/d", 0o755)
	e.write("/d/f", "x")
	e.mkdir("/d/sub", 0o755)
	e.write("/d/sub/g", "y")
	e.mkdir("/empty", 0o755)
	e.symlink("d", "/dl")
	check := func(what string, err error, want abi.Errno) {
		t.Helper()
		if errOf(err) != want {
			t.Errorf("%s: %v, want %v", what, err, want)
		}
	}
	ns, fs := e.ns, e.fs
	check("mkdir existing", ns.Mkdir(ctx, fs, nil, "/d", 0o755), abi.EEXIST)
	check("mkdir over link", ns.Mkdir(ctx, fs, nil, "/dl", 0o755), abi.EEXIST)
	check("mkdir /", ns.Mkdir(ctx, fs, nil, "/", 0o755), abi.EEXIST)
	check("mkdir .", ns.Mkdir(ctx, fs, nil, "/d/.", 0o755), abi.EEXIST)
	check("mkdir trailing slash", ns.Mkdir(ctx, fs, nil, "/new/", 0o755), 0)
	check("mkdir in missing", ns.Mkdir(ctx, fs, nil, "/missing/x", 0o755), abi.ENOENT)
	check("mkdir under file", ns.Mkdir(ctx, fs, nil, "/d/f/x", 0o755), abi.ENOTDIR)

	check("unlink dir", ns.Unlink(ctx, fs, nil, "/d/sub"), abi.EISDIR)
	check("unlink file/", ns.Unlink(ctx, fs, nil, "/d/f/"), abi.ENOTDIR)
	check("unlink .", ns.Unlink(ctx, fs, nil, "/d/."), abi.EISDIR)
	check("unlink missing", ns.Unlink(ctx, fs, nil, "/d/missing"), abi.ENOENT)
	check("rmdir file", ns.Rmdir(ctx, fs, nil, "/d/f"), abi.ENOTDIR)
	check("rmdir non-empty", ns.Rmdir(ctx, fs, nil, "/d/sub"), abi.ENOTEMPTY)
	check("rmdir .", ns.Rmdir(ctx, fs, nil, "/empty/."), abi.EINVAL)
	check("rmdir ..", ns.Rmdir(ctx, fs, nil, "/empty/.."), abi.ENOTEMPTY)
	check("rmdir /", ns.Rmdir(ctx, fs, nil, "/"), abi.EBUSY)
	check("rmdir link", ns.Rmdir(ctx, fs, nil, "/dl"), abi.ENOTDIR)
	check("rmdir empty/", ns.Rmdir(ctx, fs, nil, "/empty/"), 0)
	check("unlink link", ns.Unlink(ctx, fs, nil, "/dl"), 0)
	if _, err := ns.Stat(ctx, fs, nil, "/d", false); err != nil {
		t.Errorf("unlinking a link removed its target: %v", err)
	}

	check("symlink existing", ns.Symlink(ctx, fs, "x", nil, "/d/f"), abi.EEXIST)
	check("symlink empty target", ns.Symlink(ctx, fs, "", nil, "/d/s"), abi.ENOENT)
	check("symlink trailing slash", ns.Symlink(ctx, fs, "x", nil, "/d/s/"), abi.ENOENT)
	check("mknod fifo", ns.Mknod(ctx, fs, nil, "/d/fifo", abi.S_IFIFO|0o666, 0), 0)
	check("mknod dir", ns.Mknod(ctx, fs, nil, "/d/x", abi.S_IFDIR|0o666, 0), abi.EPERM)
	check("mknod bad type", ns.Mknod(ctx, fs, nil, "/d/x", 0o170000|0o666, 0), abi.EINVAL)
	check("mknod chr as user", ns.Mknod(ctx, e.user(1000), nil, "/d/x", abi.S_IFCHR|0o666, vfs.Mkdev(1, 3)), abi.EPERM)
	check("mknod chr as root", ns.Mknod(ctx, fs, nil, "/d/null", abi.S_IFCHR|0o666, vfs.Mkdev(1, 3)), 0)
	if a := e.stat("/d/null"); a.Rdev != vfs.Mkdev(1, 3) || a.Mode != abi.S_IFCHR|0o666 {
		t.Errorf("device node: rdev %#x mode %o", a.Rdev, a.Mode)
	}
	if a := e.stat("/d/fifo"); a.Mode != abi.S_IFIFO|0o666 {
		t.Errorf("fifo mode %o", a.Mode)
	}

	// Hard links.
	check("link", ns.Link(ctx, fs, nil, "/d/f", nil, "/d/f2", false), 0)
	check("link existing", ns.Link(ctx, fs, nil, "/d/f", nil, "/d/f2", false), abi.EEXIST)
	check("link dir", ns.Link(ctx, fs, nil, "/d/sub", nil, "/d/sub2", false), abi.EPERM)
	if a := e.stat("/d/f"); a.Nlink != 2 {
		t.Errorf("nlink after link = %d", a.Nlink)
	}
	e.symlink("/d/f", "/fl")
	check("link to link", ns.Link(ctx, fs, nil, "/fl", nil, "/fl2", false), 0)
	check("link following link", ns.Link(ctx, fs, nil, "/fl", nil, "/f3", true), 0)
	if a := e.stat("/fl2"); a.Mode&abi.S_IFMT != abi.S_IFLNK {
		t.Errorf("link without follow did not link the symlink")
	}
	if a := e.stat("/d/f"); a.Nlink != 3 {
		t.Errorf("nlink after link with follow = %d", a.Nlink)
	}
	check("unlink one name", ns.Unlink(ctx, fs, nil, "/d/f"), 0)
	if s, err := e.read(fs, "/d/f2"); s != "x" || err != nil {
		t.Errorf("other name after unlink: %q %v", s, err)
	}

	// Readlink.
	if s, err := ns.Readlink(ctx, fs, nil, "/fl"); s != "/d/f" || err != nil {
		t.Errorf("readlink = %q, %v", s, err)
	}
	_, err := ns.Readlink(ctx, fs, nil, "/d")
	check("readlink dir", err, abi.EINVAL)
}

func TestRename(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		flags    uint32
		err      abi.Errno
		gone     string // no longer exists after success
		has      string // exists after success
	}{
		{"file in dir", "/a/f", "/a/g", 0, 0, "/a/f", "/a/g"},
		{"file across dirs", "/a/f", "/b/f", 0, 0, "/a/f", "/b/f"},
		{"replace file", "/a/f", "/b/x", 0, 0, "/a/f", "/b/x"},
		{"noreplace", "/a/f", "/b/x", abi.RENAME_NOREPLACE, abi.EEXIST, "", ""},
		{"noreplace free", "/a/f", "/b/y", abi.RENAME_NOREPLACE, 0, "/a/f", "/b/y"},
		{"exchange", "/a/f", "/b/x", abi.RENAME_EXCHANGE, abi.EINVAL, "", ""},
		{"missing", "/a/missing", "/b/y", 0, abi.ENOENT, "", ""},
		{"dir into itself", "/a", "/a/sub/a", 0, abi.EINVAL, "", ""},
		{"dir onto itself", "/a", "/a", 0, 0, "", "/a"},
		{"dir into child", "/a", "/a/x", 0, abi.EINVAL, "", ""},
		{"dir over empty dir", "/a", "/empty", 0, 0, "/a", "/empty/sub"},
		{"dir over non-empty dir", "/a", "/b", 0, abi.ENOTEMPTY, "", ""},
		{"dir over file", "/a", "/b/x", 0, abi.ENOTDIR, "", ""},
		{"file over dir", "/a/f", "/empty", 0, abi.EISDIR, "", ""},
		{"file with trailing slash", "/a/f/", "/a/g", 0, abi.ENOTDIR, "", ""},
		{"to trailing slash", "/a/f", "/a/g/", 0, abi.ENOTDIR, "", ""},
		{"dir with trailing slashes", "/a/", "/c/", 0, 0, "/a", "/c/sub"},
		{"dot", "/a/.", "/c", 0, abi.EBUSY, "", ""},
		{"hard links to one file", "/a/f", "/a/h", 0, 0, "", "/a/f"},
		{"into missing dir", "/a/f", "/nodir/f", 0, abi.ENOENT, "", ""},
	}
	for _, tt := range tests {
		e := newEnv(t)
		e.mkdir("/a", 0o755)
		e.mkdir("/a/sub", 0o755)
		e.write("/a/f", "f")
		e.ns.Link(ctx, e.fs, nil, "/a/f", nil, "/a/h", false)
		e.mkdir("/b", 0o755)
		e.write("/b/x", "x")
		e.mkdir("/empty", 0o755)
		err := e.ns.Rename(ctx, e.fs, nil, tt.old, nil, tt.new, tt.flags)
		if errOf(err) != tt.err {
			t.Errorf("%s: Rename(%q, %q) = %v, want %v", tt.name, tt.old, tt.new, err, tt.err)
			continue
		}
		if tt.gone != "" {
			if _, err := e.ns.Stat(ctx, e.fs, nil, tt.gone, false); errOf(err) != abi.ENOENT {
				t.Errorf("%s: %s still there: %v", tt.name, tt.gone, err)
			}
		}
		if tt.has != "" {
			if _, err := e.ns.Stat(ctx, e.fs, nil, tt.has, false); err != nil {
				t.Errorf("%s: %s missing: %v", tt.name, tt.has, err)
			}
		}
	}
}

func TestRenameKeepsDentries(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/a", 0o755)
	e.mkdir("/a/b", 0o755)
	e.write("/a/b/f", "data")
	e.write("/victim", "v")
	f, err := e.ns.Open(ctx, e.fs, nil, "/a/b/f", abi.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	v, err := e.ns.Open(ctx, e.fs, nil, "/victim", abi.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer v.DecRef()
	e.fs.Chdir(e.resolve("/a/b"))
	e.mkdir("/z", 0o755)
	if err := e.ns.Rename(ctx, e.fs, nil, "/a", nil, "/z/a2", 0); err != nil {
		t.Fatal(err)
	}
	if p := f.Dentry().Path(); p != "/z/a2/b/f" {
		t.Errorf("open file's path after rename = %s", p)
	}
	if p, _ := e.fs.Getcwd(); p != "/z/a2/b" {
		t.Errorf("cwd after rename = %s", p)
	}
	if err := e.ns.Rename(ctx, e.fs, nil, "/z/a2/b/f", nil, "/victim", 0); err != nil {
		t.Fatal(err)
	}
	if p := v.Dentry().Path(); p != "/victim (deleted)" {
		t.Errorf("replaced file's path = %s", p)
	}
	if p := f.Dentry().Path(); p != "/victim" {
		t.Errorf("moved file's path = %s", p)
	}
	if s, err := e.read(e.fs, "/victim"); s != "data" || err != nil {
		t.Errorf("read after rename over: %q, %v", s, err)
	}
	// Unlink through the VFS is seen at once, and a new file of the same
	// name is a different dentry.
	if err := e.ns.Unlink(ctx, e.fs, nil, "/victim"); err != nil {
		t.Fatal(err)
	}
	if p := f.Dentry().Path(); p != "/victim (deleted)" {
		t.Errorf("unlinked open file's path = %s", p)
	}
	e.write("/victim", "new")
	if d := e.resolve("/victim"); d == f.Dentry() || d.Deleted() {
		t.Errorf("recreated name reuses the deleted dentry")
	}
}

func TestSticky(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/tmp", 0o1777)
	alice, bob := e.user(1001), e.user(1002)
	f, err := e.ns.Open(ctx, alice, nil, "/tmp/a", abi.O_CREAT|abi.O_WRONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	f.DecRef()
	wantErr(t, "bob unlinks alice's file", e.ns.Unlink(ctx, bob, nil, "/tmp/a"), abi.EPERM)
	wantErr(t, "bob renames alice's file", e.ns.Rename(ctx, bob, nil, "/tmp/a", nil, "/tmp/b", 0), abi.EPERM)
	wantErr(t, "alice unlinks her file", e.ns.Unlink(ctx, alice, nil, "/tmp/a"), nil)
}

func TestSetAttrPermissions(t *testing.T) {
	e := newEnv(t)
	e.mkdir("/tmp", 0o1777)
	alice, bob := e.user(1001), e.user(1002)
	f, _ := e.ns.Open(ctx, alice, nil, "/tmp/a", abi.O_CREAT|abi.O_WRONLY, 0o666)
	f.DecRef()
	past := time.Unix(1000, 0)
	tests := []struct {
		name string
		fs   *vfs.FSContext
		a    vfs.SetAttr
		err  abi.Errno
	}{
		{"owner chmod", alice, vfs.SetAttr{Mode: ptr(uint32(0o600))}, 0},
		{"other chmod", bob, vfs.SetAttr{Mode: ptr(uint32(0o666))}, abi.EPERM},
		{"root chmod", e.fs, vfs.SetAttr{Mode: ptr(uint32(0o666))}, 0},
		{"owner chown to self", alice, vfs.SetAttr{UID: ptr(uint32(1001))}, 0},
		{"owner gives away", alice, vfs.SetAttr{UID: ptr(uint32(1002))}, abi.EPERM},
		{"owner chgrp to foreign group", alice, vfs.SetAttr{GID: ptr(uint32(5))}, abi.EPERM},
		{"root chown", e.fs, vfs.SetAttr{GID: ptr(uint32(5))}, 0},
		{"other sets explicit times", bob, vfs.SetAttr{Mtime: &past}, abi.EPERM},
		{"writer sets times to now", bob, vfs.SetAttr{Atime: new(time.Time), Mtime: new(time.Time)}, 0},
		{"owner sets explicit times", alice, vfs.SetAttr{Mtime: &past}, 0},
		{"other truncates writable file", bob, vfs.SetAttr{Size: ptr(int64(3))}, 0},
	}
	for _, tt := range tests {
		err := e.ns.SetAttr(ctx, tt.fs, nil, "/tmp/a", true, tt.a)
		if errOf(err) != tt.err {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.err)
		}
	}
	a := e.stat("/tmp/a")
	if a.Size != 3 || a.GID != 5 || a.Mode&0o777 != 0o666 {
		t.Errorf("after changes: %+v", a)
	}
	e.ns.SetAttr(ctx, e.fs, nil, "/tmp/a", true, vfs.SetAttr{Mtime: &past, Mode: ptr(uint32(0o644))})
	if a := e.stat("/tmp/a"); !a.Mtime.Equal(past) {
		t.Errorf("mtime = %v, want %v", a.Mtime, past)
	}
	wantErr(t, "truncate without write permission", e.ns.Truncate(ctx, bob, nil, "/tmp/a", 0), abi.EACCES)
	wantErr(t, "truncate dir", e.ns.Truncate(ctx, e.fs, nil, "/tmp", 0), abi.EISDIR)
	wantErr(t, "truncate negative", e.ns.Truncate(ctx, e.fs, nil, "/tmp/a", -1), abi.EINVAL)
	wantErr(t, "truncate", e.ns.Truncate(ctx, alice, nil, "/tmp/a", 10), nil)
	if a := e.stat("/tmp/a"); a.Size != 10 {
		t.Errorf("size after truncate = %d", a.Size)
	}
	// Setting the group ID bit needs membership.
	e.ns.SetAttr(ctx, e.fs, nil, "/tmp/a", true, vfs.SetAttr{UID: ptr(uint32(1001)), GID: ptr(uint32(5))})
	e.ns.SetAttr(ctx, alice, nil, "/tmp/a", true, vfs.SetAttr{Mode: ptr(uint32(0o2755))})
	if a := e.stat("/tmp/a"); a.Mode&abi.S_ISGID != 0 {
		t.Errorf("non-member set S_ISGID: %o", a.Mode)
	}
}

func TestAccess(t *testing.T) {
	e := newEnv(t)
	e.write("/f", "")
	e.ns.SetAttr(ctx, e.fs, nil, "/f", true, vfs.SetAttr{Mode: ptr(uint32(0o754)), GID: ptr(uint32(1000))})
	e.write("/noexec", "")
	e.symlink("/missing", "/dangling")
	u, other := e.user(1000), e.user(2000)
	tests := []struct {
		fs    *vfs.FSContext
		path  string
		mode  uint32
		flags int
		err   abi.Errno
	}{
		{u, "/f", abi.F_OK, 0, 0},
		{u, "/f", abi.R_OK | abi.X_OK, 0, 0}, // group bits
		{u, "/f", abi.W_OK, 0, abi.EACCES},
		{other, "/f", abi.R_OK, 0, 0},
		{other, "/f", abi.X_OK, 0, abi.EACCES},
		{e.fs, "/f", abi.W_OK | abi.X_OK, 0, 0},
		{e.fs, "/noexec", abi.X_OK, 0, abi.EACCES}, // root needs some x bit
		{u, "/dangling", abi.F_OK, 0, abi.ENOENT},
		{u, "/dangling", abi.F_OK, abi.AT_SYMLINK_NOFOLLOW, 0},
		{u, "/f", 8, 0, abi.EINVAL},
		{u, "/f", abi.F_OK, 0x4000, abi.EINVAL},
	}
	for _, tt := range tests {
		err := e.ns.Access(ctx, tt.fs, nil, tt.path, tt.mode, tt.flags)
		if errOf(err) != tt.err {
			t.Errorf("Access(%q, %d, %#x) as %d = %v, want %v", tt.path, tt.mode, tt.flags, tt.fs.Creds().UID, err, tt.err)
		}
	}
}

func TestPermission(t *testing.T) {
	file := func(mode, uid, gid uint32) vfs.Attr { return vfs.Attr{Mode: abi.S_IFREG | mode, UID: uid, GID: gid} }
	dir := vfs.Attr{Mode: abi.S_IFDIR | 0o600}
	user := &vfs.Creds{UID: 1000, GID: 1000, Groups: []uint32{27}}
	tests := []struct {
		c    *vfs.Creds
		a    vfs.Attr
		want uint32
		ok   bool
	}{
		{user, file(0o400, 1000, 0), abi.R_OK, true},
		{user, file(0o400, 1000, 0), abi.W_OK, false},
		{user, file(0o077, 1000, 1000), abi.R_OK, false}, // owner bits only
		{user, file(0o040, 0, 1000), abi.R_OK, true},
		{user, file(0o020, 0, 27), abi.W_OK, true}, // supplementary group
		{user, file(0o004, 0, 0), abi.R_OK, true},
		{user, file(0o003, 0, 0), abi.R_OK, false},
		{vfs.RootCreds, file(0, 5, 5), abi.R_OK | abi.W_OK, true},
		{vfs.RootCreds, file(0o600, 5, 5), abi.X_OK, false},
		{vfs.RootCreds, file(0o010, 5, 5), abi.X_OK, true},
		{vfs.RootCreds, dir, abi.X_OK, true},
		{user, file(0, 0, 0), abi.F_OK, true},
	}
	for _, tt := range tests {
		err := tt.c.Permission(tt.a, tt.want)
		if (err == nil) != tt.ok {
			t.Errorf("uid %d mode %o want %d: %v", tt.c.UID, tt.a.Mode, tt.want, err)
		}
	}
}
