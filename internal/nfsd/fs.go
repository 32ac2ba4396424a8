//go:build linux

package nfsd

import (
	"container/list"
	"encoding/binary"
	"errors"
	"hash/fnv"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"sos/internal/nfs/nfs3"
)

// File handles and the host side. A handle names a host file by (device,
// inode); the table maps that key to where the server last saw the file
// (parent node and name), and every operation reaches the file by walking
// those names from the export root's descriptor with openat and
// O_NOFOLLOW, then checks that the inode it found is the one the handle
// names. So a handle can never reach outside the export (no component is
// ever a symlink or ".."), and a handle whose file is gone or was replaced
// is NFS3ERR_STALE.

// fhMagic starts every handle: a handle without it is NFS3ERR_BADHANDLE.
var fhMagic = [4]byte{'s', 'o', 's', 1}

const fhLen = 4 + 8 + 8 + 8

// fileKey identifies a host file: device, inode and a hash of the
// kernel's own file handle for it (name_to_handle_at, which needs no
// privilege), which includes the inode's generation, so a new file that
// reuses a removed file's inode number does not inherit its handles. The
// hash is 0 on file systems that cannot make handles.
type fileKey struct{ dev, ino, gen uint64 }

func (k fileKey) handle() nfs3.FH {
	fh := make([]byte, fhLen)
	copy(fh, fhMagic[:])
	binary.BigEndian.PutUint64(fh[4:], k.dev)
	binary.BigEndian.PutUint64(fh[12:], k.ino)
	binary.BigEndian.PutUint64(fh[20:], k.gen)
	return fh
}

// keyAt is the key of name in dirfd, whose stat is st.
func keyAt(dirfd int, name string, st *unix.Stat_t) fileKey {
	// name_to_handle_at never follows a final symlink unless asked to.
	return fileKey{uint64(st.Dev), st.Ino, kernelHandle(dirfd, name, 0)}
}

// keyFd is the key of the file fd holds (O_PATH is enough).
func keyFd(fd int, st *unix.Stat_t) fileKey {
	return fileKey{uint64(st.Dev), st.Ino, kernelHandle(fd, "", unix.AT_EMPTY_PATH)}
}

func kernelHandle(dirfd int, name string, flags int) uint64 {
	h, _, err := unix.NameToHandleAt(dirfd, name, flags)
	if err != nil {
		return 0
	}
	f := fnv.New64a()
	binary.Write(f, binary.BigEndian, h.Type())
	f.Write(h.Bytes())
	return f.Sum64()
}

// node is a file the server has handed out a handle for.
type node struct {
	key fileKey
	// parent and name are guarded by table.mu. The root has parent nil;
	// any other node with parent nil has lost its name (removed, or its
	// last known name now holds another file) until a LOOKUP finds it.
	parent *node
	name   string
}

// table is the set of nodes and the export root.
type table struct {
	rootFD int // O_PATH descriptor of the export root; closed by close
	root   *node

	mu    sync.Mutex // guards nodes and every node's parent and name
	nodes map[fileKey]*node
}

func newTable(dir string) (*table, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, err
	}
	root := &node{key: keyFd(fd, &st)}
	return &table{rootFD: fd, root: root, nodes: map[fileKey]*node{root.key: root}}, nil
}

func (t *table) close() { unix.Close(t.rootFD) }

// lookup returns the node a handle names.
func (t *table) lookup(fh nfs3.FH) (*node, nfs3.Status) {
	if len(fh) != fhLen || [4]byte(fh[:4]) != fhMagic {
		return nil, nfs3.ErrBadhandle
	}
	k := fileKey{binary.BigEndian.Uint64(fh[4:]), binary.BigEndian.Uint64(fh[12:]), binary.BigEndian.Uint64(fh[20:])}
	t.mu.Lock()
	n := t.nodes[k]
	t.mu.Unlock()
	if n == nil {
		return nil, nfs3.ErrStale
	}
	return n, nfs3.StatusOK
}

// enter records that the file k is called name in dir, and returns its
// node.
func (t *table) enter(dir *node, name string, k fileKey) *node {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.nodes[k]
	if n == nil {
		n = &node{key: k}
		t.nodes[k] = n
	}
	if n != t.root {
		n.parent, n.name = dir, name
	}
	return n
}

// forget records that name in dir no longer holds the file n (it was
// removed or renamed over). n may be nil.
func (t *table) forget(n *node, dir *node, name string) {
	if n == nil {
		return
	}
	t.mu.Lock()
	if n.parent == dir && n.name == name {
		n.parent, n.name = nil, ""
		delete(t.nodes, n.key)
	}
	t.mu.Unlock()
}

// moved records a rename of n to name in dir.
func (t *table) moved(n *node, dir *node, name string) {
	t.mu.Lock()
	if n != t.root {
		n.parent, n.name = dir, name
	}
	t.mu.Unlock()
}

