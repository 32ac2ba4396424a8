package nfs

import (
	"bytes"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/nfs/nfs3"
	"sos/internal/vfs"
)

// node is what every node of the file system is.
type node interface {
	vfs.Node
	base() *inode
}

// inode is a remote file known by its handle, with its cached attributes.
type inode struct {
	fs  *FS
	fh  nfs3.FH // never changes; owned by the node
	typ nfs3.Ftype

	// amu guards the following fields.
	amu   sync.Mutex
	attr  nfs3.Fattr
	fresh time.Time // when attr came from the server; zero: must ask
}

func (n *inode) base() *inode { return n }

// node returns the one node for handle fh, making it if it is new, and
// records attributes the server sent with it (nil: none).
func (fs *FS) node(fh nfs3.FH, fa *nfs3.Fattr) node {
	key := string(fh)
	fs.mu.Lock()
	n := fs.nodes[key]
	if n != nil && fa != nil && n.base().typ != fa.Type {
		n = nil // the server reused a handle for another type
	}
	if n == nil {
		typ := nfs3.TypeReg
		if fa != nil {
			typ = fa.Type
		}
		switch typ {
		case nfs3.TypeDir:
			n = &dir{}
		case nfs3.TypeLnk:
			n = &symlink{}
		case nfs3.TypeReg:
			f := &file{wsem: make(chan struct{}, 2*fs.opts.Window)}
			f.wcond.L = &f.dmu
			n = f
		default:
			n = &special{}
		}
		in := n.base()
		in.fs, in.fh, in.typ = fs, nfs3.FH(key), typ
		fs.nodes[key] = n
	}
	fs.mu.Unlock()
	if fa != nil {
		setAttr(n, fa, false)
	}
	return n
}

// forget drops n from the node table (its handle went stale).
func (fs *FS) forget(n *inode) {
	fs.mu.Lock()
	if m := fs.nodes[string(n.fh)]; m != nil && m.base() == n {
		delete(fs.nodes, string(n.fh))
	}
	fs.mu.Unlock()
}

// status turns an NFS status about n into an errno, forgetting n if its
// handle is stale.
func (fs *FS) status(n node, s nfs3.Status) error {
	if (s == nfs3.ErrStale || s == nfs3.ErrBadhandle) && n != nil {
		fs.forget(n.base())
		n.base().invalidate()
	}
	return errno(s)
}

// setAttr records attributes from the server. own says the change they
// show was this client's (a WRITE or SETATTR reply), so cached data stays.
func setAttr(n node, fa *nfs3.Fattr, own bool) {
	in := n.base()
	if fa.Type != in.typ {
		return // a confused server; keep what we had
	}
	in.amu.Lock()
	old, had := in.attr, in.attr.Type != 0
	in.attr = *fa
	in.fresh = time.Now()
	in.amu.Unlock()
	if f, ok := n.(*file); ok && had && !own && (old.Mtime != fa.Mtime || old.Size != fa.Size) {
		f.dropCache()
	}
}

// invalidate makes the next Attr ask the server.
func (n *inode) invalidate() {
	n.amu.Lock()
	n.fresh = time.Time{}
	n.amu.Unlock()
}

// cached returns the cached attributes if they are recent enough.
func (n *inode) cached() (nfs3.Fattr, bool) {
	n.amu.Lock()
	defer n.amu.Unlock()
	if n.fresh.IsZero() || n.fs.acTime < 0 || time.Since(n.fresh) > n.fs.acTime {
		return n.attr, false
	}
	return n.attr, true
}

// getattr returns n's attributes, from the cache unless force or expired.
func getattr(n node, force bool) (nfs3.Fattr, error) {
	in := n.base()
	if !force {
		if a, ok := in.cached(); ok {
			return a, nil
		}
	}
	var r nfs3.GetattrRes
	if err := in.fs.call(nfs3.ProcGetattr, &nfs3.FHArgs{FH: in.fh}, &r); err != nil {
		return nfs3.Fattr{}, err
	}
	if r.Status != nfs3.StatusOK {
		return nfs3.Fattr{}, in.fs.status(n, r.Status)
	}
	if r.Attr.Type != in.typ {
		return nfs3.Fattr{}, abi.ESTALE // the handle now names something else
	}
	setAttr(n, &r.Attr, false)
	return r.Attr, nil
}

func toTime(t nfs3.Time) time.Time { return time.Unix(int64(t.Sec), int64(t.Nsec)) }

func fromTime(t time.Time) nfs3.Time {
	return nfs3.Time{Sec: uint32(t.Unix()), Nsec: uint32(t.Nanosecond())}
}

var typeBits = map[nfs3.Ftype]uint32{
	nfs3.TypeReg: abi.S_IFREG, nfs3.TypeDir: abi.S_IFDIR, nfs3.TypeBlk: abi.S_IFBLK, nfs3.TypeChr: abi.S_IFCHR,
	nfs3.TypeLnk: abi.S_IFLNK, nfs3.TypeSock: abi.S_IFSOCK, nfs3.TypeFifo: abi.S_IFIFO,
}

