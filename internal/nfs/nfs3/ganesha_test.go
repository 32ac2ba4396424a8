package nfs3

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sos/internal/nfs/nfstest"
	"sos/internal/nfs/rpc"
)

// TestGanesha speaks MOUNT and NFSv3 to nfs-ganesha, a server SOS did not
// write, over UDP and TCP.
func TestGanesha(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello, nfs\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(dir, "ln")); err != nil {
		t.Fatal(err)
	}
	g, err := nfstest.StartGanesha(nfstest.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	nfsPort, mountPort := g.NFSPort, g.MountPort
	ctx := context.Background()
	cfg := rpc.Config{Timeout: 500 * time.Millisecond, Total: 20 * time.Second,
		Cred: rpc.AuthSysParams{MachineName: "sos-test"}.Auth()}

	// The portmapper knows a MOUNT port. Not necessarily this ganesha's:
	// the portmapper is machine-wide, and a ganesha another test binary
	// started meanwhile replaces the registration with its own.
	p, err := rpc.GetPort(ctx, "127.0.0.1", MountProgram, MountVersion, rpc.IPProtoTCP, cfg)
	if err != nil || p == 0 {
		t.Errorf("GETPORT mount: %d %v, want a port (this ganesha's is %d)", p, err, mountPort)
	}

	for _, network := range []string{"udp", "tcp"} {
		mc, err := rpc.Dial(network, fmt.Sprintf("127.0.0.1:%d", mountPort), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer mc.Close()
		var ex ExportRes
		if err := CallMount(ctx, mc, MountProcExport, Void{}, &ex); err != nil {
			t.Fatalf("%s: EXPORT: %v", network, err)
		}
		found := false
		for _, x := range ex.Exports {
			found = found || x.Dir == dir
		}
		if !found {
			t.Errorf("%s: EXPORT %+v lacks %s", network, ex.Exports, dir)
		}
		var mr MountRes
		if err := CallMount(ctx, mc, MountProcMnt, &MountArgs{Path: dir}, &mr); err != nil || mr.Status != MountOK {
			t.Fatalf("%s: MNT: %v %v", network, err, mr.Status)
		}
		root := append(FH(nil), mr.FH...)

		c, err := rpc.Dial(network, fmt.Sprintf("127.0.0.1:%d", nfsPort), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var gr GetattrRes
		if err := Call(ctx, c, ProcGetattr, &FHArgs{FH: root}, &gr); err != nil || gr.Status != StatusOK || gr.Attr.Type != TypeDir {
			t.Fatalf("%s: GETATTR: %v %+v", network, err, gr)
		}
		var fi FsinfoRes
		if err := Call(ctx, c, ProcFsinfo, &FHArgs{FH: root}, &fi); err != nil || fi.Status != StatusOK || fi.RtMax == 0 {
			t.Fatalf("%s: FSINFO: %v %+v", network, err, fi)
		}
		names := map[string]Entry{}
		var cookie uint64
		var cv [8]byte
		for range 100 {
			var rr ReaddirplusRes
			args := ReaddirplusArgs{ReaddirArgs{Dir: root, Cookie: cookie, CookieVerf: cv, DirCount: 512, Count: 4096}}
			if err := Call(ctx, c, ProcReaddirplus, &args, &rr); err != nil || rr.Status != StatusOK {
				t.Fatalf("%s: READDIRPLUS: %v %v", network, err, rr.Status)
			}
			for _, e := range rr.Entries {
				names[e.Name] = e
				cookie = e.Cookie
			}
			cv = rr.CookieVerf
			if rr.EOF {
				break
			}
		}
		for _, n := range []string{"a.txt", "sub", "ln"} {
			if e, ok := names[n]; !ok || e.Attr == nil || e.FH == nil {
				t.Errorf("%s: READDIRPLUS entry %q: %+v (all: %v)", network, n, e, keys(names))
			}
		}
		if e := names["sub"]; e.Attr != nil && e.Attr.Type != TypeDir {
			t.Errorf("%s: sub has type %d", network, e.Attr.Type)
		}
		var lr LookupRes
		if err := Call(ctx, c, ProcLookup, &DirOpArgs{What: DirOp{Dir: root, Name: "a.txt"}}, &lr); err != nil || lr.Status != StatusOK {
			t.Fatalf("%s: LOOKUP: %v %v", network, err, lr.Status)
		}
		var rd ReadRes
		if err := Call(ctx, c, ProcRead, &ReadArgs{FH: lr.FH, Count: 100}, &rd); err != nil || rd.Status != StatusOK ||
			string(rd.Data) != "hello, nfs\n" || !rd.EOF {
			t.Fatalf("%s: READ: %v %+v", network, err, rd)
		}
		var nl LookupRes
		if err := Call(ctx, c, ProcLookup, &DirOpArgs{What: DirOp{Dir: root, Name: "missing"}}, &nl); err != nil || nl.Status != ErrNoent {
			t.Fatalf("%s: LOOKUP missing: %v %v", network, err, nl.Status)
		}
		var rl ReadlinkRes
		if err := Call(ctx, c, ProcReadlink, &FHArgs{FH: names["ln"].FH}, &rl); err != nil || rl.Status != StatusOK || rl.Target != "a.txt" {
			t.Fatalf("%s: READLINK: %v %+v", network, err, rl)
		}
		// Many calls in flight on one socket.
		errs := make(chan error, 64)
		for range 64 {
			go func() {
				var r GetattrRes
				err := Call(ctx, c, ProcGetattr, &FHArgs{FH: lr.FH}, &r)
				if err == nil && (r.Status != StatusOK || r.Attr.Size != 11) {
					err = fmt.Errorf("status %v size %d", r.Status, r.Attr.Size)
				}
				errs <- err
			}()
		}
		for range 64 {
			if err := <-errs; err != nil {
				t.Fatalf("%s: concurrent GETATTR: %v", network, err)
			}
		}
		// Write, commit and read back a new file.
		name := "new-" + network
		var cr CreateRes
		if err := Call(ctx, c, ProcCreate, &CreateArgs{Where: DirOp{Dir: root, Name: name}, Mode: Guarded, Attr: Sattr{Mode: u32(0o644)}}, &cr); err != nil ||
			cr.Status != StatusOK || cr.FH == nil {
			t.Fatalf("%s: CREATE: %v %+v", network, err, cr)
		}
		var wr WriteRes
		if err := Call(ctx, c, ProcWrite, &WriteArgs{FH: cr.FH, Stable: Unstable, Data: []byte("written by sos")}, &wr); err != nil ||
			wr.Status != StatusOK || wr.Count != 14 {
			t.Fatalf("%s: WRITE: %v %+v", network, err, wr)
		}
		var cm CommitRes
		if err := Call(ctx, c, ProcCommit, &CommitArgs{FH: cr.FH}, &cm); err != nil || cm.Status != StatusOK {
			t.Fatalf("%s: COMMIT: %v %+v", network, err, cm)
		}
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != "written by sos" {
			t.Fatalf("%s: file on disk: %q %v", network, b, err)
		}
		var lk LinkRes
		if err := Call(ctx, c, ProcLink, &LinkArgs{File: cr.FH, Link: DirOp{Dir: root, Name: name + ".link"}}, &lk); err != nil ||
			lk.Status != StatusOK || lk.Attr == nil || lk.Attr.Nlink != 2 {
			t.Fatalf("%s: LINK: %v %+v", network, err, lk)
		}
		if err := Call(ctx, c, ProcRemove, &DirOpArgs{What: DirOp{Dir: root, Name: name + ".link"}}, new(WccRes)); err != nil {
			t.Fatal(err)
		}
		var rm WccRes
		if err := Call(ctx, c, ProcRemove, &DirOpArgs{What: DirOp{Dir: root, Name: name}}, &rm); err != nil || rm.Status != StatusOK {
			t.Fatalf("%s: REMOVE: %v %+v", network, err, rm)
		}
		if err := CallMount(ctx, mc, MountProcUmnt, &MountArgs{Path: dir}, Void{}); err != nil {
			t.Errorf("%s: UMNT: %v", network, err)
		}
	}
}

func keys(m map[string]Entry) string {
	var s []string
	for k := range m {
		s = append(s, k)
	}
	return strings.Join(s, " ")
}
