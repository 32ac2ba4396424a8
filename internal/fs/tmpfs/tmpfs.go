// Package tmpfs is a writable file system held in memory: regular files
// (sparse, in 4 KiB pages), directories, symbolic links, FIFOs, sockets
// and device nodes, with hard links, timestamps and an optional size
// limit. SOS uses it for /tmp, /dev/shm and as a scratch root.
//
// It implements the vfs interfaces and depends on nothing but them, the
// pipe package (for FIFOs) and the ABI constants; path resolution,
// permission checks and the dentry cache are the VFS's business.
//
// Locking: the file system's mu guards the tree (every directory's
// entries and parent) and every node's link count; a node's amu guards its
// other attributes; a regular file's dmu guards its data. Order: mu, then
// dmu, then amu.
package tmpfs

import (
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/vfs"
)

// Options configure a new file system.
type Options struct {
	// Size limits the bytes of file data held (abi.ENOSPC beyond it), in
	// whole pages; 0 means no limit.
	Size int64
	// Mode is the permission bits of the root directory; 0 means 01777.
	Mode uint32
	// UID and GID own the root directory.
	UID, GID uint32
	// Dev is the device number stat reports; 0 allocates a fresh one.
	Dev uint64
	// Now returns the time for timestamps; nil means time.Now.
	Now func() time.Time
}

// New returns the root directory of a new, empty file system.
func New(opts Options) vfs.Node {
	fs := &fsys{dev: opts.Dev, limit: opts.Size, now: opts.Now}
	if fs.dev == 0 {
		fs.dev = vfs.NewAnonDev()
	}
	if fs.now == nil {
		fs.now = time.Now
	}
	mode := opts.Mode & 0o7777
	if mode == 0 {
		mode = 0o1777
	}
	root := &dir{entries: map[string]node{}}
	fs.initInode(&root.inode, abi.S_IFDIR|mode, opts.UID, opts.GID)
	root.nlink = 2
	return root
}

const pageSize = 4096

// fsys is one instance of the file system.
type fsys struct {
	dev     uint64
	limit   int64
	now     func() time.Time
	used    atomic.Int64 // bytes of file pages allocated
	nextIno atomic.Uint64

	// mu guards the tree: every directory's entries, order, parent and
	// dead fields, and every node's nlink.
	mu sync.RWMutex
}

// reserve accounts for one more page of file data: abi.ENOSPC if the
// limit forbids it.
func (fs *fsys) reserve() error {
	for {
		u := fs.used.Load()
		if fs.limit > 0 && u+pageSize > fs.limit {
			return abi.ENOSPC
		}
		if fs.used.CompareAndSwap(u, u+pageSize) {
			return nil
		}
	}
}

func (fs *fsys) unreserve(pages int) { fs.used.Add(-int64(pages) * pageSize) }

// node is what every node of the file system is.
type node interface {
	vfs.Node
	base() *inode
}

// inode holds what every node has.
type inode struct {
	fs  *fsys
	ino uint64
	typ uint32 // abi.S_IFMT bits; never changes

	// fs.mu guards nlink.
	nlink uint32

	// amu guards the following fields.
	amu                        sync.Mutex
	perm                       uint32 // permission bits
	uid, gid                   uint32
	rdev                       uint64
	atime, mtime, ctime, btime time.Time
}

func (fs *fsys) initInode(n *inode, mode uint32, uid, gid uint32) {
	now := fs.now()
	n.fs = fs
	n.ino = fs.nextIno.Add(1)
	n.typ = mode & abi.S_IFMT
	n.perm = mode & 0o7777
	n.uid, n.gid = uid, gid
	n.nlink = 1
	n.atime, n.mtime, n.ctime, n.btime = now, now, now, now
}

func (n *inode) base() *inode { return n }

