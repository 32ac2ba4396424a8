package main

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sos/internal/boot"
	"sos/internal/fsbench"
	"sos/internal/nfs/nfstest"
	"sos/internal/rvtool"
)

// TestBenchFS runs `sos bench fs` with a tiny configuration: /bin/bench
// on SOS's tmpfs and on a host directory, under qemu-riscv64, and dd;
// the benchmark checks every byte it reads back (-verify).
// Every report must be complete (every sample, consistent figures), the
// table must have a row per operation and request size, and the graph
// must decode.
func TestBenchFS(t *testing.T) {
	if err := rvtool.Check(); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := sos([]string{"bench", "fs", "-verify", "-n", "2", "-sizes", "512,64K", "-file-size", "256K", "-max-requests", "64",
		"-dir", t.TempDir(), "-o", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("status %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	want := map[string]struct {
		system string
		ops    int
	}{
		"sos-tmpfs": {"sos", 2}, "sos-hostdir": {"sos", 1}, "qemu-host": {"qemu", 2}, "dd-host": {"host", 2},
	}
	for name, w := range want {
		f, err := os.Open(filepath.Join(out, name+".json"))
		if err != nil {
			t.Error(err)
			continue
		}
		rep, err := fsbench.Parse(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if rep.Labels[fsbench.LabelSystem] != w.system || len(rep.Ops) != w.ops || len(rep.Samples) != 2*2*w.ops {
			t.Errorf("%s: labels %v, ops %v, %d samples", name, rep.Labels, rep.Ops, len(rep.Samples))
		}
		for _, s := range rep.Samples {
			// 512-byte requests: 64 of them; 64K: the whole 256K file.
			if want := min(s.RequestSize*64, 256<<10); s.Bytes != want {
				t.Errorf("%s: sample %+v, want %d bytes", name, s, want)
			}
		}
	}
	table := stdout.String()
	for _, row := range []string{`(?m)^ *write +512 `, `(?m)^ *write +64K `, `(?m)^ *read +512 `, `(?m)^ *read +64K `, `harmonic mean`} {
		if !regexp.MustCompile(row).MatchString(table) {
			t.Errorf("table lacks %q:\n%s", row, table)
		}
	}
	f, err := os.Open(filepath.Join(out, "request-size.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, "request-size.svg")); err != nil {
		t.Error(err)
	}
}

func TestBenchFSUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "fs", "-targets", "nosuchfs", "-qemu=false", "-dd=false"},
		{"bench", "fs", "-sizes", "100"},
		{"bench", "fs", "-n", "0"},
	} {
		var stdout, stderr bytes.Buffer
		if code := sos(args, &stdout, &stderr); code == 0 || !strings.HasPrefix(stderr.String(), "sos bench fs: ") {
			t.Errorf("sos %q: status %d, stderr %q", args, code, stderr.String())
		}
	}
}

// TestBenchFSTransferSweep: a target with NFS transfer sizes is booted
// once per size, each run labelled with its size, and the transfer-size
// graph is drawn. The target is tmpfs standing in for NFS (the sizes
// reach configure and mount, which record them), so the sweep works
// before SOS has NFS.
func TestBenchFSTransferSweep(t *testing.T) {
	var configured, mounted []int
	extraFSTargets = []fsTarget{{name: "fakenfs", dir: "/tmp", tsizes: []int{4096, 32768},
		configure: func(cfg *boot.Config, tsize int) error { configured = append(configured, tsize); return nil },
		mount:     func(sys *boot.System, tsize int) error { mounted = append(mounted, tsize); return nil }}}
	defer func() { extraFSTargets = nil }()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := sos([]string{"bench", "fs", "-targets", "fakenfs", "-qemu=false", "-dd=false", "-n", "2", "-sizes", "64K,128K",
		"-file-size", "256K", "-dir", t.TempDir(), "-o", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("status %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if fmt.Sprint(configured, mounted) != "[4096 32768] [4096 32768]" {
		t.Errorf("configured %v, mounted %v", configured, mounted)
	}
	for _, name := range []string{"sos-fakenfs-t4K.json", "sos-fakenfs-t32K.json", "transfer-size.svg", "transfer-size.png", "request-size.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	f, err := os.Open(filepath.Join(out, "sos-fakenfs-t32K.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := fsbench.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if rep.TransferSize() != 32768 || rep.Labels[fsbench.LabelFS] != "fakenfs" {
		t.Errorf("labels %v", rep.Labels)
	}
}

// TestBenchFSNFS runs the NFS targets with tiny sizes at one transfer
// size: SOS's client against the built-in server over TCP and UDP and
// against nfs-ganesha, each checking every byte it reads (-verify), and
// nfs-cp against both servers. Every report must be complete and
// labelled with its transfer size, the NFS target table must compare
// each run with nfs-cp on its own server, and the transfer-size graph
// must be drawn. Needs nfs-ganesha, nfs-ganesha-vfs, rpcbind and
// libnfs-utils; fails without them.
func TestBenchFSNFS(t *testing.T) {
	if err := nfstest.Check(); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("nfs-cp"); err != nil {
		t.Fatal("nfs-cp not found: install the Debian package libnfs-utils")
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := sos([]string{"bench", "fs", "-targets", "nfs,nfs-udp,nfs-ganesha", "-qemu=false", "-dd=false", "-verify",
		"-n", "2", "-sizes", "512,64K", "-file-size", "128K", "-max-requests", "64", "-tsizes", "16K", "-nfs-tsize", "16K",
		"-dir", t.TempDir(), "-o", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("status %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, name := range []string{"sos-nfs-t16K", "sos-nfs-udp-t16K", "sos-nfs-ganesha-t16K", "nfs-cp-sos-nfsd", "nfs-cp-nfs-ganesha"} {
		f, err := os.Open(filepath.Join(out, name+".json"))
		if err != nil {
			t.Error(err)
			continue
		}
		rep, err := fsbench.Parse(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := rep.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if strings.HasPrefix(name, "nfs-cp") {
			// One request size (the largest), the largest sample's bytes.
			if rep.Labels[fsbench.LabelReference] != "nfs-cp" || len(rep.Samples) != 4 || rep.Samples[0].RequestSize != 64<<10 ||
				rep.Samples[0].Bytes != 128<<10 {
				t.Errorf("%s: labels %v, samples %+v", name, rep.Labels, rep.Samples)
			}
			continue
		}
		if rep.TransferSize() != 16384 || len(rep.Samples) != 2*2*2 {
			t.Errorf("%s: labels %v, %d samples", name, rep.Labels, len(rep.Samples))
		}
	}
	table := stdout.String()
	for _, row := range []string{`(?m)^ +sos nfs t=16K +sos nfsd .*(met|below target)`, `(?m)^ +sos nfs-ganesha t=16K +nfs-ganesha .*(met|below target)`,
		`(?m)^ *read +64K .*`, `nfs-cp nfs-ganesha`} {
		if !regexp.MustCompile(row).MatchString(table) {
			t.Errorf("table lacks %q:\n%s", row, table)
		}
	}
	for _, name := range []string{"transfer-size.svg", "transfer-size.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}
