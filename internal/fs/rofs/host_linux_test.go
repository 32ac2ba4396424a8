package rofs

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// These tests use a Linux host's file system: FIFOs, sockets, devices and
// the host metadata in *syscall.Stat_t.

func TestHostConformance(t *testing.T) {
	dir := hostTree(t)
	for _, host := range []bool{false, true} {
		root := New(os.DirFS(dir), Options{Dev: 7, HostMetadata: host})
		clean := lookup(t, root, "clean")
		if err := fstest.TestFS(iofs{clean}, "file", "chain1", "sub/file2"); err != nil {
			t.Errorf("os.DirFS (host metadata %v): %v", host, err)
		}
		ns := vfs.NewNamespace(New(os.DirFS(filepath.Join(dir, "clean")), Options{HostMetadata: host}), "rofs")
		if err := fstest.TestFS(vfs.IOFS(ns, ns.Root()), "file", "chain1", "sub/file2"); err != nil {
			t.Errorf("os.DirFS through the VFS (host metadata %v): %v", host, err)
		}
	}
}

// hostTree builds a directory tree with the odd entries a host has:
//
//	clean/file, clean/sub/file2, clean/chain1 -> chain2 -> sub/../file
//	dangling -> missing, fifo, sock, secret/ (mode 0), gone
func hostTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "clean/sub"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "clean/file"), []byte("host file\n"), 0o640))
	must(os.WriteFile(filepath.Join(dir, "clean/sub/file2"), []byte("second\n"), 0o600))
	must(os.Symlink("chain2", filepath.Join(dir, "clean/chain1")))
	must(os.Symlink("sub/../file", filepath.Join(dir, "clean/chain2")))
	must(os.Symlink("missing", filepath.Join(dir, "dangling")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	must(os.Mkdir(filepath.Join(dir, "secret"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "secret/x"), nil, 0o600))
	must(os.Chmod(filepath.Join(dir, "secret"), 0))
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "secret"), 0o755) })
	// A socket path must be short; bind in the directory itself.
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, "sock"), Net: "unix"})
	if err != nil {
		t.Logf("no socket: %v", err)
	} else {
		l.SetUnlinkOnClose(false)
		l.Close()
	}
	return dir
}

