// Package x86 is a small x86-64 machine-code encoder for the RISC-V to
// x86-64 JIT.
//
// Every method appends exactly one instruction to Asm.Buf. Methods operate on
// 64-bit operands (REX.W) unless their name ends in 32, in which case they use
// the 32-bit operand size, which zero-extends the destination register as the
// hardware does.
//
// Where several encodings of an instruction exist, the encoder picks the one
// GNU as picks for the same Intel-syntax instruction (the tests compare the
// bytes against GNU as), except where a method documents otherwise.
//
// Invalid operands (a memory operand with an RSP index or a scale other than
// 0, 1, 2, 4 or 8, a shift count of 64 or more) make the methods panic: they
// are bugs in the caller.
package x86

import (
	"encoding/binary"
	"fmt"
)

// Reg is a general-purpose register, numbered as in the hardware encoding.
type Reg uint8

// The sixteen general-purpose registers.
const (
	RAX Reg = iota
	RCX
	RDX
	RBX
	RSP
	RBP
	RSI
	RDI
	R8
	R9
	R10
	R11
	R12
	R13
	R14
	R15
)

var regNames = [16]string{
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
}

// String returns the lower-case name of the 64-bit register.
func (r Reg) String() string {
	if int(r) < len(regNames) {
		return regNames[r]
	}
	return fmt.Sprintf("Reg(%d)", uint8(r))
}

// Mem is a memory operand [Base + Index*Scale + Disp]. Scale 0 means no
// index. Base may be any register. Index must not be RSP.
type Mem struct {
	Base, Index Reg
	Scale       uint8
	Disp        int32
}

// Cond is a condition code, the low nibble of Jcc/SETcc/CMOVcc.
type Cond uint8

// The condition codes.
const (
	O  Cond = iota // overflow
	NO             // not overflow
	B              // below (unsigned <), carry
	AE             // above or equal (unsigned >=), no carry
	E              // equal, zero
	NE             // not equal, not zero
	BE             // below or equal (unsigned <=)
	A              // above (unsigned >)
	S              // sign
	NS             // not sign
	P              // parity even
	NP             // parity odd
	L              // less (signed <)
	GE             // greater or equal (signed >=)
	LE             // less or equal (signed <=)
	G              // greater (signed >)
)

// Op is one of the eight classic ALU operations, in their /digit order.
type Op uint8

// The ALU operations.
const (
	ADD Op = iota
	OR
	ADC
	SBB
	AND
	SUB
	XOR
	CMP
)

// Shift is a shift or rotate operation, numbered by its /digit.
type Shift uint8

// The shift and rotate operations.
const (
	ROL Shift = 0
	ROR Shift = 1
	SHL Shift = 4
	SHR Shift = 5
	SAR Shift = 7
)

// Asm accumulates machine code.
type Asm struct {
	Buf []byte
}

// Len returns the number of bytes emitted so far.
func (a *Asm) Len() int { return len(a.Buf) }

// Byte appends raw bytes.
func (a *Asm) Byte(b ...byte) { a.Buf = append(a.Buf, b...) }

// ---------------------------------------------------------------------------
// Encoding helpers.

const opSize16 = 0x66 // operand-size override prefix

// isByteRex reports whether r, used as an 8-bit register, needs a REX
// prefix: without one, encodings 4-7 mean ah, ch, dh, bh.
func isByteRex(r Reg) bool { return r >= RSP && r <= RDI }

func fitsInt8(v int32) bool { return v >= -128 && v <= 127 }

func (a *Asm) imm8(v int8) { a.Buf = append(a.Buf, byte(v)) }

func (a *Asm) imm32(v int32) { a.Buf = binary.LittleEndian.AppendUint32(a.Buf, uint32(v)) }

