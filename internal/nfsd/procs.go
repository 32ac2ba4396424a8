//go:build linux

package nfsd

import (
	"encoding/binary"
	"math"
	"net"
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
	"sos/internal/nfs/xdr"
)

const (
	maxTCPIO = 1 << 20   // rtmax/wtmax over TCP
	maxUDPIO = 60 << 10  // over UDP: a reply must fit in one datagram
	dirPref  = 32 << 10  // dtpref, and the largest READDIR reply over UDP
	maxDirTC = 256 << 10 // the largest READDIR reply over TCP
)

// authSys is AUTH_SYS (AUTH_UNIX), the flavor MNT offers.
const authSys = 1

func isUDP(req *rpc.Request) bool {
	_, ok := req.Addr.(*net.UDPAddr)
	return ok
}

func maxIO(req *rpc.Request) uint32 {
	if isUDP(req) {
		return maxUDPIO
	}
	return maxTCPIO
}

// reg registers fn for an NFSv3 procedure, guarded against Close.
func reg[A any, PA interface {
	*A
	nfs3.Msg
}](s *Server, r *rpc.Server, prog, vers, proc uint32, fn func(req *rpc.Request, args PA) nfs3.Msg) {
	nfs3.Register(r, prog, vers, proc, func(req *rpc.Request, a PA) nfs3.Msg {
		if !s.begin() {
			return nil // SYSTEM_ERR
		}
		defer s.life.RUnlock()
		return fn(req, a)
	})
}

func (s *Server) register(r *rpc.Server) {
	const P, V = nfs3.Program, nfs3.Version
	reg(s, r, P, V, nfs3.ProcNull, func(*rpc.Request, *nfs3.Void) nfs3.Msg { return nfs3.Void{} })
	reg(s, r, P, V, nfs3.ProcGetattr, s.getattr)
	reg(s, r, P, V, nfs3.ProcSetattr, s.setattr)
	reg(s, r, P, V, nfs3.ProcLookup, s.lookup)
	reg(s, r, P, V, nfs3.ProcAccess, s.access)
	reg(s, r, P, V, nfs3.ProcReadlink, s.readlink)
	r.Register(P, V, nfs3.ProcRead, s.read)
	reg(s, r, P, V, nfs3.ProcWrite, s.write)
	reg(s, r, P, V, nfs3.ProcCreate, s.create)
	reg(s, r, P, V, nfs3.ProcMkdir, s.mkdir)
	reg(s, r, P, V, nfs3.ProcSymlink, s.symlink)
	reg(s, r, P, V, nfs3.ProcMknod, s.mknod)
	reg(s, r, P, V, nfs3.ProcRemove, s.remove)
	reg(s, r, P, V, nfs3.ProcRmdir, s.rmdir)
	reg(s, r, P, V, nfs3.ProcRename, s.rename)
	reg(s, r, P, V, nfs3.ProcLink, s.link)
	reg(s, r, P, V, nfs3.ProcReaddir, func(req *rpc.Request, a *nfs3.ReaddirArgs) nfs3.Msg {
		return s.readdir(req, a)
	})
	reg(s, r, P, V, nfs3.ProcReaddirplus, func(req *rpc.Request, a *nfs3.ReaddirplusArgs) nfs3.Msg {
		a.Plus = true
		return &nfs3.ReaddirplusRes{ReaddirRes: *s.readdir(req, &a.ReaddirArgs)}
	})
	reg(s, r, P, V, nfs3.ProcFsstat, s.fsstat)
	reg(s, r, P, V, nfs3.ProcFsinfo, s.fsinfo)
	reg(s, r, P, V, nfs3.ProcPathconf, s.pathconf)
	reg(s, r, P, V, nfs3.ProcCommit, s.commit)

	const MP, MV = nfs3.MountProgram, nfs3.MountVersion
	reg(s, r, MP, MV, nfs3.MountProcNull, func(*rpc.Request, *nfs3.Void) nfs3.Msg { return nfs3.Void{} })
	reg(s, r, MP, MV, nfs3.MountProcMnt, s.mnt)
	reg(s, r, MP, MV, nfs3.MountProcUmnt, func(*rpc.Request, *nfs3.MountArgs) nfs3.Msg { return nfs3.Void{} })
	reg(s, r, MP, MV, nfs3.MountProcUmntall, func(*rpc.Request, *nfs3.Void) nfs3.Msg { return nfs3.Void{} })
	reg(s, r, MP, MV, nfs3.MountProcExport, func(*rpc.Request, *nfs3.Void) nfs3.Msg {
		return &nfs3.ExportRes{Exports: []nfs3.Export{{Dir: s.cfg.Export}}}
	})
	// DUMP: the server keeps no list of mounts; an empty mountlist.
	r.Register(MP, MV, nfs3.MountProcDump, func(_ *rpc.Request, _ *xdr.Decoder, e *xdr.Encoder) rpc.AcceptStat {
		e.Bool(false)
		return rpc.Success
	})

	// Portmapper GETPORT (and NULL) on the same port, for clients that ask
	// the server itself where NFS and MOUNT are: here.
	r.Register(rpc.PmapProg, rpc.PmapVers, 0, func(*rpc.Request, *xdr.Decoder, *xdr.Encoder) rpc.AcceptStat {
		return rpc.Success
	})
	r.Register(rpc.PmapProg, rpc.PmapVers, rpc.PmapGetPort, func(_ *rpc.Request, d *xdr.Decoder, e *xdr.Encoder) rpc.AcceptStat {
		prog, vers, proto, _ := d.Uint32(), d.Uint32(), d.Uint32(), d.Uint32()
		port := uint32(0)
		if (proto == rpc.IPProtoTCP || proto == rpc.IPProtoUDP) &&
			(prog == nfs3.Program && vers == nfs3.Version || prog == nfs3.MountProgram && vers == nfs3.MountVersion) {
			port = uint32(s.port)
		}
		e.Uint32(port)
		return rpc.Success
	})
}

