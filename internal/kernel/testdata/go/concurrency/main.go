// Goroutines, channels, select, timers, tickers and time.Sleep.
package main

import (
	"fmt"
	"sync"
	"time"
)

func main() {
	// A pipeline of goroutines.
	in := make(chan int)
	out := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				out <- v * v
			}
		}()
	}
	go func() {
		for i := 1; i <= 1000; i++ {
			in <- i
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	sum := 0
	for v := range out {
		sum += v
	}
	fmt.Println("sum of squares:", sum)

	// select with a timeout that fires and one that does not.
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("impossible")
	case <-time.After(20 * time.Millisecond):
		fmt.Println("timeout fired")
	}
	ready := make(chan string, 1)
	go func() { ready <- "value" }()
	select {
	case v := <-ready:
		fmt.Println("received", v)
	case <-time.After(10 * time.Second):
		fmt.Println("timed out waiting")
	}

	// Sleep really sleeps, and no more than reasonably longer.
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	if d := time.Since(start); d < 50*time.Millisecond {
		fmt.Println("slept only", d)
	} else {
		fmt.Println("slept at least 50ms")
	}

	// A ticker ticks, a stopped timer does not fire.
	tk := time.NewTicker(5 * time.Millisecond)
	for i := 0; i < 3; i++ {
		<-tk.C
	}
	tk.Stop()
	fmt.Println("ticker ticked 3 times")
	tm := time.AfterFunc(time.Hour, func() { fmt.Println("timer fired") })
	fmt.Println("timer stopped:", tm.Stop())

	// A mutex under contention.
	var mu sync.Mutex
	count := 0
	var wg2 sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			for i := 0; i < 1000; i++ {
				mu.Lock()
				count++
				mu.Unlock()
			}
		}()
	}
	wg2.Wait()
	fmt.Println("count:", count)
}
