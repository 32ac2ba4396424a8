// Package devfs is SOS's /dev: a fixed, read-only directory of character
// devices (null, zero, full, random, urandom, tty, console, and tty0 when
// the console is a terminal), the symbolic
// links stdin, stdout, stderr and fd into /proc/self/fd, and shm, a
// writable directory for POSIX shared memory.
//
// It depends on the VFS interfaces, the ABI constants, the waiter queue and
// tmpfs (for shm), never on the kernel: the console talks to the host
// through the io.Reader and io.Writer it is given.
package devfs

import (
	"crypto/rand"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/tmpfs"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Options configure a new /dev.
type Options struct {
	// Console backs tty and console; nil means a console that reads end
	// of file and discards what is written.
	Console *Console
	// Shm is the directory at shm; nil means a new, empty tmpfs.
	Shm vfs.Node
}

// Linux's device numbers.
var (
	devNull    = vfs.Mkdev(1, 3)
	devZero    = vfs.Mkdev(1, 5)
	devFull    = vfs.Mkdev(1, 7)
	devRandom  = vfs.Mkdev(1, 8)
	devURandom = vfs.Mkdev(1, 9)
	devTTY     = vfs.Mkdev(5, 0)
	devTTY0    = vfs.Mkdev(4, 0)
	devConsole = vfs.Mkdev(5, 1)
)

// New returns the root directory of a new /dev.
func New(opts Options) vfs.Node {
	c := opts.Console
	if c == nil {
		c = NewConsole(nil, nil)
	}
	shm := opts.Shm
	if shm == nil {
		shm = tmpfs.New(tmpfs.Options{Mode: 0o1777})
	}
	fs := &devfs{dev: vfs.NewAnonDev(), time: time.Now()}
	root := &root{fs: fs, byName: map[string]vfs.Node{}}
	ino := uint64(1)
	add := func(name string, n vfs.Node) {
		root.names = append(root.names, name)
		root.byName[name] = n
	}
	newDev := func(name string, rdev uint64, open func(ctx vfs.Context, flags int) (vfs.FileOps, error)) {
		ino++
		add(name, &device{fs: fs, ino: ino, rdev: rdev, open: open})
	}
	newLink := func(name, target string) {
		ino++
		add(name, &link{fs: fs, ino: ino, target: target})
	}
	// In the order ls shows them.
	console := func(which int) func(vfs.Context, int) (vfs.FileOps, error) {
		return func(ctx vfs.Context, flags int) (vfs.FileOps, error) { return c.open(ctx, flags, which) }
	}
	newDev("console", devConsole, console(openConsole))
	newLink("fd", "/proc/self/fd")
	newDev("full", devFull, func(vfs.Context, int) (vfs.FileOps, error) { return fullOps{}, nil })
	newDev("null", devNull, func(vfs.Context, int) (vfs.FileOps, error) { return nullOps{}, nil })
	newDev("random", devRandom, func(vfs.Context, int) (vfs.FileOps, error) { return randomOps{}, nil })
	add("shm", shm)
	newLink("stderr", "/proc/self/fd/2")
	newLink("stdin", "/proc/self/fd/0")
	newLink("stdout", "/proc/self/fd/1")
	newDev("tty", devTTY, console(openTTY))
	if c.tty != nil {
		newDev("tty0", devTTY0, console(openTTY0))
	}
	newDev("urandom", devURandom, func(vfs.Context, int) (vfs.FileOps, error) { return randomOps{}, nil })
	newDev("zero", devZero, func(vfs.Context, int) (vfs.FileOps, error) { return zeroOps{}, nil })
	return root
}

// devfs is one instance of /dev.
type devfs struct {
	dev  uint64
	time time.Time // every node's timestamps
}

func (fs *devfs) attr(ino uint64, mode uint32) vfs.Attr {
	return vfs.Attr{
		Ino: ino, Dev: fs.dev, Mode: mode, Nlink: 1, Blksize: 4096,
		Atime: fs.time, Mtime: fs.time, Ctime: fs.time, Btime: fs.time,
	}
}

// root is the directory; its entries never change.
type root struct {
	fs     *devfs
	names  []string
	byName map[string]vfs.Node
}

var _ vfs.Dir = (*root)(nil)

func (r *root) Attr() (vfs.Attr, error) {
	a := r.fs.attr(1, abi.S_IFDIR|0o755)
	a.Nlink = 3 // ".", the entry in the parent, shm's ".."
	a.Size = int64(len(r.names)+2) * 20
	return a, nil
}

func (r *root) Lookup(_ vfs.Context, name string) (vfs.Node, error) {
	if n, ok := r.byName[name]; ok {
		return n, nil
	}
	return nil, abi.ENOENT
}

func (r *root) ReadDir(_ vfs.Context, skip, max int) ([]vfs.DirEntry, error) {
	if skip < 0 {
		return nil, abi.EINVAL
	}
	var out []vfs.DirEntry
	for _, name := range r.names[min(skip, len(r.names)):] {
		if max > 0 && len(out) == max {
			break
		}
		a, err := r.byName[name].Attr()
		if err != nil {
			return nil, err
		}
		out = append(out, vfs.DirEntry{Name: name, Ino: a.Ino, Type: abi.DirentType(a.Mode)})
	}
	return out, nil
}

// device is a character device node.
type device struct {
	fs   *devfs
	ino  uint64
	rdev uint64
	open func(ctx vfs.Context, flags int) (vfs.FileOps, error)
}

var _ vfs.Opener = (*device)(nil)

func (d *device) Attr() (vfs.Attr, error) {
	a := d.fs.attr(d.ino, abi.S_IFCHR|0o666)
	a.Rdev = d.rdev
	return a, nil
}

func (d *device) Open(ctx vfs.Context, flags int) (vfs.FileOps, error) { return d.open(ctx, flags) }

// link is a symbolic link.
type link struct {
	fs     *devfs
	ino    uint64
	target string
}

var _ vfs.Symlink = (*link)(nil)

func (l *link) Attr() (vfs.Attr, error) {
	a := l.fs.attr(l.ino, abi.S_IFLNK|0o777)
	a.Size = int64(len(l.target))
	return a, nil
}

func (l *link) Readlink(vfs.Context) (string, error) { return l.target, nil }

// memDev is what null, zero, full and random share: never blocking, and
// seeking anywhere leaves the offset at 0 (Linux's null_lseek; for the
// others the offset means nothing).
type memDev struct{ waiter.AlwaysReady }

func (memDev) Release() {}

func (memDev) Seek(vfs.Context, int64, int64, int) (int64, error) { return 0, nil }

// nullOps is /dev/null: reads end at once, writes vanish.
type nullOps struct{ memDev }

func (nullOps) Read(vfs.Context, []byte, int64) (int, error)          { return 0, nil }
func (nullOps) Write(_ vfs.Context, src []byte, _ int64) (int, error) { return len(src), nil }

// zeroOps is /dev/zero: reads give zeros, writes vanish.
type zeroOps struct{ memDev }

func (zeroOps) Read(_ vfs.Context, dst []byte, _ int64) (int, error) {
	clear(dst)
	return len(dst), nil
}
func (zeroOps) Write(_ vfs.Context, src []byte, _ int64) (int, error) { return len(src), nil }

// fullOps is /dev/full: reads give zeros, writes fail with ENOSPC.
type fullOps struct{ memDev }

func (fullOps) Read(_ vfs.Context, dst []byte, _ int64) (int, error) {
	clear(dst)
	return len(dst), nil
}
func (fullOps) Write(_ vfs.Context, src []byte, _ int64) (int, error) {
	if len(src) == 0 {
		return 0, nil
	}
	return 0, abi.ENOSPC
}

// randomOps is /dev/random and /dev/urandom: reads give the host's
// cryptographic randomness; writes (adding entropy) are accepted and
// ignored.
type randomOps struct{ memDev }

func (randomOps) Read(_ vfs.Context, dst []byte, _ int64) (int, error) {
	rand.Read(dst) // never fails (crypto/rand crashes the program instead)
	return len(dst), nil
}
func (randomOps) Write(_ vfs.Context, src []byte, _ int64) (int, error) { return len(src), nil }

var (
	_ vfs.FileOps = nullOps{}
	_ vfs.Seeker  = nullOps{}
	_ vfs.FileOps = zeroOps{}
	_ vfs.FileOps = fullOps{}
	_ vfs.FileOps = randomOps{}
)
