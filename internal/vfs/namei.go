package vfs

import (
	"time"

	"sos/internal/abi"
)

// This file holds the operations on names that system calls use. Each
// takes the caller's Context and FSContext (root, working directory,
// umask, credentials) and a start directory for relative paths (nil means
// the working directory), as the *at system calls do. Callers handle
// AT_EMPTY_PATH themselves, using the File's dentry.

// Open opens path (openat(2)). flags are open(2)'s: the access mode,
// O_CREAT (making a regular file with mode&^umask), O_EXCL, O_TRUNC,
// O_DIRECTORY, O_NOFOLLOW, O_PATH, O_APPEND, O_NONBLOCK... The returned
// File has one reference, which the caller owns.
func (ns *Namespace) Open(ctx Context, fs *FSContext, start *Dentry, path string, flags int, mode uint32) (*File, error) {
	w := ns.newWalker(ctx, fs)
	start = w.start(start)
	if flags&abi.O_TMPFILE == abi.O_TMPFILE {
		return nil, abi.EOPNOTSUPP
	}
	if flags&abi.O_PATH != 0 {
		flags &= abi.O_PATH | abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_CLOEXEC
		d, err := w.resolve(start, path, flags&abi.O_NOFOLLOW == 0, flags&abi.O_DIRECTORY != 0)
		if err != nil {
			return nil, err
		}
		return NewFile(pathOps{}, d, flags), nil
	}
	var d *Dentry
	var err error
	created := false
	if flags&abi.O_CREAT != 0 {
		if flags&abi.O_DIRECTORY != 0 {
			return nil, abi.EINVAL
		}
		d, created, err = w.openCreate(start, path, flags, mode&0o7777&^w.umask)
	} else {
		d, err = w.resolve(start, path, flags&abi.O_NOFOLLOW == 0, flags&abi.O_DIRECTORY != 0)
	}
	if err != nil {
		return nil, err
	}
	return w.openDentry(d, flags, created)
}

// openCreate finds or makes the file an O_CREAT open names, following a
// symbolic link in the last component (and making its target) unless
// O_EXCL or O_NOFOLLOW say otherwise.
func (w *walker) openCreate(start *Dentry, path string, flags int, perm uint32) (d *Dentry, created bool, err error) {
	for {
		dir, name, trailing, err := w.parent(start, path)
		if err != nil {
			return nil, false, err
		}
		if trailing || name == "/" || name == "." || name == ".." {
			return nil, false, abi.EISDIR
		}
		if err := w.mayExec(dir); err != nil {
			return nil, false, err
		}
		dir.dirMu.Lock()
		c, err := w.ns.lookupLocked(w.ctx, dir, name)
		if err == abi.ENOENT {
			c, err = w.create(dir, name, func(wd WritableDir) (Node, error) {
				return wd.Create(w.ctx, name, perm)
			})
			dir.dirMu.Unlock()
			return c, err == nil, err
		}
		dir.dirMu.Unlock()
		if err != nil {
			return nil, false, err
		}
		if flags&abi.O_EXCL != 0 {
			return nil, false, abi.EEXIST
		}
		c = c.top()
		if !c.isSymlink() {
			return c, false, nil
		}
		if flags&abi.O_NOFOLLOW != 0 {
			return nil, false, abi.ELOOP
		}
		w.links++
		if w.links > MaxSymlinks {
			return nil, false, abi.ELOOP
		}
		if ml, ok := c.node.(MagicLink); ok {
			t, err := ml.Follow(w.ctx)
			if err != nil {
				return nil, false, err
			}
			return t.top(), false, nil
		}
		target, err := c.node.(Symlink).Readlink(w.ctx)
		if err != nil {
			return nil, false, err
		}
		if err := checkPath(target); err != nil {
			return nil, false, err
		}
		start, path = dir, target
	}
}

// accessWanted returns the permissions open flags need.
func accessWanted(flags int) uint32 {
	var want uint32
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		want = abi.R_OK
	case abi.O_WRONLY:
		want = abi.W_OK
	default:
		want = abi.R_OK | abi.W_OK
	}
	if flags&abi.O_TRUNC != 0 {
		want |= abi.W_OK
	}
	return want
}