// obj finds fh's node and opens it O_PATH. The caller closes fd.
func (s *Server) obj(fh nfs3.FH, st *unix.Stat_t) (*node, int, nfs3.Status) {
	n, status := s.t.lookup(fh)
	if status != nfs3.StatusOK {
		return nil, -1, status
	}
	fd, status := s.t.open(n, unix.O_PATH, st)
	return n, fd, status
}

// dir is obj for a directory.
func (s *Server) dir(fh nfs3.FH, st *unix.Stat_t) (*node, int, nfs3.Status) {
	n, fd, status := s.obj(fh, st)
	if status == nfs3.StatusOK && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		unix.Close(fd)
		return nil, -1, nfs3.ErrNotdir
	}
	return n, fd, status
}

// postAttr returns fd's attributes now, or nil.
func postAttr(fd int) *nfs3.Fattr {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return nil
	}
	return attr(&st)
}

func (s *Server) ro() bool { return s.cfg.ReadOnly }

func (s *Server) getattr(_ *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.GetattrRes{Status: status}
	}
	unix.Close(fd)
	return &nfs3.GetattrRes{Status: nfs3.StatusOK, Attr: *attr(&st)}
}

func (s *Server) setattr(_ *rpc.Request, a *nfs3.SetattrArgs) nfs3.Msg {
	res := &nfs3.WccRes{}
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(fd)
	res.Wcc.Before = wccAttr(&st)
	if a.Guard && nfsTime(st.Ctim) != a.GuardCtime {
		res.Status = nfs3.ErrNotSync
		res.Wcc.After = attr(&st)
		return res
	}
	if s.ro() {
		res.Status = nfs3.ErrRofs
		res.Wcc.After = attr(&st)
		return res
	}
	res.Status = s.applySattr(fd, &st, &a.Attr)
	res.Wcc.After = postAttr(fd)
	return res
}

// applySattr sets the attributes sa asks for on the O_PATH descriptor fd
// (whose stat is st).
func (s *Server) applySattr(fd int, st *unix.Stat_t, sa *nfs3.Sattr) nfs3.Status {
	typ := st.Mode & unix.S_IFMT
	p := procPath(fd)
	if sa.Size != nil {
		switch {
		case typ == unix.S_IFDIR:
			return nfs3.ErrIsdir
		case typ != unix.S_IFREG:
			return nfs3.ErrInval
		case *sa.Size > math.MaxInt64:
			return nfs3.ErrFbig
		}
		if uint64(st.Size) != *sa.Size {
			if err := unix.Truncate(p, int64(*sa.Size)); err != nil {
				return errStatus(err)
			}
		}
	}
	if sa.Mode != nil && typ != unix.S_IFLNK {
		if err := unix.Fchmodat(unix.AT_FDCWD, p, *sa.Mode&07777, 0); err != nil {
			return errStatus(err)
		}
	}
	if sa.UID != nil || sa.GID != nil {
		uid, gid := -1, -1
		if sa.UID != nil && *sa.UID != st.Uid {
			uid = int(*sa.UID)
		}
		if sa.GID != nil && *sa.GID != st.Gid {
			gid = int(*sa.GID)
		}
		if uid != -1 || gid != -1 {
			if err := unix.Fchownat(fd, "", uid, gid, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW); err != nil {
				return errStatus(err)
			}
		}
	}
	if (sa.Atime.How != nfs3.DontChange || sa.Mtime.How != nfs3.DontChange) && typ != unix.S_IFLNK {
		ts := []unix.Timespec{setTime(sa.Atime), setTime(sa.Mtime)}
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, 0); err != nil {
			return errStatus(err)
		}
	}
	return nfs3.StatusOK
}

