package devfs

import (
	"encoding/binary"
	"io"
	"sync"

	"sos/internal/abi"
	"sos/internal/tty"
	"sos/internal/vfs"
	"sos/internal/waiter"
)

// maxBuffered bounds the input a Console reads ahead of its readers.
const maxBuffered = 64 << 10

// A Console connects /dev/console and /dev/tty to the host. It is one of
// two things, chosen when it is made:
//
//   - a plain stream (NewConsole), when the host's standard input is not a
//     terminal (a pipe, a file, a test): input comes from an io.Reader as
//     it is, with no echo and no line editing, output goes to an
//     io.Writer, and terminal ioctls fail with ENOTTY (unless a Terminal
//     is set), so programs see what they would see reading a pipe;
//   - a terminal (NewTerminal), when the host's standard input is one (in
//     raw mode): the bytes typed go through a tty.TTY line discipline,
//     which echoes, edits lines, sends ^C as SIGINT to the foreground
//     process group and answers the termios ioctls; /dev/tty0 appears
//     too, and /dev/tty opens only for processes whose controlling
//     terminal it is, as on Linux.
//
// Reading the host must never block a task's hart, so a goroutine, started
// when the console is first opened, reads the host into a buffer; a read
// takes what the buffer holds, answers abi.EAGAIN when it is empty (the
// task then waits on the console, which is notified when input arrives),
// and 0 once the host reader has reached its end (or failed). Writes go
// straight to the writer.
type Console struct {
	r     io.Reader
	w     io.Writer
	q     waiter.Queue
	start sync.Once

	// wmu serialises writes to w.
	wmu sync.Mutex

	// mu guards the following fields.
	mu    sync.Mutex
	space *sync.Cond // signalled when the buffer shrinks
	buf   []byte     // input read from the host, not yet read by a task
	eof   bool       // the host reader has ended
	term  Terminal

	// tty, if not nil, makes this console a terminal: input goes to it
	// rather than to buf, and the files opened are its.
	tty *tty.TTY
}

// Terminal handles terminal controls (TCGETS, TCSETS*, TIOCGWINSZ...) for
// a console whose host side is a terminal; see Console.SetTerminal.
type Terminal interface {
	Ioctl(ctx vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error)
}

// NewConsole returns a console reading r and writing w; a nil r reads end
// of file, a nil w discards output.
func NewConsole(r io.Reader, w io.Writer) *Console {
	if r == nil {
		r = eofReader{}
	}
	if w == nil {
		w = io.Discard
	}
	c := &Console{r: r, w: w}
	c.space = sync.NewCond(&c.mu)
	return c
}

// NewTerminal returns a console that is the terminal t, fed with the
// bytes read from r (the host terminal, in raw mode). t writes its output
// (program output and echo) to the host itself.
func NewTerminal(r io.Reader, t *tty.TTY) *Console {
	c := NewConsole(r, nil)
	c.tty = t
	return c
}

// TTY returns the console's line discipline, nil for a plain stream.
func (c *Console) TTY() *tty.TTY { return c.tty }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// SetTerminal makes t handle the console's terminal controls. Without
// one, they fail with abi.ENOTTY, so programs treat the console as a
// plain stream (no line editing, no window size).
func (c *Console) SetTerminal(t Terminal) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.term = t
}

// readHost copies the host reader into the buffer (or the terminal)
// until it ends.
func (c *Console) readHost() {
	b := make([]byte, 4096)
	if c.tty != nil {
		for {
			n, err := c.r.Read(b)
			if n > 0 {
				c.tty.Input(b[:n])
			}
			if err != nil {
				c.tty.Hangup()
				return
			}
		}
	}
	for {
		c.mu.Lock()
		for len(c.buf) >= maxBuffered {
			c.space.Wait()
		}
		c.mu.Unlock()
		n, err := c.r.Read(b)
		c.mu.Lock()
		c.buf = append(c.buf, b[:n]...)
		if err != nil {
			c.eof = true
		}
		c.mu.Unlock()
		if n > 0 || err != nil {
			c.q.Notify(waiter.EventIn)
		}
		if err != nil {
			return
		}
	}
}

