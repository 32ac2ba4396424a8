// Package nfs3 is the NFS version 3 protocol (RFC 1813) and the MOUNT
// version 3 protocol (RFC 1813 appendix I): constants, types, and XDR
// encode/decode functions for the arguments and results of each procedure,
// in both directions (a client encodes arguments and decodes results, a
// server the reverse).
//
// Every argument and result type implements Msg. Decoding never panics
// and never allocates more than the message's own size: a malformed message
// leaves an error in the xdr.Decoder. Decoded byte slices (file handles,
// READ and WRITE data) alias the message buffer.
//
// It depends only on internal/nfs/xdr and internal/nfs/rpc.
package nfs3

import (
	"fmt"

	"sos/internal/nfs/xdr"
)

// Program numbers and versions.
const (
	Program      = 100003
	Version      = 3
	MountProgram = 100005
	MountVersion = 3
)

// NFSv3 procedures.
const (
	ProcNull        = 0
	ProcGetattr     = 1
	ProcSetattr     = 2
	ProcLookup      = 3
	ProcAccess      = 4
	ProcReadlink    = 5
	ProcRead        = 6
	ProcWrite       = 7
	ProcCreate      = 8
	ProcMkdir       = 9
	ProcSymlink     = 10
	ProcMknod       = 11
	ProcRemove      = 12
	ProcRmdir       = 13
	ProcRename      = 14
	ProcLink        = 15
	ProcReaddir     = 16
	ProcReaddirplus = 17
	ProcFsstat      = 18
	ProcFsinfo      = 19
	ProcPathconf    = 20
	ProcCommit      = 21
)

// Sizes and decoding limits.
const (
	FHSize         = 64 // NFS3_FHSIZE: the largest file handle
	CookieVerfSize = 8
	CreateVerfSize = 8
	WriteVerfSize  = 8

	MaxName = 1024    // longest filename3 accepted
	MaxPath = 4096    // longest nfspath3 accepted
	MaxData = 1 << 24 // largest READ/WRITE payload accepted
)

// Status is nfsstat3. It is an error; StatusOK is never returned as one.
type Status uint32

const (
	StatusOK       Status = 0
	ErrPerm        Status = 1
	ErrNoent       Status = 2
	ErrIO          Status = 5
	ErrNxio        Status = 6
	ErrAcces       Status = 13
	ErrExist       Status = 17
	ErrXdev        Status = 18
	ErrNodev       Status = 19
	ErrNotdir      Status = 20
	ErrIsdir       Status = 21
	ErrInval       Status = 22
	ErrFbig        Status = 27
	ErrNospc       Status = 28
	ErrRofs        Status = 30
	ErrMlink       Status = 31
	ErrNametoolong Status = 63
	ErrNotempty    Status = 66
	ErrDquot       Status = 69
	ErrStale       Status = 70
	ErrRemote      Status = 71
	ErrBadhandle   Status = 10001
	ErrNotSync     Status = 10002
	ErrBadCookie   Status = 10003
	ErrNotsupp     Status = 10004
	ErrToosmall    Status = 10005
	ErrServerfault Status = 10006
	ErrBadtype     Status = 10007
	ErrJukebox     Status = 10008
)

var statusNames = map[Status]string{
	StatusOK: "NFS3_OK", ErrPerm: "NFS3ERR_PERM", ErrNoent: "NFS3ERR_NOENT", ErrIO: "NFS3ERR_IO",
	ErrNxio: "NFS3ERR_NXIO", ErrAcces: "NFS3ERR_ACCES", ErrExist: "NFS3ERR_EXIST", ErrXdev: "NFS3ERR_XDEV",
	ErrNodev: "NFS3ERR_NODEV", ErrNotdir: "NFS3ERR_NOTDIR", ErrIsdir: "NFS3ERR_ISDIR", ErrInval: "NFS3ERR_INVAL",
	ErrFbig: "NFS3ERR_FBIG", ErrNospc: "NFS3ERR_NOSPC", ErrRofs: "NFS3ERR_ROFS", ErrMlink: "NFS3ERR_MLINK",
	ErrNametoolong: "NFS3ERR_NAMETOOLONG", ErrNotempty: "NFS3ERR_NOTEMPTY", ErrDquot: "NFS3ERR_DQUOT",
	ErrStale: "NFS3ERR_STALE", ErrRemote: "NFS3ERR_REMOTE", ErrBadhandle: "NFS3ERR_BADHANDLE",
	ErrNotSync: "NFS3ERR_NOT_SYNC", ErrBadCookie: "NFS3ERR_BAD_COOKIE", ErrNotsupp: "NFS3ERR_NOTSUPP",
	ErrToosmall: "NFS3ERR_TOOSMALL", ErrServerfault: "NFS3ERR_SERVERFAULT", ErrBadtype: "NFS3ERR_BADTYPE",
	ErrJukebox: "NFS3ERR_JUKEBOX",
}