// writeNeedsRW reports whether writing to a node of type typ needs a
// writable mount (devices and FIFOs do not).
func writeNeedsRW(typ uint32) bool {
	return typ == abi.S_IFREG || typ == abi.S_IFDIR || typ == abi.S_IFLNK
}

// openDentry opens the file d names.
func (w *walker) openDentry(d *Dentry, flags int, created bool) (*File, error) {
	if d.isSymlink() {
		return nil, abi.ELOOP // O_NOFOLLOW met a link
	}
	want := accessWanted(flags)
	if d.IsDir() {
		if want&abi.W_OK != 0 || flags&abi.O_CREAT != 0 {
			return nil, abi.EISDIR
		}
	} else if flags&abi.O_DIRECTORY != 0 {
		return nil, abi.ENOTDIR
	}
	if !created {
		if want&abi.W_OK != 0 && writeNeedsRW(d.typ) && d.mount != nil && d.mount.readOnly {
			return nil, abi.EROFS
		}
		a, err := d.node.Attr()
		if err != nil {
			return nil, err
		}
		if err := w.creds.Permission(a, want); err != nil {
			return nil, err
		}
	}
	var ops FileOps
	switch o, ok := d.node.(Opener); {
	case ok:
		var err error
		if ops, err = o.Open(w.ctx, flags); err != nil {
			return nil, err
		}
	case d.IsDir():
		ops = &dirFile{ns: w.ns, d: d}
	default:
		return nil, abi.ENXIO
	}
	f := NewFile(ops, d, flags)
	if flags&abi.O_TRUNC != 0 && !created && d.typ == abi.S_IFREG {
		var zero int64
		if err := setAttr(w.ctx, w.creds, d, SetAttr{Size: &zero}, true); err != nil {
			f.DecRef()
			return nil, err
		}
	}
	return f, nil
}

// create makes name in dir with mk, after the checks every creation
// makes, and caches the result. The caller holds dir.dirMu and has looked
// name up (abi.ENOENT).
func (w *walker) create(dir *Dentry, name string, mk func(WritableDir) (Node, error)) (*Dentry, error) {
	wd, err := w.mayModify(dir)
	if err != nil {
		return nil, err
	}
	n, err := mk(wd)
	if err != nil {
		return nil, err
	}
	return w.ns.addChild(dir, name, n)
}

// mayModify checks that the caller may add or remove names in dir:
// abi.EROFS on a read-only mount or file system, abi.EACCES without write
// and search permission, abi.ENOENT if dir was removed.
func (w *walker) mayModify(dir *Dentry) (WritableDir, error) {
	wd, ok := dir.node.(WritableDir)
	if !ok || (dir.mount != nil && dir.mount.readOnly) {
		return nil, abi.EROFS
	}
	a, err := dir.node.Attr()
	if err != nil {
		return nil, err
	}
	if err := w.creds.Permission(a, abi.W_OK|abi.X_OK); err != nil {
		return nil, err
	}
	if dir.Deleted() {
		return nil, abi.ENOENT
	}
	return wd, nil
}

// mayDelete checks that the caller may remove or rename away c from dir:
// mayModify's checks plus the sticky bit (only the owner of the file or
// of the directory, or root, may remove from a sticky directory).
func (w *walker) mayDelete(dir, c *Dentry) (WritableDir, error) {
	wd, err := w.mayModify(dir)
	if err != nil {
		return nil, err
	}
	if c.mounted != nil || (c.mount != nil && c == c.mount.root) {
		return nil, abi.EBUSY
	}
	if w.creds.UID == 0 {
		return wd, nil
	}
	da, err := dir.node.Attr()
	if err != nil {
		return nil, err
	}
	if da.Mode&abi.S_ISVTX != 0 && da.UID != w.creds.UID {
		ca, err := c.node.Attr()
		if err != nil {
			return nil, err
		}
		if ca.UID != w.creds.UID {
			return nil, abi.EPERM
		}
	}
	return wd, nil
}

