package kernel

import (
	"encoding/binary"
	"time"

	"sos/internal/abi"
	"sos/internal/riscv"
)

// Signals: dispositions, pending queues, sending, and delivery on the way
// back to user mode with the Linux riscv64 signal frame.

// SigAction is a signal's disposition (the kernel's struct sigaction).
type SigAction struct {
	Handler  uint64 // abi.SIG_DFL, abi.SIG_IGN or a handler address
	Flags    uint64
	Restorer uint64
	Mask     abi.SigSet
}

// SigStack is an alternate signal stack (stack_t).
type SigStack struct {
	SP    uint64
	Flags int32
	Size  uint64
}

func (s SigStack) contains(sp uint64) bool {
	return s.Flags&abi.SS_DISABLE == 0 && s.Size != 0 && sp > s.SP && sp-s.SP <= s.Size
}

// SigInfo is the information delivered with a signal (siginfo_t).
type SigInfo struct {
	Signo  abi.Signal
	Errno  int32
	Code   int32
	PID    int32  // sender, or the child for SIGCHLD
	UID    uint32 // sender's user
	Status int32  // SIGCHLD: exit code or signal
	Addr   uint64 // faults: the address
	Value  uint64 // sigqueue value, timer id
}

// Marshal encodes the siginfo_t layout of Linux riscv64 (128 bytes).
func (si *SigInfo) Marshal() []byte {
	b := make([]byte, 128)
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(si.Signo))
	le.PutUint32(b[4:], uint32(si.Errno))
	le.PutUint32(b[8:], uint32(si.Code))
	switch {
	case si.Signo == abi.SIGSEGV || si.Signo == abi.SIGBUS || si.Signo == abi.SIGILL ||
		si.Signo == abi.SIGFPE || si.Signo == abi.SIGTRAP:
		if si.Code > 0 {
			le.PutUint64(b[16:], si.Addr)
			break
		}
		fallthrough
	default:
		le.PutUint32(b[16:], uint32(si.PID))
		le.PutUint32(b[20:], si.UID)
		if si.Signo == abi.SIGCHLD && si.Code > 0 {
			le.PutUint32(b[24:], uint32(si.Status))
		} else {
			le.PutUint64(b[24:], si.Value)
		}
	}
	return b
}

// sigHandlers is the disposition table, shared by CLONE_SIGHAND.
type sigHandlers struct {
	acts [abi.NSIG]SigAction
}

func newSigHandlers() *sigHandlers { return &sigHandlers{} }

func (h *sigHandlers) get(sig abi.Signal) SigAction { return h.acts[sig-1] }

func (h *sigHandlers) clone() *sigHandlers {
	c := *h
	return &c
}

// sigQueue is a set of pending signals with their information: one
// instance of each standard signal, a queue of each real-time one.
type sigQueue struct {
	set   abi.SigSet
	infos []*SigInfo
}

func (q *sigQueue) add(info *SigInfo) {
	sig := info.Signo
	if sig < abi.SIGRTMIN && q.set&sig.Mask() != 0 {
		return // standard signals do not queue
	}
	q.set |= sig.Mask()
	q.infos = append(q.infos, info)
}

// take removes and returns the first pending instance of sig.
func (q *sigQueue) take(sig abi.Signal) *SigInfo {
	var got *SigInfo
	rest := q.infos[:0]
	still := false
	for _, info := range q.infos {
		switch {
		case info.Signo != sig:
			rest = append(rest, info)
		case got == nil:
			got = info
		default:
			rest = append(rest, info)
			still = true
		}
	}
	clear(q.infos[len(rest):])
	q.infos = rest
	if !still {
		q.set &^= sig.Mask()
	}
	if got == nil {
		got = &SigInfo{Signo: sig, Code: abi.SI_KERNEL}
	}
	return got
}

// discard drops every pending instance of the signals in set.
func (q *sigQueue) discard(set abi.SigSet) {
	for sig := abi.Signal(1); sig <= abi.NSIG; sig++ {
		if set&sig.Mask() != 0 && q.set&sig.Mask() != 0 {
			for q.set&sig.Mask() != 0 {
				q.take(sig)
			}
		}
	}
}