// prefixes emits the optional legacy prefix (0 for none) and the REX prefix
// if one is needed. reg, index and base are the full register numbers
// destined for ModRM.reg, SIB.index and ModRM.rm/SIB.base (or the opcode);
// force requests a REX prefix even when it would be 0x40.
func (a *Asm) prefixes(pfx byte, w bool, reg, index, base Reg, force bool) {
	if pfx != 0 {
		a.Buf = append(a.Buf, pfx)
	}
	rex := byte(0x40)
	if w {
		rex |= 8
	}
	if reg >= R8 {
		rex |= 4
	}
	if index >= R8 {
		rex |= 2
	}
	if base >= R8 {
		rex |= 1
	}
	if rex != 0x40 || force {
		a.Buf = append(a.Buf, rex)
	}
}

// rr emits an instruction with a register-direct ModRM (mod=11).
// reg is a register or a /digit.
func (a *Asm) rr(pfx byte, w, force bool, reg, rm Reg, op ...byte) {
	a.prefixes(pfx, w, reg, 0, rm, force)
	a.Buf = append(a.Buf, op...)
	a.Buf = append(a.Buf, 0xC0|byte(reg&7)<<3|byte(rm&7))
}

// rm emits an instruction with a memory ModRM operand.
// reg is a register or a /digit.
func (a *Asm) rm(pfx byte, w, force bool, reg Reg, m Mem, op ...byte) {
	var ss byte
	switch m.Scale {
	case 0:
	case 1:
		ss = 0
	case 2:
		ss = 1
	case 4:
		ss = 2
	case 8:
		ss = 3
	default:
		panic(fmt.Sprintf("x86: invalid scale %d", m.Scale))
	}
	index := Reg(0)
	if m.Scale != 0 {
		if m.Index == RSP {
			panic("x86: RSP cannot be an index register")
		}
		index = m.Index
	}
	if m.Base > R15 || index > R15 || reg > R15 {
		panic("x86: invalid register")
	}
	a.prefixes(pfx, w, reg, index, m.Base, force)
	a.Buf = append(a.Buf, op...)

	base := byte(m.Base & 7)
	var mod byte
	switch {
	case m.Disp == 0 && base != 5: // RBP/R13 as base have no mod=00 form
		mod = 0
	case fitsInt8(m.Disp):
		mod = 1
	default:
		mod = 2
	}
	r := byte(reg&7) << 3
	if m.Scale == 0 && base != 4 {
		a.Buf = append(a.Buf, mod<<6|r|base)
	} else {
		// SIB byte: needed for an index, and for RSP/R12 as base.
		idx := byte(4) // no index
		if m.Scale != 0 {
			idx = byte(index & 7)
		}
		a.Buf = append(a.Buf, mod<<6|r|4, ss<<6|idx<<3|base)
	}
	switch mod {
	case 1:
		a.imm8(int8(m.Disp))
	case 2:
		a.imm32(m.Disp)
	}
}

// ---------------------------------------------------------------------------
// Moves.

// Mov emits mov dst, src.
func (a *Asm) Mov(dst, src Reg) { a.rr(0, true, false, src, dst, 0x89) }

// Mov32 emits mov dst32, src32, zero-extending into dst.
func (a *Asm) Mov32(dst, src Reg) { a.rr(0, false, false, src, dst, 0x89) }

// MovImm loads a 64-bit constant into dst with the shortest form that does
// not change the flags: mov dst32, imm32 when 0 <= imm < 2^32, mov dst,
// sign-extended imm32 when imm fits in an int32, movabs dst, imm64 otherwise.
func (a *Asm) MovImm(dst Reg, imm int64) {
	switch {
	case imm >= 0 && imm <= 0xFFFFFFFF:
		a.prefixes(0, false, 0, 0, dst, false)
		a.Buf = append(a.Buf, 0xB8+byte(dst&7))
		a.imm32(int32(uint32(imm)))
	case imm >= -1<<31 && imm < 1<<31:
		a.rr(0, true, false, 0, dst, 0xC7)
		a.imm32(int32(imm))
	default:
		a.prefixes(0, true, 0, 0, dst, false)
		a.Buf = append(a.Buf, 0xB8+byte(dst&7))
		a.Buf = binary.LittleEndian.AppendUint64(a.Buf, uint64(imm))
	}
}