func setTime(t nfs3.SetTime) unix.Timespec {
	switch t.How {
	case nfs3.SetToServerTime:
		return unix.Timespec{Nsec: unix.UTIME_NOW}
	case nfs3.SetToClientTime:
		return unix.Timespec{Sec: int64(t.Time.Sec), Nsec: int64(t.Time.Nsec % 1e9)}
	}
	return unix.Timespec{Nsec: unix.UTIME_OMIT}
}

func (s *Server) lookup(_ *rpc.Request, a *nfs3.DirOpArgs) nfs3.Msg {
	res := &nfs3.LookupRes{}
	var dst, cst unix.Stat_t
	dn, dfd, status := s.dir(a.What.Dir, &dst)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(dfd)
	res.DirAttr = attr(&dst)
	var child *node
	switch name := a.What.Name; name {
	case ".":
		child, cst = dn, dst
	case "..":
		p, status := s.t.parentOf(dn)
		if status != nfs3.StatusOK {
			res.Status = status
			return res
		}
		pfd, status := s.t.open(p, unix.O_PATH, &cst)
		if status != nfs3.StatusOK {
			res.Status = status
			return res
		}
		unix.Close(pfd)
		child = p
	default:
		if status := checkName(name); status != nfs3.StatusOK {
			res.Status = status
			return res
		}
		if err := unix.Fstatat(dfd, name, &cst, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			res.Status = errStatus(err)
			return res
		}
		child = s.t.enter(dn, name, keyAt(dfd, name, &cst))
	}
	res.FH, res.Attr = child.key.handle(), attr(&cst)
	return res
}

func (s *Server) access(req *rpc.Request, a *nfs3.AccessArgs) nfs3.Msg {
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.AccessRes{Status: status}
	}
	unix.Close(fd)
	return &nfs3.AccessRes{Status: nfs3.StatusOK, Attr: attr(&st), Access: a.Access & granted(&st, s.ro(), req)}
}

// granted is what the caller may do to a file with st: what its AUTH_SYS
// identity may do by the mode bits, and also what the server's own host
// user may do, since the server does everything as that user. A caller
// without AUTH_SYS is judged as the host user alone.
func granted(st *unix.Stat_t, ro bool, req *rpc.Request) uint32 {
	bits := permBits(st, uint32(os.Geteuid()), hostInGroup)
	if req != nil && req.Header.Cred.Flavor == rpc.AuthSys {
		if p, err := rpc.ParseAuthSys(req.Header.Cred.Body); err == nil {
			bits &= permBits(st, p.UID, func(g uint32) bool { return g == p.GID || slices.Contains(p.Gids, g) })
		}
	}
	dir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	var g uint32
	if bits&4 != 0 {
		g |= nfs3.AccessRead
	}
	if bits&2 != 0 && !ro {
		g |= nfs3.AccessModify | nfs3.AccessExtend
		if dir {
			g |= nfs3.AccessDelete
		}
	}
	if bits&1 != 0 {
		if dir {
			g |= nfs3.AccessLookup
		} else {
			g |= nfs3.AccessExecute
		}
	}
	return g
}

// permBits is the rwx a user has on a file by its mode, as the kernel
// decides it: root reads and writes everything and executes what anyone
// may execute (and searches every directory).
func permBits(st *unix.Stat_t, uid uint32, inGroup func(uint32) bool) uint32 {
	if uid == 0 {
		if st.Mode&unix.S_IFMT != unix.S_IFDIR && st.Mode&0o111 == 0 {
			return 6
		}
		return 7
	}
	switch {
	case st.Uid == uid:
		return (st.Mode >> 6) & 7
	case inGroup(st.Gid):
		return (st.Mode >> 3) & 7
	}
	return st.Mode & 7
}

func hostInGroup(gid uint32) bool {
	if uint32(os.Getegid()) == gid {
		return true
	}
	gs, _ := os.Getgroups()
	for _, g := range gs {
		if uint32(g) == gid {
			return true
		}
	}
	return false
}

func (s *Server) readlink(_ *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.ReadlinkRes{Status: status}
	}
	defer unix.Close(fd)
	if st.Mode&unix.S_IFMT != unix.S_IFLNK {
		return &nfs3.ReadlinkRes{Status: nfs3.ErrInval, Attr: attr(&st)}
	}
	buf := make([]byte, nfs3.MaxPath)
	n, err := unix.Readlinkat(fd, "", buf)
	if err != nil {
		return &nfs3.ReadlinkRes{Status: errStatus(err), Attr: attr(&st)}
	}
	return &nfs3.ReadlinkRes{Status: nfs3.StatusOK, Attr: attr(&st), Target: string(buf[:n])}
}

// readHdr is the size of READ3resok before the data: status, post_op_attr
// (present), count, eof and the data's length.
const readHdr = 4 + 4 + 84 + 4 + 4 + 4

