package riscv

import (
	"sync"
	"testing"
	"time"
)

// loadProg is "ld a0, 0(s0); ecall".
var loadProg = new(prog).i(ld(a0, s0, 0), ecall)

func TestTranslateLevels(t *testing.T) {
	for _, mode := range []int{SatpSv39, SatpSv48} {
		levels := map[int]int{SatpSv39: 3, SatpSv48: 4}[mode]
		for level := 0; level < levels; level++ {
			m := newTestMachine(t, mode)
			m.code(loadProg)
			size := uint64(PageSize) << (9 * level)
			va := size * 3 // aligned to the leaf size, inside every mode's range
			if level == 3 {
				va = size
			}
			// The leaf maps the size-aligned physical range holding a
			// frame of RAM; only that frame is touched.
			frame := m.alloc()
			leaf := frame &^ (size - 1)
			m.mapAt(va, leaf, level, PteR|PteW|PteU)
			m.mem.Store64(frame+PageSize-8, 0xfeedface)
			m.ctx.X[s0] = va + frame - leaf + PageSize - 8
			tr := m.run(100)
			if tr.Cause != EcallU || m.ctx.X[a0] != 0xfeedface {
				t.Errorf("mode %d level %d: %v a0=%#x", mode, level, tr, m.ctx.X[a0])
			}
		}
	}
}

func TestMisalignedSuperpageFaults(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(loadProg)
	pa := m.allocAligned(4<<20) + PageSize // 2 MiB leaf whose PPN is not 2 MiB aligned
	m.mapAt(0x4000_0000, pa, 1, PteR|PteU)
	m.ctx.X[s0] = 0x4000_0000
	if tr := m.run(100); tr.Cause != LoadPageFault || tr.Tval != 0x4000_0000 {
		t.Fatalf("got %v", tr)
	}
}

func TestBadPTEsFault(t *testing.T) {
	for _, tc := range []struct {
		name string
		pte  func(m *testMachine, pa uint64) uint64
	}{
		{"write without read", func(m *testMachine, pa uint64) uint64 { return pa>>12<<10 | PteW | PteU | PteV }},
		{"reserved bit 63", func(m *testMachine, pa uint64) uint64 { return 1<<63 | pa>>12<<10 | PteR | PteU | PteV }},
		{"reserved bit 54", func(m *testMachine, pa uint64) uint64 { return 1<<54 | pa>>12<<10 | PteR | PteU | PteV }},
		{"not valid", func(m *testMachine, pa uint64) uint64 { return pa>>12<<10 | PteR | PteU }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, SatpSv48)
			m.code(loadProg)
			pa := m.alloc()
			m.mem.Store64(m.pteAddr(dataVA, 0), tc.pte(m, pa))
			m.ctx.X[s0] = dataVA
			if tr := m.run(100); tr.Cause != LoadPageFault || tr.Tval != dataVA {
				t.Fatalf("got %v", tr)
			}
		})
	}
	t.Run("pointer with A bit", func(t *testing.T) {
		m := newTestMachine(t, SatpSv48)
		m.code(loadProg)
		m.page(dataVA, PteR|PteU)
		// Set A on the level-1 pointer entry.
		e := m.pteAddr(dataVA, 1)
		m.mem.Store64(e, m.pte(e)|PteA)
		m.ctx.X[s0] = dataVA
		if tr := m.run(100); tr.Cause != LoadPageFault {
			t.Fatalf("got %v", tr)
		}
	})
}

func TestSv39RejectsSv48Addresses(t *testing.T) {
	const va = 1 << 40 // canonical under Sv48 only
	for _, mode := range []int{SatpSv39, SatpSv48} {
		m := newTestMachine(t, mode)
		m.code(loadProg)
		m.ctx.X[s0] = va
		if mode == SatpSv48 {
			pa := m.page(va, PteR|PteU)
			m.mem.Store64(pa, 42)
		}
		tr := m.run(100)
		switch {
		case mode == SatpSv48 && (tr.Cause != EcallU || m.ctx.X[a0] != 42):
			t.Errorf("Sv48: %v a0=%d", tr, m.ctx.X[a0])
		case mode == SatpSv39 && tr.Cause != LoadPageFault:
			t.Errorf("Sv39: %v", tr)
		}
	}
}

func TestAccessedDirtyBits(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(new(prog).i(ld(a0, s0, 0), ecall, sd(a0, s0, 8), ecall))
	m.page(dataVA, PteR|PteW|PteU)
	e := m.pteAddr(dataVA, 0)
	m.ctx.X[s0] = dataVA
	if m.pte(e)&(PteA|PteD) != 0 {
		t.Fatal("A/D set before any access")
	}
	m.run(100)
	if m.pte(e)&(PteA|PteD) != PteA {
		t.Fatalf("after a load: pte %#x, want A and not D", m.pte(e))
	}
	m.ctx.PC += 4
	m.run(100)
	if m.pte(e)&(PteA|PteD) != PteA|PteD {
		t.Fatalf("after a store: pte %#x, want A and D", m.pte(e))
	}
	// The kernel clears both (as a pager would) and flushes: the next
	// accesses set them again.
	m.mem.Store64(e, m.pte(e)&^(PteA|PteD))
	m.hart.FlushPage(dataVA)
	m.ctx.PC = codeVA
	m.run(100)
	m.ctx.PC += 4
	m.run(100)
	if m.pte(e)&(PteA|PteD) != PteA|PteD {
		t.Fatalf("after flush and access: pte %#x", m.pte(e))
	}
	// The code page's entry got A (fetches) but not D.
	if ce := m.pte(m.pteAddr(codeVA, 0)); ce&(PteA|PteD) != PteA {
		t.Errorf("code pte %#x, want A only", ce)
	}
}

