package nfs3

import "sos/internal/nfs/xdr"

// Arguments and results of the NFSv3 procedures. A result's Status selects
// the arm: fields documented "ok" are encoded and decoded only when Status
// is StatusOK; the others are in both arms.

// FHArgs is the argument of GETATTR, READLINK, FSSTAT, FSINFO and PATHCONF:
// one file handle.
type FHArgs struct{ FH FH }

func (a *FHArgs) Encode(e *xdr.Encoder) { encFH(e, a.FH) }
func (a *FHArgs) Decode(d *xdr.Decoder) { a.FH = decFH(d) }

// GetattrRes is GETATTR3res.
type GetattrRes struct {
	Status Status
	Attr   Fattr // ok
}

func (r *GetattrRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	if r.Status == StatusOK {
		r.Attr.Encode(e)
	}
}

func (r *GetattrRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	if r.Status == StatusOK {
		r.Attr.Decode(d)
	}
}

// SetattrArgs is SETATTR3args. If Guard, the server checks the object's
// ctime equals GuardCtime.
type SetattrArgs struct {
	FH         FH
	Attr       Sattr
	Guard      bool
	GuardCtime Time
}

func (a *SetattrArgs) Encode(e *xdr.Encoder) {
	encFH(e, a.FH)
	a.Attr.Encode(e)
	e.Bool(a.Guard)
	if a.Guard {
		encTime(e, a.GuardCtime)
	}
}

func (a *SetattrArgs) Decode(d *xdr.Decoder) {
	a.FH = decFH(d)
	a.Attr.Decode(d)
	a.Guard = d.Bool()
	if a.Guard {
		a.GuardCtime = decTime(d)
	}
}

// WccRes is the result of SETATTR, REMOVE and RMDIR: a status and the
// object's (or directory's) wcc_data, in both arms.
type WccRes struct {
	Status Status
	Wcc    Wcc
}

func (r *WccRes) Encode(e *xdr.Encoder) { e.Uint32(uint32(r.Status)); encWcc(e, &r.Wcc) }
func (r *WccRes) Decode(d *xdr.Decoder) { r.Status = decStatus(d); r.Wcc = decWcc(d) }

// DirOpArgs is the argument of LOOKUP, REMOVE and RMDIR.
type DirOpArgs struct{ What DirOp }

func (a *DirOpArgs) Encode(e *xdr.Encoder) { encDirOp(e, a.What) }
func (a *DirOpArgs) Decode(d *xdr.Decoder) { a.What = decDirOp(d) }

// LookupRes is LOOKUP3res.
type LookupRes struct {
	Status  Status
	FH      FH     // ok
	Attr    *Fattr // ok
	DirAttr *Fattr
}

func (r *LookupRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	if r.Status == StatusOK {
		encFH(e, r.FH)
		encPostOp(e, r.Attr)
	}
	encPostOp(e, r.DirAttr)
}

func (r *LookupRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	if r.Status == StatusOK {
		r.FH = decFH(d)
		r.Attr = decPostOp(d)
	}
	r.DirAttr = decPostOp(d)
}

// AccessArgs is ACCESS3args.
type AccessArgs struct {
	FH     FH
	Access uint32
}

func (a *AccessArgs) Encode(e *xdr.Encoder) { encFH(e, a.FH); e.Uint32(a.Access) }
func (a *AccessArgs) Decode(d *xdr.Decoder) { a.FH = decFH(d); a.Access = d.Uint32() }

// AccessRes is ACCESS3res.
type AccessRes struct {
	Status Status
	Attr   *Fattr
	Access uint32 // ok
}

func (r *AccessRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	if r.Status == StatusOK {
		e.Uint32(r.Access)
	}
}

func (r *AccessRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	if r.Status == StatusOK {
		r.Access = d.Uint32()
	}
}

// ReadlinkRes is READLINK3res.
type ReadlinkRes struct {
	Status Status
	Attr   *Fattr
	Target string // ok
}

func (r *ReadlinkRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	if r.Status == StatusOK {
		e.String(r.Target)
	}
}

