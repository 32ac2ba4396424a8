package nfs

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
)

// benchSize is the file the bandwidth benchmark moves; benchReq the size
// of each read or write request (M5's largest).
const (
	benchSize = 64 << 20
	benchReq  = 1 << 20
)

// BenchmarkGanesha reads and writes a 64 MiB file through the client
// against nfs-ganesha on loopback, for transfer sizes 8 KiB to 1 MiB, and
// copies the same file with libnfs's nfs-cp against the same server for
// reference:
//
//	go test -run XXX -bench Ganesha -benchtime 3x ./internal/fs/nfs/
func BenchmarkGanesha(b *testing.B) {
	g := startGanesha(b)
	host, err := os.MkdirTemp(g.dir, "bench")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(host)
	data := randBytes(benchSize, 42)
	src := filepath.Join(host, "src")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		b.Fatal(err)
	}

	for _, tr := range []string{"tcp", "udp"} {
		for _, ts := range []int{8 << 10, 32 << 10, 64 << 10, 256 << 10, 1 << 20} {
			if tr == "udp" && ts > 32<<10 {
				continue // a datagram holds at most 64 KiB
			}
			opts := Options{Transport: tr, ReadSize: ts, WriteSize: ts, Timeout: 100 * time.Millisecond}
			g.fill(&opts)
			fs, err := Mount(b.Context(), opts)
			if err != nil {
				b.Fatal(err)
			}
			ns := vfs.NewNamespace(fs.Root(), "nfs")
			fsc := vfs.NewFSContext(ns.Root(), ns.Root(), 0)
			fsc.SetCreds(vfs.RootCreds)
			rel := filepath.Base(host)
			reqs := []int{benchReq}
			if ts == 64<<10 {
				reqs = append(reqs, 4<<10) // small requests: gathering and read-ahead
			}
			for _, req := range reqs {
				name := fmt.Sprintf("%dK", ts>>10)
				if req != benchReq {
					name += fmt.Sprintf("-req%dK", req>>10)
				}
				b.Run(fmt.Sprintf("%s/write/%s", tr, name), func(b *testing.B) {
					b.SetBytes(benchSize)
					for range b.N {
						f, err := ns.Open(ctx, fsc, nil, rel+"/dst", abi.O_CREAT|abi.O_WRONLY|abi.O_TRUNC, 0o644)
						if err != nil {
							b.Fatal(err)
						}
						for off := 0; off < benchSize; off += req {
							if _, err := f.Write(ctx, data[off:off+req]); err != nil {
								b.Fatal(err)
							}
						}
						f.DecRef() // close commits
					}
					b.ReportMetric(float64(fs.Stats().Retrans), "retrans")
				})
				b.Run(fmt.Sprintf("%s/read/%s", tr, name), func(b *testing.B) {
					b.SetBytes(benchSize)
					buf := make([]byte, req)
					for range b.N {
						f, err := ns.Open(ctx, fsc, nil, rel+"/src", abi.O_RDONLY, 0)
						if err != nil {
							b.Fatal(err)
						}
						total := 0
						for {
							n, err := f.Read(ctx, buf)
							if err != nil {
								b.Fatal(err)
							}
							if n == 0 {
								break
							}
							total += n
						}
						f.DecRef()
						if total != benchSize {
							b.Fatalf("read %d bytes", total)
						}
					}
				})
			}
			fs.Unmount()
		}
	}

	// The reference: libnfs's nfs-cp, a native C client, on the same
	// file and server.
	if _, err := exec.LookPath("nfs-cp"); err != nil {
		b.Fatal("nfs-cp not found: install the Debian package libnfs-utils")
	}
	url := func(name string) string {
		return g.URL(filepath.Base(host) + "/" + name)
	}
	local, err := os.MkdirTemp("/dev/shm", "sos-nfs-bench") // memory, as the client's reads discard
	if err != nil {
		local = b.TempDir()
	}
	defer os.RemoveAll(local)
	b.Run("nfs-cp/write", func(b *testing.B) {
		b.SetBytes(benchSize)
		for range b.N {
			os.Remove(filepath.Join(host, "cpdst")) // nfs-cp does not overwrite
			if out, err := exec.Command("nfs-cp", src, url("cpdst")).CombinedOutput(); err != nil {
				b.Fatalf("nfs-cp: %v\n%s", err, out)
			}
		}
	})
	b.Run("nfs-cp/read", func(b *testing.B) {
		b.SetBytes(benchSize)
		for range b.N {
			os.Remove(filepath.Join(local, "copy"))
			if out, err := exec.Command("nfs-cp", url("src"), filepath.Join(local, "copy")).CombinedOutput(); err != nil {
				b.Fatalf("nfs-cp: %v\n%s", err, out)
			}
		}
	})
}
