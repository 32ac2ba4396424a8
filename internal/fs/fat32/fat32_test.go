package fat32_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"sos/internal/abi"
	"sos/internal/blk"
	"sos/internal/fs/fat32"
	"sos/internal/vfs"
)

// newMkfsImage makes an image file of sizeMiB formatted by our Mkfs.
func newMkfsImage(t testing.TB, sizeMiB int, opts fat32.MkfsOptions) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "disk.img")
	dev, err := blk.CreateFile(img, int64(sizeMiB)<<20, 512)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	if err := fat32.Mkfs(dev, opts); err != nil {
		t.Fatal(err)
	}
	return img
}

func TestMkfsPassesFsck(t *testing.T) {
	for _, tc := range []struct {
		mib  int
		opts fat32.MkfsOptions
	}{
		{40, fat32.MkfsOptions{}},
		{40, fat32.MkfsOptions{Label: "SOSDISK"}},
		{300, fat32.MkfsOptions{}}, // 4 KiB clusters
		{300, fat32.MkfsOptions{ClusterSize: 2048}},
	} {
		img := newMkfsImage(t, tc.mib, tc.opts)
		fsck(t, img)
		fs, dev := mount(t, img, fat32.Options{})
		ns, fsc := newNS(fs)
		if err := fstest.TestFS(vfs.IOFS(ns, ns.Root())); err != nil {
			t.Error(err)
		}
		mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "d", 0o755))
		writeFile(t, ns, fsc, "d/f.txt", pattern(10_000, 1))
		mustOK(t, "unmount", fs.Unmount())
		dev.Close()
		checkWithMtools(t, img, model{"d": nil, "d/f.txt": pattern(10_000, 1)})
	}
	// Too small for FAT32: refused with a reason.
	dev := blk.NewMem(512, 20<<11)
	if err := fat32.Mkfs(dev, fat32.MkfsOptions{}); err == nil {
		t.Error("Mkfs of 20 MiB succeeded")
	}
}

func TestConformanceAfterWrites(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	defer dev.Close()
	defer fs.Unmount()
	ns, fsc := newNS(fs)
	mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "a", 0o755))
	mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "a/b", 0o755))
	writeFile(t, ns, fsc, "a/b/c.txt", []byte("hello"))
	writeFile(t, ns, fsc, "a/Long Name Here.data", pattern(70_000, 3))
	writeFile(t, ns, fsc, "top", nil)
	if err := fstest.TestFS(vfs.IOFS(ns, ns.Root()), "a/b/c.txt", "a/Long Name Here.data", "top"); err != nil {
		t.Error(err)
	}
}

func TestReadOnlyAttribute(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	// Creating a file without write permission still gives a writable
	// descriptor to the creator, as open(2) does.
	f, err := ns.Open(ctx, fsc, nil, "ro", abi.O_CREAT|abi.O_WRONLY, 0o444)
	mustOK(t, "create ro", err)
	_, err = f.WriteAt(ctx, []byte("data"), 0)
	mustOK(t, "write ro", err)
	f.DecRef()
	for _, fl := range []int{abi.O_WRONLY, abi.O_RDWR, abi.O_RDONLY | abi.O_TRUNC} {
		if _, err := ns.Open(ctx, fsc, nil, "ro", fl, 0); err != abi.EACCES {
			t.Errorf("open read-only file with %#x = %v, want EACCES", fl, err)
		}
	}
	a, _ := ns.Stat(ctx, fsc, nil, "ro", true)
	if a.Mode != abi.S_IFREG|0o555 {
		t.Errorf("mode = %o, want %o", a.Mode, abi.S_IFREG|0o555)
	}
	writeFile(t, ns, fsc, "rw", []byte("x"))
	mode := uint32(0o444)
	mustOK(t, "chmod", ns.SetAttr(ctx, fsc, nil, "rw", true, vfs.SetAttr{Mode: &mode}))
	if _, err := ns.Open(ctx, fsc, nil, "rw", abi.O_RDWR, 0); err != abi.EACCES {
		t.Errorf("open after chmod 444 = %v, want EACCES", err)
	}
	mode = 0o644
	mustOK(t, "chmod", ns.SetAttr(ctx, fsc, nil, "rw", true, vfs.SetAttr{Mode: &mode}))
	f, err = ns.Open(ctx, fsc, nil, "rw", abi.O_RDWR, 0)
	mustOK(t, "open after chmod 644", err)
	f.DecRef()
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	out := run(t, "mattrib", "-i", img, "::/ro")
	if len(out) < 3 || !bytes.Contains([]byte(out[:12]), []byte("R")) {
		t.Errorf("mattrib ::/ro = %q, want the R attribute", out)
	}
}

