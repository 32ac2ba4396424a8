package main

// The executor runs parsed lists: and-or lists, pipelines of processes
// (each pipeline its own process group under job control) and builtins,
// with redirections.

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func (sh *Shell) runList(l *List) {
	for _, ao := range l.Items {
		if sh.exiting {
			return
		}
		if ao.Background {
			sh.runBackground(ao)
		} else {
			sh.runAndOr(ao)
		}
	}
}

func (sh *Shell) runAndOr(ao *AndOr) {
	for i, pl := range ao.Pipes {
		if i > 0 {
			if ao.Ops[i-1] == "&&" && sh.status != 0 || ao.Ops[i-1] == "||" && sh.status == 0 {
				continue
			}
		}
		sh.status = sh.runPipeline(pl, false, ao.Text)
		if sh.exiting {
			return
		}
	}
}

// runBackground runs an and-or list ending in &. A single pipeline is a
// job of its own; a list of several runs in a copy of sosh.
func (sh *Shell) runBackground(ao *AndOr) {
	text := ao.Text + " &"
	if len(ao.Pipes) == 1 {
		sh.runPipeline(ao.Pipes[0], true, text)
		sh.status = 0
		return
	}
	self, err := os.Executable()
	if err != nil {
		self = "/bin/sosh"
	}
	word := func(s string) Word { return Word{{Kind: Lit, Text: s, Quoted: true}} }
	pl := &Pipeline{Cmds: []*Command{{Words: []Word{word(self), word("-c"), word(ao.Text)}}}}
	sh.runPipeline(pl, true, text)
	sh.status = 0
}

// A stage is one command of a pipeline, expanded and ready to start.
type stage struct {
	argv    []string
	env     []string // extra NAME=value for the command
	fds     []*os.File
	close   []*os.File // files opened for this stage, closed once it started
	builtin builtinFunc
	failed  int // a status if expansion or redirection failed: nothing to run
}

// runPipeline runs a pipeline and returns its status; in the background
// it returns at once.
func (sh *Shell) runPipeline(pl *Pipeline, bg bool, text string) int {
	var start time.Time
	var selfBefore syscall.Rusage
	if pl.Timed {
		start = time.Now()
		syscall.Getrusage(syscall.RUSAGE_SELF, &selfBefore)
	}
	status := sh.pipeline(pl, bg, text)
	if pl.Timed {
		sh.reportTime(start, selfBefore)
	}
	if pl.Negate {
		if status == 0 {
			status = 1
		} else {
			status = 0
		}
	}
	return status
}

func (sh *Shell) pipeline(pl *Pipeline, bg bool, text string) int {
	sh.lastRusage = syscall.Rusage{}
	// A lone command of assignments sets shell variables.
	if len(pl.Cmds) == 1 && len(pl.Cmds[0].Words) == 0 {
		c := pl.Cmds[0]
		for _, a := range c.Assigns {
			sh.setVar(a.Name, ExpandString(sh, a.Value))
		}
		st := sh.prepare(c, []*os.File{sh.stdin, sh.stdout, sh.stderr})
		closeAll(st.close)
		return st.failed
	}
	// A lone builtin in the foreground runs in the shell itself.
	if len(pl.Cmds) == 1 && !bg {
		st := sh.prepare(pl.Cmds[0], []*os.File{sh.stdin, sh.stdout, sh.stderr})
		if st.failed != 0 {
			closeAll(st.close)
			return st.failed
		}
		if st.builtin != nil {
			defer closeAll(st.close)
			return st.builtin(sh, st.argv, st.fds)
		}
		return sh.startJob([]*stage{st}, bg, text, -1)
	}
	// The builtins below see a snapshot of the jobs: make it current.
	sh.reapAll()
	// Pipes between the stages.
	stages := make([]*stage, len(pl.Cmds))
	in := sh.stdin
	for i, c := range pl.Cmds {
		out := sh.stdout
		var r, w *os.File
		if i < len(pl.Cmds)-1 {
			var err error
			r, w, err = os.Pipe()
			if err != nil {
				sh.errorf("pipe: %v", errText(err))
				for _, st := range stages[:i] {
					closeAll(st.close)
				}
				return 1
			}
			out = w
		}
		st := sh.prepare(c, []*os.File{in, out, sh.stderr})
		if i > 0 {
			st.close = append(st.close, in)
		}
		if w != nil {
			st.close = append(st.close, w)
		}
		stages[i] = st
		in = r
	}
	return sh.startJob(stages, bg, text, -1)
}

