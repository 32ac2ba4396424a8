package riscv

// Decoding of RV64GC with Zba, Zbb, Zbs, Zicsr and Zifencei into inst.
// The encodings are those of the RISC-V unprivileged specification; field
// names follow it (rd, rs1, rs2, funct3, funct7).

func bitsOf(w uint32, hi, lo uint) uint32 { return (w >> lo) & (1<<(hi-lo+1) - 1) }

func illegal(w uint32) inst { return inst{op: opIllegal, imm: int64(w), tgt: -1} }

// intRd maps an integer destination to the register file index the
// executor writes: x0 becomes the sink.
func intRd(r uint32) uint8 {
	if r == 0 {
		return sinkReg
	}
	return uint8(r)
}

func immI(w uint32) int64 { return int64(int32(w)) >> 20 }
func immS(w uint32) int64 { return int64(int32(w))>>25<<5 | int64(bitsOf(w, 11, 7)) }
func immU(w uint32) int64 { return int64(int32(w & 0xfffff000)) }

func immB(w uint32) int64 {
	v := bitsOf(w, 31, 31)<<12 | bitsOf(w, 7, 7)<<11 | bitsOf(w, 30, 25)<<5 | bitsOf(w, 11, 8)<<1
	return int64(int32(v<<19)) >> 19
}

func immJ(w uint32) int64 {
	v := bitsOf(w, 31, 31)<<20 | bitsOf(w, 19, 12)<<12 | bitsOf(w, 20, 20)<<11 | bitsOf(w, 30, 21)<<1
	return int64(int32(v<<11)) >> 11
}

// noRM marks a floating-point operation without a rounding-mode field.
const noRM = -1

// validRM reports whether a static rounding-mode field is usable: 5 and 6
// are reserved; 7 means "use frm" and is checked when executed.
func validRM(rm uint32) bool { return rm != 5 && rm != 6 }

// decode32 decodes a 32-bit instruction.
func decode32(w uint32) inst {
	rd, rs1, rs2 := bitsOf(w, 11, 7), bitsOf(w, 19, 15), bitsOf(w, 24, 20)
	f3, f7 := bitsOf(w, 14, 12), bitsOf(w, 31, 25)
	in := inst{len: 2, tgt: -1, rd: intRd(rd), rs1: uint8(rs1), rs2: uint8(rs2)}
	r := func(op uint8) inst { in.op = op; return in }
	i := func(op uint8) inst { in.op = op; in.imm = immI(w); return in }

	switch w & 0x7f {
	case 0x37:
		in.op, in.imm = opLUI, immU(w)
		return in
	case 0x17:
		in.op, in.imm = opAUIPC, immU(w)
		return in
	case 0x6f:
		in.op, in.imm = opJAL, immJ(w)
		return in
	case 0x67:
		if f3 != 0 {
			return illegal(w)
		}
		return i(opJALR)
	case 0x63:
		ops := [8]uint8{opBEQ, opBNE, 0, 0, opBLT, opBGE, opBLTU, opBGEU}
		if ops[f3] == 0 {
			return illegal(w)
		}
		in.op, in.imm, in.rd = ops[f3], immB(w), sinkReg
		return in
	case 0x03:
		ops := [8]uint8{opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, 0}
		if ops[f3] == 0 {
			return illegal(w)
		}
		return i(ops[f3])
	case 0x23:
		ops := [8]uint8{opSB, opSH, opSW, opSD}
		if f3 > 3 {
			return illegal(w)
		}
		in.op, in.imm, in.rd = ops[f3], immS(w), sinkReg
		return in
	case 0x07: // LOAD-FP
		in.rd = uint8(rd)
		switch f3 {
		case 2:
			return i(opFLW)
		case 3:
			return i(opFLD)
		}
		return illegal(w)
	case 0x27: // STORE-FP
		in.rd, in.imm = sinkReg, immS(w)
		switch f3 {
		case 2:
			return r(opFSW)
		case 3:
			return r(opFSD)
		}
		return illegal(w)
	case 0x13:
		return decodeOpImm(w, in, f3)
	case 0x1b:
		return decodeOpImm32(w, in, f3)
	case 0x33:
		return decodeOp(w, in, f3, f7)
	case 0x3b:
		return decodeOp32(w, in, f3, f7)
	case 0x0f:
		switch f3 {
		case 0:
			// fence pred, succ: order earlier stores before later loads
			// only when pred includes W and succ includes R; that is the one
			// ordering the host (amd64 TSO) does not give for free.
			pred, succ := bitsOf(w, 27, 24), bitsOf(w, 23, 20)
			in.op, in.rd = opFENCE, sinkReg
			if pred&1 != 0 && succ&2 != 0 {
				in.rs3 = 1
			}
			return in
		case 1:
			in.op, in.rd = opFENCEI, sinkReg
			return in
		}
		return illegal(w)
	case 0x73:
		switch f3 {
		case 0:
			switch w {
			case 0x00000073:
				in.op = opECALL
				return in
			case 0x00100073:
				in.op = opEBREAK
				return in
			}
			return illegal(w) // sret, wfi, sfence.vma...: privileged
		case 4:
			return illegal(w)
		}
		in.op, in.rs3, in.imm = opCSR, uint8(f3), int64(w>>20)
		return in
	case 0x2f:
		return decodeAMO(w, in, f3)
	case 0x43, 0x47, 0x4b, 0x4f:
		fmt := bitsOf(w, 26, 25)
		if fmt > 1 || !validRM(f3) {
			return illegal(w)
		}
		ops := [2][4]uint8{
			{opFMADDS, opFMSUBS, opFNMSUBS, opFNMADDS},
			{opFMADDD, opFMSUBD, opFNMSUBD, opFNMADDD},
		}
		in.op = ops[fmt][(w>>2)&3]
		in.rd, in.rs3, in.imm = uint8(rd), uint8(bitsOf(w, 31, 27)), int64(f3)
		return in
	case 0x53:
		return decodeOpFP(w, in, rd, rs2, f3, f7)
	}
	return illegal(w)
}

