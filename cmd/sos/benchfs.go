package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sos/internal/boot"
	"sos/internal/fs/fat32"
	"sos/internal/fsbench"
	"sos/internal/nfs/nfstest"
	"sos/internal/rvtool"
	"sos/internal/userland"
)

// benchFS is `sos bench fs`: milestone M5's file-system bandwidth
// benchmark. It boots SOS once per target (and once per NFS transfer size
// for NFS targets), runs /bin/bench there, runs the same riscv64 binary
// under qemu-riscv64 on a host directory, and measures the host's own
// dd on that directory with the same request sizes and file sizes as
// references. It prints a table and the harmonic means and writes every
// report as JSON and the milestone's two graphs (SVG and PNG) to -o.
//
// What the references mean:
//
//   - qemu: the same benchmark binary, its system calls done by the host
//     kernel on the host directory (ext4 or whatever it is): what the
//     program gets without SOS's file systems in the way.
//   - dd: `dd conv=fsync` writes (dd's own elapsed time, which includes
//     the fsync) and `dd` reads right after, which come from the host's
//     page cache, as the reads of a SOS target backed by a host file do
//     (dropping the cache needs root and would disturb everyone else on
//     the machine). -direct makes dd use O_DIRECT both ways instead,
//     where the host file system allows it.
//   - nfs-cp: libnfs's native C client copying a file of the largest
//     sample's size into and out of the server of each NFS target
//     measured (the built-in server, ganesha): the milestone's ceiling
//     for an NFS client. Its samples include starting it and mounting,
//     whose cost the table prints.
//
// NFS targets (benchfs_nfs.go) are booted once per transfer size
// (-tsizes); at -nfs-tsize they run every request size, at the others
// requests of 64 KiB and more, for the transfer-size graph.
//
// The table's ratios are SOS's mean bandwidth over the reference's at
// the same request size; then the milestone's targets: NFS over nfs-cp
// on the same server and FAT32 over dd, for requests of 64 KiB and more.
func benchFS(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench fs", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o fsOptions
	fs.StringVar(&o.targets, "targets", "", "comma-separated targets to measure on SOS (default all; see the table's names)")
	fs.IntVar(&o.iterations, "n", 10, "samples per request size and operation")
	fs.StringVar(&o.sizes, "sizes", "512-1M", "request sizes: MIN-MAX (powers of two) or a comma-separated list")
	fs.StringVar(&o.fileSize, "file-size", "8M", "bytes per sample (small requests use at most -max-requests requests)")
	fs.Int64Var(&o.maxRequests, "max-requests", 4096, "at most this many requests per sample")
	fs.StringVar(&o.tsizes, "tsizes", "4K-1M", "NFS transfer sizes to sweep on NFS targets: MIN-MAX (powers of two) or a list (one boot each; nfs-udp takes those <= 32K)")
	nfsTsize := fs.String("nfs-tsize", "256K", "the transfer size at which NFS targets run every request size (the request-size graph); the others run requests >= 64K")
	fs.BoolVar(&o.nfscp, "nfscp", true, "measure libnfs's nfs-cp against the servers of the NFS targets measured")
	fs.IntVar(&o.harts, "smp", 2, "SOS's harts")
	mem := fs.String("mem", "512M", "SOS's memory (tmpfs gets a quarter)")
	fs.BoolVar(&o.qemu, "qemu", true, "run the benchmark under qemu-riscv64 on the host directory too")
	fs.BoolVar(&o.dd, "dd", true, "measure the host's dd on the host directory too")
	fs.BoolVar(&o.direct, "direct", false, "dd with O_DIRECT (iflag=direct, oflag=direct) instead of the page cache")
	fs.StringVar(&o.hostDir, "dir", "", "host directory for the host-side files (default a new temporary directory, removed afterwards)")
	fs.StringVar(&o.outDir, "o", "", "directory for the JSON reports and graphs (default a new temporary directory, kept)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound on each run")
	fs.BoolVar(&o.verify, "verify", false, "have the benchmark check every byte it reads (inside the timed read)")
	verbose := fs.Bool("v", false, "print every sample as it is measured")
	writeJSON := fs.Bool("json", true, "write each run's report (every sample) as JSON to -o; false: only the table and the graphs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "sos bench fs: unexpected arguments %q\n", fs.Args())
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "sos bench fs:", err)
		return 1
	}
	var err error
	if o.mem, err = parseSize(*mem); err != nil {
		return fail(fmt.Errorf("-mem: %v", err))
	}
	if o.sizeList, err = fsbench.ParseSizes(o.sizes); err != nil {
		return fail(fmt.Errorf("-sizes: %v", err))
	}
	if o.fileBytes, err = fsbench.ParseSize(o.fileSize); err != nil {
		return fail(fmt.Errorf("-file-size: %v", err))
	}
	if n, err := fsbench.ParseSize(*nfsTsize); err != nil {
		return fail(fmt.Errorf("-nfs-tsize: %v", err))
	} else {
		o.nfsTsize = int(n)
	}
	tsizes, err := fsbench.ParseSizes(o.tsizes)
	if err != nil {
		return fail(fmt.Errorf("-tsizes: %v", err))
	}
	for _, n := range tsizes {
		o.tsizeList = append(o.tsizeList, int(n))
	}
	if o.iterations < 1 || o.maxRequests < 1 {
		return fail(errors.New("-n and -max-requests must be positive"))
	}
	if *verbose {
		o.progress = stderr
	}
	if o.qemu {
		if _, err := exec.LookPath(rvtool.Qemu); err != nil {
			return fail(fmt.Errorf("%s not found (-qemu=false to go without): %s", rvtool.Qemu, rvtool.Missing))
		}
	}
	if o.hostDir == "" {
		dir, err := os.MkdirTemp("", "sos-benchfs-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(dir)
		o.hostDir = dir
	} else if err := os.MkdirAll(o.hostDir, 0o755); err != nil {
		return fail(err)
	}
	// SOS's programs run as an unprivileged user: let them in.
	if err := os.Chmod(o.hostDir, 0o755); err != nil {
		return fail(err)
	}
	if o.outDir == "" {
		if o.outDir, err = os.MkdirTemp("", "sos-benchfs-out-"); err != nil {
			return fail(err)
		}
	} else if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fail(err)
	}
	bin, err := userland.Dir()
	if err != nil {
		return fail(err)
	}
	o.benchBin = filepath.Join(bin, "bench")

	targets := fsTargets(&o)
	if o.targets != "" {
		var chosen []fsTarget
		for _, name := range strings.Split(o.targets, ",") {
			found := false
			for _, t := range targets {
				if t.name == name {
					chosen = append(chosen, t)
					found = true
				}
			}
			if !found {
				var names []string
				for _, t := range targets {
					names = append(names, t.name)
				}
				return fail(fmt.Errorf("-targets: no target %q (have %s)", name, strings.Join(names, ", ")))
			}
		}
		targets = chosen
	}

	var header bytes.Buffer
	fmt.Fprintf(&header, "File-system benchmark (M5): %s, %d CPUs, %s; SOS on %d harts, %s RAM\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), o.harts, *mem)
	fmt.Fprintf(&header, "%d samples per point; %s per sample, at most %d requests; write = open+write+fsync+close, read = open+read+close\n",
		o.iterations, fsbench.SizeLabel(o.fileBytes), o.maxRequests)
	if o.direct {
		fmt.Fprintln(&header, "dd with O_DIRECT")
	} else {
		fmt.Fprintln(&header, "dd reads from the host's page cache")
	}
	fmt.Fprintf(&header, "host directory %s\n\n", o.hostDir)
	stdout.Write(header.Bytes())

	defer func() {
		if o.ganesha != nil {
			o.ganesha.Close()
		}
	}()
	var runs []fsRun
	var servers []fsTarget // a measured target per NFS server, for nfs-cp
	status := 0
	for _, t := range targets {
		if t.available != nil {
			if err := t.available(); err != nil {
				fmt.Fprintf(stdout, "skipping %s: %v\n", t.name, err)
				continue
			}
		}
		tsizes := t.tsizes
		if tsizes == nil {
			tsizes = []int{0}
		}
		for _, ts := range tsizes {
			start := time.Now()
			rep, err := runSOS(&o, t, ts)
			if err != nil {
				fmt.Fprintf(stderr, "sos bench fs: %s: %v\n", t.name, err)
				status = 1
				continue
			}
			name := "sos " + t.name
			r := fsRun{base: name, name: name, sos: true, report: rep, target: t, full: fullSizes(&o, t, ts)}
			if ts != 0 {
				r.name += " t=" + fsbench.SizeLabel(int64(ts))
			}
			if o.progress != nil {
				fmt.Fprintf(o.progress, "%s: %v\n", r.name, time.Since(start).Round(time.Second))
			}
			runs = append(runs, r)
			if t.nfsServer != "" && !slices.ContainsFunc(servers, func(s fsTarget) bool { return s.nfsServer == t.nfsServer }) {
				servers = append(servers, t)
			}
		}
	}
	if o.qemu {
		rep, err := runQemu(&o)
		if err != nil {
			fmt.Fprintf(stderr, "sos bench fs: qemu: %v\n", err)
			status = 1
		} else {
			runs = append(runs, fsRun{base: "qemu host", name: "qemu host", report: rep, full: true})
		}
	}
	if o.dd {
		rep, err := runDD(&o)
		if err != nil {
			fmt.Fprintf(stderr, "sos bench fs: dd: %v\n", err)
			status = 1
		} else {
			runs = append(runs, fsRun{base: "dd host", name: "dd host", report: rep, full: true})
		}
	}
	// libnfs's nfs-cp against the same servers: the milestone's ceiling
	// for an NFS client.
	for _, t := range servers {
		if !o.nfscp {
			break
		}
		rep, err := runNfsCp(&o, t)
		if err != nil {
			fmt.Fprintf(stderr, "sos bench fs: nfs-cp %s: %v\n", t.nfsServer, err)
			status = 1
			continue
		}
		name := "nfs-cp " + t.nfsServer
		runs = append(runs, fsRun{base: name, name: name, report: rep, refFor: t.nfsServer, full: true})
	}
	if len(runs) == 0 {
		return fail(errors.New("nothing was measured"))
	}

	var table bytes.Buffer
	printFSTable(&table, runs)
	printTargets(&table, runs)
	stdout.Write(table.Bytes())
	files, err := writeFSResults(o.outDir, runs, append(header.Bytes(), table.Bytes()...), *writeJSON)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "\nwrote %s\n", strings.Join(files, ", "))
	return status
}

