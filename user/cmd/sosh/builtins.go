package main

// Builtins run inside the shell (alone) or in a goroutine (in a pipeline
// or the background). They write to the files they are given, never to
// os.Stdout, so redirections and pipes apply to them.

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// A builtinFunc runs a builtin with argv and descriptors (0, 1, 2, ...)
// and returns its status.
type builtinFunc func(sh *Shell, argv []string, fds []*os.File) int

var builtins map[string]builtinFunc

// builtinHelp is the help text of each builtin, in help's order.
var builtinHelp = [][2]string{
	{"help", "help: list the builtins"},
	{"cd", "cd [DIR|-]: change the working directory ($HOME by default)"},
	{"pwd", "pwd: print the working directory"},
	{"echo", "echo [-n] [ARG...]: print the arguments"},
	{"exit", "exit [N]: leave the shell with status N ($? by default)"},
	{"export", "export [NAME[=VALUE]...]: pass variables to commands; alone, list them"},
	{"unset", "unset NAME...: forget variables"},
	{"env", "env [NAME=VALUE...] [CMD...]: print the environment, or run CMD in a changed one"},
	{"time", "time PIPELINE: run a pipeline and print its real, user and sys time"},
	{"jobs", "jobs [-l|-p]: list the jobs (-l with, -p only, their process group)"},
	{"fg", "fg [%N]: continue a job in the foreground"},
	{"bg", "bg [%N]: continue a stopped job in the background"},
	{"kill", "kill [-SIG] PID|%N...: send a signal (TERM by default); kill -l lists them"},
	{"wait", "wait [PID|%N...]: wait for background jobs"},
	{"history", "history [-c]: list (or clear) the command history"},
	{"oncore", "oncore [-c HART] [-t TIMES] [-f] PROG [ARGS]: run PROG on a hart, TIMES copies, -f in the foreground"},
	{"clear", "clear: clear the screen"},
	{"true", "true, :: succeed"},
	{"false", "false: fail"},
}

func init() {
	builtins = map[string]builtinFunc{
		"help": biHelp, "cd": biCd, "pwd": biPwd, "echo": biEcho, "exit": biExit,
		"export": biExport, "unset": biUnset, "env": biEnv, "jobs": biJobs,
		"fg": biFg, "bg": biBg, "kill": biKill, "wait": biWait, "history": biHistory,
		"oncore": biOncore, "time": biTime, "clear": biClear,
		"true":  func(*Shell, []string, []*os.File) int { return 0 },
		":":     func(*Shell, []string, []*os.File) int { return 0 },
		"false": func(*Shell, []string, []*os.File) int { return 1 },
	}
}

// out and errw are a builtin's standard output and error.
func out(fds []*os.File) io.Writer {
	if len(fds) > 1 && fds[1] != nil {
		return fds[1]
	}
	return closedWriter{}
}

// closedWriter is a closed descriptor.
type closedWriter struct{}

func (closedWriter) Write([]byte) (int, error) { return 0, syscall.EBADF }

func errw(fds []*os.File) io.Writer {
	if len(fds) > 2 && fds[2] != nil {
		return fds[2]
	}
	return io.Discard
}

func bierr(fds []*os.File, name, format string, args ...any) int {
	fmt.Fprintf(errw(fds), "sosh: %s: %s\n", name, fmt.Sprintf(format, args...))
	return 1
}

func biHelp(sh *Shell, argv []string, fds []*os.File) int {
	w := out(fds)
	fmt.Fprintln(w, "sosh, the SOS shell. Builtins:")
	for _, h := range builtinHelp {
		fmt.Fprintf(w, "  %s\n", h[1])
	}
	fmt.Fprintln(w, "Other commands are programs found in $PATH (ls /bin).")
	fmt.Fprintln(w, "Grammar: a | b, a && b, a || b, a; b, a &, < > >> 2> 2>&1, 'quotes', \"$VAR\", # comments.")
	return 0
}

