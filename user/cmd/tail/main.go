// Command tail prints the last lines (-n N, default 10) or bytes (-c N)
// of files or standard input; -n +N starts at line N instead. With more
// than one file each gets a "==> NAME <==" header (-q: none, -v:
// always). Exit status 1 if a file could not be read.
package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "qv", "nc", true, "[-n [+]LINES] [-c [+]BYTES] [FILE]...", 1)
	n, bytesMode, fromStart := int64(10), false, false
	count := func(c byte) int64 {
		s, _ := opts.Value(c)
		if strings.HasPrefix(s, "+") {
			fromStart = true
			s = s[1:]
		} else {
			s = strings.TrimPrefix(s, "-")
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
		n, bytesMode = count('c'), true
	} else if opts.Has('n') {
		n = count('n')
	}
	files := opts.Args
	if len(files) == 0 {
		files = []string{"-"}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	status := 0
	headers := (len(files) > 1 || opts.Has('v')) && !opts.Has('q')
	first := true
	for _, name := range files {
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
			if !first {
				out.WriteString("\n")
			}
			out.WriteString("==> " + shown + " <==\n")
		}
		first = false
		all, err := io.ReadAll(r)
		if err != nil {
			out.Flush()
			cli.Warn("error reading %s: %s", cli.Quote(name), cli.Reason(err))
			status = 1
			continue
		}
		if bytesMode {
			switch {
			case fromStart:
				if start := max(n-1, 0); start < int64(len(all)) {
					out.Write(all[start:])
				}
			case n < int64(len(all)):
				out.Write(all[int64(len(all))-n:])
			default:
				out.Write(all)
			}
			continue
		}
		ls := bytes.SplitAfter(all, []byte("\n"))
		if len(ls) > 0 && len(ls[len(ls)-1]) == 0 {
			ls = ls[:len(ls)-1]
		}
		start := int64(0)
		if fromStart {
			start = max(n-1, 0)
		} else if n < int64(len(ls)) {
			start = int64(len(ls)) - n
		}
		for i := start; i < int64(len(ls)); i++ {
			out.Write(ls[i])
		}
	}
	out.Flush()
	os.Exit(status)
}