// lowest returns the lowest signal in set, synchronous fault signals first
// as Linux delivers them.
func lowest(set abi.SigSet) abi.Signal {
	const sync = abi.SigSet(1<<(abi.SIGSEGV-1) | 1<<(abi.SIGBUS-1) | 1<<(abi.SIGILL-1) | 1<<(abi.SIGTRAP-1) | 1<<(abi.SIGFPE-1) | 1<<(abi.SIGSYS-1))
	if s := set & sync; s != 0 {
		set = s
	}
	for sig := abi.Signal(1); sig <= abi.NSIG; sig++ {
		if set&sig.Mask() != 0 {
			return sig
		}
	}
	return 0
}

// deliverableLocked returns the pending signals t does not block.
func (t *Task) deliverableLocked() abi.SigSet {
	return (t.pending.set | t.proc.pending.set) &^ (t.sigMask &^ abi.UnblockableSignals)
}

// ignoredLocked reports whether sig would be discarded on arrival: its
// disposition ignores it (explicitly, or by default).
func (p *Process) ignoredLocked(sig abi.Signal) bool {
	act := p.handlers.get(sig)
	switch act.Handler {
	case abi.SIG_IGN:
		return sig != abi.SIGKILL && sig != abi.SIGSTOP
	case abi.SIG_DFL:
		return sig.Default() == abi.ActIgnore
	}
	return false
}

// sendSignalProcess queues a process-directed signal and wakes a thread
// that can take it.
func (k *Kernel) sendSignalProcess(p *Process, sig abi.Signal, info *SigInfo) {
	if info == nil {
		info = &SigInfo{Signo: sig, Code: abi.SI_KERNEL}
	}
	info.Signo = sig
	k.mu.Lock()
	zombie := p.zombie
	threads := make([]*Task, 0, len(p.threads))
	for _, t := range p.threads {
		threads = append(threads, t)
	}
	k.mu.Unlock()
	if zombie || len(threads) == 0 {
		return
	}
	p.sigMu.Lock()
	k.prepareSignalLocked(p, sig)
	if p.ignoredLocked(sig) && sig != abi.SIGCONT {
		p.sigMu.Unlock()
		return
	}
	if sig == abi.SIGKILL {
		p.sigMu.Unlock()
		k.groupExit(p, signalStatus(abi.SIGKILL, false))
		return
	}
	if sig == abi.SIGCONT && p.ignoredLocked(sig) {
		p.sigMu.Unlock()
		return
	}
	p.pending.add(info)
	// Wake a thread that does not block the signal (or all, if none:
	// the first to unblock it takes it).
	var target []*Task
	for _, t := range threads {
		if t.sigMask&sig.Mask() == 0 {
			target = []*Task{t}
			break
		}
	}
	p.sigMu.Unlock()
	for _, t := range target {
		t.kick()
	}
}

// prepareSignalLocked applies the side effects a signal has on arrival:
// SIGCONT resumes a stopped process and cancels pending stops; a stop
// signal cancels a pending SIGCONT.
func (k *Kernel) prepareSignalLocked(p *Process, sig abi.Signal) {
	const stops = abi.SigSet(1<<(abi.SIGSTOP-1) | 1<<(abi.SIGTSTP-1) | 1<<(abi.SIGTTIN-1) | 1<<(abi.SIGTTOU-1))
	switch {
	case sig == abi.SIGCONT:
		p.pending.discard(stops)
		k.mu.Lock()
		threads := make([]*Task, 0, len(p.threads))
		for _, t := range p.threads {
			t.pending.discard(stops)
			threads = append(threads, t)
		}
		wasStopped := p.stopped
		p.stopped = false
		if wasStopped {
			p.event = abi.CLD_CONTINUED
		}
		parent := p.parent
		k.mu.Unlock()
		for _, t := range threads {
			t.kick()
		}
		if wasStopped && parent != nil {
			go k.notifyParent(p, parent, abi.CLD_CONTINUED, abi.SIGCONT)
		}
	case stops&sig.Mask() != 0:
		p.pending.discard(abi.SIGCONT.Mask())
	}
}