func (r *ReadlinkRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	if r.Status == StatusOK {
		r.Target = d.String(MaxPath)
	}
}

// ReadArgs is READ3args; it is also COMMIT3args.
type ReadArgs struct {
	FH     FH
	Offset uint64
	Count  uint32
}

func (a *ReadArgs) Encode(e *xdr.Encoder) { encFH(e, a.FH); e.Uint64(a.Offset); e.Uint32(a.Count) }
func (a *ReadArgs) Decode(d *xdr.Decoder) {
	a.FH = decFH(d)
	a.Offset = d.Uint64()
	a.Count = d.Uint32()
}

// ReadRes is READ3res. Count is set from len(Data) when encoding.
type ReadRes struct {
	Status Status
	Attr   *Fattr
	Count  uint32 // ok
	EOF    bool   // ok
	Data   []byte // ok
}

func (r *ReadRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	if r.Status == StatusOK {
		e.Uint32(uint32(len(r.Data)))
		e.Bool(r.EOF)
		e.Opaque(r.Data)
	}
}

func (r *ReadRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	if r.Status == StatusOK {
		r.Count = d.Uint32()
		r.EOF = d.Bool()
		r.Data = d.Opaque(MaxData)
	}
}

// WriteArgs is WRITE3args. Count is set from len(Data) when encoding.
type WriteArgs struct {
	FH     FH
	Offset uint64
	Count  uint32
	Stable uint32
	Data   []byte
}

func (a *WriteArgs) Encode(e *xdr.Encoder) {
	encFH(e, a.FH)
	e.Uint64(a.Offset)
	e.Uint32(uint32(len(a.Data)))
	e.Uint32(a.Stable)
	e.Opaque(a.Data)
}

func (a *WriteArgs) Decode(d *xdr.Decoder) {
	a.FH = decFH(d)
	a.Offset = d.Uint64()
	a.Count = d.Uint32()
	a.Stable = d.Uint32()
	a.Data = d.Opaque(MaxData)
}

// WriteRes is WRITE3res.
type WriteRes struct {
	Status    Status
	Wcc       Wcc
	Count     uint32  // ok
	Committed uint32  // ok
	Verf      [8]byte // ok
}

func (r *WriteRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encWcc(e, &r.Wcc)
	if r.Status == StatusOK {
		e.Uint32(r.Count)
		e.Uint32(r.Committed)
		e.FixedOpaque(r.Verf[:])
	}
}

func (r *WriteRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Wcc = decWcc(d)
	if r.Status == StatusOK {
		r.Count = d.Uint32()
		r.Committed = d.Uint32()
		r.Verf = verf(d)
	}
}

// CreateArgs is CREATE3args: Attr applies to Unchecked and Guarded, Verf
// to Exclusive.
type CreateArgs struct {
	Where DirOp
	Mode  uint32
	Attr  Sattr
	Verf  [8]byte
}

func (a *CreateArgs) Encode(e *xdr.Encoder) {
	encDirOp(e, a.Where)
	e.Uint32(a.Mode)
	if a.Mode == Exclusive {
		e.FixedOpaque(a.Verf[:])
	} else {
		a.Attr.Encode(e)
	}
}

func (a *CreateArgs) Decode(d *xdr.Decoder) {
	a.Where = decDirOp(d)
	a.Mode = d.Uint32()
	switch a.Mode {
	case Unchecked, Guarded:
		a.Attr.Decode(d)
	case Exclusive:
		a.Verf = verf(d)
	default:
		d.SetErr(ErrInval)
	}
}

// CreateRes is the result of CREATE, MKDIR and SYMLINK.
type CreateRes struct {
	Status Status
	FH     FH     // ok; nil if the server returned none
	Attr   *Fattr // ok
	DirWcc Wcc
}

func (r *CreateRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	if r.Status == StatusOK {
		encPostFH(e, r.FH)
		encPostOp(e, r.Attr)
	}
	encWcc(e, &r.DirWcc)
}

