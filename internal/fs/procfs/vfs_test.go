package procfs

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// TestVFSConformance runs fstest.TestFS over a process's directory
// through the VFS itself (procfs mounted as a namespace's root, read with
// vfs.IOFS). The process's links point inside /proc, so that they resolve
// there.
func TestVFSConformance(t *testing.T) {
	k := newKernel()
	p := shell()
	p.exe, p.cwd, p.root = "/sys/kernel/ostype", "/sys", "/"
	p.fds = []FD{{Num: 0, Target: "/meminfo"}, {Num: 3, Target: "/9/status", Flags: abi.O_RDWR}}
	p.threads = []Thread{{TID: 9, Name: "sosh"}, {TID: 10, Name: "worker"}}
	k.add(9, p)
	ns := vfs.NewNamespace(New(k, Options{}), "proc")
	sub, err := fs.Sub(vfs.IOFS(ns, ns.Root()), "9")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sub, "status", "task/10/stat", "fd/3", "exe", "maps"); err != nil {
		t.Error(err)
	}
	sys, err := fs.Sub(vfs.IOFS(ns, ns.Root()), "sys/vm")
	if err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(sys, "overcommit_memory"); err != nil {
		t.Error(err)
	}
}
