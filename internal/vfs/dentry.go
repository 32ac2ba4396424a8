package vfs

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"sos/internal/abi"
)

// Lock order, outermost first (see also README.md):
//
//	Namespace.renameMu     cross-directory renames only
//	Dentry.dirMu           of a directory; two only under renameMu
//	File.mu                an open file's offset
//	file-system locks      inside Node and FileOps methods
//	Namespace.mu           the dentry tree; never held across a call
//	                       into a file system
//	FSContext.mu, FDTable.mu  leaves

// A Dentry is a name in the tree of a Namespace: a node, the name it was
// reached by and its parent, with a cache of the children looked up so far
// (no negative entries). Each mount has its own dentries, so one node
// mounted twice has two. Dentries are never freed explicitly: one that is
// unlinked, or dropped from its parent's cache, lives on as long as an
// open file, a working directory or a mount refers to it, still knowing its
// last name and parent.
//
// An anonymous dentry (NewAnonDentry) belongs to no namespace: it names a
// pipe, socket or other object made without a path.
type Dentry struct {
	node  Node
	typ   uint32 // the node's file type (abi.S_IFMT bits), which never changes
	mount *Mount // nil for an anonymous dentry

	// dirMu makes changes to a directory's entries made through the VFS
	// and the cache of those entries move together: a lookup that misses
	// the cache holds it for reading while it asks the file system and
	// fills the cache; an operation that adds, removes or renames an entry
	// holds it for writing.
	dirMu sync.RWMutex

	// The namespace's mu guards the following fields (anonymous dentries
	// never change them).
	name     string
	parent   *Dentry            // nil for a mount's root and anonymous dentries
	children map[string]*Dentry // positive lookups cached so far
	mounted  *Mount             // the mount whose root covers this dentry
	deleted  bool               // unlinked, or gone from a volatile directory
}

// NewAnonDentry returns a dentry outside every namespace for node, named
// name: what /proc/PID/fd/N shows for a pipe ("pipe:[1234]"), a socket or
// an anonymous inode ("anon_inode:[eventfd]").
func NewAnonDentry(name string, node Node) *Dentry {
	d := &Dentry{node: node, name: name}
	if a, err := node.Attr(); err == nil {
		d.typ = a.Mode & abi.S_IFMT
	}
	return d
}

// Node returns the node d names.
func (d *Dentry) Node() Node { return d.node }

// Name returns d's last name ("/" for the root of the namespace).
func (d *Dentry) Name() string {
	if d.mount == nil {
		return d.name
	}
	ns := d.mount.ns
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	if d.parent == nil && d.mount.parent == nil {
		return "/"
	}
	return d.name
}

// IsDir reports whether d names a directory.
func (d *Dentry) IsDir() bool {
	_, ok := d.node.(Dir)
	return ok && d.typ == abi.S_IFDIR
}

func (d *Dentry) isSymlink() bool {
	_, ok := d.node.(Symlink)
	return ok && d.typ == abi.S_IFLNK
}

// Deleted reports whether d's name was removed (unlinked, or renamed over).
func (d *Dentry) Deleted() bool {
	if d.mount == nil {
		return false
	}
	ns := d.mount.ns
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return d.deleted
}

// Mount returns the mount d belongs to (nil for an anonymous dentry).
func (d *Dentry) Mount() *Mount { return d.mount }

// Path returns the absolute path of d in its namespace, as getcwd(2) and
// /proc/PID/cwd show it; an unlinked dentry's last path gets Linux's
// " (deleted)" suffix. An anonymous dentry's path is its name.
func (d *Dentry) Path() string {
	p, _ := d.PathFrom(nil)
	return p
}

// PathFrom returns the path of d as seen by a process whose root directory
// is root (nil means the namespace's root), and whether d lies under root.
// A path outside root is given from the namespace's root.
func (d *Dentry) PathFrom(root *Dentry) (string, bool) {
	if d.mount == nil {
		return d.name, true
	}
	ns := d.mount.ns
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	var names []string
	reached := false
	for e := d; ; {
		if e == root {
			reached = true
			break
		}
		m := e.mount
		if e == m.root {
			if m.parent == nil {
				reached = root == nil
				break
			}
			e = m.point
			continue
		}
		names = append(names, e.name)
		if e.parent == nil {
			break
		}
		e = e.parent
	}
	var b strings.Builder
	for _, n := range slices.Backward(names) {
		b.WriteByte('/')
		b.WriteString(n)
	}
	if b.Len() == 0 {
		b.WriteByte('/')
	}
	if d.deleted {
		b.WriteString(" (deleted)")
	}
	return b.String(), reached
}

// A Mount is a file system attached to the tree of a namespace.
type Mount struct {
	ns       *Namespace
	root     *Dentry
	fsType   string
	source   string
	readOnly bool
	id       int
	fs       FileSystem // nil if the file system gave none

	// The namespace's mu guards the following fields.
	parent *Mount  // nil for the namespace's root mount
	point  *Dentry // the dentry of parent this mount covers
}