func (r *CreateRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	if r.Status == StatusOK {
		r.FH = decPostFH(d)
		r.Attr = decPostOp(d)
	}
	r.DirWcc = decWcc(d)
}

// MkdirArgs is MKDIR3args.
type MkdirArgs struct {
	Where DirOp
	Attr  Sattr
}

func (a *MkdirArgs) Encode(e *xdr.Encoder) { encDirOp(e, a.Where); a.Attr.Encode(e) }
func (a *MkdirArgs) Decode(d *xdr.Decoder) { a.Where = decDirOp(d); a.Attr.Decode(d) }

// SymlinkArgs is SYMLINK3args.
type SymlinkArgs struct {
	Where  DirOp
	Attr   Sattr
	Target string
}

func (a *SymlinkArgs) Encode(e *xdr.Encoder) {
	encDirOp(e, a.Where)
	a.Attr.Encode(e)
	e.String(a.Target)
}

func (a *SymlinkArgs) Decode(d *xdr.Decoder) {
	a.Where = decDirOp(d)
	a.Attr.Decode(d)
	a.Target = d.String(MaxPath)
}

// RenameArgs is RENAME3args.
type RenameArgs struct{ From, To DirOp }

func (a *RenameArgs) Encode(e *xdr.Encoder) { encDirOp(e, a.From); encDirOp(e, a.To) }
func (a *RenameArgs) Decode(d *xdr.Decoder) { a.From = decDirOp(d); a.To = decDirOp(d) }

// RenameRes is RENAME3res.
type RenameRes struct {
	Status         Status
	FromWcc, ToWcc Wcc
}

func (r *RenameRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encWcc(e, &r.FromWcc)
	encWcc(e, &r.ToWcc)
}

func (r *RenameRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.FromWcc = decWcc(d)
	r.ToWcc = decWcc(d)
}

// ReaddirArgs is READDIR3args and READDIRPLUS3args. DirCount is sent only
// for READDIRPLUS (Plus true); Count is READDIR's count or READDIRPLUS's
// maxcount.
type ReaddirArgs struct {
	Plus       bool
	Dir        FH
	Cookie     uint64
	CookieVerf [8]byte
	DirCount   uint32
	Count      uint32
}

func (a *ReaddirArgs) Encode(e *xdr.Encoder) {
	encFH(e, a.Dir)
	e.Uint64(a.Cookie)
	e.FixedOpaque(a.CookieVerf[:])
	if a.Plus {
		e.Uint32(a.DirCount)
	}
	e.Uint32(a.Count)
}

// Decode reads the arguments; set Plus before calling.
func (a *ReaddirArgs) Decode(d *xdr.Decoder) {
	a.Dir = decFH(d)
	a.Cookie = d.Uint64()
	a.CookieVerf = verf(d)
	if a.Plus {
		a.DirCount = d.Uint32()
	}
	a.Count = d.Uint32()
}

// Entry is entry3 or, for READDIRPLUS, entryplus3 (Attr and FH nil when
// absent).
type Entry struct {
	FileID uint64
	Name   string
	Cookie uint64
	Attr   *Fattr // READDIRPLUS only
	FH     FH     // READDIRPLUS only
}

// ReaddirRes is READDIR3res and READDIRPLUS3res.
type ReaddirRes struct {
	Plus       bool
	Status     Status
	DirAttr    *Fattr
	CookieVerf [8]byte // ok
	Entries    []Entry // ok
	EOF        bool    // ok
}

func (r *ReaddirRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.DirAttr)
	if r.Status != StatusOK {
		return
	}
	e.FixedOpaque(r.CookieVerf[:])
	for i := range r.Entries {
		ent := &r.Entries[i]
		e.Bool(true)
		e.Uint64(ent.FileID)
		e.String(ent.Name)
		e.Uint64(ent.Cookie)
		if r.Plus {
			encPostOp(e, ent.Attr)
			encPostFH(e, ent.FH)
		}
	}
	e.Bool(false)
	e.Bool(r.EOF)
}

