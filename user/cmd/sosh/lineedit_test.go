package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o755); err != nil {
		t.Fatal(err)
	}
}

// edit feeds keys to an editor and returns the lines it read (up to an
// error) and the error.
func edit(hist *History, complete Completer, keys string) ([]string, error) {
	var out bytes.Buffer
	e := NewEditor(strings.NewReader(keys), &out, hist, complete)
	var lines []string
	for {
		l, err := e.ReadLine("$ ")
		if err != nil {
			return lines, err
		}
		lines = append(lines, l)
	}
}

func TestEditorKeys(t *testing.T) {
	cases := []struct{ keys, want string }{
		{"hello\r", "hello"},
		{"helo\x1b[Dl\r", "hello"},                                  // left, insert
		{"ello\x01h\r", "hello"},                                    // ^A
		{"ello\x1b[Hh\x1b[Fs\r", "hellos"},                          // home, end
		{"ello\x1b[1~h\x1b[4~!\r", "hello!"},                        // home and end as ~ keys
		{"hellx\x7fo\r", "hello"},                                   // backspace (DEL)
		{"hellx\bo\r", "hello"},                                     // backspace (^H)
		{"xhello\x01\x1b[3~\r", "hello"},                            // delete
		{"xhello\x01\x04\r", "hello"},                               // ^D deletes under the cursor
		{"junk\x15hello\r", "hello"},                                // ^U
		{"hello junk\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x0b\r", "hello"}, // ^K
		{"hello big word\x17\x17world\r", "hello world"},            // ^W
		{"hello\x0c\r", "hello"},                                    // ^L redraws
		{"h\x02\x06ello\r", "hello"},                                // ^B ^F
		{"héllo\x1b[D\x1b[D\x1b[D\x7fe\r", "hello"},
	}
	for _, c := range cases {
		lines, err := edit(nil, nil, c.keys)
		if err != io.EOF || len(lines) != 1 || lines[0] != c.want {
			t.Errorf("%q: got %q (%v), want %q", c.keys, lines, err, c.want)
		}
	}
}

func TestEditorControl(t *testing.T) {
	if lines, err := edit(nil, nil, "abc\x03"); err != ErrInterrupted || len(lines) != 0 {
		t.Errorf("^C: %q %v", lines, err)
	}
	if lines, err := edit(nil, nil, "\x04"); err != io.EOF || len(lines) != 0 {
		t.Errorf("^D: %q %v", lines, err)
	}
	if lines, err := edit(nil, nil, "one\rtwo\r\x04"); err != io.EOF || !reflect.DeepEqual(lines, []string{"one", "two"}) {
		t.Errorf("two lines then ^D: %q %v", lines, err)
	}
}

func TestEditorHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist")
	h := LoadHistory(path)
	h.Add("first")
	h.Add("second")
	h.Add("second")
	h.Add("  ")
	// Up twice, down once; up at the top stays.
	lines, _ := edit(h, nil, "\x1b[A\r\x1b[A\x1b[A\x1b[B\r\x1b[A\x1b[A\x1b[A\x1b[A\r")
	if want := []string{"second", "second", "first"}; !reflect.DeepEqual(lines, want) {
		t.Errorf("history lines %q, want %q", lines, want)
	}
	// Down past the newest gives back the line being typed.
	lines, _ = edit(h, nil, "typed\x1b[A\x1b[B\r")
	if !reflect.DeepEqual(lines, []string{"typed"}) {
		t.Errorf("down to the typed line: %q", lines)
	}
	// The file has it for the next shell.
	h2 := LoadHistory(path)
	if !reflect.DeepEqual(h2.lines, []string{"first", "second"}) {
		t.Errorf("loaded %q", h2.lines)
	}
	h2.Clear()
	if h3 := LoadHistory(path); h3.Len() != 0 {
		t.Errorf("after clear: %q", h3.lines)
	}
}

func TestCompletion(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	writeFile(t, bin+"/frobnicate", "")
	writeFile(t, bin+"/frobber", "")
	os.WriteFile(bin+"/frobdata", nil, 0o644) // not executable
	os.Mkdir(dir+"/sub", 0o755)
	writeFile(t, dir+"/sub/alpha.txt", "")
	writeFile(t, dir+"/sub/alps.txt", "")
	writeFile(t, dir+"/sub/beta", "")
	sh := NewShell()
	sh.vars["PATH"] = bin
	sh.vars["HOME"] = dir

	if _, c := sh.completeLine([]rune("frob"), 4); !reflect.DeepEqual(c, []string{"frobber", "frobnicate"}) {
		t.Errorf("commands: %q", c)
	}
	if _, c := sh.completeLine([]rune("hi"), 2); !reflect.DeepEqual(c, []string{"history"}) {
		t.Errorf("builtins: %q", c)
	}
	comp := sh.completeLine
	run := func(keys string) string {
		lines, _ := edit(nil, comp, keys)
		if len(lines) != 1 {
			t.Fatalf("%q: lines %q", keys, lines)
		}
		return lines[0]
	}
	if got := run("frobn\t\r"); got != "frobnicate " {
		t.Errorf("one command: %q", got)
	}
	if got := run("frob\t\r"); got != "frob" {
		t.Errorf("ambiguous: %q", got)
	}
	if got := run("cat " + dir + "/s\t\r"); got != "cat "+dir+"/sub/" {
		t.Errorf("directory: %q", got)
	}
	if got := run("cat " + dir + "/sub/al\t\r"); got != "cat "+dir+"/sub/alp" {
		t.Errorf("common prefix: %q", got)
	}
	if got := run("cat ~/sub/b\t\r"); got != "cat ~/sub/beta " {
		t.Errorf("home: %q", got)
	}
	if got := run("echo x | frobb\t\r"); got != "echo x | frobber " {
		t.Errorf("after a pipe: %q", got)
	}
	writeFile(t, dir+"/sub/with space.txt", "")
	if got := run("cat " + dir + "/sub/w\t\r"); got != "cat "+dir+"/sub/with\\ space.txt " {
		t.Errorf("a name with a space: %q", got)
	}
	if got := run("cat " + dir + "/sub/with\\ s\t\r"); got != "cat "+dir+"/sub/with\\ space.txt " {
		t.Errorf("after an escaped space: %q", got)
	}
	// A second tab lists the candidates.
	var out bytes.Buffer
	e := NewEditor(strings.NewReader("cat "+dir+"/sub/alp\t\t\r"), &out, nil, comp)
	e.ReadLine("$ ")
	if !strings.Contains(out.String(), "alpha.txt") || !strings.Contains(out.String(), "alps.txt") {
		t.Errorf("listing: %q", out.String())
	}
}
