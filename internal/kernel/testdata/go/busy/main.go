// GOMAXPROCS busy goroutines spinning at once, each counting, then
// meeting: all harts are kept busy and preemption must let them all
// finish and the main goroutine observe them.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

func main() {
	n := runtime.GOMAXPROCS(0)
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var started atomic.Int32
	var wg sync.WaitGroup
	results := make([]uint64, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			started.Add(1)
			// Wait until every worker is running: with n harts they all
			// run at once; with fewer, preemption has to interleave them.
			for started.Load() < int32(n) {
			}
			x := uint64(i + 1)
			for j := 0; j < 3_000_000; j++ {
				x = x*6364136223846793005 + 1442695040888963407
			}
			results[i] = x
		}(i)
	}
	wg.Wait()
	fmt.Println("workers:", n, "GOMAXPROCS:", runtime.GOMAXPROCS(0), "NumCPU:", runtime.NumCPU())
	for i, r := range results {
		fmt.Printf("%d %x\n", i, r)
	}
}
