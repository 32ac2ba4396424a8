package kernel

import (
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/mm"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Process is a thread group: the threads sharing a PID, with their parent,
// children, process group and session, signal dispositions and exit status.
type Process struct {
	k   *Kernel
	pid int

	// Guarded by Kernel.mu:
	parent   *Process
	children map[int]*Process
	threads  map[int]*Task // live threads
	leader   *Task
	pgid     int
	sid      int
	zombie   bool
	// status is the wait status once the process has exited (or the
	// last stop/continue event, see event).
	status int
	// event is a pending stop or continue notification for wait
	// (abi.CLD_STOPPED or abi.CLD_CONTINUED), 0 if none.
	event int
	// hostWait, if not nil, is closed when the process exits; the process
	// then stays a zombie until Reap (how `sos run` learns the status).
	hostWait chan struct{}
	// exiting is set once the whole group must exit (exit_group or a
	// fatal signal); groupCode is the status it exits with.
	exiting   bool
	groupCode int
	stopped   bool
	// mayReboot is the privilege to call reboot(2) (Linux's
	// CAP_SYS_BOOT): given to a user init (StartInit), inherited by
	// every process it creates.
	mayReboot bool

	// childEvents is notified when a child exits, stops or continues.
	childEvents waiter.Queue

	// Signal state, guarded by sigMu: the handlers (shared between
	// processes created with CLONE_SIGHAND) and the process-wide pending
	// signals.
	sigMu    sync.Mutex
	handlers *sigHandlers
	pending  sigQueue

	// Set at exec, read by /proc (guarded by infoMu).
	infoMu  sync.Mutex
	exe     string
	args    []string
	env     []string
	name    string // comm
	start   time.Duration
	rlimits [abi.RLIM_NLIMITS]Rlimit
	umask   uint32
	itimer  realTimer

	// CPU time of exited threads, in nanoseconds.
	deadUser, deadSys time.Duration
	// Children's CPU time, summed at reap (for getrusage(RUSAGE_CHILDREN)).
	childUser, childSys time.Duration
}

// Rlimit is a resource limit.
type Rlimit struct{ Cur, Max uint64 }

// PID returns the process id.
func (p *Process) PID() int { return p.pid }

// Kernel returns the kernel.
func (p *Process) Kernel() *Kernel { return p.k }

// newInit makes PID 1: a process with no user code that adopts orphans
// and reaps them.
func (k *Kernel) newInit() *Process {
	p := &Process{k: k, pid: 1, children: map[int]*Process{}, threads: map[int]*Task{}, pgid: 1, sid: 1, name: "init"}
	p.handlers = newSigHandlers()
	p.rlimits = defaultRlimits()
	p.exe, p.args = "/sbin/init", []string{"init"}
	k.mu.Lock()
	k.procs[1] = p
	k.nextPID = 2
	k.nprocs++
	k.mu.Unlock()
	return p
}

func defaultRlimits() [abi.RLIM_NLIMITS]Rlimit {
	var r [abi.RLIM_NLIMITS]Rlimit
	for i := range r {
		r[i] = Rlimit{abi.RLIM_INFINITY, abi.RLIM_INFINITY}
	}
	r[abi.RLIMIT_STACK] = Rlimit{mm.StackSize, abi.RLIM_INFINITY}
	r[abi.RLIMIT_NOFILE] = Rlimit{1024, 4096}
	r[abi.RLIMIT_NPROC] = Rlimit{512, 512}
	r[abi.RLIMIT_CORE] = Rlimit{0, abi.RLIM_INFINITY}
	return r
}

// Init returns PID 1.
func (k *Kernel) Init() *Process { return k.init }

// Parent returns the parent process (nil for init).
func (p *Process) Parent() *Process {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.parent
}

// PGID returns the process group id.
func (p *Process) PGID() int {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.pgid
}

// SID returns the session id.
func (p *Process) SID() int {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.sid
}

// Threads returns the TIDs of the live threads.
func (p *Process) Threads() []*Task {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	out := make([]*Task, 0, len(p.threads))
	for _, t := range p.threads {
		out = append(out, t)
	}
	return out
}

// Leader returns the thread-group leader (or the task that exec'ed last).
func (p *Process) Leader() *Task {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.leader
}

// Zombie reports whether the process has exited and awaits reaping.
func (p *Process) Zombie() bool {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.zombie
}

// Stopped reports whether the process is stopped by a signal.
func (p *Process) Stopped() bool {
	p.k.mu.Lock()
	defer p.k.mu.Unlock()
	return p.stopped
}

// Info returns what exec recorded: the executable path, arguments,
// environment and command name.
func (p *Process) Info() (exe string, args, env []string, name string) {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	return p.exe, p.args, p.env, p.name
}

// SetName sets the command name (prctl PR_SET_NAME, exec).
func (p *Process) SetName(name string) {
	if len(name) > 15 {
		name = name[:15]
	}
	p.infoMu.Lock()
	p.name = name
	p.infoMu.Unlock()
}

// StartTime returns when the process was created, since boot.
func (p *Process) StartTime() time.Duration {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	return p.start
}

// Rlimit returns resource limit r.
func (p *Process) Rlimit(r int) Rlimit {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	return p.rlimits[r]
}

// SetRlimit sets resource limit r.
func (p *Process) SetRlimit(r int, l Rlimit) {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	p.rlimits[r] = l
}

// CPUTime returns the user and system time of the process's threads, live
// and exited.
func (p *Process) CPUTime() (user, sys time.Duration) {
	p.k.mu.Lock()
	threads := make([]*Task, 0, len(p.threads))
	for _, t := range p.threads {
		threads = append(threads, t)
	}
	p.k.mu.Unlock()
	p.infoMu.Lock()
	user, sys = p.deadUser, p.deadSys
	p.infoMu.Unlock()
	for _, t := range threads {
		u, s := t.CPUTime()
		user += u
		sys += s
	}
	return user, sys
}

// ChildrenCPUTime returns the CPU time of reaped children.
func (p *Process) ChildrenCPUTime() (user, sys time.Duration) {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	return p.childUser, p.childSys
}

// MM returns the address space of the process's leader (nil for init or a
// zombie).
func (p *Process) MM() *mm.AddressSpace {
	if t := p.Leader(); t != nil {
		return t.mm
	}
	return nil
}

// FDs returns the descriptor table of the leader.
func (p *Process) FDs() *vfs.FDTable {
	if t := p.Leader(); t != nil {
		return t.FDs()
	}
	return nil
}

// exitStatus encodes a normal exit for wait.
func exitStatus(code int) int { return (code & 0xff) << 8 }

// signalStatus encodes death by a signal for wait.
func signalStatus(sig abi.Signal, core bool) int {
	s := int(sig)
	if core {
		s |= 0x80
	}
	return s
}

// StartIn creates a process running the program at path (resolved from
// cwd), a child of init, ready to run: install its standard files with
// SetStdio, then Resume it. The process stays a zombie after it exits
// until Reap.
func (k *Kernel) StartIn(cwd *vfs.Dentry, path string, argv, envp []string) (*Process, error) {
	fsctx := vfs.NewFSContext(k.cfg.Root, cwd, 0o022)
	t, err := k.newProcessTask(k.init, fsctx, vfs.NewFDTable())
	if err != nil {
		return nil, err
	}
	p := t.proc
	p.hostWait = make(chan struct{})
	if err := t.execve(path, argv, envp); err != nil {
		k.abandon(t)
		return nil, err
	}
	return p, nil
}

// Resume starts a process made by StartIn.
func (k *Kernel) Resume(p *Process) {
	if t := p.Leader(); t != nil {
		t.start()
	}
}

// SetStdio installs files as descriptors 0, 1 and 2 of the process p,
// before it runs (the console for `sos run`).
func (p *Process) SetStdio(files ...*vfs.File) error {
	fds := p.FDs()
	for i, f := range files {
		if err := fds.InstallAt(f, i, false); err != nil {
			return err
		}
	}
	return nil
}

// WaitExit waits until a process made by Start exits and returns its
// wait status.
func (k *Kernel) WaitExit(p *Process) int {
	<-p.hostWait
	k.mu.Lock()
	defer k.mu.Unlock()
	return p.status
}

// Reap removes a zombie made by Start.
func (k *Kernel) Reap(p *Process) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reapLocked(p)
}

