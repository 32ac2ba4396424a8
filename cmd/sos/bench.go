package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"sos/internal/boot"
	"sos/internal/riscv"
	"sos/internal/rvtool"
	"sos/internal/userland"
	"sos/user/cpubench"
)

func cmdBench(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "sos bench: which benchmark? (cpu, kernel, fs)\n", usage)
		return 2
	}
	switch args[0] {
	case "cpu":
		return benchCPU(args[1:], stdout, stderr)
	case "kernel":
		return benchKernel(args[1:], stdout, stderr)
	case "fs":
		return benchFS(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "sos bench: unknown benchmark %q\n", args[0])
	return 2
}

// benchCPU runs the CPU workloads under SOS and under qemu-riscv64, in the
// same run, and prints SOS's guest instruction rate and the wall-time
// ratio SOS/qemu for each.
func benchCPU(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench cpu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("n", 3, "runs of each workload on each system; the fastest counts")
	scale := fs.Int("scale", 1, "workload scale factor")
	only := fs.String("only", "", "comma-separated workloads to run (default all)")
	jit := fs.Bool("jit", true, "translate hot guest code to host code (false: measure the interpreter alone)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	riscv.SetJIT(*jit)
	if err := rvtool.Check(); err != nil {
		fmt.Fprintln(stderr, "sos bench cpu:", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "sos-cpubench-")
	if err != nil {
		fmt.Fprintln(stderr, "sos bench cpu:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	names := cpubench.Workloads
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	fmt.Fprintf(stdout, "CPU benchmark: %s, %d CPUs, %s; best of %d runs, scale %d\n\n",
		cpuModel(), runtime.NumCPU(), runtime.Version(), *runs, *scale)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tinstructions\tsos s\tsos M instr/s\tqemu s\tsos/qemu\t")
	failed := false
	for _, name := range names {
		bin, err := buildWorkload(dir, name)
		if err != nil {
			fmt.Fprintf(stderr, "sos bench cpu: %s: %v\n", name, err)
			return 1
		}
		argv := []string{name, fmt.Sprint(*scale)}
		var qemuOut bytes.Buffer
		qemuBest := time.Duration(1 << 62)
		for range *runs {
			qemuOut.Reset()
			start := time.Now()
			code, err := rvtool.RunQemu(bin, argv[1:], &qemuOut, stderr, 10*time.Minute)
			if err != nil || code != 0 {
				fmt.Fprintf(stderr, "sos bench cpu: %s under qemu: status %d %v\n", name, code, err)
				return 1
			}
			qemuBest = min(qemuBest, time.Since(start))
		}
		var sosOut bytes.Buffer
		sosBest := time.Duration(1 << 62)
		var instret uint64
		for range *runs {
			sosOut.Reset()
			start := time.Now()
			sys, err := boot.New(boot.Config{Harts: 1, Bin: "none", Stdout: &sosOut, Stderr: stderr})
			if err != nil {
				fmt.Fprintf(stderr, "sos bench cpu: %v\n", err)
				return 1
			}
			status, err := sys.Run(bin, argv, nil)
			elapsed := time.Since(start)
			instret = sys.Kernel.Instret()
			sys.Close()
			if err != nil || status != 0 {
				fmt.Fprintf(stderr, "sos bench cpu: %s under sos: status %#x %v\n", name, status, err)
				return 1
			}
			sosBest = min(sosBest, elapsed)
		}
		if sosOut.String() != qemuOut.String() {
			fmt.Fprintf(stderr, "sos bench cpu: %s: output differs: sos %q, qemu %q\n", name, sosOut.String(), qemuOut.String())
			failed = true
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.0f\t%.3f\t%.2f\t\n", name, instret, sosBest.Seconds(),
			float64(instret)/sosBest.Seconds()/1e6, qemuBest.Seconds(), sosBest.Seconds()/qemuBest.Seconds())
	}
	tw.Flush()
	if failed {
		return 1
	}
	return 0
}

func buildWorkload(dir, name string) (string, error) {
	if name == "gowork" || name == "gosched" {
		return buildGoWorkload(dir, name)
	}
	src, err := cpubench.Sources.ReadFile("src/" + name + ".c")
	if err != nil {
		return "", fmt.Errorf("no such workload")
	}
	path := filepath.Join(dir, name+".c")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	// Plain rv64gc, so the same binary is fair to both systems.
	return bin, rvtool.BuildFreestanding(path, bin, "rv64gc")
}

// cpuModel returns the host CPU's name, for the record.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

// buildGoWorkload builds a Go workload for riscv64 (the default
// GORISCV64=rva20u64 profile, plain rv64gc like the C workloads).
func buildGoWorkload(dir, name string) (string, error) {
	src, err := cpubench.Sources.ReadFile(name + "/main.go")
	if err != nil {
		return "", err
	}
	return buildGoProgram(dir, name, src, "GORISCV64=rva20u64")
}

// buildGoProgram builds the one-file Go program src for SOS as dir/name,
// in a module of its own (dir/name-src), with extra environment settings.
func buildGoProgram(dir, name string, src []byte, env ...string) (string, error) {
	sdir := filepath.Join(dir, name+"-src")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(sdir, "main.go"), src, 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(sdir, "go.mod"), []byte("module "+name+"\n\ngo 1.22\n"), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	cmd := userland.GoCommand(sdir, "build", "-o", bin, ".")
	cmd.Env = append(cmd.Env, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s: %v\n%s", name, err, out)
	}
	return bin, nil
}