// makeNode is the common path of Mkdir, Mknod, Symlink and Link: resolve
// the parent, refuse names that exist, check and create.
func (ns *Namespace) makeNode(w *walker, start *Dentry, path string, isDir bool, mk func(wd WritableDir, dir *Dentry, name string) (Node, error)) error {
	dir, name, trailing, err := w.parent(w.start(start), path)
	if err != nil {
		return err
	}
	if name == "/" || name == "." || name == ".." {
		return abi.EEXIST
	}
	if err := w.mayExec(dir); err != nil {
		return err
	}
	dir.dirMu.Lock()
	defer dir.dirMu.Unlock()
	if _, err := ns.lookupLocked(w.ctx, dir, name); err != abi.ENOENT {
		if err == nil {
			return abi.EEXIST
		}
		return err
	}
	if trailing && !isDir {
		return abi.ENOENT
	}
	_, err = w.create(dir, name, func(wd WritableDir) (Node, error) { return mk(wd, dir, name) })
	return err
}

// Mkdir makes a directory (mkdirat(2)) with permissions mode&^umask
// (keeping the sticky bit).
func (ns *Namespace) Mkdir(ctx Context, fs *FSContext, start *Dentry, path string, mode uint32) error {
	w := ns.newWalker(ctx, fs)
	perm := mode & (0o777 | abi.S_ISVTX) &^ w.umask
	return ns.makeNode(w, start, path, true, func(wd WritableDir, _ *Dentry, name string) (Node, error) {
		return wd.Mkdir(w.ctx, name, perm)
	})
}

// Mknod makes a FIFO, socket, device or regular file (mknodat(2)); mode
// holds the type and permissions (umask applies). Only UID 0 may make
// devices (abi.EPERM); directories are abi.EPERM and unknown types
// abi.EINVAL.
func (ns *Namespace) Mknod(ctx Context, fs *FSContext, start *Dentry, path string, mode uint32, dev uint64) error {
	w := ns.newWalker(ctx, fs)
	perm := mode & 0o7777 &^ w.umask
	typ := mode & abi.S_IFMT
	switch typ {
	case 0, abi.S_IFREG:
		return ns.makeNode(w, start, path, false, func(wd WritableDir, _ *Dentry, name string) (Node, error) {
			return wd.Create(w.ctx, name, perm)
		})
	case abi.S_IFCHR, abi.S_IFBLK:
		if w.creds.UID != 0 {
			return abi.EPERM
		}
	case abi.S_IFIFO, abi.S_IFSOCK:
	case abi.S_IFDIR:
		return abi.EPERM
	default:
		return abi.EINVAL
	}
	return ns.makeNode(w, start, path, false, func(wd WritableDir, _ *Dentry, name string) (Node, error) {
		return wd.Mknod(w.ctx, name, typ|perm, dev)
	})
}

// Symlink makes path a symbolic link to target (symlinkat(2)).
func (ns *Namespace) Symlink(ctx Context, fs *FSContext, target string, start *Dentry, path string) error {
	if err := checkPath(target); err != nil {
		return err
	}
	w := ns.newWalker(ctx, fs)
	return ns.makeNode(w, start, path, false, func(wd WritableDir, _ *Dentry, name string) (Node, error) {
		return wd.Symlink(w.ctx, name, target)
	})
}

// Link makes newPath another name for the file at oldPath (linkat(2)),
// following a symbolic link at oldPath if follow (AT_SYMLINK_FOLLOW).
// Directories are abi.EPERM; names on different mounts abi.EXDEV.
func (ns *Namespace) Link(ctx Context, fs *FSContext, oldStart *Dentry, oldPath string, newStart *Dentry, newPath string, follow bool) error {
	w := ns.newWalker(ctx, fs)
	old, err := w.resolve(w.start(oldStart), oldPath, follow, false)
	if err != nil {
		return err
	}
	if old.IsDir() {
		return abi.EPERM
	}
	return ns.makeNode(w, newStart, newPath, false, func(wd WritableDir, dir *Dentry, name string) (Node, error) {
		if old.mount != dir.mount {
			return nil, abi.EXDEV
		}
		if err := wd.Link(w.ctx, old.node, name); err != nil {
			return nil, err
		}
		return old.node, nil
	})
}