// parentOf returns n's parent (the root for the root: ".." never leaves
// the export).
func (t *table) parentOf(n *node) (*node, nfs3.Status) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n == t.root {
		return n, nfs3.StatusOK
	}
	if n.parent == nil {
		return nil, nfs3.ErrStale
	}
	return n.parent, nfs3.StatusOK
}

// path returns the names leading from the root to n.
func (t *table) path(n *node) ([]string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var names []string
	for m := n; m != t.root; m = m.parent {
		if m.parent == nil || len(names) > 4096 {
			return nil, false
		}
		names = append(names, m.name)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return names, true
}

// open opens n with flags (O_PATH, O_RDONLY, O_RDWR...; O_NOFOLLOW and
// O_CLOEXEC are added) by walking from the root, and checks that it is
// still the file of the handle. The caller closes fd.
func (t *table) open(n *node, flags int, st *unix.Stat_t) (fd int, s nfs3.Status) {
	names, ok := t.path(n)
	if !ok {
		return -1, nfs3.ErrStale
	}
	flags |= unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NOCTTY
	if flags&unix.O_PATH == 0 {
		flags |= unix.O_NONBLOCK // never block opening a FIFO or device
	}
	if len(names) == 0 {
		fd, err := unix.Openat(t.rootFD, ".", flags, 0)
		if err != nil {
			return -1, errStatus(err)
		}
		return fd, t.check(fd, n, st)
	}
	cur := t.rootFD
	for i, name := range names {
		f := unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
		if i == len(names)-1 {
			f = flags
		}
		fd, err := unix.Openat(cur, name, f, 0)
		if cur != t.rootFD {
			unix.Close(cur)
		}
		if err != nil {
			switch {
			case i < len(names)-1 || err == unix.ENOENT:
				return -1, nfs3.ErrStale // the path no longer leads to the file
			case err == unix.ENOTDIR || err == unix.ELOOP && flags&unix.O_DIRECTORY != 0:
				return -1, nfs3.ErrNotdir
			}
			return -1, errStatus(err)
		}
		cur = fd
	}
	return cur, t.check(cur, n, st)
}

func (t *table) check(fd int, n *node, st *unix.Stat_t) nfs3.Status {
	if err := unix.Fstat(fd, st); err != nil {
		unix.Close(fd)
		return errStatus(err)
	}
	if st.Ino != n.key.ino || uint64(st.Dev) != n.key.dev || keyFd(fd, st) != n.key {
		unix.Close(fd)
		return nfs3.ErrStale
	}
	return nfs3.StatusOK
}

// procPath names an O_PATH descriptor so that calls that take no
// descriptor (chmod, truncate, utimensat, linkat) reach exactly that inode.
func procPath(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// checkName refuses names that are not a single component.
func checkName(name string) nfs3.Status {
	switch {
	case name == "" || name == "." || name == "..":
		return nfs3.ErrInval
	case len(name) > 255:
		return nfs3.ErrNametoolong
	}
	for i := 0; i < len(name); i++ {
		if name[i] == '/' || name[i] == 0 {
			return nfs3.ErrInval
		}
	}
	return nfs3.StatusOK
}

// errStatus maps a host errno to an NFS status.
func errStatus(err error) nfs3.Status {
	var e unix.Errno
	if !errors.As(err, &e) {
		return nfs3.ErrIO
	}
	switch e {
	case unix.EPERM:
		return nfs3.ErrPerm
	case unix.ENOENT:
		return nfs3.ErrNoent
	case unix.ENXIO:
		return nfs3.ErrNxio
	case unix.EACCES:
		return nfs3.ErrAcces
	case unix.EEXIST:
		return nfs3.ErrExist
	case unix.EXDEV:
		return nfs3.ErrXdev
	case unix.ENODEV:
		return nfs3.ErrNodev
	case unix.ENOTDIR:
		return nfs3.ErrNotdir
	case unix.EISDIR:
		return nfs3.ErrIsdir
	case unix.EINVAL, unix.ELOOP:
		return nfs3.ErrInval
	case unix.EFBIG:
		return nfs3.ErrFbig
	case unix.ENOSPC:
		return nfs3.ErrNospc
	case unix.EROFS:
		return nfs3.ErrRofs
	case unix.EMLINK:
		return nfs3.ErrMlink
	case unix.ENAMETOOLONG:
		return nfs3.ErrNametoolong
	case unix.ENOTEMPTY:
		return nfs3.ErrNotempty
	case unix.EDQUOT:
		return nfs3.ErrDquot
	case unix.ESTALE:
		return nfs3.ErrStale
	case unix.EOPNOTSUPP:
		return nfs3.ErrNotsupp
	}
	return nfs3.ErrIO
}

// attr converts a host stat to fattr3.
func attr(st *unix.Stat_t) *nfs3.Fattr {
	a := &nfs3.Fattr{
		Mode:      st.Mode & 07777,
		Nlink:     uint32(st.Nlink),
		UID:       st.Uid,
		GID:       st.Gid,
		Size:      uint64(st.Size),
		Used:      uint64(st.Blocks) * 512,
		RdevMajor: unix.Major(uint64(st.Rdev)),
		RdevMinor: unix.Minor(uint64(st.Rdev)),
		FSID:      uint64(st.Dev),
		FileID:    st.Ino,
		Atime:     nfsTime(st.Atim),
		Mtime:     nfsTime(st.Mtim),
		Ctime:     nfsTime(st.Ctim),
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		a.Type = nfs3.TypeReg
	case unix.S_IFDIR:
		a.Type = nfs3.TypeDir
	case unix.S_IFLNK:
		a.Type = nfs3.TypeLnk
	case unix.S_IFBLK:
		a.Type = nfs3.TypeBlk
	case unix.S_IFCHR:
		a.Type = nfs3.TypeChr
	case unix.S_IFSOCK:
		a.Type = nfs3.TypeSock
	case unix.S_IFIFO:
		a.Type = nfs3.TypeFifo
	}
	return a
}

func nfsTime(ts unix.Timespec) nfs3.Time {
	return nfs3.Time{Sec: uint32(ts.Sec), Nsec: uint32(ts.Nsec)}
}

func wccAttr(st *unix.Stat_t) *nfs3.WccAttr {
	return &nfs3.WccAttr{Size: uint64(st.Size), Mtime: nfsTime(st.Mtim), Ctime: nfsTime(st.Ctim)}
}

// openFile is a cached read-write (or read-only) descriptor of a regular
// file, shared by concurrent READs, WRITEs and COMMITs (pread/pwrite).
type openFile struct {
	key      fileKey
	fd       int
	writable bool
	// Guarded by fcache.mu:
	refs int
	dead bool // out of the cache: close when refs drops to 0
	elem *list.Element
}

// fcache keeps the most recently used open files.
type fcache struct {
	max      int
	readOnly bool

	mu  sync.Mutex // guards m, lru and the openFiles' guarded fields
	m   map[fileKey]*openFile
	lru list.List // front: most recently used
}

// get returns an open descriptor for n's regular file, writable if write.
// The caller calls put when done.
func (c *fcache) get(t *table, n *node, write bool) (*openFile, nfs3.Status) {
	c.mu.Lock()
	if f := c.m[n.key]; f != nil && (f.writable || !write) {
		f.refs++
		c.lru.MoveToFront(f.elem)
		c.mu.Unlock()
		return f, nfs3.StatusOK
	}
	c.mu.Unlock()

	// Check the type first, so that no FIFO or device is ever opened.
	var st unix.Stat_t
	pfd, s := t.open(n, unix.O_PATH, &st)
	if s != nfs3.StatusOK {
		return nil, s
	}
	unix.Close(pfd)
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return nil, nfs3.ErrIsdir
		}
		return nil, nfs3.ErrInval
	}
	f := &openFile{key: n.key, refs: 1, writable: true}
	fd := -1
	if !c.readOnly {
		fd, s = t.open(n, unix.O_RDWR, &st)
	}
	if fd < 0 && (c.readOnly || s == nfs3.ErrAcces || s == nfs3.ErrRofs) {
		if write {
			if c.readOnly {
				return nil, nfs3.ErrRofs
			}
			return nil, s
		}
		fd, s = t.open(n, unix.O_RDONLY, &st)
		f.writable = false
	}
	if fd < 0 {
		return nil, s
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, nfs3.ErrInval
	}
	f.fd = fd

	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[n.key]; old != nil {
		c.remove(old)
	}
	c.m[n.key] = f
	f.elem = c.lru.PushFront(f)
	for c.lru.Len() > c.max {
		c.remove(c.lru.Back().Value.(*openFile))
	}
	return f, nfs3.StatusOK
}

// remove takes f out of the cache; c.mu is held.
func (c *fcache) remove(f *openFile) {
	if f.dead {
		return
	}
	f.dead = true
	c.lru.Remove(f.elem)
	if c.m[f.key] == f {
		delete(c.m, f.key)
	}
	if f.refs == 0 {
		unix.Close(f.fd)
	}
}

func (c *fcache) put(f *openFile) {
	c.mu.Lock()
	f.refs--
	if f.refs == 0 && f.dead {
		unix.Close(f.fd)
	}
	c.mu.Unlock()
}

// drop closes the cached descriptor of key (its file was removed or
// replaced), so the space is freed and the handle becomes stale.
func (c *fcache) drop(key fileKey) {
	c.mu.Lock()
	if f := c.m[key]; f != nil {
		c.remove(f)
	}
	c.mu.Unlock()
}

func (c *fcache) closeAll() {
	c.mu.Lock()
	for _, f := range c.m {
		c.remove(f)
	}
	c.mu.Unlock()
}
