package boot

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sos/internal/syncbuf"
	"sos/internal/userland"
)

// buildTTYProg builds testdata/ttyprog (the console and shutdown test
// program) for riscv64 and returns its path.
func buildTTYProg(t testing.TB) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "ttyprog")
	cmd := userland.GoCommand("", "build", "-o", out, "./testdata/ttyprog")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building ttyprog: %v\n%s", err, b)
	}
	return out
}

type syncBuffer = syncbuf.Buffer

// TestReboot: reboot(2) checks privilege and its arguments as Linux does;
// from a process init started it shuts SOS down: every
// process is stopped (one ignoring SIGTERM is killed), the shutdown hooks
// run, and init is gone.
func TestReboot(t *testing.T) {
	prog := buildTTYProg(t)
	var out syncBuffer
	sys, err := New(Config{Stdout: &out, Stderr: &out, Grace: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if err := sys.Stage(prog); err != nil {
		t.Fatal(err)
	}

	// A program the host starts by itself may not.
	p, err := sys.Start(prog, []string{"ttyprog", "reboot"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), "power off:") {
		if time.Now().After(deadline) {
			t.Fatalf("no answer from reboot; output:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	want := "bad magic: 1\nbad magic2: 1\nbad command: 1\ncad off: 1\n"
	if got := out.String(); !strings.HasPrefix(got, want) || !strings.Contains(got, "power off: operation not permitted") {
		t.Errorf("as a user:\n%s\nwant EPERM (1) for everything", got)
	}
	sys.KillAll()
	sys.Wait(p)
	select {
	case <-sys.Halted():
		t.Fatal("a refused reboot halted the system")
	default:
	}

	// Init's children may.
	var hookRan bool
	sys.OnShutdown("test", func() error {
		hookRan = len(sys.others()) == 0
		return fmt.Errorf("a failing hook is logged")
	})
	out.Reset()
	initProc, err := sys.Boot([]string{prog, "reboot"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-sys.Halted():
	case <-time.After(60 * time.Second):
		t.Fatalf("reboot did not halt; output:\n%s", out.String())
	}
	sys.Wait(initProc)
	got := out.String()
	for _, w := range []string{"init: starting " + prog + " reboot\n", "bad magic: 22\n", "bad magic2: 22\n", "bad command: 22\n", "cad off: 0\n", "stubborn: ignoring SIGTERM\n", "shutdown: test: a failing hook is logged"} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %q:\n%s", w, got)
		}
	}
	if !hookRan {
		t.Errorf("the shutdown hook ran while processes were alive")
	}
	for _, p := range sys.Kernel.Processes() {
		if !p.Zombie() {
			t.Errorf("process %d still alive after shutdown", p.PID())
		}
	}
}

// TestTerminalRun: with Config.Terminal the console is a line
// discipline: the program started leads a session in the foreground,
// typed lines are echoed and edited, and ^C reaches it as SIGINT.
func TestTerminalRun(t *testing.T) {
	prog := buildTTYProg(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var out syncBuffer
	sys, err := New(Config{Stdin: r, Stdout: &out, Stderr: &out, Terminal: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	if err := sys.Stage(prog); err != nil {
		t.Fatal(err)
	}
	p, err := sys.Start(prog, []string{"ttyprog", "read"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(out.String(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("waited for %q; output:\n%s", want, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(fmt.Sprintf("ready pid=%d pgrp=%d sid=%d\r\n", p.PID(), p.PID(), p.PID()))
	w.Write([]byte("hi thre\x7f\x7fere\r"))
	waitFor("hi thre\b \b\b \bere\r\ngot: hi there\r\n")
	w.Write([]byte("\x03"))
	waitFor("^CSIGINT\r\n")
	if st := sys.Wait(p); st != 0 {
		t.Errorf("status %#x", st)
	}
}