// Unlink removes a name that is not a directory (unlinkat(2) without
// AT_REMOVEDIR): abi.EISDIR for a directory, abi.EBUSY for a mount point.
func (ns *Namespace) Unlink(ctx Context, fs *FSContext, start *Dentry, path string) error {
	w := ns.newWalker(ctx, fs)
	dir, name, trailing, err := w.parent(w.start(start), path)
	if err != nil {
		return err
	}
	if name == "/" || name == "." || name == ".." {
		return abi.EISDIR
	}
	if err := w.mayExec(dir); err != nil {
		return err
	}
	dir.dirMu.Lock()
	defer dir.dirMu.Unlock()
	c, err := ns.lookupLocked(w.ctx, dir, name)
	if err != nil {
		return err
	}
	if c.IsDir() {
		return abi.EISDIR
	}
	if trailing {
		return abi.ENOTDIR
	}
	wd, err := w.mayDelete(dir, c)
	if err != nil {
		return err
	}
	if err := wd.Unlink(w.ctx, name); err != nil {
		return err
	}
	ns.dropChild(dir, name, c)
	return nil
}

// Rmdir removes an empty directory (unlinkat(2) with AT_REMOVEDIR):
// abi.ENOTDIR, abi.ENOTEMPTY, abi.EBUSY for a mount point or the root,
// abi.EINVAL for ".".
func (ns *Namespace) Rmdir(ctx Context, fs *FSContext, start *Dentry, path string) error {
	w := ns.newWalker(ctx, fs)
	dir, name, _, err := w.parent(w.start(start), path)
	if err != nil {
		return err
	}
	switch name {
	case "/":
		return abi.EBUSY
	case ".":
		return abi.EINVAL
	case "..":
		return abi.ENOTEMPTY
	}
	if err := w.mayExec(dir); err != nil {
		return err
	}
	dir.dirMu.Lock()
	defer dir.dirMu.Unlock()
	c, err := ns.lookupLocked(w.ctx, dir, name)
	if err != nil {
		return err
	}
	if !c.IsDir() {
		return abi.ENOTDIR
	}
	if c == w.root {
		return abi.EBUSY
	}
	wd, err := w.mayDelete(dir, c)
	if err != nil {
		return err
	}
	if err := wd.Rmdir(w.ctx, name); err != nil {
		return err
	}
	ns.dropChild(dir, name, c)
	return nil
}

