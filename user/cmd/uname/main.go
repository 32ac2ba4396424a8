// Command uname prints system information: -s (the default) the kernel
// name, -n the host name, -r the release, -m the machine, -a all.
package main

import (
	"fmt"
	"os"
	"strings"
	"syscall"
)

// field converts a NUL-terminated utsname field (int8 on some
// architectures, uint8 on riscv64).
func field[T int8 | uint8](b [65]T) string {
	var s []byte
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func main() {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		fmt.Fprintln(os.Stderr, "uname:", err)
		os.Exit(1)
	}
	all := []string{field(u.Sysname), field(u.Nodename), field(u.Release), field(u.Version), field(u.Machine)}
	flags := os.Args[1:]
	if len(flags) == 0 {
		flags = []string{"-s"}
	}
	var out []string
	for _, f := range flags {
		switch f {
		case "-a":
			out = all
		case "-s":
			out = append(out, all[0])
		case "-n":
			out = append(out, all[1])
		case "-r":
			out = append(out, all[2])
		case "-v":
			out = append(out, all[3])
		case "-m":
			out = append(out, all[4])
		default:
			fmt.Fprintf(os.Stderr, "uname: unknown option %s\n", f)
			os.Exit(2)
		}
	}
	fmt.Println(strings.Join(out, " "))
}
