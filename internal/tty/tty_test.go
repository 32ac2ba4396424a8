package tty

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/syncbuf"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// ctx is a caller: a process id.
type ctx int

func (c ctx) PID() int { return int(c) }
func (c ctx) TID() int { return int(c) }

// fakeJobs is a process table for job control.
type fakeJobs struct {
	mu       sync.Mutex
	procs    map[int]Proc
	ignored  map[int]bool // pid ignores or blocks every job-control signal
	orphaned map[int]bool // pgid
	sent     []sent
}

type sent struct {
	pgid int
	sig  abi.Signal
}

func newFakeJobs(procs ...Proc) *fakeJobs {
	j := &fakeJobs{procs: map[int]Proc{}, ignored: map[int]bool{}, orphaned: map[int]bool{}}
	for _, p := range procs {
		j.procs[p.PID] = p
	}
	return j
}

func (j *fakeJobs) Caller(c vfs.Context) (Proc, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	p, ok := j.procs[c.PID()]
	return p, ok
}

func (j *fakeJobs) IgnoresOrBlocks(c vfs.Context, sig abi.Signal) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.ignored[c.PID()]
}

func (j *fakeJobs) SignalGroup(pgid int, sig abi.Signal) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.sent = append(j.sent, sent{pgid, sig})
}

func (j *fakeJobs) Orphaned(pgid int) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.orphaned[pgid]
}

func (j *fakeJobs) GroupSession(pgid int) (int, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, p := range j.procs {
		if p.PGID == pgid {
			return p.SID, true
		}
	}
	return 0, false
}

func (j *fakeJobs) SessionAlive(sid int) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	_, ok := j.procs[sid]
	return ok
}

func (j *fakeJobs) takeSent() []sent {
	j.mu.Lock()
	defer j.mu.Unlock()
	s := j.sent
	j.sent = nil
	return s
}

type syncBuffer = syncbuf.Buffer

// mem is user memory for ioctls: a flat byte array from address 0.
type mem []byte

func (m mem) CopyIn(va uint64, dst []byte) error {
	if va+uint64(len(dst)) > uint64(len(m)) {
		return abi.EFAULT
	}
	copy(dst, m[va:])
	return nil
}

func (m mem) CopyOut(va uint64, src []byte) error {
	if va+uint64(len(src)) > uint64(len(m)) {
		return abi.EFAULT
	}
	copy(m[va:], src)
	return nil
}

// A session: shell 10 (leader, group 10), foreground job 20 (group 20),
// background job 30 (group 30); 40 is in another session.
const (
	shell = ctx(10)
	fg    = ctx(20)
	bg    = ctx(30)
	other = ctx(40)
)

func setup(t *testing.T) (*TTY, *fakeJobs, *syncBuffer) {
	t.Helper()
	j := newFakeJobs(
		Proc{PID: 10, PGID: 10, SID: 10},
		Proc{PID: 20, PGID: 20, SID: 10},
		Proc{PID: 30, PGID: 30, SID: 10},
		Proc{PID: 40, PGID: 40, SID: 40},
	)
	out := &syncBuffer{}
	tt := New(out, j)
	m := make(mem, 64)
	if _, err := tt.Ioctl(shell, m, TIOCSCTTY, 0); err != nil {
		t.Fatalf("TIOCSCTTY: %v", err)
	}
	binary.LittleEndian.PutUint32(m, 20)
	if _, err := tt.Ioctl(shell, m, TIOCSPGRP, 0); err != nil {
		t.Fatalf("TIOCSPGRP: %v", err)
	}
	return tt, j, out
}

func read(t *testing.T, tt *TTY, c vfs.Context, n int) (string, error) {
	t.Helper()
	b := make([]byte, n)
	got, err := tt.Read(c, b)
	return string(b[:got]), err
}

func mustRead(t *testing.T, tt *TTY, n int, want string) {
	t.Helper()
	got, err := read(t, tt, fg, n)
	if err != nil || got != want {
		t.Fatalf("read = %q, %v; want %q", got, err, want)
	}
}