// read is READ, written straight into the reply: the data is pread into
// the reply buffer behind room left for the header, so it is copied once.
func (s *Server) read(req *rpc.Request, d *xdr.Decoder, e *xdr.Encoder) rpc.AcceptStat {
	var a nfs3.ReadArgs
	a.Decode(d)
	if d.Err() != nil {
		return rpc.GarbageArgs
	}
	if !s.begin() {
		return rpc.SystemErr
	}
	defer s.life.RUnlock()
	if s.hook != nil {
		s.hook(nfs3.ProcRead)
	}
	fail := func(status nfs3.Status, at *nfs3.Fattr) rpc.AcceptStat {
		(&nfs3.ReadRes{Status: status, Attr: at}).Encode(e)
		return rpc.Success
	}
	n, status := s.t.lookup(a.FH)
	if status != nfs3.StatusOK {
		return fail(status, nil)
	}
	f, status := s.files.get(s.t, n, false)
	if status != nfs3.StatusOK {
		return fail(status, nil)
	}
	defer s.files.put(f)
	if a.Offset > math.MaxInt64 {
		return fail(nfs3.ErrInval, postAttr(f.fd))
	}
	count := min(a.Count, maxIO(req))
	p := e.Len()
	e.Buf = slices.Grow(e.Buf, readHdr+int(count)+3)[:p+readHdr+int(count)]
	data := e.Buf[p+readHdr:]
	got := 0
	for got < len(data) {
		m, err := unix.Pread(f.fd, data[got:], int64(a.Offset)+int64(got))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			e.Buf = e.Buf[:p]
			return fail(errStatus(err), postAttr(f.fd))
		}
		if m == 0 {
			break
		}
		got += m
	}
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil || st.Nlink == 0 {
		e.Buf = e.Buf[:p]
		s.files.drop(f.key)
		return fail(nfs3.ErrStale, nil)
	}
	h := xdr.NewEncoder(e.Buf[p:p])
	h.Uint32(uint32(nfs3.StatusOK))
	h.Bool(true)
	attr(&st).Encode(h)
	h.Uint32(uint32(got))
	h.Bool(a.Offset+uint64(got) >= uint64(st.Size))
	h.Uint32(uint32(got))
	end := p + readHdr + got
	pad := (4 - got&3) & 3
	e.Buf = e.Buf[:end+pad]
	clear(e.Buf[end : end+pad])
	return rpc.Success
}

func (s *Server) write(req *rpc.Request, a *nfs3.WriteArgs) nfs3.Msg {
	res := &nfs3.WriteRes{}
	if s.hook != nil {
		s.hook(nfs3.ProcWrite)
	}
	if s.ro() {
		res.Status = nfs3.ErrRofs
		return res
	}
	n, status := s.t.lookup(a.FH)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	if int(a.Count) > len(a.Data) || a.Stable > nfs3.FileSync {
		res.Status = nfs3.ErrInval
		return res
	}
	data := a.Data[:a.Count]
	if a.Offset > math.MaxInt64-uint64(len(data)) {
		res.Status = nfs3.ErrFbig
		return res
	}
	f, status := s.files.get(s.t, n, true)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer s.files.put(f)
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err != nil || st.Nlink == 0 {
		s.files.drop(f.key)
		res.Status = nfs3.ErrStale
		return res
	}
	res.Wcc.Before = wccAttr(&st)
	done := 0
	for done < len(data) {
		m, err := unix.Pwrite(f.fd, data[done:], int64(a.Offset)+int64(done))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			res.Status = errStatus(err)
			res.Wcc.After = postAttr(f.fd)
			return res
		}
		done += m
	}
	var err error
	switch a.Stable {
	case nfs3.DataSync:
		err = unix.Fdatasync(f.fd)
	case nfs3.FileSync:
		err = unix.Fsync(f.fd)
	}
	if err != nil {
		res.Status = errStatus(err)
		res.Wcc.After = postAttr(f.fd)
		return res
	}
	res.Status, res.Count, res.Committed, res.Verf = nfs3.StatusOK, uint32(done), a.Stable, s.verf
	res.Wcc.After = postAttr(f.fd)
	return res
}

func (s *Server) commit(_ *rpc.Request, a *nfs3.CommitArgs) nfs3.Msg {
	res := &nfs3.CommitRes{}
	n, status := s.t.lookup(a.FH)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	f, status := s.files.get(s.t, n, false)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer s.files.put(f)
	var st unix.Stat_t
	if err := unix.Fstat(f.fd, &st); err == nil {
		res.Wcc.Before = wccAttr(&st)
	}
	if err := unix.Fsync(f.fd); err != nil {
		res.Status = errStatus(err)
	} else {
		res.Status, res.Verf = nfs3.StatusOK, s.verf
	}
	res.Wcc.After = postAttr(f.fd)
	return res
}

