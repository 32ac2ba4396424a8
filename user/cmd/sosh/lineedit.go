package main

// The line editor: reads keys from a terminal in raw mode and edits one
// line, with cursor movement, kill commands, history and completion. It
// works on any reader and writer, so tests can drive it with bytes; the
// caller puts the terminal in raw mode.

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ErrInterrupted is ReadLine's answer to ^C: the line is abandoned.
var ErrInterrupted = errors.New("interrupted")

// Editor edits lines read from in, echoing to out.
type Editor struct {
	in       io.Reader
	out      io.Writer
	hist     *History
	complete Completer

	rbuf []byte // bytes read but not yet used
	buf  []rune // the line
	pos  int    // the cursor, an index into buf

	// Width, if set, gives the terminal's width in columns (default 80):
	// a line longer than that wraps over several rows.
	Width func() int

	prompt   string
	cols     int  // the width for this line
	rows     int  // rows the line's last drawing took
	curRow   int  // the row of the cursor in that drawing, from 0
	lastTab  bool // the previous key was a tab (a second lists candidates)
	histIdx  int
	histSave []rune // the line being typed, while browsing history
}

// NewEditor makes an editor; hist and complete may be nil.
func NewEditor(in io.Reader, out io.Writer, hist *History, complete Completer) *Editor {
	return &Editor{in: in, out: out, hist: hist, complete: complete}
}

// key names.
const (
	keyNone = iota + 0x110000 // beyond Unicode
	keyUp
	keyDown
	keyLeft
	keyRight
	keyHome
	keyEnd
	keyDelete
)

// readByte returns the next input byte.
func (e *Editor) readByte() (byte, error) {
	for len(e.rbuf) == 0 {
		var b [64]byte
		n, err := e.in.Read(b[:])
		if n > 0 {
			e.rbuf = append(e.rbuf, b[:n]...)
			break
		}
		if err != nil {
			return 0, err
		}
	}
	c := e.rbuf[0]
	e.rbuf = e.rbuf[1:]
	return c, nil
}

// readKey returns a rune or one of the key constants.
func (e *Editor) readKey() (rune, error) {
	c, err := e.readByte()
	if err != nil {
		return 0, err
	}
	if c == 0x1b {
		return e.readEscape()
	}
	if c < 0x80 {
		return rune(c), nil
	}
	b := []byte{c}
	for !utf8.FullRune(b) {
		c, err := e.readByte()
		if err != nil {
			return 0, err
		}
		b = append(b, c)
	}
	r, _ := utf8.DecodeRune(b)
	return r, nil
}

// readEscape decodes the rest of an escape sequence: CSI (ESC [) and SS3
// (ESC O) forms of the cursor and editing keys.
func (e *Editor) readEscape() (rune, error) {
	c, err := e.readByte()
	if err != nil {
		return 0, err
	}
	switch c {
	case 'O':
		c, err := e.readByte()
		if err != nil {
			return 0, err
		}
		return finalKey(c, ""), nil
	case '[':
		var params []byte
		for {
			c, err := e.readByte()
			if err != nil {
				return 0, err
			}
			if c >= 0x40 && c <= 0x7e {
				return finalKey(c, string(params)), nil
			}
			params = append(params, c)
		}
	case 'b', 'f': // meta-b, meta-f: word left/right; not bound
		return keyNone, nil
	}
	return keyNone, nil
}

func finalKey(c byte, params string) rune {
	switch c {
	case 'A':
		return keyUp
	case 'B':
		return keyDown
	case 'C':
		return keyRight
	case 'D':
		return keyLeft
	case 'H':
		return keyHome
	case 'F':
		return keyEnd
	case '~':
		switch strings.SplitN(params, ";", 2)[0] {
		case "1", "7":
			return keyHome
		case "4", "8":
			return keyEnd
		case "3":
			return keyDelete
		}
	}
	return keyNone
}

func ctrl(c byte) rune { return rune(c & 0x1f) }