func TestCanonicalEditing(t *testing.T) {
	tt, _, out := setup(t)
	if _, err := read(t, tt, fg, 100); err != abi.EAGAIN {
		t.Fatalf("read with no line: %v, want EAGAIN", err)
	}
	tt.Input([]byte("helo\x7fl\bl"))
	if _, err := read(t, tt, fg, 100); err != abi.EAGAIN {
		t.Fatalf("read of an unfinished line: %v, want EAGAIN", err)
	}
	tt.Input([]byte("o wrld\x17world\r"))
	mustRead(t, tt, 100, "hello world\n")
	if got, want := out.Take(), "helo\b \bl\b \bl"+"o wrld\b \b\b \b\b \b\b \bworld\r\n"; got != want {
		t.Errorf("echo %q, want %q", got, want)
	}
	// Kill-line, then a partial read keeps the rest of the line.
	tt.Input([]byte("junk\x15abcdef\n"))
	if got, want := out.Take(), "junk\b \b\b \b\b \b\b \babcdef\r\n"; got != want {
		t.Errorf("echo %q, want %q", got, want)
	}
	mustRead(t, tt, 4, "abcd")
	mustRead(t, tt, 100, "ef\n")
	// One line per read.
	tt.Input([]byte("a\nb\n"))
	mustRead(t, tt, 100, "a\n")
	mustRead(t, tt, 100, "b\n")
	// Control characters echo as ^X; erasing one rubs out two columns.
	tt.Input([]byte("\x01\x7f\n"))
	if got, want := out.Take(), "a\r\nb\r\n^A\b \b\b \b\r\n"; got != want {
		t.Errorf("echo %q, want %q", got, want)
	}
	mustRead(t, tt, 100, "\n")
	// UTF-8: erase takes the whole character.
	tt.Input([]byte("é\x7fe\n"))
	mustRead(t, tt, 100, "e\n")
}

func TestEOF(t *testing.T) {
	tt, _, out := setup(t)
	tt.Input([]byte("ab\x04\x04"))
	mustRead(t, tt, 100, "ab") // ^D ends a line without a newline
	mustRead(t, tt, 100, "")   // ^D at a line's start: end of file
	if _, err := read(t, tt, fg, 100); err != abi.EAGAIN {
		t.Fatalf("after EOF: %v, want EAGAIN (a terminal goes on)", err)
	}
	if got := out.Take(); got != "ab" {
		t.Errorf("echo %q, want ^D not echoed", got)
	}
	tt.Hangup()
	mustRead(t, tt, 100, "")
}

func TestSignals(t *testing.T) {
	tt, j, out := setup(t)
	for _, c := range []struct {
		in   byte
		sig  abi.Signal
		echo string
	}{{0x03, abi.SIGINT, "^C"}, {0x1a, abi.SIGTSTP, "^Z"}, {0x1c, abi.SIGQUIT, "^\\"}} {
		tt.Input([]byte("typed"))
		out.Take()
		tt.Input([]byte{c.in})
		if got := j.takeSent(); !slices.Equal(got, []sent{{20, c.sig}}) {
			t.Errorf("%q sent %v, want %v to group 20", c.in, got, c.sig)
		}
		if got := out.Take(); got != c.echo {
			t.Errorf("%q echoed %q, want %q", c.in, got, c.echo)
		}
		tt.Input([]byte("\n"))
		mustRead(t, tt, 100, "\n") // the typed line was flushed
	}
	// NOFLSH keeps the input; without ISIG ^C is data.
	m := make(mem, 64)
	tm := tt.Termios()
	tm.Lflag |= NOFLSH
	setTermios(t, tt, m, tm)
	tt.Input([]byte("keep\x03\n"))
	mustRead(t, tt, 100, "keep\n")
	j.takeSent()
	tm.Lflag &^= ISIG
	setTermios(t, tt, m, tm)
	tt.Input([]byte("\x03\n"))
	mustRead(t, tt, 100, "\x03\n")
	if got := j.takeSent(); len(got) != 0 {
		t.Errorf("without ISIG sent %v", got)
	}
}

