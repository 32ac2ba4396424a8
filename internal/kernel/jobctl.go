package kernel

import "sos/internal/abi"

// Job control: what a terminal (package tty) asks about processes. The
// controlling terminal itself is kept by the terminal, per session, so
// the kernel keeps no terminal state: setsid detaches a process simply by
// giving it a session no terminal belongs to.

// SignalGroup sends sig from the kernel to every process in process
// group pgid (a terminal's ^C, SIGTTIN, SIGWINCH), never to PID 1.
func (k *Kernel) SignalGroup(pgid int, sig abi.Signal) {
	var targets []*Process
	k.mu.Lock()
	for _, p := range k.procs {
		if p.pgid == pgid && p != k.init && !p.zombie {
			targets = append(targets, p)
		}
	}
	k.mu.Unlock()
	for _, p := range targets {
		k.sendSignalProcess(p, sig, &SigInfo{Signo: sig, Code: abi.SI_KERNEL})
	}
}

// OrphanedGroup reports whether process group pgid is orphaned (POSIX):
// no member has a parent in a different process group of the same
// session, so no shell can continue it. A group with no live member is
// orphaned too.
func (k *Kernel) OrphanedGroup(pgid int) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range k.procs {
		if p.pgid != pgid || p.zombie {
			continue
		}
		if q := p.parent; q != nil && q.pgid != pgid && q.sid == p.sid {
			return false
		}
	}
	return true
}

// GroupSession returns the session of process group pgid, and false if
// the group has no live member.
func (k *Kernel) GroupSession(pgid int) (int, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, p := range k.procs {
		if p.pgid == pgid && !p.zombie {
			return p.sid, true
		}
	}
	return 0, false
}

// SessionAlive reports whether the leader of session sid is alive.
func (k *Kernel) SessionAlive(sid int) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	p := k.procs[sid]
	return p != nil && !p.zombie && p.sid == sid
}

// IgnoresOrBlocks reports whether t blocks sig or its process ignores
// it (explicitly or by default), so that sending it would not stop t.
func (t *Task) IgnoresOrBlocks(sig abi.Signal) bool {
	p := t.proc
	p.sigMu.Lock()
	defer p.sigMu.Unlock()
	return t.sigMask&sig.Mask() != 0 || p.ignoredLocked(sig)
}

// SetSessionEnd installs what happens when a session leader exits: its
// terminal hangs up the foreground group (tty.TTY.SessionEnded).
func (k *Kernel) SetSessionEnd(fn func(sid int)) { k.sessionEnd.Store(&fn) }

func (k *Kernel) sessionEnded(sid int) {
	if fn := k.sessionEnd.Load(); fn != nil {
		(*fn)(sid)
	}
}
