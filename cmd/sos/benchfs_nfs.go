package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sos/internal/boot"
	"sos/internal/fsbench"
	"sos/internal/nfs/nfstest"
	"sos/internal/nfsd"
)

// The NFS targets of `sos bench fs`: SOS's own NFSv3 client (the root
// file system) against the server built into the sos process (nfs, over
// TCP; nfs-udp over UDP) and against nfs-ganesha (nfs-ganesha, when it is
// installed), each swept over the transfer sizes. The reference is
// libnfs's nfs-cp, a native C client, copying a file in and out of the
// same server.

// nfsBenchDir is where the benchmark's file lives inside SOS: a
// directory of the exported host directory, made by the host.
const nfsBenchDir = "/bench"

// nfsTargets returns the NFS targets.
func nfsTargets(o *fsOptions) []fsTarget {
	builtin := filepath.Join(o.hostDir, "nfs")
	udpSizes := slices.DeleteFunc(slices.Clone(o.tsizeList), func(t int) bool { return t > 32<<10 })
	serve := func(transport string) func(cfg *boot.Config, tsize int) error {
		return func(cfg *boot.Config, tsize int) error {
			if err := makeExport(builtin); err != nil {
				return err
			}
			cfg.NFS = &boot.NFSRoot{Serve: builtin, Transport: transport, TransferSize: tsize}
			return nil
		}
	}
	gdir := filepath.Join(o.hostDir, "ganesha")
	return []fsTarget{
		{name: "nfs", dir: nfsBenchDir, tsizes: o.tsizeList, nfsServer: "sos nfsd", configure: serve("tcp")},
		{name: "nfs-udp", dir: nfsBenchDir, tsizes: udpSizes, nfsServer: "sos nfsd", configure: serve("udp"),
			available: func() error {
				if len(udpSizes) == 0 {
					return errors.New("no -tsizes of 32K or less (SOS's client caps UDP transfers there, so that a reply fits a datagram)")
				}
				return nil
			}},
		{name: "nfs-ganesha", dir: nfsBenchDir, tsizes: o.tsizeList, nfsServer: "nfs-ganesha",
			available: nfstest.Check,
			configure: func(cfg *boot.Config, tsize int) error {
				g, err := o.startGanesha(gdir)
				if err != nil {
					return err
				}
				cfg.NFS = &boot.NFSRoot{Server: g.Addr(), MountPort: g.MountPort, Export: g.Dir,
					Transport: "tcp", TransferSize: tsize}
				return nil
			}},
	}
}

// makeExport makes dir, exported as SOS's root, with the benchmark's
// directory in it, writable by SOS's user whatever the server maps it to.
func makeExport(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, nfsBenchDir), 0o777); err != nil {
		return err
	}
	for _, d := range []string{dir, filepath.Join(dir, nfsBenchDir)} {
		if err := os.Chmod(d, 0o777); err != nil {
			return err
		}
	}
	return nil
}

// startGanesha starts nfs-ganesha serving dir, once per benchmark
// (benchFS stops it).
func (o *fsOptions) startGanesha(dir string) (*nfstest.Ganesha, error) {
	if o.ganesha != nil {
		return o.ganesha, nil
	}
	if err := makeExport(dir); err != nil {
		return nil, err
	}
	g, err := nfstest.StartGanesha(nfstest.Config{Dir: dir})
	if err != nil {
		return nil, err
	}
	o.ganesha = g
	return g, nil
}