func setTermios(t *testing.T, tt *TTY, m mem, tm Termios) {
	t.Helper()
	copy(m, tm.Marshal())
	if _, err := tt.Ioctl(fg, m, TCSETS, 0); err != nil {
		t.Fatalf("TCSETS: %v", err)
	}
}

func TestTermiosLayout(t *testing.T) {
	tt, _, _ := setup(t)
	m := make(mem, 64)
	if _, err := tt.Ioctl(fg, m, TCGETS, 0); err != nil {
		t.Fatal(err)
	}
	// Linux's stty sane on riscv64: iflag ICRNL|IUTF8, oflag
	// OPOST|ONLCR, cflag B38400|CS8|CREAD|HUPCL, lflag
	// ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN.
	want := []uint32{0x4100, 0x5, 0x4bf, 0x8a3b}
	for i, w := range want {
		if got := binary.LittleEndian.Uint32(m[4*i:]); got != w {
			t.Errorf("flag word %d = %#x, want %#x", i, got, w)
		}
	}
	if m[16] != 0 || m[17+VINTR] != 3 || m[17+VEOF] != 4 || m[17+VMIN] != 1 || m[17+VSUSP] != 0x1a {
		t.Errorf("c_line/c_cc wrong: % x", m[16:36])
	}
	if m[36] != 0 {
		t.Errorf("TCGETS wrote past 36 bytes")
	}
	if _, err := tt.Ioctl(fg, make(mem, 10), TCGETS, 0); err != abi.EFAULT {
		t.Errorf("TCGETS to a short buffer: %v, want EFAULT", err)
	}
	if _, err := tt.Ioctl(fg, m, 0x1234, 0); err != abi.ENOTTY {
		t.Errorf("unknown ioctl: %v, want ENOTTY", err)
	}
}

func TestRawMode(t *testing.T) {
	tt, _, out := setup(t)
	m := make(mem, 64)
	tm := tt.Termios()
	tm.Lflag &^= ICANON | ECHO
	tm.Iflag &^= ICRNL
	tm.CC[VMIN], tm.CC[VTIME] = 3, 0
	setTermios(t, tt, m, tm)
	tt.Input([]byte("ab"))
	if _, err := read(t, tt, fg, 10); err != abi.EAGAIN {
		t.Fatalf("VMIN=3 with 2 bytes: %v, want EAGAIN", err)
	}
	if tt.Readiness(waiter.EventIn) != 0 {
		t.Errorf("readable with fewer than VMIN bytes")
	}
	mustRead(t, tt, 1, "a") // a read of fewer bytes than VMIN returns when it can be met
	tt.Input([]byte("\rcd"))
	if tt.Readiness(waiter.EventIn) == 0 {
		t.Errorf("not readable with VMIN bytes")
	}
	mustRead(t, tt, 10, "b\rcd")
	if got := out.Take(); got != "" {
		t.Errorf("echo without ECHO: %q", got)
	}
	// VMIN=0, VTIME=0: polling.
	tm.CC[VMIN], tm.CC[VTIME] = 0, 0
	setTermios(t, tt, m, tm)
	mustRead(t, tt, 10, "")
	// VMIN=0, VTIME=1: a read waits up to 0.1s, then returns 0.
	tm.CC[VMIN], tm.CC[VTIME] = 0, 1
	setTermios(t, tt, m, tm)
	if _, err := read(t, tt, fg, 10); err != abi.EAGAIN {
		t.Fatalf("VTIME read: %v, want EAGAIN first", err)
	}
	waitReadable(t, tt)
	mustRead(t, tt, 10, "")
	tt.Input([]byte("x"))
	mustRead(t, tt, 10, "x")
	// VMIN=5, VTIME=1: fewer bytes come back once the inter-byte timer
	// runs out.
	tm.CC[VMIN], tm.CC[VTIME] = 5, 1
	setTermios(t, tt, m, tm)
	tt.Input([]byte("yz"))
	waitReadable(t, tt)
	mustRead(t, tt, 10, "yz")
	// Switching to canonical mode keeps typed-ahead input.
	tt.Input([]byte("ab"))
	tm = DefaultTermios()
	setTermios(t, tt, m, tm)
	tt.Input([]byte("c\n"))
	mustRead(t, tt, 10, "abc\n")
}