// fsOptions are the flags of `sos bench fs`.
type fsOptions struct {
	targets          string
	iterations       int
	sizes, fileSize  string
	sizeList         []int64
	fileBytes        int64
	maxRequests      int64
	tsizes           string
	tsizeList        []int
	harts            int
	mem              uint64
	qemu, dd, direct bool
	nfscp            bool
	nfsTsize         int              // NFS runs at this transfer size measure every request size
	ganesha          *nfstest.Ganesha // started by the first run that needs it
	verify           bool             // the benchmark checks what it reads
	hostDir, outDir  string
	timeout          time.Duration
	benchBin         string // the riscv64 benchmark binary (the userland's /bin/bench)
	progress         io.Writer
}

// fsTarget is a file system `sos bench fs` measures SOS on. To add one,
// add an entry to fsTargets.
type fsTarget struct {
	name string // in the table, the graphs and -targets
	// dir is the directory inside SOS that holds the benchmark's file.
	dir string
	// readOnly: SOS cannot write there. The host prepares the file in
	// hostDir and only reads are measured.
	readOnly bool
	hostDir  string
	// configure adjusts the boot configuration before booting (attach a
	// disk, name an NFS server and transfer size); nil: nothing to do.
	configure func(cfg *boot.Config, tsize int) error
	// mount mounts the file system in the booted system; nil: nothing.
	mount func(sys *boot.System, tsize int) error
	// tsizes are the NFS transfer sizes to sweep, one boot each (passed
	// to configure and mount); nil for a file system that is not NFS.
	tsizes []int
	// nfsServer names the NFS server of an NFS target, whose nfs-cp
	// reference the target's runs are compared with.
	nfsServer string
	// available, if set, says why the target cannot be measured on this
	// machine (a missing package): it is skipped with a note.
	available func() error
}

