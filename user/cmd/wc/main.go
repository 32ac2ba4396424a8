// Command wc counts lines (-l), words (-w), bytes (-c) and characters
// (-m) of files or standard input, by default lines, words and bytes,
// in GNU wc's layout (a total line for several files). Exit status 1 if
// a file could not be read.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode"
	"unicode/utf8"

	"sos/user/internal/cli"
)

type counts struct{ lines, words, chars, bytes int64 }

func main() {
	opts := cli.Parse(os.Args[1:], "lwcmL", "", false, "[-lwcm] [FILE]...", 1)
	show := [4]bool{opts.Has('l'), opts.Has('w'), opts.Has('m'), opts.Has('c')}
	if !show[0] && !show[1] && !show[2] && !show[3] {
		show = [4]bool{true, true, false, true}
	}
	files := opts.Args
	stdin := len(files) == 0
	if stdin {
		files = []string{"-"}
	}
	// GNU's width: the digits of the regular files' total size, at
	// least 7 if any input is not a regular file (a pipe), and 1 for a
	// single count of a single file.
	nshow := 0
	for _, s := range show {
		if s {
			nshow++
		}
	}
	width := 1
	if nshow > 1 || len(files) > 1 {
		minimum := 1
		var regular int64
		for _, name := range files {
			var st os.FileInfo
			var err error
			if name == "-" {
				st, err = os.Stdin.Stat()
			} else {
				st, err = os.Stat(name)
			}
			switch {
			case err != nil:
			case st.Mode().IsRegular():
				regular += st.Size()
			default:
				minimum = 7
			}
		}
		width = max(len(strconv.FormatInt(regular, 10)), minimum)
	}
	out := bufio.NewWriter(os.Stdout)
	print := func(c counts, name string) {
		vals := [4]int64{c.lines, c.words, c.chars, c.bytes}
		sep := ""
		for i, s := range show {
			if s {
				fmt.Fprintf(out, "%s%*d", sep, width, vals[i])
				sep = " "
			}
		}
		if name != "" {
			fmt.Fprintf(out, " %s", name)
		}
		out.WriteString("\n")
	}
	status := 0
	var total counts
	for _, name := range files {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				out.Flush()
				cli.Fail(name, err)
				status = 1
				continue
			}
			defer f.Close()
			r = f
		}
		c, err := count(r)
		if err != nil {
			out.Flush()
			cli.Fail(name, err)
			status = 1
		}
		shown := name
		if stdin {
			shown = ""
		}
		print(c, shown)
		total.lines += c.lines
		total.words += c.words
		total.chars += c.chars
		total.bytes += c.bytes
	}
	if len(files) > 1 {
		print(total, "total")
	}
	out.Flush()
	os.Exit(status)
}

func count(r io.Reader) (counts, error) {
	var c counts
	br := bufio.NewReaderSize(r, 64<<10)
	inWord := false
	for {
		ru, size, err := br.ReadRune()
		if err == io.EOF {
			return c, nil
		}
		if err != nil {
			return c, err
		}
		c.bytes += int64(size)
		if ru != utf8.RuneError || size > 1 {
			c.chars++
		}
		if ru == '\n' {
			c.lines++
		}
		if unicode.IsSpace(ru) {
			inWord = false
		} else if !inWord && (unicode.IsPrint(ru) || ru == utf8.RuneError) {
			inWord = true
			c.words++
		}
	}
}