// runNfsCp measures libnfs's nfs-cp against the server of the NFS runs
// of target t: per iteration a timed copy of a file of the largest sample
// size into the server (a new file: nfs-cp creates exclusively; it ends
// with a COMMIT) and out of it into a file in /dev/shm (nfs-cp cannot
// write /dev/null). nfs-cp has no request-size
// option (it moves the file in requests of the server's maximum transfer
// size, one at a time), so the samples are recorded at the largest
// request size. Each time includes starting nfs-cp and its MOUNT, as the
// SOS samples include open and close.
func runNfsCp(o *fsOptions, t fsTarget) (*fsbench.Report, error) {
	if _, err := exec.LookPath("nfs-cp"); err != nil {
		return nil, fmt.Errorf("nfs-cp not found: install the Debian package libnfs-utils")
	}
	var dir string
	var url func(name string) string
	switch t.nfsServer {
	case "sos nfsd":
		dir = filepath.Join(o.hostDir, "nfs")
		if err := makeExport(dir); err != nil {
			return nil, err
		}
		s, err := nfsd.New(nfsd.Config{Dir: dir})
		if err != nil {
			return nil, err
		}
		defer s.Close()
		url = func(name string) string {
			return nfstest.LibnfsURL("127.0.0.1", s.Export(), name, s.Port(), s.Port())
		}
	case "nfs-ganesha":
		g, err := o.startGanesha(filepath.Join(o.hostDir, "ganesha"))
		if err != nil {
			return nil, err
		}
		dir, url = g.Dir, g.URL
	default:
		return nil, fmt.Errorf("no nfs-cp reference for server %q", t.nfsServer)
	}
	size := largestSample(o)
	req := slices.Max(o.sizeList)
	// The local side lives in memory where it can, as SOS's user memory does.
	local, err := os.MkdirTemp("/dev/shm", "sos-benchfs-nfscp-")
	if err != nil {
		if local, err = os.MkdirTemp(o.hostDir, "nfscp-"); err != nil {
			return nil, err
		}
	}
	defer os.RemoveAll(local)
	src, dst := filepath.Join(local, "src"), filepath.Join(local, "dst")
	if err := writePattern(src, size); err != nil {
		return nil, err
	}
	benchDir := filepath.Join(dir, nfsBenchDir)
	rep := &fsbench.Report{Version: 1, Labels: map[string]string{fsbench.LabelFS: t.name, fsbench.LabelSystem: "host",
		fsbench.LabelReference: "nfs-cp", "server": t.nfsServer},
		Dir: benchDir, File: "nfs-cp-N.dat", Iterations: o.iterations, FileSize: size, MaxRequests: 1,
		Sizes: []int64{req}, Ops: []string{fsbench.Write, fsbench.Read}}
	// nfs-cp's fixed cost: starting it, MOUNT, LOOKUPs, an empty file in
	// and out. It is in every sample; the table prints it beside them.
	empty := filepath.Join(local, "empty")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		return nil, err
	}
	emptyRel := strings.TrimPrefix(nfsBenchDir, "/") + "/nfs-cp-empty.dat"
	defer os.Remove(filepath.Join(benchDir, "nfs-cp-empty.dat"))
	for i, args := range [][]string{{empty, url(emptyRel)}, {url(emptyRel), filepath.Join(local, "empty-back")}} {
		start := time.Now()
		if msg, err := exec.Command("nfs-cp", args...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("nfs-cp %s: %v: %s", strings.Join(args, " "), err, lastLines(string(msg), 3))
		}
		rep.Labels[[]string{"fixed_write_us", "fixed_read_us"}[i]] = strconv.FormatInt(time.Since(start).Microseconds(), 10)
	}
	for i := range o.iterations {
		// A new name each time: nfs-cp creates exclusively, and a name
		// removed behind ganesha's back stays in its cache for a minute.
		name := fmt.Sprintf("nfs-cp-%d.dat", i)
		host := filepath.Join(benchDir, name)
		defer os.Remove(host)
		rel := strings.TrimPrefix(nfsBenchDir, "/") + "/" + name
		for _, op := range rep.Ops {
			args := []string{src, url(rel)}
			if op == fsbench.Read {
				// nfs-cp will not write to /dev/null: a file in memory.
				os.Remove(dst)
				args = []string{url(rel), dst}
			}
			start := time.Now()
			msg, err := exec.Command("nfs-cp", args...).CombinedOutput()
			sec := time.Since(start).Seconds()
			if err != nil {
				return nil, fmt.Errorf("nfs-cp %s: %v: %s", strings.Join(args, " "), err, lastLines(string(msg), 3))
			}
			if fi, err := os.Stat(host); err != nil || fi.Size() != size {
				return nil, fmt.Errorf("nfs-cp %s: the server's file is %v, %v; want %d bytes", strings.Join(args, " "), fi, err, size)
			}
			s := fsbench.Sample{Op: op, RequestSize: req, Bytes: size, Seconds: sec, Bandwidth: float64(size) / sec}
			rep.Samples = append(rep.Samples, s)
			if o.progress != nil {
				fmt.Fprintf(o.progress, "nfs-cp %s: %-5s %8d bytes in %.6fs, %8.2f MiB/s\n", t.nfsServer, op, size, sec, s.Bandwidth/(1<<20))
			}
		}
	}
	if fi, err := os.Stat(dst); err != nil || fi.Size() != size {
		return nil, fmt.Errorf("nfs-cp read back %v, %v; want %d bytes", fi, err, size)
	}
	return rep, rep.Check()
}

// Targets the milestone sets, for requests of 64 KiB and more.
const (
	nfsTarget = 0.5  // SOS's NFS over nfs-cp against the same server
	fatTarget = 0.25 // FAT32 over dd on the image's host file system
)

