package main

// The interactive test: sosh in a real pseudo-terminal on the host,
// typed at as a person would, with job control done by the host kernel's
// line discipline (^C, ^Z, process groups).

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// expectTimeout bounds the wait for output that should come; it is a
// guard against a hang, not a measurement.
const expectTimeout = 30 * time.Second

type ptySession struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	mu     sync.Mutex
	out    bytes.Buffer
	pos    int // expect searches from here
	done   chan struct{}
}

func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening /dev/ptmx: %v", err)
	}
	var unlock int32
	if err := ioctl(int(m.Fd()), syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatalf("TIOCSPTLCK: %v", err)
	}
	var n uint32
	if err := ioctl(int(m.Fd()), syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		t.Fatalf("TIOCGPTN: %v", err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pty's slave: %v", err)
	}
	ws := struct{ row, col, x, y uint16 }{24, 80, 0, 0}
	ioctl(int(s.Fd()), syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	return m, s
}

// startSession starts sosh on a new pty as the session leader with the
// pty as its controlling terminal, as a terminal emulator does.
func startSession(t *testing.T, dir string, env ...string) *ptySession {
	t.Helper()
	return startOnPty(t, dir, true, env...)
}

// startOnPty starts sosh on a new pty, as its controlling terminal if
// ctty is set, else as a terminal it merely has open (so no job control).
func startOnPty(t *testing.T, dir string, ctty bool, env ...string) *ptySession {
	t.Helper()
	m, s := openPty(t)
	cmd := exec.Command(soshBin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = s, s, s
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: ctty, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	ps := &ptySession{t: t, master: m, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(ps.done)
		buf := make([]byte, 4096)
		for {
			n, err := m.Read(buf)
			ps.mu.Lock()
			ps.out.Write(buf[:n])
			ps.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		// Whatever is left of the session goes.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Process.Kill()
		m.Close()
		cmd.Wait()
	})
	return ps
}

func (ps *ptySession) send(keys string) {
	ps.t.Helper()
	if _, err := ps.master.Write([]byte(keys)); err != nil {
		ps.t.Fatalf("typing %q: %v", keys, err)
	}
}

// expect waits for s in the output after the last match and moves past it.
func (ps *ptySession) expect(s string) {
	ps.t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for {
		ps.mu.Lock()
		out := ps.out.String()
		ps.mu.Unlock()
		if i := strings.Index(out[ps.pos:], s); i >= 0 {
			ps.pos += i + len(s)
			return
		}
		if time.Now().After(deadline) {
			ps.t.Fatalf("waiting for %q; the terminal shows after the last match:\n%q", s, out[ps.pos:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// pressEnterUntil presses Enter until s appears, as a person waiting for
// a job to finish does.
func (ps *ptySession) pressEnterUntil(s string) {
	ps.t.Helper()
	ps.pressUntil("\r", s)
}

// pressUntil types keys every 100ms until s appears.
func (ps *ptySession) pressUntil(keys, s string) {
	ps.t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for time.Now().Before(deadline) {
		ps.send(keys)
		time.Sleep(100 * time.Millisecond)
		ps.mu.Lock()
		out := ps.out.String()
		ps.mu.Unlock()
		if strings.Contains(out[ps.pos:], s) {
			break
		}
	}
	ps.expect(s)
}

// foreground is the pty's foreground process group.
func (ps *ptySession) foreground() int {
	var pg int32
	if err := ioctl(int(ps.master.Fd()), syscall.TIOCGPGRP, unsafe.Pointer(&pg)); err != nil {
		ps.t.Fatalf("TIOCGPGRP: %v", err)
	}
	return int(pg)
}

// waitJobForeground waits until a job, not the shell, has the terminal:
// a person sees the command running before pressing ^C.
func (ps *ptySession) waitJobForeground() {
	ps.t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for ps.foreground() == ps.cmd.Process.Pid {
		if time.Now().After(deadline) {
			ps.t.Fatal("the job never got the terminal")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitShellForeground waits until the shell has the terminal back.
func (ps *ptySession) waitShellForeground() {
	ps.t.Helper()
	deadline := time.Now().Add(expectTimeout)
	for ps.foreground() != ps.cmd.Process.Pid {
		if time.Now().After(deadline) {
			ps.t.Fatal("the shell never got the terminal back")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exitStatus waits for sosh to exit and returns its status.
func (ps *ptySession) exitStatus() int {
	ps.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- ps.cmd.Wait() }()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		} else if err != nil {
			ps.t.Fatal(err)
		}
		return 0
	case <-time.After(expectTimeout):
		ps.t.Fatal("sosh did not exit")
	}
	return -1
}

func TestInteractive(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "hist")
	writeFile(t, filepath.Join(dir, "uniquename.txt"), "contents of the file\n")
	ps := startSession(t, dir, "SOSH_HISTORY="+hist, "HOME="+dir)
	prompt := "sosh:~> "
	ps.expect(prompt)

	// Line editing: backspace, left arrow, insert, ^A, ^E, ^W, ^U, ^K.
	ps.send("echo hellx\x7fo wrld\x1b[D\x1b[D\x1b[Do\r")
	ps.expect("\nhello world\r\n")
	ps.expect(prompt)
	ps.send("cho first\x01e\x05 second junk\x17third\r")
	ps.expect("\nfirst second third\r\n")
	ps.send("junk\x15echo kept cut\x1b[D\x1b[D\x1b[D\x0b\r")
	ps.expect("\nkept\r\n")

	// History: up twice is the second line back.
	ps.send("\x1b[A\x1b[A\r")
	ps.expect("\nfirst second third\r\n")

	// Tab completion of a command and of a path.
	ps.send("ech\t tabbed\r")
	ps.expect("\ntabbed\r\n")
	ps.send("cat uniq\t\r")
	ps.expect("\ncontents of the file\r\n")

	// ^C at the prompt: a fresh prompt, the line dropped.
	ps.send("echo never")
	ps.expect("never")
	ps.send("\x03")
	ps.expect("^C\r\n" + prompt)
	ps.send("echo status $?\r")
	ps.expect("\nstatus 130\r\n")

	// A pipeline and a redirection.
	ps.send("echo a b c | wc -w > out.txt; cat out.txt\r")
	ps.expect("\n3\r\n")

	// sleep 100, then ^C: back at the prompt.
	ps.expect(prompt)
	ps.send("sleep 100\r")
	ps.waitJobForeground()
	ps.send("\x03")
	ps.expect(prompt)
	ps.waitShellForeground()
	ps.send("echo after interrupt $?\r")
	ps.expect("\nafter interrupt 130\r\n")

	// A background job, jobs, fg, ^C.
	ps.send("sleep 100 &\r")
	ps.expect("[1] ")
	ps.expect(prompt)
	ps.send("jobs\r")
	ps.expect("[1]+  Running                 sleep 100 &\r\n")
	ps.send("fg\r")
	ps.expect("sleep 100\r\n")
	ps.waitJobForeground()
	ps.send("\x03")
	ps.expect(prompt)
	ps.waitShellForeground()
	ps.send("jobs; echo no jobs\r")
	ps.expect("\nno jobs\r\n")

	// ^Z stops a job; bg continues it; kill ends it, reported at the
	// next prompt.
	ps.send("sleep 100\r")
	ps.waitJobForeground()
	ps.send("\x1a")
	ps.expect("[1]+  Stopped                 sleep 100\r\n")
	ps.expect(prompt)
	ps.waitShellForeground()
	ps.send("jobs\r")
	ps.expect("[1]+  Stopped                 sleep 100\r\n")
	ps.send("bg\r")
	ps.expect("[1]+ sleep 100 &\r\n")
	ps.send("jobs\r")
	ps.expect("[1]+  Running                 sleep 100 &\r\n")
	ps.send("kill %1\r")
	ps.expect(prompt)
	// Reported at the first prompt after it died: press Enter until then.
	ps.pressEnterUntil("[1]+  Terminated              sleep 100 &\r\n")

	// A background job that finishes is reported before a prompt.
	ps.send("sleep 0.1 &\r")
	ps.expect(prompt)
	ps.send("sleep 0.5\r")
	ps.expect("[1]+  Done                    sleep 0.1 &\r\n")

	// ^C interrupts wait.
	ps.send("sleep 100 &\r")
	ps.expect("[1] ")
	ps.expect(prompt)
	ps.send("wait\r")
	ps.expect("wait\r\n")
	// ^C until the prompt: the first may come before wait is waiting.
	ps.pressUntil("\x03", prompt)
	ps.send("echo wait $?; kill %1\r")
	ps.expect("wait 130\r\n")
	ps.pressEnterUntil("[1]+  Terminated              sleep 100 &\r\n")

	// A background job reading the terminal is stopped (SIGTTIN) and
	// reported; in the foreground it reads.
	ps.expect(prompt)
	ps.send("cat &\r")
	ps.expect("[1] ")
	ps.pressEnterUntil("[1]+  Stopped                 cat &\r\n")
	ps.send("fg %1\r")
	ps.expect("cat\r\n")
	ps.waitJobForeground()
	ps.send("to cat\r")
	ps.expect("to cat\r\nto cat\r\n")
	ps.send("\x04")
	ps.expect(prompt)
	ps.waitShellForeground()

	// A command that reads the terminal gets it, then the shell again.
	ps.send("head -n 1\r")
	ps.waitJobForeground()
	ps.send("typed to head\r")
	ps.expect("typed to head\r\ntyped to head\r\n")
	ps.expect(prompt)

	// The history builtin.
	ps.send("history\r")
	ps.expect("    1  echo hello world\r\n")
	ps.expect("  cat uniquename.txt \r\n") // the space completion added

	// time of a command.
	ps.send("time true\r")
	ps.expect("real\t0m")
	ps.expect("user\t0m")
	ps.expect("sys\t0m")

	// Unknown commands and syntax errors.
	ps.send("nosuchcommand\r")
	ps.expect("sosh: nosuchcommand: command not found\r\n")
	ps.send("echo $?\r")
	ps.expect("\n127\r\n")
	ps.send("echo a | | b\r")
	ps.expect("syntax error near unexpected token `|'")

	// A command continued on the next line.
	ps.send("echo 'two\r")
	ps.expect("> ")
	ps.send("lines'\r")
	ps.expect("\ntwo\r\nlines\r\n")

	// exit with a stopped job warns once.
	ps.send("sleep 100\r")
	ps.waitJobForeground()
	ps.send("\x1a")
	ps.expect("Stopped")
	ps.expect(prompt)
	ps.send("exit 3\r")
	ps.expect("There are stopped jobs.\r\n")
	ps.expect(prompt)
	ps.send("exit 3\r")
	if st := ps.exitStatus(); st != 3 {
		t.Errorf("exit 3: status %d", st)
	}
	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"echo hello world\n", "sleep 100 &\n", "exit 3\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("history file lacks %q:\n%s", want, data)
		}
	}

	// The next shell has the history: up five times is nosuchcommand.
	ps = startSession(t, dir, "SOSH_HISTORY="+hist, "HOME="+dir)
	ps.expect(prompt)
	ps.send("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A\r")
	ps.expect("\nsosh: nosuchcommand: command not found\r\n")
	ps.send("\x04")
	ps.expect("exit")
	if st := ps.exitStatus(); st != 127 {
		t.Errorf("^D: status %d, want the last command's, 127", st)
	}
}

// TestInteractiveWithoutJobControl: on a terminal that is not the
// controlling one (as on a console without TIOCSPGRP) sosh still edits
// lines and runs commands, and says there is no job control.
func TestInteractiveWithoutJobControl(t *testing.T) {
	dir := t.TempDir()
	ps := startOnPty(t, dir, false, "SOSH_HISTORY=", "HOME="+dir)
	ps.expect("no job control")
	ps.expect("sosh:~> ")
	ps.send("echo one to\x1b[Dw\r")
	ps.expect("\none two\r\n")
	ps.send("sleep 0.1 & wait; echo waited $?\r")
	ps.expect("\nwaited 0\r\n")
	ps.send("fg\r")
	ps.expect("fg: no job control")
	ps.send("partial\x03")
	ps.expect("^C\r\nsosh:~> ")
	ps.send("\x04")
	ps.expect("exit")
	if st := ps.exitStatus(); st != 130 {
		t.Errorf("^D: status %d, want 130 (the ^C's)", st)
	}
}