// Load emits mov dst, qword [m].
func (a *Asm) Load(dst Reg, m Mem) { a.rm(0, true, false, dst, m, 0x8B) }

// Store emits mov qword [m], src.
func (a *Asm) Store(m Mem, src Reg) { a.rm(0, true, false, src, m, 0x89) }

// StoreImm emits mov qword [m], imm (sign-extended from 32 bits).
func (a *Asm) StoreImm(m Mem, imm int32) {
	a.rm(0, true, false, 0, m, 0xC7)
	a.imm32(imm)
}

// Load8S emits movsx dst, byte [m].
func (a *Asm) Load8S(dst Reg, m Mem) { a.rm(0, true, false, dst, m, 0x0F, 0xBE) }

// Load8U emits movzx dst32, byte [m].
func (a *Asm) Load8U(dst Reg, m Mem) { a.rm(0, false, false, dst, m, 0x0F, 0xB6) }

// Load16S emits movsx dst, word [m].
func (a *Asm) Load16S(dst Reg, m Mem) { a.rm(0, true, false, dst, m, 0x0F, 0xBF) }

// Load16U emits movzx dst32, word [m].
func (a *Asm) Load16U(dst Reg, m Mem) { a.rm(0, false, false, dst, m, 0x0F, 0xB7) }

// Load32S emits movsxd dst, dword [m].
func (a *Asm) Load32S(dst Reg, m Mem) { a.rm(0, true, false, dst, m, 0x63) }

// Load32U emits mov dst32, dword [m], zero-extending into dst.
func (a *Asm) Load32U(dst Reg, m Mem) { a.rm(0, false, false, dst, m, 0x8B) }

// Store8 emits mov byte [m], src8. A REX prefix makes RSP..RDI mean
// spl, bpl, sil, dil.
func (a *Asm) Store8(m Mem, src Reg) { a.rm(0, false, isByteRex(src), src, m, 0x88) }

// Store16 emits mov word [m], src16.
func (a *Asm) Store16(m Mem, src Reg) { a.rm(opSize16, false, false, src, m, 0x89) }

// Store32 emits mov dword [m], src32.
func (a *Asm) Store32(m Mem, src Reg) { a.rm(0, false, false, src, m, 0x89) }

// Store32Imm emits mov dword [m], imm.
func (a *Asm) Store32Imm(m Mem, imm int32) {
	a.rm(0, false, false, 0, m, 0xC7)
	a.imm32(imm)
}

// Lea emits lea dst, [m].
func (a *Asm) Lea(dst Reg, m Mem) { a.rm(0, true, false, dst, m, 0x8D) }

// Movsxd emits movsxd dst, src32.
func (a *Asm) Movsxd(dst, src Reg) { a.rr(0, true, false, dst, src, 0x63) }

// Movsx8 emits movsx dst, src8.
func (a *Asm) Movsx8(dst, src Reg) { a.rr(0, true, isByteRex(src), dst, src, 0x0F, 0xBE) }

// Movsx16 emits movsx dst, src16.
func (a *Asm) Movsx16(dst, src Reg) { a.rr(0, true, false, dst, src, 0x0F, 0xBF) }

// Movzx8 emits movzx dst32, src8, zero-extending into dst.
func (a *Asm) Movzx8(dst, src Reg) { a.rr(0, false, isByteRex(src), dst, src, 0x0F, 0xB6) }

// Movzx16 emits movzx dst32, src16, zero-extending into dst.
func (a *Asm) Movzx16(dst, src Reg) { a.rr(0, false, false, dst, src, 0x0F, 0xB7) }

// Setcc emits setcc dst8.
func (a *Asm) Setcc(c Cond, dst Reg) { a.rr(0, false, isByteRex(dst), 0, dst, 0x0F, 0x90|byte(c&15)) }

// Cmov emits cmovcc dst, src.
func (a *Asm) Cmov(c Cond, dst, src Reg) { a.rr(0, true, false, dst, src, 0x0F, 0x40|byte(c&15)) }

