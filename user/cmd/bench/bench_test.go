package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchNative runs the benchmark on the host's file system with a
// tiny configuration and checks the JSON: every sample there, in order,
// with consistent figures, and the file removed afterwards.
func TestBenchNative(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"-dir", dir, "-n", "2", "-sizes", "512,4K,64K", "-file-size", "128K", "-max-requests", "64",
		"-verify", "-q", "-label", "fs=host", "-label", "nfs_tsize=0"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("status %d: %s", code, stderr.String())
	}
	var rep Report
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatal(err)
	}
	if rep.Labels["fs"] != "host" || rep.Labels["nfs_tsize"] != "0" || rep.Iterations != 2 || rep.FileSize != 128<<10 {
		t.Errorf("header %+v", rep)
	}
	wantBytes := map[int64]int64{512: 512 * 64, 4 << 10: 128 << 10, 64 << 10: 128 << 10}
	i := 0
	for _, req := range []int64{512, 4 << 10, 64 << 10} {
		for range 2 {
			for _, op := range []string{"write", "read"} {
				if i >= len(rep.Samples) {
					t.Fatalf("only %d samples", len(rep.Samples))
				}
				s := rep.Samples[i]
				i++
				if s.Op != op || s.RequestSize != req || s.Bytes != wantBytes[req] || s.Seconds <= 0 ||
					s.Bandwidth != float64(s.Bytes)/s.Seconds {
					t.Errorf("sample %d = %+v, want %s of %d bytes in %d-byte requests", i-1, s, op, wantBytes[req], req)
				}
			}
		}
	}
	if i != len(rep.Samples) {
		t.Errorf("%d samples, want %d", len(rep.Samples), i)
	}
	if _, err := os.Stat(filepath.Join(dir, "sos-bench.dat")); !os.IsNotExist(err) {
		t.Errorf("file left behind: %v", err)
	}
}

// TestBenchReadOnly: -ops read reads a file prepared beforehand, and
// refuses one too short for the largest sample.
func TestBenchReadOnly(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sos-bench.dat"), make([]byte, 64<<10), 0o444); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-dir", dir, "-n", "3", "-ops", "read", "-sizes", "4K-16K", "-file-size", "64K", "-q"}, &stdout, &stderr); code != 0 {
		t.Fatalf("status %d: %s", code, stderr.String())
	}
	var rep Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Samples) != 9 {
		t.Fatalf("%d samples, want 9", len(rep.Samples))
	}
	for _, s := range rep.Samples {
		if s.Op != "read" || s.Bytes != 64<<10 {
			t.Errorf("sample %+v", s)
		}
	}
	stderr.Reset()
	if code := run([]string{"-dir", dir, "-ops", "read", "-file-size", "1M", "-q"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "need 1048576") {
		t.Errorf("short file: status %d, %q", code, stderr.String())
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("512-1M")
	if err != nil || len(got) != 12 || got[0] != 512 || got[11] != 1<<20 {
		t.Errorf("parseSizes(512-1M) = %v, %v", got, err)
	}
	for _, bad := range []string{"", "100", "300-1K", "1M-512", "4K,x"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted", bad)
		}
	}
}
