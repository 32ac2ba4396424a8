package riscv

import (
	"sync"
	"testing"
)

// TestAtomicsAcrossHarts runs harts in parallel, on their own goroutines,
// all incrementing shared words with AMOs and with LR/SC loops; the totals
// must be exact.
func TestAtomicsAcrossHarts(t *testing.T) {
	const harts = 4
	iters := 200000
	if testing.Short() {
		iters = 20000
	}
	m := newTestMachine(t, SatpSv48)
	p := new(prog).i(
		amoadd(0, s0, a1, 3), // amoadd.d zero, a1, (s0)
		amoadd(0, s1, a1, 2), // amoadd.w zero, a1, (s1)
		// retry64:
		lr(t0, s2, 3),
		addi(t0, t0, 1),
		sc(t1, s2, t0, 3),
		bne(t1, zero, -12),
		// retry32:
		lr(t0, s3, 2),
		addi(t0, t0, 1),
		sc(t1, s3, t0, 2),
		bne(t1, zero, -12),
		addi(a2, a2, -1),
		bne(a2, zero, -44),
		ecall,
	)
	m.code(p)
	data := m.page(dataVA, PteR|PteW|PteU|PteA|PteD)
	var wg sync.WaitGroup
	for i := range harts {
		h := NewHart(i, m.mem, new(fixedClock))
		h.SetSatp(m.hart.Satp())
		ctx := &Context{PC: codeVA}
		ctx.X[s0], ctx.X[s1], ctx.X[s2], ctx.X[s3] = dataVA, dataVA+64, dataVA+128, dataVA+192
		ctx.X[a1], ctx.X[a2] = 1, uint64(iters)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				// Short slices so harts are also preempted between LR and SC.
				tr := h.Run(ctx, 997)
				if tr.Cause == EcallU {
					return
				}
				if tr.Cause != Budget {
					t.Errorf("hart %d: %v", h.ID, tr)
					return
				}
			}
		}()
	}
	wg.Wait()
	want := uint64(harts * iters)
	for i, off := range []uint64{0, 64, 128, 192} {
		v, _ := m.mem.Load64(data + off)
		if i == 1 || i == 3 {
			v &= 0xffffffff
		}
		if v != want {
			t.Errorf("counter %d = %d, want %d", i, v, want)
		}
	}
}