// newProcessTask creates a process (with one task, not yet started)
// under parent.
func (k *Kernel) newProcessTask(parent *Process, fsctx *vfs.FSContext, fds *vfs.FDTable) (*Task, error) {
	k.mu.Lock()
	if k.nprocs >= k.cfg.MaxProcs {
		k.mu.Unlock()
		return nil, abi.EAGAIN
	}
	pid := k.allocPIDLocked()
	p := &Process{k: k, pid: pid, parent: parent, children: map[int]*Process{}, threads: map[int]*Task{}}
	p.pgid, p.sid = parent.pgid, parent.sid
	p.mayReboot = parent.mayReboot
	p.handlers = newSigHandlers()
	p.rlimits = parent.rlimits
	p.start = k.Monotonic()
	p.umask = 0o022
	t := k.newTask(p, pid)
	t.fs, t.fds = fsctx, fds
	p.leader = t
	p.threads[pid] = t
	parent.children[pid] = p
	k.procs[pid] = p
	k.tasks[pid] = t
	k.nprocs++
	k.mu.Unlock()
	return t, nil
}

// abandon undoes newProcessTask for a task that never ran.
func (k *Kernel) abandon(t *Task) {
	k.mu.Lock()
	p := t.proc
	delete(p.threads, t.tid)
	delete(k.tasks, t.tid)
	if p.parent != nil {
		delete(p.parent.children, p.pid)
	}
	delete(k.procs, p.pid)
	k.nprocs--
	k.mu.Unlock()
	t.releaseResources()
}

