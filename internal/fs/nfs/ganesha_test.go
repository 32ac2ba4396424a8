package nfs

import (
	"bytes"
	"context"
	"fmt"
	iofs "io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"sos/internal/abi"
	"sos/internal/nfs/nfstest"
	"sos/internal/vfs"
)

type tctx struct{}

func (tctx) PID() int { return 1 }
func (tctx) TID() int { return 1 }

var ctx vfs.Context = tctx{}

// ganesha is the nfs-ganesha of this test binary, serving dir.
type ganesha struct {
	*nfstest.Ganesha
	dir string
}

var (
	ganeshaOnce sync.Once
	ganeshaSrv  *ganesha
	ganeshaErr  error
)

// startGanesha runs nfs-ganesha (internal/nfs/nfstest) serving a fresh
// directory, without attribute caching (tests change files behind its
// back), once per test binary (TestMain stops it). It fails the test if
// the tools are missing.
func startGanesha(t testing.TB) *ganesha {
	t.Helper()
	ganeshaOnce.Do(func() {
		g, err := nfstest.StartGanesha(nfstest.Config{NoAttrCache: true})
		if err != nil {
			ganeshaErr = err
			return
		}
		ganeshaSrv = &ganesha{Ganesha: g, dir: g.Dir}
	})
	if ganeshaErr != nil {
		t.Fatal(ganeshaErr)
	}
	return ganeshaSrv
}

// fill names g in opts. Ports are given, not asked of the portmapper:
// rpcbind is shared by everything on the machine, and another ganesha
// started meanwhile (another test binary) registers its own ports there.
func (g *ganesha) fill(opts *Options) {
	opts.Server = g.Addr()
	opts.MountPort = g.MountPort
	opts.Export = g.dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if ganeshaSrv != nil {
		ganeshaSrv.Close()
	}
	os.Exit(code)
}

