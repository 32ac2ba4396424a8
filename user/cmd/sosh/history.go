package main

// History keeps the lines typed, in memory and appended to a file
// ($SOSH_HISTORY, else $HOME/.sosh_history) so that the next shell has
// them too.

import (
	"bufio"
	"os"
	"strings"
)

// maxHistory bounds the lines kept in memory and loaded from the file.
const maxHistory = 1000

// History is the command history.
type History struct {
	lines []string
	path  string // "" keeps the history in memory only
}

// LoadHistory reads the history file at path, if any.
func LoadHistory(path string) *History {
	h := &History{path: path}
	if path == "" {
		return h
	}
	f, err := os.Open(path)
	if err != nil {
		return h
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.TrimSpace(l) != "" {
			h.lines = append(h.lines, l)
		}
	}
	if len(h.lines) > maxHistory {
		h.lines = append([]string(nil), h.lines[len(h.lines)-maxHistory:]...)
		h.rewrite()
	}
	return h
}

// Add records a line, unless it is blank or repeats the last one.
func (h *History) Add(line string) {
	if strings.TrimSpace(line) == "" || strings.Contains(line, "\n") {
		return
	}
	if n := len(h.lines); n > 0 && h.lines[n-1] == line {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > maxHistory {
		h.lines = h.lines[len(h.lines)-maxHistory:]
	}
	if h.path == "" {
		return
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return // a read-only home: history in memory only
	}
	f.WriteString(line + "\n")
	f.Close()
}

// Clear forgets the history, in the file too.
func (h *History) Clear() {
	h.lines = nil
	h.rewrite()
}

func (h *History) rewrite() {
	if h.path == "" {
		return
	}
	var b strings.Builder
	for _, l := range h.lines {
		b.WriteString(l + "\n")
	}
	os.WriteFile(h.path, []byte(b.String()), 0o600)
}

// Len is the number of lines.
func (h *History) Len() int { return len(h.lines) }

// At returns line i (0 the oldest).
func (h *History) At(i int) string { return h.lines[i] }