// notifyParent tells a parent that a child stopped or continued.
func (k *Kernel) notifyParent(p, parent *Process, code int, sig abi.Signal) {
	parent.sigMu.Lock()
	noStop := parent.handlers.get(abi.SIGCHLD).Flags&abi.SA_NOCLDSTOP != 0
	parent.sigMu.Unlock()
	if !noStop {
		k.sendSignalProcess(parent, abi.SIGCHLD, &SigInfo{Signo: abi.SIGCHLD, Code: int32(code), PID: int32(p.pid), Status: int32(sig)})
	}
	parent.childEvents.Notify(1)
}

// SendSignalTask queues a thread-directed signal (tgkill, tkill).
func (k *Kernel) SendSignalTask(t *Task, sig abi.Signal, info *SigInfo) {
	if info == nil {
		info = &SigInfo{Signo: sig, Code: abi.SI_TKILL}
	}
	info.Signo = sig
	p := t.proc
	p.sigMu.Lock()
	k.prepareSignalLocked(p, sig)
	if sig == abi.SIGKILL {
		p.sigMu.Unlock()
		k.groupExit(p, signalStatus(abi.SIGKILL, false))
		return
	}
	if p.ignoredLocked(sig) {
		p.sigMu.Unlock()
		return
	}
	t.pending.add(info)
	p.sigMu.Unlock()
	t.kick()
}

// forceSignal delivers a synchronous signal caused by t's own instruction
// (a fault): if t blocks or ignores it, it is reset to the default action
// and unblocked, as Linux's force_sig does, so the fault cannot loop.
// It reports whether the signal will take its default action.
func (t *Task) forceSignal(info *SigInfo) (dfl bool) {
	p := t.proc
	sig := info.Signo
	p.sigMu.Lock()
	act := p.handlers.get(sig)
	dfl = act.Handler == abi.SIG_DFL
	if act.Handler == abi.SIG_IGN || t.sigMask&sig.Mask() != 0 {
		p.handlers.acts[sig-1].Handler = abi.SIG_DFL
		t.sigMask &^= sig.Mask()
		dfl = true
	}
	t.pending.add(info)
	p.sigMu.Unlock()
	t.attention.Store(true)
	return dfl
}

// groupExit makes every thread of p exit with status.
func (k *Kernel) groupExit(p *Process, status int) {
	k.mu.Lock()
	if !p.exiting {
		p.exiting = true
		p.groupCode = status
	}
	p.stopped = false
	threads := make([]*Task, 0, len(p.threads))
	for _, t := range p.threads {
		threads = append(threads, t)
	}
	k.mu.Unlock()
	for _, t := range threads {
		t.exitNow.Store(true)
		t.kick()
	}
}

// handleSignals runs before the task returns to user code: it settles a
// system call's restart, stops the task while its process is stopped, and
// delivers at most one signal by its disposition. It returns false if the
// task has exited.
func (t *Task) handleSignals() bool {
	p := t.proc
	for {
		t.attention.Store(false)
		if t.exitNow.Load() {
			t.exit(0, false)
			return false
		}
		t.k.mu.Lock()
		stopped := p.stopped
		t.k.mu.Unlock()
		if stopped {
			t.waitWhileStopped()
			continue
		}
		p.sigMu.Lock()
		set := t.deliverableLocked()
		if set == 0 {
			p.sigMu.Unlock()
			t.settleRestart(nil)
			return true
		}
		sig := lowest(set)
		var info *SigInfo
		if t.pending.set&sig.Mask() != 0 {
			info = t.pending.take(sig)
		} else {
			info = p.pending.take(sig)
		}
		act := p.handlers.get(sig)
		switch {
		case act.Handler == abi.SIG_IGN:
			p.sigMu.Unlock()
			continue
		case act.Handler == abi.SIG_DFL:
			p.sigMu.Unlock()
			switch sig.Default() {
			case abi.ActIgnore, abi.ActContinue:
				continue
			case abi.ActStop:
				t.k.stopProcess(p, sig)
				continue
			default:
				core := sig.Default() == abi.ActCore
				t.k.groupExit(p, signalStatus(sig, core))
				continue
			}
		}
		// A handler.
		if act.Flags&abi.SA_RESETHAND != 0 {
			p.handlers.acts[sig-1] = SigAction{}
		}
		oldMask := t.sigMask
		if t.hasSavedMask {
			oldMask = t.savedMask
			t.hasSavedMask = false
		}
		newMask := t.sigMask | act.Mask
		if act.Flags&abi.SA_NODEFER == 0 {
			newMask |= sig.Mask()
		}
		t.sigMask = newMask &^ abi.UnblockableSignals
		altStack := t.altStack
		p.sigMu.Unlock()
		t.settleRestart(&act)
		if err := t.pushSignalFrame(sig, info, act, oldMask, altStack); err != nil {
			// The frame could not be written: the process dies of SIGSEGV.
			t.k.groupExit(p, signalStatus(abi.SIGSEGV, true))
			continue
		}
		t.attention.Store(true) // more may be pending: look again next time
		return true
	}
}