// waitReadable waits (boundedly) for the terminal to become readable.
func waitReadable(t *testing.T, tt *TTY) {
	t.Helper()
	e := waiter.NewEntry(waiter.EventIn)
	tt.EventRegister(e)
	defer tt.EventUnregister(e)
	if tt.Readiness(waiter.EventIn) != 0 {
		return
	}
	select {
	case <-e.C:
	case <-time.After(10 * time.Second):
		t.Fatal("never became readable")
	}
}

func TestInputModes(t *testing.T) {
	tt, _, out := setup(t)
	m := make(mem, 64)
	tm := tt.Termios()
	tm.Iflag = IGNCR
	setTermios(t, tt, m, tm)
	tt.Input([]byte("a\rb\n"))
	mustRead(t, tt, 10, "ab\n")
	tm.Iflag = INLCR
	tm.Lflag |= ICANON
	tm.CC[VEOL] = '\r'
	setTermios(t, tt, m, tm)
	tt.Input([]byte("c\n"))
	mustRead(t, tt, 10, "c\r")
	// ECHONL echoes newlines alone.
	tm = DefaultTermios()
	tm.Lflag = tm.Lflag&^ECHO | ECHONL
	setTermios(t, tt, m, tm)
	out.Take()
	tt.Input([]byte("secret\n"))
	if got := out.Take(); got != "\r\n" {
		t.Errorf("ECHONL echoed %q", got)
	}
	mustRead(t, tt, 10, "secret\n")
	// Output: ONLCR, and none without OPOST.
	tt.Write(fg, []byte("x\ny\n"))
	if got := out.Take(); got != "x\r\ny\r\n" {
		t.Errorf("ONLCR wrote %q", got)
	}
	tm.Oflag &^= OPOST
	setTermios(t, tt, m, tm)
	tt.Write(fg, []byte("x\n"))
	if got := out.Take(); got != "x\n" {
		t.Errorf("without OPOST wrote %q", got)
	}
	// ECHOK without ECHOKE: the kill character and a newline.
	tm = DefaultTermios()
	tm.Lflag &^= ECHOKE
	setTermios(t, tt, m, tm)
	tt.Input([]byte("ab\x15"))
	if got := out.Take(); got != "ab^U\r\n" {
		t.Errorf("ECHOK echoed %q", got)
	}
}