// fsTargets lists the targets: what SOS can mount today, and the hook
// points for the file systems being wired in.
func fsTargets(o *fsOptions) []fsTarget {
	hostSide := filepath.Join(o.hostDir, "sos")
	targets := []fsTarget{
		// SOS's tmpfs at /tmp: memory to memory, the ceiling of SOS's
		// own system-call and copy path.
		{name: "tmpfs", dir: "/tmp"},
		// A host directory mounted with MountHost (rofs over the host's
		// files, read-only): reads through SOS's VFS from the host's
		// page cache.
		{name: "hostdir", dir: "/tmp/sos-benchfs-host", readOnly: true, hostDir: hostSide,
			mount: func(sys *boot.System, _ int) error {
				return sys.MountHost(hostSide, "/tmp/sos-benchfs-host")
			}},
	}
	targets = append(targets, extraFSTargets...)
	// NFS as SOS's root, from the built-in server and from nfs-ganesha
	// (benchfs_nfs.go).
	targets = append(targets, nfsTargets(o)...)
	// FAT32 on a disk image in the host directory, through the block
	// driver and its buffer cache. The dd reference writes and reads a
	// file in the same host directory with the same request sizes: the
	// milestone's "dd on the image file".
	img := filepath.Join(o.hostDir, "fat32.img")
	targets = append(targets, fsTarget{name: "fat32", dir: "/tmp/disk",
		configure: func(cfg *boot.Config, _ int) error {
			size := max(64<<20, 4*o.fileBytes)
			if err := fat32.MkfsFile(img, size, fat32.MkfsOptions{Label: "BENCH"}); err != nil {
				return err
			}
			cfg.Disks = append(cfg.Disks, boot.Disk{Image: img, At: "/tmp/disk"})
			return nil
		}})
	return targets
}

