package nfs3

import (
	"fmt"

	"sos/internal/nfs/xdr"
)

// MOUNT v3 procedures.
const (
	MountProcNull    = 0
	MountProcMnt     = 1
	MountProcDump    = 2
	MountProcUmnt    = 3
	MountProcUmntall = 4
	MountProcExport  = 5
)

// MOUNT limits.
const (
	MaxMountPath = 1024 // MNTPATHLEN
	MaxMountName = 255  // MNTNAMLEN
	maxFlavors   = 64
)

// MountStat is mountstat3.
type MountStat uint32

const (
	MountOK             MountStat = 0
	MountErrPerm        MountStat = 1
	MountErrNoent       MountStat = 2
	MountErrIO          MountStat = 5
	MountErrAcces       MountStat = 13
	MountErrNotdir      MountStat = 20
	MountErrInval       MountStat = 22
	MountErrNametoolong MountStat = 63
	MountErrNotsupp     MountStat = 10004
	MountErrServerfault MountStat = 10006
)

func (s MountStat) Error() string { return fmt.Sprintf("mount3: status %d", uint32(s)) }

// MountArgs is the dirpath argument of MNT and UMNT.
type MountArgs struct{ Path string }

func (a *MountArgs) Encode(e *xdr.Encoder) { e.String(a.Path) }
func (a *MountArgs) Decode(d *xdr.Decoder) { a.Path = d.String(MaxMountPath) }

// MountRes is mountres3.
type MountRes struct {
	Status  MountStat
	FH      FH       // ok: the root of the export
	Flavors []uint32 // ok: auth flavors the server accepts
}

func (r *MountRes) Encode(e *xdr.Encoder) {
	e.Uint32(uint32(r.Status))
	if r.Status == MountOK {
		encFH(e, r.FH)
		e.Uint32(uint32(len(r.Flavors)))
		for _, f := range r.Flavors {
			e.Uint32(f)
		}
	}
}

func (r *MountRes) Decode(d *xdr.Decoder) {
	r.Status = MountStat(d.Uint32())
	r.FH, r.Flavors = nil, nil
	if r.Status == MountOK {
		r.FH = decFH(d)
		n := d.Count(maxFlavors, 4)
		if n > 0 {
			r.Flavors = make([]uint32, n)
			for i := range r.Flavors {
				r.Flavors[i] = d.Uint32()
			}
		}
	}
}

// Export is one exportnode: a path and the groups allowed to mount it.
type Export struct {
	Dir    string
	Groups []string
}

// ExportRes is the result of EXPORT: the server's export list.
type ExportRes struct{ Exports []Export }

func (r *ExportRes) Encode(e *xdr.Encoder) {
	for _, x := range r.Exports {
		e.Bool(true)
		e.String(x.Dir)
		for _, g := range x.Groups {
			e.Bool(true)
			e.String(g)
		}
		e.Bool(false)
	}
	e.Bool(false)
}

func (r *ExportRes) Decode(d *xdr.Decoder) {
	r.Exports = r.Exports[:0]
	for d.Bool() && d.Err() == nil {
		x := Export{Dir: d.String(MaxMountPath)}
		for d.Bool() && d.Err() == nil {
			x.Groups = append(x.Groups, d.String(MaxMountName))
		}
		if d.Err() != nil {
			return
		}
		r.Exports = append(r.Exports, x)
	}
}
