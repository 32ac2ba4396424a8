// Command sos runs SOS: an operating system whose kernel runs as this host
// process and whose programs are static RISC-V 64-bit Linux binaries.
//
//	sos run [flags]                  boot SOS: init and a shell on this terminal, until halt
//	sos run [flags] PROG [ARGS...]   run one riscv64 program and exit with its status
//	sos bench cpu [flags]            the CPU benchmark (SOS against qemu-riscv64)
//	sos bench fs [flags]             the file-system bandwidth benchmark (M5), with its graphs
//	sos stdtest [flags] [PKG...]     Go's standard-library tests on SOS and qemu-riscv64
//	sos syscalls                     the system-call compatibility table
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sos/internal/abi"
	"sos/internal/boot"
	"sos/internal/linux"
	"sos/internal/loader"
	"sos/internal/riscv"
	"sos/internal/stdtest"
)

func main() {
	os.Exit(sos(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage:
  sos run [-smp N] [-mem SIZE] [-sv39] [-env K=V]... [-strace] [-stats] [-cpuprofile FILE] [-shell PROG] [-grace D] [-disk FILE[:PATH]]...
                          boot SOS into a shell on this terminal (exit or halt shuts it down)
  sos run [-smp N] [-mem SIZE] [-sv39] [-env K=V]... [-strace] [-stats] [-cpuprofile FILE] PROG [ARGS...]
  sos bench cpu [-n RUNS] [-scale N] [-only a,b]
  sos bench kernel [-n RUNS] [-smp N]
  sos bench fs [-n RUNS] [-sizes 512-1M] [-file-size 8M] [-targets a,b] [-o DIR] [-v]
  sos stdtest [-smp N] [-qemu always|failures|never] [-timeout D] [-v] [PKG...]
  sos mkfs [-label NAME] FILE.img SIZE
                          make a FAT32 disk image for sos run -disk
  sos syscalls            the system-call compatibility table (Markdown)
`

func sos(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdout, stderr)
	case "bench":
		return cmdBench(args[1:], stdout, stderr)
	case "stdtest":
		return cmdStdtest(args[1:], stdout, stderr)
	case "mkfs":
		return cmdMkfs(args[1:], stdout, stderr)
	case "syscalls":
		fmt.Fprint(stdout, linux.New().CompatibilityTable())
		return 0
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "sos: unknown command %q\n%s", args[0], usage)
	return 2
}

// envFlag collects repeated -env K=V flags.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }
func (e *envFlag) Set(v string) error {
	if !strings.Contains(v, "=") {
		return errors.New("want K=V")
	}
	*e = append(*e, v)
	return nil
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	mem := fs.String("mem", "512M", "guest memory size (K, M or G suffix)")
	smp := fs.Int("smp", 2, "number of harts")
	sv39 := fs.Bool("sv39", false, "use Sv39 page tables instead of Sv48")
	strace := fs.Bool("strace", false, "print every system call with its arguments and result")
	stats := fs.Bool("stats", false, "print instructions retired and the instruction rate on exit")
	shell := fs.String("shell", "", "with no PROG: the program (and arguments) init runs on the console instead of /bin/sosh")
	grace := fs.Duration("grace", 2*time.Second, "at shutdown, the time between SIGTERM and SIGKILL")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of SOS itself (the host process) to `file`")
	jit := fs.Bool("jit", true, "translate hot guest code to host code (false: interpret every instruction)")
	var env envFlag
	fs.Var(&env, "env", "set an environment variable for the program (repeatable)")
	rootDir := fs.String("root", "", "host `DIR` served over NFS from this process as SOS's root (default with no PROG: "+defaultRootHint+"; with PROG: the host's tree, read-only)")
	nfsServer := fs.String("nfs", "", "mount the external NFS export `HOST[:PORT]:/EXPORT` as SOS's root instead")
	nfsTransport := fs.String("nfs-transport", "tcp", "NFS transport: tcp or udp")
	nfsSize := fs.String("nfs-size", "0", "NFS read and write transfer size (0: the server's preference)")
	nfsWindow := fs.Int("nfs-window", 0, "most NFS requests in flight (0: the client's default, 16)")
	nfsTimeout := fs.Duration("nfs-timeout", 30*time.Second, "bound on one NFS call, retransmissions included: a dead server is ETIMEDOUT after it")
	var disks diskFlag
	fs.Var(&disks, "disk", "attach the FAT32 image `FILE[:PATH]` and mount it at PATH (default /disk) (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	riscv.SetJIT(*jit)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "sos: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "sos: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}
	size, err := parseSize(*mem)
	if err != nil {
		fmt.Fprintf(stderr, "sos run: -mem: %v\n", err)
		return 2
	}
	// The console is a terminal when the host's is (both ends): SOS
	// then runs the host terminal raw, under a parent process that
	// restores it however this one ends (see term.go).
	provisionProcs(*smp)
	terminal := stdout == io.Writer(os.Stdout) && isTerminal(os.Stdin) && isTerminal(os.Stdout)
	if terminal && os.Getenv(childEnv) == "" {
		return runTerminalParent(stderr)
	}
	if terminal {
		stderr = crlfWriter{stderr} // the host terminal is raw
	}
	cfg := boot.Config{Harts: *smp, MemSize: size, Sv39: *sv39, Stdin: os.Stdin, Stdout: stdout, Stderr: stderr, Terminal: terminal, Grace: *grace, Disks: disks}
	if *strace {
		cfg.Strace = stderr
	}
	if cfg.NFS, err = nfsRoot(*rootDir, *nfsServer, *nfsTransport, *nfsSize, fs.NArg() == 0); err != nil {
		fmt.Fprintf(stderr, "sos run: %v\n", err)
		return 2
	}
	if cfg.NFS != nil {
		cfg.NFS.Window, cfg.NFS.Timeout = *nfsWindow, *nfsTimeout
	}
	start := time.Now()
	sys, err := boot.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "sos: %v\n", err)
		return 1
	}
	defer sys.Close()
	if terminal {
		stop := watchHost(sys)
		defer stop()
	}
	if fs.NArg() == 0 {
		return bootSystem(sys, *shell, env, start, stdout, stderr, *stats)
	}
	if *shell != "" {
		fmt.Fprintln(stderr, "sos run: -shell is for booting (no PROG)")
		return 2
	}
	prog := fs.Arg(0)
	path, err := boot.HostPath(prog)
	if err != nil {
		fmt.Fprintf(stderr, "sos: %s: %v\n", prog, err)
		return 126
	}
	status, err := sys.Run(path, fs.Args(), runEnv(env, sys.Home()))
	if err != nil {
		fmt.Fprintf(stderr, "sos: %s: %v\n", prog, describeStartError(path, err))
		return 126
	}
	if msg := boot.Describe(status); msg != "" {
		fmt.Fprintf(stderr, "sos: %s: %s\n", prog, msg)
	}
	if *stats {
		printStats(sys, start, stderr)
	}
	return boot.ExitCode(status)
}

func printStats(sys *boot.System, start time.Time, stderr io.Writer) {
	d := time.Since(start)
	n := sys.Kernel.Instret()
	fmt.Fprintf(stderr, "sos: %d instructions in %.3fs (%.0f million/s), %d system calls\n", n, d.Seconds(), float64(n)/d.Seconds()/1e6, sys.Linux.Calls())
}

// bootSystem is `sos run` without a program: the banner, then init (and
// through it the shell) on the console until something calls reboot(2).
// It returns 0 after a clean shutdown, 1 if init died.
func bootSystem(sys *boot.System, shell string, env envFlag, start time.Time, stdout, stderr io.Writer, stats bool) int {
	nl := "\n"
	if sys.TTY() != nil {
		nl = "\r\n"
	}
	fmt.Fprint(stdout, strings.Join(sys.Banner(), nl)+nl)
	args := strings.Fields(shell)
	if len(args) > 0 {
		p, err := boot.HostPath(args[0])
		if err != nil {
			fmt.Fprintf(stderr, "sos: -shell: %v\n", err)
			return 2
		}
		args[0] = p
		if err := sys.Stage(p); err != nil {
			fmt.Fprintf(stderr, "sos: -shell: %v\n", err)
			return 2
		}
	}
	initProc, err := sys.Boot(args, runEnv(env, sys.Home()))
	if err != nil {
		fmt.Fprintf(stderr, "sos: %v\n", err)
		return 1
	}
	exited := make(chan int, 1)
	go func() { exited <- sys.Wait(initProc) }()
	hostSignals := make(chan os.Signal, 1)
	signal.Notify(hostSignals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(hostSignals)
	code := 0
	select {
	case <-sys.Halted():
	case status := <-exited:
		if sys.ShuttingDown() {
			<-sys.Halted() // init is stopped last
			break
		}
		msg := boot.Describe(status)
		if msg == "" {
			msg = fmt.Sprintf("exited with status %d", boot.ExitCode(status))
		}
		fmt.Fprintf(stderr, "sos: init %s; shutting down\n", msg)
		code = 1
		sys.Shutdown()
	case sig := <-hostSignals:
		fmt.Fprintf(stderr, "sos: %v; shutting down\n", sig)
		sys.Shutdown()
		code = 128 + int(sig.(syscall.Signal))
	}
	if stats {
		printStats(sys, start, stderr)
	}
	return code
}

// defaultEnv is the environment programs start with, before -env.
func defaultEnv(home string) []string {
	env := []string{"PATH=/bin:/usr/bin:/usr/local/bin", "HOME=" + home, "USER=user", "LOGNAME=user", "LANG=C.UTF-8"}
	if term := os.Getenv("TERM"); term != "" {
		env = append(env, "TERM="+term)
	}
	return env
}

// describeStartError explains why a program could not start: for a file
// that is not a loadable executable it says what is wrong with it, as the
// loader sees it.
func describeStartError(path string, err error) error {
	if st, serr := os.Stat(path); serr == nil && st.IsDir() {
		return errors.New("is a directory")
	}
	b, rerr := os.ReadFile(path)
	if rerr != nil {
		return err
	}
	if errors.Is(err, abi.ENOENT) && bytes.HasPrefix(b, []byte("#!")) {
		line, _, _ := bytes.Cut(b[2:], []byte("\n"))
		if f := strings.Fields(string(line)); len(f) > 0 {
			return fmt.Errorf("bad interpreter %s: %v", f[0], err)
		}
	}
	if !errors.Is(err, abi.ENOEXEC) {
		return err
	}
	if _, perr := loader.Parse(b); perr != nil {
		return perr
	}
	return err
}

// parseSize parses a byte count with an optional K, M or G suffix.
func parseSize(s string) (uint64, error) {
	mult := uint64(1)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "k"):
		mult = 1 << 10
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		mult = 1 << 20
	case strings.HasSuffix(s, "G"), strings.HasSuffix(s, "g"):
		mult = 1 << 30
	}
	if mult != 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || n > (64<<30)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	size := n * mult
	if size%riscv.PageSize != 0 {
		return 0, fmt.Errorf("size %d is not a multiple of the page size", size)
	}
	return size, nil
}

// cmdStdtest runs Go's standard-library tests on SOS (and qemu-riscv64 as
// the reference) and prints a table. It fails if a package fails on SOS
// but passes under qemu.
func cmdStdtest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sos stdtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	smp := fs.Int("smp", 2, "harts")
	qemu := fs.String("qemu", "failures", "when to run qemu-riscv64 too: always, failures or never")
	timeout := fs.Duration("timeout", 10*time.Minute, "per package and system")
	verbose := fs.Bool("v", false, "print progress")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch *qemu {
	case "always", "failures", "never":
	default:
		fmt.Fprintf(stderr, "sos stdtest: -qemu %q: want always, failures or never\n", *qemu)
		return 2
	}
	pkgs := fs.Args()
	if len(pkgs) == 0 {
		pkgs = stdtest.Packages
	}
	opt := stdtest.Options{Harts: *smp, Qemu: *qemu, Timeout: *timeout}
	if *verbose {
		opt.Log = stderr
	}
	results, err := stdtest.Run(pkgs, opt)
	if err != nil {
		fmt.Fprintf(stderr, "sos stdtest: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, stdtest.Table(results))
	code := 0
	for _, r := range results {
		if r.OK() {
			continue
		}
		code = 1
		out := r.SOS.Output
		if lines := strings.Split(out, "\n"); len(lines) > 60 {
			out = "...\n" + strings.Join(lines[len(lines)-60:], "\n")
		}
		fmt.Fprintf(stdout, "\n=== %s on SOS:\n%s\n", r.Package, out)
		if r.Err != nil {
			fmt.Fprintf(stdout, "%v\n", r.Err)
		}
	}
	return code
}
