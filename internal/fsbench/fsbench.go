// Package fsbench turns the JSON of SOS's file-system benchmark
// (user/cmd/bench) into figures: the mean and standard deviation per
// point, the harmonic mean of all samples (M5's single throughput figure)
// and the milestone's two graphs, bandwidth against request size and
// bandwidth against NFS transfer size, as SVG and PNG with
// standard-deviation error bars.
//
// It is host tooling used by `sos bench fs`; nothing in the running
// system depends on it, and it depends on nothing of SOS.
package fsbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Report is one run of the benchmark program: the JSON it prints.
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
	Op          string  `json:"op"` // Write or Read
	RequestSize int64   `json:"request_size"`
	Bytes       int64   `json:"bytes"`
	Seconds     float64 `json:"seconds"`
	Bandwidth   float64 `json:"bandwidth"` // bytes per second
}

// The operations.
const (
	Write = "write"
	Read  = "read"
)

// Labels the programs and `sos bench fs` use.
const (
	LabelFS        = "fs"        // the file system or configuration: "tmpfs", "nfs", ...
	LabelSystem    = "system"    // what ran the program: "sos", "qemu", "host"
	LabelTransfer  = "nfs_tsize" // the NFS transfer size in bytes, for NFS runs
	LabelReference = "tool"      // for reference runs by another tool: "dd", "nfs-cp"
)

// Parse reads a report and checks that it is complete: a known version,
// and for every request size and operation it names exactly Iterations
// samples whose figures are positive and consistent.
func Parse(r io.Reader) (*Report, error) {
	var rep Report
	dec := json.NewDecoder(r)
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("fsbench: %v", err)
	}
	if err := rep.Check(); err != nil {
		return nil, err
	}
	return &rep, nil
}

// Check reports what is wrong with a report, if anything.
func (r *Report) Check() error {
	if r.Version != 1 {
		return fmt.Errorf("fsbench: report version %d, want 1", r.Version)
	}
	if r.Iterations < 1 || len(r.Sizes) == 0 || len(r.Ops) == 0 {
		return fmt.Errorf("fsbench: report without iterations, request sizes or operations")
	}
	type key struct {
		op  string
		req int64
	}
	count := map[key]int{}
	for i, s := range r.Samples {
		if s.Op != Write && s.Op != Read {
			return fmt.Errorf("fsbench: sample %d: unknown operation %q", i, s.Op)
		}
		if s.RequestSize <= 0 || s.Bytes <= 0 || !(s.Seconds > 0) || math.IsInf(s.Seconds, 0) {
			return fmt.Errorf("fsbench: sample %d: bad figures %+v", i, s)
		}
		if want := float64(s.Bytes) / s.Seconds; math.Abs(s.Bandwidth-want) > 1e-6*want {
			return fmt.Errorf("fsbench: sample %d: bandwidth %g is not bytes/seconds (%g)", i, s.Bandwidth, want)
		}
		count[key{s.Op, s.RequestSize}]++
	}
	for _, op := range r.Ops {
		if op != Write && op != Read {
			return fmt.Errorf("fsbench: unknown operation %q", op)
		}
		for _, req := range r.Sizes {
			if n := count[key{op, req}]; n != r.Iterations {
				return fmt.Errorf("fsbench: %d samples of %s with %d-byte requests, want %d", n, op, req, r.Iterations)
			}
			delete(count, key{op, req})
		}
	}
	for k, n := range count {
		return fmt.Errorf("fsbench: %d samples of %s with %d-byte requests, which the report does not list", n, k.op, k.req)
	}
	return nil
}