func biCd(sh *Shell, argv []string, fds []*os.File) int {
	dir := ""
	switch {
	case len(argv) > 2:
		return bierr(fds, "cd", "too many arguments")
	case len(argv) == 2 && argv[1] == "-":
		dir = sh.vars["OLDPWD"]
		if dir == "" {
			return bierr(fds, "cd", "OLDPWD not set")
		}
		fmt.Fprintln(out(fds), dir)
	case len(argv) == 2:
		dir = argv[1]
	default:
		dir = sh.vars["HOME"]
		if dir == "" {
			return bierr(fds, "cd", "HOME not set")
		}
	}
	old, _ := os.Getwd()
	if sh.sub {
		// A subshell shares the process's directory: check, don't change.
		if fi, err := os.Stat(dir); err != nil {
			return bierr(fds, "cd", "%s: %s", dir, errText(err))
		} else if !fi.IsDir() {
			return bierr(fds, "cd", "%s: Not a directory", dir)
		}
		return 0
	}
	if err := os.Chdir(dir); err != nil {
		return bierr(fds, "cd", "%s: %s", dir, errText(err))
	}
	wd, err := os.Getwd()
	if err != nil {
		wd = dir
	}
	sh.vars["OLDPWD"], sh.vars["PWD"] = old, wd
	sh.exported["OLDPWD"] = true
	return 0
}

func biPwd(sh *Shell, argv []string, fds []*os.File) int {
	wd, err := os.Getwd()
	if err != nil {
		return bierr(fds, "pwd", "%s", errText(err))
	}
	fmt.Fprintln(out(fds), wd)
	return 0
}

func biEcho(sh *Shell, argv []string, fds []*os.File) int {
	args := argv[1:]
	newline := true
	for len(args) > 0 && args[0] == "-n" {
		newline, args = false, args[1:]
	}
	s := strings.Join(args, " ")
	if newline {
		s += "\n"
	}
	if _, err := io.WriteString(out(fds), s); err != nil {
		return bierr(fds, "echo", "write error: %s", errText(err))
	}
	return 0
}

func biExit(sh *Shell, argv []string, fds []*os.File) int {
	code := sh.status
	if len(argv) > 1 {
		n, err := strconv.Atoi(argv[1])
		if err != nil {
			bierr(fds, "exit", "%s: numeric argument required", argv[1])
			n = 2
		}
		code = n & 0xff
	}
	if sh.interactive && !sh.warnedStopped {
		for _, j := range sh.jobs.list {
			if j.stopped() {
				// As bash: a second exit leaves them.
				sh.warnedStopped = true
				fmt.Fprintln(errw(fds), "There are stopped jobs.")
				return 1
			}
		}
	}
	sh.exiting, sh.exitCode = true, code
	return code
}

func biExport(sh *Shell, argv []string, fds []*os.File) int {
	if len(argv) == 1 {
		for _, kv := range sh.environ(nil) {
			k, v, _ := strings.Cut(kv, "=")
			fmt.Fprintf(out(fds), "export %s=%s\n", k, quote(v))
		}
		return 0
	}
	status := 0
	for _, a := range argv[1:] {
		k, v, hasValue := strings.Cut(a, "=")
		if !validName(k) {
			status = bierr(fds, "export", "`%s': not a valid identifier", a)
			continue
		}
		if hasValue {
			sh.vars[k] = v
		}
		sh.exported[k] = true
	}
	return status
}

func biUnset(sh *Shell, argv []string, fds []*os.File) int {
	for _, k := range argv[1:] {
		delete(sh.vars, k)
		delete(sh.exported, k)
	}
	return 0
}

func biEnv(sh *Shell, argv []string, fds []*os.File) int {
	if len(argv) > 1 {
		// env with arguments is the program: it runs a command.
		st := &stage{argv: argv, fds: fds}
		pid, err := sh.spawn(st, -1, false)
		if err != nil {
			return err.(*spawnError).status
		}
		return waitPid(pid)
	}
	for _, kv := range sh.environ(nil) {
		fmt.Fprintln(out(fds), kv)
	}
	return 0
}

