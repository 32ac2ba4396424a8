package devfs_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/devfs"
	"sos/internal/fs/tmpfs"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

type tctx struct{}

func (tctx) PID() int { return 1 }
func (tctx) TID() int { return 1 }

var ctx vfs.Context = tctx{}

type mem struct{ b [8]byte }

func (m *mem) CopyIn(_ uint64, dst []byte) error  { copy(dst, m.b[:]); return nil }
func (m *mem) CopyOut(_ uint64, src []byte) error { copy(m.b[:], src); return nil }

// newDev mounts a /dev made with opts on a tmpfs root and returns a user's
// context.
func newDev(t *testing.T, opts devfs.Options) (*vfs.Namespace, *vfs.FSContext) {
	t.Helper()
	ns := vfs.NewNamespace(tmpfs.New(tmpfs.Options{Mode: 0o755}), "tmpfs")
	root := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	root.SetCreds(vfs.RootCreds)
	if err := ns.Mkdir(ctx, root, nil, "/dev", 0o755); err != nil {
		t.Fatal(err)
	}
	at, _ := ns.Resolve(ctx, root, nil, "/dev", 0)
	if err := ns.Mount(ctx, at, devfs.New(opts), "devtmpfs"); err != nil {
		t.Fatal(err)
	}
	return ns, vfs.NewFSContext(ns.Root(), ns.Root(), 0o022) // uid 1000
}

func open(t *testing.T, ns *vfs.Namespace, fs *vfs.FSContext, path string, flags int) *vfs.File {
	t.Helper()
	f, err := ns.Open(ctx, fs, nil, path, flags, 0)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return f
}

func TestDevices(t *testing.T) {
	ns, fs := newDev(t, devfs.Options{})
	tests := []struct {
		name         string
		major, minor uint32
		read         string // what a 4-byte read gives ("" for EOF, "rand" for anything)
		writeErr     abi.Errno
	}{
		{"null", 1, 3, "", 0},
		{"zero", 1, 5, "\x00\x00\x00\x00", 0},
		{"full", 1, 7, "\x00\x00\x00\x00", abi.ENOSPC},
		{"random", 1, 8, "rand", 0},
		{"urandom", 1, 9, "rand", 0},
	}
	for _, tt := range tests {
		p := "/dev/" + tt.name
		a, err := ns.Stat(ctx, fs, nil, p, true)
		if err != nil {
			t.Fatal(err)
		}
		if a.Mode != abi.S_IFCHR|0o666 || a.Rdev != vfs.Mkdev(tt.major, tt.minor) {
			t.Errorf("%s: mode %o rdev %d:%d", p, a.Mode, vfs.Major(a.Rdev), vfs.Minor(a.Rdev))
		}
		f := open(t, ns, fs, p, abi.O_RDWR)
		buf := []byte("xxxx")
		n, err := f.Read(ctx, buf)
		switch {
		case err != nil:
			t.Errorf("%s: read: %v", p, err)
		case tt.read == "rand":
			if n != 4 {
				t.Errorf("%s: read %d", p, n)
			}
		case string(buf[:n]) != tt.read:
			t.Errorf("%s: read %q, want %q", p, buf[:n], tt.read)
		}
		n, err = f.Write(ctx, []byte("data"))
		if tt.writeErr != 0 {
			if err != tt.writeErr {
				t.Errorf("%s: write = %d, %v; want %v", p, n, err, tt.writeErr)
			}
		} else if n != 4 || err != nil {
			t.Errorf("%s: write = %d, %v", p, n, err)
		}
		if off, err := f.Seek(ctx, 100, abi.SEEK_SET); off != 0 || err != nil {
			t.Errorf("%s: lseek = %d, %v", p, off, err)
		}
		if _, err := f.ReadAt(ctx, buf, 10); err != nil {
			t.Errorf("%s: pread: %v", p, err)
		}
		f.DecRef()
	}
	// Random devices do not repeat themselves.
	f := open(t, ns, fs, "/dev/urandom", abi.O_RDONLY)
	a, b := make([]byte, 32), make([]byte, 32)
	f.Read(ctx, a)
	f.Read(ctx, b)
	f.DecRef()
	if bytes.Equal(a, b) {
		t.Errorf("urandom repeated itself")
	}
}