// TransferSize is the report's NFS transfer size label, or 0.
func (r *Report) TransferSize() int64 {
	n, err := strconv.ParseInt(r.Labels[LabelTransfer], 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// Point is the statistics of the samples of one operation at one request
// size (or, for the transfer-size graph, one transfer size).
type Point struct {
	Op          string
	RequestSize int64
	N           int
	Mean        float64 // bytes per second
	Std         float64 // sample standard deviation (n-1), 0 for one sample
	Min, Max    float64
}

// Points computes a Point per (operation, request size), writes before
// reads, request sizes ascending.
func Points(samples []Sample) []Point {
	type key struct {
		op  string
		req int64
	}
	groups := map[key][]float64{}
	var keys []key
	for _, s := range samples {
		k := key{s.Op, s.RequestSize}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], s.Bandwidth)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.op != b.op {
			return opOrder(a.op) - opOrder(b.op)
		}
		return int(a.req - b.req)
	})
	var pts []Point
	for _, k := range keys {
		p := stats(groups[k])
		p.Op, p.RequestSize = k.op, k.req
		pts = append(pts, p)
	}
	return pts
}

func opOrder(op string) int {
	if op == Write {
		return 0
	}
	return 1
}

// stats returns the count, mean, sample standard deviation, minimum and
// maximum of v (not empty).
func stats(v []float64) Point {
	p := Point{N: len(v), Min: v[0], Max: v[0]}
	var sum float64
	for _, x := range v {
		sum += x
		p.Min, p.Max = min(p.Min, x), max(p.Max, x)
	}
	p.Mean = sum / float64(len(v))
	if len(v) > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - p.Mean) * (x - p.Mean)
		}
		p.Std = math.Sqrt(ss / float64(len(v)-1))
	}
	return p
}

// HarmonicMean is the harmonic mean of the samples' bandwidths: the
// milestone's throughput figure, which the slowest samples dominate. It
// is 0 for no samples.
func HarmonicMean(samples []Sample) float64 {
	if len(samples) == 0 {
		return 0
	}
	var inv float64
	for _, s := range samples {
		inv += 1 / s.Bandwidth
	}
	return float64(len(samples)) / inv
}

// Filter returns the samples of op (any if "") whose request size is at
// least minRequest.
func Filter(samples []Sample, op string, minRequest int64) []Sample {
	var out []Sample
	for _, s := range samples {
		if (op == "" || s.Op == op) && s.RequestSize >= minRequest {
			out = append(out, s)
		}
	}
	return out
}

// Run is a report with the name its line has in the graphs.
type Run struct {
	Name   string
	Report *Report
}

// ErrNoTransferSizes says that no run has an NFS transfer size, so there
// is no transfer-size graph to draw.
var ErrNoTransferSizes = errors.New("fsbench: no run has an NFS transfer size")

// ParseSizes parses request sizes as the benchmark program does: "MIN-MAX"
// (every power of two from MIN to MAX) or a comma-separated list, with K
// and M suffixes, each a multiple of 256.
func ParseSizes(s string) ([]int64, error) {
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, err := ParseSize(lo)
		if err != nil {
			return nil, err
		}
		b, err := ParseSize(hi)
		if err != nil {
			return nil, err
		}
		if a&(a-1) != 0 || a < 256 || b < a {
			return nil, fmt.Errorf("%q: want MIN-MAX with MIN a power of two of at least 256 and MAX >= MIN", s)
		}
		var sizes []int64
		for v := a; v <= b; v *= 2 {
			sizes = append(sizes, v)
		}
		return sizes, nil
	}
	var sizes []int64
	for _, f := range strings.Split(s, ",") {
		v, err := ParseSize(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		if v%256 != 0 {
			return nil, fmt.Errorf("%d is not a multiple of 256", v)
		}
		sizes = append(sizes, v)
	}
	return sizes, nil
}

// ParseSize parses a byte count with an optional K, M or G suffix.
func ParseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"), strings.HasSuffix(s, "k"):
		mult = 1 << 10
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		mult = 1 << 20
	case strings.HasSuffix(s, "G"), strings.HasSuffix(s, "g"):
		mult = 1 << 30
	}
	num := s
	if mult != 1 {
		num = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// SampleBytes is the length of a sample's file for a request size, as the
// benchmark program computes it: fileSize, but at most maxRequests
// requests, and at least one.
func SampleBytes(fileSize, maxRequests, req int64) int64 {
	n := fileSize
	if req*maxRequests < n {
		n = req * maxRequests
	}
	return max(n, req)
}
