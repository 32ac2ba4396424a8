package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sos/internal/tty/ptytest"
	"sos/internal/userland"
)

// The console end to end: `sos run` built once and run on a real
// pseudo-terminal (and on a pipe), as a person would use it.

var (
	buildOnce sync.Once
	sosBin    string
	ttyProg   string
	buildErr  error
	buildDir  string
)

// binaries builds sos for the host and the test program ttyprog for
// riscv64, once per test binary.
func binaries(t testing.TB) (sos, prog string) {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "sos-console-test-")
		if buildErr != nil {
			return
		}
		sosBin = filepath.Join(buildDir, "sos")
		if out, err := exec.Command(goTool(), "build", "-o", sosBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building sos: %v\n%s", err, out)
			return
		}
		ttyProg = filepath.Join(buildDir, "ttyprog")
		if out, err := userland.GoCommand("", "build", "-o", ttyProg, "../../internal/boot/testdata/ttyprog").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building ttyprog: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return sosBin, ttyProg
}

// goTool is the go command of the toolchain running the tests.
func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// testEnv is the environment sos runs in under test: its NFS root (the
// default $XDG_DATA_HOME/sos/root) in a directory of the test's own.
func testEnv(t testing.TB) []string {
	return append(os.Environ(), "TERM=xterm", "XDG_DATA_HOME="+t.TempDir())
}

// startSOS runs `sos run ARGS` on a 30x100 pseudo-terminal.
func startSOS(t *testing.T, args ...string) *ptytest.Session {
	sos, _ := binaries(t)
	return ptytest.Start(t, 30, 100, testEnv(t), sos, append([]string{"run"}, args...)...)
}

// TestConsoleSession: booting on a terminal shows the banner, runs the
// program init is given as a session leader in the foreground, edits
// lines, delivers ^C as SIGINT and a host resize as SIGWINCH, and when
// the program ends init powers off: sos exits 0 with the terminal's modes
// exactly as before.
func TestConsoleSession(t *testing.T) {
	_, prog := binaries(t)
	s := startSOS(t, "-shell", prog+" read")
	s.Expect("SOS: 2 harts, 512 MiB RAM")
	s.Expect("mounts: / (nfs ")
	s.Expect("init: starting " + prog + " read\r\n")
	ready := s.Expect("\r\n")
	var pid, pgrp, sid int
	if _, err := fmt.Sscanf(strings.TrimSpace(ready), "ready pid=%d pgrp=%d sid=%d", &pid, &pgrp, &sid); err != nil {
		t.Fatalf("%q: %v", ready, err)
	}
	if pid == 1 || pgrp != pid || sid != pid {
		t.Errorf("program pid %d pgrp %d sid %d: want a session leader in the foreground", pid, pgrp, sid)
	}
	if raw := s.Termios(); raw.Lflag&syscall.ECHO != 0 || raw.Lflag&syscall.ICANON != 0 {
		t.Errorf("the host terminal is not raw while SOS runs: lflag %#o", raw.Lflag)
	}

	// Line editing: DEL erases, ^U kills, ^W erases a word; the echo
	// shows it.
	s.Type("hello wrld\x7f\x7f\x7forld\r")
	s.Expect("hello wrld\b \b\b \b\b \borld\r\n")
	s.Expect("got: hello world\r\n")
	s.Type("junk\x15second line\x17word\r")
	s.Expect("got: second word\r\n")

	s.Resize(40, 120)
	s.Expect("SIGWINCH 40x120\r\n")

	s.Type("partial")
	s.Type("\x03")
	s.Expect("^C")
	s.Expect("SIGINT\r\n")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d, want 0; the terminal shows:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestConsoleEOFAndHalt: ^D at the start of a line is end of file; halt
// shuts SOS down with status 0.
func TestConsoleEOFAndHalt(t *testing.T) {
	_, prog := binaries(t)
	s := startSOS(t, "-shell", prog+" read")
	s.Expect("ready")
	// ^D in mid-line hands over "abc" without a newline; the second, at
	// the start of a line, reads as end of file.
	s.Type("abc\x04\x04")
	s.Expect("got: abc\r\nEOF\r\n")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d, want 0:\n%s", code, s.Output())
	}
	s.CheckRestored()

	h := startSOS(t, "-shell", "/bin/halt")
	h.Expect("init: starting /bin/halt")
	if code := h.Wait(); code != 0 {
		t.Errorf("sos exited %d after halt, want 0:\n%s", code, h.Output())
	}
	h.CheckRestored()
}