// Root returns the root dentry of m.
func (m *Mount) Root() *Dentry { return m.root }

// ReadOnly reports whether m was mounted read-only.
func (m *Mount) ReadOnly() bool { return m.readOnly }

// FSType returns the file-system name given when m was mounted.
func (m *Mount) FSType() string { return m.fsType }

// A MountOption changes how Mount or NewNamespace attach a file system.
type MountOption func(*Mount)

// ReadOnly mounts the file system read-only: creating, removing, renaming,
// changing attributes and opening regular files, directories and symbolic
// links for writing fail with abi.EROFS (devices and FIFOs stay writable,
// as on Linux).
func ReadOnly() MountOption { return func(m *Mount) { m.readOnly = true } }

// Source names what is mounted, for /proc/mounts ("server:/export"); the
// default is the file-system type.
func Source(s string) MountOption { return func(m *Mount) { m.source = s } }

// MountInfo describes a mount, for /proc/mounts.
type MountInfo struct {
	ID, ParentID int    // unique while mounted; the root mount is its own parent
	Dev          uint64 // st_dev of the file system's root
	Source       string
	Path         string // the mount point
	FSType       string
	ReadOnly     bool
}

// A Namespace is a tree of mounted file systems.
type Namespace struct {
	// renameMu serialises renames between two directories, so that the
	// check that a directory is not moved into itself sees a stable tree
	// and two renames never lock the same pair of directories in opposite
	// orders.
	renameMu sync.Mutex

	// mu guards the tree: the name, parent, children, mounted and deleted
	// fields of every dentry of the namespace, and every mount's parent
	// and point. It is never held across a call into a file system.
	mu     sync.RWMutex
	root   *Mount
	mounts []*Mount // in mount order
}

// NewNamespace returns a namespace whose root is the file system whose
// root directory is root, of type fsType (for /proc/mounts).
func NewNamespace(root Node, fsType string, opts ...MountOption) *Namespace {
	ns := &Namespace{}
	m := newMount(ns, root, fsType, opts)
	m.root.name = "/"
	ns.root = m
	ns.mounts = []*Mount{m}
	return ns
}

// mountIDs numbers mounts.
var mountIDs atomic.Int64

func newMount(ns *Namespace, root Node, fsType string, opts []MountOption) *Mount {
	m := &Mount{ns: ns, fsType: fsType, source: fsType, id: int(mountIDs.Add(1))}
	for _, o := range opts {
		o(m)
	}
	m.root = &Dentry{node: root, mount: m, typ: abi.S_IFDIR}
	if a, err := root.Attr(); err == nil {
		m.root.typ = a.Mode & abi.S_IFMT
	}
	return m
}

// Root returns the root dentry of the namespace.
func (ns *Namespace) Root() *Dentry { return ns.root.root }

// Mount attaches the file system whose root directory is root over the
// directory at, so that at's contents are hidden and paths through at
// lead into root. Mounting again over the same place stacks the new mount
// on top. at is usually what Resolve returned.
func (ns *Namespace) Mount(ctx Context, at *Dentry, root Node, fsType string, opts ...MountOption) error {
	if at == nil || at.mount == nil || at.mount.ns != ns {
		return abi.EINVAL
	}
	if _, ok := root.(Dir); !ok || !at.IsDir() {
		return abi.ENOTDIR
	}
	m := newMount(ns, root, fsType, opts)
	m.root.name = "/"
	ns.mu.Lock()
	defer ns.mu.Unlock()
	at = at.topLocked()
	if at.deleted {
		return abi.ENOENT
	}
	m.root.name = at.name
	m.parent = at.mount
	m.point = at
	at.mounted = m
	ns.mounts = append(ns.mounts, m)
	return nil
}

// Unmount detaches the mount whose root is d. It fails with abi.EINVAL if
// d is not the root of a mount or is the namespace's root, and with
// abi.EBUSY if another file system is mounted on top of or inside it.
// Files open in the file system stay usable.
func (ns *Namespace) Unmount(d *Dentry) error {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	m := d.mount
	if m == nil || m.ns != ns || d != m.root || m.parent == nil {
		return abi.EINVAL
	}
	if d.mounted != nil {
		return abi.EBUSY
	}
	for _, o := range ns.mounts {
		if o.parent == m {
			return abi.EBUSY
		}
	}
	m.point.mounted = nil
	ns.mounts = slices.DeleteFunc(ns.mounts, func(o *Mount) bool { return o == m })
	return nil
}

// Mounts lists the namespace's mounts in the order they were made.
func (ns *Namespace) Mounts() []MountInfo {
	ns.mu.RLock()
	ms := slices.Clone(ns.mounts)
	ns.mu.RUnlock()
	out := make([]MountInfo, 0, len(ms))
	for _, m := range ms {
		p := "/"
		if m.point != nil {
			p, _ = m.point.PathFrom(nil)
			p = strings.TrimSuffix(p, " (deleted)")
		}
		info := MountInfo{ID: m.id, ParentID: m.id, Source: m.source, Path: p, FSType: m.fsType, ReadOnly: m.readOnly}
		if m.parent != nil {
			info.ParentID = m.parent.id
		}
		if a, err := m.root.node.Attr(); err == nil {
			info.Dev = a.Dev
		}
		out = append(out, info)
	}
	return out
}

