// Command pinned runs a program on one hart: pinned HART PROG [ARG...]
// restricts itself to HART with sched_setaffinity and then executes
// PROG, which keeps the restriction.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"unsafe"
)

// Affinity is per thread: the thread that sets it must be the one that
// executes the program.
func init() { runtime.LockOSThread() }

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: pinned HART PROG [ARG...]")
		os.Exit(2)
	}
	hart, err := strconv.Atoi(os.Args[1])
	if err != nil || hart < 0 || hart > 63 {
		fmt.Fprintln(os.Stderr, "pinned: bad hart", os.Args[1])
		os.Exit(2)
	}
	mask := uint64(1) << hart
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, 8, uintptr(unsafe.Pointer(&mask))); e != 0 {
		fmt.Fprintln(os.Stderr, "pinned: sched_setaffinity:", e)
		os.Exit(1)
	}
	err = syscall.Exec(os.Args[2], os.Args[2:], os.Environ())
	fmt.Fprintln(os.Stderr, "pinned: exec:", err)
	os.Exit(1)
}