// dirOp is what every procedure that changes a directory starts with:
// the directory (open O_PATH, its stat before) and a checked name.
func (s *Server) dirOp(op nfs3.DirOp, wcc *nfs3.Wcc) (*node, int, nfs3.Status) {
	var st unix.Stat_t
	dn, dfd, status := s.dir(op.Dir, &st)
	if status != nfs3.StatusOK {
		return nil, -1, status
	}
	wcc.Before = wccAttr(&st)
	if status := checkName(op.Name); status != nfs3.StatusOK {
		wcc.After = attr(&st)
		unix.Close(dfd)
		return nil, -1, status
	}
	if s.ro() {
		wcc.After = attr(&st)
		unix.Close(dfd)
		return nil, -1, nfs3.ErrRofs
	}
	return dn, dfd, nfs3.StatusOK
}

// made finishes CREATE, MKDIR and SYMLINK: the new file's handle and
// attributes, after applying sa (but not its size or mode where done).
func (s *Server) made(res *nfs3.CreateRes, dn *node, dfd int, name string, sa *nfs3.Sattr) {
	var st unix.Stat_t
	defer func() { res.DirWcc.After = postAttr(dfd) }()
	fd, err := unix.Openat(dfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		res.Status = errStatus(err)
		return
	}
	defer unix.Close(fd)
	if err := unix.Fstat(fd, &st); err != nil {
		res.Status = errStatus(err)
		return
	}
	if sa != nil {
		// An owner the host user may not give away (a client asking for
		// its own uid when sos is not root) leaves the new file the host
		// user's, rather than failing a create that has happened.
		own := nfs3.Sattr{UID: sa.UID, GID: sa.GID}
		rest := *sa
		rest.UID, rest.GID = nil, nil
		if status := s.applySattr(fd, &st, &rest); status != nfs3.StatusOK {
			res.Status = status
			return
		}
		if status := s.applySattr(fd, &st, &own); status != nfs3.StatusOK && status != nfs3.ErrPerm {
			res.Status = status
			return
		}
		unix.Fstat(fd, &st)
	}
	n := s.t.enter(dn, name, keyFd(fd, &st))
	res.Status, res.FH, res.Attr = nfs3.StatusOK, n.key.handle(), attr(&st)
}

func (s *Server) create(_ *rpc.Request, a *nfs3.CreateArgs) nfs3.Msg {
	res := &nfs3.CreateRes{}
	dn, dfd, status := s.dirOp(a.Where, &res.DirWcc)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(dfd)
	name := a.Where.Name
	flags := unix.O_CREAT | unix.O_EXCL | unix.O_WRONLY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK | unix.O_NOCTTY
	mode := uint32(0o644)
	sa := a.Attr
	if a.Mode != nfs3.Exclusive && sa.Mode != nil {
		mode = *sa.Mode & 07777
	}
	fd, err := unix.Openat(dfd, name, flags, mode)
	if err == unix.EEXIST && a.Mode == nfs3.Unchecked {
		// An existing regular file is opened, as O_CREAT without O_EXCL
		// would: it keeps its attributes except a size (O_TRUNC), as
		// Linux's nfsd does.
		var st unix.Stat_t
		if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			res.Status = errStatus(err)
			res.DirWcc.After = postAttr(dfd)
			return res
		}
		if st.Mode&unix.S_IFMT != unix.S_IFREG {
			res.Status = nfs3.ErrExist
			res.DirWcc.After = postAttr(dfd)
			return res
		}
		s.made(res, dn, dfd, name, &nfs3.Sattr{Size: sa.Size})
		return res
	}
	if a.Mode == nfs3.Exclusive {
		// The verifier is kept in the times, as Linux's nfsd does, so a
		// retransmitted CREATE finds its own file; the client sets the
		// real attributes with SETATTR afterwards.
		atime := int64(binary.BigEndian.Uint32(a.Verf[:4]))
		mtime := int64(binary.BigEndian.Uint32(a.Verf[4:]))
		if err == unix.EEXIST {
			var st unix.Stat_t
			if unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil &&
				st.Mode&unix.S_IFMT == unix.S_IFREG &&
				st.Atim == (unix.Timespec{Sec: atime}) && st.Mtim == (unix.Timespec{Sec: mtime}) {
				s.made(res, dn, dfd, name, nil)
				return res
			}
		}
		if err == nil {
			ts := []unix.Timespec{{Sec: atime}, {Sec: mtime}}
			if err = unix.UtimesNanoAt(unix.AT_FDCWD, procPath(fd), ts, 0); err != nil {
				unix.Close(fd)
			}
		}
		sa = nfs3.Sattr{}
	}
	if err != nil {
		res.Status = errStatus(err)
		res.DirWcc.After = postAttr(dfd)
		return res
	}
	unix.Close(fd)
	if a.Mode != nfs3.Exclusive && sa.Mode != nil {
		// The create mode went through the umask: set it exactly.
		sa.Mode = &mode
	}
	s.made(res, dn, dfd, name, &sa)
	return res
}