func (s Status) Error() string {
	if n, ok := statusNames[s]; ok {
		return "nfs3: " + n
	}
	return fmt.Sprintf("nfs3: status %d", uint32(s))
}

// Ftype is ftype3.
type Ftype uint32

const (
	TypeReg  Ftype = 1
	TypeDir  Ftype = 2
	TypeBlk  Ftype = 3
	TypeChr  Ftype = 4
	TypeLnk  Ftype = 5
	TypeSock Ftype = 6
	TypeFifo Ftype = 7
)

// time_how for sattr3 times.
const (
	DontChange      = 0
	SetToServerTime = 1
	SetToClientTime = 2
)

// stable_how for WRITE.
const (
	Unstable = 0
	DataSync = 1
	FileSync = 2
)

// createmode3 for CREATE.
const (
	Unchecked = 0
	Guarded   = 1
	Exclusive = 2
)

// ACCESS bits.
const (
	AccessRead    = 0x01
	AccessLookup  = 0x02
	AccessModify  = 0x04
	AccessExtend  = 0x08
	AccessDelete  = 0x10
	AccessExecute = 0x20
)

// FSINFO properties.
const (
	FSFLink        = 0x01
	FSFSymlink     = 0x02
	FSFHomogeneous = 0x08
	FSFCanSetTime  = 0x10
)

// Msg is implemented by every argument and result type.
type Msg interface {
	Encode(e *xdr.Encoder)
	Decode(d *xdr.Decoder)
}

// FH is nfs_fh3, an opaque file handle of at most FHSize bytes.
type FH []byte

func encFH(e *xdr.Encoder, fh FH) { e.Opaque(fh) }

func decFH(d *xdr.Decoder) FH {
	b := d.Opaque(FHSize)
	if b == nil && d.Err() == nil {
		b = []byte{}
	}
	return FH(b)
}

// Time is nfstime3.
type Time struct{ Sec, Nsec uint32 }

func encTime(e *xdr.Encoder, t Time) { e.Uint32(t.Sec); e.Uint32(t.Nsec) }
func decTime(d *xdr.Decoder) Time    { return Time{d.Uint32(), d.Uint32()} }

// Fattr is fattr3.
type Fattr struct {
	Type                 Ftype
	Mode, Nlink          uint32
	UID, GID             uint32
	Size, Used           uint64
	RdevMajor, RdevMinor uint32
	FSID, FileID         uint64
	Atime, Mtime, Ctime  Time
}

// Encode appends a to e.
func (a *Fattr) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(a.Type))
	e.Uint32(a.Mode)
	e.Uint32(a.Nlink)
	e.Uint32(a.UID)
	e.Uint32(a.GID)
	e.Uint64(a.Size)
	e.Uint64(a.Used)
	e.Uint32(a.RdevMajor)
	e.Uint32(a.RdevMinor)
	e.Uint64(a.FSID)
	e.Uint64(a.FileID)
	encTime(e, a.Atime)
	encTime(e, a.Mtime)
	encTime(e, a.Ctime)
}

// Decode reads a from d.
func (a *Fattr) Decode(d *xdr.Decoder) {
	a.Type = Ftype(d.Uint32())
	a.Mode = d.Uint32()
	a.Nlink = d.Uint32()
	a.UID = d.Uint32()
	a.GID = d.Uint32()
	a.Size = d.Uint64()
	a.Used = d.Uint64()
	a.RdevMajor = d.Uint32()
	a.RdevMinor = d.Uint32()
	a.FSID = d.Uint64()
	a.FileID = d.Uint64()
	a.Atime = decTime(d)
	a.Mtime = decTime(d)
	a.Ctime = decTime(d)
}

