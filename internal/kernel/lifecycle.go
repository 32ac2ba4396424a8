package kernel

import (
	"encoding/binary"
	"sos/internal/riscv"
	"time"

	"sos/internal/abi"
	"sos/internal/mm"
	"sos/internal/waiter"
)

// Creating tasks (clone, fork, vfork), ending them (exit, exit_group) and
// collecting children (wait4, waitid).

// CloneArgs are clone(2)'s arguments.
type CloneArgs struct {
	Flags      uint64
	Stack      uint64 // new stack pointer, 0 to keep the parent's
	ParentTID  uint64
	ChildTID   uint64
	TLS        uint64
	ExitSignal abi.Signal
}

const unsupportedClone = abi.CLONE_NEWNS | abi.CLONE_NEWCGROUP | abi.CLONE_NEWUTS | abi.CLONE_NEWIPC |
	abi.CLONE_NEWUSER | abi.CLONE_NEWPID | abi.CLONE_NEWNET | abi.CLONE_PTRACE | abi.CLONE_UNTRACED

// maxTasks bounds the number of threads in the whole system.
const maxTasks = 8192

// Clone creates a thread or a process from the calling task and returns
// the new TID. With CLONE_VFORK it returns only once the child has exec'ed
// or exited.
func (t *Task) Clone(a CloneArgs) (int, error) {
	f := a.Flags
	switch {
	case f&unsupportedClone != 0:
		return 0, abi.EPERM
	case f&abi.CLONE_PIDFD != 0:
		return 0, abi.EINVAL // pidfds are not supported; Go falls back
	case f&abi.CLONE_THREAD != 0 && f&abi.CLONE_SIGHAND == 0:
		return 0, abi.EINVAL
	case f&abi.CLONE_SIGHAND != 0 && f&abi.CLONE_VM == 0:
		return 0, abi.EINVAL
	}
	k := t.k
	p := t.proc

	// Memory.
	var as *mm.AddressSpace
	if f&abi.CLONE_VM != 0 {
		as = t.mm
	} else {
		var err error
		if as, err = t.mm.Fork(); err != nil {
			return 0, abi.ENOMEM
		}
		as.Flush = k.shootDown(as)
	}
	k.getMM(as)
	// Files and file-system context.
	fds := t.FDs()
	if f&abi.CLONE_FILES != 0 {
		fds.IncRef()
	} else {
		fds = fds.Fork()
	}
	fsctx := t.FS()
	if f&abi.CLONE_FS == 0 {
		fsctx = fsctx.Fork()
	}

	var child *Task
	if f&abi.CLONE_THREAD != 0 {
		k.mu.Lock()
		if len(k.tasks) >= maxTasks || p.exiting {
			k.mu.Unlock()
			k.putMM(as)
			fds.DecRef()
			return 0, abi.EAGAIN
		}
		tid := k.allocPIDLocked()
		child = k.newTask(p, tid)
		p.threads[tid] = child
		k.tasks[tid] = child
		k.mu.Unlock()
		child.fs, child.fds, child.mm = fsctx, fds, as
	} else {
		parent := p
		if f&abi.CLONE_PARENT != 0 && p.Parent() != nil {
			parent = p.Parent()
		}
		var err error
		child, err = k.newProcessTask(parent, fsctx, fds)
		if err != nil {
			k.putMM(as)
			fds.DecRef()
			return 0, err
		}
		child.mm = as
		cp := child.proc
		p.sigMu.Lock()
		if f&abi.CLONE_SIGHAND != 0 {
			cp.handlers = p.handlers
		} else {
			cp.handlers = p.handlers.clone()
		}
		p.sigMu.Unlock()
		p.infoMu.Lock()
		cp.exe, cp.args, cp.env, cp.name = p.exe, p.args, p.env, p.name
		cp.rlimits, cp.umask = p.rlimits, p.umask
		p.infoMu.Unlock()
	}

	child.ctx = t.ctx
	child.ctx.X[10] = 0
	if a.Stack != 0 {
		child.ctx.X[2] = a.Stack
	}
	if f&abi.CLONE_SETTLS != 0 {
		child.ctx.X[4] = a.TLS
	}
	p.sigMu.Lock()
	child.sigMask = t.sigMask
	if f&abi.CLONE_VM == 0 || f&abi.CLONE_VFORK != 0 {
		child.altStack = t.altStack
	} else {
		child.altStack = SigStack{Flags: abi.SS_DISABLE}
	}
	p.sigMu.Unlock()
	k.sched.mu.Lock()
	child.affinity, child.lastHart = t.affinity, t.lastHart
	k.sched.mu.Unlock()

	var tidBuf [4]byte
	binary.LittleEndian.PutUint32(tidBuf[:], uint32(child.tid))
	if f&abi.CLONE_PARENT_SETTID != 0 {
		if err := t.mm.CopyOut(a.ParentTID, tidBuf[:]); err != nil {
			k.abandon(child)
			return 0, err
		}
	}
	if f&abi.CLONE_CHILD_SETTID != 0 {
		if err := as.CopyOut(a.ChildTID, tidBuf[:]); err != nil {
			k.abandon(child)
			return 0, err
		}
	}
	if f&abi.CLONE_CHILD_CLEARTID != 0 {
		child.clearTID = a.ChildTID
	}
	var vfork chan struct{}
	if f&abi.CLONE_VFORK != 0 {
		vfork = make(chan struct{})
		child.vforkDone = vfork
	}
	tid := child.tid
	child.start()
	if vfork != nil {
		// The parent waits, killably, for the child to exec or exit.
		t.ReleaseHart()
		for {
			select {
			case <-vfork:
				return tid, nil
			case <-t.interrupt:
				if t.exitNow.Load() {
					return tid, nil
				}
			}
		}
	}
	return tid, nil
}

