//go:build linux

package nfsd

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
	"sos/internal/nfs/xdr"
)

// FuzzHandle feeds arbitrary messages to the server's dispatcher: it must
// never panic (a handler panic would be SYSTEM_ERR, which fails too) and
// never stop serving. The seeds are well-formed calls of every procedure
// on a real handle; `go test` runs them, `go test -fuzz FuzzHandle
// ./internal/nfsd/` mutates them.
func FuzzHandle(f *testing.F) {
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("data"), 0o644)
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	s, err := New(Config{Dir: dir})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	root := s.t.root.key.handle()
	name := nfs3.DirOp{Dir: root, Name: "f"}
	calls := map[uint32]nfs3.Msg{
		nfs3.ProcGetattr:     &nfs3.FHArgs{FH: root},
		nfs3.ProcLookup:      &nfs3.DirOpArgs{What: name},
		nfs3.ProcAccess:      &nfs3.AccessArgs{FH: root, Access: 0x3f},
		nfs3.ProcRead:        &nfs3.ReadArgs{FH: root, Count: 100},
		nfs3.ProcWrite:       &nfs3.WriteArgs{FH: root, Data: []byte("x")},
		nfs3.ProcCreate:      &nfs3.CreateArgs{Where: nfs3.DirOp{Dir: root, Name: "n"}},
		nfs3.ProcMkdir:       &nfs3.MkdirArgs{Where: nfs3.DirOp{Dir: root, Name: "m"}},
		nfs3.ProcSymlink:     &nfs3.SymlinkArgs{Where: nfs3.DirOp{Dir: root, Name: "l"}, Target: "f"},
		nfs3.ProcRemove:      &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: root, Name: "n"}},
		nfs3.ProcRename:      &nfs3.RenameArgs{From: nfs3.DirOp{Dir: root, Name: "m"}, To: nfs3.DirOp{Dir: root, Name: "m2"}},
		nfs3.ProcLink:        &nfs3.LinkArgs{File: root, Link: name},
		nfs3.ProcReaddirplus: &nfs3.ReaddirplusArgs{ReaddirArgs: nfs3.ReaddirArgs{Dir: root, DirCount: 100, Count: 1000}},
		nfs3.ProcSetattr:     &nfs3.SetattrArgs{FH: root},
		nfs3.ProcCommit:      &nfs3.CommitArgs{FH: root},
	}
	for proc, args := range calls {
		f.Add(rawCall(1, proc, args))
	}
	addr := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1}
	f.Fuzz(func(t *testing.T, msg []byte) {
		reply := s.udpSrv.Handle(msg, addr)
		if reply == nil {
			return // undecodable header: dropped
		}
		h, err := rpc.DecodeReply(xdr.NewDecoder(reply))
		if err != nil || h.Stat == rpc.SystemErr {
			t.Fatalf("reply %+v, %v", h, err)
		}
	})
}
