// Package rofs is a read-only file system over an io/fs.FS. SOS mounts it
// over its boot image (an embed.FS holding the userland) and, until SOS has
// NFS, over the host's directory tree (os.DirFS("/")), which programs then
// see read-only.
//
// A node is a path into the io/fs.FS and nothing more: every Attr, Lookup
// and ReadDir asks the FS again, so a host tree shows changes made on the
// host as they happen and nodes cost no memory beyond their names.
// Symbolic links are seen as links when the FS implements fs.ReadLinkFS
// (os.DirFS and fstest.MapFS do); over any other FS the FS follows links
// itself and rofs never sees them.
//
// Only regular files can be opened. Devices, FIFOs and sockets can be
// listed and stat'ed, but opening a host device or FIFO could block the
// kernel or reach the host's hardware, so their Open fails.
//
// rofs depends on vfs, abi and waiter only; it must never depend on the
// kernel or on how it is mounted.
package rofs

import (
	"errors"
	"hash/fnv"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// Options configure a file system.
type Options struct {
	// Dev is the device number every node reports in Attr.Dev.
	Dev uint64
	// HostMetadata reports the host's own inode numbers, link counts,
	// owners, times and device numbers where the FS provides them (an
	// os.DirFS on Linux does, through a *syscall.Stat_t). Without it, or
	// where the FS provides none, inode numbers are derived from paths,
	// every node belongs to root, and the modification time stands for
	// all the times.
	HostMetadata bool
}

// New returns the root directory of a read-only file system over fsys.
func New(fsys fs.FS, opts Options) vfs.Node {
	f := &fileSystem{fsys: fsys, opts: opts}
	if opts.HostMetadata {
		if info, err := fs.Stat(fsys, "."); err == nil {
			if m, ok := hostStat(info); ok {
				f.rootDev, f.haveRootDev = m.dev, true
			}
		}
	}
	return &dir{node: node{fs: f, name: ".", typ: abi.S_IFDIR}}
}

// A fileSystem is one rofs instance. It is immutable after New, so nodes
// share it without locking.
type fileSystem struct {
	fsys fs.FS
	opts Options

	// rootDev is the host device of the root directory. Host inode
	// numbers are unique only within one host file system, and a host
	// tree spans several, all shown under opts.Dev: inode numbers from
	// other host devices are mixed with their device number so that
	// (Dev, Ino) still identifies one file.
	rootDev     uint64
	haveRootDev bool
}

// Compile-time checks that each kind of node has the interfaces the VFS
// looks for. dir deliberately lacks Opener, so that the VFS supplies its
// own directory reader.
var (
	_ vfs.Dir     = (*dir)(nil)
	_ vfs.Symlink = (*symlink)(nil)
	_ vfs.Opener  = (*file)(nil)
	_ vfs.Opener  = (*special)(nil)
)

// lstat describes name without following a final symbolic link.
func (f *fileSystem) lstat(name string) (fs.FileInfo, error) {
	info, err := fs.Lstat(f.fsys, name)
	if err != nil {
		return nil, errno(err)
	}
	return info, nil
}

// newNode returns the node for the entry name described by info.
func (f *fileSystem) newNode(name string, info fs.FileInfo) vfs.Node {
	n := node{fs: f, name: name, typ: linuxMode(info.Mode()) & abi.S_IFMT}
	switch n.typ {
	case abi.S_IFDIR:
		return &dir{node: n}
	case abi.S_IFLNK:
		return &symlink{node: n}
	case abi.S_IFREG:
		return &file{node: n}
	}
	return &special{node: n}
}

// attr converts info, the description of name, to a vfs.Attr.
func (f *fileSystem) attr(name string, info fs.FileInfo) vfs.Attr {
	mode := linuxMode(info.Mode())
	size := max(info.Size(), 0)
	mtime := info.ModTime()
	if mtime.IsZero() {
		// embed.FS has no times; the epoch is what Linux shows for a
		// file system that records none.
		mtime = time.Unix(0, 0)
	}
	a := vfs.Attr{
		Ino:     pathIno(name),
		Dev:     f.opts.Dev,
		Mode:    mode,
		Nlink:   1,
		Size:    size,
		Blksize: 4096,
		Blocks:  (size + 511) / 512,
		Atime:   mtime,
		Mtime:   mtime,
		Ctime:   mtime,
	}
	if mode&abi.S_IFMT == abi.S_IFDIR {
		a.Nlink = 2
	}
	if !f.opts.HostMetadata {
		return a
	}
	m, ok := hostStat(info)
	if !ok {
		return a
	}
	a.Ino = f.hostIno(m.dev, m.ino)
	a.Mode = m.mode
	a.Nlink = m.nlink
	a.UID, a.GID = m.uid, m.gid
	a.Rdev = m.rdev
	a.Blocks = m.blocks
	a.Atime, a.Mtime, a.Ctime = m.atime, m.mtime, m.ctime
	return a
}

// hostIno returns the inode number to report for host inode ino on host
// device dev (see fileSystem.rootDev).
func (f *fileSystem) hostIno(dev, ino uint64) uint64 {
	if f.haveRootDev && dev == f.rootDev {
		return ino
	}
	h := fnv.New64a()
	var b [16]byte
	for i := range 8 {
		b[i] = byte(dev >> (8 * i))
		b[8+i] = byte(ino >> (8 * i))
	}
	h.Write(b[:])
	return h.Sum64()>>2 | 1<<62
}

// pathIno derives a stable inode number from a path, for file systems
// that have none: the same path has the same number in every run, which
// suits a boot image. It is never 0, which some programs take for a
// deleted directory entry.
func pathIno(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()>>2 | 1
}

// hostMeta is the metadata a host file system keeps beyond fs.FileInfo.
type hostMeta struct {
	dev, ino            uint64
	mode, nlink         uint32
	uid, gid            uint32
	rdev                uint64
	blocks              int64
	atime, mtime, ctime time.Time
}

// node is what every kind of rofs node shares: where it is.
type node struct {
	fs   *fileSystem
	name string // path in fs.fsys: "." for the root, else "a/b/c"
	typ  uint32 // abi.S_IF* type the node was found with
}

// Attr describes the node as the FS sees it now. A node whose path has
// come to name a file of another type (a host file replaced by a
// directory, say) is stale.
func (n *node) Attr() (vfs.Attr, error) {
	info, err := n.fs.lstat(n.name)
	if err != nil {
		return vfs.Attr{}, err
	}
	a := n.fs.attr(n.name, info)
	if a.Mode&abi.S_IFMT != n.typ {
		return vfs.Attr{}, abi.ESTALE
	}
	return a, nil
}

// child returns the path of the entry name in directory n.
func (n *node) child(name string) string {
	if n.name == "." {
		return name
	}
	return n.name + "/" + name
}

// dir is a directory.
type dir struct {
	node

	// mu guards the cached listing below. Reading a directory with
	// getdents takes several ReadDir calls; listing it once and serving
	// the later calls from the cache keeps that linear in its size.
	mu      sync.Mutex
	entries []fs.DirEntry // sorted by name; nil until listed
	stamp   time.Time     // the directory's modification time when listed
}

// Lookup returns the entry name of d.
func (d *dir) Lookup(ctx vfs.Context, name string) (vfs.Node, error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return nil, abi.ENOENT
	}
	if len(name) > 255 {
		return nil, abi.ENAMETOOLONG
	}
	p := d.child(name)
	info, err := d.fs.lstat(p)
	if err != nil {
		return nil, err
	}
	return d.fs.newNode(p, info), nil
}

