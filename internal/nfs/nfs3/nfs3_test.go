package nfs3

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"reflect"
	"testing"
	"time"

	"sos/internal/nfs/rpc"
	"sos/internal/nfs/xdr"
)

func u32(v uint32) *uint32 { return &v }
func u64(v uint64) *uint64 { return &v }

var (
	fh   = FH{1, 2, 3, 4, 5, 6, 7}
	fh2  = FH{0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x11, 0x22}
	attr = &Fattr{Type: TypeReg, Mode: 0o644, Nlink: 1, UID: 1000, GID: 100, Size: 12345, Used: 16384,
		RdevMajor: 1, RdevMinor: 2, FSID: 77, FileID: 99,
		Atime: Time{1, 2}, Mtime: Time{3, 4}, Ctime: Time{5, 6}}
	dattr = &Fattr{Type: TypeDir, Mode: 0o755, Nlink: 2, FileID: 2}
	wcc   = Wcc{Before: &WccAttr{Size: 10, Mtime: Time{7, 8}, Ctime: Time{9, 10}}, After: attr}
	sattr = Sattr{Mode: u32(0o600), GID: u32(5), Size: u64(0),
		Atime: SetTime{How: SetToServerTime}, Mtime: SetTime{How: SetToClientTime, Time: Time{11, 12}}}
	verf8 = [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
)

type codecCase struct {
	name  string
	msg   Msg
	fresh func() Msg
}

func cases() []codecCase {
	return []codecCase{
		{"FHArgs", &FHArgs{FH: fh}, func() Msg { return new(FHArgs) }},
		{"GetattrRes", &GetattrRes{Attr: *attr}, func() Msg { return new(GetattrRes) }},
		{"GetattrRes/err", &GetattrRes{Status: ErrStale}, func() Msg { return new(GetattrRes) }},
		{"SetattrArgs", &SetattrArgs{FH: fh, Attr: sattr, Guard: true, GuardCtime: Time{1, 1}}, func() Msg { return new(SetattrArgs) }},
		{"SetattrArgs/noguard", &SetattrArgs{FH: fh, Attr: Sattr{UID: u32(0)}}, func() Msg { return new(SetattrArgs) }},
		{"WccRes", &WccRes{Wcc: wcc}, func() Msg { return new(WccRes) }},
		{"WccRes/err", &WccRes{Status: ErrNotempty, Wcc: Wcc{After: dattr}}, func() Msg { return new(WccRes) }},
		{"DirOpArgs", &DirOpArgs{What: DirOp{Dir: fh, Name: "hello.txt"}}, func() Msg { return new(DirOpArgs) }},
		{"LookupRes", &LookupRes{FH: fh2, Attr: attr, DirAttr: dattr}, func() Msg { return new(LookupRes) }},
		{"LookupRes/err", &LookupRes{Status: ErrNoent, DirAttr: dattr}, func() Msg { return new(LookupRes) }},
		{"AccessArgs", &AccessArgs{FH: fh, Access: AccessRead | AccessLookup}, func() Msg { return new(AccessArgs) }},
		{"AccessRes", &AccessRes{Attr: attr, Access: AccessRead}, func() Msg { return new(AccessRes) }},
		{"AccessRes/err", &AccessRes{Status: ErrAcces}, func() Msg { return new(AccessRes) }},
		{"ReadlinkRes", &ReadlinkRes{Attr: attr, Target: "../a/b"}, func() Msg { return new(ReadlinkRes) }},
		{"ReadlinkRes/err", &ReadlinkRes{Status: ErrInval, Attr: attr}, func() Msg { return new(ReadlinkRes) }},
		{"ReadArgs", &ReadArgs{FH: fh, Offset: 1 << 40, Count: 65536}, func() Msg { return new(ReadArgs) }},
		{"ReadRes", &ReadRes{Attr: attr, Count: 5, EOF: true, Data: []byte("hello")}, func() Msg { return new(ReadRes) }},
		{"ReadRes/err", &ReadRes{Status: ErrIO}, func() Msg { return new(ReadRes) }},
		{"WriteArgs", &WriteArgs{FH: fh, Offset: 4096, Count: 3, Stable: FileSync, Data: []byte("abc")}, func() Msg { return new(WriteArgs) }},
		{"WriteRes", &WriteRes{Wcc: wcc, Count: 3, Committed: DataSync, Verf: verf8}, func() Msg { return new(WriteRes) }},
		{"WriteRes/err", &WriteRes{Status: ErrNospc, Wcc: wcc}, func() Msg { return new(WriteRes) }},
		{"CreateArgs/unchecked", &CreateArgs{Where: DirOp{fh, "f"}, Mode: Unchecked, Attr: sattr}, func() Msg { return new(CreateArgs) }},
		{"CreateArgs/guarded", &CreateArgs{Where: DirOp{fh, "g"}, Mode: Guarded, Attr: Sattr{Mode: u32(0o644)}}, func() Msg { return new(CreateArgs) }},
		{"CreateArgs/exclusive", &CreateArgs{Where: DirOp{fh, "x"}, Mode: Exclusive, Verf: verf8}, func() Msg { return new(CreateArgs) }},
		{"CreateRes", &CreateRes{FH: fh2, Attr: attr, DirWcc: wcc}, func() Msg { return new(CreateRes) }},
		{"CreateRes/nofh", &CreateRes{DirWcc: Wcc{}}, func() Msg { return new(CreateRes) }},
		{"CreateRes/err", &CreateRes{Status: ErrExist, DirWcc: wcc}, func() Msg { return new(CreateRes) }},
		{"MkdirArgs", &MkdirArgs{Where: DirOp{fh, "dir"}, Attr: Sattr{Mode: u32(0o755)}}, func() Msg { return new(MkdirArgs) }},
		{"SymlinkArgs", &SymlinkArgs{Where: DirOp{fh, "ln"}, Attr: Sattr{}, Target: "/some/where"}, func() Msg { return new(SymlinkArgs) }},
		{"RenameArgs", &RenameArgs{From: DirOp{fh, "a"}, To: DirOp{fh2, "bcdef"}}, func() Msg { return new(RenameArgs) }},
		{"RenameRes", &RenameRes{FromWcc: wcc, ToWcc: Wcc{After: dattr}}, func() Msg { return new(RenameRes) }},
		{"RenameRes/err", &RenameRes{Status: ErrXdev}, func() Msg { return new(RenameRes) }},
		{"ReaddirArgs", &ReaddirArgs{Dir: fh, Cookie: 3, CookieVerf: verf8, Count: 4096}, func() Msg { return new(ReaddirArgs) }},
		{"ReaddirplusArgs", &ReaddirplusArgs{ReaddirArgs{Plus: true, Dir: fh, Cookie: 3, CookieVerf: verf8, DirCount: 1024, Count: 8192}}, func() Msg { return new(ReaddirplusArgs) }},
		{"ReaddirRes", &ReaddirRes{DirAttr: dattr, CookieVerf: verf8, EOF: true, Entries: []Entry{
			{FileID: 1, Name: ".", Cookie: 1}, {FileID: 2, Name: "..", Cookie: 2}, {FileID: 99, Name: "hello.txt", Cookie: 3}}},
			func() Msg { return new(ReaddirRes) }},
		{"ReaddirRes/empty", &ReaddirRes{}, func() Msg { return new(ReaddirRes) }},
		{"ReaddirRes/err", &ReaddirRes{Status: ErrBadCookie, DirAttr: dattr}, func() Msg { return new(ReaddirRes) }},
		{"ReaddirplusRes", &ReaddirplusRes{ReaddirRes{Plus: true, DirAttr: dattr, CookieVerf: verf8, Entries: []Entry{
			{FileID: 1, Name: ".", Cookie: 1, Attr: dattr, FH: fh},
			{FileID: 99, Name: "hello.txt", Cookie: 3, Attr: attr, FH: fh2},
			{FileID: 100, Name: "noattr", Cookie: 4}}}},
			func() Msg { return new(ReaddirplusRes) }},
		{"FsstatRes", &FsstatRes{Attr: dattr, TBytes: 1 << 40, FBytes: 1 << 30, ABytes: 1 << 29, TFiles: 1000, FFiles: 500, AFiles: 400, Invarsec: 1}, func() Msg { return new(FsstatRes) }},
		{"FsstatRes/err", &FsstatRes{Status: ErrServerfault}, func() Msg { return new(FsstatRes) }},
		{"FsinfoRes", &FsinfoRes{Attr: dattr, RtMax: 1 << 20, RtPref: 1 << 16, RtMult: 4096, WtMax: 1 << 20, WtPref: 1 << 16, WtMult: 4096,
			DtPref: 8192, MaxFileSize: 1 << 62, TimeDelta: Time{0, 1}, Properties: FSFLink | FSFSymlink | FSFHomogeneous | FSFCanSetTime},
			func() Msg { return new(FsinfoRes) }},
		{"PathconfRes", &PathconfRes{Attr: attr, LinkMax: 32000, NameMax: 255, NoTrunc: true, CasePreserving: true}, func() Msg { return new(PathconfRes) }},
		{"CommitRes", &CommitRes{Wcc: wcc, Verf: verf8}, func() Msg { return new(CommitRes) }},
		{"CommitRes/err", &CommitRes{Status: ErrIO, Wcc: wcc}, func() Msg { return new(CommitRes) }},
		{"LinkArgs", &LinkArgs{File: fh, Link: DirOp{fh2, "hard"}}, func() Msg { return new(LinkArgs) }},
		{"LinkRes", &LinkRes{Attr: attr, DirWcc: wcc}, func() Msg { return new(LinkRes) }},
		{"LinkRes/err", &LinkRes{Status: ErrMlink}, func() Msg { return new(LinkRes) }},
		{"MknodArgs/chr", &MknodArgs{Where: DirOp{fh, "tty"}, Type: TypeChr, Attr: Sattr{Mode: u32(0o620)}, Major: 4, Minor: 1}, func() Msg { return new(MknodArgs) }},
		{"MknodArgs/fifo", &MknodArgs{Where: DirOp{fh, "p"}, Type: TypeFifo, Attr: Sattr{Mode: u32(0o600)}}, func() Msg { return new(MknodArgs) }},
		{"MknodArgs/reg", &MknodArgs{Where: DirOp{fh, "r"}, Type: TypeReg}, func() Msg { return new(MknodArgs) }},
		{"MountArgs", &MountArgs{Path: "/srv/export"}, func() Msg { return new(MountArgs) }},
		{"MountRes", &MountRes{FH: fh, Flavors: []uint32{0, 1}}, func() Msg { return new(MountRes) }},
		{"MountRes/err", &MountRes{Status: MountErrAcces}, func() Msg { return new(MountRes) }},
		{"ExportRes", &ExportRes{Exports: []Export{{Dir: "/a", Groups: []string{"*"}}, {Dir: "/b"}}}, func() Msg { return new(ExportRes) }},
		{"ExportRes/empty", &ExportRes{}, func() Msg { return new(ExportRes) }},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, c := range cases() {
		var e xdr.Encoder
		c.msg.Encode(&e)
		if e.Len()%4 != 0 {
			t.Errorf("%s: %d bytes", c.name, e.Len())
		}
		got := c.fresh()
		d := xdr.NewDecoder(e.Bytes())
		got.Decode(d)
		if d.Err() != nil || d.Remaining() != 0 {
			t.Errorf("%s: err %v, %d bytes left", c.name, d.Err(), d.Remaining())
			continue
		}
		if !reflect.DeepEqual(got, c.msg) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.msg)
		}
		// Every truncation is an error.
		for n := range e.Len() {
			d := xdr.NewDecoder(e.Bytes()[:n])
			c.fresh().Decode(d)
			if d.Err() == nil {
				t.Errorf("%s: truncated to %d of %d bytes decoded without error", c.name, n, e.Len())
				break
			}
		}
	}
}