// settleRestart handles a system call that returned one of the restart
// codes: restart it (back up to the ecall with its first argument) or make
// it fail with EINTR, depending on the handler about to run (act, nil if
// none).
func (t *Task) settleRestart(act *SigAction) {
	if !t.restarting {
		return
	}
	t.restarting = false
	errno := abi.Errno(-int64(t.ctx.X[10]))
	restart := false
	switch errno {
	case abi.ERESTARTNOINTR:
		restart = true
	case abi.ERESTARTSYS:
		restart = act == nil || act.Flags&abi.SA_RESTART != 0
	case abi.ERESTARTNOHAND, abi.ERESTART_RESTARTBLOCK:
		restart = act == nil
	default:
		return
	}
	if restart {
		t.ctx.X[10] = t.origA0
		t.ctx.PC -= 4
		if act == nil {
			t.RestoreMask() // sigsuspend and friends start afresh
		}
	} else {
		t.ctx.X[10] = negErrno(abi.EINTR)
	}
}

// stopProcess stops every thread of p (job control) and tells the parent.
func (k *Kernel) stopProcess(p *Process, sig abi.Signal) {
	k.mu.Lock()
	if p.stopped || p.exiting {
		k.mu.Unlock()
		return
	}
	p.stopped = true
	p.event = abi.CLD_STOPPED
	p.status = 0x7f | int(sig)<<8
	parent := p.parent
	threads := make([]*Task, 0, len(p.threads))
	for _, t := range p.threads {
		threads = append(threads, t)
	}
	k.mu.Unlock()
	for _, t := range threads {
		t.kick()
	}
	if parent != nil {
		k.notifyParent(p, parent, abi.CLD_STOPPED, sig)
	}
}

// waitWhileStopped parks the task, without a hart, until its process is
// continued or killed.
func (t *Task) waitWhileStopped() {
	t.ReleaseHart()
	t.state.Store(int32(TaskStopped))
	defer t.state.Store(int32(TaskRunning))
	for {
		t.k.mu.Lock()
		stopped := t.proc.stopped
		t.k.mu.Unlock()
		if !stopped || t.exitNow.Load() {
			return
		}
		<-t.interrupt
	}
}

// Signal frame layout (Linux riscv64): siginfo (128 bytes), then the
// ucontext: uc_flags 0, uc_link 8, uc_stack 16, uc_sigmask 40, padding to
// 176, uc_mcontext: pc and x1..x31 (256 bytes), f0..f31 (256 bytes), fcsr
// (4 bytes) and padding to 528 bytes of floating-point state.
const (
	frameSize  = 128 + ucSize
	ucSize     = 960
	ucStack    = 16
	ucSigmask  = 40
	ucMcontext = 176
	mcFP       = 256
	mcFCSR     = 256 + 256
)

// trampolineVA is where the signal-return trampoline page is mapped: the
// last page of the user address range, above the stack.
func (t *Task) trampolineVA() uint64 { return t.mm.UserTop() - riscv.PageSize }