// waitPid waits for a process the shell started outside the job table.
func waitPid(pid int) int {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err != syscall.EINTR {
			break
		}
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// quote quotes s for the shell, if it needs it.
func quote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,=+@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func biTime(sh *Shell, argv []string, fds []*os.File) int {
	// Reached only as `\time` or "time" quoted, or time in a pipeline
	// stage: run the rest as a command.
	if len(argv) < 2 {
		return 0
	}
	var words []Word
	for _, a := range argv[1:] {
		words = append(words, Word{{Kind: Lit, Text: a, Quoted: true}})
	}
	return sh.runPipeline(&Pipeline{Timed: true, Cmds: []*Command{{Words: words}}}, false, strings.Join(argv[1:], " "))
}

// biJobs: jobs [-l|-p]: -l adds the process group, -p prints only it.
func biJobs(sh *Shell, argv []string, fds []*os.File) int {
	long, pids := false, false
	for _, a := range argv[1:] {
		switch a {
		case "-l":
			long = true
		case "-p":
			pids = true
		default:
			return bierr(fds, "jobs", "%s: invalid option; usage: jobs [-l|-p]", a)
		}
	}
	sh.reapAll()
	w := out(fds)
	for _, j := range append([]*Job(nil), sh.jobs.list...) {
		if !j.bg {
			continue
		}
		state := j.state()
		text := j.text
		if state == "Running" && !strings.HasSuffix(text, "&") {
			text += " &"
		}
		pid := j.pgid
		if pid == 0 {
			pid = j.lastPid()
		}
		switch {
		case pids:
			fmt.Fprintln(w, pid)
		case long:
			fmt.Fprintf(w, "[%d]%c %d %-24s%s\n", j.id, sh.jobs.mark(j), pid, state, text)
		default:
			fmt.Fprintf(w, "[%d]%c  %-24s%s\n", j.id, sh.jobs.mark(j), state, text)
		}
		if j.done() {
			sh.jobs.remove(j)
		}
	}
	return 0
}

func (sh *Shell) jobArg(name string, argv []string, fds []*os.File) (*Job, int) {
	if !sh.jobControl {
		return nil, bierr(fds, name, "no job control")
	}
	spec := "%+"
	if len(argv) > 1 {
		spec = argv[1]
	}
	j, err := sh.jobs.find(spec)
	if err != nil {
		return nil, bierr(fds, name, "%v", err)
	}
	return j, 0
}

func biFg(sh *Shell, argv []string, fds []*os.File) int {
	j, st := sh.jobArg("fg", argv, fds)
	if j == nil {
		return st
	}
	fmt.Fprintln(out(fds), strings.TrimSuffix(j.text, " &"))
	j.text = strings.TrimSuffix(j.text, " &")
	return sh.continueJob(j, true)
}

func biBg(sh *Shell, argv []string, fds []*os.File) int {
	j, st := sh.jobArg("bg", argv, fds)
	if j == nil {
		return st
	}
	if j.done() {
		return bierr(fds, "bg", "job has terminated")
	}
	if !strings.HasSuffix(j.text, "&") {
		j.text += " &"
	}
	sh.continueJob(j, false)
	fmt.Fprintf(out(fds), "[%d]%c %s\n", j.id, sh.jobs.mark(j), j.text)
	return 0
}

var signalNames = map[string]syscall.Signal{
	"HUP": syscall.SIGHUP, "INT": syscall.SIGINT, "QUIT": syscall.SIGQUIT, "ILL": syscall.SIGILL,
	"TRAP": syscall.SIGTRAP, "ABRT": syscall.SIGABRT, "BUS": syscall.SIGBUS, "FPE": syscall.SIGFPE,
	"KILL": syscall.SIGKILL, "USR1": syscall.SIGUSR1, "SEGV": syscall.SIGSEGV, "USR2": syscall.SIGUSR2,
	"PIPE": syscall.SIGPIPE, "ALRM": syscall.SIGALRM, "TERM": syscall.SIGTERM, "CHLD": syscall.SIGCHLD,
	"CONT": syscall.SIGCONT, "STOP": syscall.SIGSTOP, "TSTP": syscall.SIGTSTP, "TTIN": syscall.SIGTTIN,
	"TTOU": syscall.SIGTTOU, "URG": syscall.SIGURG, "XCPU": syscall.SIGXCPU, "XFSZ": syscall.SIGXFSZ,
	"VTALRM": syscall.SIGVTALRM, "PROF": syscall.SIGPROF, "WINCH": syscall.SIGWINCH, "SYS": syscall.SIGSYS,
}

// parseSignal takes 9, KILL or SIGKILL.
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return syscall.Signal(n), n >= 0 && n < 65
	}
	sig, ok := signalNames[strings.TrimPrefix(strings.ToUpper(s), "SIG")]
	return sig, ok
}

