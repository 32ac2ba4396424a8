package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sos/internal/riscv"
	"sos/internal/rvtool"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// prog builds testdata/NAME.c once per test binary and returns its path.
func prog(t *testing.T, name string) string {
	t.Helper()
	if err := rvtool.Check(); err != nil {
		t.Fatal(err)
	}
	buildOnce.Do(func() { buildDir, buildErr = os.MkdirTemp("", "sos-runner-test-") })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	bin := filepath.Join(buildDir, name)
	if _, err := os.Stat(bin); err != nil {
		if err := rvtool.BuildFreestanding(filepath.Join("testdata", name+".c"), bin, ""); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func TestArgsEnvAuxv(t *testing.T) {
	bin := prog(t, "args")
	for _, mode := range []int{riscv.SatpSv48, riscv.SatpSv39} {
		var out bytes.Buffer
		res, err := RunFile(bin, []string{"args", "one", "two words"}, Config{Mode: mode, Stdout: &out, Env: []string{"HOME=/", "X=y"}})
		if err != nil {
			t.Fatal(err)
		}
		want := "argc=3\nargv: args\nargv: one\nargv: two words\nenv: HOME=/\nenv: X=y\n"
		if !strings.HasPrefix(out.String(), want) || strings.Contains(out.String(), "BAD") ||
			!strings.Contains(out.String(), "auxv complete\nstack aligned\n") {
			t.Errorf("mode %d output:\n%s", mode, out.String())
		}
		if res.ExitCode != 3 {
			t.Errorf("exit status %d, want 3", res.ExitCode)
		}
	}
}

func TestStackGrowthAndUnservedCalls(t *testing.T) {
	var out bytes.Buffer
	res, err := RunFile(prog(t, "stack"), nil, Config{Stdout: &out})
	if err != nil {
		t.Fatal(err)
	}
	want := "pages touched: 1024\ngetpid: -38\nwrite from a bad pointer: -14\nwrite to fd 7: -9\n"
	if out.String() != want || res.ExitCode != 0 {
		t.Errorf("exit %d, output:\n%s\nwant:\n%s", res.ExitCode, out.String(), want)
	}
}

// TestFaults checks that a faulting program is reported with the signal
// Linux would send, the cause, pc and address, and the status a shell
// would show, the same status as under qemu-riscv64.
func TestFaults(t *testing.T) {
	bin := prog(t, "fault")
	for _, tc := range []struct {
		arg, signal, cause string
		addr               string
	}{
		{"n", "SIGSEGV", "load page fault", "address 0x10"},
		{"w", "SIGSEGV", "store/AMO page fault", "address 0x"},
		{"i", "SIGILL", "illegal instruction", "instruction 0x0"},
		{"b", "SIGTRAP", "breakpoint", "pc=0x"},
		{"a", "SIGBUS", "store/AMO address misaligned", "address 0x"},
		{"j", "SIGSEGV", "instruction page fault", "address 0xdead0000"},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			var out, errOut bytes.Buffer
			res, err := RunFile(bin, []string{"fault", tc.arg}, Config{Stdout: &out, Stderr: &errOut})
			if err != nil {
				t.Fatal(err)
			}
			msg := errOut.String()
			if out.String() != "before\n" || !strings.Contains(msg, tc.signal+": "+tc.cause) || !strings.Contains(msg, tc.addr) || strings.Count(msg, "\n") != 1 {
				t.Errorf("stdout %q, message %q", out.String(), msg)
			}
			if res.Fault == nil {
				t.Error("no fault recorded")
			}
			var q bytes.Buffer
			code, err := rvtool.RunQemu(bin, []string{tc.arg}, &q, &q, 60e9)
			if err != nil {
				t.Fatal(err)
			}
			if res.ExitCode != code {
				t.Errorf("exit status %d, qemu's %d", res.ExitCode, code)
			}
		})
	}
}

func TestBadExecutables(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(prog(t, "args"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("hello\n"), "not an ELF file"},
		{"truncated", good[:len(good)/3], "truncated ELF file"},
	} {
		path := filepath.Join(dir, tc.name)
		os.WriteFile(path, tc.data, 0o755)
		_, err := RunFile(path, nil, Config{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := RunFile(filepath.Join(dir, "missing"), nil, Config{}); err == nil {
		t.Error("missing file ran")
	}
}
