// The garbage collector under heavy allocation from several goroutines:
// linked structures are built, checked and dropped while GC runs.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

type node struct {
	next *node
	val  int
	pad  [48]byte
}

func build(n int) *node {
	var head *node
	for i := 0; i < n; i++ {
		head = &node{next: head, val: i}
	}
	return head
}

func check(head *node, n int) bool {
	for i := n - 1; i >= 0; i-- {
		if head == nil || head.val != i {
			return false
		}
		head = head.next
	}
	return head == nil
}

func main() {
	var wg sync.WaitGroup
	bad := make(chan int, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			keep := make([][]byte, 64)
			for round := 0; round < 60; round++ {
				l := build(5000)
				for i := range keep {
					keep[(i+round)%len(keep)] = make([]byte, 1024+i*16)
				}
				if !check(l, 5000) {
					bad <- g
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(bad)
	for g := range bad {
		fmt.Println("corrupt list in goroutine", g)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Println("gc ran:", ms.NumGC > 0)
	fmt.Println("done")
}