func decodeOpImm(w uint32, in inst, f3 uint32) inst {
	in.imm = immI(w)
	shamt := bitsOf(w, 25, 20)
	f6 := bitsOf(w, 31, 26)
	f12 := bitsOf(w, 31, 20)
	switch f3 {
	case 0:
		in.op = opADDI
	case 2:
		in.op = opSLTI
	case 3:
		in.op = opSLTIU
	case 4:
		in.op = opXORI
	case 6:
		in.op = opORI
	case 7:
		in.op = opANDI
	case 1:
		in.imm = int64(shamt)
		switch {
		case f6 == 0x00:
			in.op = opSLLI
		case f6 == 0x12:
			in.op = opBCLRI
		case f6 == 0x0a:
			in.op = opBSETI
		case f6 == 0x1a:
			in.op = opBINVI
		case f12 == 0x600:
			in.op = opCLZ
		case f12 == 0x601:
			in.op = opCTZ
		case f12 == 0x602:
			in.op = opCPOP
		case f12 == 0x604:
			in.op = opSEXTB
		case f12 == 0x605:
			in.op = opSEXTH
		default:
			return illegal(w)
		}
	case 5:
		in.imm = int64(shamt)
		switch {
		case f6 == 0x00:
			in.op = opSRLI
		case f6 == 0x10:
			in.op = opSRAI
		case f6 == 0x18:
			in.op = opRORI
		case f6 == 0x12:
			in.op = opBEXTI
		case f12 == 0x287:
			in.op = opORCB
		case f12 == 0x6b8:
			in.op = opREV8
		default:
			return illegal(w)
		}
	}
	return in
}

func decodeOpImm32(w uint32, in inst, f3 uint32) inst {
	shamt := bitsOf(w, 24, 20)
	f7 := bitsOf(w, 31, 25)
	f6 := bitsOf(w, 31, 26)
	f12 := bitsOf(w, 31, 20)
	switch f3 {
	case 0:
		in.op, in.imm = opADDIW, immI(w)
		return in
	case 1:
		switch {
		case f7 == 0x00:
			in.op, in.imm = opSLLIW, int64(shamt)
		case f6 == 0x02:
			in.op, in.imm = opSLLIUW, int64(bitsOf(w, 25, 20))
		case f12 == 0x600:
			in.op = opCLZW
		case f12 == 0x601:
			in.op = opCTZW
		case f12 == 0x602:
			in.op = opCPOPW
		default:
			return illegal(w)
		}
		return in
	case 5:
		switch f7 {
		case 0x00:
			in.op = opSRLIW
		case 0x20:
			in.op = opSRAIW
		case 0x30:
			in.op = opRORIW
		default:
			return illegal(w)
		}
		in.imm = int64(shamt)
		return in
	}
	return illegal(w)
}