func TestTimestamps(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	now := time.Date(2024, 3, 15, 10, 20, 31, 500_000_000, time.UTC)
	clock := func() time.Time { return now }
	fs, dev := mount(t, img, fat32.Options{Now: clock, Location: time.UTC})
	ns, fsc := newNS(fs)
	writeFile(t, ns, fsc, "f", []byte("x"))
	now = now.Add(time.Hour)
	f, err := ns.Open(ctx, fsc, nil, "f", abi.O_RDWR, 0)
	mustOK(t, "open", err)
	f.WriteAt(ctx, []byte("y"), 1)
	f.DecRef()
	a, _ := ns.Stat(ctx, fsc, nil, "f", true)
	if want := time.Date(2024, 3, 15, 10, 20, 31, 500_000_000, time.UTC); !a.Btime.Equal(want) {
		t.Errorf("btime = %v, want %v", a.Btime, want)
	}
	if want := time.Date(2024, 3, 15, 11, 20, 30, 0, time.UTC); !a.Mtime.Equal(want) {
		t.Errorf("mtime = %v, want %v (2 s resolution)", a.Mtime, want)
	}
	// Reading moves the access date (FAT keeps the date only).
	now = now.Add(48 * time.Hour)
	readFile(t, ns, fsc, "f")
	a, _ = ns.Stat(ctx, fsc, nil, "f", true)
	if want := time.Date(2024, 3, 17, 0, 0, 0, 0, time.UTC); !a.Atime.Equal(want) {
		t.Errorf("atime after a read = %v, want %v", a.Atime, want)
	}
	mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	mustOK(t, "utimes", ns.SetAttr(ctx, fsc, nil, "f", true, vfs.SetAttr{Mtime: &mt, Atime: &mt}))
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	// After a remount: times come from the disk.
	fs, dev = mount(t, img, fat32.Options{Location: time.UTC})
	defer dev.Close()
	defer fs.Unmount()
	ns, fsc = newNS(fs)
	a, _ = ns.Stat(ctx, fsc, nil, "f", true)
	if !a.Mtime.Equal(mt) || !a.Atime.Equal(time.Date(2001, 2, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("after remount mtime %v atime %v, want %v and its date", a.Mtime, a.Atime, mt)
	}
	if a.Size != 2 {
		t.Errorf("size = %d", a.Size)
	}
	out := run(t, "mdir", "-i", img, "::/f")
	if !bytes.Contains([]byte(out), []byte("2001-02-03")) {
		t.Errorf("mdir shows %q, want the date 2001-02-03", out)
	}
}

// TestCloseReachesDevice: a file written and closed is on the device
// before close returns, without sync or unmount.
func TestCloseReachesDevice(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	defer dev.Close()
	ns, fsc := newNS(fs)
	data := pattern(200_000, 7)
	writeFile(t, ns, fsc, "closed.bin", data) // closes
	writeFile(t, ns, fsc, "created empty", nil)
	// Read the image as another mount would (a second driver, its own
	// cache) while the first is still mounted, never synced.
	checkWithMtools(t, img, model{"closed.bin": data, "created empty": {}})
	fs.Unmount()
}

func TestUnlinkOpenFile(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	before := fs.Stats().Free
	writeFile(t, ns, fsc, "f", pattern(100_000, 1))
	f, err := ns.Open(ctx, fsc, nil, "f", abi.O_RDWR, 0)
	mustOK(t, "open", err)
	mustOK(t, "unlink", ns.Unlink(ctx, fsc, nil, "f"))
	buf := make([]byte, 100_000)
	if n, err := f.ReadAt(ctx, buf, 0); n != len(buf) || err != nil || !bytes.Equal(buf, pattern(100_000, 1)) {
		t.Errorf("read unlinked open file = %d, %v", n, err)
	}
	if fs.Stats().Free == before {
		// still held by the open file: fine
	}
	f.DecRef()
	if got := fs.Stats().Free; got != before {
		t.Errorf("free clusters %d after last close, want %d", got, before)
	}
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	fsck(t, img)
}

func TestNamespaceErrors(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	defer dev.Close()
	defer fs.Unmount()
	ns, fsc := newNS(fs)
	root := fs.Root().(vfs.WritableDir)
	mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "d", 0o755))
	writeFile(t, ns, fsc, "d/f", []byte("x"))
	writeFile(t, ns, fsc, "File.txt", []byte("x"))
	for _, tc := range []struct {
		what string
		err  error
		want error
	}{
		{"rmdir non-empty", ns.Rmdir(ctx, fsc, nil, "d"), abi.ENOTEMPTY},
		{"rmdir file", root.Rmdir(ctx, "File.txt"), abi.ENOTDIR},
		{"unlink dir", root.Unlink(ctx, "d"), abi.EISDIR},
		{"create exists other case", func() error { _, err := root.Create(ctx, "FILE.TXT", 0o644); return err }(), abi.EEXIST},
		{"bad char", func() error { _, err := root.Create(ctx, "a:b", 0o644); return err }(), abi.EINVAL},
		{"rename dir into itself", ns.Rename(ctx, fsc, nil, "d", nil, "d/x", 0), abi.EINVAL},
		{"rename dir over file", root.Rename(ctx, "d", root, "File.txt"), abi.ENOTDIR},
		{"rename file over dir", root.Rename(ctx, "File.txt", root, "d"), abi.EISDIR},
		{"symlink", func() error { _, err := root.Symlink(ctx, "l", "t"); return err }(), abi.EPERM},
		{"lookup missing", func() error { _, err := root.Lookup(ctx, "nope"); return err }(), abi.ENOENT},
	} {
		if tc.err != tc.want {
			t.Errorf("%s = %v, want %v", tc.what, tc.err, tc.want)
		}
	}
	// Lookups are case-insensitive, and find short names too.
	writeFile(t, ns, fsc, "A Long Name.txt", []byte("x"))
	for _, n := range []string{"a long name.txt", "ALONGN~1.TXT", "file.TXT"} {
		if _, err := root.Lookup(ctx, n); err != nil {
			t.Errorf("lookup %q: %v", n, err)
		}
	}
}

