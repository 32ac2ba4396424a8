package riscv

import "testing"

func TestEcallResumes(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	p := new(prog).i(addi(a0, zero, 7), ecall, addi(a0, a0, 1), ecall)
	m.code(p)
	tr := m.run(1000)
	if tr.Cause != EcallU || tr.PC != codeVA+4 || m.ctx.X[a0] != 7 {
		t.Fatalf("first trap %v, a0=%d", tr, m.ctx.X[a0])
	}
	m.ctx.PC += 4 // the kernel steps over the ecall
	m.ctx.X[a0] = 100
	tr = m.run(1000)
	if tr.Cause != EcallU || tr.PC != codeVA+12 || m.ctx.X[a0] != 101 {
		t.Fatalf("second trap %v, a0=%d", tr, m.ctx.X[a0])
	}
	if m.ctx.Instret != 2 {
		t.Errorf("instret = %d, want 2 (ecalls do not retire)", m.ctx.Instret)
	}
}

func TestBreakpoints(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *prog
		pc   uint64
	}{
		{"ebreak", new(prog).i(addi(a0, zero, 1), ebreak), codeVA + 4},
		{"c.ebreak", new(prog).c(cNop, cEbreak), codeVA + 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, SatpSv48)
			m.code(tc.p)
			tr := m.run(1000)
			if tr.Cause != Breakpoint || tr.PC != tc.pc || tr.Tval != tc.pc {
				t.Fatalf("got %v tval=%#x, want breakpoint at %#x", tr, tr.Tval, tc.pc)
			}
		})
	}
}

func TestIllegalInstructions(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    *prog
		tval uint64
	}{
		{"zero halfword", new(prog).c(0x0000, 0), 0},
		{"all ones", new(prog).i(0xffffffff), 0xffffffff},
		{"sret", new(prog).i(0x10200073), 0x10200073},
		{"wfi", new(prog).i(0x10500073), 0x10500073},
		{"sfence.vma", new(prog).i(0x12000073), 0x12000073},
		{"csr mstatus", new(prog).i(csrrs(a0, 0x300, 0)), uint64(csrrs(a0, 0x300, 0))},
		{"write cycle", new(prog).i(csrrw(a0, 0xc00, a1)), uint64(csrrw(a0, 0xc00, a1))},
		{"write time", new(prog).i(csrrw(0, 0xc01, a1)), uint64(csrrw(0, 0xc01, a1))},
		{"hpmcounter3", new(prog).i(csrrs(a0, 0xc03, 0)), uint64(csrrs(a0, 0xc03, 0))},
		{"c.lwsp rd=0", new(prog).c(0x4002, 0), 0x4002},
		{"c.addi4spn imm=0", new(prog).c(0x0004, 0), 0x0004},
		{"reserved rm 5", new(prog).i(encR(0x01, 2, 1, 5, 3, 0x53)), uint64(encR(0x01, 2, 1, 5, 3, 0x53))},
		{"48-bit instruction", new(prog).c(0x001f, 0, 0), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, SatpSv48)
			m.code(tc.p)
			m.ctx.X[a0] = 0x55
			tr := m.run(1000)
			if tr.Cause != IllegalInst || tr.PC != codeVA {
				t.Fatalf("got %v, want illegal instruction at %#x", tr, uint64(codeVA))
			}
			if tc.tval != 0 && tr.Tval != tc.tval {
				t.Errorf("tval = %#x, want %#x", tr.Tval, tc.tval)
			}
			if m.ctx.X[a0] != 0x55 {
				t.Errorf("a0 changed to %#x by an illegal instruction", m.ctx.X[a0])
			}
		})
	}
}

func TestDynamicRoundingModeReserved(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	fadddDyn := encR(0x01, 2, 1, 7, 3, 0x53) // fadd.d f3, f1, f2, dyn
	m.code(new(prog).i(fadddDyn, csrrw(0, 0x002, a0), fadddDyn))
	m.ctx.X[a0] = 5 // frm = 5: reserved
	tr := m.run(1000)
	if tr.Cause != IllegalInst || tr.PC != codeVA+8 {
		t.Fatalf("got %v, want illegal instruction at the second fadd.d", tr)
	}
}