// Bswap emits bswap dst (64-bit).
func (a *Asm) Bswap(dst Reg) {
	a.prefixes(0, true, 0, 0, dst, false)
	a.Buf = append(a.Buf, 0x0F, 0xC8+byte(dst&7))
}

// ---------------------------------------------------------------------------
// Arithmetic.

// ALU emits op dst, src.
func (a *Asm) ALU(op Op, dst, src Reg) { a.rr(0, true, false, src, dst, byte(op&7)<<3|0x01) }

// ALU32 emits op dst32, src32.
func (a *Asm) ALU32(op Op, dst, src Reg) { a.rr(0, false, false, src, dst, byte(op&7)<<3|0x01) }

// ALULoad emits op dst, qword [m].
func (a *Asm) ALULoad(op Op, dst Reg, m Mem) { a.rm(0, true, false, dst, m, byte(op&7)<<3|0x03) }

// ALULoad32 emits op dst32, dword [m].
func (a *Asm) ALULoad32(op Op, dst Reg, m Mem) { a.rm(0, false, false, dst, m, byte(op&7)<<3|0x03) }

func (a *Asm) aluImm(w bool, op Op, dst Reg, imm int32) {
	switch {
	case fitsInt8(imm):
		a.rr(0, w, false, Reg(op&7), dst, 0x83)
		a.imm8(int8(imm))
	case dst == RAX:
		// GNU as uses the short accumulator form (05, 0D, ...) here.
		a.prefixes(0, w, 0, 0, 0, false)
		a.Buf = append(a.Buf, byte(op&7)<<3|0x05)
		a.imm32(imm)
	default:
		a.rr(0, w, false, Reg(op&7), dst, 0x81)
		a.imm32(imm)
	}
}

// ALUImm emits op dst, imm (imm sign-extended to 64 bits). It uses the
// imm8 form (83 /op ib) when imm fits in an int8, else the accumulator form
// (05-style) for RAX or 81 /op id for other registers, as GNU as does.
func (a *Asm) ALUImm(op Op, dst Reg, imm int32) { a.aluImm(true, op, dst, imm) }

// ALUImm32 emits op dst32, imm, with the same form selection as ALUImm.
func (a *Asm) ALUImm32(op Op, dst Reg, imm int32) { a.aluImm(false, op, dst, imm) }

func (a *Asm) aluMemImm(w bool, op Op, m Mem, imm int32) {
	if fitsInt8(imm) {
		a.rm(0, w, false, Reg(op&7), m, 0x83)
		a.imm8(int8(imm))
	} else {
		a.rm(0, w, false, Reg(op&7), m, 0x81)
		a.imm32(imm)
	}
}

// ALUMemImm emits op qword [m], imm (imm sign-extended to 64 bits).
func (a *Asm) ALUMemImm(op Op, m Mem, imm int32) { a.aluMemImm(true, op, m, imm) }

// ALUMemImm32 emits op dword [m], imm.
func (a *Asm) ALUMemImm32(op Op, m Mem, imm int32) { a.aluMemImm(false, op, m, imm) }

// ShiftCL emits s dst, cl.
func (a *Asm) ShiftCL(s Shift, dst Reg) { a.rr(0, true, false, Reg(s&7), dst, 0xD3) }

// ShiftCL32 emits s dst32, cl.
func (a *Asm) ShiftCL32(s Shift, dst Reg) { a.rr(0, false, false, Reg(s&7), dst, 0xD3) }

func (a *Asm) shiftImm(w bool, s Shift, dst Reg, n uint8) {
	if n == 1 {
		a.rr(0, w, false, Reg(s&7), dst, 0xD1) // GNU as uses the shift-by-one form
		return
	}
	a.rr(0, w, false, Reg(s&7), dst, 0xC1)
	a.Buf = append(a.Buf, n)
}

// ShiftImm emits s dst, n. n must be below 64.
func (a *Asm) ShiftImm(s Shift, dst Reg, n uint8) {
	if n >= 64 {
		panic(fmt.Sprintf("x86: 64-bit shift count %d out of range", n))
	}
	a.shiftImm(true, s, dst, n)
}