// TestDirectorySlots checks the on-disk directory rules: removed entries
// are 0xE5 and reused, the end is 0x00, "." and ".." are right.
func TestDirectorySlots(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "D", 0o755))
	for _, n := range []string{"A", "B", "C"} {
		writeFile(t, ns, fsc, "D/"+n, []byte(n))
	}
	mustOK(t, "unlink", ns.Unlink(ctx, fsc, nil, "D/B"))
	writeFile(t, ns, fsc, "D/E", []byte("E"))
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	raw, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	// Find D's cluster from the root directory (cluster 2).
	le := binary.LittleEndian
	bps := int(le.Uint16(raw[11:]))
	spc := int(raw[13])
	rsvd := int(le.Uint16(raw[14:]))
	fatSz := int(le.Uint32(raw[36:]))
	data := (rsvd + 2*fatSz) * bps
	clus := func(c int) []byte { return raw[data+(c-2)*spc*bps:][:spc*bps] }
	rootDir := clus(2)
	if string(rootDir[0:11]) != "D          " {
		t.Fatalf("root entry 0 = %q", rootDir[0:11])
	}
	dc := int(le.Uint16(rootDir[20:]))<<16 | int(le.Uint16(rootDir[26:]))
	d := clus(dc)
	want := []string{".          ", "..         ", "A          ", "E          ", "C          "}
	for i, w := range want {
		if got := string(d[i*32 : i*32+11]); got != w {
			t.Errorf("slot %d = %q, want %q", i, got, w)
		}
	}
	if c := int(le.Uint16(d[32+26:])); c != 0 {
		t.Errorf(".. of a child of the root points at cluster %d, want 0", c)
	}
	if c := int(le.Uint16(d[26:])); c != dc {
		t.Errorf(". points at %d, want %d", c, dc)
	}
	for i := 5; i < len(d)/32; i++ {
		if d[i*32] != 0 {
			t.Fatalf("slot %d after the end starts with %#x, want 0", i, d[i*32])
		}
	}
	fsck(t, img)
}

