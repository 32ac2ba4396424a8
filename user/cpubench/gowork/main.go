// Gowork is the CPU benchmark's Go workload: what Go programs spend their
// time on (hashing, sorting, maps, allocation and the garbage collector,
// string building), on one goroutine, printing a checksum of its work.
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	scale := 1
	if len(os.Args) > 1 {
		scale, _ = strconv.Atoi(os.Args[1])
	}
	var sum uint64
	for range scale {
		// Hashing.
		buf := make([]byte, 1<<20)
		for i := range buf {
			buf[i] = byte(i * 7)
		}
		h := sha256.New()
		for range 8 {
			h.Write(buf)
		}
		d := h.Sum(nil)
		sum += uint64(d[0]) | uint64(d[31])<<8
		// Sorting.
		xs := make([]uint32, 200000)
		x := uint32(12345)
		for i := range xs {
			x = x*1664525 + 1013904223
			xs[i] = x
		}
		slices.Sort(xs)
		sum += uint64(xs[len(xs)/2])
		// Maps and allocation.
		m := make(map[string]int)
		for i := range 100000 {
			m["key"+strconv.Itoa(i%50000)] += i
		}
		sum += uint64(len(m)) + uint64(m["key42"])
		// Strings.
		var b strings.Builder
		for i := range 50000 {
			b.WriteString(strconv.Itoa(i))
			b.WriteByte(',')
		}
		sum += uint64(len(strings.Split(b.String(), ",")))
	}
	fmt.Println("checksum", sum)
}