// prepare expands a command and applies its redirections to fds (0, 1
// and 2 to start with).
func (sh *Shell) prepare(c *Command, fds []*os.File) *stage {
	st := &stage{fds: append([]*os.File(nil), fds...)}
	for _, a := range c.Assigns {
		st.env = append(st.env, a.Name+"="+ExpandString(sh, a.Value))
	}
	st.argv = ExpandFields(sh, c.Words)
	for _, r := range c.Redirs {
		if err := sh.redirect(st, r); err != nil {
			st.failed = 1
			return st
		}
	}
	if len(st.argv) > 0 {
		st.builtin = builtins[st.argv[0]]
	} else if len(c.Words) > 0 {
		// Words that expanded to nothing: nothing to run.
		st.builtin = func(*Shell, []string, []*os.File) int { return 0 }
	}
	return st
}

// maxFd bounds the descriptors a redirection may name.
const maxFd = 255

func (sh *Shell) redirect(st *stage, r Redir) error {
	if r.Fd > maxFd {
		sh.errorf("%d: Bad file descriptor", r.Fd)
		return syscall.EBADF
	}
	setFd := func(fd int, f *os.File) {
		for len(st.fds) <= fd {
			st.fds = append(st.fds, nil)
		}
		st.fds[fd] = f
	}
	target := expandWord(sh, r.Target, true)
	if len(target) != 1 {
		sh.errorf("%s: ambiguous redirect", r.Target.String())
		return errors.New("ambiguous")
	}
	name := target[0]
	switch r.Op {
	case ">&", "<&":
		if name == "-" {
			setFd(r.Fd, nil)
			return nil
		}
		var from int
		for _, c := range name {
			from = from*10 + int(c-'0')
		}
		if from >= len(st.fds) || st.fds[from] == nil {
			sh.errorf("%s: Bad file descriptor", name)
			return syscall.EBADF
		}
		setFd(r.Fd, st.fds[from])
		return nil
	}
	flag := os.O_RDONLY
	switch r.Op {
	case ">":
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	case ">>":
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(name, flag, 0o666)
	if err != nil {
		sh.errorf("%s: %s", name, errText(err))
		return err
	}
	st.close = append(st.close, f)
	setFd(r.Fd, f)
	return nil
}

func closeAll(fs []*os.File) {
	for _, f := range fs {
		if f != nil && f != os.Stdin && f != os.Stdout && f != os.Stderr {
			f.Close()
		}
	}
}

// lookPath finds a command: a name with a slash as it is, others in
// $PATH. It returns the status to exit with and a message if it cannot.
func (sh *Shell) lookPath(name string) (string, int, string) {
	if strings.Contains(name, "/") {
		fi, err := os.Stat(name)
		switch {
		case err != nil:
			return "", 127, name + ": " + errText(err)
		case fi.IsDir():
			return "", 126, name + ": Is a directory"
		case fi.Mode()&0o111 == 0:
			return "", 126, name + ": Permission denied"
		}
		return name, 0, ""
	}
	path, _ := sh.Lookup("PATH")
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, 0, ""
		}
	}
	return "", 127, name + ": command not found"
}

// spawn starts one process of a job in process group pgid (0: a new
// group, -1: no job control) and returns its pid.
func (sh *Shell) spawn(st *stage, pgid int, fg bool) (int, error) {
	path, status, msg := sh.lookPath(st.argv[0])
	if status != 0 {
		sh.errorf("%s", msg)
		return 0, &spawnError{status}
	}
	files := make([]uintptr, len(st.fds))
	for i, f := range st.fds {
		if f == nil {
			files[i] = ^uintptr(0)
		} else {
			files[i] = f.Fd()
		}
	}
	attr := &syscall.ProcAttr{
		Env:   sh.environ(st.env),
		Files: files,
		Sys:   &syscall.SysProcAttr{},
	}
	if pgid >= 0 {
		attr.Sys.Setpgid = true
		attr.Sys.Pgid = pgid
		if fg && pgid == 0 {
			attr.Sys.Foreground = true
			attr.Sys.Ctty = sh.ttyFd
		}
	}
	pid, err := syscall.ForkExec(path, st.argv, attr)
	if err == syscall.ENOEXEC {
		// A script without #!: sosh runs it, as sh would.
		if self, serr := os.Executable(); serr == nil {
			pid, err = syscall.ForkExec(self, append([]string{"sosh", path}, st.argv[1:]...), attr)
		}
	}
	if err != nil {
		sh.errorf("%s: %s", st.argv[0], errText(err))
		if err == syscall.ENOENT {
			return 0, &spawnError{127}
		}
		return 0, &spawnError{126}
	}
	if pgid >= 0 {
		// Both sides set the group, so it is set whichever runs first.
		if pgid == 0 {
			pgid = pid
		}
		syscall.Setpgid(pid, pgid)
	}
	return pid, nil
}