func (s *Server) mkdir(_ *rpc.Request, a *nfs3.MkdirArgs) nfs3.Msg {
	res := &nfs3.CreateRes{}
	dn, dfd, status := s.dirOp(a.Where, &res.DirWcc)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(dfd)
	mode := uint32(0o755)
	if a.Attr.Mode != nil {
		mode = *a.Attr.Mode & 07777
	}
	if err := unix.Mkdirat(dfd, a.Where.Name, mode); err != nil {
		res.Status = errStatus(err)
		res.DirWcc.After = postAttr(dfd)
		return res
	}
	s.made(res, dn, dfd, a.Where.Name, &a.Attr)
	return res
}

func (s *Server) symlink(_ *rpc.Request, a *nfs3.SymlinkArgs) nfs3.Msg {
	res := &nfs3.CreateRes{}
	dn, dfd, status := s.dirOp(a.Where, &res.DirWcc)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(dfd)
	if a.Target == "" {
		res.Status = nfs3.ErrInval
		res.DirWcc.After = postAttr(dfd)
		return res
	}
	// The target is stored, never followed by the server.
	if err := unix.Symlinkat(a.Target, dfd, a.Where.Name); err != nil {
		res.Status = errStatus(err)
		res.DirWcc.After = postAttr(dfd)
		return res
	}
	sa := a.Attr
	sa.Mode = nil
	s.made(res, dn, dfd, a.Where.Name, &sa)
	return res
}

func (s *Server) mknod(_ *rpc.Request, a *nfs3.MknodArgs) nfs3.Msg {
	res := &nfs3.CreateRes{Status: nfs3.ErrNotsupp}
	var st unix.Stat_t
	if _, fd, status := s.dir(a.Where.Dir, &st); status == nfs3.StatusOK {
		res.DirWcc.Before, res.DirWcc.After = wccAttr(&st), attr(&st)
		unix.Close(fd)
	}
	return res
}

// unlink is REMOVE (flags 0) and RMDIR (AT_REMOVEDIR).
func (s *Server) unlink(a *nfs3.DirOpArgs, flags int) nfs3.Msg {
	res := &nfs3.WccRes{}
	dn, dfd, status := s.dirOp(a.What, &res.Wcc)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(dfd)
	defer func() { res.Wcc.After = postAttr(dfd) }()
	name := a.What.Name
	var st unix.Stat_t
	if err := unix.Fstatat(dfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		res.Status = errStatus(err)
		return res
	}
	k := keyAt(dfd, name, &st)
	isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
	switch {
	case flags == 0 && isDir:
		res.Status = nfs3.ErrIsdir
		return res
	case flags != 0 && !isDir:
		res.Status = nfs3.ErrNotdir
		return res
	}
	if err := unix.Unlinkat(dfd, name, flags); err != nil {
		res.Status = errStatus(err)
		return res
	}
	s.gone(dn, name, k, &st)
	res.Status = nfs3.StatusOK
	return res
}

// gone records that the file st described is no longer name in dn.
func (s *Server) gone(dn *node, name string, k fileKey, st *unix.Stat_t) {
	s.t.mu.Lock()
	n := s.t.nodes[k]
	s.t.mu.Unlock()
	s.t.forget(n, dn, name)
	if st.Nlink <= 1 || st.Mode&unix.S_IFMT == unix.S_IFDIR {
		s.files.drop(k)
	}
}

func (s *Server) remove(_ *rpc.Request, a *nfs3.DirOpArgs) nfs3.Msg { return s.unlink(a, 0) }

func (s *Server) rmdir(_ *rpc.Request, a *nfs3.DirOpArgs) nfs3.Msg {
	return s.unlink(a, unix.AT_REMOVEDIR)
}

func (s *Server) rename(_ *rpc.Request, a *nfs3.RenameArgs) nfs3.Msg {
	res := &nfs3.RenameRes{}
	_, ffd, status := s.dirOp(a.From, &res.FromWcc)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(ffd)
	defer func() { res.FromWcc.After = postAttr(ffd) }()
	tdn, tfd, status := s.dirOp(a.To, &res.ToWcc)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(tfd)
	defer func() { res.ToWcc.After = postAttr(tfd) }()
	var from, to unix.Stat_t
	if err := unix.Fstatat(ffd, a.From.Name, &from, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		res.Status = errStatus(err)
		return res
	}
	fromKey := keyAt(ffd, a.From.Name, &from)
	var toKey fileKey
	replaced := unix.Fstatat(tfd, a.To.Name, &to, unix.AT_SYMLINK_NOFOLLOW) == nil
	if replaced {
		toKey = keyAt(tfd, a.To.Name, &to)
	}
	if err := unix.Renameat(ffd, a.From.Name, tfd, a.To.Name); err != nil {
		res.Status = errStatus(err)
		return res
	}
	if replaced && toKey != fromKey {
		s.gone(tdn, a.To.Name, toKey, &to)
	}
	s.t.mu.Lock()
	n := s.t.nodes[fromKey]
	s.t.mu.Unlock()
	if n != nil {
		s.t.moved(n, tdn, a.To.Name)
	}
	res.Status = nfs3.StatusOK
	return res
}

