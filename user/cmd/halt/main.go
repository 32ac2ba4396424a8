// Command halt shuts SOS down: every process gets SIGTERM, then SIGKILL
// after a short grace period, file systems are flushed, and `sos` exits
// with status 0. It works in the system `sos run` boots (init and what
// it starts may reboot), not in a program run alone with `sos run PROG`.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "usage: halt")
		os.Exit(2)
	}
	syscall.Sync()
	if err := syscall.Reboot(syscall.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		fmt.Fprintf(os.Stderr, "halt: %v\n", err)
		os.Exit(1)
	}
	// Shutdown has begun; it ends this process too.
	for {
		time.Sleep(time.Hour)
	}
}
