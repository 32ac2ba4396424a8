package fsbench

import (
	"encoding/xml"
	"errors"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fixture: 3 iterations at 512 B and 64 KiB. Bandwidths in MiB/s:
// write 512: 2, 4, 6; read 512: 4, 4, 4; write 64K: 8, 16, 32; read 64K: 64, 64, 64.
const fixture = `{
  "version": 1,
  "labels": {"fs": "tmpfs", "system": "sos"},
  "dir": "/tmp", "file": "sos-bench.dat",
  "iterations": 3, "file_size": 8388608, "max_requests": 4096,
  "request_sizes": [512, 65536], "ops": ["write", "read"],
  "samples": [
    {"op": "write", "request_size": 512, "bytes": 2097152, "seconds": 1, "bandwidth": 2097152},
    {"op": "read", "request_size": 512, "bytes": 1048576, "seconds": 0.25, "bandwidth": 4194304},
    {"op": "write", "request_size": 512, "bytes": 4194304, "seconds": 1, "bandwidth": 4194304},
    {"op": "read", "request_size": 512, "bytes": 1048576, "seconds": 0.25, "bandwidth": 4194304},
    {"op": "write", "request_size": 512, "bytes": 6291456, "seconds": 1, "bandwidth": 6291456},
    {"op": "read", "request_size": 512, "bytes": 1048576, "seconds": 0.25, "bandwidth": 4194304},
    {"op": "write", "request_size": 65536, "bytes": 8388608, "seconds": 1, "bandwidth": 8388608},
    {"op": "read", "request_size": 65536, "bytes": 8388608, "seconds": 0.125, "bandwidth": 67108864},
    {"op": "write", "request_size": 65536, "bytes": 8388608, "seconds": 0.5, "bandwidth": 16777216},
    {"op": "read", "request_size": 65536, "bytes": 8388608, "seconds": 0.125, "bandwidth": 67108864},
    {"op": "write", "request_size": 65536, "bytes": 8388608, "seconds": 0.25, "bandwidth": 33554432},
    {"op": "read", "request_size": 65536, "bytes": 8388608, "seconds": 0.125, "bandwidth": 67108864}
  ]
}`

func parseFixture(t *testing.T, labels ...string) *Report {
	t.Helper()
	rep, err := Parse(strings.NewReader(fixture))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(labels); i += 2 {
		rep.Labels[labels[i]] = labels[i+1]
	}
	return rep
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b)) }

