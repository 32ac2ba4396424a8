// Command echo prints its arguments separated by spaces; -n omits the
// newline.
package main

import (
	"os"
	"strings"
)

func main() {
	args := os.Args[1:]
	newline := true
	if len(args) > 0 && args[0] == "-n" {
		newline, args = false, args[1:]
	}
	s := strings.Join(args, " ")
	if newline {
		s += "\n"
	}
	if _, err := os.Stdout.WriteString(s); err != nil {
		os.Exit(1)
	}
}