// extraFSTargets are added to fsTargets' list: tests use it to run a
// transfer-size sweep before SOS has NFS.
var extraFSTargets []fsTarget

// fsRun is one measured run: a SOS target at one transfer size, or a
// reference.
type fsRun struct {
	base   string // the configuration, the same for every transfer size
	name   string // base and transfer size
	sos    bool
	report *fsbench.Report
	target fsTarget // of a SOS run
	// full: the run measured every request size (a reference, a target
	// without transfer sizes, or an NFS target at -nfs-tsize); the
	// others are transfer-size sweep points of large requests only.
	full bool
	// refFor, of an nfs-cp reference, is the NFS server it measured.
	refFor string
}

// benchArgs are the benchmark program's arguments for o.
func benchArgs(o *fsOptions, dir string, sizeList []int64, labels ...string) []string {
	sizes := make([]string, len(sizeList))
	for i, s := range sizeList {
		sizes[i] = strconv.FormatInt(s, 10)
	}
	args := []string{"-dir", dir, "-n", strconv.Itoa(o.iterations), "-sizes", strings.Join(sizes, ","),
		"-file-size", strconv.FormatInt(o.fileBytes, 10), "-max-requests", strconv.FormatInt(o.maxRequests, 10)}
	if o.progress == nil {
		args = append(args, "-q")
	}
	if o.verify {
		args = append(args, "-verify")
	}
	for _, l := range labels {
		args = append(args, "-label", l)
	}
	return args
}