type spawnError struct{ status int }

func (e *spawnError) Error() string { return "cannot start" }

// startJob starts the stages as one job and, in the foreground, waits for
// it. hart >= 0 pins the processes to that hart (oncore).
func (sh *Shell) startJob(stages []*stage, bg bool, text string, hart int) int {
	j := &Job{text: text, bg: bg, owned: true}
	pgid := -1
	if sh.jobControl {
		pgid = 0
	}
	for _, st := range stages {
		p := &proc{}
		j.procs = append(j.procs, p)
		switch {
		case st.failed != 0:
			p.finish(st.failed)
		case st.builtin != nil:
			p.name = st.argv[0]
			p.builtin = make(chan int, 1)
			sub := sh.subshell()
			go func(st *stage, c chan int) {
				status := st.builtin(sub, st.argv, st.fds)
				closeAll(st.close)
				c <- status
			}(st, p.builtin)
			continue // the builtin closes its files
		default:
			p.name = st.argv[0]
			pid, err := sh.spawnOn(st, pgid, !bg, hart)
			if err != nil {
				status := 127
				if se, ok := err.(*spawnError); ok {
					status = se.status
				}
				p.finish(status)
			} else {
				p.pid = pid
				if pgid == 0 {
					pgid = pid
				}
				if j.pgid == 0 {
					j.pgid = pid
				}
			}
		}
		closeAll(st.close)
	}
	if pgid > 0 {
		j.pgid = pgid
	}
	sh.jobs.add(j)
	if bg {
		if last := j.lastPid(); last != 0 {
			sh.lastBg = last
		}
		if sh.interactive {
			sh.printf("[%d] %d\n", j.id, j.lastPid())
		}
		return 0
	}
	return sh.waitForeground(j)
}

// subshell is a copy of the shell for a builtin that runs beside it (in
// a pipeline or the background), as a forked subshell would be: what the
// builtin changes stays in the copy, and it has no jobs of its own to
// control.
func (sh *Shell) subshell() *Shell {
	c := &Shell{
		vars: map[string]string{}, exported: map[string]bool{},
		args: sh.args, status: sh.status, lastBg: sh.lastBg,
		ttyFd: -1, hist: sh.hist, sub: true,
		stdin: sh.stdin, stdout: sh.stdout, stderr: sh.stderr,
	}
	for k, v := range sh.vars {
		c.vars[k] = v
	}
	for k, v := range sh.exported {
		c.exported[k] = v
	}
	// A snapshot of the jobs, for `jobs | ...`; the copy never waits.
	copies := map[*Job]*Job{}
	for _, j := range sh.jobs.list {
		cj := *j
		cj.procs, cj.owned = nil, false
		for _, p := range j.procs {
			cp := *p
			cp.builtin = nil
			cj.procs = append(cj.procs, &cp)
		}
		copies[j] = &cj
		c.jobs.list = append(c.jobs.list, &cj)
	}
	for _, j := range sh.jobs.order {
		c.jobs.order = append(c.jobs.order, copies[j])
	}
	return c
}

// spawnOn spawns on a hart if hart >= 0: the affinity is set on this
// thread, which forks, so the child inherits it.
func (sh *Shell) spawnOn(st *stage, pgid int, fg bool, hart int) (int, error) {
	if hart < 0 {
		return sh.spawn(st, pgid, fg)
	}
	restore, err := pinThread(hart)
	if err != nil {
		sh.errorf("oncore: hart %d: %s", hart, errText(err))
		return 0, &spawnError{1}
	}
	defer restore()
	return sh.spawn(st, pgid, fg)
}