func TestGarbage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases() {
		var e xdr.Encoder
		c.msg.Encode(&e)
		for range 300 {
			b := append([]byte(nil), e.Bytes()...)
			// Flip bytes, or use pure noise.
			if r.IntN(4) == 0 {
				for i := range b {
					b[i] = byte(r.Uint32())
				}
			} else {
				for range 1 + r.IntN(4) {
					b[r.IntN(len(b)+1)%max(len(b), 1)] = byte(r.Uint32())
				}
			}
			d := xdr.NewDecoder(b)
			c.fresh().Decode(d) // must not panic
		}
	}
	// Hostile specifics.
	d := xdr.NewDecoder([]byte{0, 0, 0, 200, 1, 2, 3, 4})
	new(FHArgs).Decode(d)
	if !errors.Is(d.Err(), xdr.ErrTooLong) {
		t.Errorf("oversized handle: %v", d.Err())
	}
	var e xdr.Encoder
	e.Opaque(fh)
	e.String("x")
	e.Uint32(7) // bad createmode3
	d = xdr.NewDecoder(e.Bytes())
	new(CreateArgs).Decode(d)
	if d.Err() == nil {
		t.Error("bad createmode decoded")
	}
}

func TestWireSizes(t *testing.T) {
	var e xdr.Encoder
	attr.Encode(&e)
	if e.Len() != 84 {
		t.Errorf("fattr3 is %d bytes, want 84", e.Len())
	}
	for _, ent := range []Entry{{Name: "abcde"}, {Name: "x", Attr: attr, FH: fh}} {
		for _, plus := range []bool{false, true} {
			r := ReaddirRes{Plus: plus, Entries: []Entry{ent}}
			var e1, e0 xdr.Encoder
			r.Encode(&e1)
			r.Entries = nil
			r.Encode(&e0)
			if got := EntrySize(&ent, plus); got != e1.Len()-e0.Len() {
				t.Errorf("EntrySize(%+v, %v) = %d, encoded %d", ent, plus, got, e1.Len()-e0.Len())
			}
		}
	}
}

