package main

// Tab completion: the word under the cursor is a command (first word of
// a command, no slash) completed from the builtins and $PATH, or a path.

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Completer finds the completions of the word ending at pos in line: the
// word's start and the candidates (whole words; a directory ends in /).
type Completer func(line []rune, pos int) (start int, cands []string)

// completeLine is the shell's Completer.
// Words with blanks or other special characters in them are completed
// with backslash escapes.
func (sh *Shell) completeLine(line []rune, pos int) (int, []string) {
	start := pos
	for start > 0 && !(strings.ContainsRune(" \t|;&<>()", line[start-1]) && !escaped(line, start-1)) {
		start--
	}
	word := unescape(string(line[start:pos]))
	before := strings.TrimRight(string(line[:start]), " \t")
	command := before == "" || strings.ContainsAny(before[len(before)-1:], "|;&(")
	var cands []string
	if command && !strings.Contains(word, "/") {
		cands = sh.completeCommand(word)
	} else {
		cands = completePath(word, sh.vars["HOME"])
	}
	for i, c := range cands {
		cands[i] = escape(c)
	}
	return start, cands
}

// escaped reports whether line[i] follows an odd number of backslashes.
func escaped(line []rune, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && line[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

const specialChars = " \t\n|&;<>()$`\\\"'*?[#~"

// escape backslash-escapes the characters the shell would treat specially
// (but ~ only at the start, where it means home).
func escape(s string) string {
	var b strings.Builder
	for i, c := range s {
		if strings.ContainsRune(specialChars, c) && !(c == '~' && (i > 0 || strings.HasPrefix(s, "~/"))) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func unescape(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	esc := false
	for _, c := range s {
		if c == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(c)
	}
	return b.String()
}

func (sh *Shell) completeCommand(prefix string) []string {
	seen := map[string]bool{}
	for name := range builtins {
		if strings.HasPrefix(name, prefix) {
			seen[name] = true
		}
	}
	for _, dir := range filepath.SplitList(sh.vars["PATH"]) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), prefix) || seen[e.Name()] {
				continue
			}
			if fi, err := e.Info(); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				seen[e.Name()] = true
			} else if err == nil && fi.Mode()&os.ModeSymlink != 0 {
				if st, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
					seen[e.Name()] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// completePath completes a file name; ~/ stands for home.
func completePath(word, home string) []string {
	dir, base := "", word
	if i := strings.LastIndexByte(word, '/'); i >= 0 {
		dir, base = word[:i+1], word[i+1:]
	}
	readDir := dir
	if readDir == "" {
		readDir = "."
	} else if strings.HasPrefix(readDir, "~/") && home != "" {
		readDir = home + readDir[1:]
	}
	entries, err := os.ReadDir(readDir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			if st, err := os.Stat(filepath.Join(readDir, name)); err == nil && st.IsDir() {
				isDir = true
			}
		}
		if isDir {
			name += "/"
		}
		out = append(out, dir+name)
	}
	sort.Strings(out)
	return out
}

// commonPrefix is the longest prefix of all of ss.
func commonPrefix(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	p := ss[0]
	for _, s := range ss[1:] {
		for !strings.HasPrefix(s, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}