// pushSignalFrame builds the handler's frame on the user stack (or the
// alternate stack) and points the registers at the handler.
func (t *Task) pushSignalFrame(sig abi.Signal, info *SigInfo, act SigAction, oldMask abi.SigSet, alt SigStack) error {
	sp := t.ctx.X[2]
	onAlt := alt.contains(sp)
	if act.Flags&abi.SA_ONSTACK != 0 && alt.Flags&abi.SS_DISABLE == 0 && alt.Size != 0 && !onAlt {
		sp = alt.SP + alt.Size
	}
	sp = (sp - frameSize) &^ 15
	frame := make([]byte, frameSize)
	copy(frame, info.Marshal())
	le := binary.LittleEndian
	uc := frame[128:]
	// uc_stack: the alternate stack as it was.
	le.PutUint64(uc[ucStack:], alt.SP)
	flags := alt.Flags
	if onAlt {
		flags |= abi.SS_ONSTACK
	}
	if alt.Size == 0 {
		flags |= abi.SS_DISABLE
	}
	le.PutUint32(uc[ucStack+8:], uint32(flags))
	le.PutUint64(uc[ucStack+16:], alt.Size)
	le.PutUint64(uc[ucSigmask:], uint64(oldMask))
	mc := uc[ucMcontext:]
	le.PutUint64(mc[0:], t.ctx.PC)
	for i := 1; i < 32; i++ {
		le.PutUint64(mc[8*i:], t.ctx.X[i])
	}
	for i := 0; i < 32; i++ {
		le.PutUint64(mc[mcFP+8*i:], t.ctx.F[i])
	}
	le.PutUint32(mc[mcFCSR:], t.ctx.FCSR)
	if err := t.mm.CopyOut(sp, frame); err != nil {
		return err
	}
	t.ctx.X[2] = sp
	t.ctx.X[1] = t.trampolineVA()
	t.ctx.X[10] = uint64(sig)
	t.ctx.X[11] = sp       // &siginfo
	t.ctx.X[12] = sp + 128 // &ucontext
	t.ctx.PC = act.Handler
	return nil
}

// SigReturn restores the state a signal frame saved (rt_sigreturn).
func (t *Task) SigReturn() error {
	sp := t.ctx.X[2]
	uc := make([]byte, ucSize)
	if err := t.mm.CopyIn(sp+128, uc); err != nil {
		return err
	}
	le := binary.LittleEndian
	mc := uc[ucMcontext:]
	t.ctx.PC = le.Uint64(mc[0:])
	for i := 1; i < 32; i++ {
		t.ctx.X[i] = le.Uint64(mc[8*i:])
	}
	for i := 0; i < 32; i++ {
		t.ctx.F[i] = le.Uint64(mc[mcFP+8*i:])
	}
	t.ctx.FCSR = le.Uint32(mc[mcFCSR:]) & 0xff
	p := t.proc
	p.sigMu.Lock()
	t.sigMask = abi.SigSet(le.Uint64(uc[ucSigmask:])) &^ abi.UnblockableSignals
	p.sigMu.Unlock()
	t.attention.Store(true)
	// Restore the alternate stack setting, as Linux does.
	alt := SigStack{SP: le.Uint64(uc[ucStack:]), Flags: int32(le.Uint32(uc[ucStack+8:])) &^ abi.SS_ONSTACK, Size: le.Uint64(uc[ucStack+16:])}
	_ = t.SetAltStack(&alt)
	return nil
}

// SigAction changes (if act is non-nil) and returns the disposition of sig.
func (t *Task) SigAction(sig abi.Signal, act *SigAction) (SigAction, error) {
	if !sig.Valid() {
		return SigAction{}, abi.EINVAL
	}
	p := t.proc
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	old := p.handlers.get(sig)
	if act != nil {
		if sig == abi.SIGKILL || sig == abi.SIGSTOP {
			return old, abi.EINVAL
		}
		a := *act
		a.Mask &^= abi.UnblockableSignals
		p.handlers.acts[sig-1] = a
		// Setting a signal to be ignored discards its pending instances.
		if p.ignoredLocked(sig) {
			p.pending.discard(sig.Mask())
			t.k.mu.Lock()
			for _, th := range p.threads {
				th.pending.discard(sig.Mask())
			}
			t.k.mu.Unlock()
		}
	}
	return old, nil
}