func TestBackgroundRead(t *testing.T) {
	tt, j, _ := setup(t)
	tt.Input([]byte("line\n"))
	if _, err := read(t, tt, bg, 10); err != abi.ERESTARTSYS {
		t.Fatalf("background read: %v, want ERESTARTSYS", err)
	}
	if got := j.takeSent(); !slices.Equal(got, []sent{{30, abi.SIGTTIN}}) {
		t.Errorf("background read sent %v, want SIGTTIN to group 30", got)
	}
	j.ignored[30] = true
	if _, err := read(t, tt, bg, 10); err != abi.EIO {
		t.Errorf("background read ignoring SIGTTIN: %v, want EIO", err)
	}
	j.ignored[30] = false
	j.orphaned[30] = true
	if _, err := read(t, tt, bg, 10); err != abi.EIO {
		t.Errorf("orphaned background read: %v, want EIO", err)
	}
	if got := j.takeSent(); len(got) != 0 {
		t.Errorf("sent %v to an orphaned or ignoring group", got)
	}
	// A process of another session reads without job control.
	got, err := read(t, tt, other, 10)
	if err != nil || got != "line\n" {
		t.Errorf("read from another session: %q, %v", got, err)
	}
	// Writes from the background: allowed until TOSTOP.
	if _, err := tt.Write(bg, []byte("x")); err != nil {
		t.Errorf("background write: %v", err)
	}
	m := make(mem, 64)
	tm := tt.Termios()
	tm.Lflag |= TOSTOP
	setTermios(t, tt, m, tm)
	j.orphaned[30] = false
	if _, err := tt.Write(bg, []byte("x")); err != abi.ERESTARTSYS {
		t.Errorf("background write with TOSTOP: %v, want ERESTARTSYS", err)
	}
	if got := j.takeSent(); !slices.Equal(got, []sent{{30, abi.SIGTTOU}}) {
		t.Errorf("sent %v, want SIGTTOU to 30", got)
	}
	j.ignored[30] = true
	if _, err := tt.Write(bg, []byte("x")); err != nil {
		t.Errorf("background write ignoring SIGTTOU: %v", err)
	}
	j.ignored[30] = false
	// TCSETS from the background.
	copy(m, tm.Marshal())
	if _, err := tt.Ioctl(bg, m, TCSETS, 0); err != abi.ERESTARTSYS {
		t.Errorf("background TCSETS: %v, want ERESTARTSYS", err)
	}
}

func TestForegroundGroup(t *testing.T) {
	tt, j, _ := setup(t)
	m := make(mem, 64)
	if _, err := tt.Ioctl(bg, m, TIOCGPGRP, 0); err != nil || binary.LittleEndian.Uint32(m) != 20 {
		t.Fatalf("TIOCGPGRP = %d, %v; want 20", binary.LittleEndian.Uint32(m), err)
	}
	if _, err := tt.Ioctl(fg, m, TIOCGSID, 0); err != nil || binary.LittleEndian.Uint32(m) != 10 {
		t.Fatalf("TIOCGSID = %d, %v; want 10", binary.LittleEndian.Uint32(m), err)
	}
	if _, err := tt.Ioctl(other, m, TIOCGPGRP, 0); err != abi.ENOTTY {
		t.Errorf("TIOCGPGRP from another session: %v, want ENOTTY", err)
	}
	for _, c := range []struct {
		pg   int32
		want error
	}{{40, abi.EPERM}, {99, abi.ESRCH}, {-1, abi.EINVAL}, {30, nil}} {
		binary.LittleEndian.PutUint32(m, uint32(c.pg))
		if _, err := tt.Ioctl(fg, m, TIOCSPGRP, 0); !errors.Is(err, c.want) && err != c.want {
			t.Errorf("TIOCSPGRP %d: %v, want %v", c.pg, err, c.want)
		}
	}
	if _, pg := tt.Foreground(); pg != 30 {
		t.Fatalf("foreground %d, want 30", pg)
	}
	// Now 20 is in the background: its TIOCSPGRP is a SIGTTOU.
	binary.LittleEndian.PutUint32(m, 20)
	if _, err := tt.Ioctl(fg, m, TIOCSPGRP, 0); err != abi.ERESTARTSYS {
		t.Errorf("TIOCSPGRP from the background: %v, want ERESTARTSYS", err)
	}
	j.takeSent()
	if _, err := tt.Ioctl(other, m, TIOCSPGRP, 0); err != abi.ENOTTY {
		t.Errorf("TIOCSPGRP from another session: %v, want ENOTTY", err)
	}
	// Input signals go to the new foreground group.
	tt.Input([]byte{3})
	if got := j.takeSent(); !slices.Equal(got, []sent{{30, abi.SIGINT}}) {
		t.Errorf("^C sent %v, want SIGINT to 30", got)
	}
}