// Rename moves oldPath to newPath (renameat2(2)), replacing what newPath
// names as rename(2) does. flags may hold abi.RENAME_NOREPLACE
// (abi.EEXIST if newPath exists); abi.RENAME_EXCHANGE is not supported
// (abi.EINVAL). Names on different mounts are abi.EXDEV, mount points
// abi.EBUSY, and moving a directory under itself abi.EINVAL.
func (ns *Namespace) Rename(ctx Context, fs *FSContext, oldStart *Dentry, oldPath string, newStart *Dentry, newPath string, flags uint32) error {
	if flags&^abi.RENAME_NOREPLACE != 0 {
		return abi.EINVAL
	}
	w := ns.newWalker(ctx, fs)
	oldDir, oldName, oldTrailing, err := w.parent(w.start(oldStart), oldPath)
	if err != nil {
		return err
	}
	newDir, newName, newTrailing, err := w.parent(w.start(newStart), newPath)
	if err != nil {
		return err
	}
	if isDotName(oldName) || isDotName(newName) {
		return abi.EBUSY
	}
	if oldDir.mount != newDir.mount {
		return abi.EXDEV
	}
	if err := w.mayExec(oldDir); err != nil {
		return err
	}
	if err := w.mayExec(newDir); err != nil {
		return err
	}
	if oldDir == newDir {
		oldDir.dirMu.Lock()
		defer oldDir.dirMu.Unlock()
	} else {
		ns.renameMu.Lock()
		defer ns.renameMu.Unlock()
		oldDir.dirMu.Lock()
		defer oldDir.dirMu.Unlock()
		newDir.dirMu.Lock()
		defer newDir.dirMu.Unlock()
	}
	src, err := ns.lookupLocked(w.ctx, oldDir, oldName)
	if err != nil {
		return err
	}
	srcIsDir := src.IsDir()
	if (oldTrailing || newTrailing) && !srcIsDir {
		return abi.ENOTDIR
	}
	dst, err := ns.lookupLocked(w.ctx, newDir, newName)
	switch {
	case err == abi.ENOENT:
		dst = nil
	case err != nil:
		return err
	case flags&abi.RENAME_NOREPLACE != 0:
		return abi.EEXIST
	case sameFile(src.node, dst.node):
		return nil // the same file: rename(2) does nothing
	case srcIsDir && !dst.IsDir():
		return abi.ENOTDIR
	case !srcIsDir && dst.IsDir():
		return abi.EISDIR
	}
	if srcIsDir && oldDir != newDir && ns.isAncestor(src, newDir) {
		return abi.EINVAL
	}
	wd, err := w.mayDelete(oldDir, src)
	if err != nil {
		return err
	}
	if newDir != oldDir || dst != nil {
		if dst != nil {
			if _, err := w.mayDelete(newDir, dst); err != nil {
				return err
			}
		} else if _, err := w.mayModify(newDir); err != nil {
			return err
		}
	}
	if srcIsDir && oldDir != newDir && w.creds.UID != 0 {
		// Moving a directory rewrites its "..".
		a, err := src.node.Attr()
		if err != nil {
			return err
		}
		if err := w.creds.Permission(a, abi.W_OK); err != nil {
			return err
		}
	}
	if err := wd.Rename(w.ctx, oldName, newDir.node.(Dir), newName); err != nil {
		return err
	}
	ns.mu.Lock()
	if oldDir.children[oldName] == src {
		delete(oldDir.children, oldName)
	}
	if dst != nil {
		dst.deleted = true
	}
	if newDir.children == nil {
		newDir.children = make(map[string]*Dentry)
	}
	newDir.children[newName] = src
	src.parent, src.name = newDir, newName
	ns.mu.Unlock()
	return nil
}

func isDotName(name string) bool { return name == "/" || name == "." || name == ".." }

// isAncestor reports whether a is d or one of d's ancestors in d's mount.
func (ns *Namespace) isAncestor(a, d *Dentry) bool {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	for ; d != nil; d = d.parent {
		if d == a {
			return true
		}
	}
	return false
}

// Readlink returns the target of the symbolic link path (readlinkat(2)):
// abi.EINVAL if it is not one.
func (ns *Namespace) Readlink(ctx Context, fs *FSContext, start *Dentry, path string) (string, error) {
	w := ns.newWalker(ctx, fs)
	d, err := w.resolve(w.start(start), path, false, false)
	if err != nil {
		return "", err
	}
	if !d.isSymlink() {
		return "", abi.EINVAL
	}
	return d.node.(Symlink).Readlink(w.ctx)
}

// Stat returns the attributes of the file path names (newfstatat(2)),
// following a symbolic link in the last component if follow.
func (ns *Namespace) Stat(ctx Context, fs *FSContext, start *Dentry, path string, follow bool) (Attr, error) {
	w := ns.newWalker(ctx, fs)
	d, err := w.resolve(w.start(start), path, follow, false)
	if err != nil {
		return Attr{}, err
	}
	return d.node.Attr()
}

// SetAttr changes attributes of the file path names (chmod, chown,
// utimensat, truncate), following a symbolic link in the last component
// if follow. A non-nil Atime or Mtime pointing to the zero time.Time means
// the current time (UTIME_NOW), which write permission allows; explicit
// times, like modes, need the owner (abi.EPERM); changing the owner needs
// root, and the group the owner being a member of it.
func (ns *Namespace) SetAttr(ctx Context, fs *FSContext, start *Dentry, path string, follow bool, a SetAttr) error {
	w := ns.newWalker(ctx, fs)
	d, err := w.resolve(w.start(start), path, follow, false)
	if err != nil {
		return err
	}
	return setAttr(w.ctx, w.creds, d, a, false)
}