// SigMask returns the blocked set.
func (t *Task) SigMask() abi.SigSet {
	t.proc.sigMu.Lock()
	defer t.proc.sigMu.Unlock()
	return t.sigMask
}

// SetSigMask changes the blocked set as rt_sigprocmask's how says and
// returns the old one.
func (t *Task) SetSigMask(how int, set abi.SigSet) (abi.SigSet, error) {
	p := t.proc
	p.sigMu.Lock()
	old := t.sigMask
	switch how {
	case abi.SIG_BLOCK:
		t.sigMask |= set
	case abi.SIG_UNBLOCK:
		t.sigMask &^= set
	case abi.SIG_SETMASK:
		t.sigMask = set
	default:
		p.sigMu.Unlock()
		return old, abi.EINVAL
	}
	t.sigMask &^= abi.UnblockableSignals
	p.sigMu.Unlock()
	t.attention.Store(true) // a pending signal may now be deliverable
	return old, nil
}

// SigPending returns the signals pending for the task and its process.
func (t *Task) SigPending() abi.SigSet {
	t.proc.sigMu.Lock()
	defer t.proc.sigMu.Unlock()
	return (t.pending.set | t.proc.pending.set) & t.sigMask
}

// SigSuspend replaces the mask with mask until a signal is delivered
// (rt_sigsuspend); it always ends with EINTR, the old mask restored after
// the handler.
func (t *Task) SigSuspend(mask abi.SigSet) error {
	p := t.proc
	p.sigMu.Lock()
	t.savedMask, t.hasSavedMask = t.sigMask, true
	t.sigMask = mask &^ abi.UnblockableSignals
	p.sigMu.Unlock()
	t.attention.Store(true)
	for {
		if err := t.Block(nil, nil); err != nil {
			return abi.ERESTARTNOHAND
		}
	}
}

// SetTemporaryMask installs mask until the next signal delivery or until
// RestoreMask (ppoll and pselect6).
func (t *Task) SetTemporaryMask(mask abi.SigSet) {
	p := t.proc
	p.sigMu.Lock()
	t.savedMask, t.hasSavedMask = t.sigMask, true
	t.sigMask = mask &^ abi.UnblockableSignals
	p.sigMu.Unlock()
	t.attention.Store(true)
}

// RestoreMask undoes SetTemporaryMask if no signal handler ran meanwhile
// (otherwise the handler's return restores it).
func (t *Task) RestoreMask() {
	p := t.proc
	p.sigMu.Lock()
	if t.hasSavedMask {
		t.sigMask, t.hasSavedMask = t.savedMask, false
	}
	p.sigMu.Unlock()
	t.attention.Store(true)
}

// SigTimedWait waits for one of the signals in set (rt_sigtimedwait),
// dequeues it and returns its information. deadline is a kernel monotonic
// time, nil for no timeout (EAGAIN when it passes).
func (t *Task) SigTimedWait(set abi.SigSet, deadline *time.Duration) (*SigInfo, error) {
	p := t.proc
	set &^= abi.UnblockableSignals
	for {
		p.sigMu.Lock()
		ready := (t.pending.set | p.pending.set) & set
		if ready != 0 {
			sig := lowest(ready)
			var info *SigInfo
			if t.pending.set&sig.Mask() != 0 {
				info = t.pending.take(sig)
			} else {
				info = p.pending.take(sig)
			}
			p.sigMu.Unlock()
			return info, nil
		}
		// While waiting, the signals in set are not delivered to handlers.
		saved := t.sigMask
		t.sigMask &^= set
		p.sigMu.Unlock()
		err := t.Block(nil, deadline)
		p.sigMu.Lock()
		t.sigMask = saved
		arrived := (t.pending.set|p.pending.set)&set != 0
		p.sigMu.Unlock()
		t.attention.Store(true)
		switch {
		case arrived:
			continue
		case err == abi.ETIMEDOUT:
			return nil, abi.EAGAIN
		default:
			return nil, abi.EINTR
		}
	}
}