// largestSample is the longest file any sample reads.
func largestSample(o *fsOptions) int64 {
	var n int64
	for _, req := range o.sizeList {
		n = max(n, fsbench.SampleBytes(o.fileBytes, o.maxRequests, req))
	}
	return n
}

// runSOS boots SOS for target t at transfer size tsize and runs the
// benchmark there.
func runSOS(o *fsOptions, t fsTarget, tsize int) (*fsbench.Report, error) {
	labels := []string{fsbench.LabelFS + "=" + t.name, fsbench.LabelSystem + "=sos"}
	if tsize != 0 {
		labels = append(labels, fsbench.LabelTransfer+"="+strconv.Itoa(tsize))
	}
	sizes := o.sizeList
	if !fullSizes(o, t, tsize) {
		sizes = sweepSizes(sizes)
	}
	args := benchArgs(o, t.dir, sizes, labels...)
	if t.readOnly {
		if err := os.MkdirAll(t.hostDir, 0o755); err != nil {
			return nil, err
		}
		if err := writePattern(filepath.Join(t.hostDir, "sos-bench.dat"), largestSample(o)); err != nil {
			return nil, err
		}
		args = append(args, "-ops", "read")
	}
	var out, errOut bytes.Buffer
	var progress io.Writer = &errOut
	if o.progress != nil {
		progress = io.MultiWriter(&errOut, o.progress)
	}
	cfg := boot.Config{Harts: o.harts, MemSize: o.mem, Stdin: strings.NewReader(""), Stdout: &out, Stderr: progress}
	if t.configure != nil {
		if err := t.configure(&cfg, tsize); err != nil {
			return nil, err
		}
	}
	sys, err := boot.New(cfg)
	if err != nil {
		return nil, err
	}
	defer sys.Close()
	if t.mount != nil {
		if err := t.mount(sys, tsize); err != nil {
			return nil, err
		}
	}
	p, err := sys.Start("/bin/bench", append([]string{"bench"}, args...), []string{"PATH=/bin"})
	if err != nil {
		return nil, err
	}
	done := make(chan int, 1)
	go func() { done <- sys.Wait(p) }()
	var status int
	select {
	case status = <-done:
	case <-time.After(o.timeout):
		sys.KillAll()
		<-done
		return nil, fmt.Errorf("timed out after %v", o.timeout)
	}
	if status != 0 {
		msg := boot.Describe(status)
		if msg == "" {
			msg = fmt.Sprintf("exit status %d", boot.ExitCode(status))
		}
		return nil, fmt.Errorf("bench on SOS: %s: %s", msg, lastLines(errOut.String(), 5))
	}
	return fsbench.Parse(&out)
}

// runQemu runs the benchmark binary under qemu-riscv64 on the host
// directory.
func runQemu(o *fsOptions) (*fsbench.Report, error) {
	dir := filepath.Join(o.hostDir, "qemu")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var out, errOut bytes.Buffer
	var progress io.Writer = &errOut
	if o.progress != nil {
		progress = io.MultiWriter(&errOut, o.progress)
	}
	args := benchArgs(o, dir, o.sizeList, fsbench.LabelFS+"=host", fsbench.LabelSystem+"=qemu")
	code, err := rvtool.RunQemu(o.benchBin, args, &out, progress, o.timeout)
	if err != nil {
		return nil, err
	}
	if code != 0 {
		return nil, fmt.Errorf("exit status %d: %s", code, lastLines(errOut.String(), 5))
	}
	return fsbench.Parse(&out)
}

// ddSeconds finds the elapsed time in dd's summary ("... copied, 0.0123 s, 682 MB/s").
var ddSeconds = regexp.MustCompile(`copied, ([0-9.]+(?:e[-+]?[0-9]+)?) s,`)

