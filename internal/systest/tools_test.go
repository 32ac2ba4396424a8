package systest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sos/internal/userland"
)

// The text every text tool reads: a few lines with words, blank lines,
// mixed case, characters that are special in regular expressions, and a
// last line without a newline.
const text = `The quick brown fox
jumps over the lazy dog.

HELLO world, hello SOS
a+b (c) [d] {e} x*y
tab	separated	words
line 7
line 8
line 9
line 10
line 11
  indented line 12
the end, without a newline`

// makeTree makes, on the host, DIR/tree holding files with known
// contents and times, mounts it in SOS at /tmp/tree and returns DIR, so
// that a tool run in DIR on the host and in /tmp on SOS sees the same
// files under the same names.
func makeTree(t *testing.T, s *system) string {
	t.Helper()
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	files := map[string]string{
		"a.txt":      "hello\n",
		"b":          "",
		".hidden":    "secret\n",
		"text":       text,
		"numbers":    numbers(1, 200),
		"sub/x":      "x\n",
		"sub/deeper": "",
	}
	for name, data := range files {
		p := filepath.Join(tree, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(tree, "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2024, 1, 2, 3, 4, 5, 0, time.Local)
	recent := time.Now().Add(-time.Hour)
	for name := range files {
		when := old
		if name == "a.txt" {
			when = recent // ls -l shows the time of day for recent files
		}
		os.Chtimes(filepath.Join(tree, name), when, when)
	}
	for _, d := range []string{"sub", "."} {
		os.Chtimes(filepath.Join(tree, d), old, old)
	}
	if err := s.MountHost(tree, "/tmp/tree"); err != nil {
		t.Fatal(err)
	}
	return dir
}

func numbers(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		b.WriteString(strings.Repeat("x", i%7) + " " + itoa(i) + "\n")
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// TestTools runs every tool on one booted system.
func TestTools(t *testing.T) {
	s := bootSystem(t)
	dir := makeTree(t, s)

	t.Run("ls", func(t *testing.T) {
		s.expect(t, 0, "a.txt\nb\nnumbers\nsub\ntext\n", "", "ls", "tree")
		s.expect(t, 0, ".\n..\n.hidden\na.txt\nb\nnumbers\nsub\ntext\n", "", "ls", "-a", "tree")
		s.expect(t, 0, ".hidden\na.txt\nb\nnumbers\nsub\ntext\n", "", "ls", "-A1", "tree")
		// Files first, then each directory under a header.
		s.expect(t, 0, "tree/a.txt\n\ntree/sub:\ndeeper\nx\n", "", "ls", "tree/sub", "tree/a.txt")
		s.expect(t, 0, "tree/sub\n", "", "ls", "-d", "tree/sub")
		s.expect(t, 2, "", "ls: cannot access 'nothere': No such file or directory\n", "ls", "nothere")
		s.expect(t, 2, "tree/a.txt\n", "ls: cannot access 'nothere': No such file or directory\n", "ls", "tree/a.txt", "nothere")
		// The long format, owners, modes, sizes, dates and all, is the
		// host's.
		s.sameAsHost(t, dir, "ls", "-l", "tree")
		s.sameAsHost(t, dir, "ls", "-l", "tree/sub", "tree/a.txt", "tree/b")
		s.sameAsHost(t, dir, "ls", "-lA", "tree/sub")
		s.sameAsHost(t, dir, "ls", "-R", "tree")
		// Directories of SOS's own file systems.
		r := s.run(t, "ls", "-l", "/dev")
		if r.code() != 0 || !strings.Contains(r.stdout, "crw-rw-rw- 1 ") || !strings.Contains(r.stdout, " 1, 3 ") || !strings.HasSuffix(r.stdout, " zero\n") {
			t.Errorf("ls -l /dev:\n%v", r)
		}
	})

	t.Run("files", func(t *testing.T) {
		s.expect(t, 0, "", "", "mkdir", "-p", "w/a/b/c")
		s.expect(t, 0, "c\n", "", "ls", "w/a/b")
		s.expect(t, 0, "", "", "mkdir", "-p", "w/a/b")
		s.expect(t, 1, "", "mkdir: cannot create directory 'w': File exists\n", "mkdir", "w")
		s.expect(t, 1, "", "mkdir: cannot create directory 'no/such': No such file or directory\n", "mkdir", "no/such")
		s.expect(t, 0, "", "", "touch", "w/empty")
		s.expect(t, 0, "0 regular empty file\n", "", "stat", "-c", "%s %F", "w/empty")
		s.expect(t, 1, "", "touch: cannot touch 'no/such': No such file or directory\n", "touch", "no/such")

		s.expect(t, 0, "", "", "cp", "tree/a.txt", "w/copy")
		s.expect(t, 0, "hello\n", "", "cat", "w/copy")
		s.expect(t, 0, "", "", "cp", "tree/text", "tree/numbers", "w")
		s.expect(t, 0, text, "", "cat", "w/text")
		s.expect(t, 1, "", "cp: -r not specified; omitting directory 'tree/sub'\n", "cp", "tree/sub", "w")
		s.expect(t, 1, "", "cp: cannot stat 'nothere': No such file or directory\n", "cp", "nothere", "w")
		s.expect(t, 0, "", "", "cp", "-r", "tree", "w/tree2")
		s.expect(t, 0, ".hidden\na.txt\nb\nnumbers\nsub\ntext\n", "", "ls", "-A", "w/tree2")
		s.expect(t, 0, "x\n", "", "cat", "w/tree2/sub/x")
		s.expect(t, 1, "", "cp: cannot copy a directory, 'w/tree2', into itself, 'w/tree2/sub/again'\n", "cp", "-r", "w/tree2", "w/tree2/sub/again")
		// cp keeps the mode bits.
		s.expect(t, 0, "755\n", "", "stat", "-c", "%a", "w/tree2/b")

		s.expect(t, 0, "", "", "mv", "w/copy", "w/moved")
		s.expect(t, 0, "a\nempty\nmoved\nnumbers\ntext\ntree2\n", "", "ls", "w")
		s.expect(t, 2, "", "ls: cannot access 'w/copy': No such file or directory\n", "ls", "w/copy")
		s.expect(t, 0, "hello\n", "", "cat", "w/moved")
		s.expect(t, 0, "", "", "mv", "w/moved", "w/empty", "w/a")
		s.expect(t, 0, "b\nempty\nmoved\n", "", "ls", "w/a")
		s.expect(t, 1, "", "mv: cannot stat 'nothere': No such file or directory\n", "mv", "nothere", "w")

		s.expect(t, 1, "", "rmdir: failed to remove 'w/a': Directory not empty\n", "rmdir", "w/a")
		s.expect(t, 1, "", "rmdir: failed to remove 'nothere': No such file or directory\n", "rmdir", "nothere")
		s.expect(t, 0, "", "", "mkdir", "-p", "d1/d2/d3")
		s.expect(t, 0, "", "", "rmdir", "-p", "d1/d2/d3")
		s.expect(t, 2, "", "ls: cannot access 'd1': No such file or directory\n", "ls", "d1")

		s.expect(t, 1, "", "rm: cannot remove 'w/a': Is a directory\n", "rm", "w/a")
		s.expect(t, 1, "", "rm: cannot remove 'nothere': No such file or directory\n", "rm", "nothere")
		s.expect(t, 0, "", "", "rm", "-f", "nothere")
		s.expect(t, 0, "", "", "rm", "w/text")
		s.expect(t, 0, "", "", "rm", "-r", "w/a", "w/tree2")
		s.expect(t, 0, "numbers\n", "", "ls", "w")
		s.expect(t, 1, "", "rm: cannot remove 'tree/a.txt': Read-only file system\n", "rm", "tree/a.txt")
		s.expect(t, 0, "", "", "rm", "-r", "w")

		r := s.run(t, "stat", "tree/a.txt")
		if r.code() != 0 || !strings.HasPrefix(r.stdout, "  File: tree/a.txt\n  Size: 6         \tBlocks: ") ||
			!strings.Contains(r.stdout, "regular file\n") || !strings.Contains(r.stdout, "Access: (0644/-rw-r--r--)") {
			t.Errorf("stat:\n%v", r)
		}
		s.expect(t, 1, "", "stat: cannot statx 'nothere': No such file or directory\n", "stat", "nothere")
	})

	t.Run("text", func(t *testing.T) {
		for _, args := range [][]string{
			{"head", "tree/text"},
			{"head", "-n", "3", "tree/text"},
			{"head", "-2", "tree/text", "tree/a.txt"},
			{"head", "-c", "10", "tree/text"},
			{"head", "-n", "-190", "tree/numbers"},
			{"tail", "tree/text"},
			{"tail", "-n", "3", "tree/numbers"},
			{"tail", "-n", "+195", "tree/numbers"},
			{"tail", "-c", "7", "tree/text"},
			{"tail", "-n", "1", "tree/text", "tree/a.txt"},
			{"wc", "tree/text"},
			{"wc", "-l", "tree/text"},
			{"wc", "-w", "tree/numbers"},
			{"wc", "-c", "tree/text"},
			{"wc", "-lwc", "tree/text", "tree/numbers", "tree/a.txt"},
			{"grep", "hello", "tree/text"},
			{"grep", "-i", "hello", "tree/text"},
			{"grep", "-v", "line", "tree/text"},
			{"grep", "-n", "the", "tree/text"},
			{"grep", "-c", "line", "tree/text", "tree/numbers"},
			{"grep", "-in", "^THE", "tree/text"},
			{"grep", "a+b", "tree/text"},
			{"grep", "-E", "x{6} 1[0-9]+$", "tree/numbers"},
			{"grep", `\(c\) \[d\]`, "tree/text"},
			{"grep", "-E", "[[:digit:]]{3}", "tree/numbers"},
			{"grep", "-w", "line", "tree/text"},
			{"grep", "-l", "hello", "tree/text", "tree/a.txt", "tree/numbers"},
			{"grep", "absent", "tree/text"},
			{"cat", "-n", "tree/text"},
			{"hexdump", "-C", "tree/text"},
			{"hexdump", "tree/text"},
			{"hexdump", "-C", "-n", "40", "-s", "5", "tree/numbers"},
		} {
			s.sameAsHost(t, dir, args[0], args[1:]...)
		}
		// Exact outputs, for the record.
		s.expect(t, 0, "The quick brown fox\njumps over the lazy dog.\n", "", "head", "-n", "2", "tree/text")
		s.expect(t, 0, "  indented line 12\nthe end, without a newline", "", "tail", "-n", "2", "tree/text")
		s.expect(t, 0, " 12  39 191 tree/text\n", "", "wc", "tree/text")
		s.expect(t, 0, "4:HELLO world, hello SOS\n", "", "grep", "-n", "SOS", "tree/text")
		s.expect(t, 0, "00000000  68 65 6c 6c 6f 0a                                 |hello.|\n00000006\n", "", "hexdump", "-C", "tree/a.txt")
	})

	t.Run("errors", func(t *testing.T) {
		// Missing files: the message GNU's tools print, and their status.
		for _, c := range []struct {
			args   []string
			code   int
			stderr string
		}{
			{[]string{"cat", "nothere"}, 1, "cat: nothere: No such file or directory\n"},
			{[]string{"head", "nothere"}, 1, "head: cannot open 'nothere' for reading: No such file or directory\n"},
			{[]string{"tail", "nothere"}, 1, "tail: cannot open 'nothere' for reading: No such file or directory\n"},
			{[]string{"wc", "nothere"}, 1, "wc: nothere: No such file or directory\n"},
			{[]string{"grep", "x", "nothere"}, 2, "grep: nothere: No such file or directory\n"},
			{[]string{"hexdump", "nothere"}, 1, "hexdump: nothere: No such file or directory\nhexdump: all input file arguments failed\n"},
			{[]string{"cat", "tree"}, 1, "cat: tree: Is a directory\n"},
			{[]string{"ls", "-z"}, 2, "ls: invalid option -- 'z'\nUsage: ls [-laA1dRh] [FILE]...\n"},
			{[]string{"rm"}, 1, "rm: missing operand\n"},
			{[]string{"head", "-n", "x", "tree/text"}, 1, "head: invalid number of lines: 'x'\n"},
		} {
			s.expect(t, c.code, "", c.stderr, c.args[0], c.args[1:]...)
		}
		// The same messages as the host's.
		for _, args := range [][]string{
			{"cat", "nothere"}, {"wc", "nothere"}, {"grep", "x", "nothere"}, {"hexdump", "nothere"},
			{"ls", "nothere"}, {"head", "nothere"}, {"tail", "nothere"},
		} {
			_, herr, _ := host(t, dir, args[0], args[1:]...)
			r := s.run(t, args[0], args[1:]...)
			if r.stderr != herr {
				t.Errorf("%v: SOS says %q, the host %q", args, r.stderr, herr)
			}
		}
	})

	t.Run("pipes", func(t *testing.T) {
		// Standard input is a pipe: the tools read it as GNU's do (wc
		// pads to 7 columns for a pipe).
		s.expect(t, 0, itoa(len(userland.Programs()))+"\n", "", "sosh", "-c", "ls /bin | wc -l")
		s.expect(t, 0, "     12      39     191\n", "", "sosh", "-c", "cat tree/text | wc")
		s.expect(t, 0, "x 197\n", "", "sosh", "-c", "cat tree/numbers | tail -n 4 | head -n 1")
		s.expect(t, 0, "4:HELLO world, hello SOS\n", "", "sosh", "-c", "grep -n SOS < tree/text")
		s.expect(t, 0, "00000000  68 65 6c 6c 6f 0a                                 |hello.|\n00000006\n", "", "sosh", "-c", "cat tree/a.txt | hexdump -C")
		s.expect(t, 1, "", "", "sosh", "-c", "echo abc | grep -q x")
	})

	t.Run("true-false", func(t *testing.T) {
		s.expect(t, 0, "", "", "true")
		s.expect(t, 1, "", "", "false")
	})
}
