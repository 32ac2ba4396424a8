package riscv_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"sos/internal/riscv"
	"sos/internal/runner"
	"sos/internal/rvtool"
)

// TestDifferential builds every program in testdata/diff, runs it under
// qemu-riscv64 and under SOS's runner (Sv48 and Sv39), and requires the
// same standard output and exit status.
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
			for _, mode := range []int{riscv.SatpSv48, riscv.SatpSv39} {
				var got bytes.Buffer
				res, err := runner.RunFile(bin, []string{name}, runner.Config{MemSize: 64 << 20, Mode: mode, Stdout: &got, Stderr: &got})
				if err != nil {
					t.Fatal(err)
				}
				if d := firstDiff(want.String(), got.String()); d != "" || res.ExitCode != wantCode {
					t.Errorf("mode %d: exit %d (qemu %d); output differs from qemu:\n%s", mode, res.ExitCode, wantCode, d)
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
