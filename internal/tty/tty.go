// Package tty is SOS's terminal line discipline: what sits between the
// keyboard and screen of a terminal (for SOS, the host's terminal) and the
// programs reading and writing it. It edits lines (canonical mode) or
// hands over bytes as they come (VMIN/VTIME), echoes, turns ^C, ^Z and ^\
// into signals for the foreground process group, translates CR and NL,
// answers the termios ioctls, and enforces job control: a background
// process group reading the terminal is stopped with SIGTTIN.
//
// It depends on the VFS interfaces (its callers pass a vfs.Context and
// vfs.UserMemory), the ABI constants and the waiter queue, never on the
// kernel: everything it needs to know about processes goes through the
// small JobControl interface the kernel's side implements.
//
// The controlling terminal is kept per session, on the terminal (as
// Linux's tty->session): a process has this terminal as its controlling
// terminal exactly when its session is the terminal's session. setsid
// therefore detaches a process (its new session has no terminal), and
// when a session's leader exits (SessionEnded) the terminal becomes free
// again and hangs up its foreground group.
//
// Lock order: TTY.mu, then TTY.wmu or whatever JobControl locks (the
// kernel's).
// JobControl must never call back into the TTY.
package tty

import (
	"encoding/binary"
	"io"
	"sync"
	"time"

	"sos/internal/abi"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// Proc identifies a process for job control.
type Proc struct{ PID, PGID, SID int }

// JobControl is what the terminal needs to know of processes.
type JobControl interface {
	// Caller returns the process making a call; ok is false when the
	// caller is no process (the kernel itself), which job control
	// ignores.
	Caller(ctx vfs.Context) (p Proc, ok bool)
	// IgnoresOrBlocks reports whether the calling thread blocks sig or
	// its process ignores it.
	IgnoresOrBlocks(ctx vfs.Context, sig abi.Signal) bool
	// SignalGroup sends sig to every process in process group pgid.
	SignalGroup(pgid int, sig abi.Signal)
	// Orphaned reports whether process group pgid is orphaned: no
	// member has a parent in a different group of the same session.
	Orphaned(pgid int) bool
	// GroupSession returns the session of process group pgid; ok is
	// false if the group has no live member.
	GroupSession(pgid int) (sid int, ok bool)
	// SessionAlive reports whether the leader of session sid lives.
	SessionAlive(sid int) bool
}

const (
	// maxLine bounds a line being edited (Linux's N_TTY_BUF_SIZE less
	// one); further characters are dropped until the line ends.
	maxLine = 4095
	// maxBuffered bounds input not yet read; Input waits beyond it.
	maxBuffered = 64 << 10
)

// TTY is one terminal.
type TTY struct {
	jc  JobControl
	out io.Writer
	q   waiter.Queue

	// wmu serialises output to out.
	wmu sync.Mutex

	// mu guards the following fields.
	mu      sync.Mutex
	space   *sync.Cond // signalled when buffered input shrinks
	termios Termios
	ws      Winsize
	line    []byte   // canonical: the line being edited
	lines   [][]byte // canonical: finished lines; an empty one is an end of file
	nlines  int      // bytes in lines
	raw     []byte   // non-canonical: input not yet read
	lnext   bool     // the next character is taken literally (^V)
	hup     bool     // the host side has ended: reads return 0
	sid     int      // the session this is the controlling terminal of (0: none)
	pgrp    int      // the foreground process group
	// VTIME: timer is the armed timer, timerGen tells a stale one from
	// it, and expired is set when it fires, until a read consumes it.
	timerGen uint64
	timer    *time.Timer
	expired  bool
}

// New returns a terminal in the default (cooked) mode writing to out; jc
// answers its questions about processes. A nil jc means no process is
// ever known, so job control never applies.
func New(out io.Writer, jc JobControl) *TTY {
	if out == nil {
		out = io.Discard
	}
	t := &TTY{jc: jc, out: out, termios: DefaultTermios(), ws: Winsize{Row: 24, Col: 80}}
	t.space = sync.NewCond(&t.mu)
	return t
}

// Termios returns the current modes.
func (t *TTY) Termios() Termios {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.termios
}

// Foreground returns the terminal's session and foreground process
// group (0, 0 when it is no session's controlling terminal).
func (t *TTY) Foreground() (sid, pgrp int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.checkSessionLocked()
	return t.sid, t.pgrp
}

// checkSessionLocked forgets a session whose leader has gone (Linux
// disassociates the terminal when the leader exits).
func (t *TTY) checkSessionLocked() {
	if t.sid != 0 && t.jc != nil && !t.jc.SessionAlive(t.sid) {
		t.sid, t.pgrp = 0, 0
	}
}

// caller returns the calling process, if there is one. JobControl sees
// the Context the system call passed (the VFS wraps it for file
// systems).
func (t *TTY) caller(ctx vfs.Context) (Proc, bool) {
	if t.jc == nil || ctx == nil {
		return Proc{}, false
	}
	return t.jc.Caller(vfs.UnwrapContext(ctx))
}

// isCttyLocked reports whether this is p's controlling terminal.
func (t *TTY) isCttyLocked(p Proc) bool {
	t.checkSessionLocked()
	return t.sid != 0 && p.SID == t.sid
}

// IsControlling reports whether the terminal is the caller's controlling
// terminal (what opening /dev/tty needs).
func (t *TTY) IsControlling(ctx vfs.Context) bool {
	p, ok := t.caller(ctx)
	if !ok {
		return true // the kernel may open anything
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.isCttyLocked(p)
}

// Opened is called when the caller opens the terminal. A session leader
// without a controlling terminal acquires a free one unless noctty (how
// Linux treats a real terminal; its /dev/console and /dev/tty never give
// one, so callers pass noctty for those).
func (t *TTY) Opened(ctx vfs.Context, noctty bool) {
	if noctty {
		return
	}
	p, ok := t.caller(ctx)
	if !ok || p.PID != p.SID {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.checkSessionLocked()
	if t.sid == 0 {
		t.sid, t.pgrp = p.SID, p.PGID
	}
}

// jobCheck applies job control to a caller about to read (sig SIGTTIN)
// or to write or change the terminal (SIGTTOU). A process in a
// background group of the terminal's session gets the signal sent to its
// group and ERESTARTSYS, so the call starts again once the group is in the
// foreground; if the signal cannot stop it (it is ignored or blocked),
// reads fail with EIO and writes go ahead; an orphaned group, which no
// shell could ever continue, gets EIO.
func (t *TTY) jobCheck(ctx vfs.Context, sig abi.Signal) error {
	p, ok := t.caller(ctx)
	if !ok {
		return nil
	}
	t.mu.Lock()
	bg := t.isCttyLocked(p) && p.PGID != t.pgrp && t.pgrp != 0
	t.mu.Unlock()
	if !bg {
		return nil
	}
	if t.jc.IgnoresOrBlocks(vfs.UnwrapContext(ctx), sig) {
		if sig == abi.SIGTTIN {
			return abi.EIO
		}
		return nil
	}
	if t.jc.Orphaned(p.PGID) {
		return abi.EIO
	}
	t.jc.SignalGroup(p.PGID, sig)
	return abi.ERESTARTSYS
}

// Input feeds bytes typed on the host keyboard through the line
// discipline. It waits while too much input is unread, so call it from
// the goroutine that reads the host, never from a task.
func (t *TTY) Input(b []byte) {
	var echo []byte
	var sigs []abi.Signal
	var pgrp int
	t.mu.Lock()
	for _, c := range b {
		if t.queuedLocked() >= maxBuffered {
			// Let the readers drain what is there. (Notify runs
			// epoll callbacks, which may ask for Readiness: never
			// call it holding mu.)
			t.flushEchoLocked(&echo)
			t.mu.Unlock()
			t.q.Notify(waiter.EventIn)
			t.mu.Lock()
		}
		for t.queuedLocked() >= maxBuffered && !t.hup {
			t.space.Wait()
		}
		if t.hup {
			break
		}
		if sig := t.receiveLocked(c, &echo); sig != 0 {
			sigs = append(sigs, sig)
		}
	}
	t.checkSessionLocked()
	pgrp = t.pgrp
	t.flushEchoLocked(&echo)
	t.mu.Unlock()
	t.q.Notify(waiter.EventIn)
	if t.jc != nil && pgrp != 0 {
		for _, sig := range sigs {
			t.jc.SignalGroup(pgrp, sig)
		}
	}
}

// flushEchoLocked writes the echo of input before any reader can see
// the input, so that a program's answer never overtakes the echo of what
// it answers (which is why mu is held: lock order mu, then wmu).
func (t *TTY) flushEchoLocked(echo *[]byte) {
	if len(*echo) > 0 {
		t.writeOut(*echo)
		*echo = (*echo)[:0]
	}
}

// Hangup marks the host side as gone: readers see end of file.
func (t *TTY) Hangup() {
	t.mu.Lock()
	t.hup = true
	t.space.Broadcast()
	t.mu.Unlock()
	t.q.Notify(waiter.EventIn | waiter.EventHUp)
}

func (t *TTY) queuedLocked() int {
	return len(t.raw) + len(t.line) + t.nlines
}

// is reports whether c is the control character at index i (a zero
// entry is disabled, Linux's _POSIX_VDISABLE).
func (t *TTY) is(c byte, i int) bool {
	return t.termios.CC[i] != 0 && c == t.termios.CC[i]
}

func isCtl(c byte) bool { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f }

// receiveLocked processes one input byte, appending what it echoes to
// echo, and returns the signal it raises (0 if none).
func (t *TTY) receiveLocked(c byte, echo *[]byte) abi.Signal {
	tm := &t.termios
	canon := tm.Lflag&ICANON != 0
	if t.lnext {
		t.lnext = false
		t.putLocked(c, echo)
		return 0
	}
	if tm.Iflag&ISTRIP != 0 {
		c &= 0x7f
	}
	switch {
	case c == '\r':
		if tm.Iflag&IGNCR != 0 {
			return 0
		}
		if tm.Iflag&ICRNL != 0 {
			c = '\n'
		}
	case c == '\n' && tm.Iflag&INLCR != 0:
		c = '\r'
	}
	if tm.Lflag&ISIG != 0 {
		var sig abi.Signal
		switch {
		case t.is(c, VINTR):
			sig = abi.SIGINT
		case t.is(c, VQUIT):
			sig = abi.SIGQUIT
		case t.is(c, VSUSP):
			sig = abi.SIGTSTP
		}
		if sig != 0 {
			if tm.Lflag&NOFLSH == 0 {
				t.flushInputLocked()
			}
			t.echoLocked(c, echo)
			return sig
		}
	}
	if !canon {
		t.putLocked(c, echo)
		return 0
	}
	iexten := tm.Lflag&IEXTEN != 0
	switch {
	case t.is(c, VERASE) || c == 0x7f || c == '\b':
		t.eraseLocked(echo)
	case t.is(c, VKILL):
		t.killLocked(c, echo)
	case iexten && t.is(c, VWERASE):
		for len(t.line) > 0 && (t.line[len(t.line)-1] == ' ' || t.line[len(t.line)-1] == '\t') {
			t.eraseLocked(echo)
		}
		for len(t.line) > 0 && t.line[len(t.line)-1] != ' ' && t.line[len(t.line)-1] != '\t' {
			t.eraseLocked(echo)
		}
	case iexten && t.is(c, VLNEXT):
		t.lnext = true
		if tm.Lflag&ECHO != 0 && tm.Lflag&ECHOCTL != 0 {
			*echo = append(*echo, '^', '\b')
		}
	case iexten && t.is(c, VREPRINT):
		if tm.Lflag&ECHO != 0 {
			t.echoLocked(c, echo)
			*echo = t.opost(append(*echo, '\n'), len(*echo))
			for _, b := range t.line {
				t.echoLocked(b, echo)
			}
		}
	case t.is(c, VEOF):
		// End of file at the start of a line; otherwise it ends the
		// line without a newline. It is not echoed.
		t.pushLineLocked()
	default:
		t.putLocked(c, echo)
	}
	return 0
}

// putLocked stores an ordinary character: in the line being edited
// (ending it on a newline or an end-of-line character) or, in
// non-canonical mode, straight into the read buffer.
func (t *TTY) putLocked(c byte, echo *[]byte) {
	tm := &t.termios
	if tm.Lflag&ICANON == 0 {
		t.raw = append(t.raw, c)
		t.echoLocked(c, echo)
		if t.termios.CC[VMIN] > 0 && t.termios.CC[VTIME] > 0 {
			t.armTimerLocked() // the inter-byte timer restarts
		}
		return
	}
	eol := c == '\n' || t.is(c, VEOL) || t.is(c, VEOL2)
	if !eol && len(t.line) >= maxLine {
		return
	}
	t.line = append(t.line, c)
	if c == '\n' && tm.Lflag&ECHO == 0 && tm.Lflag&ECHONL != 0 {
		*echo = t.opost(append(*echo, '\n'), len(*echo))
	} else {
		t.echoLocked(c, echo)
	}
	if eol {
		t.pushLineLocked()
	}
}

// pushLineLocked makes the line being edited readable.
func (t *TTY) pushLineLocked() {
	t.lines = append(t.lines, t.line)
	t.nlines += len(t.line)
	t.line = nil
}

// echoLocked echoes c if ECHO is on: control characters as ^X under
// ECHOCTL (but tab and newline as themselves).
func (t *TTY) echoLocked(c byte, echo *[]byte) {
	tm := &t.termios
	if tm.Lflag&ECHO == 0 {
		return
	}
	start := len(*echo)
	if isCtl(c) && tm.Lflag&ECHOCTL != 0 {
		*echo = append(*echo, '^', c^0x40)
	} else {
		*echo = append(*echo, c)
	}
	*echo = t.opost(*echo, start)
}

// eraseLocked removes the last character (all bytes of a UTF-8 sequence)
// of the line being edited, and rubs it out on the screen under ECHOE.
func (t *TTY) eraseLocked(echo *[]byte) {
	if len(t.line) == 0 {
		return
	}
	i := len(t.line) - 1
	for i > 0 && t.line[i]&0xc0 == 0x80 {
		i--
	}
	c := t.line[i]
	t.line = t.line[:i]
	tm := &t.termios
	if tm.Lflag&ECHO == 0 {
		return
	}
	if tm.Lflag&ECHOE == 0 {
		t.echoLocked(t.termios.CC[VERASE], echo)
		return
	}
	*echo = append(*echo, '\b', ' ', '\b')
	if isCtl(c) && tm.Lflag&ECHOCTL != 0 {
		*echo = append(*echo, '\b', ' ', '\b')
	}
}

// killLocked discards the line being edited (VKILL).
func (t *TTY) killLocked(c byte, echo *[]byte) {
	tm := &t.termios
	if tm.Lflag&ECHO != 0 && tm.Lflag&ECHOKE != 0 && tm.Lflag&ECHOE != 0 {
		for len(t.line) > 0 {
			t.eraseLocked(echo)
		}
		return
	}
	t.line = nil
	if tm.Lflag&ECHO != 0 {
		t.echoLocked(c, echo)
		if tm.Lflag&ECHOK != 0 {
			*echo = t.opost(append(*echo, '\n'), len(*echo))
		}
	}
}

func (t *TTY) flushInputLocked() {
	t.line, t.lines, t.nlines, t.raw, t.lnext = nil, nil, 0, nil, false
	t.space.Broadcast()
}

// opost applies output processing to b[start:] in place (returning the
// possibly longer slice): with OPOST, ONLCR writes NL as CR NL and OCRNL
// writes CR as NL.
func (t *TTY) opost(b []byte, start int) []byte {
	o := t.termios.Oflag
	if o&OPOST == 0 || o&(ONLCR|OCRNL) == 0 {
		return b
	}
	tail := b[start:]
	n := 0
	for _, c := range tail {
		if c == '\n' && o&ONLCR != 0 {
			n++
		}
	}
	if n == 0 && o&OCRNL == 0 {
		return b
	}
	out := make([]byte, 0, len(tail)+n)
	for _, c := range tail {
		switch {
		case c == '\n' && o&ONLCR != 0:
			out = append(out, '\r', '\n')
		case c == '\r' && o&OCRNL != 0:
			out = append(out, '\n')
		default:
			out = append(out, c)
		}
	}
	return append(b[:start], out...)
}

func (t *TTY) writeOut(b []byte) (int, error) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	return t.out.Write(b)
}

// Read reads input as the modes say: in canonical mode at most one line
// (0 at an end of file), otherwise by VMIN and VTIME. It answers EAGAIN
// when the caller must wait (and Readiness then says when to try again).
func (t *TTY) Read(ctx vfs.Context, dst []byte) (int, error) {
	if err := t.jobCheck(ctx, abi.SIGTTIN); err != nil {
		return 0, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(dst) == 0 {
		return 0, nil
	}
	if t.termios.Lflag&ICANON != 0 {
		if len(t.lines) == 0 {
			if t.hup {
				return 0, nil
			}
			return 0, abi.EAGAIN
		}
		l := t.lines[0]
		n := copy(dst, l)
		t.nlines -= n
		if n == len(l) {
			t.lines = t.lines[1:]
			if len(t.lines) == 0 {
				t.lines = nil
			}
		} else {
			t.lines[0] = l[n:]
		}
		t.space.Broadcast()
		return n, nil
	}
	vmin, vtime := int(t.termios.CC[VMIN]), t.termios.CC[VTIME]
	avail := len(t.raw)
	take := func() (int, error) {
		t.stopTimerLocked()
		n := copy(dst, t.raw)
		t.raw = t.raw[n:]
		if len(t.raw) == 0 {
			t.raw = nil
		}
		t.space.Broadcast()
		return n, nil
	}
	if t.hup {
		return take()
	}
	switch {
	case vmin == 0 && vtime == 0: // polling
		return take()
	case vmin == 0: // a read timeout from the call
		if avail > 0 {
			return take()
		}
		if t.expired {
			return take()
		}
		if t.timer == nil {
			t.armTimerLocked()
		}
		return 0, abi.EAGAIN
	case vtime == 0: // VMIN bytes (or as many as asked for)
		if avail >= min(vmin, len(dst)) {
			return take()
		}
		return 0, abi.EAGAIN
	default: // VMIN bytes, or fewer once VTIME passes between bytes
		if avail > 0 && (avail >= min(vmin, len(dst)) || t.expired) {
			return take()
		}
		return 0, abi.EAGAIN
	}
}

// armTimerLocked starts (or restarts) the VTIME timer.
func (t *TTY) armTimerLocked() {
	t.stopTimerLocked()
	t.timerGen++
	gen := t.timerGen
	d := time.Duration(t.termios.CC[VTIME]) * 100 * time.Millisecond
	t.timer = time.AfterFunc(d, func() {
		t.mu.Lock()
		if t.timerGen != gen {
			t.mu.Unlock()
			return
		}
		t.expired = true
		t.timer = nil
		t.mu.Unlock()
		t.q.Notify(waiter.EventIn)
	})
}

func (t *TTY) stopTimerLocked() {
	if t.timer != nil {
		t.timer.Stop()
		t.timer = nil
	}
	t.timerGen++ // invalidates a timer already firing
	t.expired = false
}

// Write writes program output through output processing. A background
// process writes only if TOSTOP is off (else SIGTTOU).
func (t *TTY) Write(ctx vfs.Context, src []byte) (int, error) {
	t.mu.Lock()
	tostop := t.termios.Lflag&TOSTOP != 0
	t.mu.Unlock()
	if tostop {
		if err := t.jobCheck(ctx, abi.SIGTTOU); err != nil {
			return 0, err
		}
	}
	t.mu.Lock()
	b := t.opost(src, 0)
	t.mu.Unlock()
	if _, err := t.writeOut(b); err != nil {
		return 0, abi.EIO
	}
	return len(src), nil
}

// Readiness: readable when a read would not answer EAGAIN; always
// writable.
func (t *TTY) Readiness(mask waiter.EventMask) waiter.EventMask {
	r := waiter.EventOut
	t.mu.Lock()
	if t.readableLocked() {
		r |= waiter.EventIn
	}
	if t.hup {
		r |= waiter.EventHUp
	}
	t.mu.Unlock()
	return r & mask
}

func (t *TTY) readableLocked() bool {
	if t.hup {
		return true
	}
	if t.termios.Lflag&ICANON != 0 {
		return len(t.lines) > 0
	}
	vmin, vtime := int(t.termios.CC[VMIN]), t.termios.CC[VTIME]
	avail := len(t.raw)
	switch {
	case vmin == 0:
		return avail > 0 || t.expired || vtime == 0
	case vtime == 0:
		return avail >= vmin
	default:
		return avail >= vmin || (avail > 0 && t.expired)
	}
}

// EventRegister and EventUnregister implement waiter.Waitable.
func (t *TTY) EventRegister(e *waiter.Entry)   { t.q.EventRegister(e) }
func (t *TTY) EventUnregister(e *waiter.Entry) { t.q.EventUnregister(e) }

// Buffered returns the number of input bytes a read could return now
// (FIONREAD).
func (t *TTY) Buffered() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.raw) + t.nlines
}

// SetWinsize changes the window size (the host terminal was resized),
// sending SIGWINCH to the foreground process group if it changed.
func (t *TTY) SetWinsize(ws Winsize) {
	t.mu.Lock()
	changed := ws != t.ws
	t.ws = ws
	t.checkSessionLocked()
	pgrp := t.pgrp
	t.mu.Unlock()
	if changed && pgrp != 0 && t.jc != nil {
		t.jc.SignalGroup(pgrp, abi.SIGWINCH)
	}
}

// Winsize returns the window size.
func (t *TTY) Winsize() Winsize {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ws
}

// setTermiosLocked installs new modes, moving buffered input between the
// canonical and non-canonical buffers when ICANON changes.
func (t *TTY) setTermiosLocked(n Termios) {
	was := t.termios.Lflag&ICANON != 0
	t.termios = n
	now := n.Lflag&ICANON != 0
	switch {
	case was && !now:
		for _, l := range t.lines {
			t.raw = append(t.raw, l...)
		}
		t.raw = append(t.raw, t.line...)
		t.lines, t.nlines, t.line = nil, 0, nil
	case !was && now && len(t.raw) > 0:
		// What was typed ahead becomes the start of the line.
		t.line = append(t.raw, t.line...)
		t.raw = nil
	}
	t.stopTimerLocked()
	t.space.Broadcast()
}

// Ioctl answers the terminal ioctls.
func (t *TTY) Ioctl(ctx vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error) {
	switch req {
	case TCGETS:
		tm := t.Termios()
		return 0, mem.CopyOut(arg, tm.Marshal())
	case TCSETS, TCSETSW, TCSETSF:
		if err := t.jobCheck(ctx, abi.SIGTTOU); err != nil {
			return 0, err
		}
		b := make([]byte, termiosSize)
		if err := mem.CopyIn(arg, b); err != nil {
			return 0, err
		}
		var n Termios
		n.Unmarshal(b)
		t.mu.Lock()
		if req == TCSETSF {
			t.flushInputLocked()
		}
		t.setTermiosLocked(n)
		t.mu.Unlock()
		t.q.Notify(waiter.EventIn)
		return 0, nil
	case TIOCGWINSZ:
		return 0, mem.CopyOut(arg, t.Winsize().marshal())
	case TIOCSWINSZ:
		b := make([]byte, winsizeSize)
		if err := mem.CopyIn(arg, b); err != nil {
			return 0, err
		}
		var ws Winsize
		ws.unmarshal(b)
		t.SetWinsize(ws)
		return 0, nil
	case FIONREAD:
		return 0, putInt32(mem, arg, int32(t.Buffered()))
	case TIOCOUTQ:
		return 0, putInt32(mem, arg, 0) // output is written at once
	case TCFLSH:
		if err := t.jobCheck(ctx, abi.SIGTTOU); err != nil {
			return 0, err
		}
		switch arg {
		case TCIFLUSH, TCIOFLUSH:
			t.mu.Lock()
			t.flushInputLocked()
			t.mu.Unlock()
		case TCOFLUSH:
		default:
			return 0, abi.EINVAL
		}
		return 0, nil
	case TCXONC:
		if arg > 3 {
			return 0, abi.EINVAL
		}
		return 0, nil // output is never suspended
	case TCSBRK, TCSBRKP:
		return 0, nil // tcdrain: output is written at once
	case TIOCGPGRP, TIOCGSID:
		p, ok := t.caller(ctx)
		t.mu.Lock()
		ctty := !ok || t.isCttyLocked(p)
		pgrp, sid := t.pgrp, t.sid
		t.mu.Unlock()
		if !ctty || sid == 0 {
			return 0, abi.ENOTTY
		}
		v := pgrp
		if req == TIOCGSID {
			v = sid
		}
		return 0, putInt32(mem, arg, int32(v))
	case TIOCSPGRP:
		return 0, t.setPgrp(ctx, mem, arg)
	case TIOCSCTTY:
		return 0, t.setCtty(ctx)
	case TIOCNOTTY:
		return 0, t.noTTY(ctx)
	}
	return 0, abi.ENOTTY
}

func putInt32(mem vfs.UserMemory, va uint64, v int32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(v))
	return mem.CopyOut(va, b[:])
}