func decodeOp(w uint32, in inst, f3, f7 uint32) inst {
	var op uint8
	switch f7<<3 | f3 {
	case 0x00<<3 | 0:
		op = opADD
	case 0x20<<3 | 0:
		op = opSUB
	case 0x00<<3 | 1:
		op = opSLL
	case 0x00<<3 | 2:
		op = opSLT
	case 0x00<<3 | 3:
		op = opSLTU
	case 0x00<<3 | 4:
		op = opXOR
	case 0x00<<3 | 5:
		op = opSRL
	case 0x20<<3 | 5:
		op = opSRA
	case 0x00<<3 | 6:
		op = opOR
	case 0x00<<3 | 7:
		op = opAND
	case 0x01<<3 | 0:
		op = opMUL
	case 0x01<<3 | 1:
		op = opMULH
	case 0x01<<3 | 2:
		op = opMULHSU
	case 0x01<<3 | 3:
		op = opMULHU
	case 0x01<<3 | 4:
		op = opDIV
	case 0x01<<3 | 5:
		op = opDIVU
	case 0x01<<3 | 6:
		op = opREM
	case 0x01<<3 | 7:
		op = opREMU
	case 0x10<<3 | 2:
		op = opSH1ADD
	case 0x10<<3 | 4:
		op = opSH2ADD
	case 0x10<<3 | 6:
		op = opSH3ADD
	case 0x20<<3 | 7:
		op = opANDN
	case 0x20<<3 | 6:
		op = opORN
	case 0x20<<3 | 4:
		op = opXNOR
	case 0x05<<3 | 6:
		op = opMAX
	case 0x05<<3 | 7:
		op = opMAXU
	case 0x05<<3 | 4:
		op = opMIN
	case 0x05<<3 | 5:
		op = opMINU
	case 0x30<<3 | 1:
		op = opROL
	case 0x30<<3 | 5:
		op = opROR
	case 0x24<<3 | 1:
		op = opBCLR
	case 0x24<<3 | 5:
		op = opBEXT
	case 0x34<<3 | 1:
		op = opBINV
	case 0x14<<3 | 1:
		op = opBSET
	default:
		return illegal(w)
	}
	in.op = op
	return in
}

func decodeOp32(w uint32, in inst, f3, f7 uint32) inst {
	var op uint8
	switch f7<<3 | f3 {
	case 0x00<<3 | 0:
		op = opADDW
	case 0x20<<3 | 0:
		op = opSUBW
	case 0x00<<3 | 1:
		op = opSLLW
	case 0x00<<3 | 5:
		op = opSRLW
	case 0x20<<3 | 5:
		op = opSRAW
	case 0x01<<3 | 0:
		op = opMULW
	case 0x01<<3 | 4:
		op = opDIVW
	case 0x01<<3 | 5:
		op = opDIVUW
	case 0x01<<3 | 6:
		op = opREMW
	case 0x01<<3 | 7:
		op = opREMUW
	case 0x04<<3 | 0:
		op = opADDUW
	case 0x10<<3 | 2:
		op = opSH1ADDUW
	case 0x10<<3 | 4:
		op = opSH2ADDUW
	case 0x10<<3 | 6:
		op = opSH3ADDUW
	case 0x04<<3 | 4:
		if in.rs2 != 0 {
			return illegal(w)
		}
		op = opZEXTH
	case 0x30<<3 | 1:
		op = opROLW
	case 0x30<<3 | 5:
		op = opRORW
	default:
		return illegal(w)
	}
	in.op = op
	return in
}

