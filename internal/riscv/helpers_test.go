package riscv

import (
	"encoding/binary"
	"testing"
)

// A tiny machine for unit tests: memory, a hand-built page table and one
// hart. Page tables are written entry by entry so tests control every bit.

const (
	testRAMBase = 0x8000_0000
	testRAMSize = 32 << 20
	// Test virtual addresses.
	codeVA = 0x10000
	dataVA = 0x200000
)

type fixedClock uint64

func (c *fixedClock) Ticks() uint64 { *c += 10; return uint64(*c) }

type testMachine struct {
	t      *testing.T
	mem    *Memory
	mode   int
	levels int
	root   uint64
	next   uint64 // next free frame
	hart   *Hart
	ctx    *Context
}

func newTestMachine(t *testing.T, mode int) *testMachine {
	t.Helper()
	mem, err := NewMemory(testRAMBase, testRAMSize)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mem.Close)
	m := &testMachine{t: t, mem: mem, mode: mode, next: testRAMBase}
	m.levels = map[int]int{SatpSv39: 3, SatpSv48: 4}[mode]
	m.root = m.alloc()
	var clk fixedClock
	m.hart = NewHart(0, mem, &clk)
	m.hart.SetSatp(MakeSatp(mode, 1, m.root))
	m.ctx = &Context{PC: codeVA}
	return m
}

// alloc returns a zeroed frame.
func (m *testMachine) alloc() uint64 {
	pa := m.next
	m.next += PageSize
	if m.next > testRAMBase+testRAMSize {
		m.t.Fatal("test machine out of frames")
	}
	return pa
}

// allocN returns n contiguous frames aligned to align bytes.
func (m *testMachine) allocAligned(size uint64) uint64 {
	m.next = (m.next + size - 1) &^ (size - 1)
	pa := m.next
	m.next += size
	if m.next > testRAMBase+testRAMSize {
		m.t.Fatal("test machine out of frames")
	}
	return pa
}

// pteAddr returns the address of the entry for va at level, creating
// intermediate tables.
func (m *testMachine) pteAddr(va uint64, level int) uint64 {
	a := m.root
	for l := m.levels - 1; l > level; l-- {
		e := a + (va>>(12+9*uint(l))&0x1ff)*8
		pte, _ := m.mem.Load64(e)
		if pte&PteV == 0 {
			pte = m.alloc()>>12<<10 | PteV
			m.mem.Store64(e, pte)
		}
		a = pte >> 10 << 12
	}
	return a + (va>>(12+9*uint(level))&0x1ff)*8
}

// mapAt maps va to pa with a leaf at level and the given flags (V is
// added). It returns the PTE's physical address.
func (m *testMachine) mapAt(va, pa uint64, level int, flags uint64) uint64 {
	e := m.pteAddr(va, level)
	m.mem.Store64(e, pa>>12<<10|flags|PteV)
	return e
}

// page maps a fresh frame at va and returns its physical address.
func (m *testMachine) page(va, flags uint64) uint64 {
	pa := m.alloc()
	m.mapAt(va, pa, 0, flags)
	return pa
}

func (m *testMachine) pte(addr uint64) uint64 {
	v, _ := m.mem.Load64(addr)
	return v
}

// load writes code at va (which must be mapped) through physical memory.
func (m *testMachine) write(va uint64, b []byte) {
	for len(b) > 0 {
		t, _, ok := Translate(m.mem, m.hart.Satp(), va, Read)
		if !ok {
			// Fall back to an exec-only or unreadable page: walk as exec.
			t, _, ok = Translate(m.mem, m.hart.Satp(), va, Exec)
		}
		if !ok {
			m.t.Fatalf("write to unmapped %#x", va)
		}
		n := min(uint64(len(b)), PageSize-va%PageSize)
		copy(m.mem.Bytes(t.PA, n), b[:n])
		m.mem.Invalidate(t.PA, n)
		b, va = b[n:], va+n
	}
}

func (m *testMachine) read64(va uint64) uint64 {
	t, _, ok := Translate(m.mem, m.hart.Satp(), va, Read)
	if !ok {
		m.t.Fatalf("read of unmapped %#x", va)
	}
	return binary.LittleEndian.Uint64(m.mem.Bytes(t.PA, 8))
}

// code maps a code page at codeVA (readable and executable) holding prog.
func (m *testMachine) code(p *prog) {
	for off := uint64(0); off < uint64(len(p.b)); off += PageSize {
		m.page(codeVA+off, PteR|PteX|PteU)
	}
	m.write(codeVA, p.b)
}

func (m *testMachine) run(budget uint64) Trap {
	return m.hart.Run(m.ctx, budget)
}