// TestConcurrentFiles: several goroutines write and read their own files
// at once.
func TestConcurrentFiles(t *testing.T) {
	img := newMkfsImage(t, 64, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{CacheSize: 1 << 20})
	ns, fsc := newNS(fs)
	var wg sync.WaitGroup
	m := model{}
	var mu sync.Mutex
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				p := "g" + itoa(g) + "-" + itoa(i) + ".bin"
				data := pattern(30_000+g*1000+i, byte(g*10+i))
				writeFile(t, ns, fsc, p, data)
				if got := readFile(t, ns, fsc, p); !bytes.Equal(got, data) {
					t.Errorf("%s read back wrong", p)
				}
				mu.Lock()
				m[p] = data
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	checkWithMtools(t, img, m)
}

func TestENOSPC(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	f, err := ns.Open(ctx, fsc, nil, "fill", abi.O_CREAT|abi.O_RDWR, 0o644)
	mustOK(t, "create", err)
	chunk := make([]byte, 1<<20)
	var total int64
	for {
		n, err := f.WriteAt(ctx, chunk, total)
		total += int64(n)
		if err == abi.ENOSPC {
			break
		}
		if err != nil || total > 64<<20 {
			t.Fatalf("write at %d: %d, %v", total, n, err)
		}
	}
	if fs.Stats().Free != 0 {
		t.Errorf("free = %d after ENOSPC", fs.Stats().Free)
	}
	f.DecRef()
	mustOK(t, "unlink", ns.Unlink(ctx, fsc, nil, "fill"))
	writeFile(t, ns, fsc, "after", []byte("fits again"))
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	checkWithMtools(t, img, model{"after": []byte("fits again")})
}

// TestManyNames: a directory of many similar long names (their short
// names need ~N and then hashed tails) stays clean and complete.
func TestManyNames(t *testing.T) {
	img := newMkfsImage(t, 40, fat32.MkfsOptions{})
	fs, dev := mount(t, img, fat32.Options{})
	ns, fsc := newNS(fs)
	mustOK(t, "mkdir", ns.Mkdir(ctx, fsc, nil, "many", 0o755))
	m := model{"many": nil}
	for i := range 1500 {
		p := fmt.Sprintf("many/a very similar long file name %04d.txt", i)
		writeFile(t, ns, fsc, p, nil)
		m[p] = []byte{}
	}
	mustOK(t, "unmount", fs.Unmount())
	dev.Close()
	fsck(t, img)
	out := run(t, "mdir", "-b", "-i", img, "::/many")
	if n := strings.Count(out, "\n"); n != 1500 {
		t.Errorf("mdir lists %d names, want 1500", n)
	}
	// Short names are unique (fsck.fat would say otherwise) and read back.
	fs, dev = mount(t, img, fat32.Options{})
	defer dev.Close()
	defer fs.Unmount()
	ns, fsc = newNS(fs)
	for _, p := range []string{"many/a very similar long file name 0000.txt", "many/a very similar long file name 1499.txt"} {
		if _, err := ns.Stat(ctx, fsc, nil, p, true); err != nil {
			t.Errorf("stat %s: %v", p, err)
		}
	}
}
