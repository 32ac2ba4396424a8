package kernel_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sos/internal/rvtool"
)

var (
	rtOnce sync.Once
	rtDir  string
	rtErr  error
)

// rtProg builds testdata/rt/NAME.c, a freestanding program on user/rt
// (no C library: every system call is the program's own), and returns
// its path.
func rtProg(t *testing.T, name string) string {
	t.Helper()
	if err := rvtool.Check(); err != nil {
		t.Fatal(err)
	}
	rtOnce.Do(func() { rtDir, rtErr = os.MkdirTemp("", "sos-rt-test-") })
	if rtErr != nil {
		t.Fatal(rtErr)
	}
	bin := filepath.Join(rtDir, name)
	if _, err := os.Stat(bin); err != nil {
		if err := rvtool.BuildFreestanding(filepath.Join("testdata", "rt", name+".c"), bin, ""); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// TestArgsEnvAuxv: execve's initial stack, as the program sees it:
// argc, argv, envp and the auxiliary vector, aligned.
func TestArgsEnvAuxv(t *testing.T) {
	bin := rtProg(t, "args")
	for _, mc := range []machineConfig{{1, false}, {1, true}} {
		s := bootSystem(t, mc, 64<<20)
		p, err := s.Start(bin, []string{"args", "one", "two words"}, []string{"HOME=/", "X=y"})
		if err != nil {
			t.Fatal(err)
		}
		status := s.Wait(p)
		out := s.stdout.String()
		want := "argc=3\nargv: args\nargv: one\nargv: two words\nenv: HOME=/\nenv: X=y\n"
		if !strings.HasPrefix(out, want) || strings.Contains(out, "BAD") || !strings.Contains(out, "auxv complete\nstack aligned\n") {
			t.Errorf("%v output:\n%s", mc, out)
		}
		if status != exited(3) {
			t.Errorf("%v: wait status %#x, want exit 3", mc, status)
		}
	}
}

// TestStackGrowthAndRawCalls: the stack grows on demand to 4 MiB; raw
// system calls with bad arguments fail with the right errno.
func TestStackGrowthAndRawCalls(t *testing.T) {
	s := bootSystem(t, machineConfig{1, false}, 64<<20)
	r := s.run(t, rtProg(t, "stack"), nil)
	want := "pages touched: 1024\ngetpid: a pid\nsystem call 4000: -38\nwrite from a bad pointer: -14\nwrite to fd 7: -9\n"
	if r.stdout != want || r.status != 0 {
		t.Errorf("got:\n%v\nwant stdout:\n%s", r, want)
	}
}

// TestFaults: a program dying of a fault gets the signal Linux would
// send (the same status as under qemu-riscv64), and the kernel log says
// which fault, where.
func TestFaults(t *testing.T) {
	bin := rtProg(t, "fault")
	s := bootSystem(t, machineConfig{1, false}, 64<<20)
	for _, tc := range []struct {
		arg, signal, cause, addr string
	}{
		{"n", "SIGSEGV", "load page fault", "address 0x10"},
		{"w", "SIGSEGV", "store/AMO page fault", "address 0x"},
		{"i", "SIGILL", "illegal instruction", "instruction 0x0"},
		{"b", "SIGTRAP", "breakpoint", "pc=0x"},
		{"a", "SIGBUS", "store/AMO address misaligned", "address 0x"},
		{"j", "SIGSEGV", "instruction page fault", "address 0xdead0000"},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			r := s.run(t, bin, []string{tc.arg})
			if r.stdout != "before\n" || !strings.Contains(r.log, "fault[") || !strings.Contains(r.log, tc.signal+": "+tc.cause) ||
				!strings.Contains(r.log, tc.addr) || strings.Count(r.log, "\n") != 1 {
				t.Errorf("unexpected:\n%v", r)
			}
			code, err := rvtool.RunQemu(bin, []string{tc.arg}, new(strings.Builder), new(strings.Builder), runTimeout)
			if err != nil {
				t.Fatal(err)
			}
			if got := 128 + r.status&0x7f; r.status&0x7f == 0 || got != code {
				t.Errorf("wait status %#x (shell status %d), qemu's %d", r.status, got, code)
			}
		})
	}
}
