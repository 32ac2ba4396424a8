package riscv

import sf "sos/internal/riscv/softfloat"

// The F and D extensions. Arithmetic is done by package softfloat, which
// implements every rounding mode and the exact exception flags; this file
// handles registers, NaN-boxing and rounding-mode selection.

// unbox returns the single-precision value in a floating-point register: a
// value that is not properly NaN-boxed reads as the canonical NaN.
func unbox(v uint64) uint32 {
	if v>>32 != 0xffffffff {
		return sf.CanonicalNaN32
	}
	return uint32(v)
}

func box(v uint32) uint64 { return boxed | uint64(v) }

// roundingMode resolves an instruction's rounding-mode field (7: dynamic,
// from frm), reporting false if the result is reserved.
func (h *Hart) roundingMode(in *inst) (sf.RoundingMode, bool) {
	rm := uint32(in.imm)
	if rm == 7 {
		rm = h.frm
	}
	return sf.RoundingMode(rm), rm <= 4
}

// execFP executes a floating-point operation other than a load or store.
// It reports false if the instruction is illegal (a reserved dynamic
// rounding mode). Each case does its own operand reads, so that the common
// operations cost one switch and one call into softfloat.
func (h *Hart) execFP(in *inst) bool {
	f, x := h.f, &h.x
	rd := in.rd & 31
	var fl sf.Flags

	// Operations with a rounding-mode field: resolve it first.
	if in.imm != noRM {
		rm, ok := h.roundingMode(in)
		if !ok {
			return false
		}
		fl = h.execRounding(in, rm)
		h.fflags |= uint32(fl)
		return true
	}

	switch in.op {
	case opFSGNJS:
		f[rd] = box(unbox(f[in.rs1&31])&^(1<<31) | unbox(f[in.rs2&31])&(1<<31))
	case opFSGNJNS:
		f[rd] = box(unbox(f[in.rs1&31])&^(1<<31) | ^unbox(f[in.rs2&31])&(1<<31))
	case opFSGNJXS:
		f[rd] = box(unbox(f[in.rs1&31]) ^ unbox(f[in.rs2&31])&(1<<31))
	case opFSGNJD:
		f[rd] = f[in.rs1&31]&^(1<<63) | f[in.rs2&31]&(1<<63)
	case opFSGNJND:
		f[rd] = f[in.rs1&31]&^(1<<63) | ^f[in.rs2&31]&(1<<63)
	case opFSGNJXD:
		f[rd] = f[in.rs1&31] ^ f[in.rs2&31]&(1<<63)
	case opFMINS, opFMAXS:
		var r uint32
		if in.op == opFMINS {
			r, fl = sf.F32Min(unbox(f[in.rs1&31]), unbox(f[in.rs2&31]))
		} else {
			r, fl = sf.F32Max(unbox(f[in.rs1&31]), unbox(f[in.rs2&31]))
		}
		f[rd] = box(r)
	case opFMIND:
		f[rd], fl = sf.F64Min(f[in.rs1&31], f[in.rs2&31])
	case opFMAXD:
		f[rd], fl = sf.F64Max(f[in.rs1&31], f[in.rs2&31])
	case opFEQS, opFLTS, opFLES:
		a, b := unbox(f[in.rs1&31]), unbox(f[in.rs2&31])
		var r bool
		switch in.op {
		case opFEQS:
			r, fl = sf.F32Eq(a, b)
		case opFLTS:
			r, fl = sf.F32Lt(a, b)
		default:
			r, fl = sf.F32Le(a, b)
		}
		x[in.rd&63] = b2u(r)
	case opFEQD, opFLTD, opFLED:
		a, b := f[in.rs1&31], f[in.rs2&31]
		var r bool
		switch in.op {
		case opFEQD:
			r, fl = sf.F64Eq(a, b)
		case opFLTD:
			r, fl = sf.F64Lt(a, b)
		default:
			r, fl = sf.F64Le(a, b)
		}
		x[in.rd&63] = b2u(r)
	case opFCLASSS:
		x[in.rd&63] = sf.F32Class(unbox(f[in.rs1&31]))
	case opFCLASSD:
		x[in.rd&63] = sf.F64Class(f[in.rs1&31])
	case opFMVXW:
		x[in.rd&63] = sext32(uint32(f[in.rs1&31]))
	case opFMVWX:
		f[rd] = box(uint32(x[in.rs1&63]))
	case opFMVXD:
		x[in.rd&63] = f[in.rs1&31]
	case opFMVDX:
		f[rd] = x[in.rs1&63]
	}
	h.fflags |= uint32(fl)
	return true
}