// Which console device a file is opened through.
const (
	openConsole = iota // /dev/console
	openTTY            // /dev/tty: the caller's controlling terminal
	openTTY0           // /dev/tty0: a terminal like any other
)

func (c *Console) open(ctx vfs.Context, flags, which int) (vfs.FileOps, error) {
	c.start.Do(func() { go c.readHost() })
	if c.tty == nil {
		return consoleOps{c}, nil
	}
	switch which {
	case openTTY:
		if !c.tty.IsControlling(ctx) {
			return nil, abi.ENXIO
		}
	case openTTY0:
		c.tty.Opened(ctx, flags&abi.O_NOCTTY != 0)
	}
	return ttyOps{c.tty}, nil
}

// ttyOps is an open terminal.
type ttyOps struct{ t *tty.TTY }

var (
	_ vfs.FileOps = ttyOps{}
	_ vfs.Stream  = ttyOps{}
	_ vfs.Ioctler = ttyOps{}
)

func (ttyOps) IsStream() {}
func (ttyOps) Release()  {}

func (o ttyOps) Read(ctx vfs.Context, dst []byte, _ int64) (int, error) {
	return o.t.Read(ctx, dst)
}

func (o ttyOps) Write(ctx vfs.Context, src []byte, _ int64) (int, error) {
	return o.t.Write(ctx, src)
}

func (o ttyOps) Readiness(mask waiter.EventMask) waiter.EventMask { return o.t.Readiness(mask) }
func (o ttyOps) EventRegister(e *waiter.Entry)                    { o.t.EventRegister(e) }
func (o ttyOps) EventUnregister(e *waiter.Entry)                  { o.t.EventUnregister(e) }

func (o ttyOps) Ioctl(ctx vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error) {
	return o.t.Ioctl(ctx, mem, req, arg)
}

// Buffered returns the input bytes read from the host and not yet read by
// a program.
func (c *Console) Buffered() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.buf)
}

// consoleOps is an open tty or console.
type consoleOps struct{ c *Console }

var (
	_ vfs.FileOps = consoleOps{}
	_ vfs.Stream  = consoleOps{}
	_ vfs.Ioctler = consoleOps{}
)

func (consoleOps) IsStream() {}
func (consoleOps) Release()  {}

func (o consoleOps) Read(_ vfs.Context, dst []byte, _ int64) (int, error) {
	c := o.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(dst) == 0 {
		return 0, nil
	}
	if len(c.buf) == 0 {
		if c.eof {
			return 0, nil
		}
		return 0, abi.EAGAIN
	}
	n := copy(dst, c.buf)
	c.buf = c.buf[n:]
	if len(c.buf) == 0 {
		c.buf = nil
	}
	c.space.Signal()
	return n, nil
}

func (o consoleOps) Write(_ vfs.Context, src []byte, _ int64) (int, error) {
	c := o.c
	c.wmu.Lock()
	defer c.wmu.Unlock()
	n, err := c.w.Write(src)
	if err != nil && n == 0 {
		return 0, abi.EIO
	}
	return n, nil
}

// Readiness: readable when input is buffered or the host has ended;
// always writable.
func (o consoleOps) Readiness(mask waiter.EventMask) waiter.EventMask {
	c := o.c
	r := waiter.EventOut
	c.mu.Lock()
	if len(c.buf) > 0 || c.eof {
		r |= waiter.EventIn
	}
	c.mu.Unlock()
	return r & mask
}

func (o consoleOps) EventRegister(e *waiter.Entry)   { o.c.q.EventRegister(e) }
func (o consoleOps) EventUnregister(e *waiter.Entry) { o.c.q.EventUnregister(e) }

// Ioctl answers FIONREAD with the buffered input; other requests go to
// the Terminal if there is one, else fail with abi.ENOTTY.
func (o consoleOps) Ioctl(ctx vfs.Context, mem vfs.UserMemory, req uint32, arg uint64) (uint64, error) {
	c := o.c
	c.mu.Lock()
	n, term := len(c.buf), c.term
	c.mu.Unlock()
	if req == abi.FIONREAD {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(n))
		return 0, mem.CopyOut(arg, b[:])
	}
	if term != nil {
		return term.Ioctl(ctx, mem, req, arg)
	}
	return 0, abi.ENOTTY
}
