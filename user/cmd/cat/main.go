// Command cat copies its files (or standard input, or "-") to standard
// output. -n numbers the lines. Errors are reported as GNU cat reports
// them ("cat: x: No such file or directory"); the exit status is 1 if any
// file could not be read.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "nu", "", false, "[-n] [FILE]...", 1)
	status := 0
	args := opts.Args
	if len(args) == 0 {
		args = []string{"-"}
	}
	line, atStart := 0, true
	for _, name := range args {
		var r io.Reader = os.Stdin
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				cli.Fail(name, err)
				status = 1
				continue
			}
			r = f
			defer f.Close()
		}
		var err error
		if opts.Has('n') {
			err = number(r, &line, &atStart)
		} else {
			_, err = io.Copy(os.Stdout, r)
		}
		if err != nil {
			cli.Fail(name, err)
			status = 1
		}
	}
	os.Exit(status)
}

// number copies r with each line preceded by its number, as cat -n; a
// last line without a newline continues into the next file.
func number(r io.Reader, line *int, atStart *bool) error {
	br := bufio.NewReader(r)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for {
		s, err := br.ReadString('\n')
		if s != "" {
			if *atStart {
				*line++
				fmt.Fprintf(w, "%6d\t", *line)
			}
			w.WriteString(s)
			*atStart = s[len(s)-1] == '\n'
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
