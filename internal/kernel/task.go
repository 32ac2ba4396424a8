package kernel

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"sos/internal/abi"
	"sos/internal/mm"
	"sos/internal/riscv"
	"sos/internal/vfs"
)

// Task is a user thread, run by its own goroutine (DESIGN.md: one
// goroutine per user thread). The goroutine loops: get a hart, run user
// code until a trap, handle the trap in Go, deliver signals, repeat.
type Task struct {
	k    *Kernel
	tid  int
	proc *Process

	// Owned by the task goroutine.
	ctx riscv.Context
	hs  *hartState // the hart held, or nil
	// slice is what is left of the task's time slice on hs, in
	// instructions: system calls do not renew it, so a thread that makes
	// one every few thousand instructions still yields to tasks waiting
	// for its hart.
	slice      uint64
	origA0     uint64 // a0 at system-call entry, for restarts
	restarting bool   // a0 holds a system call's result that may ask for a restart
	clearTID   uint64 // CLONE_CHILD_CLEARTID / set_tid_address
	exitCode   int    // wait status for a thread exit(2)
	robustList uint64
	vforkDone  chan struct{} // closed when a vfork child execs or exits

	// mu guards the resources other goroutines read (/proc, kill).
	mu  sync.Mutex
	mm  *mm.AddressSpace
	fds *vfs.FDTable
	fs  *vfs.FSContext

	// Signal state, guarded by proc.sigMu.
	sigMask      abi.SigSet
	pending      sigQueue
	savedMask    abi.SigSet // restored after a handler for sigsuspend/pselect
	hasSavedMask bool
	altStack     SigStack

	// interrupt is poked when something may need the task's attention:
	// a signal, a stop, an exit. Blocking waits select on it.
	interrupt chan struct{}
	// exitNow is set when the task must exit at its next chance (group
	// exit, SIGKILL, exec by another thread).
	exitNow atomic.Bool
	// attention is set whenever something may change what happens on the
	// way back to user mode (a signal queued or unblocked, a stop, an
	// exit); while it is clear, the return path skips the signal code.
	attention atomic.Bool

	// Scheduling, guarded by Scheduler.mu.
	affinity uint64
	lastHart int
	grant    chan *hartState
	// preempt asks the task to yield its hart at once (set by a waking
	// task, see sched.go; atomic, read by the task without the lock).
	preempt atomic.Bool

	// CPU time in nanoseconds (atomic: read by other tasks).
	userNS atomic.Int64
	sysNS  atomic.Int64
	state  atomic.Int32 // a TaskState

	done chan struct{} // closed when the goroutine has finished
}

// TaskState is what /proc shows as a thread's state.
type TaskState int32

const (
	TaskRunning  TaskState = iota // on a hart or waiting for one
	TaskSleeping                  // blocked in the kernel
	TaskStopped                   // stopped by a signal
)

func (k *Kernel) newTask(p *Process, tid int) *Task {
	t := &Task{
		k: k, tid: tid, proc: p,
		interrupt: make(chan struct{}, 1),
		grant:     make(chan *hartState),
		affinity:  k.sched.allMask(),
		done:      make(chan struct{}),
	}
	return t
}

// TID returns the thread id.
func (t *Task) TID() int { return t.tid }

// PID returns the process id (for vfs.Context).
func (t *Task) PID() int { return t.proc.pid }

// Process returns the task's process.
func (t *Task) Process() *Process { return t.proc }

// Kernel returns the kernel.
func (t *Task) Kernel() *Kernel { return t.k }

// Regs returns the task's registers. Only the task goroutine may use them.
func (t *Task) Regs() *riscv.Context { return &t.ctx }

// MM returns the task's address space.
func (t *Task) MM() *mm.AddressSpace {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.mm
}

// FDs returns the task's descriptor table.
func (t *Task) FDs() *vfs.FDTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fds
}

// FS returns the task's file-system context (root, cwd, umask).
func (t *Task) FS() *vfs.FSContext {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.fs
}

// Hart returns the hart the task last ran on.
func (t *Task) Hart() int {
	t.k.sched.mu.Lock()
	defer t.k.sched.mu.Unlock()
	return t.lastHart
}

// Affinity returns the set of harts the task may run on.
func (t *Task) Affinity() uint64 {
	t.k.sched.mu.Lock()
	defer t.k.sched.mu.Unlock()
	return t.affinity
}