// reapLocked removes a zombie from the tables.
func (k *Kernel) reapLocked(p *Process) {
	if !p.zombie {
		return
	}
	if p.parent != nil {
		delete(p.parent.children, p.pid)
		u, s := p.CPUTimeLockedExited()
		p.parent.infoMu.Lock()
		p.parent.childUser += u
		p.parent.childSys += s
		p.parent.infoMu.Unlock()
	}
	delete(k.procs, p.pid)
	k.nprocs--
}

// CPUTimeLockedExited returns the CPU time of an exited process (all its
// threads are dead).
func (p *Process) CPUTimeLockedExited() (user, sys time.Duration) {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	return p.deadUser + p.childUser, p.deadSys + p.childSys
}

// threadExited is called by a task leaving its process. The last thread
// out turns the process into a zombie.
func (k *Kernel) threadExited(t *Task, status int) {
	k.mu.Lock()
	p := t.proc
	delete(p.threads, t.tid)
	delete(k.tasks, t.tid)
	u, s := t.CPUTime()
	p.infoMu.Lock()
	p.deadUser += u
	p.deadSys += s
	p.infoMu.Unlock()
	if len(p.threads) > 0 {
		if p.leader == t {
			p.leader = nil
			for _, other := range p.threads {
				p.leader = other
				break
			}
		}
		k.mu.Unlock()
		return
	}
	if p.exiting {
		status = p.groupCode
	}
	p.zombie = true
	p.status = status
	p.leader = nil
	// Orphans go to init. The kernel's own init reaps the ones that are
	// already dead; a user init (StartInit) is told and reaps them itself.
	userInit := k.userInit.Load()
	orphanZombies := false
	if p != k.init {
		for pid, c := range p.children {
			c.parent = k.init
			k.init.children[pid] = c
			if c.zombie && c.hostWait == nil {
				if userInit {
					orphanZombies = true
				} else {
					k.reapLocked(c)
				}
			}
		}
		p.children = map[int]*Process{}
	}
	parent := p.parent
	autoReap := false
	if parent == k.init && p.hostWait == nil && !userInit {
		autoReap = true
	}
	if !autoReap && parent != nil {
		parent.sigMu.Lock()
		noWait := parent.handlers.get(abi.SIGCHLD).Handler == abi.SIG_IGN ||
			parent.handlers.get(abi.SIGCHLD).Flags&abi.SA_NOCLDWAIT != 0
		parent.sigMu.Unlock()
		if noWait && p.hostWait == nil {
			autoReap = true
		}
	}
	if autoReap {
		k.reapLocked(p)
	}
	hostWait := p.hostWait
	leader := p.sid == p.pid
	k.mu.Unlock()

	if leader {
		k.sessionEnded(p.pid)
	}
	if orphanZombies {
		k.init.childEvents.Notify(waiter.EventIn)
	}
	if parent != nil && (parent != k.init || userInit) {
		code, st := abi.CLD_EXITED, status>>8&0xff
		if status&0x7f != 0 {
			code, st = abi.CLD_KILLED, status&0x7f
			if status&0x80 != 0 {
				code = abi.CLD_DUMPED
			}
		}
		k.sendSignalProcess(parent, abi.SIGCHLD, &SigInfo{Signo: abi.SIGCHLD, Code: int32(code), PID: int32(p.pid), Status: int32(st)})
		parent.childEvents.Notify(waiter.EventIn)
	}
	if hostWait != nil {
		close(hostWait)
	}
}

// SetPGID moves process pid (0: the caller) into process group pgid (0:
// its own PID), as setpgid(2) does.
func (k *Kernel) SetPGID(caller *Process, pid, pgid int) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := caller
	if pid != 0 && pid != caller.pid {
		p = k.procs[pid]
		if p == nil || p.parent != caller {
			return abi.ESRCH
		}
		if p.sid != caller.sid {
			return abi.EPERM
		}
	}
	if pgid == 0 {
		pgid = p.pid
	}
	if pgid < 0 {
		return abi.EINVAL
	}
	if p.sid == p.pid {
		return abi.EPERM // a session leader cannot move
	}
	if pgid != p.pid {
		found := false
		for _, q := range k.procs {
			if q.pgid == pgid && q.sid == p.sid && !q.zombie {
				found = true
				break
			}
		}
		if !found {
			return abi.EPERM
		}
	}
	p.pgid = pgid
	return nil
}

// SetSID makes the caller the leader of a new session and process group.
func (k *Kernel) SetSID(p *Process) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, q := range k.procs {
		if q.pgid == p.pid && q != p {
			return 0, abi.EPERM
		}
	}
	if p.pgid == p.pid {
		return 0, abi.EPERM
	}
	p.sid, p.pgid = p.pid, p.pid
	return p.pid, nil
}

// PGIDOf returns the process group of pid.
func (k *Kernel) PGIDOf(pid int) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := k.procs[pid]
	if p == nil {
		return 0, abi.ESRCH
	}
	return p.pgid, nil
}

// SIDOf returns the session of pid.
func (k *Kernel) SIDOf(pid int) (int, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := k.procs[pid]
	if p == nil {
		return 0, abi.ESRCH
	}
	return p.sid, nil
}