// mountGanesha mounts a fresh subdirectory of ganesha's export (made on
// the host) and returns the mount, a namespace over it and the host path.
func mountGanesha(t testing.TB, transport string, opts Options) (*FS, *vfs.Namespace, *vfs.FSContext, string) {
	t.Helper()
	g := startGanesha(t)
	host, err := os.MkdirTemp(g.dir, "t")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(host, 0o777)
	t.Cleanup(func() { os.RemoveAll(host) })
	g.fill(&opts)
	opts.Transport = transport
	if opts.Timeout == 0 {
		// ganesha drops UDP requests when many arrive at once (its
		// socket's receive buffer overflows): retransmit soon.
		opts.Timeout = 100 * time.Millisecond
	}
	fs, err := Mount(context.Background(), opts)
	if err != nil {
		t.Fatalf("Mount: %v", err)
	}
	t.Cleanup(func() { fs.Unmount() })
	ns := vfs.NewNamespace(fs.Root(), "nfs")
	fsc := vfs.NewFSContext(ns.Root(), ns.Root(), 0)
	fsc.SetCreds(vfs.RootCreds)
	sub := "/" + filepath.Base(host)
	f, err := ns.Open(ctx, fsc, nil, sub, abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if err != nil {
		t.Fatalf("open %s: %v", sub, err)
	}
	defer f.DecRef()
	fsc = vfs.NewFSContext(ns.Root(), f.Dentry(), 0)
	fsc.SetCreds(vfs.RootCreds)
	return fs, ns, fsc, host
}

var transports = []string{"udp", "tcp"}

func fsReadDir(fsys iofs.FS) (int, error) {
	ents, err := iofs.ReadDir(fsys, ".")
	return len(ents), err
}

func writeFile(t *testing.T, ns *vfs.Namespace, fsc *vfs.FSContext, name string, data []byte, chunk int) {
	t.Helper()
	f, err := ns.Open(ctx, fsc, nil, name, abi.O_CREAT|abi.O_WRONLY|abi.O_TRUNC, 0o644)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	for off := 0; off < len(data); {
		n, err := f.Write(ctx, data[off:min(off+chunk, len(data))])
		if err != nil {
			t.Fatalf("write %s at %d: %v", name, off, err)
		}
		off += n
	}
	f.DecRef() // close: commits
}

func readFile(t *testing.T, ns *vfs.Namespace, fsc *vfs.FSContext, name string, chunk int) []byte {
	t.Helper()
	f, err := ns.Open(ctx, fsc, nil, name, abi.O_RDONLY, 0)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	defer f.DecRef()
	var out []byte
	buf := make([]byte, chunk)
	for {
		n, err := f.Read(ctx, buf)
		if err != nil {
			t.Fatalf("read %s: %v", name, err)
		}
		if n == 0 {
			return out
		}
		out = append(out, buf[:n]...)
	}
}

func randBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func TestGaneshaConformance(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			_, ns, fsc, host := mountGanesha(t, tr, Options{})
			os.WriteFile(filepath.Join(host, "a.txt"), []byte("hello, nfs\n"), 0o644)
			os.MkdirAll(filepath.Join(host, "d/e"), 0o755)
			os.WriteFile(filepath.Join(host, "d/e/big"), randBytes(300000, 1), 0o600)
			os.WriteFile(filepath.Join(host, "d/empty"), nil, 0o644)
			os.Symlink("../a.txt", filepath.Join(host, "d/ln"))
			if err := fstest.TestFS(vfs.IOFS(ns, fsc.Cwd()), "a.txt", "d/e/big", "d/empty", "d/ln"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestGaneshaWriteRead(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			fs, ns, fsc, host := mountGanesha(t, tr, Options{ReadSize: 8192, WriteSize: 8192})
			ws := fs.WriteSize()
			if ws != 8192 || fs.ReadSize() != 8192 {
				t.Fatalf("transfer sizes %d/%d, want 8192", fs.ReadSize(), ws)
			}
			sizes := []int{0, 1, ws - 1, ws, ws + 1, 3*ws + 7, 5<<20 + 3}
			for i, size := range sizes {
				name := fmt.Sprintf("w%d", i)
				data := randBytes(size, int64(i))
				for _, chunk := range []int{1000, 1 << 20} {
					writeFile(t, ns, fsc, name, data, chunk)
					got, err := os.ReadFile(filepath.Join(host, name))
					if err != nil || !bytes.Equal(got, data) {
						t.Fatalf("%s (%d bytes, %d-byte writes): host reads %d bytes, %v; differ", name, size, chunk, len(got), err)
					}
					for _, rchunk := range []int{4096, 100000, 1 << 20} {
						if back := readFile(t, ns, fsc, name, rchunk); !bytes.Equal(back, data) {
							t.Fatalf("%s read back in %d-byte reads: %d bytes, differ", name, rchunk, len(back))
						}
					}
				}
			}
			// Host-made files read correctly, and an open after the host
			// changed one sees the change (close-to-open).
			data := randBytes(2<<20+5, 99)
			os.WriteFile(filepath.Join(host, "h"), data, 0o644)
			if got := readFile(t, ns, fsc, "h", 4096); !bytes.Equal(got, data) {
				t.Fatal("host-made file differs")
			}
			data = randBytes(1<<20+77, 100)
			os.WriteFile(filepath.Join(host, "h"), data, 0o644)
			future := time.Now().Add(time.Hour)
			os.Chtimes(filepath.Join(host, "h"), future, future)
			if got := readFile(t, ns, fsc, "h", 4096); !bytes.Equal(got, data) {
				t.Fatal("reopened file does not show the host's change")
			}
			st := fs.Stats()
			t.Logf("%s: %+v", tr, st)
			if st.Calls["WRITE"] == 0 || st.Calls["COMMIT"] == 0 || st.BytesRead == 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

func TestGaneshaNames(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			_, ns, fsc, host := mountGanesha(t, tr, Options{})
			if err := ns.Mkdir(ctx, fsc, nil, "dir", 0o750); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(filepath.Join(host, "dir")); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o750 {
				t.Fatalf("host: %v %v", fi, err)
			}
			writeFile(t, ns, fsc, "dir/f", []byte("x"), 10)
			if err := ns.Rename(ctx, fsc, nil, "dir/f", nil, "g", 0); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(host, "dir/f")); !os.IsNotExist(err) {
				t.Fatal("renamed file still on the host")
			}
			if b, err := os.ReadFile(filepath.Join(host, "g")); err != nil || string(b) != "x" {
				t.Fatalf("host g: %q %v", b, err)
			}
			if err := ns.Rmdir(ctx, fsc, nil, "g"); err != abi.ENOTDIR {
				t.Errorf("rmdir file = %v", err)
			}
			writeFile(t, ns, fsc, "dir/h", nil, 1)
			if err := ns.Rmdir(ctx, fsc, nil, "dir"); err != abi.ENOTEMPTY {
				t.Errorf("rmdir non-empty = %v", err)
			}
			if err := ns.Unlink(ctx, fsc, nil, "dir/h"); err != nil {
				t.Fatal(err)
			}
			if err := ns.Rmdir(ctx, fsc, nil, "dir"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(host, "dir")); !os.IsNotExist(err) {
				t.Fatal("removed directory still on the host")
			}
			if err := ns.Unlink(ctx, fsc, nil, "g"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(host, "g")); !os.IsNotExist(err) {
				t.Fatal("unlinked file still on the host")
			}
			// Names the host makes and removes are seen (revalidation).
			os.WriteFile(filepath.Join(host, "late"), []byte("l"), 0o644)
			if _, err := ns.Stat(ctx, fsc, nil, "late", true); err != nil {
				t.Fatalf("host-made name: %v", err)
			}
			os.Remove(filepath.Join(host, "late"))
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, err := ns.Stat(ctx, fsc, nil, "late", true)
				if err == abi.ENOENT {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("host-removed name still there: %v", err)
				}
				time.Sleep(200 * time.Millisecond)
			}
			// A symbolic link both ways.
			if err := ns.Symlink(ctx, fsc, "target", nil, "sl"); err != nil {
				t.Fatal(err)
			}
			if l, err := os.Readlink(filepath.Join(host, "sl")); err != nil || l != "target" {
				t.Fatalf("host readlink %q %v", l, err)
			}
			os.Symlink("there", filepath.Join(host, "hl"))
			if l, err := ns.Readlink(ctx, fsc, nil, "hl"); err != nil || l != "there" {
				t.Fatalf("readlink %q %v", l, err)
			}
			// getdents sees many names.
			for i := range 300 {
				os.WriteFile(filepath.Join(host, fmt.Sprintf("many-%03d-%s", i, "padding-to-make-the-name-longer")), nil, 0o644)
			}
			fsys := vfs.IOFS(ns, fsc.Cwd())
			ents, err := fsReadDir(fsys)
			if err != nil || ents < 302 {
				t.Fatalf("listed %d entries, %v", ents, err)
			}
		})
	}
}