// TestConsoleJobControl: a background job reading the terminal is
// stopped by SIGTTIN; once its group is made the foreground and
// continued, its read goes on and gets what is typed.
func TestConsoleJobControl(t *testing.T) {
	_, prog := binaries(t)
	s := startSOS(t, "-shell", prog+" jobs")
	s.Expect("background job stopped by stopped (tty input)\r\n")
	s.Expect("foreground\r\n")
	s.Type("typed\r")
	s.Expect("got: typed\r\n")
	s.Type("\x04")
	s.Expect("EOF\r\njob done\r\n")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestConsoleRunProgram: `sos run PROG` on a terminal gives the program
// the terminal, so ^C interrupts it; sos exits with its status.
func TestConsoleRunProgram(t *testing.T) {
	_, prog := binaries(t)
	s := startSOS(t, prog, "read")
	s.Expect("ready")
	s.Type("one\r")
	s.Expect("got: one\r\n")
	s.Type("\x03")
	s.Expect("^CSIGINT\r\n")
	if code := s.Wait(); code != 0 {
		t.Errorf("sos exited %d:\n%s", code, s.Output())
	}
	s.CheckRestored()
}

// TestConsoleHostSignal: SIGTERM to the sos process shuts SOS down and
// restores the terminal.
func TestConsoleHostSignal(t *testing.T) {
	_, prog := binaries(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		s := startSOS(t, "-shell", prog+" read")
		s.Expect("ready")
		s.Signal(sig)
		if code := s.Wait(); code != 128+int(sig) {
			t.Errorf("sos exited %d after %v, want %d:\n%s", code, sig, 128+int(sig), s.Output())
		}
		s.CheckRestored()
	}
	// SIGKILL to the SOS process itself (a crash): the terminal is
	// restored all the same.
	s := startSOS(t, "-shell", prog+" read")
	s.Expect("ready")
	child := childOf(t, s.PID())
	if err := syscall.Kill(child, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := s.Wait(); code != 128+int(syscall.SIGKILL) {
		t.Errorf("sos exited %d after its child was killed", code)
	}
	s.CheckRestored()
}

// childOf returns the host process whose parent is pid.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split
		// after its closing parenthesis.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		var state string
		var ppid, child int
		if i < 0 || func() bool { _, err := fmt.Sscan(s[i+1:], &state, &ppid); return err != nil }() {
			continue
		}
		if ppid == pid {
			fmt.Sscan(s, &child)
			return child
		}
	}
	t.Fatalf("host process %d has no child", pid)
	return 0
}

// TestConsolePiped: with standard input a pipe, the console is a plain
// stream: no echo, lines as they come, end of file at the pipe's end.
func TestConsolePiped(t *testing.T) {
	sos, prog := binaries(t)
	cmd := exec.Command(sos, "run", "-shell", prog+" read")
	cmd.Env = testEnv(t)
	cmd.Stdin = strings.NewReader("one\ntwo\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	got := out.String()
	// The program's pid varies (init's threads take ids too); a pipe
	// is no terminal, so TIOCGPGRP and TIOCGSID fail and leave 0.
	want := " pgrp=0 sid=0\ngot: one\ngot: two\nEOF\n"
	if !strings.HasPrefix(got, "SOS: ") || !strings.Contains(got, "init: starting "+prog+" read\nready pid=") || !strings.HasSuffix(got, want) {
		t.Errorf("piped session:\n%s\nwant the banner, then\n%s", got, want)
	}
}

// TestBootWithoutShell: when init cannot start the shell, sos says so
// and fails.
func TestBootWithoutShell(t *testing.T) {
	sos, _ := binaries(t)
	cmd := exec.Command(sos, "run", "-shell", "/no/such/shell")
	cmd.Env = testEnv(t)
	cmd.Stdin = strings.NewReader("")
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Errorf("exit %d (%v), want 1", code, err)
	}
	for _, w := range []string{"init: /no/such/shell: no such file or directory", "sos: init exited with status 1; shutting down"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// BenchmarkBootToInitTerminal is BenchmarkBootToInit on a pseudo-terminal
// (the host terminal made raw, sos run again as its child).
func BenchmarkBootToInitTerminal(b *testing.B) {
	sos, _ := binaries(b)
	var total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		s := ptytest.Start(b, 30, 100, testEnv(b), sos, "run", "-shell", "/bin/true")
		s.Expect("init: starting")
		first := time.Since(start)
		if code := s.Wait(); code != 0 {
			b.Fatalf("exit %d:\n%s", code, s.Output())
		}
		total += first
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms-to-init")
}

// BenchmarkBootToInit measures `sos run` from its start until init's
// first output (the userland already built and cached), on a pipe.
func BenchmarkBootToInit(b *testing.B) {
	sos, _ := binaries(b)
	var total time.Duration
	n := 0
	for b.Loop() {
		start := time.Now()
		cmd := exec.Command(sos, "run", "-shell", "/bin/true")
		cmd.Env = testEnv(b)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		var seen bytes.Buffer
		buf := make([]byte, 4096)
		var first time.Duration
		for {
			n, err := stdout.Read(buf)
			seen.Write(buf[:n])
			if first == 0 && bytes.Contains(seen.Bytes(), []byte("init: starting")) {
				first = time.Since(start)
			}
			if err != nil {
				break
			}
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("%v:\n%s", err, seen.String())
		}
		total += first
		n++
	}
	b.ReportMetric(float64(total.Microseconds())/float64(n)/1000, "ms-to-init")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// BenchmarkKeystrokeEcho measures a key typed on the host terminal until
// its echo comes back, through the host pty, sos's input goroutine and
// the line discipline (canonical mode: SOS echoes without scheduling any
// guest code).
func BenchmarkKeystrokeEcho(b *testing.B) {
	b.Run("idle", func(b *testing.B) { benchEcho(b, "read") })
	b.Run("busy", func(b *testing.B) { benchEcho(b, "read spin") })
}

// benchEcho types into ttyprog ARGS (with "spin", a CPU-bound thread per
// hart runs meanwhile).
func benchEcho(b *testing.B, args string) {
	sos, prog := binaries(b)
	s := ptytest.Start(b, 30, 100, testEnv(b), sos, "run", "-shell", prog+" "+args)
	s.Expect("ready")
	keys := "abcdefghij"
	i := 0
	for b.Loop() {
		k := keys[i%len(keys) : i%len(keys)+1]
		s.Type(k)
		s.Expect(k)
		i++
		if i%50 == 0 {
			s.Type("\r")
			s.Expect("got: ")
		}
	}
	s.Type("\x04\x04")
	s.Wait()
}