func TestStatistics(t *testing.T) {
	rep := parseFixture(t)
	want := []Point{
		{Op: Write, RequestSize: 512, N: 3, Mean: 4 * mib, Std: 2 * mib, Min: 2 * mib, Max: 6 * mib},
		{Op: Write, RequestSize: 65536, N: 3, Mean: 56.0 / 3 * mib, Std: math.Sqrt(448.0/3) * mib, Min: 8 * mib, Max: 32 * mib},
		{Op: Read, RequestSize: 512, N: 3, Mean: 4 * mib, Std: 0, Min: 4 * mib, Max: 4 * mib},
		{Op: Read, RequestSize: 65536, N: 3, Mean: 64 * mib, Std: 0, Min: 64 * mib, Max: 64 * mib},
	}
	got := Points(rep.Samples)
	if len(got) != len(want) {
		t.Fatalf("Points = %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Op != w.Op || g.RequestSize != w.RequestSize || g.N != w.N || !near(g.Mean, w.Mean) ||
			!near(g.Std, w.Std) || g.Min != w.Min || g.Max != w.Max {
			t.Errorf("point %d = %+v, want %+v", i, g, w)
		}
	}
	// 12 samples; the sum of their inverses is 371/192 s/MiB.
	if hm := HarmonicMean(rep.Samples); !near(hm, 12*192.0/371*mib) {
		t.Errorf("HarmonicMean = %v MiB/s, want %v", hm/mib, 12*192.0/371)
	}
	if hm := HarmonicMean(Filter(rep.Samples, Read, 65536)); !near(hm, 64*mib) {
		t.Errorf("HarmonicMean of 64K reads = %v MiB/s, want 64", hm/mib)
	}
	if HarmonicMean(nil) != 0 {
		t.Error("HarmonicMean(nil) != 0")
	}
}

func TestParseRejectsIncomplete(t *testing.T) {
	for name, edit := range map[string]func(string) string{
		"missing sample": func(s string) string {
			return strings.Replace(s, `{"op": "read", "request_size": 65536, "bytes": 8388608, "seconds": 0.125, "bandwidth": 67108864}
  ]`, `{"op": "read", "request_size": 65536, "bytes": 8388608, "seconds": 0.125, "bandwidth": 67108864}`, 1)
		},
		"bad bandwidth": func(s string) string { return strings.Replace(s, `"bandwidth": 2097152`, `"bandwidth": 2197152`, 1) },
		"zero seconds": func(s string) string {
			return strings.Replace(s, `"seconds": 1, "bandwidth": 2097152`, `"seconds": 0, "bandwidth": 0`, 1)
		},
		"unknown op": func(s string) string {
			return strings.Replace(s, `"op": "write", "request_size": 512`, `"op": "erase", "request_size": 512`, 1)
		},
		"unlisted size":  func(s string) string { return strings.Replace(s, `[512, 65536]`, `[512]`, 1) },
		"version":        func(s string) string { return strings.Replace(s, `"version": 1`, `"version": 2`, 1) },
		"not json":       func(s string) string { return s[:100] },
		"no iterations":  func(s string) string { return strings.Replace(s, `"iterations": 3`, `"iterations": 0`, 1) },
		"negative bytes": func(s string) string { return strings.Replace(s, `"bytes": 2097152`, `"bytes": -2097152`, 1) },
	} {
		in := edit(fixture)
		if in == fixture {
			t.Fatalf("%s: edit did nothing", name)
		}
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestTransferSizeLines(t *testing.T) {
	runs := []Run{
		{"nfs", parseFixture(t, LabelTransfer, "32768")},
		{"nfs", parseFixture(t, LabelTransfer, "8192")},
		{"tmpfs", parseFixture(t)}, // no transfer size: left out
	}
	lines := TransferSizeLines(runs, 65536)
	if len(lines) != 2 || lines[0].Op != Write || lines[1].Op != Read {
		t.Fatalf("lines %+v", lines)
	}
	w := lines[0]
	if w.Name != "nfs" || len(w.X) != 2 || w.X[0] != 8192 || w.X[1] != 32768 {
		t.Fatalf("write line %+v", w)
	}
	if p := w.Points[0]; p.N != 3 || !near(p.Mean, 56.0/3*mib) || !near(p.Std, math.Sqrt(448.0/3)*mib) {
		t.Errorf("write point %+v", p)
	}
	if _, err := TransferSizeGraph(runs[2:], 65536, "x"); !errors.Is(err, ErrNoTransferSizes) {
		t.Errorf("TransferSizeGraph without NFS runs: %v", err)
	}
}

// TestGraphs draws both graphs and checks that the files decode: the PNG
// as an image of the size asked for, the SVG as XML with an svg root.
func TestGraphs(t *testing.T) {
	runs := []Run{
		{"sos tmpfs", parseFixture(t)},
		{"sos nfs", parseFixture(t, LabelTransfer, "8192")},
		{"sos nfs", parseFixture(t, LabelTransfer, "65536")},
	}
	dir := t.TempDir()
	p, err := RequestSizeGraph(runs[:2], "bandwidth vs request size")
	if err != nil {
		t.Fatal(err)
	}
	paths, err := Save(p, dir, "request-size")
	if err != nil {
		t.Fatal(err)
	}
	p, err = TransferSizeGraph(runs, 65536, "bandwidth vs NFS transfer size")
	if err != nil {
		t.Fatal(err)
	}
	more, err := Save(p, dir, "transfer-size")
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, more...)
	if len(paths) != 4 {
		t.Fatalf("paths %v", paths)
	}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(path) {
		case ".png":
			img, err := png.Decode(f)
			if err != nil {
				t.Errorf("%s: %v", path, err)
			} else if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 300 {
				t.Errorf("%s: %v", path, b)
			}
		case ".svg":
			var root struct {
				XMLName xml.Name
				Texts   []string `xml:"text"`
			}
			if err := xml.NewDecoder(f).Decode(&root); err != nil || root.XMLName.Local != "svg" {
				t.Errorf("%s: root %v, %v", path, root.XMLName, err)
			}
		}
		f.Close()
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "request-size.svg"))
	for _, want := range []string{"sos tmpfs write", "sos nfs read", "64K", "bandwidth (MiB/s)"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("request-size.svg lacks %q", want)
		}
	}
}

func TestSizeLabel(t *testing.T) {
	for n, want := range map[int64]string{512: "512", 1024: "1K", 65536: "64K", 1 << 20: "1M", 1536: "1536", 3 << 20: "3M"} {
		if got := SizeLabel(n); got != want {
			t.Errorf("SizeLabel(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseSizes(t *testing.T) {
	got, err := ParseSizes("512-1M")
	if err != nil || len(got) != 12 || got[0] != 512 || got[11] != 1<<20 {
		t.Errorf("ParseSizes(512-1M) = %v, %v", got, err)
	}
	if got, err := ParseSizes("4K, 64k,1M"); err != nil || len(got) != 3 || got[1] != 65536 {
		t.Errorf("ParseSizes(list) = %v, %v", got, err)
	}
	for _, bad := range []string{"", "100", "300-1K", "1M-512", "4K,x", "0"} {
		if _, err := ParseSizes(bad); err == nil {
			t.Errorf("ParseSizes(%q) accepted", bad)
		}
	}
	for _, c := range [][4]int64{{8 << 20, 4096, 512, 2 << 20}, {8 << 20, 4096, 4096, 8 << 20}, {1024, 4096, 1 << 20, 1 << 20}} {
		if got := SampleBytes(c[0], c[1], c[2]); got != c[3] {
			t.Errorf("SampleBytes(%d, %d, %d) = %d, want %d", c[0], c[1], c[2], got, c[3])
		}
	}
}

// TestErrorBarsPositive: an error bar never reaches below zero, which the
// request-size graph's log axis could not draw.
func TestErrorBarsPositive(t *testing.T) {
	s := series{X: []int64{512}, Points: []Point{{Mean: 10 * mib, Std: 30 * mib}}}
	low, high := s.YError(0)
	if !(low < 10) || low <= 0 || high != 30 {
		t.Errorf("YError = %v, %v", low, high)
	}
}