func TestGaneshaSemantics(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			_, ns, fsc, host := mountGanesha(t, tr, Options{})
			writeFile(t, ns, fsc, "f", []byte("hello"), 100)
			// O_EXCL on an existing name.
			if _, err := ns.Open(ctx, fsc, nil, "f", abi.O_CREAT|abi.O_EXCL|abi.O_RDWR, 0o644); err != abi.EEXIST {
				t.Errorf("O_EXCL = %v, want EEXIST", err)
			}
			// O_APPEND.
			f, err := ns.Open(ctx, fsc, nil, "f", abi.O_WRONLY|abi.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(host, "f"), []byte("hello, world"), 0o644) // the host appends meanwhile
			if _, err := f.Write(ctx, []byte("!")); err != nil {
				t.Fatal(err)
			}
			f.DecRef()
			if b, _ := os.ReadFile(filepath.Join(host, "f")); string(b) != "hello, world!" {
				t.Errorf("after append host has %q", b)
			}
			// Truncate, by path and by O_TRUNC.
			if err := ns.Truncate(ctx, fsc, nil, "f", 5); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(host, "f")); string(b) != "hello" {
				t.Errorf("after truncate host has %q", b)
			}
			if got := readFile(t, ns, fsc, "f", 100); string(got) != "hello" {
				t.Errorf("after truncate read %q", got)
			}
			if err := ns.Truncate(ctx, fsc, nil, "f", 8); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, ns, fsc, "f", 100); string(got) != "hello\x00\x00\x00" {
				t.Errorf("after extending read %q", got)
			}
			f, err = ns.Open(ctx, fsc, nil, "f", abi.O_RDWR|abi.O_TRUNC, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.DecRef()
			if fi, _ := os.Stat(filepath.Join(host, "f")); fi.Size() != 0 {
				t.Errorf("O_TRUNC left %d bytes", fi.Size())
			}
			// chmod and utimes reach the host.
			mode := uint32(0o640)
			mt := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
			if err := ns.SetAttr(ctx, fsc, nil, "f", true, vfs.SetAttr{Mode: &mode, Mtime: &mt}); err != nil {
				t.Fatal(err)
			}
			if fi, _ := os.Stat(filepath.Join(host, "f")); fi.Mode().Perm() != 0o640 || !fi.ModTime().Equal(mt) {
				t.Errorf("host sees %v %v", fi.Mode(), fi.ModTime())
			}
			a, err := ns.Stat(ctx, fsc, nil, "f", true)
			if err != nil || a.Mode != abi.S_IFREG|0o640 || !a.Mtime.Equal(mt) {
				t.Errorf("stat %+v %v", a, err)
			}
			// Permissions: a read-only file opened for writing is EACCES,
			// both by the VFS's check for an ordinary user and by the
			// server's ACCESS answer for a mount that speaks as one.
			os.WriteFile(filepath.Join(host, "ro"), []byte("ro"), 0o444)
			user := vfs.NewFSContext(ns.Root(), fsc.Cwd(), 0)
			user.SetCreds(vfs.UserCreds(1000, 1000))
			if _, err := ns.Open(ctx, user, nil, "ro", abi.O_WRONLY, 0); err != abi.EACCES {
				t.Errorf("user opening a 0444 file to write: %v, want EACCES", err)
			}
			g := startGanesha(t)
			uopts := Options{Transport: tr, UID: 1000, GID: 1000}
			g.fill(&uopts)
			ufs, err := Mount(context.Background(), uopts)
			if err != nil {
				t.Fatal(err)
			}
			defer ufs.Unmount()
			uns := vfs.NewNamespace(ufs.Root(), "nfs")
			ufsc := vfs.NewFSContext(uns.Root(), uns.Root(), 0)
			ufsc.SetCreds(vfs.RootCreds)
			p := filepath.Base(host) + "/ro"
			if _, err := uns.Open(ctx, ufsc, nil, p, abi.O_WRONLY, 0); err != abi.EACCES {
				t.Errorf("UID-1000 mount opening a 0444 root file to write: %v, want EACCES", err)
			}
			if b := readFile(t, uns, ufsc, p, 10); string(b) != "ro" {
				t.Errorf("read %q", b)
			}
			// An open file unlinked stays readable and writable through
			// its description (silly rename) and goes at the last close.
			writeFile(t, ns, fsc, "u", []byte("still here"), 100)
			uf, err := ns.Open(ctx, fsc, nil, "u", abi.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := ns.Unlink(ctx, fsc, nil, "u"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(host, "u")); !os.IsNotExist(err) {
				t.Errorf("unlinked name still on the host: %v", err)
			}
			if _, err := ns.Stat(ctx, fsc, nil, "u", true); err != abi.ENOENT {
				t.Errorf("stat of the unlinked name: %v", err)
			}
			buf := make([]byte, 20)
			if n, err := uf.ReadAt(ctx, buf, 0); err != nil || string(buf[:n]) != "still here" {
				t.Errorf("read of an unlinked open file: %q %v", buf[:n], err)
			}
			if _, err := uf.WriteAt(ctx, []byte("!"), 10); err != nil {
				t.Errorf("write to an unlinked open file: %v", err)
			}
			uf.DecRef()
			if m, _ := filepath.Glob(filepath.Join(host, ".nfs*")); len(m) != 0 {
				t.Errorf("after the last close the host still has %v", m)
			}
			// fsync and statfs.
			f, err = ns.Open(ctx, fsc, nil, "s", abi.O_CREAT|abi.O_RDWR, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(ctx, []byte("sync me"))
			if err := f.Sync(); err != nil {
				t.Fatal(err)
			}
			f.DecRef()
			if st, err := ufs.Statfs(); err != nil || st.Blocks == 0 {
				t.Errorf("statfs %+v %v", st, err)
			}
		})
	}
}

// TestGaneshaConcurrent has several goroutines (as SOS threads would) do
// I/O on one mount at once.
func TestGaneshaConcurrent(t *testing.T) {
	_, ns, fsc, host := mountGanesha(t, "tcp", Options{ReadSize: 16384, WriteSize: 16384})
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := randBytes(700000+i, int64(i))
			name := fmt.Sprintf("c%d", i)
			writeFile(t, ns, fsc, name, data, 65536)
			if got := readFile(t, ns, fsc, name, 3000+i); !bytes.Equal(got, data) {
				t.Errorf("%s differs", name)
			}
		}()
	}
	wg.Wait()
	for i := range 6 {
		b, _ := os.ReadFile(filepath.Join(host, fmt.Sprintf("c%d", i)))
		if !bytes.Equal(b, randBytes(700000+i, int64(i))) {
			t.Errorf("host c%d differs", i)
		}
	}
}
