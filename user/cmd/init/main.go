// Command init is SOS's first process (PID 1) when `sos run` boots the
// system. It starts the shell as the leader of a session of its own,
// with the console as its controlling terminal when the console is one,
// reaps every process that ends up its child (orphans are re-parented to
// init), and when the shell exits powers the system off with reboot(2),
// which makes `sos` exit.
//
//	init [PROG [ARGS...]]
//
// PROG defaults to the first of /bin/sosh and /bin/sh that exists; `sos
// run -init PROG` passes another (a test program, a different shell).
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	argv := os.Args[1:]
	if len(argv) == 0 {
		argv = []string{defaultShell()}
	}
	path := argv[0]
	if !strings.Contains(path, "/") {
		path = "/bin/" + path
	}
	fmt.Printf("init: starting %s\n", strings.Join(argv, " "))
	// The shell starts at home, as after a login, not wherever `sos
	// run` was started on the host.
	if home := os.Getenv("HOME"); home == "" || os.Chdir(home) != nil {
		os.Chdir("/")
	}
	terminal := isTerminal(0)
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: []uintptr{0, 1, 2},
		// A session of its own, so that the shell can run jobs in
		// process groups; the console as its controlling terminal.
		Sys: &syscall.SysProcAttr{Setsid: true, Setctty: terminal, Ctty: 0},
	})
	if err != nil {
		// No shell: init ends, which `sos` reports as a failed boot.
		fmt.Fprintf(os.Stderr, "init: %s: %v\n", path, err)
		os.Exit(1)
	}
	for {
		var ws syscall.WaitStatus
		wpid, err := syscall.Wait4(-1, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "init: wait: %v\n", err)
			break
		}
		if wpid != pid {
			continue // an orphan, reaped
		}
		if ws.Signaled() {
			fmt.Fprintf(os.Stderr, "init: %s killed by signal %d\n", path, ws.Signal())
		}
		break
	}
	powerOff()
}

// defaultShell is the first shell /bin has.
func defaultShell() string {
	for _, p := range []string{"/bin/sosh", "/bin/sh"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/bin/sosh"
}

// isTerminal reports whether fd is a terminal (TCGETS succeeds).
func isTerminal(fd int) bool {
	var termios [64]byte
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TCGETS, uintptr(unsafe.Pointer(&termios[0])))
	return errno == 0
}

// powerOff shuts SOS down. reboot(2) returns once the shutdown has
// begun; init then waits to be stopped with everything else.
func powerOff() {
	syscall.Sync()
	if err := syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		fmt.Fprintf(os.Stderr, "init: reboot: %v\n", err)
		os.Exit(1)
	}
	for {
		time.Sleep(time.Hour)
	}
}