// ShiftImm32 emits s dst32, n. n must be below 32.
func (a *Asm) ShiftImm32(s Shift, dst Reg, n uint8) {
	if n >= 32 {
		panic(fmt.Sprintf("x86: 32-bit shift count %d out of range", n))
	}
	a.shiftImm(false, s, dst, n)
}

// Imul emits imul dst, src (truncating two-operand multiply).
func (a *Asm) Imul(dst, src Reg) { a.rr(0, true, false, dst, src, 0x0F, 0xAF) }

// Imul32 emits imul dst32, src32.
func (a *Asm) Imul32(dst, src Reg) { a.rr(0, false, false, dst, src, 0x0F, 0xAF) }

// MulRDX emits mul src: rdx:rax = rax * src, unsigned.
func (a *Asm) MulRDX(src Reg) { a.rr(0, true, false, 4, src, 0xF7) }

// ImulRDX emits imul src: rdx:rax = rax * src, signed.
func (a *Asm) ImulRDX(src Reg) { a.rr(0, true, false, 5, src, 0xF7) }

// Div emits div src: unsigned rdx:rax / src, quotient in rax, remainder in rdx.
func (a *Asm) Div(src Reg) { a.rr(0, true, false, 6, src, 0xF7) }

// Idiv emits idiv src: signed rdx:rax / src, quotient in rax, remainder in rdx.
func (a *Asm) Idiv(src Reg) { a.rr(0, true, false, 7, src, 0xF7) }

// Div32 emits div src32: unsigned edx:eax / src32.
func (a *Asm) Div32(src Reg) { a.rr(0, false, false, 6, src, 0xF7) }

// Idiv32 emits idiv src32: signed edx:eax / src32.
func (a *Asm) Idiv32(src Reg) { a.rr(0, false, false, 7, src, 0xF7) }

// Cqo emits cqo, sign-extending rax into rdx.
func (a *Asm) Cqo() { a.Buf = append(a.Buf, 0x48, 0x99) }

// Cdq emits cdq, sign-extending eax into edx.
func (a *Asm) Cdq() { a.Buf = append(a.Buf, 0x99) }

// Neg emits neg dst.
func (a *Asm) Neg(dst Reg) { a.rr(0, true, false, 3, dst, 0xF7) }

// Not emits not dst.
func (a *Asm) Not(dst Reg) { a.rr(0, true, false, 2, dst, 0xF7) }

// Test emits test x, y (64-bit).
func (a *Asm) Test(x, y Reg) { a.rr(0, true, false, y, x, 0x85) }

// ---------------------------------------------------------------------------
// Control flow.

// Jcc emits jcc rel32 with a zero displacement and returns the offset in
// Buf of the rel32 field, for Patch.
func (a *Asm) Jcc(c Cond) int {
	a.Buf = append(a.Buf, 0x0F, 0x80|byte(c&15), 0, 0, 0, 0)
	return len(a.Buf) - 4
}

// Jmp emits jmp rel32 with a zero displacement and returns the offset in
// Buf of the rel32 field, for Patch.
func (a *Asm) Jmp() int {
	a.Buf = append(a.Buf, 0xE9, 0, 0, 0, 0)
	return len(a.Buf) - 4
}

// Patch sets the rel32 field at offset at (as returned by Jcc or Jmp) so
// that the jump lands on Buf offset target. The displacement is relative to
// the end of the field, at+4.
func (a *Asm) Patch(at, target int) {
	rel := int64(target) - int64(at+4)
	if rel != int64(int32(rel)) {
		panic("x86: jump displacement out of range")
	}
	binary.LittleEndian.PutUint32(a.Buf[at:at+4], uint32(int32(rel)))
}

// JmpReg emits jmp r (indirect, absolute target in r).
func (a *Asm) JmpReg(r Reg) { a.rr(0, false, false, 4, r, 0xFF) }

// Ret emits ret.
func (a *Asm) Ret() { a.Buf = append(a.Buf, 0xC3) }
