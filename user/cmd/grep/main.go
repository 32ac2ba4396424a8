// Command grep prints lines that match a regular expression. Patterns
// are POSIX basic regular expressions, or extended ones with -E, or
// fixed strings with -F (matched with Go's regexp package, which covers
// POSIX's syntax but for back-references). Options: -i ignore case, -v
// select non-matching lines, -n line numbers, -c counts, -l names of
// matching files, -q quiet, -H/-h with or without file names, -w whole
// words, -x whole lines, -e PATTERN. Exit status 0 if a line was
// selected, 1 if none, 2 on error.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"sos/user/internal/cli"
)

var opts *cli.Options

func main() {
	opts = cli.Parse(os.Args[1:], "EFGivncslqHhwx", "e", false, "[OPTION]... PATTERN [FILE]...", 2)
	args := opts.Args
	var pattern string
	if p, ok := opts.Value('e'); ok {
		pattern = p
	} else if len(args) > 0 {
		pattern, args = args[0], args[1:]
	} else {
		fmt.Fprintf(os.Stderr, "Usage: grep [OPTION]... PATTERNS [FILE]...\n")
		os.Exit(2)
	}
	re, err := compile(pattern)
	if err != nil {
		cli.Warn("%v", err)
		os.Exit(2)
	}
	files := args
	if len(files) == 0 {
		files = []string{"-"}
	}
	names := (len(files) > 1 || opts.Has('H')) && !opts.Has('h')
	out := bufio.NewWriter(os.Stdout)
	matched, failed := false, false
	for _, name := range files {
		var r io.Reader = os.Stdin
		shown := "(standard input)"
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				out.Flush()
				if !opts.Has('s') {
					cli.Fail(name, err)
				}
				failed = true
				continue
			}
			r, shown = f, name
			defer f.Close()
		}
		n, err := search(out, r, re, shown, names)
		if err != nil {
			out.Flush()
			if !opts.Has('s') {
				cli.Fail(name, err)
			}
			failed = true
		}
		if n > 0 {
			matched = true
			if opts.Has('q') {
				out.Flush()
				os.Exit(0)
			}
		}
	}
	out.Flush()
	switch {
	case failed && !(opts.Has('q') && matched):
		os.Exit(2)
	case matched:
		os.Exit(0)
	}
	os.Exit(1)
}

// search prints r's selected lines and returns how many there were.
func search(out *bufio.Writer, r io.Reader, re *regexp.Regexp, name string, names bool) (int, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	count := 0
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadString('\n')
		if line == "" && err != nil {
			if err == io.EOF {
				err = nil
			}
			break
		}
		text := strings.TrimSuffix(line, "\n")
		if re.MatchString(text) != opts.Has('v') {
			count++
			switch {
			case opts.Has('q'):
				return count, nil
			case opts.Has('l'):
				fmt.Fprintln(out, name)
				return count, nil
			case opts.Has('c'):
			default:
				if names {
					out.WriteString(name + ":")
				}
				if opts.Has('n') {
					fmt.Fprintf(out, "%d:", lineNo)
				}
				out.WriteString(text + "\n")
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return count, err
		}
	}
	if opts.Has('c') {
		if names {
			out.WriteString(name + ":")
		}
		fmt.Fprintln(out, count)
	}
	return count, nil
}

func compile(p string) (*regexp.Regexp, error) {
	switch {
	case opts.Has('F'):
		p = regexp.QuoteMeta(p)
	case !opts.Has('E'):
		p = basicToExtended(p)
	}
	if opts.Has('w') {
		p = `(?:^|[^[:alnum:]_])(` + p + `)(?:$|[^[:alnum:]_])`
	}
	if opts.Has('x') {
		p = `^(?:` + p + `)$`
	}
	if opts.Has('i') {
		p = `(?i)` + p
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	return re, nil
}

// basicToExtended rewrites a POSIX basic regular expression as an
// extended one: \( \) \{ \} \| \+ \? become operators and their bare
// forms literals; a leading * is literal.
func basicToExtended(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			if strings.IndexByte("(){}|+?", p[i]) >= 0 {
				b.WriteByte(p[i])
			} else {
				b.WriteByte('\\')
				b.WriteByte(p[i])
			}
		case strings.IndexByte("(){}|+?", c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '*' && (i == 0 || p[i-1] == '^' && i == 1):
			b.WriteString(`\*`)
		case c == '[':
			// Copy a bracket expression whole: nothing in it is special.
			j := i + 1
			if j < len(p) && p[j] == '^' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				if p[j] == '[' && j+1 < len(p) && (p[j+1] == ':' || p[j+1] == '.' || p[j+1] == '=') {
					if k := strings.Index(p[j+2:], string(p[j+1])+"]"); k >= 0 {
						j += k + 4
						continue
					}
				}
				j++
			}
			if j >= len(p) {
				b.WriteString(p[i:])
				return b.String()
			}
			b.WriteString(strings.ReplaceAll(p[i:j+1], `\`, `\\`))
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
