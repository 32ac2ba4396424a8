package nfstest

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/rpc"
)

// TestGanesha starts two ganeshas at once (sharing one rpcbind), checks
// that each exports its directory, and that Close stops them and removes
// what was made. Fails, never skips, without the packages.
func TestGanesha(t *testing.T) {
	given := t.TempDir()
	a, err := StartGanesha(Config{Dir: given})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := StartGanesha(Config{NoAttrCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.NFSPort == b.NFSPort || a.Dir != given {
		t.Fatalf("a %+v, b %+v", a, b)
	}
	ctx := context.Background()
	cfg := rpc.Config{Timeout: 200 * time.Millisecond, Total: 5 * time.Second}
	for _, g := range []*Ganesha{a, b} {
		for _, network := range []string{"udp", "tcp"} {
			c, err := rpc.Dial(network, g.MountAddr(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var ex nfs3.ExportRes
			err = nfs3.CallMount(ctx, c, nfs3.MountProcExport, nfs3.Void{}, &ex)
			c.Close()
			if err != nil || len(ex.Exports) != 1 || ex.Exports[0].Dir != g.Dir {
				t.Errorf("%s EXPORT of %s: %+v %v", network, g.Dir, ex.Exports, err)
			}
		}
	}
	if got, want := a.URL("d/f"), "nfs://127.0.0.1"+given+"/d/f?version=3&nfsport="; got[:len(want)] != want {
		t.Errorf("URL %q", got)
	}
	pid := b.cmd.Process.Pid
	b.Close()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("ganesha %d still runs after Close", pid)
	}
	if _, err := os.Stat(b.Dir); !os.IsNotExist(err) {
		t.Errorf("the made export %s is still there: %v", b.Dir, err)
	}
	// a still serves after b's Close.
	c, err := rpc.Dial("tcp", a.MountAddr(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := nfs3.CallMount(ctx, c, nfs3.MountProcNull, nfs3.Void{}, nfs3.Void{}); err != nil {
		t.Error(err)
	}
	a.Close()
	if _, err := os.Stat(given); err != nil {
		t.Errorf("Close removed the given directory: %v", err)
	}
}
