//go:build linux

package nfsd

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"sos/internal/nfs/nfs3"
	"sos/internal/nfs/nfstest"
	"sos/internal/nfs/rpc"
)

// BenchmarkNfsCp copies a 64 MiB file with libnfs's nfs-cp into and out
// of this server and, as the reference, nfs-ganesha serving the same kind
// of directory, over loopback TCP:
//
//	go test -run XXX -bench NfsCp -benchtime 3x ./internal/nfsd/
//
// Needs libnfs-utils, nfs-ganesha, nfs-ganesha-vfs and rpcbind, and root
// (for ganesha).
func BenchmarkNfsCp(b *testing.B) {
	needLibnfs(b)
	const size = 64 << 20
	local := b.TempDir()
	src := filepath.Join(local, "src")
	data := randomBytes(size, 1)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		b.Fatal(err)
	}
	type server struct {
		name string
		url  func(path string) string
	}
	sosDir := b.TempDir()
	s, err := New(Config{Dir: sosDir})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	gDir := b.TempDir()
	for _, d := range []string{sosDir, gDir} { // the file read
		if err := os.WriteFile(filepath.Join(d, "r"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	nfsPort, mountPort := startGanesha(b, gDir)
	servers := []server{
		{"sos", func(p string) string { return nfsURL(s, p) }},
		{gDir, func(p string) string {
			return nfstest.LibnfsURL("127.0.0.1", gDir, p, nfsPort, mountPort)
		}},
	}
	i := 0 // names written so far, on each server
	for _, srv := range servers {
		if srv.name != "sos" {
			srv.name = "ganesha"
		}
		i = 0
		b.Run(srv.name+"/write", func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				// nfs-cp creates exclusively: a new name each time. The
				// file ends with a COMMIT, so this includes writing 64
				// MiB to the host's disk.
				i++
				run(b, "nfs-cp", src, srv.url(fmt.Sprintf("w%d", i)))
			}
		})
		b.Run(srv.name+"/read", func(b *testing.B) {
			b.SetBytes(size)
			dst := filepath.Join(local, "dst")
			for b.Loop() {
				os.Remove(dst)
				run(b, "nfs-cp", srv.url("r"), dst)
			}
			if fi, err := os.Stat(dst); err != nil || fi.Size() != size {
				b.Fatalf("read back %v %v", fi, err)
			}
		})
	}
}

// startGanesha runs nfs-ganesha (internal/nfs/nfstest) serving dir for
// the rest of the benchmark, and returns its NFS and MOUNT ports.
func startGanesha(t testing.TB, dir string) (nfsPort, mountPort int) {
	t.Helper()
	g, err := nfstest.StartGanesha(nfstest.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g.NFSPort, g.MountPort
}

// BenchmarkGetattr measures a small call end to end over loopback TCP,
// 8 callers in parallel, on a file at depth 1 and at depth 8 (each call
// walks the path from the export root):
//
//	go test -run XXX -bench Getattr -benchtime 20000x ./internal/nfsd/
func BenchmarkGetattr(b *testing.B) {
	for _, depth := range []int{1, 8} {
		b.Run(fmt.Sprintf("depth%d", depth), func(b *testing.B) {
			dir := b.TempDir()
			p := dir
			for i := 1; i < depth; i++ {
				p = filepath.Join(p, "d")
			}
			os.MkdirAll(p, 0o755)
			os.WriteFile(filepath.Join(p, "f"), nil, 0o644)
			s, _ := start(b, Config{Dir: dir})
			c := dial(b, s, "tcp")
			fh := c.root
			for i := 1; i < depth; i++ {
				fh, _, _ = c.lookup(fh, "d")
			}
			fh, _, _ = c.lookup(fh, "f")
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					var r nfs3.GetattrRes
					if err := nfs3.Call(ctx, c.c, nfs3.ProcGetattr, &nfs3.FHArgs{FH: fh}, &r); err != nil || r.Status != nfs3.StatusOK {
						b.Errorf("GETATTR: %v %v", err, r.Status)
						return
					}
				}
			})
		})
	}
}

// BenchmarkWindowRead reads a 64 MiB file with a Go client keeping 16
// READs in flight on one socket (what SOS's client does), over TCP with
// 1 MiB READs and over UDP with 32 KiB ones, from this server and from
// nfs-ganesha:
//
//	go test -run XXX -bench WindowRead -benchtime 5x ./internal/nfsd/
func BenchmarkWindowRead(b *testing.B) {
	const size = 64 << 20
	data := randomBytes(size, 2)
	sosDir, gDir := b.TempDir(), b.TempDir()
	for _, d := range []string{sosDir, gDir} {
		if err := os.WriteFile(filepath.Join(d, "r"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	s, _ := start(b, Config{Dir: sosDir})
	nfsPort, mountPort := startGanesha(b, gDir)
	type target struct {
		name             string
		nfsAddr, mntAddr string
		export           string
	}
	targets := []target{
		{"sos", s.Addr(), s.Addr(), s.Export()},
		{"ganesha", fmt.Sprintf("127.0.0.1:%d", nfsPort), fmt.Sprintf("127.0.0.1:%d", mountPort), gDir},
	}
	for _, tg := range targets {
		for _, network := range []string{"tcp", "udp"} {
			chunk := 1 << 20
			if network == "udp" {
				chunk = 32 << 10
			}
			b.Run(tg.name+"/"+network, func(b *testing.B) {
				cfg := rpc.Config{Timeout: 200 * time.Millisecond, Total: 30 * time.Second,
					Cred: rpc.AuthSysParams{MachineName: "bench"}.Auth()}
				mc, err := rpc.Dial(network, tg.mntAddr, cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer mc.Close()
				var mr nfs3.MountRes
				if err := nfs3.CallMount(ctx, mc, nfs3.MountProcMnt, &nfs3.MountArgs{Path: tg.export}, &mr); err != nil || mr.Status != nfs3.MountOK {
					b.Fatalf("MNT: %v %v", err, mr.Status)
				}
				c, err := rpc.Dial(network, tg.nfsAddr, cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer c.Close()
				var lr nfs3.LookupRes
				if err := nfs3.Call(ctx, c, nfs3.ProcLookup, &nfs3.DirOpArgs{What: nfs3.DirOp{Dir: mr.FH, Name: "r"}}, &lr); err != nil || lr.Status != nfs3.StatusOK {
					b.Fatalf("LOOKUP: %v %v", err, lr.Status)
				}
				fh := append(nfs3.FH(nil), lr.FH...)
				b.SetBytes(size)
				for b.Loop() {
					sem := make(chan struct{}, 16)
					var wg sync.WaitGroup
					for off := 0; off < size; off += chunk {
						sem <- struct{}{}
						wg.Go(func() {
							defer func() { <-sem }()
							var r nfs3.ReadRes
							err := nfs3.Call(ctx, c, nfs3.ProcRead, &nfs3.ReadArgs{FH: fh, Offset: uint64(off), Count: uint32(chunk)}, &r)
							if err != nil || r.Status != nfs3.StatusOK || len(r.Data) != chunk {
								b.Errorf("READ at %d: %v %v %d", off, err, r.Status, len(r.Data))
							}
						})
					}
					wg.Wait()
				}
			})
		}
	}
}
