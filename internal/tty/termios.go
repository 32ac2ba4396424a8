package tty

import "encoding/binary"

// The Linux riscv64 (asm-generic) terminal ABI.

// NCCS is the number of control characters in the kernel's struct termios
// (the one TCGETS copies; glibc's own struct is larger and converted by
// tcgetattr).
const NCCS = 19

// termiosSize is sizeof(struct termios): four tcflag_t, c_line, c_cc.
const termiosSize = 4*4 + 1 + NCCS

// winsizeSize is sizeof(struct winsize).
const winsizeSize = 8

// Indexes into Termios.CC.
const (
	VINTR    = 0
	VQUIT    = 1
	VERASE   = 2
	VKILL    = 3
	VEOF     = 4
	VTIME    = 5
	VMIN     = 6
	VSWTC    = 7
	VSTART   = 8
	VSTOP    = 9
	VSUSP    = 10
	VEOL     = 11
	VREPRINT = 12
	VDISCARD = 13
	VWERASE  = 14
	VLNEXT   = 15
	VEOL2    = 16
)

// Input modes (c_iflag).
const (
	IGNBRK  = 0o1
	BRKINT  = 0o2
	ISTRIP  = 0o40
	INLCR   = 0o100
	IGNCR   = 0o200
	ICRNL   = 0o400
	IXON    = 0o2000
	IMAXBEL = 0o20000
	IUTF8   = 0o40000
)

// Output modes (c_oflag).
const (
	OPOST = 0o1
	ONLCR = 0o4
	OCRNL = 0o10
)

// Control modes (c_cflag).
const (
	B38400 = 0o17
	CS8    = 0o60
	CREAD  = 0o200
	HUPCL  = 0o2000
)

// Local modes (c_lflag).
const (
	ISIG    = 0o1
	ICANON  = 0o2
	ECHO    = 0o10
	ECHOE   = 0o20
	ECHOK   = 0o40
	ECHONL  = 0o100
	NOFLSH  = 0o200
	TOSTOP  = 0o400
	ECHOCTL = 0o1000
	ECHOKE  = 0o4000
	IEXTEN  = 0o100000
)

// ioctl requests (asm-generic/ioctls.h).
const (
	TCGETS     = 0x5401
	TCSETS     = 0x5402
	TCSETSW    = 0x5403
	TCSETSF    = 0x5404
	TCSBRK     = 0x5409
	TCXONC     = 0x540a
	TCFLSH     = 0x540b
	TIOCSCTTY  = 0x540e
	TIOCGPGRP  = 0x540f
	TIOCSPGRP  = 0x5410
	TIOCOUTQ   = 0x5411
	TIOCGWINSZ = 0x5413
	TIOCSWINSZ = 0x5414
	FIONREAD   = 0x541b
	TIOCNOTTY  = 0x5422
	TIOCGSID   = 0x5429
	TCSBRKP    = 0x5425
)

// TCFLSH arguments.
const (
	TCIFLUSH  = 0
	TCOFLUSH  = 1
	TCIOFLUSH = 2
)

// Termios is struct termios as TCGETS and TCSETS copy it.
type Termios struct {
	Iflag, Oflag, Cflag, Lflag uint32
	Line                       uint8
	CC                         [NCCS]uint8
}

// DefaultTermios is what a Linux terminal starts with (stty sane): cooked
// input with echo and signals, CR read as NL, NL written as CR NL.
func DefaultTermios() Termios {
	t := Termios{
		Iflag: ICRNL | IUTF8,
		Oflag: OPOST | ONLCR,
		Cflag: B38400 | CS8 | CREAD | HUPCL,
		Lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	}
	t.CC[VINTR] = 0x03    // ^C
	t.CC[VQUIT] = 0x1c    // ^\
	t.CC[VERASE] = 0x7f   // DEL
	t.CC[VKILL] = 0x15    // ^U
	t.CC[VEOF] = 0x04     // ^D
	t.CC[VMIN] = 1        //
	t.CC[VSTART] = 0x11   // ^Q
	t.CC[VSTOP] = 0x13    // ^S
	t.CC[VSUSP] = 0x1a    // ^Z
	t.CC[VREPRINT] = 0x12 // ^R
	t.CC[VDISCARD] = 0x0f // ^O
	t.CC[VWERASE] = 0x17  // ^W
	t.CC[VLNEXT] = 0x16   // ^V
	return t
}

// Marshal encodes t in the Linux layout.
func (t *Termios) Marshal() []byte {
	b := make([]byte, termiosSize)
	binary.LittleEndian.PutUint32(b[0:], t.Iflag)
	binary.LittleEndian.PutUint32(b[4:], t.Oflag)
	binary.LittleEndian.PutUint32(b[8:], t.Cflag)
	binary.LittleEndian.PutUint32(b[12:], t.Lflag)
	b[16] = t.Line
	copy(b[17:], t.CC[:])
	return b
}

// Unmarshal decodes the Linux layout.
func (t *Termios) Unmarshal(b []byte) {
	t.Iflag = binary.LittleEndian.Uint32(b[0:])
	t.Oflag = binary.LittleEndian.Uint32(b[4:])
	t.Cflag = binary.LittleEndian.Uint32(b[8:])
	t.Lflag = binary.LittleEndian.Uint32(b[12:])
	t.Line = b[16]
	copy(t.CC[:], b[17:])
}

// Winsize is struct winsize.
type Winsize struct {
	Row, Col, Xpixel, Ypixel uint16
}

func (w Winsize) marshal() []byte {
	b := make([]byte, winsizeSize)
	binary.LittleEndian.PutUint16(b[0:], w.Row)
	binary.LittleEndian.PutUint16(b[2:], w.Col)
	binary.LittleEndian.PutUint16(b[4:], w.Xpixel)
	binary.LittleEndian.PutUint16(b[6:], w.Ypixel)
	return b
}

func (w *Winsize) unmarshal(b []byte) {
	w.Row = binary.LittleEndian.Uint16(b[0:])
	w.Col = binary.LittleEndian.Uint16(b[2:])
	w.Xpixel = binary.LittleEndian.Uint16(b[4:])
	w.Ypixel = binary.LittleEndian.Uint16(b[6:])
}
