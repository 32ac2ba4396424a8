// Command rm removes files: -r (or -R) removes directories and their
// contents, -f ignores missing files and never fails for them, -d removes
// empty directories, -v names each removal. Errors as GNU rm reports
// them; exit status 1 if anything could not be removed.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"sos/user/internal/cli"
)

var opts *cli.Options

func main() {
	opts = cli.Parse(os.Args[1:], "rRfdvi", "", false, "[-rfdv] FILE...", 1)
	if len(opts.Args) == 0 {
		if opts.Has('f') {
			os.Exit(0)
		}
		cli.Warn("missing operand")
		os.Exit(1)
	}
	status := 0
	for _, a := range opts.Args {
		if b := filepath.Base(filepath.Clean(a)); b == "." || b == ".." || filepath.Clean(a) == "/" {
			cli.Warn("refusing to remove '.' or '..' directory: skipping %s", cli.Quote(a))
			status = 1
			continue
		}
		if !remove(a) {
			status = 1
		}
	}
	os.Exit(status)
}

func remove(p string) bool {
	fi, err := os.Lstat(p)
	if err != nil {
		if opts.Has('f') && cli.Errno(err) == syscall.ENOENT {
			return true
		}
		cli.Warn("cannot remove %s: %s", cli.Quote(p), cli.Reason(err))
		return false
	}
	if fi.IsDir() {
		switch {
		case opts.Has('r') || opts.Has('R'):
			ok := true
			f, err := os.Open(p)
			if err != nil {
				cli.Warn("cannot remove %s: %s", cli.Quote(p), cli.Reason(err))
				return false
			}
			names, err := f.Readdirnames(-1)
			f.Close()
			if err != nil {
				cli.Warn("cannot remove %s: %s", cli.Quote(p), cli.Reason(err))
				return false
			}
			for _, n := range names {
				if !remove(filepath.Join(p, n)) {
					ok = false
				}
			}
			if !ok {
				return false
			}
		case opts.Has('d'):
		default:
			cli.Warn("cannot remove %s: Is a directory", cli.Quote(p))
			return false
		}
		if err := syscall.Rmdir(p); err != nil {
			cli.Warn("cannot remove %s: %s", cli.Quote(p), cli.Reason(err))
			return false
		}
		if opts.Has('v') {
			fmt.Printf("removed directory %s\n", cli.Quote(p))
		}
		return true
	}
	if err := syscall.Unlink(p); err != nil {
		cli.Warn("cannot remove %s: %s", cli.Quote(p), cli.Reason(err))
		return false
	}
	if opts.Has('v') {
		fmt.Printf("removed %s\n", cli.Quote(p))
	}
	return true
}
