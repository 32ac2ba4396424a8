package riscv_test

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sos/internal/boot"
	"sos/internal/rvtool"
)

// TestDifferential builds every program in testdata/diff, runs it under
// qemu-riscv64 and on SOS (one hart, Sv48 and Sv39), and requires the
// same standard output and exit status. The programs are freestanding:
// they use no system call but write and exit, so what is compared is the
// CPU.
func TestDifferential(t *testing.T) {
	if err := rvtool.Check(); err != nil {
		t.Fatal(err)
	}
	srcs, _ := filepath.Glob("testdata/diff/*.[cS]")
	if len(srcs) == 0 {
		t.Fatal("no programs in testdata/diff")
	}
	dir := t.TempDir()
	bins := make([]string, len(srcs))
	errs := make([]error, len(srcs))
	var wg sync.WaitGroup
	for i, src := range srcs {
		bins[i] = filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), filepath.Ext(src)))
		wg.Go(func() { errs[i] = rvtool.BuildFreestanding(src, bins[i], "") })
	}
	wg.Wait()
	for i, src := range srcs {
		name := filepath.Base(src)
		bin := bins[i]
		t.Run(name, func(t *testing.T) {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			t.Parallel()
			var want bytes.Buffer
			wantCode, err := rvtool.RunQemu(bin, nil, &want, &want, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			for _, sv39 := range []bool{false, true} {
				var got bytes.Buffer
				sys, err := boot.New(boot.Config{Harts: 1, MemSize: 64 << 20, Sv39: sv39, Bin: "none", Stdout: &got, Stderr: &got, Log: io.Discard})
				if err != nil {
					t.Fatal(err)
				}
				status, err := sys.Run(bin, []string{name}, nil)
				sys.Close()
				if err != nil {
					t.Fatal(err)
				}
				if d := firstDiff(want.String(), got.String()); d != "" || boot.ExitCode(status) != wantCode {
					t.Errorf("sv39=%v: exit %d (qemu %d); output differs from qemu:\n%s", sv39, boot.ExitCode(status), wantCode, d)
				}
			}
		})
	}
}

// firstDiff describes the first line where got differs from want.
func firstDiff(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  qemu: %q\n  sos:  %q", i+1, wl, gl)
		}
	}
	return "outputs differ"
}