func TestADUpdateIsAtomic(t *testing.T) {
	// Several harts storing to the same page while the kernel keeps
	// clearing A: every hart's walk must set the bits with a
	// compare-and-swap, never lose a concurrent PTE change.
	m := newTestMachine(t, SatpSv48)
	m.code(new(prog).i(sd(a0, s0, 0), ecall))
	pa := m.page(dataVA, PteR|PteW|PteU)
	e := m.pteAddr(dataVA, 0)
	var wg sync.WaitGroup
	for i := range 4 {
		h := NewHart(i+1, m.mem, new(fixedClock))
		h.SetSatp(m.hart.Satp())
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 2000 {
				ctx := &Context{PC: codeVA}
				ctx.X[s0], ctx.X[a0] = dataVA, 1
				h.Run(ctx, 100)
				h.FlushAll()
			}
		}()
	}
	for range 2000 {
		old := m.pte(e)
		m.mem.CompareAndSwap64(e, old, old&^(PteA|PteD))
	}
	wg.Wait()
	if got := m.pte(e) >> 10 << 12; got != pa {
		t.Fatalf("PTE frame changed to %#x", got)
	}
	if m.pte(e)&(PteR|PteW|PteU|PteV) != PteR|PteW|PteU|PteV {
		t.Fatalf("PTE permissions lost: %#x", m.pte(e))
	}
}

func TestTLBCachesUntilFlushed(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(loadProg)
	pa1 := m.page(dataVA, PteR|PteU|PteA)
	pa2 := m.alloc()
	m.mem.Store64(pa1, 1)
	m.mem.Store64(pa2, 2)
	m.ctx.X[s0] = dataVA
	get := func() uint64 {
		m.ctx.PC = codeVA
		if tr := m.run(100); tr.Cause != EcallU {
			t.Fatal(tr)
		}
		return m.ctx.X[a0]
	}
	if v := get(); v != 1 {
		t.Fatalf("first load %d", v)
	}
	m.mapAt(dataVA, pa2, 0, PteR|PteU|PteA)
	if v := get(); v != 1 {
		t.Fatalf("remapped without a flush, the TLB should still give the old frame: got %d", v)
	}
	m.hart.FlushPage(dataVA + 123)
	if v := get(); v != 2 {
		t.Fatalf("after FlushPage: %d", v)
	}
	m.mapAt(dataVA, pa1, 0, PteR|PteU|PteA)
	m.hart.FlushASID(7) // another address space: no effect
	if v := get(); v != 2 {
		t.Fatalf("after flushing another ASID: %d", v)
	}
	m.hart.FlushASID(1)
	if v := get(); v != 1 {
		t.Fatalf("after FlushASID: %d", v)
	}
	m.mapAt(dataVA, pa2, 0, PteR|PteU|PteA)
	m.hart.FlushAll()
	if v := get(); v != 2 {
		t.Fatalf("after FlushAll: %d", v)
	}
}

func TestFlushPageInSuperpage(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(loadProg)
	const va = 0x4000_0000
	big := m.allocAligned(2 << 20)
	m.mapAt(va, big, 1, PteR|PteU|PteA)
	m.mem.Store64(big+0x10000, 1)
	small := m.alloc()
	m.mem.Store64(small, 2)
	m.ctx.X[s0] = va + 0x10000
	m.run(100)
	if m.ctx.X[a0] != 1 {
		t.Fatalf("superpage load %d", m.ctx.X[a0])
	}
	// Split the superpage: a level-0 table whose entry for va+0x10000
	// points at small. Flushing any address in the old superpage must drop
	// the cached translation.
	table := m.alloc()
	m.mem.Store64(table+0x10*8, small>>12<<10|PteR|PteU|PteA|PteV)
	m.mem.Store64(m.pteAddr(va, 1), table>>12<<10|PteV)
	m.hart.FlushPage(va)
	m.ctx.PC = codeVA
	m.run(100)
	if m.ctx.X[a0] != 2 {
		t.Fatalf("after splitting the superpage and flushing its first page: %d", m.ctx.X[a0])
	}
}

