package main

import (
	"os"
	"runtime"
)

// provisionProcs gives the Go scheduler more Ps than SOS has harts. A
// hart's goroutine runs guest code for a whole time slice without a
// scheduling point, so with GOMAXPROCS equal to the host's cores (often
// the number of harts) a busy guest leaves no P for the kernel's other
// goroutines (a task woken by a key or a pipe, the console's input) until
// Go's asynchronous preemption, 10 ms later. With spare Ps they run at
// once on threads of their own and the host kernel shares its cores,
// which is what makes the shell's echo prompt under load (see
// docs/benchmarks.md). GOMAXPROCS set in the environment is respected.
func provisionProcs(harts int) {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	if n := harts + 2; runtime.GOMAXPROCS(0) < n {
		runtime.GOMAXPROCS(n)
	}
}
