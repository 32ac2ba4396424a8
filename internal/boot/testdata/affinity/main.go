// Command affinity prints the harts it may run on (sched_getaffinity)
// and the one it runs on (getcpu): how the sosh test sees where oncore
// put it.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	var mask [16]uint64
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(mask), uintptr(unsafe.Pointer(&mask))); e != 0 {
		fmt.Fprintln(os.Stderr, "sched_getaffinity:", e)
		os.Exit(1)
	}
	var cpu uint32
	if _, _, e := syscall.RawSyscall(syscall.SYS_GETCPU, uintptr(unsafe.Pointer(&cpu)), 0, 0); e != 0 {
		fmt.Fprintln(os.Stderr, "getcpu:", e)
		os.Exit(1)
	}
	fmt.Printf("affinity %#x hart %d\n", mask[0], cpu)
}