// Decode reads the result; set Plus before calling.
func (r *ReaddirRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.DirAttr = decPostOp(d)
	r.Entries = r.Entries[:0]
	if r.Status != StatusOK {
		return
	}
	r.CookieVerf = verf(d)
	// Each entry takes at least 24 bytes, so the list is bounded by the
	// message's size.
	for d.Bool() && d.Err() == nil {
		ent := Entry{FileID: d.Uint64(), Name: d.String(MaxName), Cookie: d.Uint64()}
		if r.Plus {
			ent.Attr = decPostOp(d)
			ent.FH = decPostFH(d)
		}
		if d.Err() != nil {
			return
		}
		r.Entries = append(r.Entries, ent)
	}
	r.EOF = d.Bool()
}

// EntrySize is the number of bytes e adds to a READDIR (plus false) or
// READDIRPLUS reply, for a server filling a reply up to the client's count.
func EntrySize(e *Entry, plus bool) int {
	n := 4 + 8 + 4 + (len(e.Name)+3)&^3 + 8
	if plus {
		n += 4 + 4
		if e.Attr != nil {
			n += 84
		}
		if e.FH != nil {
			n += 4 + (len(e.FH)+3)&^3
		}
	}
	return n
}

// FsstatRes is FSSTAT3res.
type FsstatRes struct {
	Status                 Status
	Attr                   *Fattr
	TBytes, FBytes, ABytes uint64 // ok
	TFiles, FFiles, AFiles uint64 // ok
	Invarsec               uint32 // ok
}

func (r *FsstatRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	if r.Status == StatusOK {
		for _, v := range []uint64{r.TBytes, r.FBytes, r.ABytes, r.TFiles, r.FFiles, r.AFiles} {
			e.Uint64(v)
		}
		e.Uint32(r.Invarsec)
	}
}

func (r *FsstatRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	if r.Status == StatusOK {
		r.TBytes, r.FBytes, r.ABytes = d.Uint64(), d.Uint64(), d.Uint64()
		r.TFiles, r.FFiles, r.AFiles = d.Uint64(), d.Uint64(), d.Uint64()
		r.Invarsec = d.Uint32()
	}
}

// FsinfoRes is FSINFO3res.
type FsinfoRes struct {
	Status                Status
	Attr                  *Fattr
	RtMax, RtPref, RtMult uint32 // ok
	WtMax, WtPref, WtMult uint32 // ok
	DtPref                uint32 // ok
	MaxFileSize           uint64 // ok
	TimeDelta             Time   // ok
	Properties            uint32 // ok
}

func (r *FsinfoRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	if r.Status == StatusOK {
		for _, v := range []uint32{r.RtMax, r.RtPref, r.RtMult, r.WtMax, r.WtPref, r.WtMult, r.DtPref} {
			e.Uint32(v)
		}
		e.Uint64(r.MaxFileSize)
		encTime(e, r.TimeDelta)
		e.Uint32(r.Properties)
	}
}

func (r *FsinfoRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	if r.Status == StatusOK {
		r.RtMax, r.RtPref, r.RtMult = d.Uint32(), d.Uint32(), d.Uint32()
		r.WtMax, r.WtPref, r.WtMult = d.Uint32(), d.Uint32(), d.Uint32()
		r.DtPref = d.Uint32()
		r.MaxFileSize = d.Uint64()
		r.TimeDelta = decTime(d)
		r.Properties = d.Uint32()
	}
}

// PathconfRes is PATHCONF3res.
type PathconfRes struct {
	Status          Status
	Attr            *Fattr
	LinkMax         uint32 // ok
	NameMax         uint32 // ok
	NoTrunc         bool   // ok
	ChownRestricted bool   // ok
	CaseInsensitive bool   // ok
	CasePreserving  bool   // ok
}

func (r *PathconfRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	if r.Status == StatusOK {
		e.Uint32(r.LinkMax)
		e.Uint32(r.NameMax)
		e.Bool(r.NoTrunc)
		e.Bool(r.ChownRestricted)
		e.Bool(r.CaseInsensitive)
		e.Bool(r.CasePreserving)
	}
}