// SetAffinity restricts the task to the harts in mask (EINVAL if none
// exists). A running task moves at its next time slice.
func (t *Task) SetAffinity(mask uint64) error {
	mask &= t.k.sched.allMask()
	if mask == 0 {
		return abi.EINVAL
	}
	t.k.sched.mu.Lock()
	t.affinity = mask
	t.k.sched.mu.Unlock()
	return nil
}

// SetOwnAffinity is SetAffinity called by the task itself: if its hart is
// no longer allowed, it gives the hart up and gets an allowed one before
// running user code again.
func (t *Task) SetOwnAffinity(mask uint64) error {
	if err := t.SetAffinity(mask); err != nil {
		return err
	}
	if t.hs != nil && t.Affinity()&(1<<t.hs.id) == 0 {
		t.ReleaseHart()
	}
	return nil
}

// State returns the task's scheduling state.
func (t *Task) State() TaskState { return TaskState(t.state.Load()) }

// CPUTime returns the task's user and system time.
func (t *Task) CPUTime() (user, sys time.Duration) {
	return time.Duration(t.userNS.Load()), time.Duration(t.sysNS.Load())
}

// Instret returns the instructions the task has retired.
func (t *Task) Instret() uint64 { return atomic.LoadUint64(&t.ctx.Instret) }

// start launches the task's goroutine.
func (t *Task) start() { go t.run() }

// Done is closed when the task has exited.
func (t *Task) Done() <-chan struct{} { return t.done }

func (t *Task) run() {
	defer close(t.done)
	for {
		if t.exitNow.Load() {
			t.exit(0, false)
			return
		}
		if t.attention.Load() || t.restarting {
			if !t.handleSignals() {
				return // the task exited
			}
		}
		if t.hs == nil {
			t.hs = t.k.sched.acquire(t, true)
			t.slice = t.k.cfg.Slice
		}
		if t.slice == 0 {
			// Spent, by a Budget trap or by runs that ended in system
			// calls: others' turn.
			t.yieldHart()
		}
		h := t.hs.hart
		h.SetSatp(t.mm.Satp())
		before := t.ctx.Instret
		start := time.Now()
		trap := h.Run(&t.ctx, t.slice)
		end := time.Now()
		t.userNS.Add(int64(end.Sub(start)))
		ran := t.ctx.Instret - before
		t.k.instret.Add(ran)
		t.slice -= min(ran, t.slice)
		t.handleTrap(trap)
		t.sysNS.Add(int64(time.Since(end)))
	}
}

// handleTrap deals with why the hart stopped.
func (t *Task) handleTrap(trap riscv.Trap) {
	switch trap.Cause {
	case riscv.EcallU:
		t.ctx.PC += 4
		t.origA0 = t.ctx.X[10]
		t.k.cfg.Personality.Syscall(t)
		// Only a result asking for a restart needs the signal code's
		// attention on the way out.
		switch abi.Errno(-int64(t.ctx.X[10])) {
		case abi.ERESTARTSYS, abi.ERESTARTNOINTR, abi.ERESTARTNOHAND, abi.ERESTART_RESTARTBLOCK:
			t.restarting = true
		}
	case riscv.Budget:
		// The slice is spent (Run stops only past it, so t.slice is 0):
		// run yields before the next one.
	case riscv.Interrupted:
		// Signals are looked at before returning to user code. A
		// waking task may have asked for this hart (see sched.go).
		if t.preempt.Load() {
			t.yieldHart()
		}
	case riscv.LoadPageFault, riscv.StorePageFault, riscv.InstPageFault:
		acc := riscv.Read
		switch trap.Cause {
		case riscv.StorePageFault:
			acc = riscv.Write
		case riscv.InstPageFault:
			acc = riscv.Exec
		}
		err := t.mm.HandleFault(trap.Tval, acc)
		var f *mm.Fault
		switch {
		case err == nil:
		case errors.As(err, &f):
			t.fault(trap, &SigInfo{Signo: abi.SIGSEGV, Code: int32(f.Code), Addr: trap.Tval})
		case errors.Is(err, mm.ErrNoMemory):
			t.k.outOfMemory(t)
		default:
			t.fault(trap, &SigInfo{Signo: abi.SIGBUS, Code: abi.BUS_ADRERR, Addr: trap.Tval})
		}
	case riscv.IllegalInst:
		t.fault(trap, &SigInfo{Signo: abi.SIGILL, Code: abi.ILL_ILLOPC, Addr: trap.PC})
	case riscv.Breakpoint:
		t.fault(trap, &SigInfo{Signo: abi.SIGTRAP, Code: abi.TRAP_BRKPT, Addr: trap.PC})
	case riscv.LoadMisaligned, riscv.StoreMisaligned, riscv.InstMisaligned:
		t.fault(trap, &SigInfo{Signo: abi.SIGBUS, Code: abi.BUS_ADRALN, Addr: trap.Tval})
	default: // access faults: physical addresses outside RAM
		t.fault(trap, &SigInfo{Signo: abi.SIGBUS, Code: abi.BUS_ADRERR, Addr: trap.Tval})
	}
}