func decodeAMO(w uint32, in inst, f3 uint32) inst {
	if f3 != 2 && f3 != 3 {
		return illegal(w)
	}
	wide := f3 == 3
	f5 := bitsOf(w, 31, 27)
	switch f5 {
	case 0x02: // LR
		if in.rs2 != 0 {
			return illegal(w)
		}
		in.op = opLRW
		if wide {
			in.op = opLRD
		}
	case 0x03:
		in.op = opSCW
		if wide {
			in.op = opSCD
		}
	case 0x00, 0x01, 0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c:
		in.op, in.rs3 = opAMOW, uint8(f5)
		if wide {
			in.op = opAMOD
		}
	default:
		return illegal(w)
	}
	return in
}

func decodeOpFP(w uint32, in inst, rd, rs2, f3, f7 uint32) inst {
	in.rd = uint8(rd)
	// imm is the rounding mode of operations that have one (set by withRM),
	// noRM for the others.
	in.imm = noRM
	// withRM: an operation that rounds (or has an rm field).
	withRM := func(op uint8) inst {
		if !validRM(f3) {
			return illegal(w)
		}
		in.op, in.imm = op, int64(f3)
		return in
	}
	// unary: an operation whose rs2 field selects the variant.
	toInt := func(op uint8) inst { in.rd = intRd(rd); return withRM(op) }
	switch f7 {
	case 0x00:
		return withRM(opFADDS)
	case 0x01:
		return withRM(opFADDD)
	case 0x04:
		return withRM(opFSUBS)
	case 0x05:
		return withRM(opFSUBD)
	case 0x08:
		return withRM(opFMULS)
	case 0x09:
		return withRM(opFMULD)
	case 0x0c:
		return withRM(opFDIVS)
	case 0x0d:
		return withRM(opFDIVD)
	case 0x2c:
		if rs2 == 0 {
			return withRM(opFSQRTS)
		}
	case 0x2d:
		if rs2 == 0 {
			return withRM(opFSQRTD)
		}
	case 0x10, 0x11:
		if f3 <= 2 {
			in.op = [2][3]uint8{{opFSGNJS, opFSGNJNS, opFSGNJXS}, {opFSGNJD, opFSGNJND, opFSGNJXD}}[f7&1][f3]
			return in
		}
	case 0x14, 0x15:
		if f3 <= 1 {
			in.op = [2][2]uint8{{opFMINS, opFMAXS}, {opFMIND, opFMAXD}}[f7&1][f3]
			return in
		}
	case 0x20:
		if rs2 == 1 {
			return withRM(opFCVTSD)
		}
	case 0x21:
		if rs2 == 0 {
			return withRM(opFCVTDS)
		}
	case 0x50, 0x51:
		if f3 <= 2 {
			in.op = [2][3]uint8{{opFLES, opFLTS, opFEQS}, {opFLED, opFLTD, opFEQD}}[f7&1][f3]
			in.rd = intRd(rd)
			return in
		}
	case 0x60, 0x61:
		if rs2 <= 3 {
			return toInt([2][4]uint8{{opFCVTWS, opFCVTWUS, opFCVTLS, opFCVTLUS}, {opFCVTWD, opFCVTWUD, opFCVTLD, opFCVTLUD}}[f7&1][rs2])
		}
	case 0x68, 0x69:
		if rs2 <= 3 {
			return withRM([2][4]uint8{{opFCVTSW, opFCVTSWU, opFCVTSL, opFCVTSLU}, {opFCVTDW, opFCVTDWU, opFCVTDL, opFCVTDLU}}[f7&1][rs2])
		}
	case 0x70, 0x71:
		if rs2 == 0 && f3 <= 1 {
			in.op = [2][2]uint8{{opFMVXW, opFCLASSS}, {opFMVXD, opFCLASSD}}[f7&1][f3]
			in.rd = intRd(rd)
			return in
		}
	case 0x78, 0x79:
		if rs2 == 0 && f3 == 0 {
			in.op = [2]uint8{opFMVWX, opFMVDX}[f7&1]
			return in
		}
	}
	return illegal(w)
}