// runDD measures dd on the host directory with the benchmark's request
// and file sizes, as a report in the benchmark's format.
func runDD(o *fsOptions) (*fsbench.Report, error) {
	dir := filepath.Join(o.hostDir, "dd")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "sos-bench.dat")
	defer os.Remove(file)
	rep := &fsbench.Report{Version: 1, Labels: map[string]string{fsbench.LabelFS: "host", fsbench.LabelSystem: "host", fsbench.LabelReference: "dd"},
		Dir: dir, File: filepath.Base(file), Iterations: o.iterations, FileSize: o.fileBytes, MaxRequests: o.maxRequests,
		Sizes: o.sizeList, Ops: []string{fsbench.Write, fsbench.Read}}
	if o.direct {
		rep.Labels["dd"] = "direct"
	}
	for _, req := range o.sizeList {
		count := fsbench.SampleBytes(o.fileBytes, o.maxRequests, req) / req
		for range o.iterations {
			for _, op := range rep.Ops {
				args := []string{"bs=" + strconv.FormatInt(req, 10), "count=" + strconv.FormatInt(count, 10)}
				if op == fsbench.Write {
					args = append(args, "if=/dev/zero", "of="+file, "conv=fsync")
					if o.direct {
						args = append(args, "oflag=direct")
					}
				} else {
					args = append(args, "if="+file, "of=/dev/null")
					if o.direct {
						args = append(args, "iflag=direct")
					}
				}
				cmd := exec.Command("dd", args...)
				cmd.Env = append(os.Environ(), "LC_ALL=C")
				msg, err := cmd.CombinedOutput()
				if err != nil {
					return nil, fmt.Errorf("dd %s: %v: %s", strings.Join(args, " "), err, lastLines(string(msg), 3))
				}
				m := ddSeconds.FindSubmatch(msg)
				if m == nil {
					return nil, fmt.Errorf("dd %s: no elapsed time in %q", strings.Join(args, " "), msg)
				}
				sec, err := strconv.ParseFloat(string(m[1]), 64)
				if err != nil {
					return nil, err
				}
				sec = max(sec, 1e-9)
				n := count * req
				s := fsbench.Sample{Op: op, RequestSize: req, Bytes: n, Seconds: sec, Bandwidth: float64(n) / sec}
				rep.Samples = append(rep.Samples, s)
				if o.progress != nil {
					fmt.Fprintf(o.progress, "dd: %-5s %7d B requests: %8d bytes in %.6fs, %8.2f MiB/s\n", op, req, n, sec, s.Bandwidth/(1<<20))
				}
			}
		}
	}
	return rep, rep.Check()
}

// writePattern writes a file of n bytes for the read-only targets.
func writePattern(path string, n int64) error {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return os.WriteFile(path, b, 0o644)
}

