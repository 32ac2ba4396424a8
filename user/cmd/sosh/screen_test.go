package main

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// screen is just enough of a VT100 to check what the editor draws: text
// with deferred wrap at the last column, \r \n, and the escape sequences
// the editor uses (cursor up/down/right/left, erase to end of line,
// home and clear).
type screen struct {
	cols     int
	rows     [][]rune
	r, c     int
	wrapNext bool
}

func (s *screen) row(r int) []rune {
	for len(s.rows) <= r {
		s.rows = append(s.rows, []rune(strings.Repeat(" ", s.cols)))
	}
	return s.rows[r]
}

func (s *screen) Write(p []byte) (int, error) {
	in := []rune(string(p))
	for i := 0; i < len(in); i++ {
		ch := in[i]
		switch {
		case ch == '\r':
			s.c, s.wrapNext = 0, false
		case ch == '\n':
			s.r++
			s.wrapNext = false
		case ch == '\a':
		case ch == 0x1b && i+1 < len(in) && in[i+1] == '[':
			j := i + 2
			for j < len(in) && (in[j] >= '0' && in[j] <= '9' || in[j] == ';') {
				j++
			}
			n, err := strconv.Atoi(string(in[i+2 : j]))
			if err != nil {
				n = 1
			}
			switch in[j] {
			case 'A':
				s.r = max(0, s.r-n)
			case 'B':
				s.r += n
			case 'C':
				s.c = min(s.cols-1, s.c+n)
			case 'D':
				s.c = max(0, s.c-n)
			case 'K':
				row := s.row(s.r)
				for k := s.c; k < s.cols; k++ {
					row[k] = ' '
				}
			case 'H':
				s.r, s.c = 0, 0
			case 'J':
				s.rows = nil
			}
			s.wrapNext = false
			i = j
		default:
			if s.wrapNext {
				s.r, s.c, s.wrapNext = s.r+1, 0, false
			}
			s.row(s.r)[s.c] = ch
			if s.c == s.cols-1 {
				s.wrapNext = true
			} else {
				s.c++
			}
		}
	}
	return len(p), nil
}

// text is the screen's rows, trailing blanks trimmed, blank rows dropped.
func (s *screen) text() []string {
	var out []string
	for _, r := range s.rows {
		if t := strings.TrimRight(string(r), " "); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// stopReader ends the keys without io.EOF, so the editor returns
// without finishing the line.
type stopReader struct{}

func (stopReader) Read([]byte) (int, error) { return 0, errors.New("stop") }

// TestEditorWraps: a line longer than the terminal is wide is drawn over
// several rows, and editing in it leaves exactly the line on the screen
// with the cursor where it belongs.
func TestEditorWraps(t *testing.T) {
	h := &History{lines: []string{"short", strings.Repeat("h", 35)}}
	cases := []struct {
		keys   string
		want   []string // the screen
		cursor [2]int   // row, column
	}{
		{"abcdefghijklmnopqrstuvwxyz", []string{"$ abcdefgh", "ijklmnopqr", "stuvwxyz"}, [2]int{2, 8}},
		{"abcdefghijklmnopqrstuvwxyz\x01X", []string{"$ Xabcdefg", "hijklmnopq", "rstuvwxyz"}, [2]int{0, 3}},
		{"abcdefghijklmnopqrstuvwxyz\x01X\x05\x7f\x7f\x7f", []string{"$ Xabcdefg", "hijklmnopq", "rstuvw"}, [2]int{2, 6}},
		{"abcdefghijklmnopqrstuvwxyz\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[DY",
			[]string{"$ abcdefgh", "ijklmnopYq", "rstuvwxyz"}, [2]int{1, 9}},
		{"abcdefgh", []string{"$ abcdefgh"}, [2]int{1, 0}},              // exactly one row: the cursor waits below
		{"abcdefgh\x7f", []string{"$ abcdefg"}, [2]int{0, 9}},           // and comes back
		{"abcdefghijklmnopqrstuvwxyz\x15", []string{"$"}, [2]int{0, 2}}, // ^U clears the rows below
		{"\x1b[A", []string{"$ hhhhhhhh", "hhhhhhhhhh", "hhhhhhhhhh", "hhhhhhh"}, [2]int{3, 7}},
		{"\x1b[A\x1b[A", []string{"$ short"}, [2]int{0, 7}}, // a long line replaced by a short one
		{"abcdefghijklmnopqrstuvwxyz\x0c", []string{"$ abcdefgh", "ijklmnopqr", "stuvwxyz"}, [2]int{2, 8}},
	}
	for _, c := range cases {
		scr := &screen{cols: 10}
		e := NewEditor(io.MultiReader(strings.NewReader(c.keys), stopReader{}), scr, h, nil)
		e.Width = func() int { return 10 }
		e.ReadLine("$ ")
		if got := scr.text(); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: screen %q, want %q", c.keys, got, c.want)
		}
		if cur := [2]int{scr.r, scr.c}; cur != c.cursor && !(scr.wrapNext && c.cursor == [2]int{scr.r + 1, 0}) {
			t.Errorf("%q: cursor at %v, want %v", c.keys, cur, c.cursor)
		}
	}
}
