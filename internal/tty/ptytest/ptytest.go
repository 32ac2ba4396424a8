// Package ptytest runs a program on a real pseudo-terminal and talks to
// it as a person at a keyboard would: type, wait for expected output
// (always with a time limit), resize the window, and compare the
// terminal's modes before and after. It is how SOS's end-to-end tests
// drive `sos run` (see cmd/sos); a shell's tests can use it the same way.
//
// It uses the host's /dev/ptmx through golang.org/x/sys/unix.
package ptytest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Timeout is how long Expect and Wait wait: long, because
// the machine running the tests may be loaded; a passing test never
// waits for it.
var Timeout = 90 * time.Second

// Session is a program running on a pseudo-terminal.
type Session struct {
	t      testing.TB
	master *os.File
	slave  *os.File
	cmd    *exec.Cmd
	// Before are the terminal's modes before the program started.
	Before unix.Termios

	mu     sync.Mutex
	cond   *sync.Cond
	out    bytes.Buffer // everything the program wrote
	mark   int          // Expect searches from here
	closed bool         // the master reads end of file or failed

	waitOnce sync.Once
	waitErr  error
	waited   chan struct{}
}

// Open opens a new pseudo-terminal pair.
func Open() (master, slave *os.File, err error) {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("opening /dev/ptmx: %v", err)
	}
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(fd)
		return nil, nil, fmt.Errorf("unlocking the pty: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(fd)
		return nil, nil, fmt.Errorf("TIOCGPTN: %v", err)
	}
	master = os.NewFile(uintptr(fd), "/dev/ptmx")
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}

// Start runs name with args on a new pseudo-terminal of rows x cols, as
// the leader of a new session whose controlling terminal it is (as a
// login shell is). The program is killed when the test ends.
func Start(t testing.TB, rows, cols int, env []string, name string, args ...string) *Session {
	t.Helper()
	master, slave, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Session{t: t, master: master, slave: slave, cmd: cmd, Before: *before, waited: make(chan struct{})}
	s.cond = sync.NewCond(&s.mu)
	go s.readLoop()
	go func() {
		s.waitErr = cmd.Wait()
		close(s.waited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.waited:
		default:
			cmd.Process.Kill()
			<-s.waited
		}
		master.Close()
		slave.Close()
	})
	return s
}

func (s *Session) readLoop() {
	b := make([]byte, 4096)
	for {
		n, err := s.master.Read(b)
		s.mu.Lock()
		s.out.Write(b[:n])
		if err != nil {
			s.closed = true
		}
		s.cond.Broadcast()
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// PID returns the program's host process id.
func (s *Session) PID() int { return s.cmd.Process.Pid }

// Type writes keystrokes to the terminal.
func (s *Session) Type(keys string) {
	s.t.Helper()
	if _, err := s.master.Write([]byte(keys)); err != nil {
		s.t.Fatalf("typing %q: %v", keys, err)
	}
}

// Expect waits (up to Timeout) until the output since the last Expect
// contains want, and returns that output up to and including want. It
// fails the test, showing the output, if want does not come.
func (s *Session) Expect(want string) string {
	s.t.Helper()
	out, ok := s.expect(want, Timeout)
	if !ok {
		s.t.Fatalf("waited %v for %q; the terminal shows:\n%s", Timeout, want, out)
	}
	return out
}

// ExpectWithin is Expect with a time limit of d that reports, rather
// than fails, a want that does not come: for a test that then acts as a
// person would (types the key again).
func (s *Session) ExpectWithin(want string, d time.Duration) (string, bool) {
	return s.expect(want, d)
}

func (s *Session) expect(want string, d time.Duration) (string, bool) {
	timer := time.AfterFunc(d, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		seen := s.out.Bytes()[s.mark:]
		if i := bytes.Index(seen, []byte(want)); i >= 0 {
			got := string(seen[:i+len(want)])
			s.mark += i + len(want)
			return got, true
		}
		if s.closed || time.Now().After(deadline) {
			return string(seen), false
		}
		s.cond.Wait()
	}
}

// Output returns everything the program has written.
func (s *Session) Output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.String()
}

// Resize changes the terminal's window size (the program gets SIGWINCH).
func (s *Session) Resize(rows, cols int) {
	s.t.Helper()
	if err := unix.IoctlSetWinsize(int(s.master.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}); err != nil {
		s.t.Fatal(err)
	}
}

// Signal sends sig to the program's host process.
func (s *Session) Signal(sig os.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
}

// Wait waits (up to Timeout) for the program to exit and returns its exit
// status (128+N if killed by signal N).
func (s *Session) Wait() int {
	s.t.Helper()
	select {
	case <-s.waited:
	case <-time.After(Timeout):
		s.t.Fatalf("the program did not exit within %v; the terminal shows:\n%s", Timeout, s.Output())
	}
	if ws, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return s.cmd.ProcessState.ExitCode()
}

// Termios returns the terminal's modes now.
func (s *Session) Termios() unix.Termios {
	s.t.Helper()
	tm, err := unix.IoctlGetTermios(int(s.slave.Fd()), unix.TCGETS)
	if err != nil {
		s.t.Fatal(err)
	}
	return *tm
}

// CheckRestored fails the test unless the terminal's modes are exactly
// what they were before the program started.
func (s *Session) CheckRestored() {
	s.t.Helper()
	if now := s.Termios(); now != s.Before {
		s.t.Errorf("terminal modes not restored:\nbefore %+v\nafter  %+v", s.Before, now)
	}
}

// Lines splits terminal output into lines, dropping the CRs a terminal
// writes before NLs.
func Lines(out string) []string {
	return strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
}
