package main

// Job control: the job table, waiting with WUNTRACED, handing the
// terminal to the foreground job and taking it back, and reporting jobs
// that stopped or finished.

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// A proc is one process (or builtin) of a job.
type proc struct {
	pid     int // 0 for a builtin or a command that never started
	name    string
	builtin chan int // a builtin's status, sent when it returns
	done    bool
	stopped bool
	status  int // the shell's status: exit code, 128+signal
	ws      syscall.WaitStatus
	ru      syscall.Rusage
}

func (p *proc) finish(status int) {
	p.done, p.status = true, status
}

// A Job is a pipeline started by the shell.
type Job struct {
	id       int
	pgid     int
	procs    []*proc
	text     string
	bg       bool
	notified bool     // its end was reported
	owned    bool     // started by this Shell (not a subshell's snapshot)
	tmodes   *Termios // the terminal modes it stopped with
}

func (j *Job) lastPid() int {
	for i := len(j.procs) - 1; i >= 0; i-- {
		if j.procs[i].pid != 0 {
			return j.procs[i].pid
		}
	}
	return 0
}

// pollBuiltins notes builtins of the job that have returned.
func (j *Job) pollBuiltins() {
	for _, p := range j.procs {
		if p.builtin != nil && !p.done {
			select {
			case st := <-p.builtin:
				p.finish(st)
			default:
			}
		}
	}
}

func (j *Job) done() bool {
	j.pollBuiltins()
	for _, p := range j.procs {
		if !p.done {
			return false
		}
	}
	return true
}

// stopped reports whether every process still alive is stopped (and one is).
func (j *Job) stopped() bool {
	any := false
	for _, p := range j.procs {
		if !p.done {
			if !p.stopped {
				return false
			}
			any = true
		}
	}
	return any
}

// status is the job's status: its last process's.
func (j *Job) status() int {
	return j.procs[len(j.procs)-1].status
}

// state describes the job for jobs and notices.
func (j *Job) state() string {
	switch {
	case j.done():
		last := j.procs[len(j.procs)-1]
		switch {
		case last.ws.Signaled():
			return sigText(last.ws.Signal(), last.ws.CoreDump())
		case last.status != 0:
			return fmt.Sprintf("Exit %d", last.status)
		}
		return "Done"
	case j.stopped():
		return "Stopped"
	}
	return "Running"
}

// jobTable numbers jobs and keeps the order of current (+) and previous (-).
type jobTable struct {
	list []*Job // by id
	// order has the jobs most recently put in the background or stopped last.
	order []*Job
}

func (t *jobTable) add(j *Job) {
	id := 1
	for _, o := range t.list {
		if o.id >= id {
			id = o.id + 1
		}
	}
	j.id = id
	t.list = append(t.list, j)
	t.touch(j)
}

