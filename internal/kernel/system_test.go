package kernel_test

// System tests: real Go and C programs (testdata/go, testdata/c), built
// for riscv64 once per test run, run on a booted SOS on 1, 2 and 4 harts
// under Sv48 and Sv39. Their output is checked exactly, and where the
// program is deterministic it is also compared with qemu-riscv64 running
// the same binary.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"sos/internal/boot"
	"sos/internal/rvtool"
	"sos/internal/syncbuf"
	"sos/internal/userland"
)

var goGuests = []string{"hello", "concurrency", "gcstress", "busy", "panics", "nilderef", "execchild", "envexit", "syscallspin"}

var cGuests = []string{"printf", "malloc", "pthreads", "forkcow", "signals", "setjmp", "badptr", "spin", "forkbomb", "oom"}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// guest returns the host path of a built test program, building them all
// the first time.
func guest(t testing.TB, name string) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = buildGuests()
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, name)
}

func buildGuests() (string, error) {
	if err := rvtool.Check(); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "sos-kernel-test-")
	if err != nil {
		return "", err
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(cGuests)+1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		args := []string{"build", "-o", dir + "/"}
		for _, g := range goGuests {
			args = append(args, "./testdata/go/"+g)
		}
		cmd := userland.GoCommand("", args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			errs <- fmt.Errorf("building the Go test programs: %v\n%s", err, out)
		}
	}()
	sem := make(chan struct{}, runtime.NumCPU())
	for _, g := range cGuests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			extra := []string{"-lm"}
			if g == "pthreads" {
				extra = append(extra, "-pthread")
			}
			if err := rvtool.BuildStatic("testdata/c/"+g+".c", filepath.Join(dir, g), extra...); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return "", err
	}
	return dir, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{binDir, rtDir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

// machineConfig is one shape of the machine the programs run on.
type machineConfig struct {
	harts int
	sv39  bool
}

func (c machineConfig) String() string {
	mode := "sv48"
	if c.sv39 {
		mode = "sv39"
	}
	return fmt.Sprintf("smp%d-%s", c.harts, mode)
}

var configs = []machineConfig{{1, false}, {2, false}, {4, false}, {1, true}, {2, true}, {4, true}}

// result is how a program ended and what it printed.
type result struct {
	stdout, stderr, log string
	status              int // wait status
}

func (r result) String() string {
	return fmt.Sprintf("status %#x\nstdout:\n%s\nstderr:\n%s\nkernel log:\n%s", r.status, r.stdout, r.stderr, r.log)
}

// runTimeout bounds any one program; a program still running then is
// killed and the test fails.
const runTimeout = 2 * time.Minute

// boot boots a system with output captured.
type system struct {
	*boot.System
	stdout, stderr, log syncBuffer
}

func bootSystem(t testing.TB, mc machineConfig, mem uint64) *system {
	t.Helper()
	s := &system{}
	sys, err := boot.New(boot.Config{
		Harts: mc.harts, Sv39: mc.sv39, MemSize: mem,
		Stdin:  strings.NewReader(""),
		Stdout: &s.stdout, Stderr: &s.stderr, Log: &s.log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sys.Close)
	s.System = sys
	return s
}

// run runs prog with args and env on s and returns its result, the
// output being what it wrote since the last run.
func (s *system) run(t testing.TB, prog string, args []string, env ...string) result {
	t.Helper()
	s.stdout.Reset()
	s.stderr.Reset()
	s.log.Reset()
	env = append([]string{"PATH=/bin:/usr/bin", "HOME=/tmp"}, env...)
	p, err := s.Start(prog, append([]string{prog}, args...), env)
	if err != nil {
		t.Fatalf("starting %s: %v", prog, err)
	}
	done := make(chan int, 1)
	go func() { done <- s.Wait(p) }()
	var status int
	select {
	case status = <-done:
	case <-time.After(runTimeout):
		s.KillAll()
		status = <-done
		t.Errorf("%s: still running after %v: killed", prog, runTimeout)
	}
	return result{stdout: s.stdout.String(), stderr: s.stderr.String(), log: s.log.String(), status: status}
}

type syncBuffer = syncbuf.Buffer

// exited is the wait status of a normal exit with code.
func exited(code int) int { return code << 8 }

// killed is the wait status of death by sig, with or without a core.
func killed(sig int, core bool) int {
	if core {
		return sig | 0x80
	}
	return sig
}

// A case is a program, how it is run, and what it must do.
type testCase struct {
	name   string
	args   []string
	env    []string
	status int
	stdout string   // exact expected standard output, unless empty
	stderr []string // substrings of standard error
	qemu   bool     // the output must also equal qemu-riscv64's
	check  func(t *testing.T, mc machineConfig, r result)
}

var cases = []testCase{
	// Go.
	{name: "hello", stdout: "hello, world\n", qemu: true},
	{name: "concurrency", stdout: "sum of squares: 333833500\ntimeout fired\nreceived value\nslept at least 50ms\n" +
		"ticker ticked 3 times\ntimer stopped: true\ncount: 16000\n", qemu: true},
	{name: "gcstress", stdout: "gc ran: true\ndone\n"},
	{name: "busy", args: []string{"4"}, env: []string{"GOMAXPROCS=4"}, check: checkBusy},
	{name: "panics", args: []string{"die"}, status: exited(2),
		stdout: "recover: boom\nrecovered: runtime error: integer divide by zero\n" +
			"recovered: runtime error: index out of range [5] with length 3\ndeferred 2\ndeferred 1\n",
		stderr: []string{"panic: unrecovered", "goroutine 1 [running]:", "main.main()"}, qemu: true},
	{name: "nilderef", status: exited(2),
		stdout: "recovered: runtime error: invalid memory address or nil pointer dereference\n",
		stderr: []string{"panic: runtime error: invalid memory address or nil pointer dereference\n" +
			"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=", "main.get(", "main.main()"}},
	{name: "execchild", stdout: "echo: \"from echo\\n\" <nil>\nchild said \"child read \\\"some input\\\"\\n\" and exited 7\n" +
		"nonexistent: fork/exec /nonexistent: no such file or directory\n"},
	{name: "syscallspin", stdout: "worker finished: 0x251797b4326d7d41\n", qemu: true},
	{name: "envexit", args: []string{"5", "a b"}, env: []string{"SOS_TEST=yes"}, status: exited(5),
		stdout: "args: [5 a b]\nSOS_TEST: yes\nunset:  false\n"},

	// C, glibc.
	{name: "printf", qemu: true, check: func(t *testing.T, _ machineConfig, r result) {
		if !strings.Contains(r.stdout, "3.142 6.022141e+23 1e-10 0x1p+0\n") || !strings.Contains(r.stdout, "inf -nan\n") {
			t.Errorf("unexpected float formatting:\n%s", r.stdout)
		}
	}},
	{name: "malloc", qemu: true, check: func(t *testing.T, _ machineConfig, r result) {
		if !strings.HasSuffix(r.stdout, "corrupted: 0\n") {
			t.Errorf("heap corrupted:\n%s", r.stdout)
		}
	}},
	{name: "pthreads", stdout: "counter: 600000\nconsumed: 400020000 (want 400020000)\n", qemu: true},
	{name: "forkcow", stdout: "child: sees parent's old values: yes\n" +
		"parent: child exited 23; parent sees global=3 local=30 heap=Pp\nreaped 20 children, status sum 190\n", qemu: true},
	{name: "signals", status: killed(12, false), qemu: true,
		stdout: "SIGUSR1: got=10 si_code=0 (SI_USER=0) from self=1\npending while blocked: 1, delivered: 0\n" +
			"after sigsuspend: delivered 10\nread 2 ok, children 3 4, SIGCHLD yes\n" +
			"read without SA_RESTART: -1 EINTR, alarms 1\nSIGSEGV caught: si_addr ok=1 on altstack=1\nSIGUSR2 once: got=12\n"},
	{name: "setjmp", stdout: "setjmp returned 42, count 2\n", qemu: true},

	// Bad programs.
	{name: "badptr", status: killed(11, true),
		stdout: "write from address 1: EFAULT\nread into unmapped memory: EFAULT\nread into code: EFAULT\n" +
			"open with a kernel-half path: EFAULT\nfstat into page zero: EFAULT\n"},
	{name: "spin", stdout: "child killed by signal 9\n"},
	{name: "forkbomb", stdout: "fork failed with EAGAIN after many children; reaped all: yes\n"},
}

// checkBusy: every worker computed its value, GOMAXPROCS was honoured and
// the runtime saw as many CPUs as the machine has harts.
func checkBusy(t *testing.T, mc machineConfig, r result) {
	var want strings.Builder
	fmt.Fprintf(&want, "workers: 4 GOMAXPROCS: 4 NumCPU: %d\n", mc.harts)
	for i := 0; i < 4; i++ {
		x := uint64(i + 1)
		for j := 0; j < 3_000_000; j++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
		fmt.Fprintf(&want, "%d %x\n", i, x)
	}
	if r.stdout != want.String() {
		t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, want.String())
	}
}

// TestPrograms runs every program on every machine shape.
func TestPrograms(t *testing.T) {
	shapes := configs
	if testing.Short() {
		shapes = []machineConfig{{2, false}}
	}
	for _, tc := range cases {
		guest(t, tc.name)
	}
	var qemuOut sync.Map // name -> result
	for _, mc := range shapes {
		t.Run(mc.String(), func(t *testing.T) {
			s := bootSystem(t, mc, 256<<20)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					r := s.run(t, guest(t, tc.name), tc.args, tc.env...)
					if r.status != tc.status {
						t.Errorf("wait status %#x, want %#x\n%v", r.status, tc.status, r)
					}
					if tc.stdout != "" && r.stdout != tc.stdout {
						t.Errorf("stdout:\n%s\nwant:\n%s\n%v", r.stdout, tc.stdout, r)
					}
					for _, s := range tc.stderr {
						if !strings.Contains(r.stderr, s) {
							t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
						}
					}
					if tc.check != nil {
						tc.check(t, mc, r)
					}
					if tc.qemu {
						q, ok := qemuOut.Load(tc.name)
						if !ok {
							q = runQemu(t, tc)
							qemuOut.Store(tc.name, q)
						}
						if qr := q.(result); qr.stdout != r.stdout {
							t.Errorf("stdout differs from qemu-riscv64's:\nSOS:\n%s\nqemu:\n%s", r.stdout, qr.stdout)
						}
					}
				})
			}
		})
	}
}

