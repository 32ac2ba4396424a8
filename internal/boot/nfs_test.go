package boot_test

// SOS with an NFS root: the sos process serves a host directory over NFS
// (internal/nfsd) and SOS mounts it with its own client (internal/fs/nfs).
// What SOS writes is on the host byte for byte once close returns, what
// the host made is read in SOS, permissions hold, and a dead server is a
// bounded error.

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sos/internal/boot"
)

func TestNFSRoot(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("0123456789abcdef"), 300000) // 4.6 MB: many transfers
	if err := os.WriteFile(filepath.Join(dir, "from-host.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "readonly.txt"), []byte("keep\n"), 0o444); err != nil {
		t.Fatal(err)
	}
	for _, transport := range []string{"tcp", "udp"} {
		t.Run(transport, func(t *testing.T) {
			var stdout, stderr syncBuffer
			s, err := boot.New(boot.Config{
				Harts: 2, MemSize: 128 << 20,
				Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Log: &stderr,
				NFS: &boot.NFSRoot{Serve: dir, Transport: transport, TransferSize: 32 << 10},
			})
			if err != nil {
				t.Fatal(err)
			}
			script := `pwd
wc -c /from-host.bin
cp /from-host.bin /copy-` + transport + `.bin
mkdir -p /d-` + transport + `/sub
echo hello > /d-` + transport + `/sub/f
mv /d-` + transport + `/sub/f /d-` + transport + `/g
echo nope >> /readonly.txt || echo refused
grep -c ' / nfs ' /proc/mounts`
			status, err := s.Run("/bin/sosh", []string{"sosh", "-c", script}, []string{"PATH=/bin"})
			out, errOut := stdout.Take(), stderr.Take()
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := "/\n4800000 /from-host.bin\nrefused\n1\n"
			if status != 0 || out != want {
				t.Fatalf("status %#x\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", status, out, want, errOut)
			}
			if !strings.Contains(errOut, "Permission denied") {
				t.Errorf("writing a read-only file: stderr %q, want Permission denied", errOut)
			}
			got, err := os.ReadFile(filepath.Join(dir, "copy-"+transport+".bin"))
			if err != nil || !bytes.Equal(got, big) {
				t.Errorf("the copy on the host: %d bytes, %v; want %d identical bytes", len(got), err, len(big))
			}
			if got, err := os.ReadFile(filepath.Join(dir, "d-"+transport, "g")); err != nil || string(got) != "hello\n" {
				t.Errorf("d/g on the host: %q, %v", got, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "d-"+transport, "sub", "f")); !os.IsNotExist(err) {
				t.Errorf("d/sub/f still on the host after mv: %v", err)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, "readonly.txt")); string(got) != "keep\n" {
				t.Errorf("readonly.txt changed: %q", got)
			}
		})
	}
}

// A server that never answers fails the boot with an error (after the
// configured timeout; a hang would fail the test by its own deadline).
func TestNFSRootDeadServer(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0") // takes datagrams, answers none
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	start := time.Now()
	_, err = boot.New(boot.Config{Harts: 1, MemSize: 64 << 20,
		NFS: &boot.NFSRoot{Server: pc.LocalAddr().String(), Export: "/x", Transport: "udp", Timeout: 2 * time.Second}})
	if err == nil {
		t.Fatal("boot with a dead NFS server succeeded")
	}
	t.Logf("after %v: %v", time.Since(start), err)
}