// ReadLine shows prompt and returns the line typed, io.EOF for ^D on an
// empty line (or the end of input) and ErrInterrupted for ^C.
func (e *Editor) ReadLine(prompt string) (string, error) {
	e.prompt, e.buf, e.pos, e.lastTab = prompt, e.buf[:0], 0, false
	e.cols, e.rows, e.curRow = 80, 1, 0
	if e.Width != nil {
		if w := e.Width(); w > 0 {
			e.cols = w
		}
	}
	e.histIdx, e.histSave = 0, nil
	if e.hist != nil {
		e.histIdx = e.hist.Len()
	}
	io.WriteString(e.out, prompt)
	for {
		k, err := e.readKey()
		if err != nil {
			if len(e.buf) > 0 && err == io.EOF {
				io.WriteString(e.out, "\r\n")
				return string(e.buf), nil
			}
			return "", err
		}
		tab := false
		switch k {
		case '\r', '\n':
			e.moveTo(len(e.buf))
			io.WriteString(e.out, "\r\n")
			return string(e.buf), nil
		case ctrl('C'):
			io.WriteString(e.out, "^C\r\n")
			return "", ErrInterrupted
		case ctrl('D'):
			if len(e.buf) == 0 {
				io.WriteString(e.out, "\r\n")
				return "", io.EOF
			}
			e.deleteAt(e.pos)
		case ctrl('A'), keyHome:
			e.pos = 0
		case ctrl('E'), keyEnd:
			e.pos = len(e.buf)
		case ctrl('B'), keyLeft:
			if e.pos > 0 {
				e.pos--
			}
		case ctrl('F'), keyRight:
			if e.pos < len(e.buf) {
				e.pos++
			}
		case ctrl('H'), 0x7f:
			if e.pos > 0 {
				e.pos--
				e.deleteAt(e.pos)
			}
		case keyDelete:
			e.deleteAt(e.pos)
		case ctrl('U'):
			e.buf = append(e.buf[:0], e.buf[e.pos:]...)
			e.pos = 0
		case ctrl('K'):
			e.buf = e.buf[:e.pos]
		case ctrl('W'):
			i := e.pos
			for i > 0 && e.buf[i-1] == ' ' {
				i--
			}
			for i > 0 && e.buf[i-1] != ' ' {
				i--
			}
			e.buf = append(e.buf[:i], e.buf[e.pos:]...)
			e.pos = i
		case ctrl('L'):
			io.WriteString(e.out, "\x1b[H\x1b[2J")
			e.rows, e.curRow = 1, 0
		case ctrl('P'), keyUp:
			e.history(-1)
		case ctrl('N'), keyDown:
			e.history(+1)
		case '\t':
			tab = true
			e.tab()
		case keyNone:
		default:
			if k < 0x20 {
				break // other control characters do nothing
			}
			e.buf = append(e.buf, 0)
			copy(e.buf[e.pos+1:], e.buf[e.pos:])
			e.buf[e.pos] = k
			e.pos++
			if end := e.promptLen() + len(e.buf); e.pos == len(e.buf) && end%e.cols != 0 {
				// Typing at the end, not at a row's end: echo just the
				// character.
				io.WriteString(e.out, string(k))
				e.curRow = end / e.cols
				e.rows = e.curRow + 1
				e.lastTab = false
				continue
			}
		}
		e.lastTab = tab
		e.refresh()
	}
}

func (e *Editor) deleteAt(i int) {
	if i < len(e.buf) {
		e.buf = append(e.buf[:i], e.buf[i+1:]...)
	}
}

func (e *Editor) promptLen() int { return utf8.RuneCountInString(e.prompt) }

// refresh redraws the line, which may wrap over several rows: it clears
// the rows the last drawing took, writes prompt and text, and puts the
// cursor in its row and column.
func (e *Editor) refresh() {
	var b strings.Builder
	if down := e.rows - 1 - e.curRow; down > 0 {
		fmt.Fprintf(&b, "\x1b[%dB", down)
	}
	for i := 0; i < e.rows-1; i++ {
		b.WriteString("\r\x1b[K\x1b[1A")
	}
	b.WriteString("\r\x1b[K")
	b.WriteString(e.prompt)
	b.WriteString(string(e.buf))
	end := e.promptLen() + len(e.buf)
	if end > 0 && end%e.cols == 0 {
		// The terminal waits at the last column: go to the next row.
		b.WriteString("\r\n")
	}
	endRow := end / e.cols
	cur := e.promptLen() + e.pos
	row, col := cur/e.cols, cur%e.cols
	if up := endRow - row; up > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", up)
	}
	b.WriteString("\r")
	if col > 0 {
		fmt.Fprintf(&b, "\x1b[%dC", col)
	}
	e.rows, e.curRow = endRow+1, row
	io.WriteString(e.out, b.String())
}

func (e *Editor) moveTo(pos int) {
	if pos != e.pos {
		e.pos = pos
		e.refresh()
	}
}

// history moves through the history by dir (-1 older, +1 newer).
func (e *Editor) history(dir int) {
	if e.hist == nil {
		return
	}
	n := e.hist.Len()
	i := e.histIdx + dir
	if i < 0 || i > n {
		return
	}
	if e.histIdx == n {
		e.histSave = append([]rune(nil), e.buf...)
	}
	e.histIdx = i
	if i == n {
		e.buf = append(e.buf[:0], e.histSave...)
	} else {
		e.buf = append(e.buf[:0], []rune(e.hist.At(i))...)
	}
	e.pos = len(e.buf)
}

// tab completes the word before the cursor: a single candidate in full,
// several to their common prefix, and on a second tab lists them.
func (e *Editor) tab() {
	if e.complete == nil {
		return
	}
	start, cands := e.complete(e.buf, e.pos)
	word := string(e.buf[start:e.pos])
	switch {
	case len(cands) == 0:
		io.WriteString(e.out, "\a")
		return
	case len(cands) == 1:
		c := cands[0]
		if !strings.HasSuffix(c, "/") {
			c += " "
		}
		e.replace(start, c)
		return
	}
	if p := commonPrefix(cands); len(p) > len(word) {
		e.replace(start, p)
		return
	}
	if !e.lastTab {
		io.WriteString(e.out, "\a")
		return
	}
	// List the candidates in columns below the line.
	width := 0
	for _, c := range cands {
		width = max(width, utf8.RuneCountInString(c))
	}
	width += 2
	cols := max(1, 80/width)
	var b strings.Builder
	b.WriteString("\r\n")
	for i, c := range cands {
		b.WriteString(c)
		if (i+1)%cols == 0 || i == len(cands)-1 {
			b.WriteString("\r\n")
		} else {
			b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(c)))
		}
	}
	io.WriteString(e.out, b.String())
	e.rows, e.curRow = 1, 0 // the line is drawn afresh below the list
}

// replace puts s in place of buf[start:pos].
func (e *Editor) replace(start int, s string) {
	r := []rune(s)
	rest := append([]rune(nil), e.buf[e.pos:]...)
	e.buf = append(append(e.buf[:start], r...), rest...)
	e.pos = start + len(r)
}