// ReadDir lists d in name order. A listing that starts at the beginning
// always reads the directory afresh; later calls reuse that listing while
// the directory's modification time stays the same.
func (d *dir) ReadDir(ctx vfs.Context, skip, n int) ([]vfs.DirEntry, error) {
	ents, err := d.list(skip <= 0)
	if err != nil {
		return nil, err
	}
	skip = min(max(skip, 0), len(ents))
	ents = ents[skip:]
	if n > 0 && len(ents) > n {
		ents = ents[:n]
	}
	out := make([]vfs.DirEntry, 0, len(ents))
	for _, e := range ents {
		out = append(out, d.fs.dirEntry(d.child(e.Name()), e))
	}
	return out, nil
}

// list returns d's entries, from the cache unless fresh is set or d has
// changed since.
func (d *dir) list(fresh bool) ([]fs.DirEntry, error) {
	info, err := d.fs.lstat(d.name)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return nil, abi.ENOTDIR
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !fresh && d.entries != nil && info.ModTime().Equal(d.stamp) {
		return d.entries, nil
	}
	ents, err := fs.ReadDir(d.fs.fsys, d.name)
	if err != nil {
		return nil, errno(err)
	}
	// fs.ReadDir promises sorted entries, but a ReadDirFS may not keep
	// that promise, and the VFS relies on a stable order.
	if !slices.IsSortedFunc(ents, compareEntries) {
		slices.SortFunc(ents, compareEntries)
	}
	if ents == nil {
		ents = []fs.DirEntry{}
	}
	d.entries, d.stamp = ents, info.ModTime()
	return ents, nil
}