// fault raises the signal a trap means. If the program has no handler
// for it, so that it will die of it, the kernel log says where, as
// Linux's show_unhandled_signals does (a Go program handles its faults
// and prints its own report).
func (t *Task) fault(trap riscv.Trap, info *SigInfo) {
	if t.forceSignal(info) {
		_, _, _, name := t.proc.Info()
		t.k.Logf("%s[%d]: %v: %v", name, t.proc.pid, info.Signo, trap)
	}
}

// outOfMemory kills t's process: no frame was left for its page fault.
func (k *Kernel) outOfMemory(t *Task) {
	_, _, _, name := t.proc.Info()
	used, free := k.frames.Stats()
	k.Logf("out of memory: killed process %d (%s) (%d frames used, %d free)", t.proc.pid, name, used, free)
	k.sendSignalProcess(t.proc, abi.SIGKILL, &SigInfo{Signo: abi.SIGKILL, Code: abi.SI_KERNEL})
}

// ReleaseHart gives up the task's hart while it waits in the kernel.
func (t *Task) ReleaseHart() {
	if t.hs != nil {
		t.k.sched.release(t.hs)
		t.hs = nil
	}
}

// Yield gives other tasks a turn (sched_yield).
func (t *Task) Yield() {
	if t.hs != nil {
		t.yieldHart()
	}
}

// yieldHart ends t's time slice: tasks waiting for its hart get a turn,
// and t starts a fresh slice on the hart it holds next.
func (t *Task) yieldHart() {
	t.hs = t.k.sched.yield(t, t.hs)
	t.slice = t.k.cfg.Slice
}

// Block waits, without holding a hart, until ch is ready, the kernel
// monotonic deadline passes (if deadline is non-nil: ETIMEDOUT), or the
// task is interrupted by a signal or told to exit (ERESTARTSYS; the
// caller may turn that into another restart code).
func (t *Task) Block(ch <-chan struct{}, deadline *time.Duration) error {
	t.ReleaseHart()
	t.state.Store(int32(TaskSleeping))
	defer t.state.Store(int32(TaskRunning))
	var timeout chan struct{}
	if deadline != nil {
		timeout = make(chan struct{})
		tm := t.k.timers.At(*deadline, func() { close(timeout) })
		defer t.k.timers.Cancel(tm)
	}
	for {
		if t.Interrupted() {
			return abi.ERESTARTSYS
		}
		select {
		case <-ch:
			return nil
		case <-timeout:
			return abi.ETIMEDOUT
		case <-t.interrupt:
		}
	}
}

// Sleep waits until the kernel monotonic deadline, or until interrupted.
func (t *Task) Sleep(deadline time.Duration) error {
	err := t.Block(nil, &deadline)
	if err == abi.ETIMEDOUT {
		return nil
	}
	return err
}

// Interrupted reports whether the task has a reason to stop waiting: a
// pending signal it does not block, a stop, or an exit.
func (t *Task) Interrupted() bool {
	if t.exitNow.Load() {
		return true
	}
	p := t.proc
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	return t.deliverableLocked() != 0
}

// kick makes the task look at its signals soon: it wakes a blocking wait
// and interrupts user code running on a hart.
func (t *Task) kick() {
	t.attention.Store(true)
	select {
	case t.interrupt <- struct{}{}:
	default:
	}
	s := t.k.sched
	s.mu.Lock()
	for _, hs := range s.harts {
		if hs.owner == t {
			hs.hart.Interrupt()
		}
	}
	s.mu.Unlock()
}

// releaseResources drops the task's address space, descriptors and file
// context references.
func (t *Task) releaseResources() {
	t.mu.Lock()
	as, fds := t.mm, t.fds
	t.mm, t.fds = nil, nil
	t.mu.Unlock()
	if fds != nil {
		fds.DecRef()
	}
	if as != nil {
		t.k.putMM(as)
	}
}

// SetClearTID sets the address cleared (and woken) when the task exits.
func (t *Task) SetClearTID(va uint64) { t.clearTID = va }

// SetRobustList records the robust futex list head.
func (t *Task) SetRobustList(va uint64) { t.robustList = va }

// RobustList returns the robust futex list head.
func (t *Task) RobustList() uint64 { return t.robustList }