// printFSTable prints, per operation and request size, every full run's
// mean bandwidth and standard deviation (the transfer-size sweep's other
// points are in printTargets' table); then each SOS run's ratio to the
// references that apply to it (qemu to all; dd to the file systems not
// on NFS; nfs-cp to the runs on its server); then the harmonic means of
// every run.
func printFSTable(w io.Writer, allRuns []fsRun) {
	var runs []fsRun
	for _, r := range allRuns {
		if r.full {
			runs = append(runs, r)
		}
	}
	type key struct {
		op  string
		req int64
	}
	points := make([]map[key]fsbench.Point, len(runs))
	var keys []key
	for i, r := range runs {
		points[i] = map[key]fsbench.Point{}
		for _, p := range fsbench.Points(r.report.Samples) {
			k := key{p.Op, p.RequestSize}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
			points[i][k] = p
		}
	}
	slices.SortStableFunc(keys, func(a, b key) int {
		if a.op != b.op {
			if a.op == fsbench.Write {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.req, b.req)
	})

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "op\trequest\t")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t", r.name)
	}
	fmt.Fprintln(tw)
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t", k.op, fsbench.SizeLabel(k.req))
		for i := range runs {
			if p, ok := points[i][k]; ok {
				fmt.Fprintf(tw, "%.1f ± %.1f\t", p.Mean/(1<<20), p.Std/(1<<20))
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nbandwidth in MiB/s, mean ± standard deviation")

	// Ratios: every SOS run against every reference.
	type pair struct{ sos, ref int }
	var pairs []pair
	for i, r := range runs {
		for j, ref := range runs {
			if !r.sos || ref.sos {
				continue
			}
			switch {
			case ref.refFor != "" && ref.refFor != r.target.nfsServer:
			case ref.report.Labels[fsbench.LabelReference] == "dd" && r.target.nfsServer != "":
			default:
				pairs = append(pairs, pair{i, j})
			}
		}
	}
	if len(pairs) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprint(tw, "op\trequest\t")
		for _, p := range pairs {
			fmt.Fprintf(tw, "%s / %s\t", strings.TrimPrefix(runs[p.sos].name, "sos "), runs[p.ref].name)
		}
		fmt.Fprintln(tw)
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t", k.op, fsbench.SizeLabel(k.req))
			for _, p := range pairs {
				a, ok1 := points[p.sos][k]
				b, ok2 := points[p.ref][k]
				if ok1 && ok2 && b.Mean > 0 {
					fmt.Fprintf(tw, "%.2f\t", a.Mean/b.Mean)
				} else {
					fmt.Fprint(tw, "-\t")
				}
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		fmt.Fprintln(w, "\nSOS's mean bandwidth over the reference's")
	}

	fmt.Fprintln(w, "\nharmonic mean of all samples (MiB/s):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tall\twrite\tread\twrite >= 64K\tread >= 64K\t")
	for _, r := range allRuns {
		s := r.report.Samples
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, hm(s), hm(fsbench.Filter(s, fsbench.Write, 0)),
			hm(fsbench.Filter(s, fsbench.Read, 0)), hm(fsbench.Filter(s, fsbench.Write, 64<<10)), hm(fsbench.Filter(s, fsbench.Read, 64<<10)))
	}
	tw.Flush()
}

func hm(s []fsbench.Sample) string {
	if len(s) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", fsbench.HarmonicMean(s)/(1<<20))
}

// writeFSResults writes each run's report as JSON, the table, and the
// graphs into dir, and returns the files written.
func writeFSResults(dir string, runs []fsRun, table []byte, writeJSON bool) ([]string, error) {
	var files []string
	var all []fsbench.Run
	var byRequest []fsbench.Run
	for _, r := range runs {
		if writeJSON {
			b, err := json.MarshalIndent(r.report, "", "  ")
			if err != nil {
				return nil, err
			}
			name := filepath.Join(dir, fileName(r.name)+".json")
			if err := os.WriteFile(name, append(b, '\n'), 0o644); err != nil {
				return nil, err
			}
			files = append(files, name)
		}
		all = append(all, fsbench.Run{Name: r.base, Report: r.report})
		if r.full {
			byRequest = append(byRequest, fsbench.Run{Name: r.name, Report: r.report})
		}
	}
	name := filepath.Join(dir, "table.txt")
	if err := os.WriteFile(name, table, 0o644); err != nil {
		return nil, err
	}
	files = append(files, name)
	p, err := fsbench.RequestSizeGraph(byRequest, "File-system bandwidth vs request size")
	if err != nil {
		return nil, err
	}
	saved, err := fsbench.Save(p, dir, "request-size")
	if err != nil {
		return nil, err
	}
	files = append(files, saved...)
	p, err = fsbench.TransferSizeGraph(all, 64<<10, "NFS bandwidth vs transfer size, requests >= 64K")
	switch {
	case errors.Is(err, fsbench.ErrNoTransferSizes):
		// No NFS target yet: there is no second graph to draw.
	case err != nil:
		return nil, err
	default:
		saved, err := fsbench.Save(p, dir, "transfer-size")
		if err != nil {
			return nil, err
		}
		files = append(files, saved...)
	}
	return files, nil
}

// fileName turns a run's name into a file name: "sos nfs t=8K" → "sos-nfs-t8K".
func fileName(name string) string {
	return strings.NewReplacer(" ", "-", "=", "", "/", "-").Replace(name)
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