func (s *Server) link(_ *rpc.Request, a *nfs3.LinkArgs) nfs3.Msg {
	res := &nfs3.LinkRes{}
	var st unix.Stat_t
	_, fd, status := s.obj(a.File, &st)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	defer unix.Close(fd)
	_, dfd, status := s.dirOp(a.Link, &res.DirWcc)
	if status != nfs3.StatusOK {
		res.Status, res.Attr = status, attr(&st)
		return res
	}
	defer unix.Close(dfd)
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		res.Status, res.Attr, res.DirWcc.After = nfs3.ErrIsdir, attr(&st), postAttr(dfd)
		return res
	}
	// linkat through /proc links exactly the inode fd holds, without the
	// CAP_DAC_READ_SEARCH that AT_EMPTY_PATH needs.
	if err := unix.Linkat(unix.AT_FDCWD, procPath(fd), dfd, a.Link.Name, unix.AT_SYMLINK_FOLLOW); err != nil {
		res.Status = errStatus(err)
	} else {
		res.Status = nfs3.StatusOK
	}
	res.Attr, res.DirWcc.After = postAttr(fd), postAttr(dfd)
	return res
}

// readdirHdr is READDIR3resok without entries: status, dir_attributes,
// cookieverf, the end of the list and eof.
const readdirHdr = 4 + 4 + 84 + 8 + 4 + 4

// readdir is READDIR and READDIRPLUS. Cookies are the host directory's
// own offsets (d_off from getdents64), which stay valid as entries come
// and go, so a client paging through a changing directory neither skips
// nor repeats an entry that stays. The cookie verifier is the server's
// instance verifier: a cookie from an earlier server is refused.
func (s *Server) readdir(req *rpc.Request, a *nfs3.ReaddirArgs) *nfs3.ReaddirRes {
	res := &nfs3.ReaddirRes{Plus: a.Plus}
	n, status := s.t.lookup(a.Dir)
	if status != nfs3.StatusOK {
		res.Status = status
		return res
	}
	var st unix.Stat_t
	fd, status := s.t.open(n, unix.O_RDONLY|unix.O_DIRECTORY, &st)
	if status != nfs3.StatusOK {
		if status == nfs3.ErrStale {
			res.Status = status
			return res
		}
		// Not a directory, or not readable: say which.
		pfd, s2 := s.t.open(n, unix.O_PATH, &st)
		if s2 == nfs3.StatusOK {
			unix.Close(pfd)
			res.DirAttr = attr(&st)
			if st.Mode&unix.S_IFMT != unix.S_IFDIR {
				status = nfs3.ErrNotdir
			}
		}
		res.Status = status
		return res
	}
	defer unix.Close(fd)
	res.DirAttr = attr(&st)
	if a.Cookie != 0 && a.CookieVerf != s.verf && a.CookieVerf != [8]byte{} {
		res.Status = nfs3.ErrBadCookie
		return res
	}
	if a.Cookie > math.MaxInt64 {
		res.Status = nfs3.ErrBadCookie
		return res
	}
	limit := int(a.Count)
	max := maxDirTC
	if isUDP(req) {
		max = dirPref
	}
	limit = min(limit, max)
	dirLimit := limit
	if a.Plus && a.DirCount > 0 {
		dirLimit = int(a.DirCount)
	}
	if _, err := unix.Seek(fd, int64(a.Cookie), 0); err != nil {
		res.Status = nfs3.ErrBadCookie
		return res
	}
	res.CookieVerf = s.verf
	size, dirSize := readdirHdr, 0
	buf := make([]byte, 32<<10)
	full := false
	for !full {
		nb, err := unix.Getdents(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			res.Status = errStatus(err)
			return res
		}
		if nb == 0 {
			res.EOF = true
			break
		}
		for b := buf[:nb]; len(b) >= 19; {
			reclen := int(binary.NativeEndian.Uint16(b[16:18]))
			if reclen < 19 || reclen > len(b) {
				res.Status = nfs3.ErrIO
				return res
			}
			ino := binary.NativeEndian.Uint64(b[0:8])
			off := binary.NativeEndian.Uint64(b[8:16])
			name := b[19:reclen]
			if i := slices.Index(name, 0); i >= 0 {
				name = name[:i]
			}
			b = b[reclen:]
			if string(name) == "." || string(name) == ".." {
				continue
			}
			ent := nfs3.Entry{FileID: ino, Name: string(name), Cookie: off}
			if a.Plus {
				var est unix.Stat_t
				if unix.Fstatat(fd, ent.Name, &est, unix.AT_SYMLINK_NOFOLLOW) == nil {
					ent.FileID = est.Ino
					ent.Attr = attr(&est)
					ent.FH = s.t.enter(n, ent.Name, keyAt(fd, ent.Name, &est)).key.handle()
				}
			}
			esz := nfs3.EntrySize(&ent, a.Plus)
			dsz := nfs3.EntrySize(&ent, false)
			if size+esz > limit || (a.Plus && dirSize+dsz > dirLimit) {
				full = true
				break
			}
			size += esz
			dirSize += dsz
			res.Entries = append(res.Entries, ent)
		}
	}
	if full && len(res.Entries) == 0 {
		res.Status = nfs3.ErrToosmall
		return res
	}
	res.Status = nfs3.StatusOK
	return res
}

