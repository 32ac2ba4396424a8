package tmpfs

import (
	"slices"
	"strings"

	"sos/internal/abi"
	"sos/internal/fs/pipe"
	"sos/internal/vfs"
)

// dir is a directory. Its entries are listed in the order they were
// made.
type dir struct {
	inode

	// fs.mu guards the following fields.
	entries map[string]node
	order   []string // names, oldest first
	parent  *dir     // nil for the root
	dead    bool     // removed: nothing can be made in it
}

var (
	_ vfs.WritableDir = (*dir)(nil)
	_ vfs.Setattrer   = (*dir)(nil)
)

// bogoDirentSize is what Linux's tmpfs counts per entry in a directory's
// size.
const bogoDirentSize = 20

func (d *dir) Attr() (vfs.Attr, error) {
	d.fs.mu.RLock()
	defer d.fs.mu.RUnlock()
	d.amu.Lock()
	defer d.amu.Unlock()
	a := d.attrLocked()
	a.Size = int64(len(d.entries)+2) * bogoDirentSize
	return a, nil
}

func (d *dir) SetAttr(_ vfs.Context, a vfs.SetAttr) error {
	if a.Size != nil {
		return abi.EISDIR
	}
	d.setAttr(a)
	return nil
}

func (d *dir) Lookup(_ vfs.Context, name string) (vfs.Node, error) {
	d.fs.mu.RLock()
	defer d.fs.mu.RUnlock()
	if n, ok := d.entries[name]; ok {
		return n, nil
	}
	return nil, abi.ENOENT
}

func (d *dir) ReadDir(_ vfs.Context, skip, max int) ([]vfs.DirEntry, error) {
	d.fs.mu.RLock()
	defer d.fs.mu.RUnlock()
	if skip < 0 {
		return nil, abi.EINVAL
	}
	if skip >= len(d.order) {
		return nil, nil
	}
	names := d.order[skip:]
	if max > 0 && len(names) > max {
		names = names[:max]
	}
	out := make([]vfs.DirEntry, len(names))
	for i, name := range names {
		b := d.entries[name].base()
		out[i] = vfs.DirEntry{Name: name, Ino: b.ino, Type: abi.DirentType(b.typ)}
	}
	return out, nil
}

// checkName refuses names no directory may hold.
func checkName(name string) error {
	switch {
	case name == "" || name == "." || name == ".." || strings.IndexByte(name, '/') >= 0:
		return abi.EINVAL
	case len(name) > vfs.NameMax:
		return abi.ENAMETOOLONG
	}
	return nil
}

// owner returns the owner of a node made in d by the caller ctx
// describes: the caller's IDs, but d's group if d is set-group-ID.
func (d *dir) owner(ctx vfs.Context) (uid, gid uint32, sgid bool) {
	c := vfs.ContextCreds(ctx)
	uid, gid = c.UID, c.GID
	d.amu.Lock()
	defer d.amu.Unlock()
	if d.perm&abi.S_ISGID != 0 {
		return uid, d.gid, true
	}
	return uid, gid, false
}

// add makes a node with mk and enters it in d as name.
func (d *dir) add(ctx vfs.Context, name string, mk func(uid, gid uint32, sgid bool) node) (vfs.Node, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	uid, gid, sgid := d.owner(ctx)
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	if d.dead {
		return nil, abi.ENOENT
	}
	if _, ok := d.entries[name]; ok {
		return nil, abi.EEXIST
	}
	n := mk(uid, gid, sgid)
	d.insertLocked(name, n)
	if n.base().typ == abi.S_IFDIR {
		d.nlink++
	}
	d.touch()
	return n, nil
}

func (d *dir) insertLocked(name string, n node) {
	d.entries[name] = n
	d.order = append(d.order, name)
}

func (d *dir) removeLocked(name string) {
	delete(d.entries, name)
	if i := slices.Index(d.order, name); i >= 0 {
		d.order = slices.Delete(d.order, i, i+1)
	}
}

func (d *dir) Create(ctx vfs.Context, name string, mode uint32) (vfs.Node, error) {
	return d.add(ctx, name, func(uid, gid uint32, _ bool) node {
		f := &file{pages: map[int64]*page{}}
		d.fs.initInode(&f.inode, abi.S_IFREG|mode&0o7777, uid, gid)
		return f
	})
}

func (d *dir) Mkdir(ctx vfs.Context, name string, mode uint32) (vfs.Node, error) {
	return d.add(ctx, name, func(uid, gid uint32, sgid bool) node {
		c := &dir{entries: map[string]node{}, parent: d}
		mode &= 0o7777
		if sgid {
			mode |= abi.S_ISGID
		}
		d.fs.initInode(&c.inode, abi.S_IFDIR|mode, uid, gid)
		c.nlink = 2
		return c
	})
}