func (r *PathconfRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	if r.Status == StatusOK {
		r.LinkMax, r.NameMax = d.Uint32(), d.Uint32()
		r.NoTrunc, r.ChownRestricted = d.Bool(), d.Bool()
		r.CaseInsensitive, r.CasePreserving = d.Bool(), d.Bool()
	}
}

// CommitArgs is COMMIT3args (the same shape as READ's).
type CommitArgs = ReadArgs

// CommitRes is COMMIT3res.
type CommitRes struct {
	Status Status
	Wcc    Wcc
	Verf   [8]byte // ok
}

func (r *CommitRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encWcc(e, &r.Wcc)
	if r.Status == StatusOK {
		e.FixedOpaque(r.Verf[:])
	}
}

func (r *CommitRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Wcc = decWcc(d)
	if r.Status == StatusOK {
		r.Verf = verf(d)
	}
}

// Void is the argument and result of NULL and the result of UMNT.
type Void struct{}

func (Void) Encode(*xdr.Encoder) {}
func (Void) Decode(*xdr.Decoder) {}

// ReaddirplusArgs is ReaddirArgs for READDIRPLUS: it encodes and decodes
// with Plus set.
type ReaddirplusArgs struct{ ReaddirArgs }

func (a *ReaddirplusArgs) Encode(e *xdr.Encoder) { a.Plus = true; a.ReaddirArgs.Encode(e) }
func (a *ReaddirplusArgs) Decode(d *xdr.Decoder) { a.Plus = true; a.ReaddirArgs.Decode(d) }

// ReaddirplusRes is ReaddirRes for READDIRPLUS.
type ReaddirplusRes struct{ ReaddirRes }

func (r *ReaddirplusRes) Encode(e *xdr.Encoder) { r.Plus = true; r.ReaddirRes.Encode(e) }
func (r *ReaddirplusRes) Decode(d *xdr.Decoder) { r.Plus = true; r.ReaddirRes.Decode(d) }

// LinkArgs is LINK3args: make Link a new name for File.
type LinkArgs struct {
	File FH
	Link DirOp
}

func (a *LinkArgs) Encode(e *xdr.Encoder) { encFH(e, a.File); encDirOp(e, a.Link) }
func (a *LinkArgs) Decode(d *xdr.Decoder) { a.File = decFH(d); a.Link = decDirOp(d) }

// LinkRes is LINK3res.
type LinkRes struct {
	Status Status
	Attr   *Fattr
	DirWcc Wcc
}

func (r *LinkRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	encPostOp(e, r.Attr)
	encWcc(e, &r.DirWcc)
}

func (r *LinkRes) Decode(d *xdr.Decoder) {
	r.Status = decStatus(d)
	r.Attr = decPostOp(d)
	r.DirWcc = decWcc(d)
}

// MknodArgs is MKNOD3args: Attr applies to devices, sockets and FIFOs,
// Major and Minor to devices. Its result is a CreateRes.
type MknodArgs struct {
	Where        DirOp
	Type         Ftype
	Attr         Sattr
	Major, Minor uint32
}

func (a *MknodArgs) Encode(e *xdr.Encoder) {
	encDirOp(e, a.Where)
	e.Uint32(uint32(a.Type))
	switch a.Type {
	case TypeChr, TypeBlk:
		a.Attr.Encode(e)
		e.Uint32(a.Major)
		e.Uint32(a.Minor)
	case TypeSock, TypeFifo:
		a.Attr.Encode(e)
	}
}

func (a *MknodArgs) Decode(d *xdr.Decoder) {
	a.Where = decDirOp(d)
	a.Type = Ftype(d.Uint32())
	switch a.Type {
	case TypeChr, TypeBlk:
		a.Attr.Decode(d)
		a.Major, a.Minor = d.Uint32(), d.Uint32()
	case TypeSock, TypeFifo:
		a.Attr.Decode(d)
	}
}