func runQemu(t *testing.T, tc testCase) result {
	var stdout, stderr bytes.Buffer
	// qemu's guest sees the host environment plus the case's.
	for _, kv := range tc.env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	if _, err := rvtool.RunQemu(guest(t, tc.name), tc.args, &stdout, &stderr, runTimeout); err != nil {
		t.Fatal(err)
	}
	return result{stdout: stdout.String(), stderr: stderr.String()}
}

// TestOutOfMemory: a program that exhausts memory gets ENOMEM or is
// killed with a message naming it, and the system goes on running
// programs; a process running beside it is untouched.
func TestOutOfMemory(t *testing.T) {
	s := bootSystem(t, machineConfig{2, false}, 64<<20)
	r := s.run(t, guest(t, "oom"), nil)
	switch {
	case r.status == killed(9, false):
		if !strings.Contains(r.log, "out of memory: killed process") || !strings.Contains(r.log, "(oom)") {
			t.Errorf("killed without a message naming it:\n%v", r)
		}
	case r.status == exited(3):
		if !strings.Contains(r.stdout, "malloc failed after") {
			t.Errorf("unexpected output:\n%v", r)
		}
	default:
		t.Errorf("out of memory ended with:\n%v", r)
	}
	if r := s.run(t, guest(t, "forkcow"), nil); r.status != 0 || !strings.HasSuffix(r.stdout, "reaped 20 children, status sum 190\n") {
		t.Errorf("after the out-of-memory program, forkcow:\n%v", r)
	}
}

// TestForkBombLeavesSystemUsable: after a fork bomb the process table
// has room again and programs run.
func TestForkBombLeavesSystemUsable(t *testing.T) {
	s := bootSystem(t, machineConfig{2, false}, 256<<20)
	for i := 0; i < 2; i++ {
		if r := s.run(t, guest(t, "forkbomb"), nil); r.status != 0 || !strings.Contains(r.stdout, "EAGAIN") {
			t.Fatalf("fork bomb %d:\n%v", i, r)
		}
	}
	if n := len(s.Kernel.Processes()); n != 1 {
		t.Errorf("%d processes left after the fork bombs, want only init", n)
	}
	if r := s.run(t, guest(t, "hello"), nil); r.stdout != "hello, world\n" {
		t.Errorf("hello after fork bombs:\n%v", r)
	}
}