// Truncate sets the size of the regular file path names (truncate(2)):
// abi.EISDIR for a directory, abi.EINVAL for other types or a negative
// size, abi.EACCES without write permission.
func (ns *Namespace) Truncate(ctx Context, fs *FSContext, start *Dentry, path string, size int64) error {
	w := ns.newWalker(ctx, fs)
	d, err := w.resolve(w.start(start), path, true, false)
	if err != nil {
		return err
	}
	return setAttr(w.ctx, w.creds, d, SetAttr{Size: &size}, false)
}

// Access checks that the caller may access path in the ways mode asks
// (faccessat2(2): abi.F_OK, or R_OK|W_OK|X_OK). flags may hold
// abi.AT_SYMLINK_NOFOLLOW and abi.AT_EACCESS (which changes nothing: SOS
// has one set of IDs); callers handle abi.AT_EMPTY_PATH. Asking to write
// to a regular file, directory or link on a read-only mount is abi.EROFS.
func (ns *Namespace) Access(ctx Context, fs *FSContext, start *Dentry, path string, mode uint32, flags int) error {
	if mode&^uint32(abi.R_OK|abi.W_OK|abi.X_OK) != 0 || flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EACCESS) != 0 {
		return abi.EINVAL
	}
	w := ns.newWalker(ctx, fs)
	d, err := w.resolve(w.start(start), path, flags&abi.AT_SYMLINK_NOFOLLOW == 0, false)
	if err != nil {
		return err
	}
	if mode == abi.F_OK {
		return nil
	}
	if mode&abi.W_OK != 0 && writeNeedsRW(d.typ) && d.mount != nil && d.mount.readOnly {
		return abi.EROFS
	}
	a, err := d.node.Attr()
	if err != nil {
		return err
	}
	return w.creds.Permission(a, mode)
}

// setAttr changes d's attributes after Linux's checks (see
// Namespace.SetAttr). sizeChecked says the caller already checked that
// the size may change (ftruncate on a file open for writing, O_TRUNC).
func setAttr(ctx Context, creds *Creds, d *Dentry, a SetAttr, sizeChecked bool) error {
	if d.mount != nil && d.mount.readOnly {
		return abi.EROFS
	}
	sa, ok := d.node.(Setattrer)
	if !ok {
		return abi.EPERM
	}
	cur, err := d.node.Attr()
	if err != nil {
		return err
	}
	owner := creds.isOwner(cur)
	if a.Size != nil {
		switch {
		case d.typ == abi.S_IFDIR:
			return abi.EISDIR
		case d.typ != abi.S_IFREG || *a.Size < 0:
			return abi.EINVAL
		}
		if !sizeChecked {
			if err := creds.Permission(cur, abi.W_OK); err != nil {
				return err
			}
		}
	}
	if a.Mode != nil {
		if !owner {
			return abi.EPERM
		}
		m := *a.Mode & 0o7777
		if creds.UID != 0 && d.typ != abi.S_IFDIR && !creds.InGroup(cur.GID) {
			m &^= abi.S_ISGID
		}
		a.Mode = &m
	}
	if a.UID != nil && *a.UID != cur.UID && creds.UID != 0 {
		return abi.EPERM
	}
	if a.GID != nil && *a.GID != cur.GID && creds.UID != 0 && (!owner || !creds.InGroup(*a.GID)) {
		return abi.EPERM
	}
	if a.Atime != nil || a.Mtime != nil {
		now := time.Now()
		explicit := false
		for _, t := range []**time.Time{&a.Atime, &a.Mtime} {
			if *t == nil {
				continue
			}
			if (*t).IsZero() {
				*t = &now
			} else {
				explicit = true
			}
		}
		if !owner {
			if explicit {
				return abi.EPERM
			}
			if err := creds.Permission(cur, abi.W_OK); err != nil {
				return err
			}
		}
	}
	return sa.SetAttr(ctx, a)
}
