// Command kill sends a signal (SIGTERM unless -SIG, -s SIG or -n NUM say
// otherwise; names with or without "SIG", or numbers) to processes, or to
// process groups given as negative numbers. kill -l lists the signal
// names; kill -l N names signal N (or the signal that ended a process with
// exit status N). Exit status 1 if any signal could not be sent.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"sos/user/internal/cli"
)

func main() {
	args := os.Args[1:]
	sig := syscall.SIGTERM
	if len(args) > 0 && (args[0] == "-l" || args[0] == "-L") {
		list(args[1:])
		return
	}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		a := args[0]
		if a == "--" {
			args = args[1:]
			break
		}
		switch {
		case a == "-s" || a == "-n":
			if len(args) < 2 {
				cli.Warn("option requires an argument -- '%c'", a[1])
				os.Exit(1)
			}
			sig = parse(args[1])
			args = args[2:]
		case a[1] >= '0' && a[1] <= '9' || a[1] >= 'A' && a[1] <= 'Z' || a[1] >= 'a' && a[1] <= 'z':
			sig = parse(a[1:])
			args = args[1:]
		default:
			sig = parse(a[1:])
			args = args[1:]
		}
		if len(args) > 0 && args[0] != "--" && !strings.HasPrefix(args[0], "-") {
			break
		}
		if len(args) > 0 && args[0] == "--" {
			args = args[1:]
			break
		}
	}
	if len(args) == 0 {
		cli.Warn("not enough arguments")
		fmt.Fprintf(os.Stderr, "Usage: kill [-SIGNAL | -s SIGNAL] PID...\n       kill -l [NUMBER]\n")
		os.Exit(1)
	}
	status := 0
	for _, a := range args {
		pid, err := strconv.Atoi(a)
		if err != nil {
			cli.Warn("failed to parse argument: %s", cli.Quote(a))
			status = 1
			continue
		}
		if err := syscall.Kill(pid, sig); err != nil {
			cli.Warn("(%d): %s", pid, cli.Reason(err))
			status = 1
		}
	}
	os.Exit(status)
}

// parse reads a signal name or number, exiting on nonsense.
func parse(s string) syscall.Signal {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 0 && n <= 64 {
			return syscall.Signal(n)
		}
	} else {
		u := strings.TrimPrefix(strings.ToUpper(s), "SIG")
		for i, name := range names {
			if name != "" && name == u {
				return syscall.Signal(i)
			}
		}
		if sig, ok := aliases[u]; ok {
			return sig
		}
		if strings.HasPrefix(u, "RTMIN") || strings.HasPrefix(u, "RTMAX") {
			off := 0
			if rest := u[5:]; rest != "" {
				if n, err := strconv.Atoi(rest); err == nil {
					off = n
				}
			}
			if u[2:5] == "MIN" {
				return syscall.Signal(34 + off)
			}
			return syscall.Signal(64 + off)
		}
	}
	cli.Warn("unknown signal: %s", s)
	os.Exit(1)
	return 0
}

func list(args []string) {
	if len(args) == 0 {
		var line []string
		for i := 1; i < len(names); i++ {
			line = append(line, names[i])
			if len(line) == 16 || i == len(names)-1 {
				fmt.Println(strings.Join(line, " "))
				line = nil
			}
		}
		return
	}
	status := 0
	for _, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil {
			sig := parse(a)
			fmt.Println(int(sig))
			continue
		}
		if n > 128 {
			n -= 128
		}
		if n <= 0 || n >= len(names) {
			cli.Warn("unknown signal: %s", a)
			status = 1
			continue
		}
		fmt.Println(names[n])
	}
	os.Exit(status)
}
