package main

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParse: no input crashes the parser or the expander; go test runs
// the seeds, `go test -fuzz FuzzParse` searches further.
func FuzzParse(f *testing.F) {
	for _, c := range scriptCases {
		f.Add(c.script)
	}
	for _, s := range []string{"", "|", "&&", "'", `"`, "${", "${}", "$", "\\", "a\\\n", "2>&", "9999999999>x", "time", "!", "a >&b", "&> f", "#"} {
		f.Add(s)
	}
	env := mapEnv{"A": " x  y ", "HOME": "/h"}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := Parse(src)
		if err != nil {
			return
		}
		for _, ao := range l.Items {
			if len(ao.Ops) != len(ao.Pipes)-1 {
				t.Fatalf("%q: %d ops for %d pipelines", src, len(ao.Ops), len(ao.Pipes))
			}
			for _, p := range ao.Pipes {
				for _, c := range p.Cmds {
					ExpandFields(env, c.Words)
					for _, r := range c.Redirs {
						ExpandString(env, r.Target)
					}
				}
			}
		}
	})
}

// FuzzEditor: no key sequence crashes the line editor.
func FuzzEditor(f *testing.F) {
	for _, s := range []string{"abc\r", "\x1b[A\x1b[B\x1b[C\x1b[D\r", "\x1b[3~\x1b[1~\x1b", "\x01\x05\x0b\x15\x17\t\t", "é\x7f\x7f", "\x1b[99999999;5~", "\xff\xfe"} {
		f.Add(s)
	}
	h := &History{lines: []string{"one", "two"}}
	complete := func(line []rune, pos int) (int, []string) {
		return pos, []string{string(line[:pos]) + "x", string(line[:pos]) + "xy"}
	}
	f.Fuzz(func(t *testing.T, keys string) {
		var out bytes.Buffer
		e := NewEditor(strings.NewReader(keys), &out, h, complete)
		for i := 0; i < 100; i++ {
			if _, err := e.ReadLine("$ "); err != nil && err != ErrInterrupted {
				return
			}
		}
	})
}