func TestHost(t *testing.T) {
	dir := hostTree(t)
	root := New(os.DirFS(dir), Options{Dev: 9, HostMetadata: true})

	// Host metadata.
	var st syscall.Stat_t
	if err := syscall.Lstat(filepath.Join(dir, "clean/file"), &st); err != nil {
		t.Fatal(err)
	}
	a := attr(t, lookup(t, root, "clean/file"))
	if a.Ino != st.Ino || a.Mode != st.Mode || a.UID != st.Uid || a.Dev != 9 || a.Blocks != st.Blocks ||
		!a.Ctime.Equal(time.Unix(st.Ctim.Sec, st.Ctim.Nsec)) {
		t.Errorf("clean/file: %+v; host %+v", a, st)
	}
	ents, _ := lookup(t, root, "clean").(vfs.Dir).ReadDir(ctx, 0, 0)
	for _, e := range ents {
		if e.Name == "file" && e.Ino != st.Ino {
			t.Errorf("entry inode %d, host %d", e.Ino, st.Ino)
		}
	}
	if a := attr(t, lookup(t, root, "fifo")); a.Mode != abi.S_IFIFO|0o600 {
		t.Errorf("fifo mode %#o", a.Mode)
	}
	if a := attr(t, lookup(t, root, "dangling")); a.Mode&abi.S_IFMT != abi.S_IFLNK || a.Size != 7 {
		t.Errorf("dangling: mode %#o size %d", a.Mode, a.Size)
	}
	if got, err := lookup(t, root, "clean/chain1").(vfs.Symlink).Readlink(ctx); got != "chain2" || err != nil {
		t.Errorf("Readlink(chain1) = %q, %v", got, err)
	}
	f, err := (iofs{root}).Open("clean/chain1")
	if err != nil {
		t.Fatalf("open through the chain: %v", err)
	}
	if b, _ := io.ReadAll(f); string(b) != "host file\n" {
		t.Errorf("through the chain: %q", b)
	}
	f.Close()

	// A FIFO must be refused without being opened: opening it would
	// block until a writer came.
	done := make(chan error)
	go func() {
		_, err := lookup(t, root, "fifo").(vfs.Opener).Open(ctx, abi.O_RDONLY)
		done <- err
	}()
	select {
	case err := <-done:
		if err != abi.ENXIO {
			t.Errorf("open fifo: %v, want ENXIO", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("opening a host FIFO blocked")
	}
	if _, err := os.Lstat(filepath.Join(dir, "sock")); err == nil {
		n := lookup(t, root, "sock")
		if a := attr(t, n); a.Mode&abi.S_IFMT != abi.S_IFSOCK {
			t.Errorf("sock mode %#o", a.Mode)
		}
		if _, err := n.(vfs.Opener).Open(ctx, abi.O_RDONLY); err != abi.ENXIO {
			t.Errorf("open socket: %v", err)
		}
	}

	// A directory the host does not let us read.
	secret := lookup(t, root, "secret").(vfs.Dir)
	if os.Getuid() != 0 {
		if _, err := secret.ReadDir(ctx, 0, 0); err != abi.EACCES {
			t.Errorf("ReadDir(secret): %v, want EACCES", err)
		}
		if _, err := secret.Lookup(ctx, "x"); err != abi.EACCES {
			t.Errorf("Lookup(secret/x): %v, want EACCES", err)
		}
	} else {
		t.Log("running as root: the unreadable directory is readable")
	}

	// Files that vanish or change type under a node.
	clean := lookup(t, root, "clean").(vfs.Dir)
	gone, err := clean.Lookup(ctx, "file")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "clean/file")); err != nil {
		t.Fatal(err)
	}
	if _, err := gone.Attr(); err != abi.ENOENT {
		t.Errorf("Attr of a removed file: %v", err)
	}
	if _, err := gone.(vfs.Opener).Open(ctx, abi.O_RDONLY); err != abi.ENOENT {
		t.Errorf("Open of a removed file: %v", err)
	}
	if err := os.Mkdir(filepath.Join(dir, "clean/file"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := gone.Attr(); err != abi.ESTALE {
		t.Errorf("Attr of a file replaced by a directory: %v", err)
	}
	if _, err := gone.(vfs.Opener).Open(ctx, abi.O_RDONLY); err != abi.ESTALE {
		t.Errorf("Open of a file replaced by a directory: %v", err)
	}
	if _, err := clean.Lookup(ctx, "file/x"); err != abi.ENOENT {
		t.Errorf("Lookup(file/x): %v", err)
	}
	sub := lookup(t, root, "clean/sub").(vfs.Dir)
	os.RemoveAll(filepath.Join(dir, "clean/sub"))
	if _, err := sub.ReadDir(ctx, 0, 0); err != abi.ENOENT {
		t.Errorf("ReadDir of a removed directory: %v", err)
	}
	if _, err := sub.Lookup(ctx, "file2"); err != abi.ENOENT {
		t.Errorf("Lookup in a removed directory: %v", err)
	}

	// The listing a getdents sequence reads is refreshed when the
	// directory changes.
	c := lookup(t, root, "clean").(vfs.Dir)
	first, _ := c.ReadDir(ctx, 0, 1)
	os.WriteFile(filepath.Join(dir, "clean/zzz"), nil, 0o644)
	os.Chtimes(filepath.Join(dir, "clean"), time.Time{}, time.Now().Add(time.Hour))
	rest, _ := c.ReadDir(ctx, 1, 0)
	if len(first) != 1 || len(rest) == 0 || rest[len(rest)-1].Name != "zzz" {
		t.Errorf("listing after a change: %v then %v", first, rest)
	}
}

// TestHostRoot looks around the real host tree: devices, /proc and /sys
// must be listed and stat'ed without trouble, and no device opened.
func TestHostRoot(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err != nil {
		t.Skip("no /dev/null")
	}
	root := New(os.DirFS("/"), Options{Dev: 1, HostMetadata: true})
	if a := attr(t, root); a.Mode&abi.S_IFMT != abi.S_IFDIR {
		t.Errorf("/ mode %#o", a.Mode)
	}
	null := lookup(t, root, "dev/null")
	a := attr(t, null)
	if a.Mode != abi.S_IFCHR|0o666 || a.Rdev != 1<<8|3 {
		t.Errorf("/dev/null: mode %#o rdev %#x", a.Mode, a.Rdev)
	}
	if _, err := null.(vfs.Opener).Open(ctx, abi.O_RDONLY); err != abi.EACCES {
		t.Errorf("open /dev/null: %v, want EACCES", err)
	}
	for _, p := range []string{"dev", "proc/self", "etc"} {
		d, ok := lookup(t, root, p).(vfs.Dir)
		if !ok {
			continue // proc/self is a link
		}
		ents, err := d.ReadDir(ctx, 0, 0)
		if err != nil {
			t.Errorf("ReadDir(%s): %v", p, err)
			continue
		}
		for _, e := range ents {
			n, err := d.Lookup(ctx, e.Name)
			if err != nil {
				continue // it may have gone
			}
			n.Attr()
		}
	}
	if _, ok := lookup(t, root, "proc/self").(vfs.Symlink); !ok {
		t.Errorf("/proc/self is not a symbolic link")
	}
}