func TestLoadStoreFaults(t *testing.T) {
	const roVA, noUVA, xoVA, unmappedVA = 0x300000, 0x301000, 0x302000, 0x400000
	for _, tc := range []struct {
		name  string
		inst  uint32
		addr  uint64
		cause Cause
	}{
		{"load unmapped", ld(a0, s0, 0), unmappedVA, LoadPageFault},
		{"store unmapped", sd(a1, s0, 0), unmappedVA + 8, StorePageFault},
		{"store read-only", sw(a1, s0, 0), roVA + 4, StorePageFault},
		{"load supervisor page", ld(a0, s0, 0), noUVA, LoadPageFault},
		{"load execute-only", lw(a0, s0, 0), xoVA, LoadPageFault},
		{"amo read-only", amoadd(a0, s0, a1, 3), roVA, StorePageFault},
		{"lr unmapped", lr(a0, s0, 2), unmappedVA, LoadPageFault},
		{"amo misaligned", amoadd(a0, s0, a1, 3), dataVA + 4, StoreMisaligned},
		{"lr misaligned", lr(a0, s0, 3), dataVA + 2, LoadMisaligned},
		{"sc misaligned", sc(a0, s0, a1, 2), dataVA + 1, StoreMisaligned},
		{"non-canonical", ld(a0, s0, 0), 0x0001_0000_0000_0000, LoadPageFault},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, SatpSv48)
			m.page(dataVA, PteR|PteW|PteU)
			m.page(roVA, PteR|PteU)
			m.page(noUVA, PteR|PteW)
			m.page(xoVA, PteX|PteU)
			m.code(new(prog).i(addi(a2, zero, 1), tc.inst, addi(a2, zero, 2)))
			m.ctx.X[s0] = tc.addr
			m.ctx.X[a0] = 0x1234
			tr := m.run(1000)
			if tr.Cause != tc.cause || tr.PC != codeVA+4 || tr.Tval != tc.addr {
				t.Fatalf("got %v tval=%#x, want %v at pc %#x address %#x", tr, tr.Tval, tc.cause, codeVA+4, tc.addr)
			}
			if m.ctx.X[a0] != 0x1234 || m.ctx.X[a2] != 1 {
				t.Errorf("not precise: a0=%#x a2=%d", m.ctx.X[a0], m.ctx.X[a2])
			}
			if m.ctx.Instret != 1 {
				t.Errorf("instret = %d, want 1", m.ctx.Instret)
			}
		})
	}
}

func TestMisalignedAccessAcrossPages(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.page(dataVA, PteR|PteW|PteU)
	m.page(dataVA+PageSize, PteR|PteW|PteU)
	m.page(dataVA+2*PageSize, PteR|PteU) // read-only
	m.code(new(prog).i(sd(a1, s0, 0), ld(a0, s0, 0), sd(a1, s1, 0)))
	m.ctx.X[s0] = dataVA + PageSize - 3
	m.ctx.X[s1] = dataVA + 2*PageSize - 5 // straddles into the read-only page
	m.ctx.X[a1] = 0x1122334455667788
	tr := m.run(1000)
	if tr.Cause != StorePageFault || tr.PC != codeVA+8 || tr.Tval != dataVA+2*PageSize-5 {
		t.Fatalf("got %v tval=%#x", tr, tr.Tval)
	}
	if m.ctx.X[a0] != 0x1122334455667788 {
		t.Errorf("misaligned load across pages = %#x", m.ctx.X[a0])
	}
	// The faulting store must not have written its first part.
	if got := m.read64(dataVA + 2*PageSize - 8); got != 0 {
		t.Errorf("faulting store wrote %#x before the page boundary", got)
	}
}

func TestFetchFaults(t *testing.T) {
	t.Run("not executable", func(t *testing.T) {
		m := newTestMachine(t, SatpSv48)
		m.page(dataVA, PteR|PteW|PteU)
		m.ctx.PC = dataVA + 8
		tr := m.run(10)
		if tr.Cause != InstPageFault || tr.PC != dataVA+8 || tr.Tval != dataVA+8 {
			t.Fatalf("got %v", tr)
		}
	})
	t.Run("jump to unmapped", func(t *testing.T) {
		m := newTestMachine(t, SatpSv48)
		m.code(new(prog).i(jalr(ra, s0, 0)))
		m.ctx.X[s0] = 0x7000_0000
		tr := m.run(10)
		if tr.Cause != InstPageFault || tr.PC != 0x7000_0000 || m.ctx.X[ra] != codeVA+4 {
			t.Fatalf("got %v ra=%#x", tr, m.ctx.X[ra])
		}
	})
	t.Run("instruction straddling into unmapped page", func(t *testing.T) {
		m := newTestMachine(t, SatpSv48)
		m.page(codeVA, PteR|PteX|PteU)
		p := new(prog)
		for len(p.b) < PageSize-2 {
			p.c(cNop)
		}
		p.c(uint16(addi(a0, a0, 1))) // low half of a 32-bit instruction
		m.write(codeVA, p.b)
		tr := m.run(10000)
		if tr.Cause != InstPageFault || tr.PC != codeVA+PageSize-2 || tr.Tval != codeVA+PageSize {
			t.Fatalf("got %v tval=%#x", tr, tr.Tval)
		}
		// Map the second page and the instruction runs.
		pa := m.page(codeVA+PageSize, PteR|PteX|PteU)
		m.mem.Bytes(pa, 4)[0], m.mem.Bytes(pa, 4)[1] = byte(addi(a0, a0, 1)>>16), byte(addi(a0, a0, 1)>>24)
		copy(m.mem.Bytes(pa+2, 4), []byte{byte(ecall), byte(ecall >> 8), byte(ecall >> 16), byte(ecall >> 24)})
		m.hart.FlushAll()
		tr = m.run(10000)
		if tr.Cause != EcallU || tr.PC != codeVA+PageSize+2 || m.ctx.X[a0] != 1 {
			t.Fatalf("got %v a0=%d", tr, m.ctx.X[a0])
		}
	})
}