func TestControllingTerminal(t *testing.T) {
	j := newFakeJobs(Proc{PID: 10, PGID: 10, SID: 10}, Proc{PID: 11, PGID: 10, SID: 10}, Proc{PID: 40, PGID: 40, SID: 40})
	tt := New(nil, j)
	if tt.IsControlling(ctx(10)) {
		t.Fatal("a new terminal is someone's")
	}
	if _, err := tt.Ioctl(ctx(11), nil, TIOCSCTTY, 0); err != abi.EPERM {
		t.Errorf("TIOCSCTTY by a non-leader: %v, want EPERM", err)
	}
	tt.Opened(ctx(10), true)
	if tt.IsControlling(ctx(10)) {
		t.Errorf("opening with O_NOCTTY acquired the terminal")
	}
	tt.Opened(ctx(10), false)
	if !tt.IsControlling(ctx(11)) || tt.IsControlling(ctx(40)) {
		t.Fatalf("a leader opening the terminal did not make it its session's")
	}
	if _, err := tt.Ioctl(ctx(40), nil, TIOCSCTTY, 0); err != abi.EPERM {
		t.Errorf("stealing with TIOCSCTTY: %v, want EPERM", err)
	}
	// TIOCNOTTY by the leader frees it and hangs up the foreground.
	if _, err := tt.Ioctl(ctx(10), nil, TIOCNOTTY, 0); err != nil {
		t.Fatal(err)
	}
	if got := j.takeSent(); !slices.Equal(got, []sent{{10, abi.SIGHUP}, {10, abi.SIGCONT}}) {
		t.Errorf("TIOCNOTTY sent %v", got)
	}
	if _, err := tt.Ioctl(ctx(40), nil, TIOCSCTTY, 0); err != nil {
		t.Fatalf("TIOCSCTTY of a free terminal: %v", err)
	}
	// The leader dies: the terminal is free again.
	delete(j.procs, 40)
	if sid, _ := tt.Foreground(); sid != 0 {
		t.Errorf("terminal still belongs to dead session %d", sid)
	}
}

func TestWindowSize(t *testing.T) {
	tt, j, _ := setup(t)
	m := make(mem, 64)
	if _, err := tt.Ioctl(fg, m, TIOCGWINSZ, 0); err != nil || binary.LittleEndian.Uint16(m) != 24 || binary.LittleEndian.Uint16(m[2:]) != 80 {
		t.Fatalf("TIOCGWINSZ % x, %v; want 24x80", m[:8], err)
	}
	binary.LittleEndian.PutUint16(m, 50)
	binary.LittleEndian.PutUint16(m[2:], 132)
	if _, err := tt.Ioctl(bg, m, TIOCSWINSZ, 0); err != nil {
		t.Fatal(err)
	}
	if got := j.takeSent(); !slices.Equal(got, []sent{{20, abi.SIGWINCH}}) {
		t.Errorf("TIOCSWINSZ sent %v, want SIGWINCH to 20", got)
	}
	if _, err := tt.Ioctl(bg, m, TIOCSWINSZ, 0); err != nil {
		t.Fatal(err)
	}
	if got := j.takeSent(); len(got) != 0 {
		t.Errorf("an unchanged size sent %v", got)
	}
	tt.SetWinsize(Winsize{Row: 10, Col: 20})
	if got := j.takeSent(); !slices.Equal(got, []sent{{20, abi.SIGWINCH}}) {
		t.Errorf("host resize sent %v", got)
	}
	if ws := tt.Winsize(); ws.Row != 10 || ws.Col != 20 {
		t.Errorf("winsize %v", ws)
	}
}