// printTargets prints the transfer-size sweep of each NFS run against
// nfs-cp on the same server, and FAT32 against dd, for requests of at
// least 64 KiB, with the milestone's targets.
func printTargets(w io.Writer, runs []fsRun) {
	const minReq = 64 << 10
	mean := func(s []fsbench.Sample) float64 {
		if len(s) == 0 {
			return 0
		}
		var sum float64
		for _, x := range s {
			sum += x.Bandwidth
		}
		return sum / float64(len(s))
	}
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tserver\twrite\tread\twrite / nfs-cp\tread / nfs-cp\t")
	rows := 0
	for _, r := range runs {
		if !r.sos || r.target.nfsServer == "" {
			continue
		}
		var ref *fsRun
		for i := range runs {
			if runs[i].refFor == r.target.nfsServer {
				ref = &runs[i]
			}
		}
		cells := []string{r.name, r.target.nfsServer}
		var bw [2]float64
		for i, op := range []string{fsbench.Write, fsbench.Read} {
			s := fsbench.Filter(r.report.Samples, op, minReq)
			bw[i] = mean(s)
			cells = append(cells, fmt.Sprintf("%.1f ± %.1f", bw[i]/(1<<20), stddev(s)/(1<<20)))
		}
		for i, op := range []string{fsbench.Write, fsbench.Read} {
			if ref == nil {
				cells = append(cells, "-")
				continue
			}
			rm := mean(fsbench.Filter(ref.report.Samples, op, 0))
			verdict := "below target"
			if bw[i] >= nfsTarget*rm {
				verdict = "met"
			}
			cells = append(cells, fmt.Sprintf("%.2f %s", bw[i]/rm, verdict))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
		rows++
	}
	tw.Flush()
	if rows > 0 {
		fmt.Fprintln(w, "\nNFS, requests >= 64K (MiB/s, mean ± sd of every such sample), over nfs-cp's mean on the same server (target >= 0.50):")
		w.Write(buf.Bytes())
		for _, r := range runs {
			if l := r.report.Labels; r.refFor != "" && l["fixed_write_us"] != "" {
				fmt.Fprintf(w, "%s: each sample includes starting nfs-cp and mounting; an empty file takes %s µs in, %s µs out\n",
					r.name, l["fixed_write_us"], l["fixed_read_us"])
			}
		}
	}

	// FAT32 against dd, per request size.
	var fat, dd *fsRun
	for i := range runs {
		switch {
		case runs[i].sos && runs[i].target.name == "fat32":
			fat = &runs[i]
		case runs[i].report.Labels[fsbench.LabelReference] == "dd":
			dd = &runs[i]
		}
	}
	if fat == nil || dd == nil {
		return
	}
	fmt.Fprintln(w, "\nFAT32 over dd on the host directory that holds the image, requests >= 64K (target >= 0.25):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\trequest\tfat32\tdd\tratio\t\t")
	fp, dp := fsbench.Points(fat.report.Samples), fsbench.Points(dd.report.Samples)
	for _, p := range fp {
		if p.RequestSize < minReq {
			continue
		}
		for _, q := range dp {
			if q.Op == p.Op && q.RequestSize == p.RequestSize && q.Mean > 0 {
				verdict := "below target"
				if p.Mean >= fatTarget*q.Mean {
					verdict = "met"
				}
				fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.2f\t%s\t\n", p.Op, fsbench.SizeLabel(p.RequestSize), p.Mean/(1<<20), q.Mean/(1<<20), p.Mean/q.Mean, verdict)
			}
		}
	}
	tw.Flush()
}

func stddev(s []fsbench.Sample) float64 {
	if len(s) < 2 {
		return 0
	}
	var sum, sq float64
	for _, x := range s {
		sum += x.Bandwidth
	}
	m := sum / float64(len(s))
	for _, x := range s {
		sq += (x.Bandwidth - m) * (x.Bandwidth - m)
	}
	return math.Sqrt(sq / float64(len(s)-1))
}

// fullSizes reports whether target t runs every request size at
// transfer size tsize: the -nfs-tsize (or, if t does not sweep it, t's
// largest transfer size). The other transfer sizes run requests of 64
// KiB and more only, which is all the transfer-size graph draws.
func fullSizes(o *fsOptions, t fsTarget, tsize int) bool {
	if tsize == 0 || len(t.tsizes) == 0 {
		return true
	}
	if slices.Contains(t.tsizes, o.nfsTsize) {
		return tsize == o.nfsTsize
	}
	return tsize == slices.Max(t.tsizes)
}

// sweepSizes are the request sizes of a transfer-size run that is not
// fullSizes: those of at least 64 KiB (or the largest, if none is).
func sweepSizes(sizes []int64) []int64 {
	var out []int64
	for _, s := range sizes {
		if s >= 64<<10 {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		out = []int64{slices.Max(sizes)}
	}
	return out
}
