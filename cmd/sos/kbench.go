package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"sos/internal/boot"
	"sos/internal/rvtool"
	"sos/user/kbench"
)

// benchKernel measures the kernel's basic costs on the same binaries
// under SOS and qemu-riscv64, in the same run: the null system call, the
// first-touch page fault, fork+exec+wait, and a Go hello world from start
// to exit.
func benchKernel(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("n", 5, "runs of each benchmark on each system; the best counts")
	smp := fs.Int("smp", 2, "SOS's harts")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "sos bench kernel:", err)
		return 1
	}
	if err := rvtool.Check(); err != nil {
		return fail(err)
	}
	qemuPath, err := exec.LookPath(rvtool.Qemu)
	if err != nil {
		return fail(err)
	}
	dir, err := os.MkdirTemp("", "sos-kbench-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(dir)
	if err := os.Chmod(dir, 0o755); err != nil { // for SOS's unprivileged user
		return fail(err)
	}
	if err := buildKbench(dir); err != nil {
		return fail(err)
	}
	bin := func(name string) string { return filepath.Join(dir, name) }

	type bench struct {
		name, unit string
		sosArgs    []string
		qemuArgs   []string
		wall       bool // the figure is the run's wall time, not printed by the program
		withBoot   bool // SOS's wall time includes booting it
	}
	benches := []bench{
		{name: "getpid round trip", unit: "ns", sosArgs: []string{bin("syscall"), "1000000"}},
		{name: "first-touch page fault", unit: "ns", sosArgs: []string{bin("fault"), "16384", "4"}},
		// Under qemu-user a riscv64 program can only start another by
		// running qemu again: that is what spawning costs there.
		{name: "fork+exec+wait", unit: "us", sosArgs: []string{bin("spawn"), "200", bin("true")},
			qemuArgs: []string{bin("spawn"), "200", qemuPath, bin("true")}},
		{name: "Go hello world, start to exit", unit: "ms", sosArgs: []string{bin("hello")}, wall: true},
		{name: "Go hello world, boot SOS too", unit: "ms", sosArgs: []string{bin("hello")}, wall: true, withBoot: true},
	}
	fmt.Fprintf(stdout, "Kernel benchmark: %s, %d CPUs, %s; SOS on %d harts; best of %d runs\n\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), *smp, *runs)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "benchmark\tunit\tSOS\tqemu\tSOS/qemu\t")
	for _, b := range benches {
		qargs := b.qemuArgs
		if qargs == nil {
			qargs = b.sosArgs
		}
		sosBest, qemuBest := 1e300, 1e300
		for range *runs {
			v, err := kbenchSOS(b.sosArgs, *smp, b.wall, b.withBoot, dir)
			if err != nil {
				return fail(fmt.Errorf("%s on SOS: %v", b.name, err))
			}
			sosBest = min(sosBest, v)
			v, err = kbenchQemu(qargs, b.wall)
			if err != nil {
				return fail(fmt.Errorf("%s under qemu: %v", b.name, err))
			}
			qemuBest = min(qemuBest, v)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.2f\t\n", b.name, b.unit, sosBest, qemuBest, sosBest/qemuBest)
	}
	tw.Flush()
	fmt.Fprintln(stdout, "\nGo hello world on SOS is timed from the program's start to its exit, with the system already")
	fmt.Fprintln(stdout, "booted or (second line) including the boot; under qemu, from starting qemu-riscv64 to its exit.")
	return 0
}

// buildKbench builds the benchmark's programs into dir.
func buildKbench(dir string) error {
	for _, name := range []string{"syscall", "fault", "spawn", "true"} {
		src, err := kbench.Sources.ReadFile("src/" + name + ".c")
		if err != nil {
			return err
		}
		path := filepath.Join(dir, name+".c")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			return err
		}
		if err := rvtool.BuildStatic(path, filepath.Join(dir, name)); err != nil {
			return err
		}
	}
	src, err := kbench.Sources.ReadFile("hello/main.go")
	if err != nil {
		return err
	}
	_, err = buildGoProgram(dir, "hello", src)
	return err
}

var figureRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?`)

// figure is the number a benchmark program prints first.
func figure(out string) (float64, error) {
	m := figureRE.FindString(strings.TrimSpace(out))
	if m == "" {
		return 0, fmt.Errorf("no figure in output %q", out)
	}
	return strconv.ParseFloat(m, 64)
}

// kbenchSOS runs argv on a freshly booted SOS (dir shown at its host path)
// and returns the program's figure, or its wall time in ms.
func kbenchSOS(argv []string, harts int, wall, withBoot bool, dir string) (float64, error) {
	var out, errOut bytes.Buffer
	bootStart := time.Now()
	sys, err := boot.New(boot.Config{Harts: harts, Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
	if err != nil {
		return 0, err
	}
	defer sys.Close()
	if err := sys.MountHost(dir, dir); err != nil {
		return 0, err
	}
	start := time.Now()
	status, err := sys.Run(argv[0], argv, []string{"PATH=/bin"})
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if status != 0 {
		return 0, fmt.Errorf("status %#x: %s%s", status, out.String(), errOut.String())
	}
	if withBoot {
		elapsed = time.Since(bootStart)
	}
	if wall {
		return float64(elapsed) / 1e6, nil
	}
	return figure(out.String())
}

// kbenchQemu runs argv under qemu-riscv64 and returns the program's
// figure, or its wall time in ms.
func kbenchQemu(argv []string, wall bool) (float64, error) {
	var out, errOut bytes.Buffer
	start := time.Now()
	code, err := rvtool.RunQemu(argv[0], argv[1:], &out, &errOut, 5*time.Minute)
	elapsed := time.Since(start)
	if err != nil {
		return 0, err
	}
	if code != 0 {
		return 0, fmt.Errorf("status %d: %s%s", code, out.String(), errOut.String())
	}
	if wall {
		return float64(elapsed) / 1e6, nil
	}
	return figure(out.String())
}
