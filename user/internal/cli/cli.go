// Package cli holds what SOS's tools share: a getopt-style option parser
// (grouped short options such as -la, values as -n5 or -n 5, options
// after operands as GNU does, "--" ending them) and error messages in
// the style of GNU coreutils ("ls: cannot access 'x': No such file or
// directory").
//
// It is part of the userland module sos/user and uses only the standard
// library.
package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Prog is the tool's name, for messages: the base name of argv[0].
var Prog = progName()

func progName() string {
	if len(os.Args) == 0 {
		return "?"
	}
	return filepath.Base(os.Args[0])
}

// Options are parsed command-line options.
type Options struct {
	flags map[byte]int
	vals  map[byte]string
	// Args are the operands, in order.
	Args []string
}

// Has reports whether option c was given.
func (o *Options) Has(c byte) bool { return o.flags[c] > 0 }

// Count is how many times option c was given.
func (o *Options) Count(c byte) int { return o.flags[c] }

// Value returns the last value given to option c, and whether there was
// one.
func (o *Options) Value(c byte) (string, bool) {
	v, ok := o.vals[c]
	return v, ok
}

// Parse parses args (without argv[0]). flags lists the options that take
// no value, valued those that do. A bad option is reported on standard
// error with usage and the program exits with status badStatus. If
// numeric is set, an option made only of digits ("-5") is returned as
// the value of option 'n', as head and tail accept it.
func Parse(args []string, flags, valued string, numeric bool, usage string, badStatus int) *Options {
	o, err := parse(args, flags, valued, numeric)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", Prog, err)
		if usage != "" {
			fmt.Fprintf(os.Stderr, "Usage: %s %s\n", Prog, usage)
		}
		os.Exit(badStatus)
	}
	return o
}

func parse(args []string, flags, valued string, numeric bool) (*Options, error) {
	o := &Options{flags: map[byte]int{}, vals: map[byte]string{}}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			o.Args = append(o.Args, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			o.Args = append(o.Args, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			return nil, fmt.Errorf("unrecognized option '%s'", a)
		}
		if numeric && strings.Trim(a[1:], "0123456789") == "" {
			o.flags['n']++
			o.vals['n'] = a[1:]
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			switch {
			case strings.IndexByte(flags, c) >= 0:
				o.flags[c]++
			case strings.IndexByte(valued, c) >= 0:
				o.flags[c]++
				if j+1 < len(a) {
					o.vals[c] = a[j+1:]
				} else if i+1 < len(args) {
					i++
					o.vals[c] = args[i]
				} else {
					return nil, fmt.Errorf("option requires an argument -- '%c'", c)
				}
				j = len(a)
			default:
				return nil, fmt.Errorf("invalid option -- '%c'", c)
			}
		}
	}
	return o, nil
}

// Errno returns the system error behind err, or 0.
func Errno(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	return 0
}

// Reason is the strerror text of err, capitalised as C's strerror is
// ("No such file or directory"); for errors that carry no errno, the
// innermost message.
func Reason(err error) string {
	if e := Errno(err); e != 0 {
		return capital(e.Error())
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return capital(pe.Err.Error())
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return capital(le.Err.Error())
	}
	return err.Error()
}

func capital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// Quote quotes a file name as coreutils does in the C locale: 'name'.
func Quote(name string) string {
	if !strings.ContainsAny(name, "'\n\t\\") {
		return "'" + name + "'"
	}
	return "'" + strings.ReplaceAll(name, "'", `'\''`) + "'"
}

// Warn prints "prog: msg" on standard error.
func Warn(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s: %s\n", Prog, fmt.Sprintf(format, args...))
}

// Fail prints "prog: what: reason" for err, as cat and wc do.
func Fail(what string, err error) {
	Warn("%s: %s", what, Reason(err))
}