// decode16 decodes a compressed instruction by expanding it to the
// operation of its 32-bit equivalent.
func decode16(c uint16) inst {
	w := uint32(c)
	in := inst{len: 1, tgt: -1}
	bad := illegal(w)
	// Register fields: full (5-bit) and compressed (3-bit, x8..x15).
	rdFull := bitsOf(w, 11, 7)
	rs2Full := bitsOf(w, 6, 2)
	rdP := bitsOf(w, 4, 2) + 8
	rs1P := bitsOf(w, 9, 7) + 8
	// imm6 is the common sign-extended immediate imm[5]=bit12, imm[4:0]=6:2.
	imm6 := int64(int32((bitsOf(w, 12, 12)<<5|bitsOf(w, 6, 2))<<26)) >> 26
	f3 := bitsOf(w, 15, 13)

	switch w & 3 {
	case 0:
		switch f3 {
		case 0: // c.addi4spn
			nz := bitsOf(w, 12, 11)<<4 | bitsOf(w, 10, 7)<<6 | bitsOf(w, 6, 6)<<2 | bitsOf(w, 5, 5)<<3
			if nz == 0 {
				return bad // includes the all-zero illegal instruction
			}
			in.op, in.rd, in.rs1, in.imm = opADDI, uint8(rdP), 2, int64(nz)
		case 1, 5: // c.fld, c.fsd
			off := int64(bitsOf(w, 12, 10)<<3 | bitsOf(w, 6, 5)<<6)
			in.rs1, in.imm = uint8(rs1P), off
			if f3 == 1 {
				in.op, in.rd = opFLD, uint8(rdP)
			} else {
				in.op, in.rd, in.rs2 = opFSD, sinkReg, uint8(rdP)
			}
		case 2, 6: // c.lw, c.sw
			off := int64(bitsOf(w, 12, 10)<<3 | bitsOf(w, 6, 6)<<2 | bitsOf(w, 5, 5)<<6)
			in.rs1, in.imm = uint8(rs1P), off
			if f3 == 2 {
				in.op, in.rd = opLW, uint8(rdP)
			} else {
				in.op, in.rd, in.rs2 = opSW, sinkReg, uint8(rdP)
			}
		case 3, 7: // c.ld, c.sd
			off := int64(bitsOf(w, 12, 10)<<3 | bitsOf(w, 6, 5)<<6)
			in.rs1, in.imm = uint8(rs1P), off
			if f3 == 3 {
				in.op, in.rd = opLD, uint8(rdP)
			} else {
				in.op, in.rd, in.rs2 = opSD, sinkReg, uint8(rdP)
			}
		default:
			return bad
		}
		return in
	case 1:
		switch f3 {
		case 0: // c.addi, c.nop
			in.op, in.rd, in.rs1, in.imm = opADDI, intRd(rdFull), uint8(rdFull), imm6
		case 1: // c.addiw
			if rdFull == 0 {
				return bad
			}
			in.op, in.rd, in.rs1, in.imm = opADDIW, intRd(rdFull), uint8(rdFull), imm6
		case 2: // c.li
			in.op, in.rd, in.rs1, in.imm = opADDI, intRd(rdFull), 0, imm6
		case 3:
			if rdFull == 2 { // c.addi16sp
				v := bitsOf(w, 12, 12)<<9 | bitsOf(w, 6, 6)<<4 | bitsOf(w, 5, 5)<<6 | bitsOf(w, 4, 3)<<7 | bitsOf(w, 2, 2)<<5
				if v == 0 {
					return bad
				}
				in.op, in.rd, in.rs1, in.imm = opADDI, 2, 2, int64(int32(v<<22))>>22
			} else { // c.lui
				if imm6 == 0 {
					return bad
				}
				in.op, in.rd, in.imm = opLUI, intRd(rdFull), imm6<<12
			}
		case 4:
			in.rd, in.rs1 = uint8(rs1P), uint8(rs1P)
			switch bitsOf(w, 11, 10) {
			case 0:
				in.op, in.imm = opSRLI, int64(bitsOf(w, 12, 12)<<5|bitsOf(w, 6, 2))
			case 1:
				in.op, in.imm = opSRAI, int64(bitsOf(w, 12, 12)<<5|bitsOf(w, 6, 2))
			case 2:
				in.op, in.imm = opANDI, imm6
			case 3:
				in.rs2 = uint8(rdP)
				ops := [8]uint8{opSUB, opXOR, opOR, opAND, opSUBW, opADDW, 0, 0}
				op := ops[bitsOf(w, 12, 12)<<2|bitsOf(w, 6, 5)]
				if op == 0 {
					return bad
				}
				in.op = op
			}
		case 5: // c.j
			v := bitsOf(w, 12, 12)<<11 | bitsOf(w, 11, 11)<<4 | bitsOf(w, 10, 9)<<8 | bitsOf(w, 8, 8)<<10 |
				bitsOf(w, 7, 7)<<6 | bitsOf(w, 6, 6)<<7 | bitsOf(w, 5, 3)<<1 | bitsOf(w, 2, 2)<<5
			in.op, in.rd, in.imm = opJAL, sinkReg, int64(int32(v<<20))>>20
		case 6, 7: // c.beqz, c.bnez
			v := bitsOf(w, 12, 12)<<8 | bitsOf(w, 11, 10)<<3 | bitsOf(w, 6, 5)<<6 | bitsOf(w, 4, 3)<<1 | bitsOf(w, 2, 2)<<5
			in.op, in.rd, in.rs1, in.rs2, in.imm = opBEQ, sinkReg, uint8(rs1P), 0, int64(int32(v<<23))>>23
			if f3 == 7 {
				in.op = opBNE
			}
		}
		return in
	case 2:
		switch f3 {
		case 0: // c.slli
			in.op, in.rd, in.rs1, in.imm = opSLLI, intRd(rdFull), uint8(rdFull), int64(bitsOf(w, 12, 12)<<5|bitsOf(w, 6, 2))
		case 1: // c.fldsp
			in.op, in.rd, in.rs1 = opFLD, uint8(rdFull), 2
			in.imm = int64(bitsOf(w, 12, 12)<<5 | bitsOf(w, 6, 5)<<3 | bitsOf(w, 4, 2)<<6)
		case 2: // c.lwsp
			if rdFull == 0 {
				return bad
			}
			in.op, in.rd, in.rs1 = opLW, uint8(rdFull), 2
			in.imm = int64(bitsOf(w, 12, 12)<<5 | bitsOf(w, 6, 4)<<2 | bitsOf(w, 3, 2)<<6)
		case 3: // c.ldsp
			if rdFull == 0 {
				return bad
			}
			in.op, in.rd, in.rs1 = opLD, uint8(rdFull), 2
			in.imm = int64(bitsOf(w, 12, 12)<<5 | bitsOf(w, 6, 5)<<3 | bitsOf(w, 4, 2)<<6)
		case 4:
			switch {
			case bitsOf(w, 12, 12) == 0 && rs2Full == 0: // c.jr
				if rdFull == 0 {
					return bad
				}
				in.op, in.rd, in.rs1 = opJALR, sinkReg, uint8(rdFull)
			case bitsOf(w, 12, 12) == 0: // c.mv
				in.op, in.rd, in.rs1 = opADDI, intRd(rdFull), uint8(rs2Full)
			case rdFull == 0 && rs2Full == 0: // c.ebreak
				in.op, in.rd = opEBREAK, sinkReg
			case rs2Full == 0: // c.jalr
				in.op, in.rd, in.rs1 = opJALR, 1, uint8(rdFull)
			default: // c.add
				in.op, in.rd, in.rs1, in.rs2 = opADD, intRd(rdFull), uint8(rdFull), uint8(rs2Full)
			}
		case 5: // c.fsdsp
			in.op, in.rd, in.rs1, in.rs2 = opFSD, sinkReg, 2, uint8(rs2Full)
			in.imm = int64(bitsOf(w, 12, 10)<<3 | bitsOf(w, 9, 7)<<6)
		case 6: // c.swsp
			in.op, in.rd, in.rs1, in.rs2 = opSW, sinkReg, 2, uint8(rs2Full)
			in.imm = int64(bitsOf(w, 12, 9)<<2 | bitsOf(w, 8, 7)<<6)
		case 7: // c.sdsp
			in.op, in.rd, in.rs1, in.rs2 = opSD, sinkReg, 2, uint8(rs2Full)
			in.imm = int64(bitsOf(w, 12, 10)<<3 | bitsOf(w, 9, 7)<<6)
		}
		return in
	}
	return bad // not reached: quadrant 3 is a 32-bit instruction
}