func FuzzReaddirplusRes(f *testing.F) {
	var e xdr.Encoder
	for _, c := range cases() {
		if c.name == "ReaddirplusRes" {
			c.msg.Encode(&e)
		}
	}
	f.Add(e.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		new(ReaddirplusRes).Decode(xdr.NewDecoder(b))
		new(SetattrArgs).Decode(xdr.NewDecoder(b))
		new(ExportRes).Decode(xdr.NewDecoder(b))
	})
}

// TestOverRPC runs MOUNT and a few NFS procedures through Register and
// Call over UDP and TCP.
func TestOverRPC(t *testing.T) {
	s := rpc.NewServer()
	Register(s, MountProgram, MountVersion, MountProcMnt, func(_ *rpc.Request, a *MountArgs) Msg {
		if a.Path != "/export" {
			return &MountRes{Status: MountErrNoent}
		}
		return &MountRes{FH: fh, Flavors: []uint32{rpc.AuthSys}}
	})
	Register(s, Program, Version, ProcGetattr, func(req *rpc.Request, a *FHArgs) Msg {
		p, err := rpc.ParseAuthSys(req.Header.Cred.Body)
		if err != nil || string(a.FH) != string(fh) {
			return &GetattrRes{Status: ErrBadhandle}
		}
		at := *attr
		at.UID = p.UID
		return &GetattrRes{Attr: at}
	})
	Register(s, Program, Version, ProcReaddirplus, func(_ *rpc.Request, a *ReaddirplusArgs) Msg {
		return &ReaddirplusRes{ReaddirRes{Entries: []Entry{{FileID: 5, Name: "f", Cookie: a.Cookie + 1, Attr: attr, FH: fh2}}, EOF: true}}
	})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go s.ServeUDP(pc)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go s.ServeTCP(l)

	cfg := rpc.Config{Timeout: 200 * time.Millisecond, Total: 10 * time.Second,
		Cred: rpc.AuthSysParams{MachineName: "sos", UID: 4242}.Auth()}
	for _, tc := range []struct{ network, addr string }{{"udp", pc.LocalAddr().String()}, {"tcp", l.Addr().String()}} {
		c, err := rpc.Dial(tc.network, tc.addr, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		var mr MountRes
		if err := CallMount(ctx, c, MountProcMnt, &MountArgs{Path: "/export"}, &mr); err != nil || mr.Status != MountOK {
			t.Fatalf("%s: mount %v %v", tc.network, err, mr.Status)
		}
		var gr GetattrRes
		if err := Call(ctx, c, ProcGetattr, &FHArgs{FH: mr.FH}, &gr); err != nil || gr.Status != StatusOK || gr.Attr.UID != 4242 {
			t.Fatalf("%s: getattr %v %+v", tc.network, err, gr)
		}
		var rr ReaddirplusRes
		if err := Call(ctx, c, ProcReaddirplus, &ReaddirplusArgs{ReaddirArgs{Dir: mr.FH, Cookie: 9, Count: 4096}}, &rr); err != nil ||
			len(rr.Entries) != 1 || rr.Entries[0].Cookie != 10 || !rr.EOF {
			t.Fatalf("%s: readdirplus %v %+v", tc.network, err, rr)
		}
		// Garbage arguments never reach the handler.
		_, err = c.Call(ctx, Program, Version, ProcGetattr, []byte{0, 0, 1, 0})
		var re *rpc.ReplyError
		if !errors.As(err, &re) || re.Header.Stat != rpc.GarbageArgs {
			t.Fatalf("%s: garbage args: %v", tc.network, err)
		}
		// Unregistered procedure.
		if err := Call(ctx, c, ProcCommit, &CommitArgs{FH: fh}, new(CommitRes)); !errors.As(err, &re) || re.Header.Stat != rpc.ProcUnavail {
			t.Fatalf("%s: commit: %v", tc.network, err)
		}
		c.Close()
	}
}
