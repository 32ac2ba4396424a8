// Package procfs is SOS's /proc: the files through which programs, the Go
// runtime and the C library learn about processes and the system
// (/proc/self/maps, /proc/PID/stat, /proc/meminfo, /proc/cpuinfo,
// /proc/sys/...), printed as Linux prints them.
//
// procfs learns everything from a Kernel, an interface it defines and the
// kernel implements: procfs must never import the kernel, nor anything
// but vfs, abi and waiter. It keeps no state of its own beyond a boot id:
// every open asks the Kernel afresh and snapshots the file's contents, so
// reads at any offset are consistent and a file of a process that has
// since died still reads as it was. Looking up anything under a process
// that is gone is abi.ENOENT.
//
// Everything is read-only: opening a file for writing is abi.EACCES, and
// no directory is writable. /proc/PID/cgroup does not exist, which the Go
// runtime takes for "no cgroup limits".
package procfs

import (
	"crypto/rand"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Options configure a procfs instance.
type Options struct {
	// Dev is the device number every node reports in Attr.Dev.
	Dev uint64
}

// New returns the root directory of a procfs showing k.
func New(k Kernel, opts Options) vfs.Node {
	f := &procFS{k: k, dev: opts.Dev, mtime: time.Now(), bootID: newUUID()}
	return f.root()
}

// procFS is one procfs instance. It is immutable after New.
type procFS struct {
	k      Kernel
	dev    uint64
	mtime  time.Time // every node's times: when procfs was mounted
	bootID string    // used when the Kernel gives none
}

// Compile-time checks that each kind of node has the interfaces the VFS
// looks for.
var (
	_ vfs.Dir     = (*dir)(nil)
	_ vfs.Opener  = (*file)(nil)
	_ vfs.Symlink = (*link)(nil)
	_ vfs.FileOps = (*snapshot)(nil)
	_ vfs.Seeker  = (*snapshot)(nil)
)

// owner is the process a node belongs to. A node with a nil owner belongs
// to root and always exists; any other exists while its process (and, for
// a node under /proc/PID/task/TID, its thread) does.
type owner struct {
	fs       *procFS
	pid, tid int // tid is 0 for nodes of the whole process
}

// process returns the owner's process, or abi.ENOENT if it is gone.
func (o *owner) process() (Process, error) {
	p, ok := o.fs.k.Process(o.pid)
	if !ok {
		return nil, abi.ENOENT
	}
	if o.tid != 0 {
		if _, ok := findThread(p, o.tid); !ok {
			return nil, abi.ENOENT
		}
	}
	return p, nil
}

// findThread returns the thread tid of p.
func findThread(p Process, tid int) (Thread, bool) {
	for _, t := range p.Threads() {
		if t.TID == tid {
			return t, true
		}
	}
	return Thread{}, false
}

// attr returns the attributes of a node at path with the given mode,
// owned by o (nil for root).
func (f *procFS) attr(o *owner, path string, mode uint32) (vfs.Attr, error) {
	a := vfs.Attr{
		Ino:     ino(path),
		Dev:     f.dev,
		Mode:    mode,
		Nlink:   1,
		Blksize: 1024,
		Atime:   f.mtime,
		Mtime:   f.mtime,
		Ctime:   f.mtime,
	}
	if o != nil {
		p, err := o.process()
		if err != nil {
			return vfs.Attr{}, err
		}
		st := p.Status()
		a.UID, a.GID = st.UIDs[1], st.GIDs[1]
	}
	return a, nil
}

// ino returns the inode number of the node at path ("" for the root,
// else "/self", "/1/status"...): 1 for the root, as on Linux, and a hash
// of the path otherwise, so that a name keeps its number.
func ino(path string) uint64 {
	if path == "" {
		return 1
	}
	h := fnv.New64a()
	h.Write([]byte(path))
	return max(h.Sum64()>>2, 2)
}

// dir is a directory: a fixed list of entries, then optionally numbered
// ones (processes, threads, descriptors).
type dir struct {
	fs    *procFS
	path  string
	mode  uint32 // permission bits
	owner *owner
	fixed []entry
	nums  *numbered
}

// entry is a fixed directory entry.
type entry struct {
	name string
	typ  uint8 // abi.DT_*
	node func() vfs.Node
}

// numbered are directory entries named by numbers that come and go.
type numbered struct {
	typ    uint8                       // abi.DT_* of every entry
	list   func() ([]int, error)       // the numbers now, in increasing order
	lookup func(int) (vfs.Node, error) // the entry for a number, or ENOENT
	// size, if set, is the directory's st_size for a given listing (a
	// /proc/PID/fd directory's is the number of descriptors).
	size func(n int) int64
}

// Attr reports a directory; its link count is 2 plus its subdirectories,
// as find(1) expects.
func (d *dir) Attr() (vfs.Attr, error) {
	a, err := d.fs.attr(d.owner, d.path, abi.S_IFDIR|d.mode)
	if err != nil {
		return a, err
	}
	a.Nlink = 2
	for _, e := range d.fixed {
		if e.typ == abi.DT_DIR {
			a.Nlink++
		}
	}
	if d.nums != nil {
		ns, err := d.nums.list()
		if err != nil {
			return vfs.Attr{}, err
		}
		if d.nums.typ == abi.DT_DIR {
			a.Nlink += uint32(len(ns))
		}
		if d.nums.size != nil {
			a.Size = d.nums.size(len(ns))
		}
	}
	return a, nil
}

// Lookup finds a fixed entry, then a numbered one.
func (d *dir) Lookup(ctx vfs.Context, name string) (vfs.Node, error) {
	if d.owner != nil {
		if _, err := d.owner.process(); err != nil {
			return nil, err
		}
	}
	for _, e := range d.fixed {
		if e.name == name {
			return e.node(), nil
		}
	}
	if d.nums != nil {
		if n, ok := parseNum(name); ok {
			return d.nums.lookup(n)
		}
	}
	return nil, abi.ENOENT
}

// parseNum parses a directory entry name that is a number as Linux
// prints it: decimal digits, no sign, no leading zero.
func parseNum(s string) (int, bool) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ReadDir lists the fixed entries in their order, then the numbered ones
// in increasing order.
func (d *dir) ReadDir(ctx vfs.Context, skip, n int) ([]vfs.DirEntry, error) {
	if d.owner != nil {
		if _, err := d.owner.process(); err != nil {
			return nil, err
		}
	}
	skip = max(skip, 0)
	var out []vfs.DirEntry
	full := func() bool { return n > 0 && len(out) >= n }
	for _, e := range d.fixed {
		if full() {
			return out, nil
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, vfs.DirEntry{Name: e.name, Ino: ino(d.path + "/" + e.name), Type: e.typ})
	}
	if d.nums == nil || full() {
		return out, nil
	}
	ns, err := d.nums.list()
	if err != nil {
		return nil, err
	}
	ns = ns[min(skip, len(ns)):]
	for _, num := range ns {
		if full() {
			break
		}
		name := strconv.Itoa(num)
		out = append(out, vfs.DirEntry{Name: name, Ino: ino(d.path + "/" + name), Type: d.nums.typ})
	}
	return out, nil
}

// file is a read-only file whose contents are made when it is opened.
type file struct {
	fs    *procFS
	path  string
	mode  uint32 // permission bits
	owner *owner
	// gen makes the contents. p is the owner's process (nil for files
	// of no process).
	gen func(ctx vfs.Context, p Process) ([]byte, error)
}

// Attr reports a regular file of size 0, as Linux's /proc files are.
func (f *file) Attr() (vfs.Attr, error) {
	return f.fs.attr(f.owner, f.path, abi.S_IFREG|f.mode)
}

// Open snapshots the file. Opening for writing or truncating is
// abi.EACCES.
func (f *file) Open(ctx vfs.Context, flags int) (vfs.FileOps, error) {
	if flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_TRUNC != 0 {
		return nil, abi.EACCES
	}
	if flags&abi.O_DIRECTORY != 0 {
		return nil, abi.ENOTDIR
	}
	var p Process
	if f.owner != nil {
		var err error
		if p, err = f.owner.process(); err != nil {
			return nil, err
		}
	}
	data, err := f.gen(ctx, p)
	if err != nil {
		return nil, err
	}
	return &snapshot{data: data}, nil
}

// snapshot is an open /proc file: the contents made at open.
type snapshot struct {
	waiter.AlwaysReady
	data []byte // never modified
}

func (s *snapshot) Read(ctx vfs.Context, dst []byte, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	if off >= int64(len(s.data)) {
		return 0, nil
	}
	return copy(dst, s.data[off:]), nil
}

func (s *snapshot) Write(ctx vfs.Context, src []byte, off int64) (int, error) {
	return 0, abi.EBADF
}

func (s *snapshot) Release() {}

// Seek moves within the snapshot. Linux's seq_file refuses SEEK_END; a
// snapshot has an end, so SEEK_END is allowed, relative to it, as io/fs
// files allow it. The attributes still say size 0, as Linux's do.
func (s *snapshot) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += cur
	case abi.SEEK_END:
		off += int64(len(s.data))
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return off, nil
}

// link is a symbolic link whose target is computed when it is read.
type link struct {
	fs     *procFS
	path   string
	mode   uint32 // permission bits
	size   int64
	owner  *owner
	target func(ctx vfs.Context) (string, error)
}

func (l *link) Attr() (vfs.Attr, error) {
	a, err := l.fs.attr(l.owner, l.path, abi.S_IFLNK|l.mode)
	if err != nil {
		return vfs.Attr{}, err
	}
	a.Size = l.size
	return a, nil
}

func (l *link) Readlink(ctx vfs.Context) (string, error) {
	if l.owner != nil {
		if _, err := l.owner.process(); err != nil {
			return "", err
		}
	}
	return l.target(ctx)
}

// newUUID returns a random (version 4) UUID as Linux prints it.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
