// Command bench measures file-system bandwidth from and to user memory:
// the benchmark of milestone M5. For each request size (powers of two from
// 512 bytes to 1 MiB by default) it runs a number of iterations, each a
// timed write of a whole file followed by a timed read of it, and prints
// every sample as JSON on standard output (or to -o FILE).
//
//	bench [-dir DIR] [-n 10] [-sizes 512-1M] [-file-size 8M] [-max-requests 4096]
//	      [-ops write,read] [-label K=V]... [-verify] [-o FILE]
//
// What a sample times:
//
//   - write: open(O_WRONLY|O_CREAT|O_TRUNC), write requests of the given
//     size from one user buffer until the file has its size, fsync, close.
//     The data is on the server or disk when the clock stops (M5's rule: a
//     file written and closed is not lost if the system dies).
//   - read: a fresh open(O_RDONLY), read requests until the file's size has
//     been read, close.
//
// The file of a sample is -file-size bytes (default 8 MiB), but at most
// -max-requests requests (default 4096): 2 MiB for 512-byte requests,
// 4 MiB for 1 KiB, the full size from 2 KiB up. So a sample of small
// requests does not take minutes on a slow path, and every sample is
// still thousands of system calls long.
//
// -ops read measures reads only, of an existing file (-file) that must be
// at least as long as the largest sample: for read-only file systems,
// where the host prepares the file.
//
// The program uses the standard library only, so the same binary runs on
// SOS, under qemu-riscv64 and (built for the host) natively.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Report is the JSON the program prints. internal/fsbench parses it.
type Report struct {
	Version     int               `json:"version"`
	Labels      map[string]string `json:"labels"`
	Dir         string            `json:"dir"`
	File        string            `json:"file"`
	Iterations  int               `json:"iterations"`
	FileSize    int64             `json:"file_size"`
	MaxRequests int64             `json:"max_requests"`
	Sizes       []int64           `json:"request_sizes"`
	Ops         []string          `json:"ops"`
	Samples     []Sample          `json:"samples"`
}

// Sample is one timed pass over a file.
type Sample struct {
	Op          string  `json:"op"` // "write" or "read"
	RequestSize int64   `json:"request_size"`
	Bytes       int64   `json:"bytes"`
	Seconds     float64 `json:"seconds"`
	Bandwidth   float64 `json:"bandwidth"` // bytes per second
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// labelFlag collects repeated -label K=V flags.
type labelFlag map[string]string

func (l labelFlag) String() string { return fmt.Sprint(map[string]string(l)) }
func (l labelFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return errors.New("want K=V")
	}
	l[k] = val
	return nil
}

