// Command cat copies its files (or standard input, or "-") to standard
// output.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	status := 0
	args := os.Args[1:]
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, name := range args {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintf(os.Stderr, "cat: %v\n", err)
				status = 1
				continue
			}
			defer f.Close()
			r = f
		}
		if _, err := io.Copy(os.Stdout, r); err != nil {
			fmt.Fprintf(os.Stderr, "cat: %s: %v\n", name, err)
			status = 1
		}
	}
	os.Exit(status)
}
