// Command head prints the first lines (-n N, default 10) or bytes (-c N)
// of files or standard input; -n -N prints all but the last N lines.
// With more than one file each gets a "==> NAME <==" header (-q: none,
// -v: always). Exit status 1 if a file could not be read.
package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "qv", "nc", true, "[-n LINES] [-c BYTES] [FILE]...", 1)
	lines, bytesMode := int64(10), false
	allBut := false
	count := func(c byte) int64 {
		s, _ := opts.Value(c)
		if len(s) > 0 && s[0] == '-' {
			allBut = true
			s = s[1:]
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 {
			what := "lines"
			if c == 'c' {
				what = "bytes"
			}
			cli.Warn("invalid number of %s: %s", what, cli.Quote(s))
			os.Exit(1)
		}
		return v
	}
	if opts.Has('c') {
		lines, bytesMode = count('c'), true
	} else if opts.Has('n') {
		lines = count('n')
	}
	files := opts.Args
	if len(files) == 0 {
		files = []string{"-"}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	status := 0
	headers := (len(files) > 1 || opts.Has('v')) && !opts.Has('q')
	for i, name := range files {
		var r io.Reader = os.Stdin
		shown := "standard input"
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				out.Flush()
				cli.Warn("cannot open %s for reading: %s", cli.Quote(name), cli.Reason(err))
				status = 1
				continue
			}
			defer f.Close()
			r, shown = f, name
		}
		if headers {
			if i > 0 {
				out.WriteString("\n")
			}
			out.WriteString("==> " + shown + " <==\n")
		}
		var err error
		switch {
		case bytesMode && !allBut:
			_, err = io.Copy(out, io.LimitReader(r, lines))
		case bytesMode:
			var all []byte
			if all, err = io.ReadAll(r); int64(len(all)) > lines {
				out.Write(all[:int64(len(all))-lines])
			}
		case !allBut:
			err = firstLines(out, r, lines)
		default:
			var all []byte
			all, err = io.ReadAll(r)
			ls := bytes.SplitAfter(all, []byte("\n"))
			if len(ls) > 0 && len(ls[len(ls)-1]) == 0 {
				ls = ls[:len(ls)-1]
			}
			if int64(len(ls)) > lines {
				for _, l := range ls[:int64(len(ls))-lines] {
					out.Write(l)
				}
			}
		}
		if err != nil {
			out.Flush()
			cli.Warn("error reading %s: %s", cli.Quote(name), cli.Reason(err))
			status = 1
		}
	}
	out.Flush()
	os.Exit(status)
}

func firstLines(w io.Writer, r io.Reader, n int64) error {
	br := bufio.NewReader(r)
	for ; n > 0; n-- {
		line, err := br.ReadBytes('\n')
		w.Write(line)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}