// execRounding executes the floating-point operations that round.
func (h *Hart) execRounding(in *inst, rm sf.RoundingMode) sf.Flags {
	f, x := h.f, &h.x
	rd := in.rd & 31
	var fl sf.Flags
	var r32 uint32

	switch in.op {
	case opFADDD:
		f[rd], fl = sf.F64Add(f[in.rs1&31], f[in.rs2&31], rm)
	case opFSUBD:
		f[rd], fl = sf.F64Sub(f[in.rs1&31], f[in.rs2&31], rm)
	case opFMULD:
		f[rd], fl = sf.F64Mul(f[in.rs1&31], f[in.rs2&31], rm)
	case opFDIVD:
		f[rd], fl = sf.F64Div(f[in.rs1&31], f[in.rs2&31], rm)
	case opFSQRTD:
		f[rd], fl = sf.F64Sqrt(f[in.rs1&31], rm)
	// The fused forms negate operands so that one exactly rounded a*b+c
	// computes each: fmsub a*b-c, fnmsub -(a*b)+c, fnmadd -(a*b)-c.
	case opFMADDD:
		f[rd], fl = sf.F64MulAdd(f[in.rs1&31], f[in.rs2&31], f[in.rs3&31], rm)
	case opFMSUBD:
		f[rd], fl = sf.F64MulAdd(f[in.rs1&31], f[in.rs2&31], f[in.rs3&31]^1<<63, rm)
	case opFNMSUBD:
		f[rd], fl = sf.F64MulAdd(f[in.rs1&31]^1<<63, f[in.rs2&31], f[in.rs3&31], rm)
	case opFNMADDD:
		f[rd], fl = sf.F64MulAdd(f[in.rs1&31]^1<<63, f[in.rs2&31], f[in.rs3&31]^1<<63, rm)
	case opFCVTDW:
		f[rd] = sf.I32ToF64(int32(x[in.rs1&63]))
	case opFCVTDWU:
		f[rd] = sf.U32ToF64(uint32(x[in.rs1&63]))
	case opFCVTDL:
		f[rd], fl = sf.I64ToF64(int64(x[in.rs1&63]), rm)
	case opFCVTDLU:
		f[rd], fl = sf.U64ToF64(x[in.rs1&63], rm)
	case opFCVTDS:
		f[rd], fl = sf.F32ToF64(unbox(f[in.rs1&31]))

	// Conversions to integers write x registers; 32-bit results are
	// sign-extended, unsigned ones included.
	case opFCVTWD:
		var v int32
		v, fl = sf.F64ToI32(f[in.rs1&31], rm)
		x[in.rd&63] = uint64(int64(v))
	case opFCVTWUD:
		var v uint32
		v, fl = sf.F64ToU32(f[in.rs1&31], rm)
		x[in.rd&63] = sext32(v)
	case opFCVTLD:
		var v int64
		v, fl = sf.F64ToI64(f[in.rs1&31], rm)
		x[in.rd&63] = uint64(v)
	case opFCVTLUD:
		x[in.rd&63], fl = sf.F64ToU64(f[in.rs1&31], rm)
	case opFCVTWS:
		var v int32
		v, fl = sf.F32ToI32(unbox(f[in.rs1&31]), rm)
		x[in.rd&63] = uint64(int64(v))
	case opFCVTWUS:
		var v uint32
		v, fl = sf.F32ToU32(unbox(f[in.rs1&31]), rm)
		x[in.rd&63] = sext32(v)
	case opFCVTLS:
		var v int64
		v, fl = sf.F32ToI64(unbox(f[in.rs1&31]), rm)
		x[in.rd&63] = uint64(v)
	case opFCVTLUS:
		x[in.rd&63], fl = sf.F32ToU64(unbox(f[in.rs1&31]), rm)

	// Single-precision results are NaN-boxed.
	default:
		a, b, c := unbox(f[in.rs1&31]), unbox(f[in.rs2&31]), unbox(f[in.rs3&31])
		switch in.op {
		case opFADDS:
			r32, fl = sf.F32Add(a, b, rm)
		case opFSUBS:
			r32, fl = sf.F32Sub(a, b, rm)
		case opFMULS:
			r32, fl = sf.F32Mul(a, b, rm)
		case opFDIVS:
			r32, fl = sf.F32Div(a, b, rm)
		case opFSQRTS:
			r32, fl = sf.F32Sqrt(a, rm)
		case opFMADDS:
			r32, fl = sf.F32MulAdd(a, b, c, rm)
		case opFMSUBS:
			r32, fl = sf.F32MulAdd(a, b, c^1<<31, rm)
		case opFNMSUBS:
			r32, fl = sf.F32MulAdd(a^1<<31, b, c, rm)
		case opFNMADDS:
			r32, fl = sf.F32MulAdd(a^1<<31, b, c^1<<31, rm)
		case opFCVTSW:
			r32, fl = sf.I32ToF32(int32(x[in.rs1&63]), rm)
		case opFCVTSWU:
			r32, fl = sf.U32ToF32(uint32(x[in.rs1&63]), rm)
		case opFCVTSL:
			r32, fl = sf.I64ToF32(int64(x[in.rs1&63]), rm)
		case opFCVTSLU:
			r32, fl = sf.U64ToF32(x[in.rs1&63], rm)
		case opFCVTSD:
			r32, fl = sf.F64ToF32(f[in.rs1&31], rm)
		}
		f[rd] = box(r32)
	}
	return fl
}
