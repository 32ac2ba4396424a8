package devfs_test

import (
	"strings"
	"testing"
	"time"

	"sos/internal/abi"
	"sos/internal/fs/devfs"
	"sos/internal/syncbuf"
	"sos/internal/tty"
	"sos/internal/vfs"
)

// pctx is a calling process: its pid is also its session (every caller
// here leads its own session).
type pctx int

func (c pctx) PID() int { return int(c) }
func (c pctx) TID() int { return int(c) }

// sessions is a process table where every process leads its own session.
type sessions struct{}

func (sessions) Caller(c vfs.Context) (tty.Proc, bool) {
	p, ok := c.(pctx)
	return tty.Proc{PID: int(p), PGID: int(p), SID: int(p)}, ok
}
func (sessions) IgnoresOrBlocks(vfs.Context, abi.Signal) bool { return false }
func (sessions) SignalGroup(int, abi.Signal)                  {}
func (sessions) Orphaned(int) bool                            { return false }
func (sessions) GroupSession(pgid int) (int, bool)            { return pgid, true }
func (sessions) SessionAlive(int) bool                        { return true }

type lockedBuffer = syncbuf.Buffer

// TestTerminalConsole: a terminal console has tty0; /dev/tty opens only
// for the session whose controlling terminal it is, which a session
// leader becomes by opening tty0 (not console); input is echoed and
// edited.
func TestTerminalConsole(t *testing.T) {
	in := &slowReader{ch: make(chan []byte)}
	defer close(in.ch)
	var out lockedBuffer
	con := devfs.NewTerminal(in, tty.New(&out, sessions{}))
	ns, fs := newDev(t, devfs.Options{Console: con})
	d := open(t, ns, fs, "/dev", abi.O_RDONLY|abi.O_DIRECTORY)
	var names []string
	d.ReadDirents(ctx, func(e vfs.DirEntry, _ int64) bool { names = append(names, e.Name); return true })
	d.DecRef()
	if !strings.Contains(strings.Join(names, " "), " tty tty0 ") {
		t.Errorf("listing %v lacks tty0", names)
	}
	leader := pctx(7)
	if _, err := ns.Open(leader, fs, nil, "/dev/tty", abi.O_RDWR, 0); err != abi.ENXIO {
		t.Fatalf("/dev/tty without a controlling terminal: %v, want ENXIO", err)
	}
	c, err := ns.Open(leader, fs, nil, "/dev/console", abi.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	c.DecRef()
	if _, err := ns.Open(leader, fs, nil, "/dev/tty", abi.O_RDWR, 0); err != abi.ENXIO {
		t.Fatalf("opening /dev/console gave a controlling terminal (%v)", err)
	}
	t0, err := ns.Open(leader, fs, nil, "/dev/tty0", abi.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer t0.DecRef()
	f, err := ns.Open(leader, fs, nil, "/dev/tty", abi.O_RDWR, 0)
	if err != nil {
		t.Fatalf("/dev/tty after opening tty0: %v", err)
	}
	defer f.DecRef()
	if _, err := ns.Open(pctx(8), fs, nil, "/dev/tty", abi.O_RDWR, 0); err != abi.ENXIO {
		t.Errorf("/dev/tty from another session: %v, want ENXIO", err)
	}

	in.ch <- []byte("ab\x7fc\r")
	buf := make([]byte, 16)
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := f.Read(leader, buf)
		if err == nil {
			if got := string(buf[:n]); got != "ac\n" {
				t.Errorf("read %q, want \"ac\\n\"", got)
			}
			break
		}
		if err != abi.EAGAIN || time.Now().After(deadline) {
			t.Fatalf("read: %v", err)
		}
		time.Sleep(time.Millisecond)
	}
	f.Write(leader, []byte("out\n"))
	if got, want := out.String(), "ab\b \bc\r\nout\r\n"; got != want {
		t.Errorf("terminal shows %q, want %q", got, want)
	}
}
