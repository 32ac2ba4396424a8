// Gosched is the CPU benchmark's Go scheduler workload: the shape of
// time's TestLongAdjustTimers, the standard-library test that is slowest on
// SOS. One goroutine queues work for another through channels; every
// receive waits in a select beside a fresh timer; 5000 sleeping goroutines
// first leave their timers behind. Almost all of its time is in the Go
// runtime (channels, select, timers, the scheduler, the garbage
// collector), the code a Go program runs between its own. It prints the
// rounds done and a checksum of the values passed.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	scale := 1
	if len(os.Args) > 1 {
		scale, _ = strconv.Atoi(os.Args[1])
	}
	rounds := 3000 * scale

	// Build up the timer heap, as the test does.
	var wg sync.WaitGroup
	const sleepers = 5000
	wg.Add(sleepers)
	for range sleepers {
		go func() {
			defer wg.Done()
			time.Sleep(10 * time.Microsecond)
		}()
	}
	for range sleepers {
		time.Sleep(time.Microsecond)
	}

	// A queueing goroutine between two unbuffered channels.
	inQ := make(chan uint64)
	outQ := make(chan uint64)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(outQ)
		var q []uint64
		for {
			var sendTo chan uint64
			var send uint64
			if len(q) > 0 {
				sendTo, send = outQ, q[0]
			}
			select {
			case sendTo <- send:
				q = q[1:]
			case v, ok := <-inQ:
				if !ok {
					return
				}
				q = append(q, v)
			}
		}
	}()

	var sum uint64
	next := uint64(1)
	for range rounds {
		const try = 20
		for range try {
			inQ <- next
			next = next*6364136223846793005 + 1442695040888963407
		}
		for range try {
			select {
			case v := <-outQ:
				sum = sum*31 + v
			case <-time.After(5 * time.Second):
				fmt.Println("gosched FAILED: no value within 5 s")
				os.Exit(1)
			}
		}
	}
	close(inQ)
	wg.Wait()
	fmt.Printf("gosched rounds=%d checksum=%016x\n", rounds, sum)
}