// touch makes j the current job.
func (t *jobTable) touch(j *Job) {
	for i, o := range t.order {
		if o == j {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
	t.order = append(t.order, j)
}

func (t *jobTable) remove(j *Job) {
	for i, o := range t.list {
		if o == j {
			t.list = append(t.list[:i], t.list[i+1:]...)
			break
		}
	}
	for i, o := range t.order {
		if o == j {
			t.order = append(t.order[:i], t.order[i+1:]...)
			break
		}
	}
}

// mark is + for the current job, - for the previous one.
func (t *jobTable) mark(j *Job) byte {
	n := len(t.order)
	switch {
	case n > 0 && t.order[n-1] == j:
		return '+'
	case n > 1 && t.order[n-2] == j:
		return '-'
	}
	return ' '
}

// find resolves a job spec: %N, N, %+, %%, %-, %name.
func (t *jobTable) find(spec string) (*Job, error) {
	s := strings.TrimPrefix(spec, "%")
	n := len(t.order)
	switch s {
	case "", "+", "%":
		if n == 0 {
			return nil, fmt.Errorf("%s: no current job", spec)
		}
		return t.order[n-1], nil
	case "-":
		if n < 2 {
			return nil, fmt.Errorf("%s: no such job", spec)
		}
		return t.order[n-2], nil
	}
	if id, err := strconv.Atoi(s); err == nil {
		for _, j := range t.list {
			if j.id == id {
				return j, nil
			}
		}
		return nil, fmt.Errorf("%s: no such job", spec)
	}
	for i := n - 1; i >= 0; i-- {
		if strings.HasPrefix(t.order[i].text, s) {
			return t.order[i], nil
		}
	}
	return nil, fmt.Errorf("%s: no such job", spec)
}

// findPid returns the job and process with pid.
func (t *jobTable) findPid(pid int) (*Job, *proc) {
	for _, j := range t.list {
		for _, p := range j.procs {
			if p.pid == pid {
				return j, p
			}
		}
	}
	return nil, nil
}

// reapJob collects status changes of j's processes; block waits for one.
// It returns false if j has no process left to wait for, and how many
// changes it collected. Under job
// control it waits for the job's process group, so a stop of any of its
// processes is seen; without, for its processes one by one. It never
// waits for any child (-1): a builtin running in a pipeline may have
// children of its own to wait for.
func (sh *Shell) reapJob(j *Job, block bool) (bool, int) {
	opts := syscall.WUNTRACED
	if !block {
		opts |= syscall.WNOHANG
	}
	var targets []int
	if sh.jobControl && j.pgid > 0 {
		targets = []int{-j.pgid}
	} else {
		for _, p := range j.procs {
			if p.pid != 0 && !p.done {
				targets = append(targets, p.pid)
				if block {
					break
				}
			}
		}
	}
	any, n := false, 0
	for _, target := range targets {
		var ws syscall.WaitStatus
		var ru syscall.Rusage
		pid, err := syscall.Wait4(target, &ws, opts, &ru)
		for err == syscall.EINTR {
			pid, err = syscall.Wait4(target, &ws, opts, &ru)
		}
		if err == syscall.ECHILD {
			continue
		}
		any = true
		if err != nil || pid <= 0 {
			continue
		}
		var p *proc
		for _, q := range j.procs {
			if q.pid == pid {
				p = q
			}
		}
		if p == nil {
			continue
		}
		n++
		switch {
		case ws.Stopped():
			p.stopped = true
		case ws.Continued():
			p.stopped = false
		default:
			p.ws, p.ru = ws, ru
			p.done, p.stopped = true, false
			if ws.Signaled() {
				p.status = 128 + int(ws.Signal())
			} else {
				p.status = ws.ExitStatus()
			}
		}
	}
	return any, n
}

// reapAll collects, without waiting, what changed in every job.
func (sh *Shell) reapAll() {
	if sh.sub {
		return // the jobs are the shell's, a snapshot here
	}
	for _, j := range sh.jobs.list {
		for !j.done() {
			if live, n := sh.reapJob(j, false); !live || n == 0 {
				break
			}
		}
	}
}

// waitJob waits until j has finished or stopped.
func (sh *Shell) waitJob(j *Job) {
	if sh.sub && !j.owned {
		return // a snapshot of the shell's job: not this copy's to wait for
	}
	for !j.done() && !j.stopped() {
		if !sh.hasLiveProcess(j) {
			// Only builtins left: wait for them.
			for _, p := range j.procs {
				if p.builtin != nil && !p.done {
					p.finish(<-p.builtin)
				}
			}
			continue
		}
		if live, _ := sh.reapJob(j, true); !live {
			// No children at all: whatever we waited for is gone.
			for _, p := range j.procs {
				if p.pid != 0 && !p.done {
					p.finish(127)
				}
			}
		}
	}
}

// waitBackground waits for a background job as the wait builtin does:
// until it finishes or stops. In an interactive shell ^C ends the wait
// early (false): the shell catches SIGINT, so it polls between checks
// for one rather than sleep in wait4.
func (sh *Shell) waitBackground(j *Job) bool {
	if sh.interrupts == nil {
		sh.waitJob(j)
		return true
	}
	select {
	case <-sh.interrupts: // one from before the wait
	default:
	}
	for {
		if j.done() || j.stopped() {
			return true
		}
		live, n := sh.reapJob(j, false)
		if !live {
			sh.waitJob(j)
			return true
		}
		if n > 0 {
			continue
		}
		select {
		case <-sh.interrupts:
			sh.printf("\n")
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (sh *Shell) hasLiveProcess(j *Job) bool {
	for _, p := range j.procs {
		if p.pid != 0 && !p.done {
			return true
		}
	}
	return false
}

// waitForeground waits for a foreground job, takes the terminal back and
// returns the job's status.
func (sh *Shell) waitForeground(j *Job) int {
	sh.waitJob(j)
	if sh.jobControl {
		sh.takeTerminal(j)
	}
	for _, p := range j.procs {
		addRusage(&sh.lastRusage, &p.ru)
	}
	if j.stopped() {
		j.bg = true
		sh.jobs.touch(j)
		j.notified = true
		sh.printf("\n[%d]%c  %-24s%s\n", j.id, sh.jobs.mark(j), "Stopped", j.text)
		return 128 + int(syscall.SIGTSTP)
	}
	sh.jobs.remove(j)
	last := j.procs[len(j.procs)-1]
	if last.ws.Signaled() && sh.interactive {
		if sig := last.ws.Signal(); sig != syscall.SIGINT && sig != syscall.SIGPIPE {
			sh.printf("%s\n", sigText(sig, last.ws.CoreDump()))
		} else if sig == syscall.SIGINT {
			sh.printf("\n")
		}
	}
	return j.status()
}

// takeTerminal gives the terminal back to the shell after a job, keeping
// the job's modes if it stopped and restoring the shell's.
func (sh *Shell) takeTerminal(j *Job) {
	if j.stopped() {
		j.tmodes, _ = getTermios(sh.ttyFd)
	}
	tcsetpgrp(sh.ttyFd, sh.pgid)
	if sh.tmodes != nil {
		setTermios(sh.ttyFd, sh.tmodes)
	}
}

// continueJob sends SIGCONT to a stopped job, in the foreground (fg) or
// the background (bg).
func (sh *Shell) continueJob(j *Job, fg bool) int {
	for _, p := range j.procs {
		p.stopped = false
	}
	j.notified = false
	if !fg {
		j.bg = true
		sh.jobs.touch(j)
		sh.signalJob(j, syscall.SIGCONT)
		return 0
	}
	j.bg = false
	if sh.jobControl {
		if j.tmodes != nil {
			setTermios(sh.ttyFd, j.tmodes)
		}
		tcsetpgrp(sh.ttyFd, j.pgid)
	}
	sh.signalJob(j, syscall.SIGCONT)
	return sh.waitForeground(j)
}

func (sh *Shell) signalJob(j *Job, sig syscall.Signal) error {
	if sh.jobControl && j.pgid > 0 {
		return syscall.Kill(-j.pgid, sig)
	}
	var err error
	for _, p := range j.procs {
		if p.pid != 0 && !p.done {
			if e := syscall.Kill(p.pid, sig); e != nil {
				err = e
			}
		}
	}
	return err
}

// notifyJobs reports background jobs that finished since the last prompt
// and forgets them.
func (sh *Shell) notifyJobs() {
	sh.reapAll()
	for _, j := range append([]*Job(nil), sh.jobs.list...) {
		if j.stopped() && !j.notified && sh.interactive {
			// Stopped in the background: by SIGTTIN reading the
			// terminal, or a signal from elsewhere.
			j.notified = true
			sh.printf("[%d]%c  %-24s%s\n", j.id, sh.jobs.mark(j), "Stopped", j.text)
		}
		if j.done() {
			if j.bg && !j.notified && sh.interactive {
				sh.printf("[%d]%c  %-24s%s\n", j.id, sh.jobs.mark(j), j.state(), j.text)
			}
			sh.jobs.remove(j)
		}
	}
}

func (sh *Shell) printf(format string, args ...any) {
	fmt.Fprintf(sh.stdout, format, args...)
}

// sigText is how a shell names a signal that ended a job.
func sigText(sig syscall.Signal, core bool) string {
	s := sig.String()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if core {
		s += " (core dumped)"
	}
	return s
}

func addRusage(sum, ru *syscall.Rusage) {
	add := func(a *syscall.Timeval, b syscall.Timeval) {
		us := a.Usec + b.Usec
		a.Sec += b.Sec + us/1e6
		a.Usec = us % 1e6
	}
	add(&sum.Utime, ru.Utime)
	add(&sum.Stime, ru.Stime)
}

func tvDur(tv syscall.Timeval) time.Duration {
	return time.Duration(tv.Sec)*time.Second + time.Duration(tv.Usec)*time.Microsecond
}

// reportTime prints the times of a timed pipeline, as bash's time does:
// the children's from wait4 plus the shell's own (builtins).
func (sh *Shell) reportTime(start time.Time, before syscall.Rusage) {
	real := time.Since(start)
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	user := tvDur(sh.lastRusage.Utime) + tvDur(after.Utime) - tvDur(before.Utime)
	sys := tvDur(sh.lastRusage.Stime) + tvDur(after.Stime) - tvDur(before.Stime)
	f := func(d time.Duration) string {
		m := int(d / time.Minute)
		return fmt.Sprintf("%dm%.3fs", m, (d - time.Duration(m)*time.Minute).Seconds())
	}
	fmt.Fprintf(sh.stderr, "\nreal\t%s\nuser\t%s\nsys\t%s\n", f(real), f(user), f(sys))
}

// pinThread locks the goroutine to its thread and restricts the thread to
// hart; the returned function undoes both.
func pinThread(hart int) (func(), error) {
	if hart < 0 || hart >= 64 {
		return nil, syscall.EINVAL
	}
	runtime.LockOSThread()
	var old [16]uint64 // room for 1024 host CPUs
	n, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(old), uintptr(unsafe.Pointer(&old)))
	if e != 0 {
		runtime.UnlockOSThread()
		return nil, e
	}
	mask := uint64(1) << hart
	if _, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, 8, uintptr(unsafe.Pointer(&mask))); e != 0 {
		runtime.UnlockOSThread()
		return nil, e
	}
	return func() {
		syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, n, uintptr(unsafe.Pointer(&old)))
		runtime.UnlockOSThread()
	}, nil
}
