// One thread waits for another by polling with a system call in a loop.
// On one hart the poller must still give the hart up when its time slice
// is spent, system calls or not, or the other thread never runs and the
// program never ends.
package main

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
)

func main() {
	runtime.GOMAXPROCS(2)
	var done atomic.Bool
	var result uint64
	go func() {
		runtime.LockOSThread() // a thread of its own
		x := uint64(1)
		for range 5_000_000 {
			x = x*6364136223846793005 + 1442695040888963407
		}
		result = x
		done.Store(true)
	}()
	for !done.Load() {
		syscall.Getpid()
	}
	fmt.Printf("worker finished: %#x\n", result)
}
