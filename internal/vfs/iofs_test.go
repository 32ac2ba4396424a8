package vfs_test

import (
	"errors"
	"io"
	"io/fs"
	"testing"
	"testing/fstest"

	"sos/internal/vfs"
)

// populate fills a tmpfs root with a tree for fstest.
func populate(e *env) {
	e.mkdir("/dir", 0o755)
	e.mkdir("/dir/sub", 0o700)
	e.mkdir("/empty", 0o755)
	e.write("/hello.txt", "hello, world\n")
	e.write("/dir/a", "a")
	e.write("/dir/sub/b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")
	big := make([]byte, 3*4096+17)
	for i := range big {
		big[i] = byte(i * 7)
	}
	e.write("/dir/big", string(big))
	e.write("/zero", "")
	e.symlink("hello.txt", "/link")
	e.symlink("dir/sub", "/dirlink")
	// No dangling links: fstest opens every entry.
}

func TestIOFS(t *testing.T) {
	e := newEnv(t)
	populate(e)
	fsys := vfs.IOFS(e.ns, e.ns.Root())
	if err := fstest.TestFS(fsys, "hello.txt", "dir/a", "dir/sub/b", "dir/big", "empty", "zero", "link", "dirlink"); err != nil {
		t.Fatal(err)
	}
	// A subtree is a file system of its own.
	if err := fstest.TestFS(vfs.IOFS(e.ns, e.resolve("/dir")), "a", "sub/b", "big"); err != nil {
		t.Fatal(err)
	}
	data, err := fs.ReadFile(fsys, "link")
	if string(data) != "hello, world\n" || err != nil {
		t.Errorf("ReadFile(link) = %q, %v", data, err)
	}
	if _, err := fsys.Open("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(missing) = %v", err)
	}
	if _, err := fsys.Open("/abs"); err == nil {
		t.Errorf("Open(/abs) succeeded")
	}
	f, _ := fsys.Open("hello.txt")
	f.Close()
	if _, err := f.Read(make([]byte, 1)); err == nil || err == io.EOF {
		t.Errorf("Read after Close = %v", err)
	}
}