// topLocked returns the root of the topmost mount stacked on d, or d.
func (d *Dentry) topLocked() *Dentry {
	for d.mounted != nil {
		d = d.mounted.root
	}
	return d
}

// top is topLocked for callers not holding the namespace's mu.
func (d *Dentry) top() *Dentry {
	if d.mount == nil {
		return d
	}
	ns := d.mount.ns
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return d.topLocked()
}

// dotdot returns where ".." leads from d for a process whose root is root:
// root itself at root, the namespace's root at the namespace's root, the
// parent of the mount point at a mount's root.
func (ns *Namespace) dotdot(d, root *Dentry) *Dentry {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	for d != root {
		m := d.mount
		if m == nil {
			return d
		}
		if d == m.root {
			if m.parent == nil {
				return d
			}
			d = m.point
			continue
		}
		return d.parent.topLocked()
	}
	return d
}

// Revalidator is implemented by directories whose entries can change
// without the VFS seeing it (procfs, network file systems). Before it uses
// a cached child of such a directory, the VFS asks Revalidate whether name
// still refers to child; if not, it drops child from its cache and looks
// name up again (marking the old dentry deleted if name is gone). A
// directory that makes a new Node on every Lookup can simply answer false,
// which makes every lookup go to the file system.
type Revalidator interface {
	Revalidate(ctx Context, name string, child Node) bool
}

// lookup returns dir's child called name (not "." or ".."), from the
// cache or from the file system. The caller has checked that dir is a
// directory it may search. It does not follow mounts.
func (ns *Namespace) lookup(ctx Context, dir *Dentry, name string) (*Dentry, error) {
	if _, volatile := dir.node.(Revalidator); !volatile {
		ns.mu.RLock()
		c := dir.children[name]
		ns.mu.RUnlock()
		if c != nil {
			return c, nil
		}
	}
	dir.dirMu.RLock()
	defer dir.dirMu.RUnlock()
	return ns.lookupLocked(ctx, dir, name)
}

// lookupLocked is lookup for a caller holding dir.dirMu.
func (ns *Namespace) lookupLocked(ctx Context, dir *Dentry, name string) (*Dentry, error) {
	ns.mu.RLock()
	stale := dir.children[name]
	ns.mu.RUnlock()
	if stale != nil {
		rv, volatile := dir.node.(Revalidator)
		if !volatile || stale.mounted != nil || rv.Revalidate(ctx, name, stale.node) {
			return stale, nil
		}
		ns.mu.Lock()
		if dir.children[name] == stale {
			delete(dir.children, name)
		}
		ns.mu.Unlock()
	}
	dn, ok := dir.node.(Dir)
	if !ok {
		return nil, abi.ENOTDIR
	}
	n, err := dn.Lookup(ctx, name)
	if err != nil {
		if stale != nil && err == abi.ENOENT {
			ns.mu.Lock()
			stale.deleted = true
			ns.mu.Unlock()
		}
		return nil, err
	}
	return ns.addChild(dir, name, n)
}

// addChild caches node as dir's child called name and returns its dentry,
// or the dentry another lookup cached first (file systems may return a new
// Node for every Lookup of the same file).
func (ns *Namespace) addChild(dir *Dentry, name string, node Node) (*Dentry, error) {
	a, err := node.Attr()
	if err != nil {
		return nil, err
	}
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if c := dir.children[name]; c != nil {
		return c, nil
	}
	c := &Dentry{node: node, typ: a.Mode & abi.S_IFMT, mount: dir.mount, name: name, parent: dir}
	if dir.children == nil {
		dir.children = make(map[string]*Dentry)
	}
	dir.children[name] = c
	return c, nil
}

// dropChild removes c, called name, from dir's cache after the file system
// removed it, and marks it deleted.
func (ns *Namespace) dropChild(dir *Dentry, name string, c *Dentry) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if dir.children[name] == c {
		delete(dir.children, name)
	}
	c.deleted = true
}

// sameFile reports whether a and b are the same file: the same Node, or
// nodes with the same device and inode number (file systems may make a new
// Node for every lookup).
func sameFile(a, b Node) bool {
	if sameNode(a, b) {
		return true
	}
	aa, err1 := a.Attr()
	ba, err2 := b.Attr()
	return err1 == nil && err2 == nil && aa.Ino != 0 && aa.Ino == ba.Ino && aa.Dev == ba.Dev
}

// sameNode reports whether a and b are the same node, without panicking
// on node types that are not comparable.
func sameNode(a, b Node) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ta := reflect.TypeOf(a)
	if ta != reflect.TypeOf(b) || !ta.Comparable() {
		return false
	}
	return a == b
}
