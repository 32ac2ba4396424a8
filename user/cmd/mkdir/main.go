// Command mkdir makes directories: -p makes missing parents and accepts
// existing directories, -m MODE sets the mode (octal), -v names each
// directory made. Exit status 1 if any could not be made.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"sos/user/internal/cli"
)

var opts *cli.Options

func main() {
	opts = cli.Parse(os.Args[1:], "pv", "m", false, "[-pv] [-m MODE] DIRECTORY...", 1)
	if len(opts.Args) == 0 {
		cli.Warn("missing operand")
		os.Exit(1)
	}
	mode := uint32(0o777)
	if m, ok := opts.Value('m'); ok {
		v, err := strconv.ParseUint(m, 8, 32)
		if err != nil || v > 0o7777 {
			cli.Warn("invalid mode %s", cli.Quote(m))
			os.Exit(1)
		}
		mode = uint32(v)
	}
	status := 0
	for _, d := range opts.Args {
		var err error
		if opts.Has('p') {
			err = mkdirAll(d, mode)
		} else {
			err = mkdir(d, mode)
		}
		if err != nil {
			cli.Warn("cannot create directory %s: %s", cli.Quote(d), cli.Reason(err))
			status = 1
		}
	}
	os.Exit(status)
}

func mkdir(d string, mode uint32) error {
	if err := syscall.Mkdir(d, mode); err != nil {
		return err
	}
	if _, ok := opts.Value('m'); ok {
		// An explicit mode is not subject to the umask.
		syscall.Chmod(d, mode)
	}
	if opts.Has('v') {
		fmt.Printf("mkdir: created directory %s\n", cli.Quote(d))
	}
	return nil
}

// mkdirAll makes d and its missing parents (parents with mode 0777 less
// the umask, d with mode).
func mkdirAll(d string, mode uint32) error {
	var st syscall.Stat_t
	if err := syscall.Stat(d, &st); err == nil {
		if st.Mode&syscall.S_IFMT == syscall.S_IFDIR {
			return nil
		}
		return syscall.EEXIST
	}
	parts := strings.Split(d, "/")
	p := ""
	for i, part := range parts {
		if i > 0 {
			p += "/"
		}
		p += part
		if part == "" || part == "." || part == ".." {
			continue
		}
		m := uint32(0o777)
		if i == len(parts)-1 || strings.Trim(strings.Join(parts[i+1:], ""), "/") == "" {
			m = mode
		}
		if err := syscall.Stat(p, &st); err == nil {
			if st.Mode&syscall.S_IFMT != syscall.S_IFDIR {
				return syscall.ENOTDIR
			}
			continue
		}
		if err := syscall.Mkdir(p, m); err != nil && err != syscall.EEXIST {
			return err
		}
		if opts.Has('v') {
			fmt.Printf("mkdir: created directory %s\n", cli.Quote(filepath.Clean(p)))
		}
	}
	return nil
}
