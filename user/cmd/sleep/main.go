// Command sleep waits for the given number of seconds (fractions and the
// suffixes s, m, h allowed).
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sleep SECONDS")
		os.Exit(2)
	}
	var total time.Duration
	for _, arg := range os.Args[1:] {
		unit := time.Second
		switch {
		case strings.HasSuffix(arg, "s"):
			arg = arg[:len(arg)-1]
		case strings.HasSuffix(arg, "m"):
			arg, unit = arg[:len(arg)-1], time.Minute
		case strings.HasSuffix(arg, "h"):
			arg, unit = arg[:len(arg)-1], time.Hour
		}
		f, err := strconv.ParseFloat(arg, 64)
		if err != nil || f < 0 {
			fmt.Fprintf(os.Stderr, "sleep: invalid time interval %q\n", arg)
			os.Exit(1)
		}
		total += time.Duration(f * float64(unit))
	}
	time.Sleep(total)
}
