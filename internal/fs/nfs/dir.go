package nfs

import (
	"fmt"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/nfs/nfs3"
	"sos/internal/vfs"
)

// dir is a remote directory. Names it has looked up are remembered for
// the attribute cache timeout, and a listing is kept while the
// directory's mtime does not change, so that ReadDir can page through it
// by index.
type dir struct {
	inode

	// amu (the inode's) guards the following fields too.
	names    map[string]dent
	list     []vfs.DirEntry
	listFrom nfs3.Time // the directory's mtime when list was read
	noPlus   bool      // the server refused READDIRPLUS
}

// dent is a name looked up, and when.
type dent struct {
	n node
	t time.Time
}

var (
	_ vfs.WritableDir = (*dir)(nil)
	_ vfs.Revalidator = (*dir)(nil)
	_ vfs.Setattrer   = (*dir)(nil)
)

func (d *dir) Attr() (vfs.Attr, error)                    { return d.attrOf(d) }
func (d *dir) SetAttr(_ vfs.Context, a vfs.SetAttr) error { return setattr(d, a) }

func (d *dir) remember(name string, n node) {
	d.amu.Lock()
	if d.names == nil {
		d.names = map[string]dent{}
	}
	if n == nil {
		delete(d.names, name)
	} else {
		d.names[name] = dent{n, time.Now()}
	}
	d.list = nil
	d.amu.Unlock()
}

// changed records the directory's attributes after a change this client
// made (nil: unknown, ask next time).
func (d *dir) changed(w nfs3.Wcc) {
	if w.After != nil {
		setAttr(d, w.After, true)
	} else {
		d.invalidate()
	}
}

func (d *dir) Lookup(_ vfs.Context, name string) (vfs.Node, error) {
	d.amu.Lock()
	e, ok := d.names[name]
	d.amu.Unlock()
	if ok && d.fs.acTime >= 0 && time.Since(e.t) <= d.fs.acTime {
		return e.n, nil
	}
	n, err := d.lookup(name)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// lookup asks the server (LOOKUP) for name.
func (d *dir) lookup(name string) (node, error) {
	var r nfs3.LookupRes
	if err := d.fs.call(nfs3.ProcLookup, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: d.fh, Name: name}}, &r); err != nil {
		return nil, err
	}
	if r.DirAttr != nil {
		setAttr(d, r.DirAttr, false)
	}
	if r.Status != nfs3.StatusOK {
		if r.Status == nfs3.ErrNoent {
			d.remember(name, nil)
		}
		return nil, d.fs.status(d, r.Status)
	}
	n, err := d.fs.nodeOf(r.FH, r.Attr)
	if err != nil {
		return nil, err
	}
	d.remember(name, n)
	return n, nil
}

// nodeOf returns the node for a handle a reply carried, asking for its
// attributes if the reply had none.
func (fs *FS) nodeOf(fh nfs3.FH, fa *nfs3.Fattr) (node, error) {
	if len(fh) == 0 {
		return nil, abi.EIO
	}
	if fa == nil {
		var r nfs3.GetattrRes
		if err := fs.call(nfs3.ProcGetattr, &nfs3.FHArgs{FH: fh}, &r); err != nil {
			return nil, err
		}
		if r.Status != nfs3.StatusOK {
			return nil, errno(r.Status)
		}
		fa = &r.Attr
	}
	if _, ok := typeBits[fa.Type]; !ok {
		return nil, abi.EIO
	}
	return fs.node(fh, fa), nil
}

// Revalidate says whether name still names child: yes while the lookup
// is recent, else the server is asked.
func (d *dir) Revalidate(_ vfs.Context, name string, child vfs.Node) bool {
	d.amu.Lock()
	e, ok := d.names[name]
	d.amu.Unlock()
	if ok && e.n == child && d.fs.acTime >= 0 && time.Since(e.t) <= d.fs.acTime {
		return true
	}
	n, err := d.lookup(name)
	return err == nil && n == child
}