func (d *dir) Symlink(ctx vfs.Context, name, target string) (vfs.Node, error) {
	return d.add(ctx, name, func(uid, gid uint32, _ bool) node {
		s := &symlink{target: target}
		d.fs.initInode(&s.inode, abi.S_IFLNK|0o777, uid, gid)
		return s
	})
}

// Mknod makes a FIFO, socket, or character or block device node (which
// has attributes only), or a regular file.
func (d *dir) Mknod(ctx vfs.Context, name string, mode uint32, dev uint64) (vfs.Node, error) {
	typ := mode & abi.S_IFMT
	switch typ {
	case 0, abi.S_IFREG:
		return d.Create(ctx, name, mode&0o7777)
	case abi.S_IFIFO, abi.S_IFSOCK, abi.S_IFCHR, abi.S_IFBLK:
	default:
		return nil, abi.EINVAL
	}
	return d.add(ctx, name, func(uid, gid uint32, _ bool) node {
		if typ == abi.S_IFIFO {
			f := &fifo{p: pipe.NewFIFO(uid, gid)}
			d.fs.initInode(&f.inode, mode, uid, gid)
			return f
		}
		s := &special{}
		d.fs.initInode(&s.inode, mode, uid, gid)
		if typ == abi.S_IFCHR || typ == abi.S_IFBLK {
			s.rdev = dev
		}
		return s
	})
}

func (d *dir) Link(_ vfs.Context, target vfs.Node, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	n, ok := target.(node)
	if !ok || n.base().fs != d.fs {
		return abi.EXDEV
	}
	b := n.base()
	if b.typ == abi.S_IFDIR {
		return abi.EPERM
	}
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	if d.dead {
		return abi.ENOENT
	}
	if _, ok := d.entries[name]; ok {
		return abi.EEXIST
	}
	if b.nlink == 0 {
		return abi.ENOENT
	}
	b.nlink++
	d.insertLocked(name, n)
	b.changed()
	d.touch()
	return nil
}

// unlinkedLocked accounts for one name of n going away; the caller holds
// fs.mu.
func unlinkedLocked(n node) {
	b := n.base()
	if b.typ == abi.S_IFDIR {
		b.nlink = 0
		n.(*dir).dead = true
	} else if b.nlink > 0 {
		b.nlink--
	}
	b.changed()
	if f, ok := n.(*file); ok && b.nlink == 0 {
		f.maybeFree()
	}
}

func (d *dir) Unlink(_ vfs.Context, name string) error {
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	n, ok := d.entries[name]
	if !ok {
		return abi.ENOENT
	}
	if n.base().typ == abi.S_IFDIR {
		return abi.EISDIR
	}
	d.removeLocked(name)
	unlinkedLocked(n)
	d.touch()
	return nil
}

func (d *dir) Rmdir(_ vfs.Context, name string) error {
	d.fs.mu.Lock()
	defer d.fs.mu.Unlock()
	n, ok := d.entries[name]
	if !ok {
		return abi.ENOENT
	}
	c, ok := n.(*dir)
	if !ok {
		return abi.ENOTDIR
	}
	if len(c.entries) > 0 {
		return abi.ENOTEMPTY
	}
	d.removeLocked(name)
	unlinkedLocked(c)
	d.nlink--
	d.touch()
	return nil
}

func (d *dir) Rename(_ vfs.Context, oldName string, newDir vfs.Dir, newName string) error {
	nd, ok := newDir.(*dir)
	if !ok || nd.fs != d.fs {
		return abi.EXDEV
	}
	if err := checkName(newName); err != nil {
		return err
	}
	fs := d.fs
	fs.mu.Lock()
	defer fs.mu.Unlock()
	src, ok := d.entries[oldName]
	if !ok {
		return abi.ENOENT
	}
	if d.dead || nd.dead {
		return abi.ENOENT
	}
	srcDir, srcIsDir := src.(*dir)
	if srcIsDir {
		for a := nd; a != nil; a = a.parent {
			if a == srcDir {
				return abi.EINVAL
			}
		}
	}
	dst, exists := nd.entries[newName]
	if exists {
		if dst == src {
			return nil
		}
		dstDir, dstIsDir := dst.(*dir)
		switch {
		case srcIsDir && !dstIsDir:
			return abi.ENOTDIR
		case !srcIsDir && dstIsDir:
			return abi.EISDIR
		case dstIsDir && len(dstDir.entries) > 0:
			return abi.ENOTEMPTY
		}
		nd.removeLocked(newName)
		unlinkedLocked(dst)
		if dstIsDir {
			nd.nlink--
		}
	}
	d.removeLocked(oldName)
	nd.insertLocked(newName, src)
	if srcIsDir && nd != d {
		d.nlink--
		nd.nlink++
		srcDir.parent = nd
	}
	src.base().changed()
	d.touch()
	if nd != d {
		nd.touch()
	}
	return nil
}