// vfsAttr converts fattr3 to the VFS's attributes.
func (fs *FS) vfsAttr(a *nfs3.Fattr) vfs.Attr {
	maj, mnr := uint64(a.RdevMajor), uint64(a.RdevMinor)
	uid, gid := a.UID, a.GID
	if o := fs.opts.Owner; o != nil {
		if uid == fs.opts.UID {
			uid = o.UID
		}
		if gid == fs.opts.GID {
			gid = o.GID
		}
	}
	return vfs.Attr{
		Ino:     a.FileID,
		Dev:     fs.dev,
		Rdev:    (maj&0xfff)<<8 | (mnr & 0xff) | (mnr&^0xff)<<12,
		Mode:    typeBits[a.Type] | a.Mode&0o7777,
		Nlink:   a.Nlink,
		UID:     uid,
		GID:     gid,
		Size:    int64(min(a.Size, 1<<63-1)),
		Blksize: int32(fs.wsize),
		Blocks:  int64(a.Used / 512),
		Atime:   toTime(a.Atime),
		Mtime:   toTime(a.Mtime),
		Ctime:   toTime(a.Ctime),
		Btime:   toTime(a.Ctime),
	}
}

func (n *inode) attrOf(self node) (vfs.Attr, error) {
	a, err := getattr(self, false)
	if err != nil {
		return vfs.Attr{}, err
	}
	return n.fs.vfsAttr(&a), nil
}

// sattr builds a sattr3 from the VFS's request.
func sattr(a vfs.SetAttr) nfs3.Sattr {
	var s nfs3.Sattr
	if a.Mode != nil {
		m := *a.Mode & 0o7777
		s.Mode = &m
	}
	s.UID, s.GID = a.UID, a.GID
	if a.Size != nil {
		sz := uint64(*a.Size)
		s.Size = &sz
	}
	if a.Atime != nil {
		s.Atime = nfs3.SetTime{How: nfs3.SetToClientTime, Time: fromTime(*a.Atime)}
	}
	if a.Mtime != nil {
		s.Mtime = nfs3.SetTime{How: nfs3.SetToClientTime, Time: fromTime(*a.Mtime)}
	}
	return s
}

// setattr sends SETATTR for n.
func setattr(n node, a vfs.SetAttr) error {
	in := n.base()
	if a.Size != nil && *a.Size < 0 {
		return abi.EINVAL
	}
	if o := in.fs.opts.Owner; o != nil {
		// Owner's IDs are this mount's identity on the server.
		if a.UID != nil && *a.UID == o.UID {
			a.UID = &in.fs.opts.UID
		}
		if a.GID != nil && *a.GID == o.GID {
			a.GID = &in.fs.opts.GID
		}
	}
	var r nfs3.WccRes
	if err := in.fs.call(nfs3.ProcSetattr, &nfs3.SetattrArgs{FH: in.fh, Attr: sattr(a)}, &r); err != nil {
		return err
	}
	if r.Status != nfs3.StatusOK {
		return in.fs.status(n, r.Status)
	}
	if r.Wcc.After != nil {
		setAttr(n, r.Wcc.After, a.Size == nil)
	} else {
		in.invalidate()
	}
	return nil
}

// special is a device, FIFO or socket on the server: SOS shows its
// attributes but does not open it.
type special struct{ inode }

func (s *special) Attr() (vfs.Attr, error)                    { return s.attrOf(s) }
func (s *special) SetAttr(_ vfs.Context, a vfs.SetAttr) error { return setattr(s, a) }

// symlink is a symbolic link; its target never changes.
type symlink struct {
	inode
	tmu    sync.Mutex
	target *string
}

var (
	_ vfs.Symlink   = (*symlink)(nil)
	_ vfs.Setattrer = (*symlink)(nil)
)

func (l *symlink) Attr() (vfs.Attr, error)                    { return l.attrOf(l) }
func (l *symlink) SetAttr(_ vfs.Context, a vfs.SetAttr) error { return setattr(l, a) }

func (l *symlink) Readlink(vfs.Context) (string, error) {
	l.tmu.Lock()
	t := l.target
	l.tmu.Unlock()
	if t != nil {
		return *t, nil
	}
	var r nfs3.ReadlinkRes
	if err := l.fs.call(nfs3.ProcReadlink, &nfs3.FHArgs{FH: l.fh}, &r); err != nil {
		return "", err
	}
	if r.Status != nfs3.StatusOK {
		return "", l.fs.status(l, r.Status)
	}
	if r.Attr != nil {
		setAttr(l, r.Attr, false)
	}
	s := r.Target
	l.tmu.Lock()
	l.target = &s
	l.tmu.Unlock()
	return s, nil
}

// sameFH reports whether n has handle fh.
func sameFH(n node, fh nfs3.FH) bool { return bytes.Equal(n.base().fh, fh) }