func (d *dir) ReadDir(_ vfs.Context, skip, max int) ([]vfs.DirEntry, error) {
	a, err := getattr(d, false)
	if err != nil {
		return nil, err
	}
	d.amu.Lock()
	list := d.list
	if list != nil && (skip == 0 || d.listFrom != a.Mtime) {
		list = nil // a new listing starts, or the directory changed
	}
	d.amu.Unlock()
	if list == nil {
		if list, err = d.readAll(); err != nil {
			return nil, err
		}
		d.amu.Lock()
		d.list, d.listFrom = list, a.Mtime
		d.amu.Unlock()
	}
	if skip >= len(list) {
		return nil, nil
	}
	list = list[skip:]
	if max > 0 && max < len(list) {
		list = list[:max]
	}
	return append([]vfs.DirEntry(nil), list...), nil
}

// readAll lists the directory with READDIRPLUS (READDIR if the server
// does not support it), following cookies to the end.
func (d *dir) readAll() ([]vfs.DirEntry, error) {
	var out []vfs.DirEntry
	var cookie uint64
	var verf [8]byte
	seen := map[uint64]bool{}
	for round := 0; ; round++ {
		if round > 1<<16 {
			return nil, abi.EIO // a server that never says EOF
		}
		d.amu.Lock()
		plus := !d.noPlus
		d.amu.Unlock()
		args := nfs3.ReaddirArgs{Dir: d.fh, Cookie: cookie, CookieVerf: verf, DirCount: 8192, Count: 32768}
		var r nfs3.ReaddirRes
		var err error
		if plus {
			var pr nfs3.ReaddirplusRes
			err = d.fs.call(nfs3.ProcReaddirplus, &nfs3.ReaddirplusArgs{ReaddirArgs: args}, &pr)
			r = pr.ReaddirRes
			if err == nil && r.Status == nfs3.ErrNotsupp {
				d.amu.Lock()
				d.noPlus = true
				d.amu.Unlock()
				continue
			}
		} else {
			args.Count = 8192
			err = d.fs.call(nfs3.ProcReaddir, &args, &r)
		}
		if err != nil {
			return nil, err
		}
		if r.DirAttr != nil {
			setAttr(d, r.DirAttr, false)
		}
		if r.Status == nfs3.ErrBadCookie && cookie != 0 {
			out, cookie, verf, seen = nil, 0, [8]byte{}, map[uint64]bool{}
			continue // the directory changed under us: start again
		}
		if r.Status != nfs3.StatusOK {
			return nil, d.fs.status(d, r.Status)
		}
		for i := range r.Entries {
			e := &r.Entries[i]
			cookie = e.Cookie
			if e.Name == "." || e.Name == ".." || e.Name == "" {
				continue
			}
			typ := uint8(abi.DT_UNKNOWN)
			if e.Attr != nil {
				typ = abi.DirentType(typeBits[e.Attr.Type])
				if len(e.FH) > 0 {
					if _, ok := typeBits[e.Attr.Type]; ok {
						d.remember(e.Name, d.fs.node(e.FH, e.Attr))
					}
				}
			}
			out = append(out, vfs.DirEntry{Name: e.Name, Ino: e.FileID, Type: typ})
		}
		verf = r.CookieVerf
		if r.EOF {
			break
		}
		if len(r.Entries) == 0 || seen[cookie] {
			return nil, abi.EIO // no progress: a broken server
		}
		seen[cookie] = true
	}
	// Entries without a type (plain READDIR) are looked up lazily by the
	// VFS; DT_UNKNOWN is what Linux gives too.
	return out, nil
}

// owner returns the owner to give a new file: the caller's, if this mount
// speaks as root (and may therefore set it) and maps no Owner.
func (d *dir) owner(ctx vfs.Context) (uid, gid *uint32) {
	if d.fs.opts.UID != 0 || d.fs.opts.Owner != nil {
		return nil, nil
	}
	c := vfs.ContextCreds(ctx)
	if c.UID == 0 && c.GID == 0 {
		return nil, nil
	}
	u, g := c.UID, c.GID
	return &u, &g
}