// setPgrp is TIOCSPGRP: the caller's session must own the terminal, and
// the new group must be in that session.
func (t *TTY) setPgrp(ctx vfs.Context, mem vfs.UserMemory, arg uint64) error {
	p, ok := t.caller(ctx)
	if !ok {
		return abi.ENOTTY
	}
	t.mu.Lock()
	ctty := t.isCttyLocked(p)
	t.mu.Unlock()
	if !ctty {
		return abi.ENOTTY
	}
	if err := t.jobCheck(ctx, abi.SIGTTOU); err != nil {
		return err
	}
	var b [4]byte
	if err := mem.CopyIn(arg, b[:]); err != nil {
		return err
	}
	pg := int(int32(binary.LittleEndian.Uint32(b[:])))
	if pg < 0 {
		return abi.EINVAL
	}
	sid, ok := t.jc.GroupSession(pg)
	if !ok {
		return abi.ESRCH
	}
	if sid != p.SID {
		return abi.EPERM
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.isCttyLocked(p) {
		return abi.ENOTTY
	}
	t.pgrp = pg
	return nil
}

// setCtty is TIOCSCTTY: a session leader without a controlling terminal
// takes this one if no other session has it.
func (t *TTY) setCtty(ctx vfs.Context) error {
	p, ok := t.caller(ctx)
	if !ok {
		return abi.EPERM
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.checkSessionLocked()
	if t.sid == p.SID && t.sid != 0 {
		return nil
	}
	if p.PID != p.SID || t.sid != 0 {
		return abi.EPERM
	}
	t.sid, t.pgrp = p.SID, p.PGID
	return nil
}

// noTTY is TIOCNOTTY. Since the controlling terminal is kept per
// session, only the session leader's call has an effect: the session
// loses the terminal and its foreground group gets SIGHUP and SIGCONT,
// as on Linux. (Linux also lets any other member drop the terminal for
// itself alone; here that call succeeds and changes nothing.)
func (t *TTY) noTTY(ctx vfs.Context) error {
	p, ok := t.caller(ctx)
	if !ok {
		return abi.ENOTTY
	}
	t.mu.Lock()
	if !t.isCttyLocked(p) {
		t.mu.Unlock()
		return abi.ENOTTY
	}
	if p.PID != p.SID {
		t.mu.Unlock()
		return nil
	}
	pgrp := t.pgrp
	t.sid, t.pgrp = 0, 0
	t.mu.Unlock()
	if pgrp != 0 {
		t.jc.SignalGroup(pgrp, abi.SIGHUP)
		t.jc.SignalGroup(pgrp, abi.SIGCONT)
	}
	return nil
}

// Attach makes the terminal the controlling terminal of session sid with
// pgrp in the foreground, whatever it was before: how the host hands the
// terminal to a program it starts itself (`sos run PROG`).
func (t *TTY) Attach(sid, pgrp int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sid, t.pgrp = sid, pgrp
}

// SessionEnded is called when the leader of session sid exits. If this is
// the session's controlling terminal it becomes free, and its foreground
// process group gets SIGHUP and SIGCONT, as on Linux.
func (t *TTY) SessionEnded(sid int) {
	t.mu.Lock()
	if t.sid != sid || sid == 0 {
		t.mu.Unlock()
		return
	}
	pgrp := t.pgrp
	t.sid, t.pgrp = 0, 0
	t.mu.Unlock()
	if pgrp != 0 && t.jc != nil {
		t.jc.SignalGroup(pgrp, abi.SIGHUP)
		t.jc.SignalGroup(pgrp, abi.SIGCONT)
	}
}