func compareEntries(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) }

// dirEntry converts e, the entry for path name, to a vfs.DirEntry whose
// inode number agrees with what Attr reports for it.
func (f *fileSystem) dirEntry(name string, e fs.DirEntry) vfs.DirEntry {
	de := vfs.DirEntry{
		Name: e.Name(),
		Ino:  pathIno(name),
		Type: abi.DirentType(linuxMode(e.Type())),
	}
	if f.opts.HostMetadata {
		// The entry may vanish between the listing and Info; it is
		// listed all the same, as getdents would.
		if info, err := e.Info(); err == nil {
			if m, ok := hostStat(info); ok {
				de.Ino = f.hostIno(m.dev, m.ino)
			}
		}
	}
	return de
}

// symlink is a symbolic link.
type symlink struct {
	node
}

// Readlink returns the link's target as stored: an absolute target names
// a path in the tree the file system is mounted in.
func (s *symlink) Readlink(ctx vfs.Context) (string, error) {
	target, err := fs.ReadLink(s.fs.fsys, s.name)
	if err != nil {
		return "", errno(err)
	}
	return target, nil
}

// special is a device, FIFO or socket: listed and stat'ed, never opened.
type special struct {
	node
}

// Open refuses: a socket or FIFO cannot be reached through a read-only
// file system (ENXIO, as for a socket on Linux), and a device is refused
// as on a file system mounted nodev (EACCES).
func (s *special) Open(ctx vfs.Context, flags int) (vfs.FileOps, error) {
	switch s.typ {
	case abi.S_IFCHR, abi.S_IFBLK:
		return nil, abi.EACCES
	}
	return nil, abi.ENXIO
}

// linuxMode converts an io/fs file mode to Linux's st_mode.
func linuxMode(m fs.FileMode) uint32 {
	mode := uint32(m.Perm())
	switch m.Type() {
	case 0:
		mode |= abi.S_IFREG
	case fs.ModeDir:
		mode |= abi.S_IFDIR
	case fs.ModeSymlink:
		mode |= abi.S_IFLNK
	case fs.ModeNamedPipe:
		mode |= abi.S_IFIFO
	case fs.ModeSocket:
		mode |= abi.S_IFSOCK
	case fs.ModeDevice | fs.ModeCharDevice:
		mode |= abi.S_IFCHR
	case fs.ModeDevice:
		mode |= abi.S_IFBLK
	default:
		// fs.ModeIrregular or a combination no Linux file has: a
		// file of unknown type, which st_mode cannot express. Call it
		// a character device so that nobody tries to read it.
		mode |= abi.S_IFCHR
	}
	if m&fs.ModeSetuid != 0 {
		mode |= abi.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		mode |= abi.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		mode |= abi.S_ISVTX
	}
	return mode
}

// errno converts an error from the FS to a Linux error number.
func errno(err error) error {
	if err == nil {
		return nil
	}
	var e abi.Errno
	if errors.As(err, &e) {
		return e
	}
	if e, ok := hostErrno(err); ok {
		return e
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abi.ENOENT
	case errors.Is(err, fs.ErrPermission):
		return abi.EACCES
	case errors.Is(err, fs.ErrInvalid):
		return abi.EINVAL
	case errors.Is(err, fs.ErrExist):
		return abi.EEXIST
	case errors.Is(err, fs.ErrClosed):
		return abi.EBADF
	}
	return abi.EIO
}
