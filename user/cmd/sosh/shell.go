package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Shell is the state of one sosh: its variables, jobs and terminal.
type Shell struct {
	vars     map[string]string
	exported map[string]bool
	args     []string // $0, $1, ...
	status   int      // $?
	lastBg   int      // $!

	// jobControl is on in an interactive shell on a terminal: pipelines
	// get process groups and the terminal, ^Z stops them.
	jobControl  bool
	interactive bool
	ttyFd       int
	pgid        int           // the shell's own process group
	tmodes      *Termios      // the terminal's modes as the shell wants them
	interrupts  chan struct{} // ^C while the shell has the terminal (interactive only)
	jobs        jobTable

	hist *History
	sub  bool // a copy running a builtin beside the shell (see subshell)

	stdin, stdout, stderr *os.File

	lastRusage syscall.Rusage // the children's times of the last foreground pipeline

	exiting       bool // exit was asked for
	warnedStopped bool // exit said there are stopped jobs
	exitCode      int
}

// NewShell makes a shell with the process's environment.
func NewShell() *Shell {
	sh := &Shell{
		vars:     map[string]string{},
		exported: map[string]bool{},
		stdin:    os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		ttyFd: -1,
	}
	for _, kv := range os.Environ() {
		k, v, ok := strings.Cut(kv, "=")
		if ok && validName(k) {
			sh.vars[k] = v
			sh.exported[k] = true
		}
	}
	if _, ok := sh.vars["PATH"]; !ok {
		sh.vars["PATH"] = "/bin:/usr/bin"
		sh.exported["PATH"] = true
	}
	if wd, err := os.Getwd(); err == nil {
		sh.vars["PWD"] = wd
		sh.exported["PWD"] = true
	}
	sh.args = []string{"sosh"}
	return sh
}

// Lookup implements Env.
func (sh *Shell) Lookup(name string) (string, bool) {
	switch name {
	case "?":
		return strconv.Itoa(sh.status), true
	case "$":
		return strconv.Itoa(os.Getpid()), true
	case "!":
		if sh.lastBg == 0 {
			return "", false
		}
		return strconv.Itoa(sh.lastBg), true
	case "#":
		return strconv.Itoa(len(sh.args) - 1), true
	case "@", "*":
		return strings.Join(sh.args[1:], " "), true
	}
	if isDigits(name) {
		n, err := strconv.Atoi(name)
		if err != nil || n >= len(sh.args) {
			return "", false
		}
		return sh.args[n], true
	}
	v, ok := sh.vars[name]
	return v, ok
}

// Args returns the positional parameters, for "$@".
func (sh *Shell) Args() []string { return sh.args[1:] }

// setVar sets a shell variable.
func (sh *Shell) setVar(name, value string) {
	sh.vars[name] = value
}

// environ is the environment of commands: the exported variables plus
// extra NAME=value pairs.
func (sh *Shell) environ(extra []string) []string {
	m := map[string]string{}
	for k := range sh.exported {
		if v, ok := sh.vars[k]; ok {
			m[k] = v
		}
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	env := make([]string, 0, len(m))
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}

// errorf reports an error the user made, as "sosh: ...".
func (sh *Shell) errorf(format string, args ...any) {
	fmt.Fprintf(sh.stderr, "sosh: "+format+"\n", args...)
}

// errText is an error's text as Unix tools print it ("No such file or
// directory"), without Go's wrapping.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	if le, ok := err.(*os.LinkError); ok {
		err = le.Err
	}
	if se, ok := err.(*os.SyscallError); ok {
		err = se.Err
	}
	s := err.Error()
	if en, ok := err.(syscall.Errno); ok {
		if t, ok := errnoText[en]; ok {
			return t
		}
	}
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

var errnoText = map[syscall.Errno]string{
	syscall.ENOENT:  "No such file or directory",
	syscall.EACCES:  "Permission denied",
	syscall.EISDIR:  "Is a directory",
	syscall.ENOTDIR: "Not a directory",
	syscall.EEXIST:  "File exists",
	syscall.EPERM:   "Operation not permitted",
	syscall.ESRCH:   "No such process",
	syscall.EINVAL:  "Invalid argument",
	syscall.EROFS:   "Read-only file system",
	syscall.ENOEXEC: "Exec format error",
	syscall.EBADF:   "Bad file descriptor",
}

func (sh *Shell) syntaxError(err error) {
	if err == ErrIncomplete {
		sh.errorf("syntax error: unexpected end of file")
	} else {
		sh.errorf("%v", err)
	}
	sh.status = 2
}

// RunReader runs a script from r: each complete command as soon as it is
// read, as sh does, so that a script can read the rest of its input.
// A syntax error ends the script with status 2.
func (sh *Shell) RunReader(r io.Reader) {
	lr := newLineReader(r)
	var buf strings.Builder
	for !sh.exiting {
		line, err := lr.ReadLine()
		if err != nil && line == "" {
			if buf.Len() > 0 {
				sh.syntaxError(ErrIncomplete)
			}
			return
		}
		buf.WriteString(line)
		buf.WriteString("\n")
		list, perr := Parse(buf.String())
		if perr == ErrIncomplete {
			continue
		}
		buf.Reset()
		if perr != nil {
			sh.syntaxError(perr)
			return
		}
		sh.runList(list)
	}
}

// lineReader reads lines without buffering past them (byte at a time
// from a pipe, or whole from a regular file is not worth telling apart):
// commands the script starts read what follows, as in sh.
type lineReader struct {
	r   io.Reader
	buf [1]byte
}

func newLineReader(r io.Reader) *lineReader { return &lineReader{r: r} }

// ReadLine returns the next line without its newline.
func (lr *lineReader) ReadLine() (string, error) {
	var b []byte
	for {
		n, err := lr.r.Read(lr.buf[:])
		if n == 1 {
			if lr.buf[0] == '\n' {
				return string(b), nil
			}
			b = append(b, lr.buf[0])
			continue
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return string(b), err
		}
	}
}