// attrLocked fills the attributes every node has; the caller holds amu
// and fs.mu (for reading).
func (n *inode) attrLocked() vfs.Attr {
	return vfs.Attr{
		Ino:     n.ino,
		Dev:     n.fs.dev,
		Rdev:    n.rdev,
		Mode:    n.typ | n.perm,
		Nlink:   n.nlink,
		UID:     n.uid,
		GID:     n.gid,
		Blksize: pageSize,
		Atime:   n.atime,
		Mtime:   n.mtime,
		Ctime:   n.ctime,
		Btime:   n.btime,
	}
}

func (n *inode) attr() vfs.Attr {
	n.fs.mu.RLock()
	defer n.fs.mu.RUnlock()
	n.amu.Lock()
	defer n.amu.Unlock()
	return n.attrLocked()
}

// touch sets the modification and change times to now.
func (n *inode) touch() {
	now := n.fs.now()
	n.amu.Lock()
	n.mtime, n.ctime = now, now
	n.amu.Unlock()
}

// changed sets the change time to now.
func (n *inode) changed() {
	now := n.fs.now()
	n.amu.Lock()
	n.ctime = now
	n.amu.Unlock()
}

// setAttr applies the changes in a other than the size; the VFS has
// checked the caller's permissions.
func (n *inode) setAttr(a vfs.SetAttr) {
	n.amu.Lock()
	defer n.amu.Unlock()
	if a.Mode != nil {
		n.perm = *a.Mode & 0o7777
	}
	if a.UID != nil {
		n.uid = *a.UID
	}
	if a.GID != nil {
		n.gid = *a.GID
	}
	if a.Atime != nil {
		n.atime = *a.Atime
	}
	if a.Mtime != nil {
		n.mtime = *a.Mtime
	}
	n.ctime = n.fs.now()
}

// symlink is a symbolic link.
type symlink struct {
	inode
	target string
}

var (
	_ vfs.Symlink   = (*symlink)(nil)
	_ vfs.Setattrer = (*symlink)(nil)
)

func (s *symlink) Attr() (vfs.Attr, error) {
	a := s.attr()
	a.Size = int64(len(s.target))
	return a, nil
}

func (s *symlink) Readlink(vfs.Context) (string, error) { return s.target, nil }

func (s *symlink) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		return abi.EINVAL
	}
	s.setAttr(a)
	return nil
}

// fifo is a named pipe: every open attaches to its one pipe.
type fifo struct {
	inode
	p *pipe.Pipe
}

var (
	_ vfs.Opener    = (*fifo)(nil)
	_ vfs.Setattrer = (*fifo)(nil)
)

func (f *fifo) Attr() (vfs.Attr, error) { return f.attr(), nil }

func (f *fifo) Open(ctx vfs.Context, flags int) (vfs.FileOps, error) {
	return f.p.Open(ctx, flags)
}

func (f *fifo) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		return nil // truncating a FIFO does nothing
	}
	f.setAttr(a)
	return nil
}

// special is a socket or device node: it has attributes only (sockets are
// found by their node; devices are served elsewhere).
type special struct {
	inode
}

var _ vfs.Setattrer = (*special)(nil)

func (s *special) Attr() (vfs.Attr, error) { return s.attr(), nil }

func (s *special) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		return abi.EINVAL
	}
	s.setAttr(a)
	return nil
}

// FileSystem returns the vfs.FileSystem of the tmpfs whose root New
// returned (nil for any other node), for statfs(2) on its mount.
func FileSystem(root vfs.Node) vfs.FileSystem {
	if d, ok := root.(*dir); ok {
		return d.fs
	}
	return nil
}

// Sync has nothing to do: a tmpfs lives in memory.
func (fs *fsys) Sync() error { return nil }

// StatFS reports the size limit (or, without one, the space used) and
// what is free of it.
func (fs *fsys) StatFS() (vfs.StatFS, error) {
	used := uint64(fs.used.Load()) / pageSize
	total := uint64(fs.limit) / pageSize
	if fs.limit <= 0 {
		total = used
	}
	free := total - min(used, total)
	return vfs.StatFS{Type: 0x01021994, BlockSize: pageSize, Blocks: total, BlocksFree: free, BlocksAvail: free, NameLen: 255}, nil
}
