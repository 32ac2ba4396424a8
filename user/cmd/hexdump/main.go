// Command hexdump shows files (or standard input) in hexadecimal, in the
// formats of util-linux's hexdump: by default 16-bit little-endian words,
// with -C canonical hex and ASCII. Repeated lines are shown as "*"
// unless -v; -n LENGTH reads only that many bytes, -s OFFSET skips that
// many. Exit status 1 if a file could not be read.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"

	"sos/user/internal/cli"
)

func main() {
	opts := cli.Parse(os.Args[1:], "Cv", "ns", false, "[-Cv] [-n LENGTH] [-s OFFSET] [FILE]...", 1)
	canonical := opts.Has('C')
	limit := int64(-1)
	if v, ok := opts.Value('n'); ok {
		n, err := strconv.ParseInt(v, 0, 64)
		if err != nil || n < 0 {
			cli.Warn("invalid length argument: %s", cli.Quote(v))
			os.Exit(1)
		}
		limit = n
	}
	var skip int64
	if v, ok := opts.Value('s'); ok {
		n, err := strconv.ParseInt(v, 0, 64)
		if err != nil || n < 0 {
			cli.Warn("invalid offset argument: %s", cli.Quote(v))
			os.Exit(1)
		}
		skip = n
	}
	// The files are read as one stream, as hexdump does.
	var readers []io.Reader
	status := 0
	files := opts.Args
	if len(files) == 0 {
		readers = append(readers, os.Stdin)
	}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			cli.Fail(name, err)
			status = 1
			continue
		}
		defer f.Close()
		readers = append(readers, f)
	}
	if len(files) > 0 && len(readers) == 0 {
		cli.Warn("all input file arguments failed")
		os.Exit(1)
	}
	in := io.MultiReader(readers...)
	if skip > 0 {
		if _, err := io.CopyN(io.Discard, in, skip); err != nil && err != io.EOF {
			cli.Warn("%s", cli.Reason(err))
			os.Exit(1)
		}
	}
	if limit >= 0 {
		in = io.LimitReader(in, limit)
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	offset := skip
	var prev []byte
	starred := false
	buf := make([]byte, 16)
	for {
		n, err := io.ReadFull(in, buf)
		if n == 0 {
			if err != nil && err != io.EOF {
				out.Flush()
				cli.Warn("%s", cli.Reason(err))
				status = 1
			}
			break
		}
		line := buf[:n]
		if n == 16 && prev != nil && bytes.Equal(line, prev) && !opts.Has('v') {
			if !starred {
				out.WriteString("*\n")
				starred = true
			}
		} else {
			starred = false
			if canonical {
				canonicalLine(out, offset, line)
			} else {
				wordLine(out, offset, line)
			}
		}
		prev = append(prev[:0], line...)
		offset += int64(n)
		if err != nil {
			break
		}
	}
	if offset > skip { // nothing at all for empty input
		if canonical {
			fmt.Fprintf(out, "%08x\n", offset)
		} else {
			fmt.Fprintf(out, "%07x\n", offset)
		}
	}
	out.Flush()
	os.Exit(status)
}

func wordLine(out *bufio.Writer, offset int64, b []byte) {
	fmt.Fprintf(out, "%07x", offset)
	for i := 0; i < 16; i += 2 {
		switch {
		case i+1 < len(b):
			fmt.Fprintf(out, " %02x%02x", b[i+1], b[i])
		case i < len(b):
			fmt.Fprintf(out, " 00%02x", b[i])
		default:
			out.WriteString("     ")
		}
	}
	out.WriteString("\n")
}

func canonicalLine(out *bufio.Writer, offset int64, b []byte) {
	fmt.Fprintf(out, "%08x  ", offset)
	for i := 0; i < 16; i++ {
		if i < len(b) {
			fmt.Fprintf(out, "%02x ", b[i])
		} else {
			out.WriteString("   ")
		}
		if i == 7 {
			out.WriteByte(' ')
		}
	}
	out.WriteString(" |")
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '.'
		}
		out.WriteByte(c)
	}
	out.WriteString("|\n")
}