func TestLinksAndDirectory(t *testing.T) {
	ns, fs := newDev(t, devfs.Options{})
	for name, want := range map[string]string{
		"stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2", "fd": "/proc/self/fd",
	} {
		if got, err := ns.Readlink(ctx, fs, nil, "/dev/"+name); got != want || err != nil {
			t.Errorf("readlink /dev/%s = %q, %v", name, got, err)
		}
	}
	d := open(t, ns, fs, "/dev", abi.O_RDONLY|abi.O_DIRECTORY)
	defer d.DecRef()
	var names []string
	types := map[string]uint8{}
	d.ReadDirents(ctx, func(e vfs.DirEntry, _ int64) bool {
		names = append(names, e.Name)
		types[e.Name] = e.Type
		return true
	})
	want := ". .. console fd full null random shm stderr stdin stdout tty urandom zero"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("listing %q, want %q", got, want)
	}
	if types["null"] != abi.DT_CHR || types["fd"] != abi.DT_LNK || types["shm"] != abi.DT_DIR {
		t.Errorf("types %v", types)
	}
	// The directory itself is read-only...
	_, err := ns.Open(ctx, fs, nil, "/dev/new", abi.O_CREAT|abi.O_WRONLY, 0o644)
	if err != abi.EROFS {
		t.Errorf("create in /dev = %v", err)
	}
	if err := ns.Unlink(ctx, fs, nil, "/dev/null"); err != abi.EROFS {
		t.Errorf("unlink /dev/null = %v", err)
	}
	// ...but shm is writable by anyone.
	f, err := ns.Open(ctx, fs, nil, "/dev/shm/seg", abi.O_CREAT|abi.O_RDWR, 0o600)
	if err != nil {
		t.Fatalf("create in /dev/shm: %v", err)
	}
	f.Write(ctx, []byte("shared"))
	f.DecRef()
	if a, _ := ns.Stat(ctx, fs, nil, "/dev/shm", false); a.Mode != abi.S_IFDIR|0o1777 {
		t.Errorf("/dev/shm mode %o", a.Mode)
	}
	if p, _ := ns.Resolve(ctx, fs, nil, "/dev/shm/..", 0); p.Path() != "/dev" {
		t.Errorf("/dev/shm/.. = %s", p.Path())
	}
	// A given shm node is used.
	shm := tmpfs.New(tmpfs.Options{})
	ns2, fs2 := newDev(t, devfs.Options{Shm: shm})
	if d, _ := ns2.Resolve(ctx, fs2, nil, "/dev/shm", 0); d.Node() != shm {
		t.Errorf("Options.Shm not used")
	}
}

// slowReader gives what is written to it, a piece per Read, and blocks
// between pieces as a terminal does.
type slowReader struct {
	ch chan []byte
}

func (r *slowReader) Read(p []byte) (int, error) {
	b, ok := <-r.ch
	if !ok {
		return 0, io.EOF
	}
	return copy(p, b), nil
}

