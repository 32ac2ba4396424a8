package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"sos/internal/boot"
	"sos/internal/tty"
)

// The host terminal.
//
// When `sos run` finds a terminal on both standard input and output, SOS's
// console becomes a terminal (a tty line discipline) and the host terminal
// must be raw, so that SOS does the echoing and line editing. A raw
// terminal left behind by a crash is unusable, and a Go program cannot
// recover a panic in another goroutine (the kernel has one per thread),
// so the process that changes the terminal is not the one that runs SOS:
// `sos run` saves the terminal's modes, makes it raw, and runs itself
// again as a child (childEnv set) that runs SOS; whatever way the child
// ends (exit, panic, a signal, SIGKILL), the parent restores the modes
// exactly as they were. SIGINT, SIGTERM and SIGHUP sent to the parent are
// passed on to the child, which shuts SOS down cleanly.

// childEnv marks the child that runs SOS on a terminal its parent made
// raw.
const childEnv = "SOS_RAW_TERMINAL"

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// runTerminalParent makes the terminal raw, runs `sos` again with the
// same arguments, restores the terminal and returns the child's status.
func runTerminalParent(stderr io.Writer) int {
	fd := int(os.Stdin.Fd())
	saved, err := term.MakeRaw(fd)
	if err != nil {
		fmt.Fprintf(stderr, "sos: making the terminal raw: %v\n", err)
		return 1
	}
	restore := func() { term.Restore(fd, saved) }
	defer restore()
	defer func() {
		if r := recover(); r != nil {
			restore()
			panic(r)
		}
	}()
	exe, err := os.Executable()
	if err != nil {
		restore()
		fmt.Fprintf(stderr, "sos: %v\n", err)
		return 1
	}
	// Catch the signals before starting the child, so none is lost.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	signal.Ignore(syscall.SIGWINCH) // the child follows the window itself
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), childEnv+"=1")
	if err := cmd.Start(); err != nil {
		restore()
		fmt.Fprintf(stderr, "sos: %v\n", err)
		return 1
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case sig := <-sigs:
			cmd.Process.Signal(sig)
		case err := <-done:
			restore()
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					fmt.Fprintf(stderr, "sos: killed by %v\n", ws.Signal())
					return 128 + int(ws.Signal())
				}
				return exit.ExitCode()
			}
			if err != nil {
				fmt.Fprintf(stderr, "sos: %v\n", err)
				return 1
			}
			return 0
		}
	}
}

// watchHost gives SOS's terminal the host terminal's window size, now and
// whenever the host window changes (SIGWINCH). The returned function
// stops watching.
func watchHost(sys *boot.System) func() {
	t := sys.TTY()
	fd := int(os.Stdout.Fd())
	resize := func() {
		if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
			t.SetWinsize(tty.Winsize{Row: uint16(h), Col: uint16(w)})
		}
	}
	resize()
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-winch:
				resize()
			case <-quit:
				return
			}
		}
	}()
	return func() {
		signal.Stop(winch)
		close(quit)
	}
}

// crlfWriter writes NL as CR NL, for messages to a raw terminal.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(b []byte) (int, error) {
	out := make([]byte, 0, len(b)+8)
	for _, x := range b {
		if x == '\n' {
			out = append(out, '\r')
		}
		out = append(out, x)
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}