func TestFlushAndQueue(t *testing.T) {
	tt, _, _ := setup(t)
	m := make(mem, 64)
	tt.Input([]byte("abc\nde\n"))
	if _, err := tt.Ioctl(fg, m, FIONREAD, 0); err != nil || binary.LittleEndian.Uint32(m) != 7 {
		t.Errorf("FIONREAD = %d, %v; want 7", binary.LittleEndian.Uint32(m), err)
	}
	if _, err := tt.Ioctl(fg, m, TCFLSH, TCIFLUSH); err != nil {
		t.Fatal(err)
	}
	if _, err := read(t, tt, fg, 10); err != abi.EAGAIN {
		t.Errorf("after TCFLSH: %v, want EAGAIN", err)
	}
	if _, err := tt.Ioctl(fg, m, TCFLSH, 7); err != abi.EINVAL {
		t.Errorf("TCFLSH 7: %v", err)
	}
	for _, req := range []uint32{TCXONC, TCSBRK} {
		if _, err := tt.Ioctl(fg, m, req, 1); err != nil {
			t.Errorf("ioctl %#x: %v", req, err)
		}
	}
	// TCSETSF discards input.
	tt.Input([]byte("x\n"))
	tm := tt.Termios()
	copy(m, tm.Marshal())
	if _, err := tt.Ioctl(fg, m, TCSETSF, 0); err != nil {
		t.Fatal(err)
	}
	if tt.Buffered() != 0 {
		t.Errorf("TCSETSF kept input")
	}
}

// Input waits while too much is unread, rather than growing without bound.
func TestInputBackpressure(t *testing.T) {
	tt, _, _ := setup(t)
	big := bytes.Repeat([]byte("0123456789abcde\n"), maxBuffered/16+100)
	done := make(chan struct{})
	go func() { tt.Input(big); close(done) }()
	got := 0
	b := make([]byte, 100)
	for got < len(big) {
		n, err := tt.Read(fg, b)
		if err == abi.EAGAIN {
			waitReadable(t, tt)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if tt.Buffered() > maxBuffered {
			t.Fatalf("buffered %d", tt.Buffered())
		}
		got += n
	}
	<-done
}

func TestSessionEnded(t *testing.T) {
	tt, j, _ := setup(t)
	tt.SessionEnded(40) // another session: nothing happens
	if sid, pg := tt.Foreground(); sid != 10 || pg != 20 {
		t.Fatalf("foreground %d/%d after another session ended", sid, pg)
	}
	tt.SessionEnded(10)
	if got := j.takeSent(); !slices.Equal(got, []sent{{20, abi.SIGHUP}, {20, abi.SIGCONT}}) {
		t.Errorf("the leader's exit sent %v, want SIGHUP and SIGCONT to 20", got)
	}
	if sid, _ := tt.Foreground(); sid != 0 {
		t.Errorf("terminal still belongs to session %d", sid)
	}
}

// FuzzTTY: any input under any modes, read and written back, never
// crashes the terminal, and reads never return more than asked for.
func FuzzTTY(f *testing.F) {
	f.Add([]byte("hello\x7f\x15\x17\x16\x03x\n\x04"), uint32(ICANON|ECHO|ECHOE|ECHOCTL|ISIG|IEXTEN), uint32(ICRNL), uint8(1), uint8(0))
	f.Add([]byte("\r\r\n\x1a\x1c"), uint32(0), uint32(INLCR|IGNCR|ISTRIP), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, in []byte, lflag, iflag uint32, vmin, vtime uint8) {
		tt, _, _ := setup(t)
		tm := DefaultTermios()
		tm.Lflag, tm.Iflag = lflag, iflag
		tm.CC[VMIN], tm.CC[VTIME] = vmin, vtime%3
		m := make(mem, 64)
		copy(m, tm.Marshal())
		if _, err := tt.Ioctl(fg, m, TCSETS, 0); err != nil {
			t.Fatal(err)
		}
		tt.Input(in)
		b := make([]byte, 7)
		for range 50 {
			n, err := tt.Read(fg, b)
			if n > len(b) || (err != nil && err != abi.EAGAIN) {
				t.Fatalf("read %d, %v", n, err)
			}
			if err == abi.EAGAIN || n == 0 {
				break
			}
		}
		tt.Write(fg, in)
		tt.Hangup()
	})
}