// AltStack returns the alternate signal stack.
func (t *Task) AltStack() SigStack {
	t.proc.sigMu.Lock()
	defer t.proc.sigMu.Unlock()
	s := t.altStack
	if s.contains(t.ctx.X[2]) {
		s.Flags |= abi.SS_ONSTACK
	}
	if s.Size == 0 {
		s.Flags |= abi.SS_DISABLE
	}
	return s
}

// SetAltStack changes the alternate signal stack (sigaltstack): EPERM
// while running on it, ENOMEM if too small.
func (t *Task) SetAltStack(s *SigStack) error {
	p := t.proc
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	if t.altStack.contains(t.ctx.X[2]) {
		return abi.EPERM
	}
	switch {
	case s.Flags&abi.SS_DISABLE != 0:
		t.altStack = SigStack{Flags: abi.SS_DISABLE}
	case uint32(s.Flags)&^uint32(abi.SS_AUTODISARM) != 0:
		return abi.EINVAL
	case s.Size < abi.MINSIGSTKSZ:
		return abi.ENOMEM
	default:
		t.altStack = *s
	}
	return nil
}

// Kill sends sig to processes as kill(2) selects them by pid; sig 0 only
// checks that the target exists.
func (k *Kernel) Kill(sender *Task, pid int, sig abi.Signal) error {
	if sig != 0 && !sig.Valid() {
		return abi.EINVAL
	}
	info := &SigInfo{Signo: sig, Code: abi.SI_USER, PID: int32(sender.proc.pid), UID: 1000}
	var targets []*Process
	k.mu.Lock()
	switch {
	case pid > 0:
		if p := k.procs[pid]; p != nil {
			targets = append(targets, p)
		}
	case pid == 0 || pid < -1:
		pgid := -pid
		if pid == 0 {
			pgid = sender.proc.pgid
		}
		for _, p := range k.procs {
			if p.pgid == pgid && p.pid != 1 {
				targets = append(targets, p)
			}
		}
	default: // -1: everyone but init and the caller
		for _, p := range k.procs {
			if p.pid != 1 && p != sender.proc {
				targets = append(targets, p)
			}
		}
	}
	k.mu.Unlock()
	if len(targets) == 0 {
		return abi.ESRCH
	}
	if sig == 0 {
		return nil
	}
	for _, p := range targets {
		if p == k.init {
			continue // init takes no signals it has not asked for
		}
		k.sendSignalProcess(p, sig, info)
	}
	return nil
}

// Tgkill sends sig to thread tid of process tgid (tgid <= 0: any
// process, as tkill).
func (k *Kernel) Tgkill(sender *Task, tgid, tid int, sig abi.Signal) error {
	if tid <= 0 || (sig != 0 && !sig.Valid()) {
		return abi.EINVAL
	}
	t := k.Task(tid)
	if t == nil || (tgid > 0 && t.proc.pid != tgid) {
		return abi.ESRCH
	}
	if sig == 0 {
		return nil
	}
	k.SendSignalTask(t, sig, &SigInfo{Signo: sig, Code: abi.SI_TKILL, PID: int32(sender.proc.pid), UID: 1000})
	return nil
}

// SignalProcess sends sig to p from the kernel (a terminal, the shell's
// job control, shutdown).
func (k *Kernel) SignalProcess(p *Process, sig abi.Signal) {
	k.sendSignalProcess(p, sig, &SigInfo{Signo: sig, Code: abi.SI_KERNEL})
}

// Queue sends a signal with the caller's siginfo (rt_sigqueueinfo) to a
// process, or to a thread if t is not nil.
func (k *Kernel) Queue(p *Process, t *Task, info *SigInfo) error {
	if !info.Signo.Valid() {
		return abi.EINVAL
	}
	if t != nil {
		k.SendSignalTask(t, info.Signo, info)
	} else {
		k.sendSignalProcess(p, info.Signo, info)
	}
	return nil
}

// ExitGroupSignal kills the caller's process as if by sig's default
// action.
func (t *Task) ExitGroupSignal(sig abi.Signal) {
	t.k.groupExit(t.proc, signalStatus(sig, sig.Default() == abi.ActCore))
}

// negErrno is the a0 value of a system call failing with e.
func negErrno(e abi.Errno) uint64 { return uint64(-int64(e)) }