func biKill(sh *Shell, argv []string, fds []*os.File) int {
	args := argv[1:]
	sig := syscall.SIGTERM
	if len(args) > 0 && args[0] == "-l" {
		var names []string
		for n, s := range signalNames {
			names = append(names, fmt.Sprintf("%2d) SIG%s", int(s), n))
		}
		sort.Strings(names)
		fmt.Fprintln(out(fds), strings.Join(names, "\n"))
		return 0
	}
	if len(args) > 0 && args[0] == "-s" && len(args) > 1 {
		args = append([]string{"-" + args[1]}, args[2:]...)
	}
	if len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		s, ok := parseSignal(args[0][1:])
		if !ok {
			return bierr(fds, "kill", "%s: invalid signal specification", args[0][1:])
		}
		sig, args = s, args[1:]
	}
	if len(args) == 0 {
		return bierr(fds, "kill", "usage: kill [-SIG] PID|%%N...")
	}
	status := 0
	for _, a := range args {
		if strings.HasPrefix(a, "%") {
			j, err := sh.jobs.find(a)
			if err != nil {
				status = bierr(fds, "kill", "%v", err)
				continue
			}
			if err := sh.signalJob(j, sig); err != nil {
				status = bierr(fds, "kill", "%s: %s", a, errText(err))
			}
			continue
		}
		pid, err := strconv.Atoi(a)
		if err != nil {
			status = bierr(fds, "kill", "%s: arguments must be process or job IDs", a)
			continue
		}
		if err := syscall.Kill(pid, sig); err != nil {
			status = bierr(fds, "kill", "(%d) - %s", pid, errText(err))
		}
	}
	return status
}

func biWait(sh *Shell, argv []string, fds []*os.File) int {
	if len(argv) == 1 {
		for _, j := range append([]*Job(nil), sh.jobs.list...) {
			if j.bg && !j.stopped() {
				if !sh.waitBackground(j) {
					return 130
				}
				if j.done() {
					j.notified = true
				}
			}
		}
		return 0
	}
	status := 0
	for _, a := range argv[1:] {
		var j *Job
		var p *proc
		if strings.HasPrefix(a, "%") {
			var err error
			if j, err = sh.jobs.find(a); err != nil {
				status = bierr(fds, "wait", "%v", err)
				continue
			}
		} else if pid, err := strconv.Atoi(a); err == nil {
			j, p = sh.jobs.findPid(pid)
			if j == nil {
				status = bierr(fds, "wait", "pid %d is not a child of this shell", pid)
				status = 127
				continue
			}
		} else {
			status = bierr(fds, "wait", "`%s': not a pid or valid job spec", a)
			continue
		}
		if !sh.waitBackground(j) {
			return 130
		}
		status = j.status()
		if p != nil {
			status = p.status
		}
		if j.done() {
			j.notified = true
		}
	}
	return status
}

func biClear(sh *Shell, argv []string, fds []*os.File) int {
	io.WriteString(out(fds), "\x1b[H\x1b[2J")
	return 0
}

func biHistory(sh *Shell, argv []string, fds []*os.File) int {
	if sh.hist == nil {
		return 0
	}
	if len(argv) > 1 && argv[1] == "-c" {
		sh.hist.Clear()
		return 0
	}
	for i, l := range sh.hist.lines {
		fmt.Fprintf(out(fds), "%5d  %s\n", i+1, l)
	}
	return 0
}

// maxOncoreTimes bounds oncore -t: more is a mistake, not a request.
const maxOncoreTimes = 1024

// biOncore: oncore [-c HART] [-t TIMES] [-f] PROG [ARGS].
func biOncore(sh *Shell, argv []string, fds []*os.File) int {
	usage := func() int {
		fmt.Fprintln(errw(fds), "usage: oncore [-c HART] [-t TIMES] [-f] PROG [ARGS]")
		fmt.Fprintln(errw(fds), "  -c: the hart to run on\n  -t: how many copies to run\n  -f: wait for them in the foreground")
		return 2
	}
	hart, times, fg := -1, 1, false
	args := argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-f":
			fg = true
			args = args[1:]
		case "-c", "-t":
			if len(args) < 2 {
				return usage()
			}
			n, err := strconv.Atoi(args[1])
			if err != nil || n < 0 {
				bierr(fds, "oncore", "%s %s: not a number", args[0], args[1])
				return 2
			}
			if args[0] == "-c" {
				hart = n
			} else if n > maxOncoreTimes {
				bierr(fds, "oncore", "-t %d: at most %d copies", n, maxOncoreTimes)
				return 2
			} else {
				times = n
			}
			args = args[2:]
		case "-h", "--help":
			usage()
			return 0
		default:
			return usage()
		}
	}
	if len(args) == 0 {
		return usage()
	}
	if times == 0 {
		return 0
	}
	var stages []*stage
	for i := 0; i < times; i++ {
		stages = append(stages, &stage{argv: args, fds: fds})
	}
	text := "oncore " + strings.Join(argv[1:], " ")
	if !fg {
		text += " &"
	}
	return sh.startJob(stages, !fg, text, hart)
}