// config is what one run measures.
type config struct {
	dir, file   string
	iterations  int
	fileSize    int64
	maxRequests int64
	sizes       []int64
	ops         []string
	verify      bool
	keep        bool
	labels      map[string]string
	progress    io.Writer
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", ".", "directory to put the benchmark's file in")
	file := fs.String("file", "sos-bench.dat", "name of the benchmark's file in -dir")
	n := fs.Int("n", 10, "iterations (samples) per request size and operation")
	sizes := fs.String("sizes", "512-1M", "request sizes: MIN-MAX (powers of two) or a comma-separated list; K and M suffixes")
	fileSize := fs.String("file-size", "8M", "bytes per sample (see -max-requests)")
	maxReq := fs.Int64("max-requests", 4096, "at most this many requests per sample: small requests use a smaller file")
	ops := fs.String("ops", "write,read", "operations: write,read or read (reads an existing -file)")
	verify := fs.Bool("verify", false, "check every byte read (inside the timed read)")
	keep := fs.Bool("keep", false, "leave the file behind")
	out := fs.String("o", "", "write the JSON here instead of standard output")
	quiet := fs.Bool("q", false, "no progress on standard error")
	labels := labelFlag{}
	fs.Var(labels, "label", "K=V label recorded in the JSON, e.g. fs=nfs, nfs_tsize=65536 (repeatable)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "bench: unexpected arguments %q\n", fs.Args())
		return 2
	}
	cfg := config{dir: *dir, file: *file, iterations: *n, maxRequests: *maxReq, verify: *verify, keep: *keep, labels: labels}
	var err error
	if cfg.fileSize, err = parseSize(*fileSize); err != nil {
		fmt.Fprintf(stderr, "bench: -file-size: %v\n", err)
		return 2
	}
	if cfg.sizes, err = parseSizes(*sizes); err != nil {
		fmt.Fprintf(stderr, "bench: -sizes: %v\n", err)
		return 2
	}
	switch *ops {
	case "write,read", "read,write":
		cfg.ops = []string{"write", "read"}
	case "read":
		cfg.ops = []string{"read"}
	case "write":
		cfg.ops = []string{"write"}
	default:
		fmt.Fprintf(stderr, "bench: -ops %q: want write,read, write or read\n", *ops)
		return 2
	}
	if cfg.iterations < 1 || cfg.maxRequests < 1 {
		fmt.Fprintln(stderr, "bench: -n and -max-requests must be positive")
		return 2
	}
	if !*quiet {
		cfg.progress = stderr
	}
	rep, err := measure(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	b = append(b, '\n')
	if *out != "" {
		err = os.WriteFile(*out, b, 0o644)
	} else {
		_, err = stdout.Write(b)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

// sampleBytes is the length of a sample's file for a request size.
func (c *config) sampleBytes(req int64) int64 {
	n := c.fileSize
	if req*c.maxRequests < n {
		n = req * c.maxRequests
	}
	if n < req {
		n = req
	}
	return n
}

func measure(c config) (*Report, error) {
	rep := &Report{Version: 1, Labels: c.labels, Dir: c.dir, File: c.file, Iterations: c.iterations,
		FileSize: c.fileSize, MaxRequests: c.maxRequests, Sizes: c.sizes, Ops: c.ops, Samples: []Sample{}}
	if rep.Labels == nil {
		rep.Labels = map[string]string{}
	}
	path := filepath.Join(c.dir, c.file)
	writes := c.ops[0] == "write"
	if writes && !c.keep {
		defer os.Remove(path)
	}
	if !writes {
		var need int64
		for _, req := range c.sizes {
			need = max(need, c.sampleBytes(req))
		}
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if st.Size() < need {
			return nil, fmt.Errorf("%s: %d bytes, need %d to read", path, st.Size(), need)
		}
	}
	for _, req := range c.sizes {
		buf := make([]byte, req)
		size := c.sampleBytes(req)
		for it := 0; it < c.iterations; it++ {
			// A different pattern per sample, so a read that returned
			// a previous sample's data would not verify.
			seed := byte(it*7 + int(req>>9))
			for _, op := range c.ops {
				var s Sample
				var err error
				if op == "write" {
					s, err = timedWrite(path, buf, size, seed)
				} else {
					s, err = timedRead(path, buf, size, seed, c.verify && writes)
				}
				if err != nil {
					return nil, fmt.Errorf("%s of %d bytes in %d-byte requests: %v", op, size, req, err)
				}
				rep.Samples = append(rep.Samples, s)
				if c.progress != nil {
					fmt.Fprintf(c.progress, "bench: %-5s %7d B requests: %8d bytes in %.6fs, %8.2f MiB/s\n",
						op, req, s.Bytes, s.Seconds, s.Bandwidth/(1<<20))
				}
			}
		}
	}
	return rep, nil
}

// fill writes the sample's pattern for the bytes at offset off into b.
func fill(b []byte, off int64, seed byte) {
	for i := range b {
		b[i] = byte(off+int64(i)) ^ seed
	}
}

// patterned reports whether b holds the pattern for offset off.
func patterned(b []byte, off int64, seed byte) bool {
	for i := range b {
		if b[i] != byte(off+int64(i))^seed {
			return false
		}
	}
	return true
}

func timedWrite(path string, buf []byte, size int64, seed byte) (Sample, error) {
	// The pattern depends on the offset modulo 256 and every request size
	// is a multiple of 256 (parseSizes), so one fill serves every request.
	fill(buf, 0, seed)
	start := time.Now()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return Sample{}, err
	}
	var done int64
	for done < size {
		n, err := f.Write(buf[:min(int64(len(buf)), size-done)])
		done += int64(n)
		if err != nil {
			f.Close()
			return Sample{}, err
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return Sample{}, fmt.Errorf("fsync: %v", err)
	}
	if err := f.Close(); err != nil {
		return Sample{}, fmt.Errorf("close: %v", err)
	}
	return sample("write", int64(len(buf)), done, time.Since(start)), nil
}

func timedRead(path string, buf []byte, size int64, seed byte, verify bool) (Sample, error) {
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return Sample{}, err
	}
	var done int64
	for done < size {
		n, err := f.Read(buf[:min(int64(len(buf)), size-done)])
		if verify && !patterned(buf[:n], done, seed) {
			f.Close()
			return Sample{}, fmt.Errorf("wrong data read near offset %d", done)
		}
		done += int64(n)
		if err == io.EOF || (err == nil && n == 0) {
			f.Close()
			return Sample{}, fmt.Errorf("file ends at %d bytes", done)
		}
		if err != nil {
			f.Close()
			return Sample{}, err
		}
	}
	if err := f.Close(); err != nil {
		return Sample{}, fmt.Errorf("close: %v", err)
	}
	return sample("read", int64(len(buf)), done, time.Since(start)), nil
}

func sample(op string, req, n int64, d time.Duration) Sample {
	sec := d.Seconds()
	if sec <= 0 {
		sec = 1e-9 // a clock that did not move: one tick, never a division by zero
	}
	return Sample{Op: op, RequestSize: req, Bytes: n, Seconds: sec, Bandwidth: float64(n) / sec}
}

// parseSize parses a byte count with an optional K or M suffix.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "k"):
		mult = 1 << 10
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		mult = 1 << 20
	case strings.HasSuffix(s, "G"), strings.HasSuffix(s, "g"):
		mult = 1 << 30
	}
	if mult != 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// parseSizes parses "MIN-MAX" (every power of two from MIN to MAX) or a
// comma-separated list of sizes.
func parseSizes(s string) ([]int64, error) {
	var sizes []int64
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err := parseSize(lo)
		if err != nil {
			return nil, err
		}
		b, err := parseSize(hi)
		if err != nil {
			return nil, err
		}
		if a&(a-1) != 0 || a < 256 || b < a {
			return nil, fmt.Errorf("%q: want MIN-MAX with MIN a power of two of at least 256 and MAX >= MIN", s)
		}
		for v := a; v <= b; v *= 2 {
			sizes = append(sizes, v)
		}
		return sizes, nil
	}
	for _, f := range strings.Split(s, ",") {
		v, err := parseSize(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		if v%256 != 0 {
			// The data pattern repeats every 256 bytes, so one fill
			// of the buffer serves every request of a sample.
			return nil, fmt.Errorf("%d is not a multiple of 256", v)
		}
		sizes = append(sizes, v)
	}
	return sizes, nil
}