func TestConsole(t *testing.T) {
	in := &slowReader{ch: make(chan []byte)}
	var out bytes.Buffer
	con := devfs.NewConsole(in, &out)
	ns, fs := newDev(t, devfs.Options{Console: con})
	f := open(t, ns, fs, "/dev/console", abi.O_RDWR)
	defer f.DecRef()
	tty := open(t, ns, fs, "/dev/tty", abi.O_WRONLY)
	defer tty.DecRef()
	if a, _ := f.Stat(); a.Rdev != vfs.Mkdev(5, 1) {
		t.Errorf("console rdev %#x", a.Rdev)
	}
	if a, _ := tty.Stat(); a.Rdev != vfs.Mkdev(5, 0) {
		t.Errorf("tty rdev %#x", a.Rdev)
	}
	if _, err := f.Seek(ctx, 0, abi.SEEK_SET); err != abi.ESPIPE {
		t.Errorf("lseek(console) = %v", err)
	}

	// Output goes straight through.
	f.Write(ctx, []byte("hello "))
	tty.Write(ctx, []byte("world\n"))
	if out.String() != "hello world\n" {
		t.Errorf("output %q", out.String())
	}

	// Input: EAGAIN until the host has some, then a notification.
	buf := make([]byte, 64)
	if _, err := f.Read(ctx, buf); err != abi.EAGAIN {
		t.Errorf("read with no input = %v", err)
	}
	if ev := f.Readiness(waiter.AllEvents); ev != waiter.EventOut {
		t.Errorf("readiness with no input %#x", ev)
	}
	e := waiter.NewEntry(waiter.EventIn)
	f.EventRegister(e)
	defer f.EventUnregister(e)
	in.ch <- []byte("ls -l\n")
	select {
	case <-e.C:
	case <-time.After(5 * time.Second):
		t.Fatal("no notification of input")
	}
	var m mem
	if _, err := f.Ioctl(ctx, &m, abi.FIONREAD, 0); err != nil || binary.LittleEndian.Uint32(m.b[:]) != 6 {
		t.Errorf("FIONREAD = %d, %v", binary.LittleEndian.Uint32(m.b[:]), err)
	}
	if n, err := f.Read(ctx, buf[:3]); string(buf[:n]) != "ls " || err != nil {
		t.Errorf("read %q, %v", buf[:n], err)
	}
	if n, _ := f.Read(ctx, buf); string(buf[:n]) != "-l\n" {
		t.Errorf("read %q", buf[:n])
	}
	if _, err := f.Ioctl(ctx, &m, abi.TCGETS, 0); err != abi.ENOTTY {
		t.Errorf("TCGETS = %v", err)
	}
	if _, err := f.Ioctl(ctx, &m, abi.TIOCGWINSZ, 0); err != abi.ENOTTY {
		t.Errorf("TIOCGWINSZ = %v", err)
	}

	// End of input.
	close(in.ch)
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := f.Read(ctx, buf)
		if err == nil && n == 0 {
			break
		}
		if err != abi.EAGAIN || time.Now().After(deadline) {
			t.Fatalf("read at end of input = %d, %v", n, err)
		}
		<-e.C
	}
	if ev := f.Readiness(waiter.EventIn); ev != waiter.EventIn {
		t.Errorf("end of input not readable")
	}
}

type term struct{ reqs []uint32 }

func (t *term) Ioctl(_ vfs.Context, _ vfs.UserMemory, req uint32, _ uint64) (uint64, error) {
	t.reqs = append(t.reqs, req)
	return 0, nil
}

func TestConsoleTerminalHook(t *testing.T) {
	con := devfs.NewConsole(strings.NewReader(""), io.Discard)
	tm := &term{}
	con.SetTerminal(tm)
	ns, fs := newDev(t, devfs.Options{Console: con})
	f := open(t, ns, fs, "/dev/tty", abi.O_RDWR)
	defer f.DecRef()
	var m mem
	if _, err := f.Ioctl(ctx, &m, abi.TCGETS, 0); err != nil {
		t.Errorf("TCGETS with a terminal: %v", err)
	}
	if len(tm.reqs) != 1 || tm.reqs[0] != abi.TCGETS {
		t.Errorf("terminal saw %v", tm.reqs)
	}
}

// TestConsoleConcurrent checks that the reader goroutine stops when
// nobody reads, and that concurrent readers share the input: run with
// -race.
func TestConsoleConcurrent(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 20000) // more than the buffer holds
	con := devfs.NewConsole(bytes.NewReader(data), io.Discard)
	ns, fs := newDev(t, devfs.Options{Console: con})
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := open(t, ns, fs, "/dev/console", abi.O_RDONLY)
			defer f.DecRef()
			e := waiter.NewEntry(waiter.EventIn)
			f.EventRegister(e)
			defer f.EventUnregister(e)
			buf := make([]byte, 777)
			for {
				n, err := f.Read(ctx, buf)
				if err == abi.EAGAIN {
					<-e.C
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if total != len(data) {
		t.Errorf("read %d bytes, want %d", total, len(data))
	}
	if con.Buffered() != 0 {
		t.Errorf("%d bytes left", con.Buffered())
	}
}