func TestBudgetAndInterrupt(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(new(prog).i(addi(a0, a0, 1), jal(0, -4))) // for { a0++ }
	tr := m.run(100000)
	if tr.Cause != Budget || (tr.PC != codeVA && tr.PC != codeVA+4) {
		t.Fatalf("got %v", tr)
	}
	if n := m.ctx.Instret; n < 100000 || n > 100000+4096 {
		t.Errorf("ran %d instructions for a budget of 100000", n)
	}
	if m.ctx.X[a0] != (m.ctx.Instret+1)/2 {
		t.Errorf("a0 = %d after %d instructions", m.ctx.X[a0], m.ctx.Instret)
	}
	done := make(chan Trap)
	go func() { done <- m.run(1 << 62) }()
	for {
		m.hart.Interrupt()
		select {
		case tr = <-done:
			if tr.Cause != Interrupted {
				t.Fatalf("got %v, want interrupted", tr)
			}
			return
		default:
		}
	}
}

func TestCounters(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.code(new(prog).i(
		csrrs(a0, csrInstret, 0),
		addi(zero, zero, 0), addi(zero, zero, 0),
		csrrs(a1, csrInstret, 0),
		csrrs(a2, csrTime, 0),
		csrrs(a3, csrTime, 0),
		csrrs(a4, csrCycle, 0),
		ecall))
	m.ctx.Instret = 1000
	tr := m.run(100)
	if tr.Cause != EcallU {
		t.Fatal(tr)
	}
	x := m.ctx.X
	if x[a0] != 1000 || x[a1] != 1003 {
		t.Errorf("instret reads %d, %d; want 1000, 1003", x[a0], x[a1])
	}
	if x[a3] <= x[a2] {
		t.Errorf("time did not advance: %d then %d", x[a2], x[a3])
	}
	if x[a4] != 1006 {
		t.Errorf("cycle = %d, want 1006", x[a4])
	}
}

func TestWritesToX0Discarded(t *testing.T) {
	m := newTestMachine(t, SatpSv48)
	m.page(dataVA, PteR|PteW|PteU)
	m.code(new(prog).i(addi(zero, zero, 5), ld(zero, s0, 0), jal(zero, 4), add(a0, zero, zero), lui(zero, 0x12345000), csrrs(zero, csrInstret, 0), add(a1, zero, zero), ecall))
	m.ctx.X[a0], m.ctx.X[a1], m.ctx.X[s0] = 9, 9, dataVA
	if tr := m.run(100); tr.Cause != EcallU {
		t.Fatal(tr)
	}
	if m.ctx.X[a0] != 0 || m.ctx.X[a1] != 0 || m.ctx.X[0] != 0 {
		t.Errorf("x0 not zero: a0=%d a1=%d x0=%d", m.ctx.X[a0], m.ctx.X[a1], m.ctx.X[0])
	}
}

// TestCountZerosWord checks clzw/ctzw on words whose low half is zero
// against the specification (the result is 32), a case the differential
// test cannot use because qemu-riscv64 7.2 gets ctzw of 1<<63 wrong.
func TestCountZerosWord(t *testing.T) {
	clzw := func(rd, rs uint32) uint32 { return encI(0x600, rs, 1, rd, 0x1b) }
	ctzw := func(rd, rs uint32) uint32 { return encI(0x601, rs, 1, rd, 0x1b) }
	for _, v := range []uint64{0, 1 << 63, 1 << 48, 1 << 32, 0xffffffff00000000} {
		m := newTestMachine(t, SatpSv48)
		m.code(new(prog).i(clzw(a0, a2), ctzw(a1, a2), ecall))
		m.ctx.X[a2] = v
		if tr := m.run(10); tr.Cause != EcallU {
			t.Fatal(tr)
		}
		if m.ctx.X[a0] != 32 || m.ctx.X[a1] != 32 {
			t.Errorf("clzw/ctzw(%#x) = %d, %d; want 32, 32", v, m.ctx.X[a0], m.ctx.X[a1])
		}
	}
}
