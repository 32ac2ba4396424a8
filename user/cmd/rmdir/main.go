// Command rmdir removes empty directories; -p removes each parent named
// in the path too, -v names each one. Exit status 1 if any could not be
// removed.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "pv", "", false, "[-pv] DIRECTORY...", 1)
	if len(opts.Args) == 0 {
		cli.Warn("missing operand")
		os.Exit(1)
	}
	status := 0
	for _, d := range opts.Args {
		for {
			if err := syscall.Rmdir(d); err != nil {
				cli.Warn("failed to remove %s: %s", cli.Quote(d), cli.Reason(err))
				status = 1
				break
			}
			if opts.Has('v') {
				fmt.Printf("rmdir: removing directory, %s\n", cli.Quote(d))
			}
			parent := filepath.Dir(filepath.Clean(d))
			if !opts.Has('p') || parent == "." || parent == "/" || parent == filepath.Clean(d) {
				break
			}
			d = parent
		}
	}
	os.Exit(status)
}