// finishVfork wakes a vfork parent.
func (t *Task) finishVfork() {
	if t.vforkDone != nil {
		close(t.vforkDone)
		t.vforkDone = nil
	}
}

// getMM and putMM count the tasks using an address space; the last one
// out releases it.
func (k *Kernel) getMM(as *mm.AddressSpace) {
	k.mu.Lock()
	if k.mmUsers == nil {
		k.mmUsers = make(map[*mm.AddressSpace]int)
	}
	k.mmUsers[as]++
	k.mu.Unlock()
}

func (k *Kernel) putMM(as *mm.AddressSpace) {
	k.mu.Lock()
	k.mmUsers[as]--
	last := k.mmUsers[as] <= 0
	if last {
		delete(k.mmUsers, as)
	}
	k.mu.Unlock()
	if last {
		// Harts keep translations across a change of satp to the same
		// value, and the next address space may get this one's root
		// table frame: forget this one's translations first.
		as.Flush(riscv.FlushAllKind, 0)
		as.Release()
	}
}

// Exit ends the calling thread (exit(2)) with code.
func (t *Task) Exit(code int) {
	t.exitCode = exitStatus(code)
	t.exitNow.Store(true)
}

// ExitGroup ends the calling process (exit_group(2)).
func (t *Task) ExitGroup(code int) {
	t.k.groupExit(t.proc, exitStatus(code))
}

// exit runs on the task goroutine as it leaves.
func (t *Task) exit(int, bool) {
	t.ReleaseHart()
	if t.clearTID != 0 && t.mm != nil {
		var zero [4]byte
		if t.mm.CopyOut(t.clearTID, zero[:]) == nil {
			t.FutexWake(t.clearTID, 1, abi.FUTEX_BITSET_MATCH_ANY, true)
			t.FutexWake(t.clearTID, 1, abi.FUTEX_BITSET_MATCH_ANY, false)
		}
	}
	t.finishVfork()
	status := t.exitCode
	t.releaseResources()
	t.k.threadExited(t, status)
}

// WaitResult describes a child's state change.
type WaitResult struct {
	PID    int
	Status int // the wait(2) status word
	// Code and Signo are waitid's si_code and si_status.
	Code      int
	Status2   int
	UID       uint32
	User, Sys time.Duration
}

// Wait waits for a child to change state, as wait4 and waitid do. pid
// selects the children: > 0 that child, -1 any, 0 the caller's process
// group, < -1 process group -pid. options are abi.W*, WEXITED included
// when exits are wanted (wait4 implies it). With WNOHANG and no child
// ready it returns a zero WaitResult.
func (t *Task) Wait(pid int, options int) (WaitResult, error) {
	k := t.k
	p := t.proc
	e := waiter.NewEntry(waiter.EventIn)
	p.childEvents.EventRegister(e)
	defer p.childEvents.EventUnregister(e)
	for {
		res, found, ready := k.scanChildren(p, pid, options)
		if !found {
			return WaitResult{}, abi.ECHILD
		}
		if ready {
			return res, nil
		}
		if options&abi.WNOHANG != 0 {
			return WaitResult{}, nil
		}
		if err := t.Block(e.C, nil); err != nil {
			return WaitResult{}, err
		}
	}
}

// scanChildren looks for a child matching pid with a state change options
// asks for, consuming it.
func (k *Kernel) scanChildren(p *Process, pid, options int) (res WaitResult, found, ready bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	exited := options&abi.WEXITED != 0 // wait4 callers add it; waitid's say it
	for _, c := range p.children {
		switch {
		case pid > 0 && c.pid != pid:
			continue
		case pid == 0 && c.pgid != p.pgid:
			continue
		case pid < -1 && c.pgid != -pid:
			continue
		}
		found = true
		switch {
		case c.zombie && exited:
			res = WaitResult{PID: c.pid, Status: c.status}
			res.User, res.Sys = c.CPUTimeLockedExited()
			if c.status&0x7f == 0 {
				res.Code, res.Status2 = abi.CLD_EXITED, c.status>>8&0xff
			} else {
				res.Code, res.Status2 = abi.CLD_KILLED, c.status&0x7f
				if c.status&0x80 != 0 {
					res.Code = abi.CLD_DUMPED
				}
			}
			if options&abi.WNOWAIT == 0 && c.hostWait == nil {
				k.reapLocked(c)
			}
			return res, true, true
		case c.event == abi.CLD_STOPPED && options&abi.WUNTRACED != 0 && c.stopped:
			res = WaitResult{PID: c.pid, Status: c.status, Code: abi.CLD_STOPPED, Status2: c.status >> 8 & 0xff}
			if options&abi.WNOWAIT == 0 {
				c.event = 0
			}
			return res, true, true
		case c.event == abi.CLD_CONTINUED && options&abi.WCONTINUED != 0:
			res = WaitResult{PID: c.pid, Status: 0xffff, Code: abi.CLD_CONTINUED, Status2: int(abi.SIGCONT)}
			if options&abi.WNOWAIT == 0 {
				c.event = 0
			}
			return res, true, true
		}
	}
	return res, found, false
}