// post_op_attr: nil means no attributes.
func encPostOp(e *xdr.Encoder, a *Fattr) {
	e.Bool(a != nil)
	if a != nil {
		a.Encode(e)
	}
}

func decPostOp(d *xdr.Decoder) *Fattr {
	if !d.Bool() || d.Err() != nil {
		return nil
	}
	a := new(Fattr)
	a.Decode(d)
	return a
}

// post_op_fh3: nil means no handle.
func encPostFH(e *xdr.Encoder, fh FH) {
	e.Bool(fh != nil)
	if fh != nil {
		encFH(e, fh)
	}
}

func decPostFH(d *xdr.Decoder) FH {
	if !d.Bool() || d.Err() != nil {
		return nil
	}
	return decFH(d)
}

// WccAttr is wcc_attr, the attributes before an operation.
type WccAttr struct {
	Size         uint64
	Mtime, Ctime Time
}

// Wcc is wcc_data: weak cache consistency attributes around an operation.
type Wcc struct {
	Before *WccAttr
	After  *Fattr
}

func encWcc(e *xdr.Encoder, w *Wcc) {
	e.Bool(w.Before != nil)
	if b := w.Before; b != nil {
		e.Uint64(b.Size)
		encTime(e, b.Mtime)
		encTime(e, b.Ctime)
	}
	encPostOp(e, w.After)
}

func decWcc(d *xdr.Decoder) Wcc {
	var w Wcc
	if d.Bool() && d.Err() == nil {
		w.Before = &WccAttr{Size: d.Uint64(), Mtime: decTime(d), Ctime: decTime(d)}
	}
	w.After = decPostOp(d)
	return w
}

// SetTime is set_atime / set_mtime: How is DontChange, SetToServerTime or
// SetToClientTime (then Time applies).
type SetTime struct {
	How  uint32
	Time Time
}

// Sattr is sattr3: nil fields are not set.
type Sattr struct {
	Mode, UID, GID *uint32
	Size           *uint64
	Atime, Mtime   SetTime
}

func encOpt32(e *xdr.Encoder, v *uint32) {
	e.Bool(v != nil)
	if v != nil {
		e.Uint32(*v)
	}
}

func decOpt32(d *xdr.Decoder) *uint32 {
	if !d.Bool() || d.Err() != nil {
		return nil
	}
	v := d.Uint32()
	return &v
}

func encSetTime(e *xdr.Encoder, t SetTime) {
	e.Uint32(t.How)
	if t.How == SetToClientTime {
		encTime(e, t.Time)
	}
}

func decSetTime(d *xdr.Decoder) SetTime {
	t := SetTime{How: d.Uint32()}
	switch t.How {
	case DontChange, SetToServerTime:
	case SetToClientTime:
		t.Time = decTime(d)
	default:
		d.SetErr(fmt.Errorf("nfs3: bad time_how %d", t.How))
	}
	return t
}

// Encode appends s to e.
func (s *Sattr) Encode(e *xdr.Encoder) {
	encOpt32(e, s.Mode)
	encOpt32(e, s.UID)
	encOpt32(e, s.GID)
	e.Bool(s.Size != nil)
	if s.Size != nil {
		e.Uint64(*s.Size)
	}
	encSetTime(e, s.Atime)
	encSetTime(e, s.Mtime)
}

// Decode reads s from d.
func (s *Sattr) Decode(d *xdr.Decoder) {
	s.Mode = decOpt32(d)
	s.UID = decOpt32(d)
	s.GID = decOpt32(d)
	s.Size = nil
	if d.Bool() && d.Err() == nil {
		v := d.Uint64()
		s.Size = &v
	}
	s.Atime = decSetTime(d)
	s.Mtime = decSetTime(d)
}

// DirOp is diropargs3: a name in a directory.
type DirOp struct {
	Dir  FH
	Name string
}

func encDirOp(e *xdr.Encoder, o DirOp) { encFH(e, o.Dir); e.String(o.Name) }
func decDirOp(d *xdr.Decoder) DirOp    { return DirOp{Dir: decFH(d), Name: d.String(MaxName)} }

func decStatus(d *xdr.Decoder) Status { return Status(d.Uint32()) }

func verf(d *xdr.Decoder) (v [8]byte) {
	copy(v[:], d.FixedOpaque(8))
	return v
}