// made finishes a CREATE, MKDIR, SYMLINK or MKNOD.
func (d *dir) made(name string, r *nfs3.CreateRes) (vfs.Node, error) {
	d.changed(r.DirWcc)
	if r.Status != nfs3.StatusOK {
		return nil, d.fs.status(d, r.Status)
	}
	var n node
	var err error
	if len(r.FH) == 0 {
		n, err = d.lookup(name) // the server need not return the handle
	} else {
		n, err = d.fs.nodeOf(r.FH, r.Attr)
	}
	if err != nil {
		return nil, err
	}
	d.remember(name, n)
	return n, nil
}

// Create makes a regular file. GUARDED, so that a name made meanwhile by
// another client is EEXIST, as the VFS expects.
func (d *dir) Create(ctx vfs.Context, name string, mode uint32) (vfs.Node, error) {
	m := mode & 0o7777
	a := nfs3.CreateArgs{Where: nfs3.DirOp{Dir: d.fh, Name: name}, Mode: nfs3.Guarded, Attr: nfs3.Sattr{Mode: &m}}
	a.Attr.UID, a.Attr.GID = d.owner(ctx)
	var r nfs3.CreateRes
	if err := d.fs.call(nfs3.ProcCreate, &a, &r); err != nil {
		return nil, err
	}
	return d.made(name, &r)
}

func (d *dir) Mkdir(ctx vfs.Context, name string, mode uint32) (vfs.Node, error) {
	m := mode & 0o7777
	a := nfs3.MkdirArgs{Where: nfs3.DirOp{Dir: d.fh, Name: name}, Attr: nfs3.Sattr{Mode: &m}}
	a.Attr.UID, a.Attr.GID = d.owner(ctx)
	var r nfs3.CreateRes
	if err := d.fs.call(nfs3.ProcMkdir, &a, &r); err != nil {
		return nil, err
	}
	return d.made(name, &r)
}

func (d *dir) Symlink(ctx vfs.Context, name, target string) (vfs.Node, error) {
	m := uint32(0o777)
	a := nfs3.SymlinkArgs{Where: nfs3.DirOp{Dir: d.fh, Name: name}, Attr: nfs3.Sattr{Mode: &m}, Target: target}
	a.Attr.UID, a.Attr.GID = d.owner(ctx)
	var r nfs3.CreateRes
	if err := d.fs.call(nfs3.ProcSymlink, &a, &r); err != nil {
		return nil, err
	}
	return d.made(name, &r)
}

func (d *dir) Mknod(ctx vfs.Context, name string, mode uint32, dev uint64) (vfs.Node, error) {
	var t nfs3.Ftype
	switch mode & abi.S_IFMT {
	case abi.S_IFIFO:
		t = nfs3.TypeFifo
	case abi.S_IFSOCK:
		t = nfs3.TypeSock
	default:
		return nil, abi.EPERM
	}
	m := mode & 0o7777
	a := nfs3.MknodArgs{Where: nfs3.DirOp{Dir: d.fh, Name: name}, Type: t, Attr: nfs3.Sattr{Mode: &m}}
	a.Attr.UID, a.Attr.GID = d.owner(ctx)
	var r nfs3.CreateRes
	if err := d.fs.call(nfs3.ProcMknod, &a, &r); err != nil {
		return nil, err
	}
	return d.made(name, &r)
}

func (d *dir) remove(proc uint32, name string) error {
	var r nfs3.WccRes
	if err := d.fs.call(proc, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: d.fh, Name: name}}, &r); err != nil {
		return err
	}
	d.changed(r.Wcc)
	d.amu.Lock()
	gone, had := d.names[name]
	d.amu.Unlock()
	if had {
		gone.n.base().invalidate() // its link count changed
	}
	if r.Status == nfs3.ErrNoent || r.Status == nfs3.StatusOK {
		d.remember(name, nil)
	}
	if r.Status != nfs3.StatusOK {
		return d.fs.status(d, r.Status)
	}
	return nil
}