func TestSatpSwitchFlushes(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(loadProg)
	pa := m.page(dataVA, PteR|PteU)
	m.mem.Store64(pa, 1)
	m.ctx.X[s0] = dataVA
	m.run(100)
	first := m.hart.Satp()
	// A second address space sharing the code page.
	root2 := m.alloc()
	m2 := *m
	m2.root = root2
	m2.mapAt(codeVA, m.pte(m.pteAddr(codeVA, 0))>>10<<12, 0, PteR|PteX|PteU)
	pa2 := m2.page(dataVA, PteR|PteU)
	m.mem.Store64(pa2, 2)
	m.hart.SetSatp(MakeSatp(SatpSv48, 2, root2))
	m.ctx.PC = codeVA
	m.run(100)
	if m.ctx.X[a0] != 2 {
		t.Fatalf("second address space read %d", m.ctx.X[a0])
	}
	m.hart.SetSatp(first)
	m.ctx.PC = codeVA
	m.run(100)
	if m.ctx.X[a0] != 1 {
		t.Fatalf("back in the first address space read %d", m.ctx.X[a0])
	}
}

func TestShootDown(t *testing.T) {
	// A hart spins copying *s0 to *s1. The kernel remaps s0's page and
	// asks the running hart to flush; once RequestFlush returns, the hart
	// must see the new frame.
	m := newTestMachine(t, SatpSv48)
	m.code(new(prog).i(ld(a0, s0, 0), sd(a0, s1, 0), jal(0, -8)))
	pa1 := m.page(dataVA, PteR|PteU|PteA)
	out := m.page(dataVA+PageSize, PteR|PteW|PteU|PteA|PteD)
	pa2 := m.alloc()
	m.mem.Store64(pa1, 1)
	m.mem.Store64(pa2, 2)
	m.ctx.X[s0], m.ctx.X[s1] = dataVA, dataVA+PageSize
	done := make(chan Trap)
	go func() {
		for {
			tr := m.hart.Run(m.ctx, 1<<20)
			if tr.Cause != Budget {
				done <- tr
				return
			}
		}
	}()
	waitFor := func(want uint64) {
		deadline := time.Now().Add(10 * time.Second)
		for v, _ := m.mem.Load64(out); v != want; v, _ = m.mem.Load64(out) {
			if time.Now().After(deadline) {
				t.Fatalf("hart never stored %d (still %d)", want, v)
			}
			time.Sleep(time.Millisecond)
		}
	}
	waitFor(1)
	m.mapAt(dataVA, pa2, 0, PteR|PteU|PteA)
	m.hart.RequestFlush(FlushPageKind, dataVA)
	// Clear the output and check that the next value stored is 2.
	m.mem.Store64(out, 0)
	waitFor(2)
	m.hart.Interrupt()
	if tr := <-done; tr.Cause != Interrupted {
		t.Fatalf("hart stopped with %v", tr)
	}
}

func TestSelfModifyingCode(t *testing.T) {
	// The program patches the instruction after the store and runs it
	// without fence.i: the same hart must see its own store.
	m := newTestMachine(t, SatpSv48)
	m.page(codeVA, PteR|PteW|PteX|PteU)
	patched := addi(a0, a0, 100)
	p := new(prog).i(
		sw(a1, s0, 8),   // overwrite the instruction at codeVA+8
		addi(a0, a0, 1), // runs once
		addi(a0, a0, 1), // replaced by addi a0,a0,100
		ecall)
	m.write(codeVA, p.b)
	// Warm the decoded cache with a first run.
	m.ctx.X[s0], m.ctx.X[a1] = codeVA, uint64(addi(a0, a0, 1))
	if tr := m.run(100); tr.Cause != EcallU || m.ctx.X[a0] != 2 {
		t.Fatalf("first run %v a0=%d", tr, m.ctx.X[a0])
	}
	m.ctx.PC, m.ctx.X[a0], m.ctx.X[a1] = codeVA, 0, uint64(patched)
	if tr := m.run(100); tr.Cause != EcallU || m.ctx.X[a0] != 101 {
		t.Fatalf("after patching %v a0=%d, want 101", tr, m.ctx.X[a0])
	}
	// A compressed instruction replaced by another, through fence.i.
	m.write(codeVA, new(prog).c(0x0505 /* c.addi a0,1 */, 0x0509 /* c.addi a0,2 */).i(sw(a1, s0, 0), fencei, jal(0, -12)).b)
	m.ctx.PC, m.ctx.X[a0] = codeVA, 0
	m.ctx.X[a1] = uint64(0x0001) | uint64(0x0511)<<16 // c.nop, c.addi a0,4
	if tr := m.run(14); tr.Cause != Budget {
		t.Fatal(tr)
	}
	// 1+2 on the first pass, then 0+4 on later passes.
	if a := m.ctx.X[a0]; a != 3+4 && a != 3+4+4 {
		t.Fatalf("a0 = %d after patching compressed instructions", a)
	}
}

func TestHostWritesInvalidate(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(new(prog).i(addi(a0, zero, 1), ecall))
	m.run(100)
	if m.ctx.X[a0] != 1 {
		t.Fatal(m.ctx.X[a0])
	}
	m.write(codeVA, new(prog).i(addi(a0, zero, 2)).b) // write + Invalidate
	m.ctx.PC = codeVA
	m.run(100)
	if m.ctx.X[a0] != 2 {
		t.Fatalf("after the kernel rewrote code: a0=%d", m.ctx.X[a0])
	}
}
