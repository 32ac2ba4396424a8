package fat32_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"sos/internal/abi"
	"sos/internal/blk"
	"sos/internal/fs/fat32"
	"sos/internal/vfs"
)

type tctx struct{}

func (tctx) PID() int { return 1 }
func (tctx) TID() int { return 1 }

var ctx vfs.Context = tctx{}

// tool returns the path of a host tool the tests need, failing loudly
// if it is missing (test.sh installs dosfstools and mtools).
func tool(t testing.TB, name string) string {
	t.Helper()
	for _, dir := range []string{"", "/usr/sbin/", "/sbin/"} {
		if p, err := exec.LookPath(dir + name); err == nil {
			return p
		}
	}
	t.Fatalf("%s not found: install the Debian packages dosfstools and mtools", name)
	return ""
}

// run runs a host tool and fails the test if it fails.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "TZ=UTC")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// mkfsImage makes an empty FAT32 image of sizeMiB with mkfs.fat.
func mkfsImage(t testing.TB, sizeMiB int, extra ...string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "disk.img")
	args := append([]string{"-F", "32", "-n", "SOSTEST"}, extra...)
	args = append(args, "-C", img, itoa(sizeMiB*1024))
	run(t, "mkfs.fat", args...)
	return img
}

func itoa(n int) string { return strconv.Itoa(n) }

// fsck runs fsck.fat -n and fails the test unless the image is clean.
func fsck(t testing.TB, img string) {
	t.Helper()
	run(t, "fsck.fat", "-n", "-v", img)
}

// mount mounts an image file.
func mount(t testing.TB, img string, opts fat32.Options) (*fat32.FS, *blk.File) {
	t.Helper()
	dev, err := blk.OpenFile(img, 512, false)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := fat32.Mount(dev, opts)
	if err != nil {
		dev.Close()
		t.Fatal(err)
	}
	return fs, dev
}

// newNS puts a mounted file system's root in a namespace.
func newNS(fs *fat32.FS) (*vfs.Namespace, *vfs.FSContext) {
	ns := vfs.NewNamespace(fs.Root(), "vfat")
	fsc := vfs.NewFSContext(ns.Root(), ns.Root(), 0o022)
	fsc.SetCreds(vfs.RootCreds)
	return ns, fsc
}

func writeFile(t testing.TB, ns *vfs.Namespace, fsc *vfs.FSContext, path string, data []byte) {
	t.Helper()
	f, err := ns.Open(ctx, fsc, nil, path, abi.O_CREAT|abi.O_RDWR|abi.O_TRUNC, 0o644)
	if err != nil {
		t.Fatalf("create %s: %v", path, err)
	}
	defer f.DecRef()
	for off := 0; off < len(data); {
		n, err := f.WriteAt(ctx, data[off:], int64(off))
		if err != nil {
			t.Fatalf("write %s: %v", path, err)
		}
		off += n
	}
}

func readFile(t testing.TB, ns *vfs.Namespace, fsc *vfs.FSContext, path string) []byte {
	t.Helper()
	f, err := ns.Open(ctx, fsc, nil, path, abi.O_RDONLY, 0)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.DecRef()
	var out bytes.Buffer
	buf := make([]byte, 64<<10)
	for off := int64(0); ; {
		n, err := f.ReadAt(ctx, buf, off)
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		if n == 0 {
			return out.Bytes()
		}
		out.Write(buf[:n])
		off += int64(n)
	}
}

// pattern is n bytes that differ with seed and position.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func openDev(img string) (*blk.File, error) { return blk.OpenFile(img, 512, false) }