// prog assembles machine code.
type prog struct{ b []byte }

func (p *prog) i(ws ...uint32) *prog {
	for _, w := range ws {
		p.b = binary.LittleEndian.AppendUint32(p.b, w)
	}
	return p
}

func (p *prog) c(hs ...uint16) *prog {
	for _, h := range hs {
		p.b = binary.LittleEndian.AppendUint16(p.b, h)
	}
	return p
}

func (p *prog) pc() uint64 { return codeVA + uint64(len(p.b)) }

// Encoders for the instructions tests use.
func encR(f7, rs2, rs1, f3, rd, op uint32) uint32 {
	return f7<<25 | rs2<<20 | rs1<<15 | f3<<12 | rd<<7 | op
}
func encI(imm int32, rs1, f3, rd, op uint32) uint32 {
	return uint32(imm)<<20 | rs1<<15 | f3<<12 | rd<<7 | op
}
func encS(imm int32, rs2, rs1, f3, op uint32) uint32 {
	u := uint32(imm)
	return (u>>5&0x7f)<<25 | rs2<<20 | rs1<<15 | f3<<12 | (u&0x1f)<<7 | op
}
func encB(imm int32, rs2, rs1, f3 uint32) uint32 {
	u := uint32(imm)
	return (u>>12&1)<<31 | (u>>5&0x3f)<<25 | rs2<<20 | rs1<<15 | f3<<12 | (u>>1&0xf)<<8 | (u>>11&1)<<7 | 0x63
}
func encJ(imm int32, rd uint32) uint32 {
	u := uint32(imm)
	return (u>>20&1)<<31 | (u>>1&0x3ff)<<21 | (u>>11&1)<<20 | (u>>12&0xff)<<12 | rd<<7 | 0x6f
}

func addi(rd, rs1 uint32, imm int32) uint32 { return encI(imm, rs1, 0, rd, 0x13) }
func add(rd, rs1, rs2 uint32) uint32        { return encR(0, rs2, rs1, 0, rd, 0x33) }
func ld(rd, rs1 uint32, imm int32) uint32   { return encI(imm, rs1, 3, rd, 0x03) }
func lw(rd, rs1 uint32, imm int32) uint32   { return encI(imm, rs1, 2, rd, 0x03) }
func sd(rs2, rs1 uint32, imm int32) uint32  { return encS(imm, rs2, rs1, 3, 0x23) }
func sw(rs2, rs1 uint32, imm int32) uint32  { return encS(imm, rs2, rs1, 2, 0x23) }
func lui(rd uint32, imm int32) uint32       { return uint32(imm)&0xfffff000 | rd<<7 | 0x37 }
func jal(rd uint32, off int32) uint32       { return encJ(off, rd) }
func jalr(rd, rs1 uint32, imm int32) uint32 { return encI(imm, rs1, 0, rd, 0x67) }
func beq(rs1, rs2 uint32, off int32) uint32 { return encB(off, rs2, rs1, 0) }
func bne(rs1, rs2 uint32, off int32) uint32 { return encB(off, rs2, rs1, 1) }
func blt(rs1, rs2 uint32, off int32) uint32 { return encB(off, rs2, rs1, 4) }
func csrrs(rd, csr, rs1 uint32) uint32      { return encI(int32(csr), rs1, 2, rd, 0x73) }
func csrrw(rd, csr, rs1 uint32) uint32      { return encI(int32(csr), rs1, 1, rd, 0x73) }
func amoadd(rd, rs1, rs2, f3 uint32) uint32 { return encR(0x00<<2, rs2, rs1, f3, rd, 0x2f) }
func amoswap(rd, rs1, rs2 uint32) uint32    { return encR(0x01<<2, rs2, rs1, 3, rd, 0x2f) }
func lr(rd, rs1, f3 uint32) uint32          { return encR(0x02<<2, 0, rs1, f3, rd, 0x2f) }
func sc(rd, rs1, rs2, f3 uint32) uint32     { return encR(0x03<<2, rs2, rs1, f3, rd, 0x2f) }

const (
	ecall   = 0x00000073
	ebreak  = 0x00100073
	fencei  = 0x0000100f
	cEbreak = 0x9002
	cNop    = 0x0001
)

// li loads a 32-bit signed constant with lui+addi.
func li(rd uint32, v int32) []uint32 {
	lo := v << 20 >> 20
	hi := v - lo
	return []uint32{lui(rd, hi), addi(rd, rd, lo)}
}

// Register numbers.
const (
	zero, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5 = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	s2, s3                                                           = 18, 19
)