func (s *Server) fsstat(_ *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.FsstatRes{Status: status}
	}
	defer unix.Close(fd)
	var sf unix.Statfs_t
	if err := unix.Fstatfs(fd, &sf); err != nil {
		return &nfs3.FsstatRes{Status: errStatus(err), Attr: attr(&st)}
	}
	bs := uint64(sf.Bsize)
	return &nfs3.FsstatRes{
		Status: nfs3.StatusOK, Attr: attr(&st),
		TBytes: sf.Blocks * bs, FBytes: sf.Bfree * bs, ABytes: sf.Bavail * bs,
		TFiles: sf.Files, FFiles: sf.Ffree, AFiles: sf.Ffree,
	}
}

func (s *Server) fsinfo(req *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.FsinfoRes{Status: status}
	}
	unix.Close(fd)
	io := maxIO(req)
	return &nfs3.FsinfoRes{
		Status: nfs3.StatusOK, Attr: attr(&st),
		RtMax: io, RtPref: io, RtMult: 4096,
		WtMax: io, WtPref: io, WtMult: 4096,
		DtPref:      dirPref,
		MaxFileSize: math.MaxInt64,
		TimeDelta:   nfs3.Time{Nsec: 1},
		Properties:  nfs3.FSFLink | nfs3.FSFSymlink | nfs3.FSFHomogeneous | nfs3.FSFCanSetTime,
	}
}

func (s *Server) pathconf(_ *rpc.Request, a *nfs3.FHArgs) nfs3.Msg {
	var st unix.Stat_t
	_, fd, status := s.obj(a.FH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.PathconfRes{Status: status}
	}
	unix.Close(fd)
	return &nfs3.PathconfRes{
		Status: nfs3.StatusOK, Attr: attr(&st),
		LinkMax: 32000, NameMax: 255,
		NoTrunc: true, ChownRestricted: true, CasePreserving: true,
	}
}

func (s *Server) mnt(_ *rpc.Request, a *nfs3.MountArgs) nfs3.Msg {
	p := a.Path
	var rest string
	switch {
	case under(p, s.cfg.Export, &rest), under(p, s.cfg.Dir, &rest):
	default:
		return &nfs3.MountRes{Status: nfs3.MountErrNoent}
	}
	// Walk the rest one checked component at a time, as LOOKUP would.
	n := s.t.root
	var st unix.Stat_t
	fd, status := s.t.open(n, unix.O_PATH, &st)
	if status != nfs3.StatusOK {
		return &nfs3.MountRes{Status: nfs3.MountErrServerfault}
	}
	for _, name := range splitPath(rest) {
		if checkName(name) != nfs3.StatusOK {
			unix.Close(fd)
			return &nfs3.MountRes{Status: nfs3.MountErrNoent}
		}
		cfd, err := unix.Openat(fd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			if err == unix.ENOTDIR || err == unix.ELOOP {
				return &nfs3.MountRes{Status: nfs3.MountErrNotdir}
			}
			return &nfs3.MountRes{Status: nfs3.MountErrNoent}
		}
		fd = cfd
		if err := unix.Fstat(fd, &st); err != nil {
			unix.Close(fd)
			return &nfs3.MountRes{Status: nfs3.MountErrIO}
		}
		n = s.t.enter(n, name, keyFd(fd, &st))
	}
	unix.Close(fd)
	return &nfs3.MountRes{Status: nfs3.MountOK, FH: n.key.handle(), Flavors: []uint32{authSys}}
}

// under reports whether path p is base or below it, setting rest to the
// part below.
func under(p, base string, rest *string) bool {
	if base == "/" {
		*rest = p
		return p == "" || p[0] == '/'
	}
	if p == base {
		*rest = ""
		return true
	}
	if len(p) > len(base) && p[:len(base)] == base && p[len(base)] == '/' {
		*rest = p[len(base):]
		return true
	}
	return false
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" && c != "." {
			out = append(out, c)
		}
	}
	return out
}
