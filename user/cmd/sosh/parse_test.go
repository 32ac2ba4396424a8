package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// mapEnv is an Env for tests.
type mapEnv map[string]string

func (m mapEnv) Lookup(name string) (string, bool) {
	v, ok := m[name]
	return v, ok
}

// words parses src as one simple command and expands its words.
func fields(t *testing.T, env Env, src string) []string {
	t.Helper()
	l, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	if len(l.Items) != 1 || len(l.Items[0].Pipes) != 1 || len(l.Items[0].Pipes[0].Cmds) != 1 {
		t.Fatalf("Parse(%q): not one simple command", src)
	}
	return ExpandFields(env, l.Items[0].Pipes[0].Cmds[0].Words)
}

func TestExpand(t *testing.T) {
	env := mapEnv{"A": "x y", "B": "b", "E": "", "HOME": "/home/u", "?": "3", "SP": "  lead trail  "}
	cases := []struct {
		src  string
		want []string
	}{
		{`echo a b`, []string{"echo", "a", "b"}},
		{`echo 'a b' "c d" e\ f`, []string{"echo", "a b", "c d", "e f"}},
		{`echo $A`, []string{"echo", "x", "y"}},
		{`echo "$A"`, []string{"echo", "x y"}},
		{`echo pre$A`, []string{"echo", "prex", "y"}},
		{`echo ${B}c $Bc`, []string{"echo", "bc"}},
		{`echo $E`, []string{"echo"}},
		{`echo "$E"`, []string{"echo", ""}},
		{`echo '' ""`, []string{"echo", "", ""}},
		{`echo $?`, []string{"echo", "3"}},
		{`echo '$B' "\$B" \$B`, []string{"echo", "$B", "$B", "$B"}},
		{`echo "a\"b" 'a\b' "a\b"`, []string{"echo", `a"b`, `a\b`, `a\b`}},
		{`echo ~ ~/x "~" a~`, []string{"echo", "/home/u", "/home/u/x", "~", "a~"}},
		{`echo $SP.`, []string{"echo", "lead", "trail", "."}},
		{`echo a$`, []string{"echo", "a$"}},
		{`echo a#b # comment`, []string{"echo", "a#b"}},
		{"echo a\\\nb", []string{"echo", "ab"}},
		{`echo x"$B"'$B'y`, []string{"echo", "xb$By"}},
	}
	for _, c := range cases {
		if got := fields(t, env, c.src); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.src, got, c.want)
		}
	}
}

func TestParseStructure(t *testing.T) {
	l, err := Parse("a | b 2>&1 > f && c || d & e; f >> g < h 2> i\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 3 {
		t.Fatalf("%d items, want 3", len(l.Items))
	}
	ao := l.Items[0]
	if !ao.Background || len(ao.Pipes) != 3 || !reflect.DeepEqual(ao.Ops, []string{"&&", "||"}) {
		t.Errorf("first and-or: %+v", ao)
	}
	if ao.Text != "a | b 2>&1 > f && c || d" {
		t.Errorf("text %q", ao.Text)
	}
	b := ao.Pipes[0].Cmds[1]
	if len(b.Redirs) != 2 || b.Redirs[0].Fd != 2 || b.Redirs[0].Op != ">&" || b.Redirs[0].Target.String() != "1" ||
		b.Redirs[1].Fd != 1 || b.Redirs[1].Op != ">" {
		t.Errorf("redirections of b: %+v", b.Redirs)
	}
	f := l.Items[2].Pipes[0].Cmds[0]
	var ops []string
	for _, r := range f.Redirs {
		ops = append(ops, r.Op+":"+r.Target.String())
		_ = r
	}
	if !reflect.DeepEqual(ops, []string{">>:g", "<:h", ">:i"}) || f.Redirs[2].Fd != 2 || f.Redirs[1].Fd != 0 {
		t.Errorf("redirections of f: %+v", f.Redirs)
	}
	if l.Items[1].Background || l.Items[1].Text != "e" {
		t.Errorf("second item: %+v", l.Items[1])
	}
}

func TestParseAssignAndKeywords(t *testing.T) {
	l, err := Parse("A=1 B=\"x y\" cmd C=2; time ! true")
	if err != nil {
		t.Fatal(err)
	}
	c := l.Items[0].Pipes[0].Cmds[0]
	if len(c.Assigns) != 2 || c.Assigns[0].Name != "A" || c.Assigns[1].Name != "B" {
		t.Errorf("assignments: %+v", c.Assigns)
	}
	if got := ExpandFields(mapEnv{}, c.Words); !reflect.DeepEqual(got, []string{"cmd", "C=2"}) {
		t.Errorf("words %q", got)
	}
	if got := ExpandString(mapEnv{}, c.Assigns[1].Value); got != "x y" {
		t.Errorf("B=%q", got)
	}
	p := l.Items[1].Pipes[0]
	if !p.Timed || !p.Negate {
		t.Errorf("time ! true: %+v", p)
	}
}

func TestParseErrors(t *testing.T) {
	incomplete := []string{`echo 'abc`, `echo "abc`, `a |`, `a &&`, `a ||`, `echo \`, `echo ${A`, "a |\n"}
	for _, src := range incomplete {
		if _, err := Parse(src); err != ErrIncomplete {
			t.Errorf("Parse(%q) = %v, want ErrIncomplete", src, err)
		}
	}
	bad := map[string]string{
		`| a`:       "|",
		`a ;; b`:    ";",
		`a && && b`: "&&",
		`a > `:      "", // incomplete, checked below
		`a > |`:     "|",
		`a & & b`:   "&",
		`(a)`:       "(",
		`a <`:       "",
	}
	for src, tok := range bad {
		_, err := Parse(src)
		if tok == "" {
			if err != ErrIncomplete {
				t.Errorf("Parse(%q) = %v, want ErrIncomplete", src, err)
			}
			continue
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Token != tok {
			t.Errorf("Parse(%q) = %v, want a syntax error at %q", src, err, tok)
		}
	}
	var bs *BadSubst
	if _, err := Parse(`echo ${a-b}`); !errors.As(err, &bs) {
		t.Errorf("${a-b}: %v, want a bad substitution", err)
	}
	// Multi-line input is fine once complete.
	if l, err := Parse("a |\n b\n echo 'x\ny'\n"); err != nil || len(l.Items) != 2 {
		t.Errorf("multi-line: %v %+v", err, l)
	}
	if _, err := Parse(strings.Repeat("a | ", 1000) + "b"); err != nil {
		t.Errorf("a long pipeline: %v", err)
	}
}

func TestGlob(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.go", "b.go", "c.txt", ".hidden.go"} {
		writeFile(t, dir+"/"+n, "")
	}
	env := mapEnv{"D": dir}
	if got := fields(t, env, `x $D/*.go`); !reflect.DeepEqual(got, []string{"x", dir + "/a.go", dir + "/b.go"}) {
		t.Errorf("*.go: %q", got)
	}
	if got := fields(t, env, `x "$D/*.go" $D/*.none`); !reflect.DeepEqual(got, []string{"x", dir + "/*.go", dir + "/*.none"}) {
		t.Errorf("quoted and unmatched: %q", got)
	}
	if got := fields(t, env, `x $D/.*.go`); !reflect.DeepEqual(got, []string{"x", dir + "/.hidden.go"}) {
		t.Errorf(".*.go: %q", got)
	}
}