// Unlink removes name. A file this client has open is renamed to a
// hidden .nfs name instead (silly rename), so that it can still be read
// and written through its open descriptions, and removed at the last
// close: NFSv3 servers keep no open state, and a removed file's handle
// goes stale.
func (d *dir) Unlink(_ vfs.Context, name string) error {
	if d.fs.openFiles.Load() > 0 {
		d.amu.Lock()
		e, ok := d.names[name]
		d.amu.Unlock()
		var n node
		if ok {
			n = e.n
		} else if l, err := d.lookup(name); err == nil {
			n = l
		}
		if f, isFile := n.(*file); isFile {
			f.dmu.Lock()
			open := f.opens > 0 && f.silly == nil
			f.dmu.Unlock()
			if open {
				return d.sillyRename(name, f)
			}
		}
	}
	return d.remove(nfs3.ProcRemove, name)
}

// sillyName is where an unlinked open file went.
type sillyName struct {
	dir  *dir
	name string
}

var sillyCounter atomic.Uint64

func (d *dir) sillyRename(name string, f *file) error {
	a, _ := f.cached()
	for range 10 {
		tmp := fmt.Sprintf(".nfs%016x%08x", a.FileID, sillyCounter.Add(1))
		var r nfs3.RenameRes
		a := nfs3.RenameArgs{From: nfs3.DirOp{Dir: d.fh, Name: name}, To: nfs3.DirOp{Dir: d.fh, Name: tmp}}
		if err := d.fs.call(nfs3.ProcRename, &a, &r); err != nil {
			return err
		}
		d.changed(r.FromWcc)
		if r.Status == nfs3.ErrExist {
			continue
		}
		if r.Status != nfs3.StatusOK {
			return d.fs.status(d, r.Status)
		}
		d.remember(name, nil)
		f.invalidate()
		f.dmu.Lock()
		f.silly = &sillyName{d, tmp}
		f.dmu.Unlock()
		return nil
	}
	return abi.EBUSY
}

func (d *dir) Rmdir(_ vfs.Context, name string) error {
	err := d.remove(nfs3.ProcRmdir, name)
	if err == abi.EEXIST {
		err = abi.ENOTEMPTY // RFC 1813 allows either
	}
	return err
}

func (d *dir) Rename(_ vfs.Context, oldName string, newDir vfs.Dir, newName string) error {
	nd, ok := newDir.(*dir)
	if !ok || nd.fs != d.fs {
		return abi.EXDEV
	}
	var r nfs3.RenameRes
	a := nfs3.RenameArgs{From: nfs3.DirOp{Dir: d.fh, Name: oldName}, To: nfs3.DirOp{Dir: nd.fh, Name: newName}}
	if err := d.fs.call(nfs3.ProcRename, &a, &r); err != nil {
		return err
	}
	d.changed(r.FromWcc)
	nd.changed(r.ToWcc)
	d.amu.Lock()
	moved, had := d.names[oldName]
	d.amu.Unlock()
	d.remember(oldName, nil)
	nd.remember(newName, nil)
	if r.Status != nfs3.StatusOK {
		if r.Status == nfs3.ErrExist {
			return abi.ENOTEMPTY
		}
		return d.fs.status(d, r.Status)
	}
	if had {
		nd.remember(newName, moved.n)
		moved.n.base().invalidate() // its ctime changed
	}
	return nil
}

func (d *dir) Link(_ vfs.Context, n vfs.Node, newName string) error {
	src, ok := n.(node)
	if !ok || src.base().fs != d.fs {
		return abi.EXDEV
	}
	var r nfs3.LinkRes
	if err := d.fs.call(nfs3.ProcLink, &nfs3.LinkArgs{File: src.base().fh, Link: nfs3.DirOp{Dir: d.fh, Name: newName}}, &r); err != nil {
		return err
	}
	d.changed(r.DirWcc)
	if r.Status != nfs3.StatusOK {
		return d.fs.status(src, r.Status)
	}
	if r.Attr != nil {
		setAttr(src, r.Attr, true)
	} else {
		src.base().invalidate()
	}
	d.remember(newName, src)
	return nil
}
